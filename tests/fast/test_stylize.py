"""``fast_stylize`` on the real Lite model.

Style statistics, strength, blends, colours, and its uses elsewhere (``init="fast"``, the
notebook's strength slider).
"""

from __future__ import annotations

import numpy as np
import pytest

import nst_core
from conftest import shared_models_dir
from nst_core import fast
from nst_core.engine.choices import DEFAULT_STYLE_LAYERS
from nst_core.engine.losses import gram_matrix
from nst_core.engine.vgg import VGGFeatures
from nst_core.errors import OptionError
from nst_core.image.io import load_image

from ..helpers import CONTENT, STYLE, STYLE_2


def _style_distance(image, style, extractor):
    a, b = extractor(image[None]), extractor(style[None])
    return sum(float(np.mean((gram_matrix(a[n]) - gram_matrix(b[n])) ** 2)) for n in DEFAULT_STYLE_LAYERS)


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
    assert ui.picture.layout.width == "96px"  # shown at its own size, not stretched and blurred
