"""Style masks as users give them: a greyscale picture, or the numbers of automatic regions.

A mask says where a style paints: white (1) paints, black (0) keeps the photo, grey between
blends. Given as an image (path, URL, array...), it is read by :func:`~nst_core.image.io.load_image`,
made grey (its luminance) and resized to the photo; given as region numbers (``"1+2"``), it
is made from :func:`~nst_core.image.regions.photo_regions` by
:func:`~nst_core.image.regions.region_masks`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..errors import OptionError
from .io import ImageSource, describe_source, load_image, resize

#: Region numbers joined by "+": ``"3"``, ``"1+2"``.
REGION_SPEC = re.compile(r"^\s*\d+(\s*\+\s*\d+)*\s*$")
#: Most automatic regions: more are hard to tell apart by number (see :mod:`~nst_core.image.regions`).
MAX_REGIONS = 24
#: A mask whose brightest pixel is under this covers nothing (a black or empty picture).
MIN_COVER = 1.0 / 255


def is_region_spec(value: object) -> bool:
    """Whether ``value`` names region numbers (``"2"``, ``"1+3"``) rather than a mask picture."""
    return isinstance(value, str) and bool(REGION_SPEC.match(value))


def region_numbers(spec: str) -> tuple[int, ...]:
    """``"1+3"`` -> ``(1, 3)``."""
    return tuple(int(part) for part in spec.split("+"))


def load_mask(source: ImageSource, height_width: tuple[int, int], name: str | None = None) -> np.ndarray:
    """A mask picture as float32 (height, width) in [0, 1], resized to ``height_width``.

    Colour pictures count by their luminance (Rec. 601), transparency as white (as
    :func:`~nst_core.image.io.load_image` reads it). Raises ImageError for an unreadable
    picture, OptionError for one that covers nothing (all black).
    """
    name = describe_source(source) if name is None else name
    image = load_image(source, name=name)
    grey = image @ np.array([0.299, 0.587, 0.114], np.float32)
    mask = resize(grey[:, :, None], (int(height_width[0]), int(height_width[1])))[:, :, 0]
    check_covers(mask, name)
    return mask


def check_covers(mask: np.ndarray, name: str) -> None:
    """OptionError unless ``mask`` covers some pixel (its brightest is at least :data:`MIN_COVER`)."""
    if float(np.max(mask)) < MIN_COVER:
        raise OptionError(f"{name}: the mask covers nothing (it is all black); white marks where the style paints")


def style_masks(
    specs: Sequence[ImageSource],
    image: np.ndarray,
    regions: int | None = None,
    feather: float = 0.0,
    photo: ImageSource | None = None,
) -> list[np.ndarray]:
    """The content masks of ``specs`` (one per style), at the size of ``image`` (float RGB).

    Each spec is a mask picture or region numbers; region numbers need ``regions``, the
    number of automatic regions to split the photo into. ``photo``: the photo as the user
    gave it (path, array...; default ``image``), split as ``nst regions`` splits it
    (:func:`~nst_core.image.regions.photo_regions`), so the numbers mean the same regions at
    any size. ``feather``: the soft edge of region masks, as a fraction of the longest side (a
    Gaussian's standard deviation).
    """
    from .regions import photo_regions, region_masks  # scikit-image: only when regions are used

    shape = image.shape[:2]
    labels = None
    masks = []
    for index, spec in enumerate(specs, start=1):
        if is_region_spec(spec):
            if regions is None:
                raise OptionError(
                    f"style mask {index} is {str(spec).strip()!r}, region numbers: set the number of automatic"
                    " regions (--regions N; see nst regions)"
                )
            if labels is None:
                labels = photo_regions(image if photo is None else photo, regions, shape)
            mask = region_masks(labels, [region_numbers(str(spec))], feather * max(shape))[0]
            check_covers(mask, f"style mask {index}")
            masks.append(mask)
        else:
            masks.append(load_mask(spec, shape))
    return masks


def check_mask_count(masks: Sequence[object] | None, styles: int, what: str = "style masks") -> None:
    """OptionError if there are more ``masks`` than ``styles`` (fewer is fine: the rest paint everywhere)."""
    if masks is not None and len(masks) > styles:
        raise OptionError(f"{len(masks)} {what} for {styles} style image(s); give at most one per style")


def check_mask_sources(masks: Sequence[ImageSource] | None, styles: int, what: str = "style masks") -> None:
    """Check masks before a run starts: no more than ``styles``, each picture readable and covering something.

    Region numbers are checked against the regions when the photo is split.
    """
    check_mask_count(masks, styles, what)
    for source in masks or ():
        if not is_region_spec(source):
            name = describe_source(source)
            image = load_image(source, name=name)
            check_covers(image.max(axis=-1), name)


def masks_at(masks: Sequence[np.ndarray], height_width: tuple[int, int]) -> np.ndarray:
    """The masks resized to an image's ``height_width``, stacked: float32 (count, height, width)."""
    return np.stack([resize(np.asarray(m, np.float32)[:, :, None], height_width)[:, :, 0] for m in masks])


def blend_by_masks(paintings: Sequence[np.ndarray], masks: Sequence[np.ndarray], photo: np.ndarray) -> np.ndarray:
    """Each painting where its mask covers, the photo where none does (float RGB, the photo's size).

    Where masks overlap, their paintings are averaged by the masks' values; so soft edges
    between two styles cross-fade and soft edges at a region with no style fade into the
    photo. Masks are resized to the photo's size; paintings must have it.
    """
    weights = masks_at(masks, photo.shape[:2])
    total = weights.sum(axis=0)
    cover = np.clip(total, 0.0, 1.0)[:, :, None]
    mixed = np.einsum("khw,khwc->hwc", weights, np.stack(paintings)) / np.maximum(total, 1e-6)[:, :, None]
    return (cover * mixed + (1.0 - cover) * photo).astype(np.float32)
