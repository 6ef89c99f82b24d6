"""The style network's own layers, on small hand-made inputs."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from nst_core.fast.network import (
    InstanceNormalization,
    ReflectionPadding2D,
    build_style_network,
    float32_copy,
    network_downsamplings,
)


def test_instance_normalisation_gives_each_channel_of_each_image_its_learnt_mean_and_spread():
    rng = np.random.default_rng(0)
    # Two images, three channels, each with its own offset and spread.
    x = rng.normal(size=(2, 9, 7, 3)) * np.array([1.0, 5.0, 0.1]) + np.array(
        [[[[3.0, -2.0, 40.0]]], [[[0.0, 7.0, -1.0]]]]
    )
    layer = InstanceNormalization()
    layer.build(x.shape)
    layer.scale.assign([2.0, 0.5, 1.0])
    layer.offset.assign([1.0, -3.0, 0.0])
    out = np.asarray(layer(x.astype(np.float32)))
    np.testing.assert_allclose(out.mean(axis=(1, 2)), [[1.0, -3.0, 0.0]] * 2, atol=1e-4)
    np.testing.assert_allclose(out.std(axis=(1, 2)), [[2.0, 0.5, 1.0]] * 2, rtol=1e-3)


def test_reflection_padding_mirrors_the_border_without_repeating_the_edge():
    x = np.arange(2 * 5 * 6 * 3, dtype=np.float32).reshape(2, 5, 6, 3)
    out = np.asarray(ReflectionPadding2D(2)(x))
    expected = np.pad(x, [(0, 0), (2, 2), (2, 2), (0, 0)], mode="reflect")
    np.testing.assert_array_equal(out, expected)


def test_reflection_padding_refuses_a_side_it_cannot_mirror():
    with pytest.raises(ValueError, match="needs a side of more than 4 px, got 4"):
        ReflectionPadding2D(4)(np.zeros((1, 4, 9, 3), np.float32))


@pytest.mark.parametrize("downsamplings", [2, 3])
def test_each_halving_halves_the_residual_blocks_side_and_the_float32_copy_keeps_the_shape(downsamplings):
    keras.utils.set_random_seed(1)
    network = build_style_network(width=0.25, downsamplings=downsamplings, dtype="mixed_bfloat16")
    probe = keras.Model(network.input, network.get_layer("residual0_add").output)
    assert tuple(probe(np.zeros((1, 48, 40, 3), np.float32)).shape[1:3]) == (48 >> downsamplings, 40 >> downsamplings)
    copy = float32_copy(network)
    assert network_downsamplings(copy) == downsamplings
    image = np.random.default_rng(0).random((1, 37, 50, 3)).astype(np.float32)
    painted = np.asarray(copy(image))
    assert painted.shape == image.shape
    np.testing.assert_allclose(painted, np.asarray(network(image), np.float32), atol=0.05)
