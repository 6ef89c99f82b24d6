"""Where the fast model comes from, and loading it once.

A location is a TensorFlow Hub handle or URL, a SavedModel folder, a folder holding the
Lite pair, the two .tflite paths, or one ``.keras`` / ``.tflite`` file: a network trained
for one style by ``nst train`` (:mod:`.trained`). Without one: ``$NST_FAST_MODEL``, else the Lite pair
in ``$NST_MODELS_DIR``, else Magenta's Hub model (downloaded once by tensorflow_hub).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path

from ..errors import ModelError, OptionError
from .hub import HubStylizer
from .lite import LiteStylizer
from .model import FastStylizer
from .trained import TrainedStylizer, is_trained_network

DEFAULT_HUB_HANDLE = "https://tfhub.dev/google/magenta/arbitrary-image-stylization-v1-256/2"
ENV_MODEL = "NST_FAST_MODEL"
ENV_MODELS_DIR = "NST_MODELS_DIR"
BACKENDS = ("auto", "hub", "lite")
# Transfer networks in order of preference: float16 weights look best, int8 is smaller.
_LITE_TRANSFER = ("style_transfer_f16_384.tflite", "style_transfer_quantized_384.tflite")
_LITE_PREDICT = ("style_predict_quantized_256.tflite", "style_predict_f16_256.tflite")


def _lite_pair(folder: Path) -> tuple[Path, Path] | None:
    """The preferred (predict, transfer) .tflite files in ``folder``, or None without both."""
    predict = next((folder / n for n in _LITE_PREDICT if (folder / n).is_file()), None)
    transfer = next((folder / n for n in _LITE_TRANSFER if (folder / n).is_file()), None)
    return (predict, transfer) if predict and transfer else None


def _resolve(location: str | os.PathLike | Sequence | None, backend: str) -> tuple:
    """(backend, what to load) for a location.

    A location is a Hub handle/URL, a SavedModel folder, a folder holding the .tflite pair,
    or the two .tflite paths (a pair or "a,b").
    """
    if backend not in BACKENDS:
        raise OptionError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    if location is None or location == "":
        location = os.environ.get(ENV_MODEL) or None
    if location is None:
        return _default_location(backend)
    if is_trained_network(location):
        return _trained_file(Path(str(location)).expanduser(), backend)
    if isinstance(location, str) and "," in location and "://" not in location:
        location = [p.strip() for p in location.split(",")]
    if isinstance(location, (list, tuple)):
        return _lite_files(location, backend)
    return _named_location(str(location), backend)


def _trained_file(path: Path, backend: str) -> tuple:
    """A trained network's file: ("trained", path, and what tells a rewritten file from the cached one)."""
    if path.is_dir():
        raise ModelError(f"{path}: is a folder; a trained network is a .keras or .tflite file")
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    if backend == "hub" or (backend == "lite" and path.suffix.lower() != ".tflite"):
        raise ModelError(f"{path}: a trained network's file; use --backend auto")
    stat = path.stat()
    return ("trained", path, stat.st_mtime_ns, stat.st_size)


def _default_location(backend: str) -> tuple:
    """No location given: the Lite pair in ``$NST_MODELS_DIR``, else the Hub handle."""
    models = os.environ.get(ENV_MODELS_DIR)
    pair = _lite_pair(Path(models)) if models and backend != "hub" else None
    if pair:
        return ("lite", *pair)
    if backend == "lite":
        raise ModelError(f"no .tflite pair found; give the model location or set {ENV_MODELS_DIR}")
    return ("hub", DEFAULT_HUB_HANDLE)


def _lite_files(location: Sequence, backend: str) -> tuple:
    """Two .tflite paths, in either order: ("lite", predict, transfer)."""
    paths = [Path(p).expanduser() for p in location]
    if len(paths) != 2 or not all(p.suffix == ".tflite" for p in paths):
        raise ModelError(f"expected two .tflite files (style predict, transfer), got {list(map(str, paths))}")
    for p in paths:
        if not p.is_file():
            raise ModelError(f"{p}: no such model file")
    if backend == "hub":
        raise ModelError("the hub back end needs a SavedModel, not .tflite files")
    # The predictor's single input is the 256 px style image; tell them apart by name.
    paths.sort(key=lambda p: "predict" not in p.name)
    return ("lite", paths[0], paths[1])


def _named_location(text: str, backend: str) -> tuple:
    """A Hub handle or URL (left to tensorflow_hub), else a local folder."""
    path = Path(text).expanduser()
    if "://" in text or not (path.exists() or text.startswith((".", "/", "~"))):
        if backend == "lite":
            raise ModelError(f"{text}: the lite back end needs a folder or two .tflite files")
        return ("hub", text)  # a URL or a Hub/Kaggle handle: tensorflow_hub resolves it
    return _folder(path, backend)


def _folder(path: Path, backend: str) -> tuple:
    """A local folder: a SavedModel (hub) or the .tflite pair (lite)."""
    if not path.exists():
        raise ModelError(f"{path}: no such model folder or file")
    if path.is_file():
        raise ModelError(f"{path}: give the folder holding the model, or both .tflite files")
    is_saved_model = (path / "saved_model.pb").is_file()
    if backend == "hub" or (backend == "auto" and is_saved_model):
        if not is_saved_model:
            raise ModelError(f"{path}: no saved_model.pb, not a SavedModel folder")
        return ("hub", str(path))
    pair = _lite_pair(path)
    if pair is None:
        raise ModelError(f"{path}: holds neither a SavedModel nor a style_predict/style_transfer .tflite pair")
    return ("lite", *pair)


@functools.lru_cache(maxsize=4)
def _load(resolved: tuple) -> FastStylizer:
    if resolved[0] == "trained":
        return TrainedStylizer(resolved[1])
    if resolved[0] == "lite":
        return LiteStylizer(Path(resolved[1]), Path(resolved[2]))
    return HubStylizer(resolved[1])


def load_fast_model(location: str | os.PathLike | Sequence | None = None, backend: str = "auto") -> FastStylizer:
    """Load (once; later calls return the cached model) Magenta's arbitrary stylisation model, or a trained one.

    Args:
        location: a TensorFlow Hub handle or URL, a local SavedModel folder, a folder with
            the ``style_predict*.tflite`` / ``style_transfer*.tflite`` pair, the two
            .tflite paths, or one ``.keras`` / ``.tflite`` file of a network trained for one
            style (a :class:`~nst_core.fast.trained.TrainedStylizer`, whose style is built in). None: ``$NST_FAST_MODEL``, else the Lite pair in
            ``$NST_MODELS_DIR``, else the Hub model (downloaded once by tensorflow_hub).
        backend: ``"auto"`` (by what ``location`` is), ``"hub"`` or ``"lite"``.

    Raises:
        ModelError: the model cannot be found or loaded (one line, e.g. offline).
    """
    resolved = _resolve(location, backend)
    return _load(tuple(str(p) for p in resolved))
