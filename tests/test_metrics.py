"""The quality numbers a user reads after a run (nst_core.metrics), on the real models."""

import numpy as np
import pytest

import nst_core
from nst_core import metrics
from nst_core.image.io import load_image, resize, save_image

from .helpers import CONTENT, STYLE, STYLE_2

SIZE = 96


@pytest.fixture(scope="module")
def images():
    """The photo and the painting at SIZE px, rounded to 8 bits as files hold them."""
    return tuple(np.round(load_image(path, SIZE) * 255) / 255 for path in (CONTENT, STYLE))


@pytest.mark.vgg19
def test_an_image_is_at_distance_zero_from_itself(images):
    content, style = images
    assert metrics.style_distance(style, style) == pytest.approx(0.0, abs=1e-6)
    assert metrics.content_distance(content, content) == pytest.approx(0.0, abs=1e-6)
    assert metrics.sliced_wasserstein_distance(style, style) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.vgg19
def test_the_photo_is_far_from_the_style_and_a_mix_is_between(images):
    content, style = images
    mixed = 0.5 * content + 0.5 * resize(style, content.shape[:2])
    assert metrics.style_distance(content, style) > metrics.style_distance(mixed, style) > 0
    assert metrics.content_distance(mixed, content) > 0
    assert metrics.sliced_wasserstein_distance(content, style) > metrics.sliced_wasserstein_distance(mixed, style)


@pytest.mark.fast_models
def test_the_judge_gives_1_for_the_photo_and_0_for_the_style(images):
    content, style = images
    assert metrics.style_judge(content, content, style) == pytest.approx(1.0)
    # The style brought to the output's size and squeezed, as the judge does with its reference.
    squeezed = resize(style, content.shape[:2])
    assert metrics.style_judge(squeezed, content, style) < 0.3


@pytest.mark.fast_models
@pytest.mark.vgg19
def test_several_styles_are_measured_against_their_blend(images):
    content, style = images
    scream = load_image(STYLE_2, SIZE)
    # All the weight on the first style: the same numbers as that style alone.
    assert metrics.style_distance(content, [style, scream], [1, 0]) == pytest.approx(
        metrics.style_distance(content, style), rel=1e-5
    )
    assert metrics.style_judge(content, content, [style, scream], [1, 0]) == pytest.approx(1.0)


@pytest.mark.fast_models
@pytest.mark.vgg19
def test_result_quality_reports_every_number():
    result = nst_core.stylize(CONTENT, STYLE, size=64, steps=5)
    report = result.quality()
    assert report.style_judge is not None
    numbers = report.as_dict()
    assert set(numbers) == {"style_distance", "content_distance", "style_judge", "sliced_wasserstein"}
    assert all(np.isfinite(v) and v >= 0 for v in numbers.values())
    assert "style distance" in str(report) and "style judge" in str(report)
    assert report.content_distance == pytest.approx(metrics.content_distance(result.image, CONTENT), rel=1e-5)


@pytest.mark.fast_models
@pytest.mark.vgg19
def test_a_result_and_its_saved_file_measure_the_same(images, tmp_path):
    # What a user reads after a run (nst --report, Result.quality) must be the file's numbers:
    # the judge moves by up to about 0.015 when an image is rounded to 8 bits.
    content, style = images
    painted = np.clip(0.6 * content + 0.4 * resize(style, content.shape[:2]) + 0.0017, 0, 1).astype(np.float32)
    saved = save_image(painted, tmp_path / "out.png")
    from_memory = metrics.quality(painted, content, style).as_dict()
    assert from_memory == pytest.approx(metrics.quality(saved, content, style).as_dict(), rel=1e-5)
    # Each measure on its own too (nst batch's records call them one by one).
    for measure in (metrics.style_distance, metrics.sliced_wasserstein_distance):
        assert measure(painted, style) == pytest.approx(measure(saved, style), rel=1e-5)
    assert metrics.content_distance(painted, content) == pytest.approx(
        metrics.content_distance(saved, content), rel=1e-5
    )
    assert metrics.style_judge(painted, content, style) == pytest.approx(
        metrics.style_judge(saved, content, style), rel=1e-5
    )


@pytest.mark.fast_models
@pytest.mark.vgg19
def test_bad_inputs_are_one_line_errors(images):
    content, style = images
    # a 16 px result: the painting at its size is too small for VGG19's five blocks
    with pytest.raises(nst_core.OptionError, match=r"the painting at the result's size is 16x\d+ px"):
        metrics.style_distance(np.zeros((16, 16, 3), np.float32), STYLE)
    with pytest.raises(nst_core.OptionError, match="at least one style image"):
        metrics.style_judge(content, content, [])
    with pytest.raises(nst_core.OptionError, match="same style"):
        metrics.style_judge(content, content, content)
