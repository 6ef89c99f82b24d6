"""Coarse-to-fine optimisation (nst_core.engine.pyramid) and its options, with the real VGG19."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from nst_core import OptionError, StyleOptions, stylize
from nst_core.cli import build_parser, options_from_args
from nst_core.engine.pyramid import pyramid_sizes, pyramid_steps
from nst_core.engine.vgg import VGGFeatures
from nst_core.pipeline import objective_at_scale, prepare_images

IMAGES = Path(__file__).resolve().parents[2] / "images"
CONTENT = str(IMAGES / "tubingen.jpg")
STYLE = str(IMAGES / "starry_night.jpg")


def test_sizes_double_up_to_the_full_size():
    assert pyramid_sizes(512, 1) == [512]
    assert pyramid_sizes(512, 3) == [128, 256, 512]
    assert pyramid_sizes(512, 3, start_size=200) == [200, 320, 512]
    # scales too small for VGG19's deep layers are dropped
    assert pyramid_sizes(128, 4) == [64, 128]
    # the default: a half-size start where it keeps 64 px
    assert pyramid_sizes(512, None) == [256, 512]
    assert pyramid_sizes(96, None) == [96]


def test_steps_are_full_at_coarse_scales_and_fewer_at_the_finest():
    assert pyramid_steps(100, 1) == [100]
    assert pyramid_steps(100, 3) == [100, 100, 50]


def test_bad_pyramid_options_are_rejected():
    with pytest.raises(OptionError, match="pyramid_levels"):
        StyleOptions(pyramid_levels=0)
    with pytest.raises(OptionError, match="pyramid_start_size"):
        StyleOptions(size=256, pyramid_start_size=300)


def _loss_at_full_size(options: StyleOptions, image: np.ndarray) -> float:
    content, styles = prepare_images(CONTENT, STYLE, options)
    extractor = VGGFeatures(options.content_layers + options.style_layers)
    objective, _ = objective_at_scale(options, extractor, content, styles, options.size)
    return float(objective(tf.constant(image[None]))["total"]), content


@pytest.mark.vgg19
def test_pyramid_gives_a_full_size_image_better_than_its_start():
    seen = []
    result = stylize(CONTENT, STYLE, size=128, steps=8, pyramid_levels=2, callback=seen.append, callback_every=1)
    result_loss, content = _loss_at_full_size(result.options, result.image)
    init_loss, _ = _loss_at_full_size(result.options, content)
    assert result.image.shape == content.shape
    assert 0.0 <= result.image.min() and result.image.max() <= 1.0
    assert result_loss < init_loss
    # progress counts the steps of every scale: 8 at 64 px, then 4 at 128 px
    assert [p.step for p in seen] == list(range(1, 13))
    assert {p.steps for p in seen} == {12}
    assert result.steps == 12 and len(result.history["total"]) == 4  # the history is the full size's
    assert seen[0].image.shape[0] < seen[-1].image.shape[0]


@pytest.mark.vgg19
def test_a_stop_at_a_coarse_scale_still_returns_a_full_size_image():
    result = stylize(
        CONTENT, STYLE, size=128, steps=6, pyramid_levels=2, callback=lambda p: p.step < 2, callback_every=1
    )
    content, _ = prepare_images(CONTENT, STYLE, result.options)
    assert result.stopped == "callback"
    assert result.image.shape == content.shape


@pytest.mark.vgg19
def test_a_pyramid_too_small_for_its_levels_says_so():
    with pytest.warns(UserWarning, match="pyramid_levels=3 at size 64: .* so 1 scale"):
        result = stylize(CONTENT, STYLE, size=64, steps=1, pyramid_levels=3)
    assert result.steps == 1


@pytest.mark.vgg19
def test_the_default_pyramid_fits_itself_to_the_size_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        small = stylize(CONTENT, STYLE, size=64, steps=2)  # one scale: no room for a half-size start
        large = stylize(CONTENT, STYLE, size=128, steps=2)  # 64 px, then 128 px
    assert small.steps == 2 and large.steps == 2 + 1


def test_cli_pyramid_flags_reach_the_options():
    args = build_parser().parse_args(["c.jpg", "s.jpg", "--pyramid", "3", "--jit", "--no-lbfgs-safeguard"])
    options = options_from_args(args)
    assert options.pyramid_levels == 3
    assert options.jit_compile is True
    assert options.lbfgs_safeguard is False


def test_the_020_call_of_optimize_pyramid_still_works_with_a_deprecation_warning():
    from nst_core.engine.optimize import PixelOptimizer
    from nst_core.engine.pyramid import optimize_pyramid, run_pyramid

    def objective(image):  # a picture pulled towards grey 0.3
        total = tf.reduce_mean(tf.square(image - 0.3))
        return {"total": total, "content": total, "style": 0.0 * total, "tv": 0.0 * total}

    def make_objective(size):
        return objective, (size * 3 // 4, size)

    init = np.random.default_rng(0).random((24, 32, 3)).astype(np.float32)
    settings = {"optimizer": "adam", "learning_rate": 0.05}
    with pytest.warns(DeprecationWarning, match="run_pyramid"):
        old = optimize_pyramid(make_objective, init, [16, 32], [3, 3], **settings)
    optimizers = [PixelOptimizer(objective, (size * 3 // 4, size, 3), **settings) for size in (16, 32)]
    new = run_pyramid(optimizers, init, [3, 3])
    np.testing.assert_allclose(old.image, new.image, atol=1e-6)
    assert old.steps == new.steps == 6 and old.image.shape == init.shape
