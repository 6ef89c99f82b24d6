"""Painting with a network trained for one style (``nst train``): a ``.keras`` or ``.tflite`` file.

The network (:mod:`.network`) has its style built in, so it takes no style image: a
:class:`TrainedStylizer` paints a photo in one pass, at any size (it is fully convolutional:
no tiles), in the time of a few convolutions. It offers the :class:`~.model.FastStylizer`
interface with :attr:`~TrainedStylizer.style_built_in` set; :meth:`TrainedStylizer.paint`
is its one operation, and ``strength`` below 1 mixes the photo back in, pixel by pixel.

A ``.keras`` file is loaded with Keras' safe mode (no pickled code runs), but a Keras file
still names the layers it needs: load only models you trust. A ``.tflite`` file holds only
arithmetic and is the form to share.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from ..engine.choices import ANY_NETWORK_MIN_SIDE, network_min_side
from ..engine.memory import available_bytes
from ..errors import ModelError, OptionError, one_line
from .lite import _interpreter
from .model import FastStylizer, check_strength

#: Model files of trained networks, by suffix.
TRAINED_SUFFIXES = (".keras", ".tflite")
#: Memory of one pass per pixel and per channel of the network's full-resolution layers, in
#: bytes. The Lite interpreter keeps every full-resolution tensor of the pass (padded inputs,
#: outputs, normalisation temporaries: about 20 float32 values per pixel and channel; 81
#: bytes measured at 1024x1024 px), Keras fewer; this bound is the Lite one with some room.
PASS_BYTES_PER_PIXEL_CHANNEL = 96
#: Channels of the outer layers of the widest network a ``.tflite`` file could hold (its
#: layers are not inspected), for the memory check.
_LITE_CHANNELS = 32


class TrainedStylizer(FastStylizer):
    """A network trained for one style, from a ``.keras`` or ``.tflite`` file.

    Args:
        path: the model file.

    Raises:
        ModelError: the file is missing, corrupt, or not an image-to-image network (one line).
    """

    style_built_in = True

    def __init__(self, path: str | Path):
        self.path = Path(path).expanduser()
        self.location = str(self.path)
        if not self.path.is_file():
            raise ModelError(f"{self.path}: no such model file")
        suffix = self.path.suffix.lower()
        if suffix == ".keras":
            self.backend = "keras"
            self._load_keras()
        elif suffix == ".tflite":
            self.backend = "lite"
            self._load_lite()
        else:
            raise ModelError(f"{self.path}: a trained network is a {' or '.join(TRAINED_SUFFIXES)} file")

    def _load_keras(self) -> None:
        import keras
        import tensorflow as tf

        from . import network  # registers the network's layers with Keras

        if not zipfile.is_zipfile(self.path):  # Keras would call it "file not found"
            raise ModelError(f"{self.path}: not a Keras model file (not a zip archive; corrupt or of another kind)")
        try:
            model = keras.saving.load_model(self.path, compile=False, safe_mode=True)
        except Exception as err:  # zip, JSON, HDF5 and Keras errors alike
            raise ModelError(f"{self.path}: not a loadable Keras model ({one_line(err)})") from None
        inputs, outputs = list(model.inputs or []), list(model.outputs or [])
        if not (len(inputs) == 1 and len(outputs) == 1 and _is_image(inputs[0].shape) and _is_image(outputs[0].shape)):
            raise ModelError(
                f"{self.path}: a Keras model, but not an image-to-image style network"
                f" (inputs {[tuple(i.shape) for i in inputs]}, outputs {[tuple(o.shape) for o in outputs]})"
            )
        self._network = model
        try:  # the outer layers' channels, for the memory check
            self._channels = int(model.get_layer("down0").filters)
            self._min_side = network_min_side(network.network_downsamplings(model))
        except (ValueError, AttributeError):  # another image-to-image Keras network
            self._channels = _LITE_CHANNELS
            self._min_side = network_min_side()
        # Traced once for every size (height and width free), so video frames do not retrace.
        self._call = tf.function(
            lambda x: model(x, training=False),
            input_signature=[tf.TensorSpec([1, None, None, 3], tf.float32)],
            reduce_retracing=True,
        )

    def _load_lite(self) -> None:
        interpreter = _interpreter(self.path, (1, 64, 64, 3))
        inputs, outputs = interpreter.get_input_details(), interpreter.get_output_details()
        free = len(inputs) == 1 and list(inputs[0].get("shape_signature", [])[1:3]) == [-1, -1]
        if not (free and inputs[0]["shape"][-1] == 3 and len(outputs) == 1 and outputs[0]["shape"][-1] == 3):
            raise ModelError(
                f"{self.path}: a TensorFlow Lite model, but not a style network trained by nst train"
                " (Magenta's pair is given as its folder or both files)"
            )
        self._interpreter = interpreter
        self._shape: tuple[int, ...] = (1, 64, 64, 3)
        self._channels = _LITE_CHANNELS
        self._min_side = ANY_NETWORK_MIN_SIDE  # a .tflite file's layers are not inspected

    def check_fits(self, height: int, width: int) -> None:
        """Raise OptionError if one pass over ``height`` x ``width`` px would not fit in memory."""
        available = available_bytes()
        need = height * width * self._channels * PASS_BYTES_PER_PIXEL_CHANNEL
        if available is not None and need > available:
            scale = (available / need) ** 0.5
            raise OptionError(
                f"{width}x{height} px needs about {need / 2**30:.1f} GB for the network's one pass but"
                f" {available / 2**30:.1f} GB is available; use size {int(max(height, width) * scale)} or less"
            )

    def paint(self, content: np.ndarray, strength: float = 1.0) -> np.ndarray:
        """The photo ``content`` (float RGB in [0, 1], any size) in the network's style.

        ``strength`` below 1 mixes the photo back in: ``strength * painted + (1 - strength) *
        content``. Returns float32 (height, width, 3) in [0, 1], the content's size.
        """
        strength = check_strength(strength)
        content = np.ascontiguousarray(content, dtype=np.float32)
        height, width = content.shape[:2]
        if min(height, width) < self._min_side:
            raise OptionError(
                f"the image is {width}x{height} px; the network needs at least {self._min_side} px on each side"
            )
        self.check_fits(height, width)
        painted = self._run(content[None])[0]
        painted = np.clip(np.asarray(painted, np.float32), 0.0, 1.0)
        if strength < 1.0:
            painted = strength * painted + (1.0 - strength) * content
        return painted.astype(np.float32)

    def _run(self, batch: np.ndarray) -> np.ndarray:
        if self.backend == "keras":
            return self._call(batch).numpy()
        interpreter = self._interpreter
        index = interpreter.get_input_details()[0]["index"]
        if batch.shape != self._shape:
            interpreter.resize_tensor_input(index, list(batch.shape))
            interpreter.allocate_tensors()
            self._shape = batch.shape
        interpreter.set_tensor(index, batch)
        interpreter.invoke()
        return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])

    def transfer(self, content: np.ndarray, style_vector: np.ndarray | None = None) -> np.ndarray:
        """:meth:`paint` at full strength; the style vector is not used (the style is built in)."""
        return self.paint(content)

    def style_vector(self, style: np.ndarray, crop: bool = True) -> np.ndarray:
        """Not available: the network has no style input. Raises OptionError."""
        raise OptionError(f"{self.location}: a trained network paints its own style and takes no style image")


def _is_image(shape) -> bool:
    """Whether a Keras tensor shape is a batch of RGB images of free or fixed size."""
    return len(shape) == 4 and shape[-1] == 3


def is_trained_network(location: object) -> bool:
    """Whether ``location`` names a trained network's file (by its suffix), not Magenta's model.

    A single ``.keras`` or ``.tflite`` path; two comma-separated ``.tflite`` files are
    Magenta's pair. Nothing is read, so the command line can check its arguments first.
    """
    if location is None or isinstance(location, (list, tuple)):
        return False
    text = str(location)
    return "," not in text and "://" not in text and Path(text).suffix.lower() in TRAINED_SUFFIXES
