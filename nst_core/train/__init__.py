"""Train your own real-time style network: one network per style, for ``nst fast`` and video.

Johnson, Alahi and Fei-Fei 2016: a feed-forward network (:mod:`nst_core.fast.network`)
learns to paint any photo in one style by minimising, over a folder of photos, the very loss
``nst`` optimises per image. The modules, in the order data flows: :mod:`.data` (photos to
random crops), :mod:`.loss` (the engine's objective for a batch), :mod:`.trainer` (the
Keras model and its ``train_step``), :mod:`.checkpoint` (save and resume),
:mod:`.record` (what each run was trained with), :mod:`.export` (Keras and TensorFlow Lite
files) and :mod:`.run` (:func:`train_network`).

    from nst_core.train import train_network
    from nst_core.options import TrainOptions
    result = train_network("images/starry_night.jpg", "photos/", TrainOptions(steps=2000), "starry/")
    # then: nst fast photo.jpg --model starry/model_float16.tflite -o out.png

TensorFlow is imported when :func:`train_network` is first used.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "train_network": "run",
    "TrainingProgress": "run",
    "TrainingResult": "run",
    "load_style": "run",
    "export_network": "export",
    "KERAS_FILE": "export",
    "FLOAT16_FILE": "export",
    "INT8_FILE": "export",
    "StyleTrainer": "trainer",
    "build_trainer": "trainer",
    "TrainingCheckpoint": "checkpoint",
    "read_record": "record",
    "TrainingLoss": "loss",
    "load_photos": "data",
    "PHOTO_SUFFIXES": "data",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
