"""Networks of ``nst train`` in the fast path: any size in one pass, Python and CLI alike, clear errors.

The network here is untrained (random weights, seeded): loading and painting do not depend
on what it learnt, and no VGG19 is needed.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from PIL import Image

from nst_core import cli, fast
from nst_core.errors import ModelError, OptionError
from nst_core.fast.network import build_style_network
from nst_core.image.io import load_image, to_uint8
from nst_core.train.export import FLOAT16_FILE, KERAS_FILE, export_network

from ..helpers import CONTENT, STYLE


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    keras.utils.set_random_seed(3)
    folder = tmp_path_factory.mktemp("trained")
    files = export_network(build_style_network(width=0.25), folder, kinds=("keras", "float16"))
    assert files == {"keras": folder / KERAS_FILE, "float16": folder / FLOAT16_FILE}
    return files


@pytest.fixture
def odd_photo(tmp_path):
    path = tmp_path / "odd.png"
    Image.fromarray(to_uint8(load_image(CONTENT)[:37, :53])).save(path)
    return path


@pytest.mark.parametrize("kind", ["keras", "float16"])
def test_a_trained_model_paints_any_size_in_one_pass(models, kind):
    model = fast.load_fast_model(str(models[kind]))
    assert model.style_built_in and model.backend == ("keras" if kind == "keras" else "lite")
    for height, width in [(37, 53), (64, 48), (130, 97)]:
        image = np.random.default_rng(0).random((height, width, 3)).astype(np.float32)
        painted = model.paint(image)
        assert painted.shape == (height, width, 3) and painted.dtype == np.float32
        assert 0.0 <= painted.min() and painted.max() <= 1.0


def test_the_lite_export_paints_like_the_keras_file(models):
    image = load_image(CONTENT, 96)
    keras_picture = fast.load_fast_model(str(models["keras"])).paint(image)
    lite_picture = fast.load_fast_model(str(models["float16"])).paint(image)
    assert np.abs(keras_picture - lite_picture).max() < 0.02


@pytest.mark.parametrize("kind", ["keras", "float16"])
def test_python_and_the_cli_give_the_same_picture(models, kind, odd_photo, tmp_path):
    out = tmp_path / "out.png"
    assert cli.main(["fast", str(odd_photo), "--model", str(models[kind]), "-o", str(out), "--size", "53"]) == 0
    from_python = fast.fast_stylize(odd_photo, model=fast.load_fast_model(str(models[kind])))
    with Image.open(out) as image:
        assert image.size == (53, 37)
        np.testing.assert_array_equal(np.asarray(image), to_uint8(from_python))


def test_strength_mixes_the_photo_back_in(models):
    model = fast.load_fast_model(str(models["keras"]))
    image = load_image(CONTENT, 64)
    np.testing.assert_allclose(model.paint(image, strength=0.0), image, atol=1e-6)
    half = model.paint(image, strength=0.5)
    np.testing.assert_allclose(half, 0.5 * model.paint(image) + 0.5 * image, atol=1e-5)


def test_a_style_image_with_a_trained_model_is_refused(models, tmp_path, capsys):
    out = tmp_path / "out.png"
    assert cli.main(["fast", str(CONTENT), str(STYLE), "--model", str(models["keras"]), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "paints its own style; give no STYLE image" in err and err.count("\n") == 1
    with pytest.raises(OptionError, match="paints its own style"):
        fast.fast_stylize(CONTENT, STYLE, model=fast.load_fast_model(str(models["keras"])))
    assert not out.exists()


def _bad_models(folder, models):
    corrupt_keras = folder / "corrupt.keras"
    corrupt_keras.write_bytes(models["keras"].read_bytes()[:500])
    corrupt_lite = folder / "corrupt.tflite"
    corrupt_lite.write_bytes(b"TFL3 but not really a flatbuffer")
    other = folder / "other.keras"
    keras.Sequential([keras.Input((10,)), keras.layers.Dense(2)]).save(other)
    return [
        (folder / "missing.keras", "no such model file"),
        (corrupt_keras, "not a Keras model file"),
        (corrupt_lite, "not a loadable TensorFlow Lite model"),
        (other, "not an image-to-image style network"),
    ]


def test_missing_corrupt_or_other_model_files_are_one_line_errors(models, tmp_path, capsys):
    for path, message in _bad_models(tmp_path, models):
        out = tmp_path / "out.png"
        assert cli.main(["fast", str(CONTENT), "--model", str(path), "-o", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("nst fast: error:") and message in err and err.count("\n") == 1, err
        assert "Traceback" not in err and not out.exists()
        with pytest.raises(ModelError, match=message):
            fast.load_fast_model(str(path))


@pytest.mark.fast_models
def test_magentas_lite_network_is_not_taken_for_a_trained_one(lite_model):
    from conftest import shared_models_dir

    with pytest.raises(ModelError, match="not a style network trained by nst train"):
        fast.load_fast_model(str(shared_models_dir() / "style_transfer_f16_384.tflite"))


def test_no_style_and_no_trained_model_is_a_one_line_error(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("NST_FAST_MODEL", raising=False)
    assert cli.main(["fast", str(CONTENT), "-o", str(tmp_path / "out.png")]) == 2
    assert "give a STYLE image" in capsys.readouterr().err


def test_too_large_an_image_for_memory_is_refused_before_painting(models, monkeypatch):
    model = fast.load_fast_model(str(models["float16"]))
    monkeypatch.setenv("NST_MEMORY_LIMIT_MB", "1")
    with pytest.raises(OptionError, match="for the network's one pass"):
        model.paint(np.zeros((512, 512, 3), np.float32))


def test_video_fast_mode_uses_a_trained_model(models):
    from nst_core.video.stylize import stylize_video

    frames = [load_image(CONTENT, 64)] * 3
    result = stylize_video(frames, None, mode="fast", fast_model=str(models["float16"]), fast_blend=0.0)
    expected = fast.load_fast_model(str(models["float16"])).paint(frames[0])
    assert len(result.frames) == 3
    np.testing.assert_allclose(result.frames[2], expected, atol=1e-6)
    with pytest.raises(OptionError, match="paints its own style"):
        stylize_video(frames, STYLE, mode="fast", fast_model=str(models["float16"]))


def test_the_strength_slider_takes_a_trained_model(models):
    pytest.importorskip("ipywidgets")
    from nst_core.notebook.fast import StrengthSlider

    model = fast.load_fast_model(str(models["keras"]))
    slider = StrengthSlider(CONTENT, model=model, size=64, strength=0.0)
    np.testing.assert_allclose(slider.result, load_image(CONTENT, 64), atol=1e-6)
    slider.slider.value = 1.0
    np.testing.assert_allclose(slider.result, model.paint(load_image(CONTENT, 64)), atol=1e-6)


def test_a_trained_network_paints_only_inside_its_mask(models, tmp_path):
    photo = load_image(CONTENT, 64)
    height, width = photo.shape[:2]
    left = np.zeros((height, width), np.uint8)
    left[:, : width // 2] = 255
    mask = tmp_path / "left.png"
    Image.fromarray(left).save(mask)
    out = tmp_path / "out.png"
    args = ["fast", str(CONTENT), "--model", str(models["keras"]), "--style-masks", str(mask)]
    assert cli.main([*args, "--mask-feather", "0", "--size", "64", "-o", str(out)]) == 0
    result = load_image(out)
    painted = fast.load_fast_model(str(models["keras"])).paint(photo)
    right, inside = slice(width // 2 + 2, None), slice(0, width // 2 - 2)
    assert np.abs(result[:, right] - photo[:, right]).max() < 2 / 255  # the photo, 8-bit rounded
    assert np.abs(result[:, inside] - painted[:, inside]).max() < 2 / 255
    assert np.abs(painted[:, inside] - photo[:, inside]).mean() > 0.05  # the network did paint there


def test_a_deeper_network_exports_and_paints_any_size_it_can_and_refuses_smaller(tmp_path):
    keras.utils.set_random_seed(4)
    files = export_network(build_style_network(width=0.25, downsamplings=3), tmp_path, kinds=("keras", "float16"))
    for path in files.values():
        model = fast.load_fast_model(str(path))
        for height, width in [(17, 23), (37, 53), (64, 48)]:
            assert model.paint(np.full((height, width, 3), 0.5, np.float32)).shape == (height, width, 3)
    keras_model = fast.load_fast_model(str(files["keras"]))
    assert keras_model.paint(np.full((9, 12, 3), 0.5, np.float32)).shape == (9, 12, 3)
    with pytest.raises(OptionError, match="the network needs at least 9 px on each side"):
        keras_model.paint(np.full((8, 12, 3), 0.5, np.float32))
