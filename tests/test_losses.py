"""The loss functions against small cases computed by hand."""

import numpy as np
import pytest
import tensorflow as tf

from nst_core.losses import content_loss, gram_matrix, style_loss, total_variation_loss


def test_gram_matrix_of_a_hand_computed_case():
    # Two positions, two channels: F = [[1, 2], [3, 4]]; G = F^T F / 2.
    features = tf.constant([[[[1.0, 2.0], [3.0, 4.0]]]])  # (1, 1, 2, 2)
    np.testing.assert_allclose(gram_matrix(features).numpy()[0], [[5.0, 7.0], [7.0, 10.0]])


def test_gram_matrix_does_not_grow_with_the_image_size():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(1, 4, 5, 3)).astype(np.float32)
    tiled = np.tile(features, (1, 3, 2, 1))  # same statistics, six times the positions
    np.testing.assert_allclose(gram_matrix(tiled).numpy(), gram_matrix(features).numpy(), rtol=1e-5)


def test_content_loss_is_the_mean_squared_difference():
    a = tf.constant([[[[1.0, 2.0], [3.0, 4.0]]]])
    b = tf.constant([[[[1.0, 0.0], [0.0, 4.0]]]])
    assert content_loss(a, b).numpy() == pytest.approx((0 + 4 + 9 + 0) / 4)


def test_style_loss_is_the_mean_squared_gram_difference():
    features = tf.constant([[[[1.0, 2.0], [3.0, 4.0]]]])
    target = tf.constant([[[5.0, 7.0], [7.0, 6.0]]])  # differs from the Gram by 4 in one entry
    assert style_loss(features, target).numpy() == pytest.approx(16 / 4)
    assert style_loss(features, gram_matrix(features)).numpy() == 0.0


def test_total_variation_of_a_hand_computed_case():
    # [[0, 1], [1, 1]]: vertical differences |1-0|, |1-1| (mean 0.5), horizontal the same.
    image = tf.constant([[[[0.0], [1.0]], [[1.0], [1.0]]]])
    assert total_variation_loss(image).numpy() == pytest.approx(1.0)
    assert total_variation_loss(tf.ones((1, 8, 8, 3))).numpy() == 0.0
