"""Blending paintings by soft masks (numpy only)."""

from __future__ import annotations

import numpy as np

from nst_core.image.masks import blend_by_masks


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
