"""Small images and paths shared by the tests (no downloads: everything is made here or shipped)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "images"
CONTENT = IMAGES / "tubingen.jpg"
STYLE = IMAGES / "starry_night.jpg"
STYLE_2 = IMAGES / "the_scream.jpg"


def gradient_image(height: int = 48, width: int = 64) -> np.ndarray:
    """A smooth colourful float RGB test image in [0, 1]."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    return np.stack([x / width, y / height, 1.0 - x / width], axis=2)


STYLE_3 = IMAGES / "shipwreck.jpg"
