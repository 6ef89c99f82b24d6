"""Make docs/fast.jpg, the README's fast-stylisation picture, from the repository's images.

    NST_MODELS_DIR=../shared/models python docs/make_fast_figure.py

Photo, painting, then the fast result at strength 0.5 and 1, each 240 px high.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nst_core.fast import fast_stylize, load_fast_model
from nst_core.image.io import load_image, resize, save_image

ROOT = Path(__file__).resolve().parent.parent
HEIGHT = 240


def _at_height(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    return resize(image, (HEIGHT, round(w * HEIGHT / h)))


def main() -> None:
    model = load_fast_model()
    content = load_image(ROOT / "images" / "tubingen.jpg", 512)
    style = load_image(ROOT / "images" / "starry_night.jpg", 512)
    panels = [content, style] + [fast_stylize(content, style, model=model, strength=s) for s in (0.5, 1.0)]
    gap = np.ones((HEIGHT, 6, 3), np.float32)
    strip = np.concatenate([p for panel in panels for p in (_at_height(panel), gap)][:-1], axis=1)
    print(save_image(strip, ROOT / "docs" / "fast.jpg", quality=85))


if __name__ == "__main__":
    main()
