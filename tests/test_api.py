"""What a user of ``stylize`` relies on, at 64-96 px with the real VGG19 weights."""

import weakref

import numpy as np
import PIL.Image
import pytest

import nst_core
from nst_core.engine import color
from nst_core.engine.choices import DEFAULT_STYLE_LAYERS
from nst_core.engine.losses import gram_matrix
from nst_core.engine.vgg import VGGFeatures
from nst_core.errors import OptionError
from nst_core.image.io import resize

from .helpers import CONTENT, STYLE, STYLE_2

# Every test but the option checks runs VGG19; they are quick, and marked with the rest.
pytestmark = pytest.mark.vgg19
SMALL = {"size": 64, "steps": 8}


@pytest.mark.parametrize("optimizer", ["lbfgs", "adam"])
def test_total_loss_falls(optimizer):
    result = nst_core.stylize(CONTENT, STYLE, optimizer=optimizer, **SMALL)
    total = result.history["total"]
    assert len(total) == 8 and result.steps == 8
    assert result.loss < 0.8 * total[0]
    assert result.image.shape == (48, 64, 3) and 0 <= result.image.min() and result.image.max() <= 1


def _style_distance(image, style, extractor):
    a, b = extractor(image[None]), extractor(style[None])
    return sum(float(np.mean((gram_matrix(a[n]) - gram_matrix(b[n])) ** 2)) for n in DEFAULT_STYLE_LAYERS)


def test_style_statistics_move_toward_the_style():
    result = nst_core.stylize(CONTENT, STYLE, **SMALL)
    content = nst_core.load_image(CONTENT, 64)
    style = nst_core.load_image(STYLE, 64)
    extractor = VGGFeatures(DEFAULT_STYLE_LAYERS)
    assert _style_distance(result.image, style, extractor) < 0.5 * _style_distance(content, style, extractor)


def test_style_loss_falls_faster_with_a_larger_style_weight():
    def relative_style_drop(weight):
        history = nst_core.stylize(CONTENT, STYLE, style_weight=weight, **SMALL).history["style"]
        return history[-1] / history[0]

    assert relative_style_drop(1.0) < relative_style_drop(1e-3)


def test_luminance_colour_preservation_keeps_the_content_chroma():
    content = nst_core.load_image(CONTENT, 64)
    kept = nst_core.stylize(CONTENT, STYLE, preserve_colors="luminance", **SMALL).image
    plain = nst_core.stylize(CONTENT, STYLE, **SMALL).image

    def chroma(image):
        return color.rgb_to_yiq(image)[..., 1:].mean(axis=(0, 1))

    kept_error = np.abs(chroma(kept) - chroma(content)).max()
    assert kept_error < 0.01
    assert kept_error < np.abs(chroma(plain) - chroma(content)).max()


def test_histogram_matching_gives_the_content_palette():
    content = nst_core.load_image(CONTENT, 64)
    style = nst_core.load_image(STYLE, 64)
    matched = color.match_color_histogram(style, content)
    np.testing.assert_allclose(matched.reshape(-1, 3).mean(0), content.reshape(-1, 3).mean(0), atol=0.02)
    cov = np.cov(matched.reshape(-1, 3), rowvar=False)
    np.testing.assert_allclose(cov, np.cov(content.reshape(-1, 3), rowvar=False), atol=0.005)
    result = nst_core.stylize(CONTENT, STYLE, preserve_colors="histogram", size=64, steps=2)
    assert result.image.shape == content.shape


def test_a_seed_repeats_the_result_exactly():
    first = nst_core.stylize(CONTENT, STYLE, init="noise", seed=3, size=64, steps=4).image
    again = nst_core.stylize(CONTENT, STYLE, init="noise", seed=3, size=64, steps=4).image
    other = nst_core.stylize(CONTENT, STYLE, init="noise", seed=4, size=64, steps=4).image
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_blend_one_to_zero_equals_the_single_style():
    single = nst_core.stylize(CONTENT, STYLE, size=64, steps=4)
    blended = nst_core.stylize(CONTENT, [STYLE, STYLE_2], style_blend_weights=(1, 0), size=64, steps=4)
    np.testing.assert_array_equal(blended.image, single.image)
    mixed = nst_core.stylize(CONTENT, [STYLE, STYLE_2], style_blend_weights=(1, 1), size=64, steps=4)
    assert not np.array_equal(mixed.image, single.image)


