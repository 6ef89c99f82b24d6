"""Where the model comes from: the environment, the cache, clear errors for bad locations."""

from __future__ import annotations

import pytest

from conftest import shared_models_dir
from nst_core import fast
from nst_core.errors import ModelError, OptionError


@pytest.mark.fast_models
def test_model_is_cached_and_found_through_the_environment(lite_model, monkeypatch):
    monkeypatch.delenv(fast.ENV_MODEL, raising=False)
    monkeypatch.setenv(fast.ENV_MODELS_DIR, str(shared_models_dir()))
    assert fast.load_fast_model() is lite_model
    monkeypatch.setenv(fast.ENV_MODEL, ",".join(reversed(lite_model.location.split(","))))
    assert fast.load_fast_model().backend == "lite"


def test_bad_model_locations_raise_model_error(tmp_path):
    with pytest.raises(ModelError, match="no such model"):
        fast.load_fast_model(str(tmp_path / "missing"))
    with pytest.raises(ModelError, match="neither"):
        fast.load_fast_model(str(tmp_path))  # an empty folder
    bad = tmp_path / "bad"
    bad.mkdir()
    for name in ("style_predict_quantized_256.tflite", "style_transfer_f16_384.tflite"):
        (bad / name).write_bytes(b"not a flatbuffer")
    with pytest.raises(ModelError, match="not a loadable TensorFlow Lite model"):
        fast.load_fast_model(str(bad))
    (tmp_path / "saved_model.pb").write_bytes(b"garbage")
    with pytest.raises(ModelError, match="could not load"):
        fast.load_fast_model(str(tmp_path), backend="hub")
    with pytest.raises(OptionError, match="backend"):
        fast.load_fast_model(str(tmp_path), backend="gpu")


def test_offline_without_a_model_names_the_variable_users_set():
    # A Hub handle that cannot be fetched (nothing listens on this local port): as offline.
    with pytest.raises(ModelError, match="set NST_MODELS_DIR to the folder holding"):
        fast.load_fast_model("https://127.0.0.1:9/no-model", backend="hub")
