"""The VGG19 feature extractor (Simonyan and Zisserman 2014, ImageNet weights from Keras).

Style transfer only needs the convolutional trunk up to the deepest layer a loss reads,
so the network is cut there and frozen. The Caffe-style preprocessing the weights were
trained with (RGB to BGR, mean subtraction, 0-255 range) is done inside, so callers pass
ordinary [0, 1] RGB images.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import keras
import tensorflow as tf

from .errors import ModelError, OptionError

#: Content layer of Gatys et al. 2016 and jcjohnson/neural-style (relu4_2; Keras' conv
#: layers include their ReLU, so ``block4_conv2`` is relu4_2).
DEFAULT_CONTENT_LAYERS: tuple[str, ...] = ("block4_conv2",)
#: Style layers of Gatys et al. 2016 and jcjohnson/neural-style (relu1_1 ... relu5_1).
DEFAULT_STYLE_LAYERS: tuple[str, ...] = (
    "block1_conv1",
    "block2_conv1",
    "block3_conv1",
    "block4_conv1",
    "block5_conv1",
)
#: Every layer of the VGG19 trunk, in order.
VGG19_LAYERS: tuple[str, ...] = tuple(
    f"block{block}_{kind}{index}"
    for block, convs in ((1, 2), (2, 2), (3, 4), (4, 4), (5, 4))
    for kind, index in [("conv", i) for i in range(1, convs + 1)] + [("pool", "")]
)
POOLING = ("max", "avg")

# ImageNet channel means in BGR order, as keras.applications.vgg19.preprocess_input uses.
_BGR_MEAN = tf.constant([103.939, 116.779, 123.68], dtype=tf.float32)


def preprocess(images: tf.Tensor) -> tf.Tensor:
    """Map [0, 1] RGB images (batch, height, width, 3) to VGG19's Caffe input convention."""
    images = tf.convert_to_tensor(images, dtype=tf.float32)
    return images[..., ::-1] * 255.0 - _BGR_MEAN


def deprocess(vgg_input: tf.Tensor) -> tf.Tensor:
    """Inverse of :func:`preprocess`: VGG19 input back to [0, 1] RGB (not clipped)."""
    return ((tf.convert_to_tensor(vgg_input, dtype=tf.float32) + _BGR_MEAN) / 255.0)[..., ::-1]


@functools.lru_cache(maxsize=2)
def _imagenet_vgg19(weights: str) -> keras.Model:
    try:
        return keras.applications.VGG19(include_top=False, weights=weights, input_shape=(None, None, 3))
    except Exception as err:  # Keras raises plain Exception for a failed download
        raise ModelError(
            f"could not load the VGG19 weights ({str(err).splitlines()[0][:200]}); Keras downloads"
            " them once into ~/.keras/models/ and needs internet for that"
        ) from None


def check_layers(names: Sequence[str]) -> tuple[str, ...]:
    """Return ``names`` as a tuple, raising :class:`OptionError` for an unknown layer."""
    names = tuple(names)
    for name in names:
        if name not in VGG19_LAYERS:
            raise OptionError(
                f"unknown VGG19 layer {name!r}; choose from {', '.join(n for n in VGG19_LAYERS if 'conv' in n)}"
            )
    return names


class VGGFeatures:
    """Callable that maps [0, 1] RGB images to a dict ``layer name -> activations``.

    Activations have shape (batch, height / 2**k, width / 2**k, channels). Only the
    layers up to the deepest requested one are built; weights are frozen.

    Args:
        layers: VGG19 layer names to return (see :data:`VGG19_LAYERS`).
        pooling: ``"max"`` (the trained network) or ``"avg"``, which Gatys et al. found
            gives slightly smoother results.
        weights: ``"imagenet"`` (downloaded by Keras on first use) or a path to a weights file.
    """

    def __init__(self, layers: Sequence[str], pooling: str = "max", weights: str = "imagenet"):
        self.layers = check_layers(layers)
        if not self.layers:
            raise OptionError("the extractor needs at least one layer")
        if pooling not in POOLING:
            raise OptionError(f"pooling must be one of {', '.join(POOLING)}, got {pooling!r}")
        self.pooling = pooling
        base = _imagenet_vgg19(weights)
        deepest = max(VGG19_LAYERS.index(name) for name in self.layers)
        inputs = keras.Input(shape=(None, None, 3))
        x = inputs
        outputs = {}
        for name in VGG19_LAYERS[: deepest + 1]:
            layer = base.get_layer(name)
            if name.endswith("pool") and pooling == "avg":
                layer = keras.layers.AveragePooling2D(pool_size=2, strides=2, name=name)
            x = layer(x)
            if name in self.layers:
                outputs[name] = x
        self.model = keras.Model(inputs, outputs, name=f"vgg19_to_{VGG19_LAYERS[deepest]}")
        self.model.trainable = False
        #: How many times the deepest layer has halved the image: inputs smaller than
        #: 2**downsampling pixels on a side leave it with no spatial extent.
        self.downsampling = sum(1 for n in VGG19_LAYERS[: deepest + 1] if n.endswith("pool"))

    def check_fits(self, image_hw: tuple[int, int], what: str, remedy: str, where: str = "") -> None:
        """Raise :class:`OptionError` if an image of ``image_hw`` pixels is too small for the layers.

        The message reads "{what} WxH px{where}; ... ({remedy})", e.g. what = "the style
        image is", where = " at this size", remedy = "raise size".
        """
        smallest = 2**self.downsampling
        height, width = image_hw[:2]
        if min(height, width) < smallest:
            raise OptionError(
                f"{what} {width}x{height} px{where}; the layers used need at least {smallest} px on each side"
                f" ({remedy})"
            )

    def __call__(self, images: tf.Tensor) -> dict[str, tf.Tensor]:
        """Activations of ``images`` ([0, 1] RGB, shape (batch, height, width, 3))."""
        return self.model(preprocess(images), training=False)
