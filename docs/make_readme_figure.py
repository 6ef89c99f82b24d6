"""Make the README picture: content, style and result side by side, by the project itself.

    python docs/make_readme_figure.py [--size 256] [--steps 300]

Writes docs/result_<size>.png (the result alone) and docs/readme_figure.jpg (the strip).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import nst_core
from nst_core.images import load_image, resize, save_image

HERE = Path(__file__).resolve().parent
IMAGES = HERE.parent / "images"


def side_by_side(images: list[np.ndarray], height: int, gap: int = 8) -> np.ndarray:
    """Images resized to one height (pixels) and placed left to right on white."""
    scaled = [resize(im, (height, round(im.shape[1] * height / im.shape[0]))) for im in images]
    width = sum(im.shape[1] for im in scaled) + gap * (len(scaled) - 1)
    strip = np.ones((height, width, 3), dtype=np.float32)
    x = 0
    for im in scaled:
        strip[:, x : x + im.shape[1]] = im
        x += im.shape[1] + gap
    return strip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=nst_core.StyleOptions().steps)
    args = parser.parse_args()
    content, style = IMAGES / "tubingen.jpg", IMAGES / "starry_night.jpg"
    result = nst_core.stylize(content, style, size=args.size, steps=args.steps)
    save_image(result.image, HERE / f"result_{args.size}.png")
    strip = side_by_side([load_image(content), load_image(style), result.image], height=result.image.shape[0])
    save_image(strip, HERE / "readme_figure.jpg")
    print(f"{args.size} px, {result.steps} steps, {result.seconds:.1f} s, loss {result.loss:.4g}")


if __name__ == "__main__":
    main()
