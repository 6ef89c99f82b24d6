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

from ..errors import ModelError, OptionError, one_line
from .choices import POOLING, VGG19_LAYERS, check_layers, downsampling
from .precision import COMPUTE_DTYPES

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
            f"could not load the VGG19 weights ({one_line(err)}); Keras downloads"
            " them once into ~/.keras/models/ and needs internet for that"
        ) from None


#: float16 tops out at 65504 and VGG19's activations reach ~1.3e4 (block4, measured at 64 px),
#: so a 16-bit trunk computes activations times this power of two (its biases are scaled too;
#: ReLU and pooling commute with it, so the scaling is exact) and its outputs are scaled back.
ACTIVATION_SCALE = 2.0**-4


@functools.lru_cache(maxsize=4)
def _low_precision_layers(weights: str, dtype: str) -> dict[str, keras.layers.Layer]:
    """The VGG19 trunk's layers rebuilt to compute in ``dtype``, weights cast from the one file.

    Biases are multiplied by :data:`ACTIVATION_SCALE`, so every activation is too.
    """
    base = _imagenet_vgg19(weights)
    layers: dict[str, keras.layers.Layer] = {}
    channels = 3
    for name in VGG19_LAYERS:
        original = base.get_layer(name)
        config = original.get_config()
        config["dtype"] = dtype
        layer = type(original).from_config(config)
        if name.endswith("pool"):
            layers[name] = layer
            continue
        layer.build((None, None, None, channels))
        layer.kernel.assign(tf.cast(original.kernel, dtype))
        layer.bias.assign(tf.cast(original.bias * ACTIVATION_SCALE, dtype))
        layer.trainable = False
        channels = original.filters
        layers[name] = layer
    return layers


@functools.lru_cache(maxsize=4)
def _casts(dtype: str):
    """Casts into and out of a 16-bit VGG19 that keep its backward pass within range.

    Losses weighted by large weights give gradients with respect to the features and the
    pixels that can overflow float16 (the old unnormalised losses, ~1e9, gave ~1e5 and ~1e6). Loss scaling (Micikevicius et al. 2018), with the scale
    chosen anew at every backward pass from the gradients that enter the network: they are
    multiplied by a power of two that makes the largest of them ~1 before the cast to 16
    bits, and the pixels' gradient is divided by it after the cast back to float32. The scale
    travels from the one cast to the other as the gradient of a dummy scalar ("token"), so
    no state is shared and it works eagerly, in tf.function and under XLA. Gradient entries
    that still are not finite are set to 0, so an overflow can never put NaN in the image.
    """

    @tf.custom_gradient
    def into(x: tf.Tensor):
        def grad(dy, dtoken):
            scale = 1.0 if dtoken is None else tf.where(dtoken > 0, dtoken, 1.0)
            g = tf.cast(dy, tf.float32) / scale
            return tf.where(tf.math.is_finite(g), g, tf.zeros_like(g))

        return (tf.cast(x, dtype), tf.zeros([], tf.float32)), grad

    @tf.custom_gradient
    def out_of(token: tf.Tensor, *features: tf.Tensor):
        def grad(*dys):
            dys = [tf.cast(d, tf.float32) for d in dys]
            biggest = tf.reduce_max(tf.stack([tf.reduce_max(tf.abs(d)) for d in dys]))
            ok = tf.math.is_finite(biggest) & (biggest > 0)
            exponent = tf.math.ceil(tf.math.log(tf.where(ok, biggest, 1.0)) / tf.math.log(2.0))
            scale = tf.where(ok, tf.pow(2.0, -exponent), 1.0)
            return [scale] + [tf.cast(d * scale, dtype) for d in dys]

        return [tf.cast(f, tf.float32) for f in features], grad

    return into, out_of


class VGGFeatures:
    """Callable that maps [0, 1] RGB images to a dict ``layer name -> activations``.

    Activations have shape (batch, height / 2**k, width / 2**k, channels). Only the
    layers up to the deepest requested one are built; weights are frozen.

    Args:
        layers: VGG19 layer names to return (see :data:`VGG19_LAYERS`).
        pooling: ``"max"`` (the trained network) or ``"avg"``, which Gatys et al. found
            gives slightly smoother results.
        weights: ``"imagenet"`` (downloaded by Keras on first use) or a path to a weights file.
        dtype: what the convolutions compute in: ``"float32"``, ``"bfloat16"`` or
            ``"float16"`` (see :mod:`nst_core.engine.precision`, whose ``compute_dtype`` picks one for
            the ``precision`` option). Activations are float32 in every case.
    """

    def __init__(self, layers: Sequence[str], pooling: str = "max", weights: str = "imagenet", dtype: str = "float32"):
        self.layers = check_layers(layers)
        if not self.layers:
            raise OptionError("the extractor needs at least one layer")
        if pooling not in POOLING:
            raise OptionError(f"pooling must be one of {', '.join(POOLING)}, got {pooling!r}")
        self.pooling = pooling
        if dtype not in COMPUTE_DTYPES:
            raise OptionError(f"dtype must be one of {', '.join(COMPUTE_DTYPES)}, got {dtype!r}")
        self.dtype = dtype
        if dtype == "float32":
            base = _imagenet_vgg19(weights)
            trunk = {name: base.get_layer(name) for name in VGG19_LAYERS}
        else:
            trunk = _low_precision_layers(weights, dtype)
        deepest = max(VGG19_LAYERS.index(name) for name in self.layers)
        inputs = keras.Input(shape=(None, None, 3), dtype=dtype)
        x = inputs
        outputs = {}
        for name in VGG19_LAYERS[: deepest + 1]:
            layer = trunk[name]
            if name.endswith("pool") and pooling == "avg":
                layer = keras.layers.AveragePooling2D(pool_size=2, strides=2, name=name, dtype=dtype)
            x = layer(x)
            if name in self.layers:
                outputs[name] = x
        self.model = keras.Model(inputs, outputs, name=f"vgg19_to_{VGG19_LAYERS[deepest]}")
        self.model.trainable = False
        #: How many times the deepest layer has halved the image: inputs smaller than
        #: 2**downsampling pixels on a side leave it with no spatial extent.
        self.downsampling = downsampling(self.layers)

    def channels(self, layer: str) -> int:
        """Number of feature channels of ``layer``."""
        return int(self.model.output[layer].shape[-1])

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
        """Activations of ``images`` ([0, 1] RGB, shape (batch, height, width, 3)), float32."""
        if self.dtype == "float32":
            return self.model(preprocess(images), training=False)
        if self.dtype == "bfloat16":
            # bfloat16 has float32's exponent range: no gradient overflows, so no loss scaling
            # (and no tf.custom_gradient, whose graph-mode registry keeps every traced step, and
            # the optimiser state it captured, alive for good). Plain casts differentiate to casts.
            outputs = self.model(tf.cast(preprocess(images) * ACTIVATION_SCALE, self.dtype), training=False)
            return {name: tf.cast(f, tf.float32) / ACTIVATION_SCALE for name, f in outputs.items()}
        into, out_of = _casts(self.dtype)
        low, token = into(preprocess(images) * ACTIVATION_SCALE)
        outputs = self.model(low, training=False)
        names = list(outputs)
        features = out_of(token, *(outputs[name] for name in names))
        return {name: f / ACTIVATION_SCALE for name, f in zip(names, features, strict=True)}
