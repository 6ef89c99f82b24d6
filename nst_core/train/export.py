"""Export a trained network: a Keras file and TensorFlow Lite files (float16 and int8).

* ``model.keras``: the network in float32, for :func:`nst_core.fast.load_fast_model`,
  Keras, and further training; Keras files name the code they need: share only with people
  who trust you, and load only files you trust.
* ``model_float16.tflite``: weights stored in float16 (half the size), arithmetic in float32
  on the CPU; looks like the Keras model.
* ``model_int8.tflite``: weights and activations quantised to 8 bits, calibrated on crops of
  the training photos (the representative dataset); smallest, and fastest where the CPU has
  8-bit vector instructions, at some cost in fidelity (instance normalisation is sensitive).

Every Lite file takes any height and width (its input is ``[1, -1, -1, 3]``). Files are
written atomically: an interrupted export leaves no half-written model.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from ..engine.device import native_stderr_silenced
from ..errors import ModelError, one_line
from ..fast.network import float32_copy
from ..image.io import atomic_output

#: File names of the exports in the output folder.
KERAS_FILE = "model.keras"
FLOAT16_FILE = "model_float16.tflite"
INT8_FILE = "model_int8.tflite"
#: Export kinds, in the order written.
KINDS = ("keras", "float16", "int8")


def save_keras(network: keras.Model, path: Path) -> Path:
    """Write the network, in float32, as a Keras file at ``path`` (atomically)."""
    with atomic_output(Path(path)) as temporary:
        float32_copy(network).save(temporary)
    return Path(path)


def lite_bytes(network: keras.Model, kind: str, representative: Sequence[np.ndarray] = ()) -> bytes:
    """The network as a TensorFlow Lite flatbuffer: ``kind`` ``"float16"`` or ``"int8"``.

    ``representative``: a few input batches (1, height, width, 3) that int8 calibrates on.
    """
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    model = float32_copy(network)
    function = tf.function(lambda images: model(images, training=False))
    concrete = function.get_concrete_function(tf.TensorSpec([1, None, None, 3], tf.float32))
    # Frozen first: calibration (int8) cannot read variables.
    converter = tf.lite.TFLiteConverter.from_concrete_functions([convert_variables_to_constants_v2(concrete)], model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if kind == "float16":
        converter.target_spec.supported_types = [tf.float16]
    elif kind == "int8":
        if not representative:
            raise ModelError("int8 export needs representative images to calibrate on")
        converter.representative_dataset = lambda: ([np.asarray(batch, np.float32)] for batch in representative)
    else:
        raise ValueError(f"kind must be float16 or int8, got {kind!r}")
    try:
        # The converter prints its quantisation settings from native code and warns about the
        # input statistics a float-input model does not have: noise to the user.
        with native_stderr_silenced(), warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return converter.convert()
    except Exception as err:  # the converter's errors are pages of MLIR
        raise ModelError(f"TensorFlow Lite conversion ({kind}) failed: {one_line(err)}") from None


def save_lite(network: keras.Model, path: Path, kind: str, representative: Sequence[np.ndarray] = ()) -> Path:
    """Write the network as a ``kind`` (``"float16"``, ``"int8"``) Lite file at ``path`` (atomically)."""
    data = lite_bytes(network, kind, representative)
    with atomic_output(Path(path)) as temporary:
        Path(temporary).write_bytes(data)
    return Path(path)


def export_network(
    network: keras.Model, folder: str | Path, representative: Sequence[np.ndarray] = (), kinds: Sequence[str] = KINDS
) -> dict[str, Path]:
    """Write the network to ``folder`` as :data:`KERAS_FILE`, :data:`FLOAT16_FILE` and :data:`INT8_FILE`.

    Args:
        network: a trained network (any precision; exported in float32).
        folder: where to write (made if missing).
        representative: batches (1, height, width, 3) of photos for the int8 calibration.
        kinds: which of ``"keras"``, ``"float16"``, ``"int8"`` to write.

    Returns:
        ``kind -> path`` of each file written.
    """
    folder = Path(folder).expanduser()
    written: dict[str, Path] = {}
    for kind in kinds:
        if kind == "keras":
            written[kind] = save_keras(network, folder / KERAS_FILE)
        elif kind in ("float16", "int8"):
            written[kind] = save_lite(
                network, folder / (FLOAT16_FILE if kind == "float16" else INT8_FILE), kind, representative
            )
        else:
            raise ValueError(f"unknown export kind {kind!r}; choose from {', '.join(KINDS)}")
    return written
