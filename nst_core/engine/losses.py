"""The loss terms of neural style transfer, as pure TensorFlow functions.

One normalisation, here and nowhere else: the content and style terms are **relative**,
each divided by the size of its own target, so that a weight means the same thing for
every photo, every painting and every image size:

* content: ``mean((F - F_c)^2) / mean(F_c^2)``, the squared feature error relative to the
  photo's features (0: the photo's features exactly; about 1: as far from them as they
  are from zero);
* style, ``"gram"``: ``mean((G - G_s)^2) / mean(G_s^2)``, with Gram matrices divided by the
  number of positions (averages of feature products, so independent of the image size).
  Dividing by the style's own Gram magnitude takes the painting's units out of the term:
  The Scream's squared Gram magnitude is 7x smaller than The Starry Night's at 512 px (its
  features are weaker), so an unnormalised weight right for one is far too weak for the other;
* style, ``"sliced"``: the sliced Wasserstein distance (Heitz et al. 2021) between the
  feature distributions, relative to the variance of the style's projected features (their
  spread: ReLU features have large means, which a mean square would count too);
* total variation: mean absolute difference between neighbouring pixels, in [0, 1] units.

These relative terms are the "style distance" and "content distance" of
:mod:`nst_core.metrics` (which evaluates them at fixed layers and pooling). Features have
shape (batch, height, width, channels).

The objective's style term is then divided by its own value at the photo, the photo's
distance from the painting (:func:`style_scale`), so ``style_weight`` is the style term's size
at the start of a run from the photo, for every photo and painting. The painting's magnitude
alone left that distance in the weight: Tübingen starts at 0.59 from The Starry Night and at
1.11 from The Scream (512 px), so one weight pulled toward The Starry Night about half as
hard, and no single weight met jcjohnson/neural-style on all three reference pairs
(``benchmarks/results/quality_512.md``).
"""

from __future__ import annotations

import tensorflow as tf


def gram_matrix(features: tf.Tensor, weights: tf.Tensor | None = None) -> tf.Tensor:
    """Channel co-activation averages, shape (batch, channels, channels).

    ``G[b, i, j] = mean over positions p of F[b, p, i] * F[b, p, j]`` (Gatys et al. 2016,
    divided by the number of positions so it does not grow with the image size).
    Always computed in float32: from 16-bit features a block4 Gram (~1e6) would overflow float16.

    ``weights`` (height, width), values in [0, 1]: a region's guided Gram matrix (Gatys et
    al. 2017, "Controlling perceptual factors"), the weighted average
    ``sum_p w_p F_p F_p^T / sum_p w_p`` of the products, so a soft mask counts its edge
    positions in part and the matrix is that of the region alone, whatever its area.
    """
    features = tf.cast(features, tf.float32)
    if weights is not None:
        weights = tf.cast(weights, tf.float32)
        gram = tf.linalg.einsum("bhwi,bhwj,hw->bij", features, features, weights)
        return gram / tf.maximum(tf.reduce_sum(weights), 1e-12)
    shape = tf.shape(features)
    positions = tf.cast(shape[1] * shape[2], features.dtype)
    gram = tf.linalg.einsum("bhwi,bhwj->bij", features, features)
    return gram / positions


def relative_squared_error(values: tf.Tensor, target: tf.Tensor) -> tf.Tensor:
    """``mean((values - target)^2) / mean(target^2)``: 0 at the target, 1 at zero.

    The one normalisation of every term (see the module docstring); a target of zeros
    (an all-black image's features) counts as magnitude 1e-12, not a division by zero.
    """
    values, target = tf.cast(values, tf.float32), tf.cast(target, tf.float32)
    return tf.reduce_mean(tf.square(values - target)) / tf.maximum(tf.reduce_mean(tf.square(target)), 1e-12)


#: Smallest photo-to-painting distance :func:`style_scale` divides by: a photo that already has
#: the painting's statistics (distance 0) leaves the style term at most this many times its size.
MIN_STYLE_GAP = 1e-3


def style_scale(gap: tf.Tensor | float) -> tf.Tensor:
    """``1 / max(gap, MIN_STYLE_GAP)``: the factor of the style term, from its value at the photo.

    ``gap`` is the (layer-weighted, relative) style loss of the photo itself. Multiplied by
    this factor the style term is 1 at the photo and 0 at the painting's statistics, so a
    style weight means the same share of the way for every pair (see the module docstring).
    """
    return 1.0 / tf.maximum(tf.cast(gap, tf.float32), MIN_STYLE_GAP)


