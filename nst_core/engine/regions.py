"""The style terms of a run with region masks: each style matched over its own region.

Gatys, Ecker, Bethge, Hertzmann and Shechtman 2017 ("Controlling perceptual factors in
neural style transfer", spatial control): a style's statistics are computed over its region
of the picture (guided Gram matrices, or the region's positions as a weighted sample for the
sliced loss) and compared with those of the painting, or of a region of it. Each style's
term is weighted by its region's share of the picture, so that ``style_weight`` paints a
region as strongly as it paints a whole picture without masks (see the loss normalisation
page of the documentation); a mask over the whole
picture gives exactly the unmasked term. :class:`~nst_core.engine.objective.StyleObjective`
uses :class:`RegionStyleTerms` when it is given masks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import tensorflow as tf

from ..errors import OptionError
from .losses import gram_loss, gram_matrix, sliced_wasserstein_loss
from .masks import layer_mask
from .vgg import VGGFeatures
from .weights import normalise_weights


def region_style_targets(
    extractor: VGGFeatures,
    style: np.ndarray,
    layers: Sequence[str],
    style_loss: str,
    style_mask: np.ndarray | None = None,
) -> dict[str, Any]:
    """One style image's targets per layer, from the whole image or the region ``style_mask``.

    A Gram matrix per layer for ``"gram"`` (guided by the mask, Gatys et al. 2017), or
    ``(features (M, C), weights (M,))`` for ``"sliced"``, each position weighted by the mask.
    ``style_mask`` is (height, width) in [0, 1] at any size.
    """
    features = extractor(tf.constant(style[None], tf.float32))
    targets: dict[str, Any] = {}
    for layer in layers:
        grid = tuple(features[layer].shape[1:3])
        weights = None if style_mask is None else layer_mask(style_mask, grid)
        if style_loss == "sliced":
            flat = tf.reshape(features[layer], [-1, features[layer].shape[-1]])
            mass = tf.ones([tf.shape(flat)[0]]) if weights is None else tf.reshape(weights, [-1])
            targets[layer] = (flat, mass / tf.maximum(tf.reduce_sum(mass), 1e-12))
        else:
            targets[layer] = gram_matrix(features[layer], weights)
    return targets


class RegionStyleTerms:
    """Per-style targets, regions on each layer's grid, and strengths; called per layer in the step.

    Args:
        extractor: the VGG19 extractor of the objective.
        styles: the style images, float RGB in [0, 1].
        layers: the style layers.
        grids: (height, width) of each layer's features for the content image.
        style_loss: ``"gram"`` or ``"sliced"``.
        blend_weights: relative strengths of the styles in their regions (normalised to mean 1).
        content_masks: a region of the content per style ((height, width) in [0, 1], any size;
            a missing entry or None: the whole picture).
        style_masks: a region of each style image (the same conventions).

    Targets and strengths are variables, so :meth:`set_styles` changes them under a traced step.
    """

    def __init__(
        self,
        extractor: VGGFeatures,
        styles: Sequence[np.ndarray],
        layers: Sequence[str],
        grids: Mapping[str, tuple[int, int]],
        style_loss: str,
        blend_weights: Sequence[float] | None = None,
        content_masks: Sequence[np.ndarray | None] | None = None,
        style_masks: Sequence[np.ndarray | None] | None = None,
    ):
        self.extractor, self.layers, self.style_loss = extractor, tuple(layers), style_loss
        count = len(styles)
        content, image = list(content_masks or []), list(style_masks or [])
        for name, masks in (("content masks", content), ("style image masks", image)):
            if len(masks) > count:
                raise OptionError(f"{len(masks)} {name} for {count} style image(s); give at most one per style")
        self._style_masks = image + [None] * (count - len(image))
        #: Per style, per layer: the content region on the layer's grid (None: everywhere).
        self.masks = [
            {name: None if mask is None else layer_mask(mask, grids[name]) for name in self.layers}
            for mask in content + [None] * (count - len(content))
        ]
        areas = [
            [1.0 if m[name] is None else float(tf.reduce_mean(m[name])) for name in self.layers] for m in self.masks
        ]
        self._areas = tf.constant(areas, tf.float32)
        self._strengths = tf.Variable(tf.zeros([count, len(self.layers)]), trainable=False)
        #: Per style, per layer: a Gram matrix, or (features, weights) for "sliced" (variables).
        self.targets: list[dict[str, Any]] = [
            {name: self._variable(target) for name, target in style_targets.items()}
            for style_targets in self._compute(styles)
        ]
        self._set_strengths(blend_weights, count)

    def _variable(self, target: Any) -> Any:
        if self.style_loss == "sliced":  # first dimension free: style images of any size fit the traced step
            features, weights = target
            return (
                tf.Variable(features, trainable=False, shape=tf.TensorShape([None, features.shape[-1]])),
                tf.Variable(weights, trainable=False, shape=tf.TensorShape([None])),
            )
        return tf.Variable(target, trainable=False)

    def _compute(self, styles: Sequence[np.ndarray]) -> list[dict[str, Any]]:
        """Each style's targets, over its style-image region where it has one."""
        if len(styles) != len(self.masks):
            raise OptionError(f"{len(styles)} style image(s) for an objective with regions for {len(self.masks)}")
        return [
            region_style_targets(self.extractor, style, self.layers, self.style_loss, mask)
            for style, mask in zip(styles, self._style_masks, strict=True)
        ]

    def _set_strengths(self, blend_weights: Sequence[float] | None, count: int) -> None:
        """Each style's weight per layer: its relative strength (mean 1) times its region's area share."""
        relative = normalise_weights(blend_weights, count, "style images", "blend weights") * count
        self._strengths.assign(tf.constant(relative[:, None], tf.float32) * self._areas)

    def set_styles(self, styles: Sequence[np.ndarray], blend_weights: Sequence[float] | None = None) -> None:
        """New style images (as many as before, any sizes), each keeping its regions."""
        for variables, targets in zip(self.targets, self._compute(styles), strict=True):
            for name, target in targets.items():
                if self.style_loss == "sliced":
                    variables[name][0].assign(target[0])
                    variables[name][1].assign(target[1])
                else:
                    variables[name].assign(target)
        self._set_strengths(blend_weights, len(styles))

    def __call__(self, features: tf.Tensor, layer: str, directions: tf.Tensor | None = None) -> tf.Tensor:
        """The styles' terms of one layer's features, each over its region, weighted by its strength.

        ``directions``: the sliced loss's random directions of this layer.
        """
        index = self.layers.index(layer)
        terms = []
        for style, (targets, masks) in enumerate(zip(self.targets, self.masks, strict=True)):
            if self.style_loss == "sliced":
                style_features, style_weights = targets[layer]
                term = sliced_wasserstein_loss(features, style_features, style_weights, directions, masks[layer])
            else:
                term = gram_loss(features, targets[layer], masks[layer])
            terms.append(self._strengths[style, index] * term)
        return tf.add_n(terms)
