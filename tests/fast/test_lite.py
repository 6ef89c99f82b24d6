"""The Lite back end on the real Magenta models: any content size, no tile seams."""

from __future__ import annotations

import numpy as np
import pytest

from nst_core.fast import lite
from nst_core.image.io import load_image

from ..helpers import CONTENT, STYLE


@pytest.mark.parametrize("size", [100, 480])  # smaller than one 384 px tile; several tiles
def test_lite_keeps_size_and_range_of_non_square_content(lite_model, size):
    content = load_image(CONTENT, size)
    assert content.shape[0] != content.shape[1]
    image = lite_model.transfer(content, lite_model.style_vector(load_image(STYLE, 200)))
    assert image.shape == content.shape and image.dtype == np.float32
    assert 0.0 <= image.min() and image.max() <= 1.0
    assert np.abs(image - content).mean() > 0.05  # it did paint something


def test_lite_tiles_have_no_seams(lite_model):
    content = load_image(CONTENT, 700)  # 525x700: 2x3 tiles
    image = lite_model.transfer(content, lite_model.style_vector(load_image(STYLE, 256)))
    columns = np.abs(np.diff(image, axis=1)).mean(axis=(0, 2))  # mean jump between neighbour columns
    starts = lite._tile_starts(content.shape[1], lite_model.tile)
    # The column where a tile hard-cut would be (each tile's end) is no sharper than usual.
    for edge in [s + lite_model.tile - 1 for s in starts[:-1]]:
        assert columns[edge] < 2.0 * np.median(columns)