def content_loss(features: tf.Tensor, target: tf.Tensor) -> tf.Tensor:
    """Squared feature error relative to the content target's features (dimensionless)."""
    return relative_squared_error(features, target)


def gram_loss(features: tf.Tensor, target_gram: tf.Tensor, weights: tf.Tensor | None = None) -> tf.Tensor:
    """Squared Gram-matrix error relative to the style's own Gram matrix (Gatys et al. 2016).

    With ``weights`` (height, width), the Gram matrix of that region (see :func:`gram_matrix`).
    """
    return relative_squared_error(gram_matrix(features, weights), target_gram)


def random_directions(generator: tf.random.Generator, channels: int, count: int | None = None) -> tf.Tensor:
    """``count`` (default ``channels``) random unit vectors in feature space, shape (channels, count).

    Directions uniform on the sphere (normalised Gaussian draws), as Heitz et al. 2021 use,
    one per channel by default.
    """
    draws = generator.normal([channels, channels if count is None else count])
    return draws / tf.norm(draws, axis=0, keepdims=True)


def sorted_projections(features: tf.Tensor, directions: tf.Tensor) -> tf.Tensor:
    """Features (1, height, width, C) projected on ``directions`` (C, D), sorted: shape (D, positions)."""
    features = tf.cast(features, tf.float32)
    flat = tf.reshape(features, [-1, tf.shape(features)[-1]])
    return tf.sort(tf.transpose(flat @ directions), axis=-1)


def weighted_quantiles(values: tf.Tensor, weights: tf.Tensor, count: tf.Tensor) -> tf.Tensor:
    """The ``count`` evenly spaced quantiles of each row of ``values`` (D, M), weighted by ``weights`` (M,).

    Row ``d`` is a sample of M values whose probabilities are ``weights`` (summing to 1);
    the result (D, count) is its quantile function at levels ``(k + 0.5) / count``, linearly
    interpolated between samples. Equal weights and ``count == M`` give the sorted rows
    exactly. With the samples of several style images weighted by their blend weights
    divided by their sizes, this is the quantile function of their mixture, which is what a
    blend of Gram matrices matches too (a mixture's Gram matrix is the weighted mean of
    the Grams).
    """
    levels = (tf.cast(tf.range(count), tf.float64) + 0.5) / tf.cast(count, tf.float64)
    return quantiles_at(values, weights, tf.broadcast_to(levels, [tf.shape(values)[0], count]))


def _sample_levels(mass: tf.Tensor) -> tf.Tensor:
    """Level of each of sorted samples of probability ``mass`` (float64): the middle of its mass."""
    return tf.cumsum(mass, axis=-1) - 0.5 * mass


def quantiles_at(values: tf.Tensor, weights: tf.Tensor, levels: tf.Tensor) -> tf.Tensor:
    """Quantiles of each row of ``values`` (D, M), weighted by ``weights`` (M,), at ``levels`` (D, K).

    ``levels`` are float64 in [0, 1]; the result (D, K) interpolates linearly between the
    samples, each placed at the middle of its probability mass.
    """
    order = tf.argsort(values, axis=-1)
    ordered = tf.gather(values, order, batch_dims=1)
    # Levels in float64: a float32 running sum over ~2e5 positions drifts by ~1e-3, hundreds of samples.
    levels_of_samples = _sample_levels(tf.cast(tf.gather(weights, order), tf.float64))
    upper = tf.searchsorted(levels_of_samples, levels, side="right")
    last = tf.shape(values)[1] - 1
    upper_index = tf.minimum(upper, last)
    lower_index = tf.maximum(upper - 1, 0)
    lower_level = tf.gather(levels_of_samples, lower_index, batch_dims=1)
    upper_level = tf.gather(levels_of_samples, upper_index, batch_dims=1)
    span = upper_level - lower_level
    fraction = tf.where(span > 0, (levels - lower_level) / tf.where(span > 0, span, 1.0), 0.0)
    fraction = tf.cast(tf.clip_by_value(fraction, 0.0, 1.0), values.dtype)
    low = tf.gather(ordered, lower_index, batch_dims=1)
    high = tf.gather(ordered, upper_index, batch_dims=1)
    return low + fraction * (high - low)


