"""Fixtures of the fast-path tests.

The real Lite model (skipped without its files) and a tiny Hub SavedModel built here, so the
real loading and graph-splitting code runs offline.
"""

from __future__ import annotations

import pytest

from conftest import shared_models_dir
from nst_core import fast

from .fake_hub import build_fake_hub_model

LITE_FILES = ("style_predict_quantized_256.tflite", "style_transfer_f16_384.tflite")


@pytest.fixture(scope="module")
def lite_model():
    folder = shared_models_dir()
    missing = [n for n in LITE_FILES if not (folder / n).is_file()]
    if missing:
        pytest.skip(f"Magenta Lite models not in {folder}: {', '.join(missing)}")
    model = fast.load_fast_model(str(folder))
    assert model.backend == "lite"
    return model


@pytest.fixture(scope="module")
def hub_folder(tmp_path_factory):
    return build_fake_hub_model(tmp_path_factory.mktemp("hub") / "magenta_standin")
