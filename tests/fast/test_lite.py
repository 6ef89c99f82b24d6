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
        margin = lite.EDGE_MARGIN  # the tiles cover the content and its mirrored margin
        starts = [s - margin for s in lite._tile_starts(content.shape[axis] + 2 * margin, lite_model.tile)]
        # Where a tile meets the next one (the next one's first pixel, this one's last) the
        # picture is no sharper than elsewhere: 1.2x the median here; tiles averaged without
        # feathering give 1.7-2x, a hard cut 2.5-3x.
        edges = [s - 1 for s in starts[1:]] + [s + lite_model.tile - 1 for s in starts[:-1]]
        assert len(edges) == 2 * (len(starts) - 1) == (2 if axis == 0 else 4)
        for edge in edges:
            assert jumps[edge] < 1.5 * np.median(jumps), (axis, edge)


@pytest.mark.fast_models
@pytest.mark.parametrize("size", [96, 128])
def test_lite_paints_no_band_along_the_edges(lite_model, size):
    from nst_core.fast.stylize import fast_stylize

    image = fast_stylize(CONTENT, STYLE, size=size, model=lite_model)
    sides = {"top": image, "bottom": image[::-1], "left": image.swapaxes(0, 1), "right": image.swapaxes(0, 1)[::-1]}
    for side, rows in sides.items():
        # The two outermost rows against the five inside them: the network painted the top
        # two 0.17 brighter (0.68 against 0.51) when the picture's edge was a tile's edge;
        # the photo's own rows differ by up to 0.04 there, the painting's now by up to 0.03.
        assert abs(rows[:2].mean() - rows[2:7].mean()) < 0.05, (side, rows[:2].mean(), rows[2:7].mean())


@pytest.mark.fast_models
def test_the_edge_margin_costs_no_tile_where_the_picture_fits_in_one_row(lite_model, monkeypatch):
    painted = []
    paint_tile = lite_model._paint_tile
    monkeypatch.setattr(
        lite_model, "_paint_tile", lambda tile, vector: painted.append(tile.shape) or paint_tile(tile, vector)
    )
    content = np.random.default_rng(0).random((341, 512, 3), dtype=np.float32)  # a 3:2 photo at 512 px
    image = lite_model.transfer(content, lite_model.style_vector(load_image(STYLE, 200)))
    assert image.shape == content.shape
    # One row of two 384 px tiles, as without a margin: a wide margin pushes the 341 px
    # side over one tile and doubles the time.
    assert len(painted) == 2, painted
