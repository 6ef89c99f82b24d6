"""The training loss's style term over a batch, on the real VGG19 weights."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from nst_core.engine.losses import random_directions, sliced_wasserstein_loss
from nst_core.options import TrainOptions
from nst_core.train.loss import TrainingLoss

pytestmark = pytest.mark.vgg19


def test_the_sliced_style_term_of_a_batch_is_the_mean_of_each_paintings_own_distance():
    style = np.random.default_rng(0).random((48, 40, 3), dtype=np.float32)
    loss = TrainingLoss(style, TrainOptions(size=32, style_loss="sliced", style_layers=("block1_conv1",)))
    features, weights = loss.targets["block1_conv1"]
    rng = np.random.default_rng(1)
    # Two paintings of different feature distributions: one of the style's own feature
    # vectors, one of noise. Pooling them would not give the mean of their two distances.
    own = tf.gather(features, rng.choice(int(features.shape[0]), 30, replace=False))
    noise = 3.0 * rng.random((30, 64)) + 1.0
    batch = tf.reshape(tf.stack([own, tf.constant(noise, tf.float32)]), (2, 6, 5, 64))

    loss.reseed(7)
    term = float(loss._style_term(batch, "block1_conv1", loss._sliced(batch, "block1_conv1")))
    loss.reseed(7)
    directions = random_directions(loss.generator, 64)
    each = [float(sliced_wasserstein_loss(batch[i : i + 1], features, weights, directions)) for i in range(2)]
    assert term == pytest.approx(np.mean(each), rel=1e-5)
    assert each[1] > 2 * each[0]  # the two differ: a pooled or one-image term would not match
