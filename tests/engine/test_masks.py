"""Style masks in a real run: each style paints its region, the rest keeps the photo, no seam."""

from __future__ import annotations

import numpy as np
import pytest

from nst_core import stylize
from nst_core.image.io import load_image
from nst_core.image.regions import region_masks
from nst_core.metrics import style_distance
from tests.helpers import CONTENT, STYLE, STYLE_2

pytestmark = pytest.mark.vgg19

SIZE = 96
QUICK = {"size": SIZE, "steps": 15, "pyramid_levels": 1, "seed": 0, "precision": "float32", "style_weight": 30.0}


def _halves(image: np.ndarray, band: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Left and right parts of ``image``, without ``band`` columns each side of the middle."""
    middle = image.shape[1] // 2
    return image[:, : middle - band], image[:, middle + band :]


def _left_mask(photo: np.ndarray, feather: float = 0.0) -> np.ndarray:
    labels = np.ones(photo.shape[:2], np.int32)
    labels[:, photo.shape[1] // 2 :] = 2
    return region_masks(labels, [[1]], feather)[0]


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    return load_image(CONTENT, SIZE)


@pytest.mark.parametrize("style_loss", ["gram", "sliced"])
def test_a_left_half_mask_styles_the_left_half_only(photo, style_loss):
    result = stylize(
        CONTENT, STYLE, style_masks=[_left_mask(photo)], unstyled="content", style_loss=style_loss, **QUICK
    )
    left, right = _halves(result.image)
    photo_left, photo_right = _halves(photo)
    style = load_image(STYLE, SIZE)
    assert style_distance(left, style) < 0.7 * style_distance(photo_left, style)
    right_change = np.abs(right - photo_right).mean()
    assert right_change < 0.3 * np.abs(left - photo_left).mean()
    assert right_change < 0.03  # of the [0, 1] range: the photo, within what the style's reach spills


def test_two_styles_in_two_regions_each_move_toward_their_own(photo):
    left_mask = _left_mask(photo)
    result = stylize(CONTENT, [STYLE, STYLE_2], style_masks=[left_mask, 1.0 - left_mask], **QUICK)
    left, right = _halves(result.image)
    photo_left, photo_right = _halves(photo)
    starry, scream = load_image(STYLE, SIZE), load_image(STYLE_2, SIZE)

    def gain(before: np.ndarray, after: np.ndarray, style: np.ndarray) -> float:
        return style_distance(after, style) / style_distance(before, style)

    assert gain(photo_left, left, starry) < gain(photo_left, left, scream)
    assert gain(photo_right, right, scream) < gain(photo_right, right, starry)


def test_a_soft_mask_leaves_no_seam_where_the_photo_is_pasted_back(photo):
    result = stylize(CONTENT, STYLE, style_masks=[_left_mask(photo, feather=0.02 * SIZE)], **QUICK)
    profile = np.abs(result.image - photo).mean(axis=(0, 2))  # how far from the photo, column by column
    steps = np.abs(np.diff(profile))
    middle = photo.shape[1] // 2
    at_edge = steps[middle - 6 : middle + 6].max()
    inside = steps[: middle - 10].max()  # column to column changes within the painted half
    assert at_edge <= inside
    assert profile[middle + 10 :].max() < 0.02  # the right half is the photo (pasted back)


def test_a_style_without_a_mask_paints_everywhere_also_where_the_photo_would_be_pasted(photo):
    # nst PHOTO S1 S2 --style-masks left.png: style 2 has no mask, so it paints the right half too.
    result = stylize(CONTENT, [STYLE, STYLE_2], style_masks=[_left_mask(photo)], **QUICK)
    _, right = _halves(result.image)
    _, photo_right = _halves(photo)
    assert np.abs(right - photo_right).mean() > 0.05
