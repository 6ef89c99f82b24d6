"""The training loss: ``nst``'s objective, for a batch of photos and the network's paintings of them.

Johnson et al. 2016 train the network on the loss Gatys et al. optimise per image. Here it
is exactly the one of :class:`~nst_core.engine.objective.StyleObjective`, built from the
same engine parts: VGG19 features (:class:`~nst_core.engine.vgg.VGGFeatures`), the relative
content and style terms of :mod:`nst_core.engine.losses` (Gram matrices or the sliced
Wasserstein distance), total variation, and the same weights, so a weight means what it
means for ``nst``. What differs is only that the content target is each photo of the batch
(the objective holds one fixed content image), so the style term is relative to the batch's
photos' own style loss (for a batch of one, exactly ``nst``'s), and that the sliced loss draws
new random directions at every step, as Heitz et al. 2021 do.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ..engine.losses import (
    content_loss,
    gram_loss,
    random_directions,
    sliced_target,
    sorted_projections,
    style_scale,
    total_variation_loss,
)
from ..engine.objective import LOSS_PARTS, blended_style_grams, style_feature_samples
from ..engine.vgg import VGGFeatures
from ..engine.weights import normalise_weights
from ..options import TrainOptions

__all__ = ["LOSS_PARTS", "TrainingLoss"]


class TrainingLoss:
    """Weighted content + style + total-variation loss of a batch of paintings.

    Args:
        style: the style image, float RGB (height, width, 3) in [0, 1], at its training size.
        options: the weights, layers and style loss.
        dtype: what VGG19 computes in (:func:`nst_core.engine.precision.compute_dtype`).
    """

    def __init__(self, style: np.ndarray, options: TrainOptions, dtype: str = "float32"):
        self.content_layers = tuple(options.content_layers)
        self.style_layers = tuple(options.style_layers)
        layers = tuple(dict.fromkeys(self.content_layers + self.style_layers))
        self.extractor = VGGFeatures(layers, dtype=dtype)
        self.style_loss = options.style_loss
        self.weights = {"content": options.content_weight, "style": options.style_weight, "tv": options.tv_weight}
        self.layer_weights = [float(w) for w in normalise_weights(None, len(self.style_layers), "", "")]
        style = np.asarray(style, np.float32)
        if self.style_loss == "sliced":
            samples = style_feature_samples(self.extractor, [style], self.style_layers)
            self.targets: dict = {name: (tf.constant(f), tf.constant(w)) for name, (f, w) in samples.items()}
            self.generator = tf.random.Generator.from_non_deterministic_state()
        else:
            grams = blended_style_grams(self.extractor, [style], self.style_layers)
            self.targets = {name: tf.constant(gram) for name, gram in grams.items()}

    def reseed(self, seed: int | None) -> None:
        """Draw the sliced loss's directions from ``seed`` (nothing for the Gram loss or without a seed)."""
        if self.style_loss == "sliced" and seed is not None:
            self.generator.reset_from_seed(seed)

    def __call__(self, photos: tf.Tensor, painted: tf.Tensor) -> dict[str, tf.Tensor]:
        """Loss parts (``total``, ``content``, ``style``, ``tv``; each weighted) of ``painted`` for ``photos``.

        Both are batches (batch, height, width, 3) in [0, 1]; the terms are averaged over the batch.
        """
        painted = tf.cast(painted, tf.float32)
        targets = self.extractor(photos)
        features = self.extractor(painted)
        content = tf.add_n(
            [content_loss(features[n], tf.stop_gradient(targets[n])) for n in self.content_layers]
        ) / len(self.content_layers)
        sliced = {n: self._sliced(features[n], n) for n in self.style_layers}
        style = self._raw_style(features, sliced)
        # Relative to the photos' own style loss, as nst's objective is to its photo's.
        style *= tf.stop_gradient(style_scale(self._raw_style(targets, sliced)))
        parts = {
            "content": self.weights["content"] * content,
            "style": self.weights["style"] * style,
            "tv": self.weights["tv"] * total_variation_loss(painted),
        }
        parts["total"] = tf.add_n(list(parts.values()))
        return {name: parts[name] for name in LOSS_PARTS}

    def _sliced(self, features: tf.Tensor, layer: str) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor] | None:
        """The sliced loss's fresh directions of one layer, with the style's sorted projections and spread.

        None for the Gram loss. Drawn once per step, so the photos and the paintings are
        measured on the same directions.
        """
        if self.style_loss != "sliced":
            return None
        style_features, style_weights = self.targets[layer]
        directions = random_directions(self.generator, int(features.shape[-1]))
        positions = tf.shape(features)[1] * tf.shape(features)[2]
        # The style's sorted projections once for the batch (a sort of every style position).
        target, spread = sliced_target(style_features, style_weights, directions, positions)
        return directions, target, spread

    def _raw_style(self, features: dict[str, tf.Tensor], sliced: dict[str, tuple | None]) -> tf.Tensor:
        """The layer-weighted relative style loss of a batch's ``features``, averaged over the batch."""
        return tf.add_n(
            [
                w * self._style_term(features[n], n, sliced[n])
                for n, w in zip(self.style_layers, self.layer_weights, strict=True)
            ]
        )

    def _style_term(self, features: tf.Tensor, layer: str, sliced: tuple | None) -> tf.Tensor:
        """The relative style loss of one layer, averaged over the batch."""
        if sliced is None:
            return gram_loss(features, self.targets[layer])  # Gram matrices of each image of the batch
        directions, target, spread = sliced
        # One distribution per painting: the batch is not pooled into one.
        terms = [
            tf.reduce_mean(tf.square(sorted_projections(features[i : i + 1], directions) - target))
            for i in range(int(features.shape[0]))
        ]
        return tf.add_n(terms) / (len(terms) * spread)
