"""Fast arbitrary stylisation: the Lite back end on the real Magenta models, the Hub back end
on a tiny SavedModel built here (the real loading and graph-splitting code runs, offline)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

import nst_core
from conftest import shared_models_dir
from nst_core import fast
from nst_core.engine.choices import DEFAULT_STYLE_LAYERS
from nst_core.engine.losses import gram_matrix
from nst_core.engine.vgg import VGGFeatures
from nst_core.errors import ModelError, OptionError
from nst_core.image.io import load_image

from .fake_hub import build_fake_hub_model

IMAGES = Path(__file__).resolve().parents[2] / "images"
CONTENT, STYLE, STYLE_2 = IMAGES / "tubingen.jpg", IMAGES / "starry_night.jpg", IMAGES / "the_scream.jpg"
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


def _style_distance(image, style, extractor):
    a, b = extractor(image[None]), extractor(style[None])
    return sum(float(np.mean((gram_matrix(a[n]) - gram_matrix(b[n])) ** 2)) for n in DEFAULT_STYLE_LAYERS)


@pytest.mark.fast_models
@pytest.mark.parametrize("size", [100, 480])  # smaller than one 384 px tile; several tiles
def test_lite_keeps_size_and_range_of_non_square_content(lite_model, size):
    content = load_image(CONTENT, size)
    assert content.shape[0] != content.shape[1]
    image = lite_model.transfer(content, lite_model.style_vector(load_image(STYLE, 200)))
    assert image.shape == content.shape and image.dtype == np.float32
    assert 0.0 <= image.min() and image.max() <= 1.0
    assert np.abs(image - content).mean() > 0.05  # it did paint something


@pytest.mark.fast_models
def test_lite_tiles_have_no_seams(lite_model):
    content = load_image(CONTENT, 700)  # 525x700: 2x3 tiles
    image = lite_model.transfer(content, lite_model.style_vector(load_image(STYLE, 256)))
    for axis in (0, 1):  # the seams between rows of tiles, then between columns
        # the mean jump between neighbour rows (columns) of pixels
        jumps = np.abs(np.diff(image, axis=axis)).mean(axis=(1, 2) if axis == 0 else (0, 2))
        starts = fast._tile_starts(content.shape[axis], lite_model.tile)
        # Where a tile meets the next one (the next one's first pixel, this one's last) the
        # picture is no sharper than elsewhere: 1.2x the median here; tiles averaged without
        # feathering give 1.7-2x, a hard cut 2.5-3x.
        edges = [s - 1 for s in starts[1:]] + [s + lite_model.tile - 1 for s in starts[:-1]]
        assert len(edges) == 2 * (len(starts) - 1) == (2 if axis == 0 else 4)
        for edge in edges:
            assert jumps[edge] < 1.5 * np.median(jumps), (axis, edge)


@pytest.mark.fast_models
@pytest.mark.vgg19
def test_lite_style_statistics_are_closer_to_the_style_than_the_contents_are(lite_model):
    content, style = load_image(CONTENT, 256), load_image(STYLE, 256)
    image = fast.fast_stylize(content, style, model=lite_model)
    extractor = VGGFeatures(DEFAULT_STYLE_LAYERS)
    assert _style_distance(image, style, extractor) < 0.8 * _style_distance(content, style, extractor)


@pytest.mark.fast_models
@pytest.mark.vgg19
def test_strength_zero_keeps_the_content_look(lite_model):
    content = load_image(CONTENT, 256)
    full = fast.fast_stylize(content, STYLE, model=lite_model)
    none = fast.fast_stylize(content, STYLE, model=lite_model, strength=0.0)
    extractor = VGGFeatures(DEFAULT_STYLE_LAYERS)
    assert _style_distance(none, content, extractor) < 0.3 * _style_distance(full, content, extractor)
    assert np.abs(none.mean((0, 1)) - content.mean((0, 1))).max() < 0.06  # the content's colours


@pytest.mark.fast_models
def test_blend_one_to_zero_equals_the_single_style(lite_model):
    content = load_image(CONTENT, 128)
    single = fast.fast_stylize(content, STYLE, model=lite_model)
    blended = fast.fast_stylize(content, [STYLE, STYLE_2], model=lite_model, blend_weights=[1, 0])
    half = fast.fast_stylize(content, [STYLE, STYLE_2], model=lite_model, blend_weights=[1, 1])
    np.testing.assert_allclose(blended, single, atol=1e-5)
    assert np.abs(half - single).mean() > 0.01


@pytest.mark.fast_models
def test_luminance_preservation_keeps_the_content_colours(lite_model):
    content = load_image(CONTENT, 128)
    image = fast.fast_stylize(content, STYLE, model=lite_model, preserve_colors="luminance")
    yiq, ref = nst_core.engine.color.rgb_to_yiq(image), nst_core.engine.color.rgb_to_yiq(content)
    assert np.abs(yiq[..., 1:] - ref[..., 1:]).mean() < 0.02


@pytest.mark.fast_models
def test_model_is_cached_and_found_through_the_environment(lite_model, monkeypatch):
    monkeypatch.delenv(fast.ENV_MODEL, raising=False)
    monkeypatch.setenv(fast.ENV_MODELS_DIR, str(shared_models_dir()))
    assert fast.load_fast_model() is lite_model
    monkeypatch.setenv(fast.ENV_MODEL, ",".join(str(shared_models_dir() / n) for n in reversed(LITE_FILES)))
    assert fast.load_fast_model().backend == "lite"


def test_hub_back_end_loads_a_saved_model_and_splits_it_at_the_style_vector(hub_folder):
    model = fast.load_fast_model(str(hub_folder))
    assert model.backend == "hub"
    content = load_image(CONTENT, 90)  # 68x90: any size goes through
    style = load_image(STYLE, 300)
    vector = model.style_vector(style)
    assert vector.shape == (fast.STYLE_DIM,) and vector.dtype == np.float32
    image = model.transfer(content, vector)
    assert image.shape == content.shape and 0.0 <= image.min() and image.max() <= 1.0
    # The two halves compose to exactly what the whole SavedModel computes.
    whole = tf.saved_model.load(str(hub_folder))(content[None], fast._square_style(style)[None])[0][0]
    np.testing.assert_allclose(image, whole.numpy(), atol=1e-5)


def test_hub_strength_and_blend(hub_folder, monkeypatch):
    monkeypatch.setenv(fast.ENV_MODEL, str(hub_folder))
    model = fast.load_fast_model()
    assert model.backend == "hub"
    content = load_image(CONTENT, 64)
    own_look = model.transfer(content, model.style_vector(content))
    np.testing.assert_allclose(fast.fast_stylize(content, STYLE, strength=0.0), own_look, atol=1e-5)
    np.testing.assert_allclose(
        fast.fast_stylize(content, [STYLE, STYLE_2], blend_weights=[0, 3]),
        fast.fast_stylize(content, STYLE_2),
        atol=1e-5,
    )


def test_saved_model_without_style_bottleneck_is_refused(tmp_path):
    class Plain(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([1, None, None, 3]), tf.TensorSpec([1, 256, 256, 3])])
        def __call__(self, content, style):
            return [content * 0.5 + tf.reduce_mean(style)]

    tf.saved_model.save(Plain(), str(tmp_path / "plain"))
    with pytest.raises(ModelError, match="bottleneck"):
        fast.load_fast_model(str(tmp_path / "plain"))


def test_bad_model_locations_raise_model_error(tmp_path):
    with pytest.raises(ModelError, match="no such model"):
        fast.load_fast_model(str(tmp_path / "missing"))
    with pytest.raises(ModelError, match="neither"):
        fast.load_fast_model(str(tmp_path))  # an empty folder
    bad = tmp_path / "bad"
    bad.mkdir()
    for name in LITE_FILES:
        (bad / name).write_bytes(b"not a flatbuffer")
    with pytest.raises(ModelError, match="not a loadable TensorFlow Lite model"):
        fast.load_fast_model(str(bad))
    (tmp_path / "saved_model.pb").write_bytes(b"garbage")
    with pytest.raises(ModelError, match="could not load"):
        fast.load_fast_model(str(tmp_path), backend="hub")
    with pytest.raises(OptionError, match="backend"):
        fast.load_fast_model(str(tmp_path), backend="gpu")


@pytest.mark.fast_models
def test_bad_options_raise_option_error(lite_model):
    with pytest.raises(OptionError, match="strength"):
        fast.fast_stylize(CONTENT, STYLE, model=lite_model, strength=1.5)
    with pytest.raises(OptionError, match="blend weights"):
        fast.fast_stylize(CONTENT, [STYLE, STYLE_2], model=lite_model, blend_weights=[1])


@pytest.mark.fast_models
@pytest.mark.vgg19
def test_fast_init_starts_the_optimisation_from_the_fast_result(lite_model, monkeypatch):
    monkeypatch.delenv(fast.ENV_MODEL, raising=False)
    monkeypatch.setenv(fast.ENV_MODELS_DIR, str(shared_models_dir()))
    start = nst_core.stylize(CONTENT, STYLE, size=64, steps=0, init="fast")
    expected = fast.fast_stylize(load_image(CONTENT, 64), load_image(STYLE, 64), model=lite_model)
    np.testing.assert_allclose(start.image, expected, atol=1e-5)
    refined = nst_core.stylize(CONTENT, STYLE, size=64, steps=3, init="fast")
    assert refined.loss < start.history["total"][0]  # and the optimisation goes on from there


@pytest.mark.fast_models
def test_strength_slider_updates_the_picture(lite_model):
    from nst_core.notebook.fast import StrengthSlider

    ui = StrengthSlider(CONTENT, STYLE, model=lite_model, size=96, strength=1.0)
    full, png = ui.result.copy(), ui.picture.value
    ui.slider.value = 0.0  # as a user dragging it
    assert ui.picture.value != png
    np.testing.assert_allclose(
        ui.result, fast.fast_stylize(ui.content, STYLE, model=lite_model, strength=0.0), atol=1e-5
    )
    assert not np.allclose(ui.result, full)
