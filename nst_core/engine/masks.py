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
from ..image.masks import blend_by_masks


def layer_mask(mask: np.ndarray, height_width: tuple[int, int]) -> tf.Tensor:
    """``mask`` (height, width) in [0, 1] resized to a layer's grid, float32 (h, w).

    Area averaging (each layer position gets the share of its cell the region covers),
    as the guidance channels of Gatys et al. 2017 are downsampled.
    """
    image = tf.constant(np.asarray(mask, np.float32)[None, :, :, None])
    resized = tf.image.resize(image, height_width, method="area")
    return tf.clip_by_value(resized[0, :, :, 0], 0.0, 1.0)


def keep_photo_outside(image: np.ndarray, photo: np.ndarray, masks: Sequence[np.ndarray]) -> np.ndarray:
    """``image`` where the masks cover, ``photo`` where none does, mixed by the soft masks.

    So a region given no style is the photo exactly: the style terms' gradients reach a
    little outside their regions (a VGG19 position sees up to ~200 px around it), and the
    content term alone lets that show. The photo and masks are resized to the image's size.
    """
    return blend_by_masks([image] * len(masks), masks, resize(photo, image.shape[:2]))
