"""The loss terms of neural style transfer, as pure TensorFlow functions.

One normalisation, chosen so that a weight means the same thing at every image size:

* content: mean over all elements of the squared feature difference;
* style: Gram matrices divided by the number of spatial positions (so they are averages
  of feature products, independent of the image size), compared by the mean squared
  difference over their C x C entries. This is the TensorFlow tutorial's convention; it
  differs from Gatys et al. 2016's 1 / (4 N^2 M^2) only by a constant per layer;
* total variation: mean absolute difference between neighbouring pixels, in [0, 1] units.

Features have shape (batch, height, width, channels).
"""

from __future__ import annotations

import tensorflow as tf


def gram_matrix(features: tf.Tensor) -> tf.Tensor:
    """Channel co-activation averages, shape (batch, channels, channels).

    ``G[b, i, j] = mean over positions p of F[b, p, i] * F[b, p, j]`` (Gatys et al. 2016,
    divided by the number of positions so it does not grow with the image size).
    Always computed in float32: from 16-bit features a block4 Gram (~1e6) would overflow float16.
    """
    features = tf.cast(features, tf.float32)
    shape = tf.shape(features)
    positions = tf.cast(shape[1] * shape[2], features.dtype)
    gram = tf.linalg.einsum("bhwi,bhwj->bij", features, features)
    return gram / positions


def content_loss(features: tf.Tensor, target: tf.Tensor) -> tf.Tensor:
    """Mean squared difference between features and the content target's features."""
    return tf.reduce_mean(tf.square(tf.cast(features, tf.float32) - tf.cast(target, tf.float32)))


def style_loss(features: tf.Tensor, target_gram: tf.Tensor) -> tf.Tensor:
    """Mean squared difference between the Gram matrix of ``features`` and ``target_gram``."""
    gram = tf.cast(gram_matrix(features), tf.float32)
    return tf.reduce_mean(tf.square(gram - tf.cast(target_gram, tf.float32)))


def total_variation_loss(images: tf.Tensor) -> tf.Tensor:
    """Mean absolute difference between horizontally and vertically adjacent pixels.

    Anisotropic L1 total variation (Rudin, Osher and Fatemi 1992), averaged rather than
    summed so the weight does not depend on the image size. Penalises high-frequency
    noise, which VGG gradients otherwise leave in the result.
    """
    images = tf.convert_to_tensor(images, dtype=tf.float32)
    down = tf.reduce_mean(tf.abs(images[:, 1:, :, :] - images[:, :-1, :, :]))
    right = tf.reduce_mean(tf.abs(images[:, :, 1:, :] - images[:, :, :-1, :]))
    return down + right
