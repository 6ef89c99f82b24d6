"""The style-transfer objective: targets computed once, and the weighted sum of the losses.

``StyleObjective`` owns the extractor, the content features and the style Gram matrices of
the target images, and the weights. Calling it on an image batch runs VGG19 once and
returns every loss part, so the optimiser, the callbacks and the benchmarks all read the
same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import tensorflow as tf

from .errors import OptionError
from .losses import content_loss, gram_matrix, style_loss, total_variation_loss
from .vgg import VGGFeatures

if TYPE_CHECKING:
    from .options import StyleOptions

LOSS_PARTS = ("total", "content", "style", "tv")


def blended_style_grams(
    extractor: VGGFeatures,
    styles: Sequence[np.ndarray],
    layers: Sequence[str],
    blend_weights: Sequence[float] | None = None,
) -> dict[str, tf.Tensor]:
    """Target Gram matrices of several style images, mixed by ``blend_weights``.

    As in jcjohnson/neural-style, the target of each layer is the weighted average of the
    styles' Gram matrices; weights are normalised to sum to 1, so 1:0 is the first style.
    """
    if not styles:
        raise OptionError("at least one style image is needed")
    weights = np.ones(len(styles)) if blend_weights is None else np.asarray(blend_weights, dtype=float)
    if weights.shape != (len(styles),):
        raise OptionError(f"{len(styles)} style images need {len(styles)} blend weights, got {len(weights)}")
    if np.any(weights < 0) or not np.isfinite(weights).all() or weights.sum() <= 0:
        raise OptionError(f"style blend weights must be >= 0 with a positive sum, got {list(weights)}")
    weights = weights / weights.sum()
    grams: dict[str, tf.Tensor] = {}
    for style, weight in zip(styles, weights, strict=True):
        if weight == 0:
            continue
        features = extractor(tf.constant(style[None], tf.float32))
        for layer in layers:
            term = float(weight) * gram_matrix(features[layer])
            grams[layer] = grams[layer] + term if layer in grams else term
    return grams


class StyleObjective:
    """Weighted content + style + total-variation loss of Gatys et al. 2016.

    Args:
        extractor: a :class:`VGGFeatures` that returns at least every layer named here.
        content: the content image, float RGB (height, width, 3) in [0, 1].
        styles: one or more style images in the same format (any sizes).
        content_layers, style_layers: VGG19 layer names.
        content_weight, style_weight, tv_weight: dimensionless weights of the three terms
            (see :mod:`nst_core.losses` for the normalisation that makes them size-free).
        style_layer_weights: relative weight of each style layer (default equal); they are
            normalised to sum to 1, so ``style_weight`` keeps its meaning.
        blend_weights: relative weight of each style image.
        extra_losses: further weighted terms, ``name -> f(images) -> scalar``, added to the total.

    :meth:`set_weights`, :meth:`set_styles` and :meth:`set_content` change it in place, so an
    optimiser step traced on it serves the next run too (see :class:`nst_core.api.Stylizer`).
    """

    def __init__(
        self,
        extractor: VGGFeatures,
        content: np.ndarray,
        styles: Sequence[np.ndarray],
        content_layers: Sequence[str],
        style_layers: Sequence[str],
        content_weight: float,
        style_weight: float,
        tv_weight: float,
        style_layer_weights: Sequence[float] | None = None,
        blend_weights: Sequence[float] | None = None,
        extra_losses: Mapping[str, Callable[[tf.Tensor], tf.Tensor]] | None = None,
    ):
        self.extractor = extractor
        self.content_layers = tuple(content_layers)
        self.style_layers = tuple(style_layers)
        self.extra_losses = dict(extra_losses or {})
        # Weights and targets are variables, so that set_weights, set_styles and set_content
        # change them without a new trace of a step built on this objective (about a second
        # per run: the notebook's Run button and every video frame reuse one traced step).
        self._weights = {name: tf.Variable(0.0, trainable=False) for name in ("content", "style", "tv")}
        self._style_layer_weights = tf.Variable(tf.zeros(len(self.style_layers)), trainable=False)
        self.set_weights(content_weight, style_weight, tv_weight, style_layer_weights)
        self.content_shape = tuple(np.shape(content)[:2])
        content_features = extractor(tf.constant(content[None], tf.float32))
        self.content_targets = {
            name: tf.Variable(content_features[name], trainable=False) for name in self.content_layers
        }
        grams = blended_style_grams(extractor, styles, self.style_layers, blend_weights)
        self.style_targets = {name: tf.Variable(grams[name], trainable=False) for name in self.style_layers}

    @property
    def weights(self) -> dict[str, float | tuple[float, ...]]:
        """Current weights: ``content``, ``style``, ``tv``, and ``style_layers`` (normalised, one per layer)."""
        values: dict[str, float | tuple[float, ...]] = {name: float(v.numpy()) for name, v in self._weights.items()}
        values["style_layers"] = tuple(float(w) for w in self._style_layer_weights.numpy())
        return values

    def set_weights(
        self,
        content_weight: float,
        style_weight: float,
        tv_weight: float,
        style_layer_weights: Sequence[float] | None = None,
    ) -> None:
        """Change the weights of the terms (as in the constructor); steps already traced see them."""
        layer_weights = (
            np.ones(len(self.style_layers))
            if style_layer_weights is None
            else np.asarray(style_layer_weights, dtype=float)
        )
        if layer_weights.shape != (len(self.style_layers),):
            raise OptionError(
                f"{len(self.style_layers)} style layers need {len(self.style_layers)} layer weights,"
                f" got {len(layer_weights)}"
            )
        if np.any(layer_weights < 0) or layer_weights.sum() <= 0:
            raise OptionError("style layer weights must be >= 0 with a positive sum")
        for name, value in (("content", content_weight), ("style", style_weight), ("tv", tv_weight)):
            self._weights[name].assign(float(value))
        self._style_layer_weights.assign(layer_weights / layer_weights.sum())

    def set_styles(self, styles: Sequence[np.ndarray], blend_weights: Sequence[float] | None = None) -> None:
        """Make ``styles`` (any sizes), mixed by ``blend_weights``, the style target.

        The Gram matrices' shapes depend only on the layers, so any style images fit a step
        already traced on this objective.
        """
        grams = blended_style_grams(self.extractor, styles, self.style_layers, blend_weights)
        for name, target in self.style_targets.items():
            target.assign(grams[name])

    def set_content(self, content: np.ndarray) -> None:
        """Make ``content`` (of the same height and width as before) the content target.

        For video: the next frame gets its own content targets while the style targets and
        a :class:`~nst_core.optimize.PixelOptimizer` already traced on this objective are reused.
        """
        content = np.asarray(content, np.float32)
        if content.shape[:2] != self.content_shape:
            (height, width), (new_height, new_width) = self.content_shape, content.shape[:2]
            raise OptionError(f"the new content image is {new_width}x{new_height} px; it must be {width}x{height} px")
        features = self.extractor(tf.constant(content[None]))
        for name, target in self.content_targets.items():
            target.assign(features[name])

    @classmethod
    def from_options(
        cls,
        extractor: VGGFeatures,
        content: np.ndarray,
        styles: Sequence[np.ndarray],
        options: StyleOptions,
        extra_losses: Mapping[str, Callable[[tf.Tensor], tf.Tensor]] | None = None,
    ) -> StyleObjective:
        """The objective with the layers and weights of a :class:`~nst_core.options.StyleOptions`."""
        return cls(
            extractor,
            content,
            styles,
            options.content_layers,
            options.style_layers,
            options.content_weight,
            options.style_weight,
            options.tv_weight,
            style_layer_weights=options.style_layer_weights,
            blend_weights=options.style_blend_weights,
            extra_losses=extra_losses,
        )

    def __call__(self, images: tf.Tensor) -> dict[str, tf.Tensor]:
        """Loss parts of ``images`` (batch of 1, [0, 1] RGB): total, content, style, tv.

        Each part is already multiplied by its weight, so ``total`` is their sum. Terms in
        ``extra_losses`` (for example the temporal loss of video) are added under their names.
        """
        features = self.extractor(images)
        layer_weights = tf.unstack(self._style_layer_weights)
        content = tf.add_n([content_loss(features[n], self.content_targets[n]) for n in self.content_layers]) / len(
            self.content_layers
        )
        style = tf.add_n(
            [
                w * style_loss(features[n], self.style_targets[n])
                for n, w in zip(self.style_layers, layer_weights, strict=True)
            ]
        )
        tv = total_variation_loss(images)
        parts = {
            "content": self._weights["content"] * content,
            "style": self._weights["style"] * style,
            "tv": self._weights["tv"] * tv,
        }
        for name, term in self.extra_losses.items():
            parts[name] = term(images)
        parts["total"] = tf.add_n(list(parts.values()))
        return parts