def test_init_chooses_the_start_image():
    content = nst_core.load_image(CONTENT, 64)

    def start(init, **options):  # no steps: the result is the start image
        return nst_core.stylize(CONTENT, STYLE, init=init, size=64, steps=0, **options).image

    def squeezed(image):
        return resize(image, content.shape[:2])

    np.testing.assert_allclose(start("content"), content, atol=1e-6)
    # the style image squeezed to the content's shape, as loaded for the run (style_scale too)
    np.testing.assert_allclose(start("style"), squeezed(nst_core.load_image(STYLE, 64)), atol=1e-6)
    np.testing.assert_allclose(start("style", style_scale=0.5), squeezed(nst_core.load_image(STYLE, 32)), atol=1e-6)
    # any other image, from its full resolution
    np.testing.assert_allclose(start(STYLE_2), squeezed(nst_core.load_image(STYLE_2)), atol=1e-6)
    # uniform noise in [0, 1], nothing of the content, the same for the same seed
    noise = start("noise", seed=3)
    assert noise.shape == content.shape and 0 <= noise.min() and noise.max() <= 1
    assert abs(noise.mean() - 0.5) < 0.02 and abs(noise.std() - 12**-0.5) < 0.02
    assert abs(np.corrcoef(noise.ravel(), content.ravel())[0, 1]) < 0.05
    np.testing.assert_array_equal(start("noise", seed=3), noise)
    assert not np.array_equal(start("noise", seed=4), noise)


def test_a_run_goes_on_from_the_start_image():
    start = resize(nst_core.load_image(STYLE_2), (48, 64))
    content = nst_core.load_image(CONTENT, 64)
    image = nst_core.stylize(CONTENT, STYLE, init=STYLE_2, style_scale=0.5, size=64, steps=2).image
    assert image.shape == (48, 64, 3)
    assert np.abs(image - start).mean() < np.abs(image - content).mean()


def test_callback_sees_progress_and_can_stop_the_run():
    seen = []

    def callback(progress):
        seen.append((progress.step, progress.image.shape, sorted(progress.losses)))
        return progress.step < 4

    result = nst_core.stylize(CONTENT, STYLE, callback=callback, callback_every=2, size=64, steps=10)
    assert [s[0] for s in seen] == [2, 4]
    assert seen[0][1] == (48, 64, 3) and seen[0][2] == ["content", "style", "total", "tv"]
    assert result.stopped == "callback" and result.steps == 4


def test_ctrl_c_returns_the_best_image_so_far():
    def callback(progress):
        if progress.step == 3:
            raise KeyboardInterrupt

    result = nst_core.stylize(CONTENT, STYLE, callback=callback, callback_every=1, size=64, steps=10)
    assert result.stopped == "interrupted" and result.steps == 3
    assert result.loss == pytest.approx(min(result.history["total"]))


def test_ctrl_c_during_the_first_step_counts_no_steps(monkeypatch):
    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr("nst_core.engine.lbfgs.LBFGS.step", interrupted)
    result = nst_core.stylize(CONTENT, STYLE, size=64, steps=10)
    assert result.stopped == "interrupted" and result.steps == 0
    assert np.array_equal(result.image, nst_core.load_image(CONTENT, 64))  # the start image, unchanged


def test_result_saves_a_valid_image(tmp_path):
    result = nst_core.stylize(CONTENT, STYLE, size=64, steps=1)
    path = result.save(tmp_path / "out.jpg")
    assert nst_core.load_image(path).shape == (48, 64, 3)
    assert result._repr_png_().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"steps": -1}, "steps"),
        ({"size": 8}, "size"),
        ({"style_weight": -1.0}, "style_weight"),
        ({"style_layers": ("block1_conv1", "no_such_layer")}, "no_such_layer"),
        ({"optimizer": "sgd"}, "optimizer"),
        ({"preserve_colors": "sepia"}, "preserve_colors"),
        ({"style_blend_weights": (1.0, 1.0)}, "blend weights"),
        ({"colour": 1}, "unknown option"),
    ],
)
def test_bad_options_are_refused_before_any_work(options, message):
    with pytest.raises(OptionError, match=message):
        nst_core.stylize(CONTENT, STYLE, **options)


