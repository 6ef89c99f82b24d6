"""Make the README picture: the photo and the default result in three styles, by the project itself.

    python docs/make_readme_figure.py [--size 512] [--outputs DIR]

With ``--outputs`` the results saved by ``python -m benchmarks.quality --outputs DIR``
(``DIR/PAIR_default.png``) are used instead of painting them again. Writes
docs/readme_figure.jpg: the photo, then each painting above its result.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import nst_core
from nst_core.image.io import load_image, resize, save_image

HERE = Path(__file__).resolve().parent
IMAGES = HERE.parent / "images"
STYLES = {"starry": "starry_night.jpg", "scream": "the_scream.jpg", "shipwreck": "shipwreck.jpg"}


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


def column(style: np.ndarray, result: np.ndarray, width: int, gap: int = 8) -> np.ndarray:
    """A small picture of the painting above the result, both ``width`` px wide."""
    result = resize(result, (round(result.shape[0] * width / result.shape[1]), width))
    thumb_height = result.shape[0] // 2
    thumb = resize(style, (thumb_height, round(style.shape[1] * thumb_height / style.shape[0])))
    out = np.ones((thumb_height + gap + result.shape[0], width, 3), np.float32)
    left = (width - min(width, thumb.shape[1])) // 2
    out[:thumb_height, left : left + min(width, thumb.shape[1])] = thumb[:, :width]
    out[thumb_height + gap :] = result
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--outputs", help="folder of benchmarks.quality's saved results")
    args = parser.parse_args()
    content = load_image(IMAGES / "tubingen.jpg", args.size)
    columns = []
    width = 3 * content.shape[1] // 4  # four columns about 1500 px wide together at 512 px
    stylizer = nst_core.Stylizer()
    for pair, name in STYLES.items():
        saved = Path(args.outputs) / f"{pair}_default.png" if args.outputs else None
        if saved is not None and saved.exists():
            result = load_image(saved)
        else:
            run = stylizer(content, IMAGES / name, size=args.size)
            print(f"{pair}: {run.steps} steps, {run.seconds:.1f} s")
            result = run.image
        columns.append(column(load_image(IMAGES / name), result, width))
    height = columns[0].shape[0]
    photo = np.ones((height, width, 3), np.float32)
    small = resize(content, (round(content.shape[0] * width / content.shape[1]), width))
    photo[height - small.shape[0] :] = small
    save_image(side_by_side([photo, *columns], height), HERE / "readme_figure.jpg")


if __name__ == "__main__":
    main()
