"""Automatic regions of a photo, a numbered picture of them, and soft masks from region numbers.

So a user can give each part of a photo its own style without a drawing program: the photo
is split into a few regions (:func:`find_regions`), shown with their numbers
(:func:`region_overlay`), and the numbers each style should paint become soft masks
(:func:`region_masks`) for the engine (:mod:`nst_core.engine.masks`).

The split is SLIC superpixels (Achanta et al. 2012, scikit-image) merged two neighbours at a
time by Ward's criterion on their mean colour (CIELAB) and position, until the number of
regions asked is left: each region is connected, of one colour and compact, and the
result is the same on every run (nothing random).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage
from skimage import color, segmentation, transform

from ..errors import OptionError
from .io import ImageSource, load_image
from .masks import MAX_REGIONS

#: Superpixels per region asked, before merging: enough that the merge, not SLIC's grid, draws the borders.
SUPERPIXELS_PER_REGION = 30
#: Longest side the photo is split at, in pixels (labels are scaled back up): fast, and enough for a few regions.
SPLIT_SIZE = 256
#: Weight of position against colour (CIELAB units per image side): regions stay compact.
POSITION_WEIGHT = 40.0


def find_regions(image: np.ndarray, count: int) -> np.ndarray:
    """Split ``image`` (float RGB in [0, 1]) into ``count`` regions: labels 1..count, shape (height, width).

    Every pixel has a label; regions are connected and numbered in reading order of their
    centres (top to bottom, then left to right, by rows of a fifth of the height). Fewer
    regions come back only when the image has fewer distinct parts (a flat colour).
    """
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or not 1 <= count <= MAX_REGIONS:
        raise OptionError(f"regions must be a whole number from 1 to {MAX_REGIONS}, got {count!r}")
    image = np.asarray(image, np.float32)
    height, width = image.shape[:2]
    scale = min(1.0, SPLIT_SIZE / max(height, width))
    small = image if scale == 1.0 else transform.resize(image, (round(height * scale), round(width * scale)))
    superpixels = segmentation.slic(
        small, n_segments=max(count * SUPERPIXELS_PER_REGION, 32), compactness=10.0, start_label=0
    )
    labels = _merge(superpixels, color.rgb2lab(np.clip(small, 0, 1)), int(count))
    if scale != 1.0:
        labels = transform.resize(labels, (height, width), order=0, preserve_range=True, anti_aliasing=False)
    return _numbered(labels.astype(np.int32))


def photo_regions(photo: ImageSource, count: int, shape: tuple[int, int] | None = None) -> np.ndarray:
    """:func:`find_regions` of ``photo`` read at :data:`SPLIT_SIZE`, labels scaled to ``shape`` (height, width).

    The split is always made from the same pixels (the photo read at :data:`SPLIT_SIZE`, not
    at the run's size), so the regions and their numbers that ``nst regions`` shows are the
    ones a run at any ``--size`` paints: a merge into a few regions can flip on the small
    differences between two resamplings of a photo.
    """
    labels = find_regions(load_image(photo, SPLIT_SIZE), count)
    if shape is not None and tuple(shape) != labels.shape:
        labels = transform.resize(labels, tuple(shape), order=0, preserve_range=True, anti_aliasing=False)
    return labels.astype(np.int32)


def _merge(superpixels: np.ndarray, lab: np.ndarray, count: int) -> np.ndarray:
    """Merge neighbouring superpixels by Ward's criterion until ``count`` are left."""
    height, width = superpixels.shape
    ids = np.unique(superpixels)
    index = np.searchsorted(ids, superpixels)
    rows, cols = np.mgrid[0:height, 0:width] / max(height, width) * POSITION_WEIGHT
    features = np.concatenate([lab, rows[..., None], cols[..., None]], axis=-1).reshape(-1, 5)
    sizes = np.bincount(index.ravel()).astype(np.float64)
    sums = np.stack([np.bincount(index.ravel(), features[:, k], len(ids)) for k in range(5)], axis=1)
    means = sums / sizes[:, None]
    pairs: set[tuple[int, int]] = set()
    for one, other in ((index[:, 1:], index[:, :-1]), (index[1:, :], index[:-1, :])):
        edge = one != other
        pairs.update(zip(np.minimum(one, other)[edge].tolist(), np.maximum(one, other)[edge].tolist(), strict=True))
    neighbours: dict[int, set[int]] = {i: set() for i in range(len(ids))}
    for a, b in pairs:
        neighbours[a].add(b)
        neighbours[b].add(a)
    owner = np.arange(len(ids))
    alive = set(range(len(ids)))
    while len(alive) > count:
        best: tuple[int, int] | None = None
        best_cost = np.inf
        for a in alive:
            for b in neighbours[a]:
                if b > a:
                    cost = sizes[a] * sizes[b] / (sizes[a] + sizes[b]) * float(np.sum((means[a] - means[b]) ** 2))
                    if cost < best_cost:
                        best, best_cost = (a, b), cost
        if best is None:  # parts that touch nothing else: no merge left
            break
        a, b = best
        means[a] = (means[a] * sizes[a] + means[b] * sizes[b]) / (sizes[a] + sizes[b])
        sizes[a] += sizes[b]
        owner[owner == b] = a
        for n in neighbours.pop(b):
            neighbours[n].discard(b)
            if n != a:
                neighbours[n].add(a)
                neighbours[a].add(n)
        alive.discard(b)
    return owner[index]


def _numbered(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered 1..N in reading order of the regions' centres."""
    height = labels.shape[0]
    keys = []
    for label in np.unique(labels):
        rows, cols = np.nonzero(labels == label)
        keys.append((int(rows.mean() * 5 // height), float(cols.mean()), int(label)))
    lookup = np.zeros(labels.max() + 1, np.int32)
    for number, (_, _, label) in enumerate(sorted(keys), start=1):
        lookup[label] = number
    return lookup[labels]


def region_overlay(image: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``image`` with the regions' borders and their numbers written large, float RGB in [0, 1].

    Each number sits at the point of its region farthest from the border, in white with a
    black outline, so it reads on any colour.
    """
    marked = segmentation.mark_boundaries(np.clip(image, 0, 1), labels, color=(1, 1, 0), mode="thick")
    picture = Image.fromarray((np.clip(marked, 0, 1) * 255 + 0.5).astype(np.uint8))
    draw = ImageDraw.Draw(picture)
    side = max(labels.shape)
    font = ImageFont.load_default(size=max(12, side // 12))
    for number in np.unique(labels):
        inside = np.pad(labels == number, 1)
        depth = ndimage.distance_transform_edt(inside)[1:-1, 1:-1]
        row, col = np.unravel_index(int(np.argmax(depth)), depth.shape)
        draw.text(
            (int(col), int(row)),
            str(int(number)),
            fill=(255, 255, 255),
            font=font,
            anchor="mm",
            stroke_width=max(2, side // 120),
            stroke_fill=(0, 0, 0),
        )
    return np.asarray(picture, np.float32) / 255.0


def region_masks(labels: np.ndarray, groups: Sequence[Sequence[int]], feather: float) -> list[np.ndarray]:
    """One soft mask per group of region numbers: 1 inside, 0 outside, a Gaussian edge ``feather`` px wide.

    ``feather`` is the edge's standard deviation in pixels (0: hard edges). Masks of
    neighbouring regions add up to 1 across their shared border, so two styles meet
    without a gap or an overlap.
    """
    found = set(np.unique(labels).tolist())
    masks = []
    for group in groups:
        missing = sorted(set(group) - found)
        if missing:
            raise OptionError(
                f"region {', '.join(map(str, missing))} does not exist; the regions are 1 to {max(found)}"
            )
        mask = np.isin(labels, list(group)).astype(np.float32)
        if feather > 0:
            mask = ndimage.gaussian_filter(mask, feather, mode="nearest")
        masks.append(np.clip(mask, 0.0, 1.0).astype(np.float32))
    return masks
