"""Region masks on the fast path: one painting per style, blended by the soft masks."""

from __future__ import annotations

import numpy as np

from nst_core.engine.masks import blend_by_masks
from nst_core.fast.regions import fast_stylize_regions
from nst_core.image.io import load_image
from tests.helpers import CONTENT, STYLE, STYLE_2


def test_blend_paints_each_region_and_keeps_the_photo_elsewhere():
    photo = np.full((8, 12, 3), 0.5, np.float32)
    red, blue = np.zeros_like(photo), np.zeros_like(photo)
    red[..., 0], blue[..., 2] = 1.0, 1.0
    left, right = np.zeros((8, 12), np.float32), np.zeros((8, 12), np.float32)
    left[:, :4], right[:, 8:] = 1.0, 1.0
    out = blend_by_masks([red, blue], [left, right], photo)
    np.testing.assert_allclose(out[:, :4], red[:, :4])
    np.testing.assert_allclose(out[:, 8:], blue[:, 8:])
    np.testing.assert_allclose(out[:, 4:8], photo[:, 4:8])  # no mask: the photo


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
