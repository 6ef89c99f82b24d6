"""A style network trained for one style: Johnson, Alahi and Fei-Fei 2016, with the later fixes.

"Perceptual losses for real-time style transfer and super-resolution" (Johnson et al. 2016)
trains a feed-forward image transformer per style against the loss of Gatys et al. Its
shape here, as most later implementations have it:

* a 9x9 convolution, then 3x3 convolutions of stride 2, each halving the side and doubling
  the channels (two in Johnson et al.'s network, to a quarter of the side);
* residual blocks (two 3x3 convolutions and a skip) at that resolution;
* as many nearest-neighbour upsamplings each followed by a 3x3 convolution, "resize-convolution"
  (Odena, Dumoulin and Olah 2016, "Deconvolution and checkerboard artifacts"), in place of
  transposed convolutions, which leave a checkerboard;
* a 9x9 convolution to RGB and a sigmoid, so the output is in [0, 1];
* instance normalisation (Ulyanov, Vedaldi and Lempitsky 2016) after every hidden
  convolution, which normalises each picture's contrast away and trains much better than
  batch normalisation for stylisation;
* reflection padding before every convolution, so borders are painted as the inside is.

It is fully convolutional: any size is painted in one pass, and the result has the input's
size (odd sides are rounded up by the halvings and cropped back at the end). Images follow the project's convention:
float32 RGB in [0, 1], shape (batch, height, width, 3).

``width`` scales every hidden layer's channels: 0.5 halves them, a quarter of the
arithmetic. ``downsamplings`` sets how far one output pixel sees: the residual blocks' 3x3
convolutions reach twice as far at each halving, so a third one (an eighth of the side, with
twice the channels there, about the same arithmetic) doubles the receptive field from about
110 px to about 220 px, what strokes sized for a 512 px picture need. The layers are
registered for Keras serialisation, so a ``.keras`` file saved from
:func:`build_style_network` loads once this module is imported.
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from ..engine.choices import DOWNSAMPLINGS_RANGE, JOHNSON_DOWNSAMPLINGS

#: Channels of the full-width network's three resolutions (Johnson et al. 2016); each further
#: halving doubles them again.
BASE_CHANNELS = (32, 64, 128)
#: Residual blocks at the lowest resolution (Johnson et al. 2016 use 5).
RESIDUAL_BLOCKS = 5
#: Name the exported network carries, so a loader can tell it from other Keras models.
NETWORK_NAME = "nst_style_network"
_PACKAGE = "nst_core"


def _keep_channels(padded, x):
    """``padded`` with ``x``'s channel count in its static shape.

    A pad of computed size loses the static shape, and TensorFlow Lite's convolution kernels
    need to know their input channels.
    """
    padded.set_shape([None, None, None, x.shape[-1]])  # static only: no op for Lite to run
    return padded


def _mirror(x, axis: int, pad: int):
    """``tf.pad(..., mode="REFLECT")`` along one axis, from slices, reverses and a concatenation.

    The same values; but LiteRT runs a MIRROR_PAD outside its XNNPACK delegate, splitting
    the graph at every convolution, and these ops inside it, so the Lite exports paint as
    fast as the Keras file (``benchmarks/results/trained_speed_256_512.md``). The side must
    be longer than ``pad``, as for ``tf.pad``: checked where the shape is known (a Lite
    graph has no room for a run-time check).
    """
    side = x.shape[axis]
    if side is not None and side <= pad:
        raise ValueError(f"reflection padding of {pad} px needs a side of more than {pad} px, got {side}")

    def part(start, stop):
        index = [slice(None)] * 4
        index[axis] = slice(start, stop)
        return x[tuple(index)]

    return tf.concat([tf.reverse(part(1, pad + 1), [axis]), x, tf.reverse(part(-pad - 1, -1), [axis])], axis=axis)


@keras.saving.register_keras_serializable(package=_PACKAGE)
class ReflectionPadding2D(keras.layers.Layer):
    """Pad height and width by ``pad`` px on each side, mirroring the border (no edge repeated)."""

    def __init__(self, pad: int, **kwargs):
        super().__init__(**kwargs)
        self.pad = int(pad)

    def call(self, x):
        """The layer's output (Keras calls it)."""
        return _keep_channels(_mirror(_mirror(x, 1, self.pad), 2, self.pad), x)

    def compute_output_shape(self, input_shape):
        """The output's static shape (Keras asks it when building a model)."""
        b, h, w, c = input_shape
        grow = lambda n: None if n is None else n + 2 * self.pad  # noqa: E731
        return (b, grow(h), grow(w), c)

    def get_config(self):
        """The constructor's arguments, for saving."""
        return {**super().get_config(), "pad": self.pad}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class InstanceNormalization(keras.layers.Layer):
    """Normalise each channel of each image over its positions, then scale and shift (learnt).

    Ulyanov et al. 2016. The statistics are computed in float32 whatever the layer computes in,
    so a 16-bit network's variances do not overflow or lose precision.
    """

    def __init__(self, epsilon: float = 1e-5, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        """Make the per-channel scale and offset."""
        channels = int(input_shape[-1])
        self.scale = self.add_weight(name="scale", shape=(channels,), initializer="ones")
        self.offset = self.add_weight(name="offset", shape=(channels,), initializer="zeros")

    def call(self, x):
        """The layer's output (Keras calls it)."""
        x32 = tf.cast(x, tf.float32)
        mean, variance = tf.nn.moments(x32, axes=[1, 2], keepdims=True)
        # (x - mean) / std * scale + offset as one multiply-add per value: the full-resolution
        # layers are memory-bound, and this saves two passes over them.
        gain = tf.math.rsqrt(variance + self.epsilon) * tf.cast(self.scale, tf.float32)
        out = x32 * gain + (tf.cast(self.offset, tf.float32) - mean * gain)
        return tf.cast(out, self.compute_dtype)

    def get_config(self):
        """The constructor's arguments, for saving."""
        return {**super().get_config(), "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class NearestUpsampling2D(keras.layers.Layer):
    """Double height and width by repeating pixels (nearest neighbour), for a resize-convolution.

    Keras' ``UpSampling2D`` repeats with reshapes of computed size, after which TensorFlow
    Lite no longer knows the channels of the next convolution; a resize keeps them.
    """

    def call(self, x):
        """The layer's output (Keras calls it)."""
        shape = tf.shape(x)
        resized = tf.image.resize(x, shape[1:3] * 2, method="nearest")
        return tf.cast(resized, x.dtype)

    def compute_output_shape(self, input_shape):
        """The output's static shape (Keras asks it when building a model)."""
        b, h, w, c = input_shape
        return (b, None if h is None else 2 * h, None if w is None else 2 * w, c)


@keras.saving.register_keras_serializable(package=_PACKAGE)
class CropLike(keras.layers.Layer):
    """Crop the first input to the height and width of the second.

    The stride-2 convolutions round odd sides up (a side ``n`` becomes ``ceil(n / 2)``), so
    ``d`` halvings and as many upsamplings give ``2**d * ceil(n / 2**d)`` px, at least ``n``:
    the crop gives back the input's size.
    """

    def call(self, inputs):
        """The layer's output (Keras calls it)."""
        x, like = inputs
        shape = tf.shape(like)
        return x[:, : shape[1], : shape[2], :]

    def compute_output_shape(self, input_shapes):
        """The output's static shape (Keras asks it when building a model)."""
        x, like = input_shapes
        return (x[0], like[1], like[2], x[3])


def channels_for(width: float, downsamplings: int = JOHNSON_DOWNSAMPLINGS) -> tuple[int, ...]:
    """Hidden channels of each resolution at ``width``, full side first: 8, 16, 32... times a whole number >= 1.

    ``width`` is rounded to a multiple of 0.25 (at least 0.25), so the channels double at
    each halving and stay multiples of 8, which vector units like. There are
    ``downsamplings + 1`` resolutions.
    """
    if not width > 0:
        raise ValueError(f"width must be > 0, got {width!r}")
    low, high = DOWNSAMPLINGS_RANGE
    if not (isinstance(downsamplings, int) and low <= downsamplings <= high):
        raise ValueError(f"downsamplings must be a whole number from {low} to {high}, got {downsamplings!r}")
    unit = max(1, round(width * BASE_CHANNELS[0] / 8))
    return tuple(8 * unit * 2**level for level in range(downsamplings + 1))


def build_style_network(
    width: float = 1.0,
    residual_blocks: int = RESIDUAL_BLOCKS,
    dtype: str | None = None,
    downsamplings: int = JOHNSON_DOWNSAMPLINGS,
) -> keras.Model:
    """The image transformer of Johnson et al. 2016 (with the fixes above), untrained.

    Args:
        width: channel multiplier of every hidden layer; 0.5 costs about a quarter of 1.0.
        residual_blocks: residual blocks at the lowest resolution.
        dtype: a Keras dtype policy (``"mixed_bfloat16"``, ``"mixed_float16"``) for
            training in 16 bits; None is float32. The output is float32 in every case.
        downsamplings: halvings of the side before the residual blocks (2 in Johnson et
            al. 2016; 3 doubles the receptive field at about the same arithmetic).

    Returns:
        a Keras model from images (batch, height, width, 3) in [0, 1] to images of the same
        size in [0, 1]; any height and width of at least
        :func:`~nst_core.engine.choices.network_min_side` px (every reflection
        padding needs a side longer than itself).
    """
    channels = channels_for(width, downsamplings)
    layer_kwargs: dict[str, Any] = {"dtype": dtype} if dtype else {}

    def conv(x, filters: int, kernel: int, stride: int = 1, name: str = ""):
        x = ReflectionPadding2D(kernel // 2, name=f"{name}_pad", **layer_kwargs)(x)
        return keras.layers.Conv2D(filters, kernel, strides=stride, padding="valid", name=name, **layer_kwargs)(x)

    def conv_norm_relu(x, filters: int, kernel: int, stride: int = 1, name: str = ""):
        x = conv(x, filters, kernel, stride, name)
        x = InstanceNormalization(name=f"{name}_norm", **layer_kwargs)(x)
        return keras.layers.ReLU(name=f"{name}_relu", **layer_kwargs)(x)

    inputs = keras.Input(shape=(None, None, 3), name="image")
    x = conv_norm_relu(inputs, channels[0], 9, name="down0")
    for level in range(1, downsamplings + 1):
        x = conv_norm_relu(x, channels[level], 3, 2, name=f"down{level}")
    large = channels[-1]
    for index in range(residual_blocks):
        name = f"residual{index}"
        y = conv_norm_relu(x, large, 3, name=f"{name}a")
        y = conv(y, large, 3, name=f"{name}b")
        y = InstanceNormalization(name=f"{name}b_norm", **layer_kwargs)(y)
        x = keras.layers.Add(name=f"{name}_add", **layer_kwargs)([x, y])
    for index, filters in enumerate(reversed(channels[:-1])):
        x = NearestUpsampling2D(name=f"up{index}_resize", **layer_kwargs)(x)
        x = conv_norm_relu(x, filters, 3, name=f"up{index}")
    x = conv(x, 3, 9, name="to_rgb")
    x = keras.layers.Activation("sigmoid", dtype="float32", name="to_unit_range")(x)
    outputs = CropLike(name="crop_to_input", dtype="float32")([x, inputs])
    return keras.Model(inputs, outputs, name=NETWORK_NAME)


def network_width(network: keras.Model) -> float:
    """The ``width`` a network of :func:`build_style_network` was built with (from its first layer)."""
    return network.get_layer("down0").filters / BASE_CHANNELS[0]


def network_downsamplings(network: keras.Model) -> int:
    """The ``downsamplings`` a network of :func:`build_style_network` was built with (from its layer names)."""
    names = {layer.name for layer in network.layers}
    return sum(1 for level in range(1, DOWNSAMPLINGS_RANGE[1] + 1) if f"down{level}" in names)


def float32_copy(network: keras.Model) -> keras.Model:
    """The same network computing in float32, with the same weights (what is exported)."""
    blocks = sum(1 for layer in network.layers if layer.name.endswith("_add"))
    copy = build_style_network(network_width(network), blocks, downsamplings=network_downsamplings(network))
    copy.set_weights([w.numpy() if hasattr(w, "numpy") else w for w in network.get_weights()])
    return copy
