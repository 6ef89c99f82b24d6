"""Automatic regions of a real photo, their numbered picture, and masks from region numbers."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import transform

from nst_core.errors import ImageError, OptionError
from nst_core.image.io import load_image, save_image
from nst_core.image.masks import check_mask_sources, load_mask, style_masks
from nst_core.image.regions import find_regions, photo_regions, region_masks, region_overlay
from tests.helpers import CONTENT, STYLE_3


@pytest.mark.parametrize("count", [2, 4, 7])
@pytest.mark.parametrize("source", [CONTENT, STYLE_3])
def test_regions_of_a_real_photo_are_the_number_asked_and_cover_it(source, count):
    photo = load_image(source, 160)
    labels = find_regions(photo, count)
    assert labels.shape == photo.shape[:2]
    assert sorted(np.unique(labels).tolist()) == list(range(1, count + 1))  # every pixel labelled 1..count


def test_regions_are_the_same_on_every_run():
    photo = load_image(CONTENT, 128)
    np.testing.assert_array_equal(find_regions(photo, 5), find_regions(photo, 5))


def test_region_numbers_mean_the_same_regions_at_every_run_size():
    # nst regions shows them at one --size, the run may paint at another: region 2 must stay region 2.
    reference = np.minimum(photo_regions(CONTENT, 4, (96, 128)), 3)
    for size in (128, 200, 384, 512):
        photo = load_image(CONTENT, size)
        masks = style_masks(["1", "2", "3+4"], photo, regions=4, photo=CONTENT)
        labels = (np.argmax(np.stack(masks), axis=0) + 1).astype(np.float32)
        at_reference = transform.resize(labels, reference.shape, order=0, preserve_range=True, anti_aliasing=False)
        assert (at_reference == reference).mean() > 0.95, size


def test_a_flat_image_gives_fewer_regions_rather_than_failing():
    labels = find_regions(np.full((64, 64, 3), 0.5, np.float32), 4)
    assert labels.min() == 1 and labels.max() <= 4


def test_the_overlay_marks_borders_and_numbers():
    photo = load_image(CONTENT, 128)
    labels = find_regions(photo, 3)
    overlay = region_overlay(photo, labels)
    assert overlay.shape == photo.shape and 0 <= overlay.min() and overlay.max() <= 1
    yellow = (overlay[..., 0] > 0.9) & (overlay[..., 1] > 0.9) & (overlay[..., 2] < 0.1)
    written = (np.abs(overlay - photo).max(axis=-1) > 0.3) & ~yellow
    assert yellow.mean() > 0.01 and written.sum() > 50  # borders drawn, and the numbers written


def test_masks_of_neighbouring_regions_add_up_to_one_across_their_border():
    labels = np.ones((40, 60), np.int32)
    labels[:, 30:] = 2
    left, right = region_masks(labels, [[1], [2]], feather=3.0)
    np.testing.assert_allclose(left + right, 1.0, atol=1e-5)
    assert left[:, 0].min() > 0.99 and left[:, -1].max() < 0.01
    assert 0.3 < left[0, 30] < 0.7  # soft at the border


def test_region_numbers_and_pictures_become_masks(tmp_path):
    photo = load_image(CONTENT, 96)
    picture = np.zeros((20, 30, 3), np.float32)
    picture[:, :15] = 1.0
    path = save_image(picture, tmp_path / "left.png")
    masks = style_masks(["1+2", str(path)], photo, regions=3, feather=0.01)
    assert [m.shape for m in masks] == [photo.shape[:2]] * 2
    assert masks[1][:, :10].min() > 0.9 and masks[1][:, -10:].max() < 0.1  # resized to the photo


@pytest.mark.parametrize(
    ("specs", "regions", "error", "message"),
    [
        (["black"], None, OptionError, "covers nothing"),
        (["missing.png"], None, ImageError, "no such file"),
        (["1", "2", "3"], 3, OptionError, "3 style masks for 2 style image"),
        (["9"], 3, OptionError, "region 9 does not exist"),
        (["1"], None, OptionError, "--regions"),
    ],
)
def test_bad_masks_are_one_line_errors(tmp_path, specs, regions, error, message):
    save_image(np.zeros((20, 20, 3), np.float32), tmp_path / "black.png")
    specs = [
        str(tmp_path / "black.png") if s == "black" else str(tmp_path / s) if s.endswith(".png") else s for s in specs
    ]
    photo = load_image(CONTENT, 64)

    def check_then_make() -> None:
        check_mask_sources(specs, 2)
        style_masks(specs, photo, regions)

    with pytest.raises(error, match=message) as raised:
        check_then_make()
    assert "\n" not in str(raised.value)


def test_a_colour_mask_counts_by_its_brightness(tmp_path):
    picture = np.zeros((16, 16, 3), np.float32)
    picture[..., 0] = 1.0  # pure red: luminance 0.299
    mask = load_mask(save_image(picture, tmp_path / "red.png"), (8, 8))
    np.testing.assert_allclose(mask, 0.299, atol=0.01)
