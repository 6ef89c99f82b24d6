"""The Lite back end on the real Magenta models: any content size, no tile seams."""

from __future__ import annotations

import numpy as np
import pytest

from nst_core.fast import lite
from nst_core.image.io import load_image

from ..helpers import CONTENT, STYLE


@pytest.mark.fast_models
@pytest.mark.parametrize("size", [100, 480])  # smaller than one 384 px tile; several tiles
def test_lite_keeps_size_and_range_of_non_square_content(lite_model, size):
    content = load_image(CONTENT, size)
    assert content.shape[0] != content.shape[1]
    image = lite_model.transfer(content, lite_model.style_vector(load_image(STYLE, 200)))
    assert image.shape == content.shape and image.dtype == np.float32
    assert 0.0 <= image.min() and image.max() <= 1.0
    assert np.abs(image - content).mean() > 0.05  # it did paint something


@pytest.mark.fast_models
def test_lite_tiles_have_no_seams(lite_model):
    content = load_image(CONTENT, 700)  # 525x700: 2x3 tiles
    image = lite_model.transfer(content, lite_model.style_vector(load_image(STYLE, 256)))
    for axis in (0, 1):  # the seams between rows of tiles, then between columns
        # the mean jump between neighbour rows (columns) of pixels
        jumps = np.abs(np.diff(image, axis=axis)).mean(axis=(1, 2) if axis == 0 else (0, 2))
        starts = lite._tile_starts(content.shape[axis], lite_model.tile)
        # Where a tile meets the next one (the next one's first pixel, this one's last) the
        # picture is no sharper than elsewhere: 1.2x the median here; tiles averaged without
        # feathering give 1.7-2x, a hard cut 2.5-3x.
        edges = [s - 1 for s in starts[1:]] + [s + lite_model.tile - 1 for s in starts[:-1]]
        assert len(edges) == 2 * (len(starts) - 1) == (2 if axis == 0 else 4)
        for edge in edges:
            assert jumps[edge] < 1.5 * np.median(jumps), (axis, edge)
