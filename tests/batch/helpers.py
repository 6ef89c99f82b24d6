"""Photos for the batch tests: small crops of images/ written as files (nothing downloaded)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from ..helpers import CONTENT, STYLE, STYLE_2, STYLE_3

STYLES = (str(STYLE), str(STYLE_2))


def write_photos(folder: Path, count: int = 3, size: tuple[int, int] = (96, 72)) -> list[Path]:
    """``count`` different photos of one size (width, height): crops of tubingen.jpg and shipwreck.jpg."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(count):
        source = Image.open(CONTENT if k % 2 == 0 else STYLE_3).convert("RGB")
        left = 40 * k
        crop = source.crop((left, 0, left + 4 * size[0], 4 * size[1])).resize(size)
        path = folder / f"photo{k}.jpg"
        crop.save(path, quality=90)
        paths.append(path)
    return paths


def interleaved_shapes(folder: Path) -> list[str]:
    """Four photos alternating landscape and portrait (96x72, 72x96, 96x72, 72x96), as paths."""
    wide = write_photos(folder / "wide", 2, size=(96, 72))
    tall = write_photos(folder / "tall", 2, size=(72, 96))
    return [str(p) for pair in zip(wide, tall, strict=True) for p in pair]


def read_pixels(path: Path) -> np.ndarray:
    """A picture file's pixels (decoding it all: a half-written file fails here)."""
    with Image.open(path) as image:
        image.load()
        return np.asarray(image)
