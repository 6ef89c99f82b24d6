"""The VGG19 extractor on the real ImageNet weights."""

import numpy as np
import pytest
import tensorflow as tf

from nst_core.engine.choices import DEFAULT_STYLE_LAYERS
from nst_core.engine.vgg import VGGFeatures, deprocess, preprocess
from nst_core.errors import OptionError

from ..helpers import gradient_image


def test_preprocessing_round_trip_and_caffe_convention():
    image = gradient_image(8, 8)[None]
    vgg_input = preprocess(image)
    np.testing.assert_allclose(deprocess(vgg_input).numpy(), image, atol=1e-5)
    # BGR order with the ImageNet means subtracted, in 0-255 units.
    assert vgg_input.numpy()[0, 0, 0, 0] == pytest.approx(image[0, 0, 0, 2] * 255 - 103.939, abs=1e-3)


@pytest.mark.vgg19
def test_returns_each_requested_layer_with_its_resolution():
    extractor = VGGFeatures(["block1_conv1", "block3_conv1"])
    features = extractor(gradient_image(64, 96)[None])
    assert set(features) == {"block1_conv1", "block3_conv1"}
    assert tuple(features["block1_conv1"].shape) == (1, 64, 96, 64)
    assert tuple(features["block3_conv1"].shape) == (1, 16, 24, 256)


@pytest.mark.vgg19
def test_network_is_cut_at_the_deepest_layer_and_frozen():
    extractor = VGGFeatures(["block2_conv1"])
    names = [layer.name for layer in extractor.model.layers]
    assert names[-1] == "block2_conv1" and "block3_conv1" not in names
    assert not extractor.model.trainable_weights


@pytest.mark.vgg19
def test_weights_are_the_trained_imagenet_ones():
    # Trained first-layer filters respond to edges: a flat grey image and a striped one
    # give clearly different activations, and the kernels are not a random initialisation.
    extractor = VGGFeatures(["block1_conv1"])
    kernel = extractor.model.get_layer("block1_conv1").kernel.numpy()
    assert kernel.shape == (3, 3, 3, 64)
    assert abs(float(kernel.mean())) < 0.05 and float(np.abs(kernel).max()) > 0.3


@pytest.mark.vgg19
def test_average_pooling_changes_deep_features_only():
    image = gradient_image(32, 32)[None]
    max_pool = VGGFeatures(["block1_conv1", "block2_conv1"], pooling="max")(image)
    avg_pool = VGGFeatures(["block1_conv1", "block2_conv1"], pooling="avg")(image)
    np.testing.assert_allclose(max_pool["block1_conv1"], avg_pool["block1_conv1"])
    assert not np.allclose(max_pool["block2_conv1"], avg_pool["block2_conv1"])


def test_unknown_layer_or_pooling_is_an_option_error():
    with pytest.raises(OptionError, match="block9_conv1"):
        VGGFeatures(["block9_conv1"])
    with pytest.raises(OptionError, match="pooling"):
        VGGFeatures(DEFAULT_STYLE_LAYERS, pooling="median")


@pytest.mark.vgg19
def test_gradients_reach_the_image():
    extractor = VGGFeatures(["block4_conv2"])
    image = tf.Variable(gradient_image(32, 32)[None])
    with tf.GradientTape() as tape:
        value = tf.reduce_mean(extractor(image)["block4_conv2"])
    assert float(tf.reduce_max(tf.abs(tape.gradient(value, image)))) > 0
