"""The style-transfer objective: targets computed once, and the weighted sum of the losses.

``StyleObjective`` owns the extractor, the content features and the style targets of the
target images (Gram matrices, or feature samples for the sliced loss), and the weights.
Calling it on an image batch runs VGG19 once and returns every loss part, so the optimiser,
the callbacks and the benchmarks all read the same numbers. The terms are relative (see
:mod:`nst_core.engine.losses`), so the weights mean the same for every image.

Just over 300 lines: the targets, the weights and the sum are one object's state, which the
region terms of :mod:`~nst_core.engine.regions` extend rather than repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import tensorflow as tf

from ..errors import OptionError
from .choices import STYLE_LOSSES
from .losses import (
    content_loss,
    gram_loss,
    gram_matrix,
    random_directions,
    sliced_wasserstein_loss,
    style_scale,
    total_variation_loss,
)
from .regions import RegionStyleTerms
from .vgg import VGGFeatures
from .weights import normalise_weights

LOSS_PARTS = ("total", "content", "style", "tv")
#: The sliced loss's directions are redrawn every this many optimiser steps. L-BFGS learns the
#: curvature of one function from consecutive steps, so a redraw at every step (Heitz et al.
#: draw anew at every evaluation, with many evaluations per L-BFGS call) leaves it no usable
#: pair (at 128 px a redraw at every step ended farther from the style than never redrawing).
SLICED_REDRAW_STEPS = 10


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
    grams: dict[str, tf.Tensor] = {}
    for weight, features in _weighted_style_features(extractor, styles, blend_weights):
        for layer in layers:
            term = float(weight) * gram_matrix(features[layer])
            grams[layer] = grams[layer] + term if layer in grams else term
    return grams


def style_feature_samples(
    extractor: VGGFeatures,
    styles: Sequence[np.ndarray],
    layers: Sequence[str],
    blend_weights: Sequence[float] | None = None,
) -> dict[str, tuple[tf.Tensor, tf.Tensor]]:
    """Feature vectors of several style images and their probabilities, for distribution losses.

    ``layer -> (features (M, C), weights (M,))``: every style's feature vectors stacked,
    each weighted by its image's blend weight divided by its number of positions, so that
    they describe the mixture of the styles (whose Gram matrix is the blended Gram above).
    """
    samples: dict[str, tuple[list[tf.Tensor], list[tf.Tensor]]] = {layer: ([], []) for layer in layers}
    for weight, features in _weighted_style_features(extractor, styles, blend_weights):
        for layer in layers:
            flat = tf.reshape(features[layer], [-1, features[layer].shape[-1]])
            count = tf.shape(flat)[0]
            samples[layer][0].append(flat)
            samples[layer][1].append(tf.fill([count], float(weight)) / tf.cast(count, tf.float32))
    return {layer: (tf.concat(f, 0), tf.concat(w, 0)) for layer, (f, w) in samples.items()}


def _weighted_style_features(
    extractor: VGGFeatures, styles: Sequence[np.ndarray], blend_weights: Sequence[float] | None
) -> list[tuple[float, dict[str, tf.Tensor]]]:
    """(normalised blend weight, VGG19 features) of each style image with a weight above 0."""
    if not styles:
        raise OptionError("at least one style image is needed")
    weights = normalise_weights(blend_weights, len(styles), "style images", "blend weights")
    return [
        (float(weight), extractor(tf.constant(style[None], tf.float32)))
        for style, weight in zip(styles, weights, strict=True)
        if weight > 0
    ]


class StyleObjective:
    """Weighted content + style + total-variation loss of Gatys et al. 2016.

    Args:
        extractor: a :class:`VGGFeatures` that returns at least every layer named here.
        content: the content image, float RGB (height, width, 3) in [0, 1].
        styles: one or more style images in the same format (any sizes).
        content_layers, style_layers: VGG19 layer names.
        content_weight, style_weight, tv_weight: dimensionless weights of the three terms
            (see :mod:`nst_core.engine.losses` for the normalisation that makes them size-free).
            The style term is divided by its value at ``content`` (:attr:`style_gap`), so a
            run from the photo starts with a style part of ``style_weight``.
        style_layer_weights: relative weight of each style layer (default equal); they are
            normalised to sum to 1, so ``style_weight`` keeps its meaning.
        blend_weights: relative weight of each style image.
        extra_losses: further weighted terms, ``name -> f(images) -> scalar``, added to the total.
        style_loss: how style statistics are compared (:data:`~nst_core.engine.choices.STYLE_LOSSES`):
            ``"gram"`` (Gatys et al. 2016) or ``"sliced"`` (sliced Wasserstein, Heitz et al.
            2021; its random directions are drawn anew every :data:`SLICED_REDRAW_STEPS`
            optimiser steps, from a generator seeded with ``seed``).
        seed: seed of the sliced loss's directions (None: not repeatable).
        content_masks: a region of the content per style ((height, width) in [0, 1], any
            size; None or a missing entry: the whole image). Each style's term is then
            computed over its region only, from guided statistics (Gatys et al. 2017), and
            weighted by the region's share of the image, so that ``style_weight`` paints
            each region as strongly as a style alone paints the whole image; the blend
            weights become relative strengths (mean 1) of the styles in their regions.
        style_masks: a region of each style image whose statistics are its target (None
            or a missing entry: the whole style image).

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
        style_loss: str = "gram",
        seed: int | None = None,
        content_masks: Sequence[np.ndarray | None] | None = None,
        style_masks: Sequence[np.ndarray | None] | None = None,
    ):
        if style_loss not in STYLE_LOSSES:
            raise OptionError(f"style_loss must be one of {', '.join(STYLE_LOSSES)}, got {style_loss!r}")
        self.style_loss = style_loss
        self.extractor = extractor
        self.content_layers = tuple(content_layers)
        self.style_layers = tuple(style_layers)
        self.extra_losses = dict(extra_losses or {})
        # Weights and targets are variables, so that set_weights, set_styles and set_content
        # change them without a new trace of a step built on this objective (about a second
        # per run: the notebook's Run button and every video frame reuse one traced step).
        self._weights = {name: tf.Variable(0.0, trainable=False) for name in ("content", "style", "tv")}
        self._style_layer_weights = tf.Variable(tf.zeros(len(self.style_layers)), trainable=False)
        # 1 / the style term's value at the photo (nst_core.engine.losses.style_scale), set
        # whenever the photo, the styles or the layer weights change.
        self._style_scale = tf.Variable(1.0, trainable=False)
        self._content = np.asarray(content, np.float32)
        self._targets_ready = False
        self.set_weights(content_weight, style_weight, tv_weight, style_layer_weights)
        content_features = extractor(tf.constant(self._content[None]))
        self.content_targets = {
            name: tf.Variable(content_features[name], trainable=False) for name in self.content_layers
        }
        #: Steps between new random directions of the sliced loss (0: never; see nst_core.engine.optimize).
        self.redraw_every = SLICED_REDRAW_STEPS if style_loss == "sliced" else 0
        if style_loss == "sliced":
            self._generator = (
                tf.random.Generator.from_seed(seed)
                if seed is not None
                else tf.random.Generator.from_non_deterministic_state()
            )
            # Fixed between calls of new_directions(), so that every evaluation of one
            # optimiser step (and the loss it is compared with) sees the same objective.
            self._directions = {
                name: tf.Variable(random_directions(self._generator, extractor.channels(name)), trainable=False)
                for name in self.style_layers
            }
        #: With masks: the style terms by region (None without).
        self.regions: RegionStyleTerms | None = None
        #: Without masks, per layer: a Gram matrix, or (features, weights) for "sliced".
        self.style_targets: dict[str, Any]
        if content_masks is not None or style_masks is not None:
            grids = {name: tuple(content_features[name].shape[1:3]) for name in self.style_layers}
            self.regions = RegionStyleTerms(
                extractor, styles, self.style_layers, grids, style_loss, blend_weights, content_masks, style_masks
            )
        elif style_loss == "sliced":
            # Variables whose first dimension may change, so set_styles takes style images of
            # any size without a new trace.
            samples = style_feature_samples(extractor, styles, self.style_layers, blend_weights)
            self.style_targets = {
                name: (
                    tf.Variable(features, trainable=False, shape=tf.TensorShape([None, features.shape[-1]])),
                    tf.Variable(weights, trainable=False, shape=tf.TensorShape([None])),
                )
                for name, (features, weights) in samples.items()
            }
        else:
            grams = blended_style_grams(extractor, styles, self.style_layers, blend_weights)
            self.style_targets = {name: tf.Variable(grams[name], trainable=False) for name in self.style_layers}
        self._rescale_style(content_features)

    @property
    def weights(self) -> dict[str, float | tuple[float, ...]]:
        """Current weights: ``content``, ``style``, ``tv``, and ``style_layers`` (normalised, one per layer)."""
        values: dict[str, float | tuple[float, ...]] = {name: float(v.numpy()) for name, v in self._weights.items()}
        values["style_layers"] = tuple(float(w) for w in self._style_layer_weights.numpy())
        return values

    @property
    def content_shape(self) -> tuple[int, int]:
        """Height and width of the content image, in pixels (every new content must have them)."""
        return self._content.shape[0], self._content.shape[1]

    @property
    def style_gap(self) -> float:
        """The photo's own (relative, layer-weighted) style loss: how far it starts from the painting.

        At least :data:`~nst_core.engine.losses.MIN_STYLE_GAP`, the smallest it is divided by.

        The style term is divided by it (see :mod:`nst_core.engine.losses`), so a run from
        the photo starts with a style part of ``style_weight``.
        """
        return float(1.0 / self._style_scale.numpy())

    def set_weights(
        self,
        content_weight: float,
        style_weight: float,
        tv_weight: float,
        style_layer_weights: Sequence[float] | None = None,
    ) -> None:
        """Change the weights of the terms (as in the constructor); steps already traced see them."""
        layer_weights = normalise_weights(style_layer_weights, len(self.style_layers), "style layers", "layer weights")
        for name, value in (("content", content_weight), ("style", style_weight), ("tv", tv_weight)):
            self._weights[name].assign(float(value))
        # Same weights (as the variable holds them): no new factor, so a moved slider costs no VGG19 pass.
        if np.array_equal(self._style_layer_weights.numpy(), np.asarray(layer_weights, np.float32)):
            return
        self._style_layer_weights.assign(layer_weights)
        if self._targets_ready:
            self._rescale_style()

    def set_styles(self, styles: Sequence[np.ndarray], blend_weights: Sequence[float] | None = None) -> None:
        """Make ``styles`` (any sizes), mixed by ``blend_weights``, the style target.

        The Gram matrices' shapes depend only on the layers, so any style images fit a step
        already traced on this objective. With regions, as many styles as before, each
        keeping its regions (a style-image mask is resized to its new image).
        """
        if self.regions is not None:
            self.regions.set_styles(styles, blend_weights)
        elif self.style_loss == "sliced":
            samples = style_feature_samples(self.extractor, styles, self.style_layers, blend_weights)
            for name, (features, weights) in self.style_targets.items():
                features.assign(samples[name][0])
                weights.assign(samples[name][1])
        else:
            grams = blended_style_grams(self.extractor, styles, self.style_layers, blend_weights)
            for name, target in self.style_targets.items():
                target.assign(grams[name])
        self._rescale_style()

    def set_content(self, content: np.ndarray) -> None:
        """Make ``content`` (of the same height and width as before) the content target.

        For video: the next frame gets its own content targets while the style targets and
        a :class:`~nst_core.engine.optimize.PixelOptimizer` already traced on this objective are reused.
        """
        content = np.asarray(content, np.float32)
        if content.shape[:2] != self.content_shape:
            (height, width), (new_height, new_width) = self.content_shape, content.shape[:2]
            raise OptionError(f"the new content image is {new_width}x{new_height} px; it must be {width}x{height} px")
        features = self.extractor(tf.constant(content[None]))
        for name, target in self.content_targets.items():
            target.assign(features[name])
        self._content = content
        self._rescale_style(features)

    def __call__(self, images: tf.Tensor) -> dict[str, tf.Tensor]:
        """Loss parts of ``images`` (batch of 1, [0, 1] RGB): total, content, style, tv.

        Each part is already multiplied by its weight, so ``total`` is their sum. Terms in
        ``extra_losses`` (for example the temporal loss of video) are added under their names.
        """
        features = self.extractor(images)
        content = tf.add_n([content_loss(features[n], self.content_targets[n]) for n in self.content_layers]) / len(
            self.content_layers
        )
        style = self._style_scale * self._raw_style(features)
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

    def reseed(self, seed: int | None) -> None:
        """Start the sliced loss's directions again from ``seed``, as a new objective would.

        Nothing happens for other losses, or without a seed; so a kept objective repeats a
        seeded run.
        """
        if self.style_loss == "sliced" and seed is not None:
            self._generator.reset_from_seed(seed)
            for directions in self._directions.values():
                directions.assign(random_directions(self._generator, int(directions.shape[0])))
            if self._targets_ready:
                self._rescale_style()  # on the seed's first directions, as a new objective's factor

    def new_directions(self) -> None:
        """Draw new random directions for the sliced loss (nothing for other losses).

        Called by the optimiser between steps (see :mod:`nst_core.engine.optimize`): over a run,
        the projections cover the feature space, as Heitz et al. 2021 redraw them.
        """
        if self.style_loss == "sliced":
            for directions in self._directions.values():
                directions.assign(random_directions(self._generator, int(directions.shape[0])))

    def style_by_layer(self, images: tf.Tensor) -> dict[str, tf.Tensor]:
        """The style part of the loss of ``images`` (a batch of one, as the objective takes them), layer by layer.

        Each layer's term is weighted and scaled as the objective adds them up, so the values sum to
        its ``style`` part: this shows which layers a result still differs from the painting in.
        """
        scale = self._weights["style"] * self._style_scale
        terms = self._layer_terms(self.extractor(images))
        return {name: scale * term for name, term in zip(self.style_layers, terms, strict=True)}

    def _layer_terms(self, features: Mapping[str, tf.Tensor]) -> list[tf.Tensor]:
        """Each style layer's term of ``features``, times its layer weight (no other factor)."""
        layer_weights = tf.unstack(self._style_layer_weights)
        return [w * self._style_term(features[n], n) for n, w in zip(self.style_layers, layer_weights, strict=True)]

    def _raw_style(self, features: Mapping[str, tf.Tensor]) -> tf.Tensor:
        """The layer-weighted style loss of ``features``, before :meth:`_rescale_style`'s factor."""
        return tf.add_n(self._layer_terms(features))

    def _rescale_style(self, content_features: Mapping[str, tf.Tensor] | None = None) -> None:
        """Divide the style term by its value at the photo from now on (``content_features``: the photo's, if known)."""
        if content_features is None:
            content_features = self.extractor(tf.constant(self._content[None]))
        self._targets_ready = True
        self._style_scale.assign(style_scale(self._raw_style(content_features)))

    def _style_term(self, features: tf.Tensor, layer: str) -> tf.Tensor:
        """The (unweighted, relative) style loss of one layer's features."""
        if self.regions is not None:
            return self.regions(features, layer, self._directions[layer] if self.style_loss == "sliced" else None)
        if self.style_loss == "sliced":
            style_features, style_weights = self.style_targets[layer]
            return sliced_wasserstein_loss(features, style_features, style_weights, self._directions[layer])
        return gram_loss(features, self.style_targets[layer])
