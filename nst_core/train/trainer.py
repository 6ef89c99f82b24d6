"""The network and its loss as one Keras model, whose ``train_step`` is one Adam step on a batch.

:class:`StyleTrainer` works with ``fit`` like any Keras model (a dataset of photo batches,
no labels), and :func:`~nst_core.train.run.train_network` drives its ``train_step`` itself,
to checkpoint, preview and stop cleanly between steps.

Mixed precision (Micikevicius et al. 2018): where :func:`~nst_core.engine.precision.compute_dtype`
picks a 16-bit type for the device, the network computes in it with float32 weights
(Keras' ``mixed_*`` policies) and VGG19 in the same type; float16 adds dynamic loss scaling.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from ..engine.precision import compute_dtype
from ..fast.network import build_style_network
from ..options import TrainOptions
from .loss import LOSS_PARTS, TrainingLoss


class StyleTrainer(keras.Model):
    """A style network (:func:`~nst_core.fast.network.build_style_network`) with its training loss.

    Args:
        network: the network being trained.
        loss: the loss of its paintings (:class:`~nst_core.train.loss.TrainingLoss`).

    Calling it paints (the network); ``train_step(photos)`` takes one optimiser step and
    returns the loss parts of the batch before the step.
    """

    def __init__(self, network: keras.Model, loss: TrainingLoss, **kwargs):
        super().__init__(**kwargs)
        self.network = network
        self.training_loss = loss

    def call(self, photos, training: bool = False):
        """The network's paintings of ``photos``."""
        return self.network(photos, training=training)

    def train_step(self, photos):
        """One optimiser step on a batch (batch, height, width, 3) in [0, 1]; returns the loss parts."""
        if isinstance(photos, tuple):  # fit() may pass (x,) or (x, None)
            photos = photos[0]
        variables = self.network.trainable_variables
        with tf.GradientTape() as tape:
            painted = self.network(photos, training=True)
            parts = self.training_loss(photos, painted)
            scaled = self.optimizer.scale_loss(parts["total"])
        gradients = tape.gradient(scaled, variables)
        self.optimizer.apply(gradients, variables)
        return parts


def network_dtype_policy(precision: str) -> str | None:
    """The Keras dtype policy of a network trained at ``precision`` on this machine (None: float32)."""
    dtype = compute_dtype(precision)
    return None if dtype == "float32" else f"mixed_{dtype}"


def build_trainer(style, options: TrainOptions) -> StyleTrainer:
    """A new network (seeded by ``options.seed``) with its loss for ``style``, compiled with Adam.

    ``style`` is the style image, float RGB in [0, 1] at ``options.style_side`` px.
    """
    if options.seed is not None:
        keras.utils.set_random_seed(options.seed)
    policy = network_dtype_policy(options.precision)
    network = build_style_network(options.width, dtype=policy, downsamplings=options.downsamplings)
    loss = TrainingLoss(style, options, compute_dtype(options.precision))
    loss.reseed(options.seed)
    trainer = StyleTrainer(network, loss)
    optimizer = keras.optimizers.Adam(options.learning_rate)
    if policy == "mixed_float16":
        optimizer = keras.mixed_precision.LossScaleOptimizer(optimizer)
    trainer.compile(optimizer=optimizer)
    trainer.optimizer.build(network.trainable_variables)  # its slots exist before a checkpoint is restored
    return trainer


__all__ = ["LOSS_PARTS", "StyleTrainer", "build_trainer", "network_dtype_policy"]