def test_too_thin_images_are_refused_clearly():
    with pytest.raises(OptionError, match="at least 16 px"):
        nst_core.stylize(np.zeros((20, 400, 3)), STYLE, size=200, steps=1)


def _same_run(kept, fresh):
    np.testing.assert_allclose(kept.history["total"], fresh.history["total"], rtol=1e-5)
    np.testing.assert_allclose(kept.image, fresh.image, atol=1e-5)


def test_the_sliced_loss_repeats_with_a_seed_also_in_a_kept_step():
    # Past SLICED_REDRAW_STEPS, so the kept objective ends the first run on other directions.
    sliced = {"style_loss": "sliced", "seed": 5, **SMALL, "steps": 12}
    fresh = nst_core.stylize(CONTENT, STYLE, **sliced)
    assert fresh.history["style"][-1] < 0.7 * fresh.history["style"][0]  # it moves toward the style
    stylizer = nst_core.Stylizer()
    # Its generator moves on by a run's worth of directions, and the next run's new style target
    # is set while those directions are still in place.
    stylizer(CONTENT, STYLE_2, **sliced)
    _same_run(stylizer(CONTENT, STYLE, **sliced), fresh)


@pytest.fixture
def built(monkeypatch):
    """The PixelOptimizers the api builds in a test (each one a step that is traced)."""
    from nst_core import api

    optimizers = []

    class Recorded(api.PixelOptimizer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            optimizers.append(self)

    monkeypatch.setattr(api, "PixelOptimizer", Recorded)
    return optimizers


def test_a_stylizer_reuses_its_step_and_matches_fresh_runs(built):
    """The notebook's Run button: new weights, styles, content and start, one traced step."""
    stylizer = nst_core.Stylizer()
    first = stylizer(CONTENT, STYLE, **SMALL)
    _same_run(first, nst_core.stylize(CONTENT, STYLE, **SMALL))
    # only a weight moves: the targets are kept, the result is still that of a fresh run
    _same_run(
        stylizer(CONTENT, STYLE, style_weight=0.1, **SMALL), nst_core.stylize(CONTENT, STYLE, style_weight=0.1, **SMALL)
    )
    changed = {
        "style_weight": 0.3,
        "content_weight": 2e3,
        "tv_weight": 1e3,
        "style_layer_weights": (1, 2, 3, 4, 5),
        "style_blend_weights": (1, 2),
        "preserve_colors": "luminance",
        "init": "noise",
        "seed": 3,
    }
    mirrored = nst_core.load_image(CONTENT, 64)[:, ::-1]  # another photo of the same size
    kept = stylizer(mirrored, [STYLE, STYLE_2], **changed, **SMALL)
    _same_run(kept, nst_core.stylize(mirrored, [STYLE, STYLE_2], **changed, **SMALL))
    assert stylizer.traces == 1
    # and back: nothing of the second run's targets or weights is left over
    _same_run(stylizer(CONTENT, STYLE, **SMALL), first)
    assert stylizer.traces == 1 and len(built) == 1 + 3  # one step for the stylizer's four runs, one per fresh run


def test_a_stylizer_reuses_the_steps_of_every_pyramid_scale(built):
    # nst batch paints one photo after another at the default two scales: no retrace per photo.
    pyramid = {"size": 128, "steps": 4, "pyramid_levels": 2}
    stylizer = nst_core.Stylizer()
    stylizer(CONTENT, STYLE, **pyramid)
    mirrored = nst_core.load_image(CONTENT, 128)[:, ::-1]
    kept = stylizer(mirrored, STYLE_2, style_weight=3.0, **pyramid)
    assert len(built) == 2 and stylizer.traces == 1  # one step per scale, each traced once
    _same_run(kept, nst_core.stylize(mirrored, STYLE_2, style_weight=3.0, **pyramid))


def test_a_kept_pyramid_refuses_a_style_too_small_for_its_coarse_scale():
    pyramid = {"size": 128, "steps": 2, "pyramid_levels": 2}
    thin = np.random.default_rng(0).random((24, 128, 3))  # fits at 128 px, not at the 64 px scale
    with pytest.raises(OptionError, match="style image is"):
        nst_core.stylize(CONTENT, thin, **pyramid)
    stylizer = nst_core.Stylizer()
    stylizer(CONTENT, STYLE, **pyramid)
    with pytest.raises(OptionError, match="style image is"):
        stylizer(CONTENT, thin, **pyramid)


@pytest.mark.parametrize(
    "change",
    [
        {"size": 72},
        {"optimizer": "adam"},
        {"learning_rate": 0.5},
        {"pooling": "avg"},
        {"style_layers": ("block1_conv1",)},
        {"content_layers": ("block3_conv2",)},
        {"precision": "float32"},  # from the default, mixed
    ],
)
def test_a_stylizer_starts_anew_when_the_step_would_differ(change):
    stylizer = nst_core.Stylizer()
    stylizer(CONTENT, STYLE, **SMALL)
    (kept,) = stylizer._optimizers.values()
    before = weakref.ref(kept._runner.s)  # the L-BFGS pairs: most of the state
    del kept
    options = {**SMALL, **change}
    result = stylizer(CONTENT, STYLE, **options)
    assert before() is None, "the previous run's state is still in memory"
    _same_run(result, nst_core.stylize(CONTENT, STYLE, **options))


def test_a_stylizer_refuses_a_bad_style_and_still_works():
    stylizer = nst_core.Stylizer()
    stylizer(CONTENT, STYLE, **SMALL)
    with pytest.raises(OptionError, match=r"style image is .*\(raise size or style_scale\)$"):
        stylizer(CONTENT, np.zeros((20, 400, 3)), **SMALL)
    with pytest.raises(OptionError, match=r"content image is .*\(raise size\)$"):  # style_scale cannot help
        stylizer(np.zeros((20, 400, 3)), STYLE, **SMALL)
    _same_run(stylizer(CONTENT, STYLE_2, **SMALL), nst_core.stylize(CONTENT, STYLE_2, **SMALL))


def test_a_stylizer_checks_memory_for_a_new_step_only_with_the_old_one_freed(monkeypatch):
    from nst_core import pipeline

    stylizer = nst_core.Stylizer()
    checked = []

    def check_memory(options, height_width):
        checked.append(stylizer.traces == 0)  # no step kept
        return options.lbfgs_history

    monkeypatch.setattr(pipeline, "check_memory", check_memory)
    stylizer(CONTENT, STYLE, **SMALL)
    stylizer(CONTENT, STYLE, style_weight=0.1, **SMALL)  # kept: it fitted, its state is allocated
    stylizer(CONTENT, STYLE, **{**SMALL, "size": 72})
    assert checked == [True, True]


def test_a_stylizer_computes_targets_only_for_new_images(monkeypatch):
    from nst_core.engine.objective import StyleObjective

    passes = []
    for method in ("set_styles", "set_content", "_rescale_style"):
        original = getattr(StyleObjective, method)

        def spy(self, *args, _original=original, _name=method, **kwargs):
            passes.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(StyleObjective, method, spy)
    stylizer = nst_core.Stylizer()
    stylizer(CONTENT, STYLE, **SMALL)
    passes.clear()  # a new objective computes its factor once
    stylizer(CONTENT, STYLE, style_weight=0.1, tv_weight=10.0, **SMALL)
    assert passes == []  # nor the VGG19 pass of the style term's factor at the photo
    stylizer(CONTENT, STYLE_2, **SMALL)
    assert [name for name in passes if name != "_rescale_style"] == ["set_styles"]


def test_the_sliced_loss_blends_styles_and_keeps_colours():
    result = nst_core.stylize(
        CONTENT,
        [STYLE, STYLE_2],
        style_loss="sliced",
        style_blend_weights=(3, 1),
        preserve_colors="luminance",
        pyramid_levels=2,
        size=128,
        steps=6,
    )
    assert result.steps == 6 + 3 and result.image.shape == (96, 128, 3)
    history = result.history["style"]
    assert history[-1] < history[0]


@pytest.mark.vgg19
def test_an_image_too_thin_for_the_layers_is_named(tmp_path):
    thin = tmp_path / "panorama.png"
    PIL.Image.fromarray(np.zeros((16, 1000, 3), np.uint8)).save(thin)
    with pytest.raises(OptionError, match=r"panorama\.png: the content image is 64x1 px at this size"):
        nst_core.stylize(thin, STYLE, size=64, steps=1)
