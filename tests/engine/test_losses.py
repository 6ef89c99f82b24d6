"""The loss functions against small cases computed by hand."""

import numpy as np
import pytest
import tensorflow as tf

from nst_core.engine.losses import (
    content_loss,
    gram_loss,
    gram_matrix,
    random_directions,
    sliced_wasserstein_loss,
    total_variation_loss,
    weighted_quantiles,
)


def test_gram_matrix_of_a_hand_computed_case():
    # Two positions, two channels: F = [[1, 2], [3, 4]]; G = F^T F / 2.
    features = tf.constant([[[[1.0, 2.0], [3.0, 4.0]]]])  # (1, 1, 2, 2)
    np.testing.assert_allclose(gram_matrix(features).numpy()[0], [[5.0, 7.0], [7.0, 10.0]])


def test_gram_matrix_does_not_grow_with_the_image_size():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(1, 4, 5, 3)).astype(np.float32)
    tiled = np.tile(features, (1, 3, 2, 1))  # same statistics, six times the positions
    np.testing.assert_allclose(gram_matrix(tiled).numpy(), gram_matrix(features).numpy(), rtol=1e-5)


def test_content_loss_is_the_squared_difference_relative_to_the_target():
    a = tf.constant([[[[1.0, 2.0], [3.0, 4.0]]]])
    b = tf.constant([[[[1.0, 0.0], [0.0, 4.0]]]])
    # mean((a - b)^2) = (0 + 4 + 9 + 0) / 4; mean(b^2) = (1 + 0 + 0 + 16) / 4
    assert content_loss(a, b).numpy() == pytest.approx(13 / 17)
    assert content_loss(b, b).numpy() == 0.0
    assert content_loss(tf.zeros_like(b), b).numpy() == pytest.approx(1.0)  # zero features: distance 1


def test_gram_loss_is_the_gram_difference_relative_to_the_style_gram():
    features = tf.constant([[[[1.0, 2.0], [3.0, 4.0]]]])
    target = tf.constant([[[5.0, 7.0], [7.0, 6.0]]])  # differs from the Gram by 4 in one entry
    # mean((G - T)^2) = 16 / 4; mean(T^2) = (25 + 49 + 49 + 36) / 4
    assert gram_loss(features, target).numpy() == pytest.approx(16 / 159)
    assert gram_loss(features, gram_matrix(features)).numpy() == 0.0


def test_gram_loss_means_the_same_for_strong_and_weak_styles():
    # A style whose features are 10x weaker (its Gram 100x smaller) gives the same loss
    # for the same relative error: one style weight fits every painting.
    rng = np.random.default_rng(1)
    features = tf.constant(rng.uniform(size=(1, 4, 4, 3)).astype(np.float32))
    style = tf.constant(rng.uniform(size=(1, 4, 4, 3)).astype(np.float32))
    strong = gram_loss(features, gram_matrix(style)).numpy()
    weak = gram_loss(features * 0.1, gram_matrix(style * 0.1)).numpy()
    assert weak == pytest.approx(strong, rel=1e-4)


def test_weighted_quantiles_of_hand_computed_cases():
    values = tf.constant([[3.0, 1.0, 2.0, 4.0]])
    equal = tf.fill([4], 0.25)
    np.testing.assert_allclose(weighted_quantiles(values, equal, 4).numpy(), [[1.0, 2.0, 3.0, 4.0]])
    # Two quantiles of four equal samples: levels 0.25 and 0.75 lie halfway between samples.
    np.testing.assert_allclose(weighted_quantiles(values, equal, 2).numpy(), [[1.5, 3.5]])
    # Masses 0.1, 0.1, 0.1, 0.7 on the sorted values 1, 2, 3, 4 sit at levels 0.05, 0.15, 0.25,
    # 0.65: level 1/6 is 1/6 of the way from 2 to 3, level 1/2 5/8 of the way from 3 to 4,
    # and level 5/6 is past the last sample's middle, so 4.
    weights = tf.constant([0.1, 0.1, 0.1, 0.7])  # of 3, 1, 2, 4
    np.testing.assert_allclose(weighted_quantiles(values, weights, 3).numpy(), [[2.0 + 1.0 / 6, 3.625, 4.0]], rtol=1e-5)