def sliced_wasserstein_loss(
    features: tf.Tensor,
    style_features: tf.Tensor,
    style_weights: tf.Tensor,
    directions: tf.Tensor,
    weights: tf.Tensor | None = None,
) -> tf.Tensor:
    """Sliced Wasserstein distance between two feature distributions, relative to the style's.

    Heitz, Vanhoey, Chambon and Belcour 2021, "A Sliced Wasserstein Loss for Neural Texture
    Synthesis": both sets of feature vectors are projected on random ``directions``
    (C, D); in one dimension optimal transport pairs sorted values, so the squared
    Wasserstein-2 distance of each projection is the mean squared difference of the sorted
    projections. Unlike a Gram matrix, which keeps second moments only, this matches the
    whole distribution (means, spread, sparsity), at the cost of a sort per layer.

    Args:
        features: the image's features, (1, height, width, C).
        style_features: the style's feature vectors, (M, C), any M (several style images
            concatenated).
        style_weights: probability of each style feature vector, (M,), summing to 1.
        directions: unit vectors (C, D), for example from :func:`random_directions`.
        weights: (height, width) in [0, 1], a region of the image (a soft mask): its
            positions are a sample weighted by the mask, each sorted projection paired with
            the style's quantile at its own level, so the term is the weighted Wasserstein
            distance of the region's distribution (positions of weight 0 get no gradient).

    Returns:
        ``mean((sort(F d) - Q(F_s d))^2) / var(Q(F_s d))``, where ``Q`` gives as many
        quantiles of the style's projections as the image has positions and the variance is
        taken along each direction and averaged. 0 for identical distributions, whatever the
        order of the positions.
    """
    if weights is not None:
        return _weighted_sliced_loss(features, style_features, style_weights, directions, weights)
    projected = sorted_projections(features, directions)
    target, spread = sliced_target(style_features, style_weights, directions, tf.shape(projected)[1])
    return tf.reduce_mean(tf.square(projected - target)) / spread


def sliced_target(
    style_features: tf.Tensor, style_weights: tf.Tensor, directions: tf.Tensor, count: tf.Tensor | int
) -> tuple[tf.Tensor, tf.Tensor]:
    """What :func:`sliced_wasserstein_loss` compares an image of ``count`` positions with.

    Returns the style's projections on ``directions`` at ``count`` quantiles, (D, count),
    and their spread (the variance along each direction, averaged), the loss's divisor. One
    target serves every image of that many positions (a training batch).
    """
    style_projected = tf.transpose(tf.cast(style_features, tf.float32) @ directions)
    target = tf.stop_gradient(weighted_quantiles(style_projected, style_weights, count))
    spread = tf.reduce_mean(tf.square(target - tf.reduce_mean(target, axis=-1, keepdims=True)))
    # A layer with one position (block5 of a tiny image) has no spread: fall back on a sliver of
    # the mean square, so the term stays finite (it gave 1e16 at 24 px).
    spread = tf.maximum(spread, 1e-3 * tf.reduce_mean(tf.square(target)) + 1e-12)
    return target, spread


def _weighted_sliced_loss(
    features: tf.Tensor, style_features: tf.Tensor, style_weights: tf.Tensor, directions: tf.Tensor, weights: tf.Tensor
) -> tf.Tensor:
    """:func:`sliced_wasserstein_loss` over a region: image positions weighted by ``weights``."""
    features = tf.cast(features, tf.float32)
    flat = tf.reshape(features, [-1, tf.shape(features)[-1]])
    mass = tf.reshape(tf.cast(weights, tf.float32), [-1])
    mass = mass / tf.maximum(tf.reduce_sum(mass), 1e-12)
    projected = tf.transpose(flat @ directions)  # (D, positions)
    order = tf.argsort(projected, axis=-1)
    ordered = tf.gather(projected, order, batch_dims=1)
    ordered_mass = tf.gather(mass, order)
    levels = _sample_levels(tf.cast(ordered_mass, tf.float64))
    style_projected = tf.transpose(tf.cast(style_features, tf.float32) @ directions)
    target = tf.stop_gradient(quantiles_at(style_projected, style_weights, levels))
    mean = tf.reduce_sum(ordered_mass * target, axis=-1, keepdims=True)
    spread = tf.reduce_mean(tf.reduce_sum(ordered_mass * tf.square(target - mean), axis=-1))
    spread = tf.maximum(spread, 1e-3 * tf.reduce_mean(tf.reduce_sum(ordered_mass * tf.square(target), -1)) + 1e-12)
    return tf.reduce_mean(tf.reduce_sum(ordered_mass * tf.square(ordered - target), axis=-1)) / spread


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
