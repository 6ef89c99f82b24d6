"""Test set-up shared by tests/ and the notebooks run by nbval.

No test may download anything. Keras looks for the VGG19 weights in its cache
($KERAS_HOME/models or ~/.keras/models); where they are missing but the verified copy in
../shared/models is present (this project's CI machines), it is copied there first, so
``VGG19(weights="imagenet")`` loads it with its hash check exactly as on a user's machine.
The Magenta TensorFlow Lite models of the fast path are read from there too (NST_MODELS_DIR).

Tests that need these files are marked ``vgg19`` or ``fast_models`` (registered in setup.cfg),
so ``pytest -m "not vgg19 and not fast_models"`` runs the rest on a machine without them.
The notebooks, collected cell by cell by nbval, are marked here from NOTEBOOK_MARKS.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# The notebooks run by nbval (their kernels inherit this) take their quick mode: tiny pictures,
# few steps, outputs in temporary folders, so a plain `pytest` is small and leaves the tree clean.
os.environ.setdefault("NST_QUICK", "1")

ROOT = Path(__file__).resolve().parent
VGG19_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
#: The model files each notebook runs on (nst.ipynb's app and video.ipynb's clip optimise with VGG19).
NOTEBOOK_MARKS = {
    "nst.ipynb": ("vgg19",),
    "video.ipynb": ("vgg19",),
    "fast.ipynb": ("fast_models", "vgg19"),  # and refines a fast start with VGG19
}


def shared_models_dir() -> Path:
    """Where the offline copies of the pretrained models are (NST_MODELS_DIR, or ../shared/models)."""
    return Path(os.environ.get("NST_MODELS_DIR", ROOT.parent / "shared" / "models"))


def _place_vgg19_weights() -> None:
    cache = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "models"
    source = shared_models_dir() / VGG19_FILE
    if not (cache / VGG19_FILE).exists() and source.exists():
        cache.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, cache / VGG19_FILE)


def _point_notebooks_at_shared_models() -> None:
    # The notebooks run in their own kernels, which inherit this environment: without it
    # fast.ipynb would try TensorFlow Hub, which is offline here, when pytest is run by hand.
    if "NST_MODELS_DIR" not in os.environ and shared_models_dir().is_dir():
        os.environ["NST_MODELS_DIR"] = str(shared_models_dir())


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if item.path.suffix == ".ipynb":
            for marker in NOTEBOOK_MARKS.get(item.path.name, ()):
                item.add_marker(marker)


_place_vgg19_weights()
_point_notebooks_at_shared_models()
