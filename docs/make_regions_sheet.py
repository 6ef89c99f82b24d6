"""Make docs/regions_sheet.jpg, the regions guide's picture, from the repository's images.

    NST_MODELS_DIR=../shared/models python docs/make_regions_sheet.py

Top row: the photo, its automatic regions numbered, the two paintings. Bottom row: the two
styles by region (The Starry Night in the sky, The Scream on the houses, the river and the
rest kept), the same without masks (the two styles blended over the whole photo), and the
fast network by region. Each panel 180 px high.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from nst_core import stylize
from nst_core.fast import load_fast_model
from nst_core.fast.regions import fast_stylize_regions
from nst_core.image.io import load_image, resize, save_image
from nst_core.image.masks import style_masks
from nst_core.image.regions import find_regions, region_overlay

ROOT = Path(__file__).resolve().parent.parent
HEIGHT = 180
SIZE = 256
REGIONS = 4
RUN = {"size": SIZE, "steps": 100, "seed": 0, "style_weight": 30.0}


def _at_height(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    return resize(image, (HEIGHT, round(w * HEIGHT / h)))


def _row(panels: list[np.ndarray], width: int | None = None) -> np.ndarray:
    gap = np.ones((HEIGHT, 6, 3), np.float32)
    row = np.concatenate([p for panel in panels for p in (_at_height(panel), gap)][:-1], axis=1)
    if width is not None and row.shape[1] < width:
        row = np.concatenate([row, np.ones((HEIGHT, width - row.shape[1], 3), np.float32)], axis=1)
    return row


def main() -> None:
    content_path, starry, scream = (ROOT / "images" / n for n in ("tubingen.jpg", "starry_night.jpg", "the_scream.jpg"))
    photo = load_image(content_path, SIZE)
    labels = find_regions(photo, REGIONS)
    height, width = labels.shape
    sky = int(labels[height // 20, width // 2])  # the region at the top centre
    houses = int(labels[height * 11 // 20, width * 4 // 5])  # the region on the right, halfway down
    specs = (str(sky), str(houses))
    print(f"style 1 paints region {sky}, style 2 region {houses}; --regions {REGIONS} --style-masks {sky} {houses}")
    start = time.perf_counter()
    by_region = stylize(content_path, [starry, scream], regions=REGIONS, style_masks=specs, **RUN)
    print(f"with masks: {time.perf_counter() - start:.0f} s")
    start = time.perf_counter()
    whole = stylize(content_path, [starry, scream], **RUN)
    print(f"without masks: {time.perf_counter() - start:.0f} s")
    masks = style_masks(specs, photo, REGIONS, 0.01)
    fast = fast_stylize_regions(photo, [starry, scream], masks, model=load_fast_model())
    top = _row([photo, region_overlay(photo, labels), load_image(starry, SIZE), load_image(scream, SIZE)])
    bottom = _row([by_region.image, whole.image, fast], top.shape[1])
    sheet = np.concatenate([top, np.ones((6, top.shape[1], 3), np.float32), bottom[:, : top.shape[1]]], axis=0)
    print(save_image(sheet, ROOT / "docs" / "regions_sheet.jpg", quality=80))


if __name__ == "__main__":
    main()
