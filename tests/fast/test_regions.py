"""Region masks on the fast path: one painting per style, blended by the soft masks."""

from __future__ import annotations

import numpy as np

from nst_core.fast.regions import fast_stylize_regions
from nst_core.image.io import load_image
from tests.helpers import CONTENT, STYLE, STYLE_2


def test_two_styles_in_two_halves_with_the_real_network(lite_model):
    photo = load_image(CONTENT, 128)
    left = np.zeros(photo.shape[:2], np.float32)
    left[:, : photo.shape[1] // 2] = 1.0
    out = fast_stylize_regions(CONTENT, [STYLE, STYLE_2], [left, 1.0 - left], model=lite_model, size=128)
    starry = lite_model.transfer(photo, lite_model.style_vector(load_image(STYLE)))
    scream = lite_model.transfer(photo, lite_model.style_vector(load_image(STYLE_2)))
    half = photo.shape[1] // 2
    np.testing.assert_allclose(out[:, : half - 1], starry[:, : half - 1], atol=1e-5)
    np.testing.assert_allclose(out[:, half + 1 :], scream[:, half + 1 :], atol=1e-5)


def test_each_region_is_painted_as_nst_fast_paints_its_style_with_strength_and_colours(lite_model):
    from nst_core.fast import fast_stylize

    photo = load_image(CONTENT, 96)
    left = np.zeros(photo.shape[:2], np.float32)
    left[:, : photo.shape[1] // 2] = 1.0
    settings = {"model": lite_model, "strength": 0.5, "preserve_colors": "histogram"}
    out = fast_stylize_regions(photo, [STYLE, STYLE_2], [left, 1.0 - left], **settings)
    half = photo.shape[1] // 2
    np.testing.assert_allclose(out[:, :half], fast_stylize(photo, STYLE, **settings)[:, :half], atol=1e-5)
    np.testing.assert_allclose(out[:, half:], fast_stylize(photo, STYLE_2, **settings)[:, half:], atol=1e-5)