def _directions(channels, seed=0):
    return random_directions(tf.random.Generator.from_seed(seed), channels)


def test_sliced_loss_is_zero_for_the_same_features_in_any_order():
    rng = np.random.default_rng(2)
    features = rng.normal(size=(1, 5, 6, 4)).astype(np.float32)
    flat = features.reshape(-1, 4)
    shuffled = flat[rng.permutation(len(flat))]  # the same feature vectors at other positions
    weights = tf.fill([len(flat)], 1.0 / len(flat))
    loss = sliced_wasserstein_loss(tf.constant(features), tf.constant(shuffled), weights, _directions(4))
    assert loss.numpy() == pytest.approx(0.0, abs=1e-10)
    # ... and positive for another distribution, even one with the same Gram matrix
    flipped = -flat  # same second moments (so the same Gram), other distribution
    loss = sliced_wasserstein_loss(tf.constant(features), tf.constant(flipped), weights, _directions(4))
    assert gram_loss(tf.constant(features), gram_matrix(tf.constant(flipped[None, None]))).numpy() < 1e-10
    assert loss.numpy() > 0.01


def test_sliced_loss_of_a_hand_computed_case():
    # One channel, direction +1: image values {0, 1}, style values {1, 3}: sorted pairs
    # (0, 1) and (1, 3): mean squared difference (1 + 4) / 2, style variance ((-1)^2 + 1^2) / 2.
    features = tf.constant([[[[1.0], [0.0]]]])
    style = tf.constant([[3.0], [1.0]])
    loss = sliced_wasserstein_loss(features, style, tf.fill([2], 0.5), tf.constant([[1.0]]))
    assert loss.numpy() == pytest.approx(2.5 / 1.0)


def test_sliced_loss_compares_sets_of_different_sizes_by_quantiles():
    # A style sample twice as large with each value repeated is the same distribution.
    rng = np.random.default_rng(3)
    features = rng.normal(size=(1, 3, 4, 2)).astype(np.float32)
    doubled = np.repeat(features.reshape(-1, 2), 2, axis=0)
    loss = sliced_wasserstein_loss(
        tf.constant(features), tf.constant(doubled), tf.fill([len(doubled)], 1.0 / len(doubled)), _directions(2)
    )
    assert loss.numpy() == pytest.approx(0.0, abs=1e-10)


def test_sliced_loss_has_a_gradient_that_lowers_it():
    rng = np.random.default_rng(4)
    features = tf.Variable(rng.normal(size=(1, 4, 4, 3)).astype(np.float32))
    style = tf.constant(rng.normal(loc=2.0, size=(20, 3)).astype(np.float32))
    weights, directions = tf.fill([20], 0.05), _directions(3)
    with tf.GradientTape() as tape:
        before = sliced_wasserstein_loss(features, style, weights, directions)
    features.assign_sub(0.1 * tape.gradient(before, features))
    assert sliced_wasserstein_loss(features, style, weights, directions).numpy() < before.numpy()


def test_sliced_loss_stays_finite_for_a_style_with_one_position():
    # block5 of a tiny image: one feature vector, no spread along any direction
    features = tf.constant([[[[1.0, 2.0]]]])
    style = tf.constant([[3.0, 1.0]])
    loss = sliced_wasserstein_loss(features, style, tf.ones([1]), _directions(2))
    assert np.isfinite(loss.numpy()) and loss.numpy() < 1e4


def test_random_directions_are_unit_vectors():
    directions = _directions(5).numpy()
    assert directions.shape == (5, 5)
    np.testing.assert_allclose(np.linalg.norm(directions, axis=0), 1.0, rtol=1e-5)


def test_total_variation_of_a_hand_computed_case():
    # [[0, 1], [1, 1]]: vertical differences |1-0|, |1-1| (mean 0.5), horizontal the same.
    image = tf.constant([[[[0.0], [1.0]], [[1.0], [1.0]]]])
    assert total_variation_loss(image).numpy() == pytest.approx(1.0)
    assert total_variation_loss(tf.ones((1, 8, 8, 3))).numpy() == 0.0
