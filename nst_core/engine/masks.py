"""Region masks in the engine: a soft mask per style, on each VGG19 layer's grid.

Gatys, Ecker, Bethge, Hertzmann and Shechtman 2017 ("Controlling perceptual factors in
neural style transfer", spatial control): each style's statistics are computed over its
region only, with the region's mask (a "guidance channel") brought down to each layer's
resolution. Here a mask is a float (height, width) array in [0, 1] at any size; it is
reduced to a layer's grid by area averaging, so an edge between regions stays soft on
coarse layers instead of snapping to one side.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

from ..image.io import resize


def layer_mask(mask: np.ndarray, height_width: tuple[int, int]) -> tf.Tensor:
    """``mask`` (height, width) in [0, 1] resized to a layer's grid, float32 (h, w).

    Area averaging (each layer position gets the share of its cell the region covers),
    as the guidance channels of Gatys et al. 2017 are downsampled.
    """
    image = tf.constant(np.asarray(mask, np.float32)[None, :, :, None])
    resized = tf.image.resize(image, height_width, method="area")
    return tf.clip_by_value(resized[0, :, :, 0], 0.0, 1.0)


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


def keep_photo_outside(image: np.ndarray, photo: np.ndarray, masks: Sequence[np.ndarray]) -> np.ndarray:
    """``image`` where the masks cover, ``photo`` where none does, mixed by the soft masks.

    So a region given no style is the photo exactly: the style terms' gradients reach a
    little outside their regions (a VGG19 position sees up to ~200 px around it), and the
    content term alone lets that show. The photo and masks are resized to the image's size.
    """
    return blend_by_masks([image] * len(masks), masks, resize(photo, image.shape[:2]))
