"""The speed options of the optimiser: XLA compilation, the L-BFGS step safeguard, one trace for many runs."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from nst_core import OptionError, StyleOptions, stylize
from nst_core.engine.optimize import PixelOptimizer, optimize_image
from nst_core.engine.vgg import VGGFeatures
from nst_core.pipeline import objective_at_scale, prepare_images

IMAGES = Path(__file__).resolve().parents[2] / "images"
CONTENT = str(IMAGES / "tubingen.jpg")
STYLE = str(IMAGES / "starry_night.jpg")


@pytest.fixture(scope="module")
def problem():
    options = StyleOptions(size=64)
    content, styles = prepare_images(CONTENT, STYLE, options)
    extractor = VGGFeatures(options.content_layers + options.style_layers)
    return objective_at_scale(options, extractor, content, styles, 64)[0], content


@pytest.mark.vgg19
@pytest.mark.parametrize("optimizer", ["lbfgs", "adam"])
def test_jit_and_no_jit_give_close_losses(problem, optimizer):
    objective, content = problem
    plain = optimize_image(objective, content, 5, optimizer=optimizer)
    jitted = optimize_image(objective, content, 5, optimizer=optimizer, jit_compile=True)
    assert jitted.best_loss < jitted.history["total"][0]
    np.testing.assert_allclose(jitted.history["total"], plain.history["total"], rtol=1e-2)


@pytest.mark.vgg19
def test_safeguard_keeps_a_too_large_step_from_raising_the_loss(problem):
    objective, content = problem
    # a step 30 times too long overshoots; the safeguard backtracks instead of keeping it
    guarded = optimize_image(objective, content, 12, learning_rate=30.0, lbfgs_safeguard=True)
    unguarded = optimize_image(objective, content, 12, learning_rate=30.0, lbfgs_safeguard=False)
    assert guarded.best_loss < 0.8 * guarded.history["total"][0]
    assert guarded.best_loss < unguarded.best_loss


def test_lbfgs_reaches_a_minimum_that_lies_on_the_pixel_bounds():
    # A badly scaled quadratic whose minimiser is outside [0, 1] for about half the pixels:
    # the answer is the target clipped to [0, 1]. L-BFGS that ignores the bounds keeps
    # planning steps the clipping then cuts, and stalls far from it.
    rng = np.random.default_rng(0)
    target = rng.uniform(-0.5, 1.5, (16, 16, 3)).astype(np.float32)
    scale = np.exp(rng.uniform(0.0, np.log(100.0), target.shape)).astype(np.float32)

    def objective(images):
        return {"total": tf.reduce_sum(scale * tf.square(images[0] - target))}

    run = optimize_image(objective, np.full(target.shape, 0.5, np.float32), 40)
    assert np.abs(run.image - np.clip(target, 0.0, 1.0)).max() < 0.01


def test_after_a_backtrack_lbfgs_keeps_its_steps_short_instead_of_overshooting_again():
    # A learning rate 30 times too long: every full quasi-Newton step overshoots. Backtracking
    # each one separately wastes every other evaluation and ends far above the bound below.
    rng = np.random.default_rng(0)
    target = rng.uniform(0.2, 0.8, (16, 16, 3)).astype(np.float32)
    scale = np.exp(rng.uniform(0.0, np.log(100.0), target.shape)).astype(np.float32)

    def objective(images):
        change = images[0] - target
        return {"total": tf.reduce_sum(scale * tf.square(change) + 50.0 * tf.square(tf.square(change)))}

    run = optimize_image(objective, np.full(target.shape, 0.5, np.float32), 40, learning_rate=30.0)
    assert run.best_loss < 0.005


@pytest.mark.vgg19
def test_lbfgs_gets_going_at_once_at_a_high_style_weight():
    # With the first step scaled by 1 / |g|_1 (as torch's L-BFGS does), the most-changed pixel
    # moves so little that the float32 gradient change gives no usable curvature pair, and 10
    # steps at a high style weight leave most of the loss.
    result = stylize(CONTENT, STYLE, size=64, steps=10, style_weight=100.0)
    assert result.loss < 0.4 * result.history["total"][0]


def test_lbfgs_stands_still_when_every_pixel_is_held_at_a_bound():
    # Nothing can move: the first step must be 0, not 0.01 / 0 (inf, then inf * 0 = NaN).
    def objective(images):
        return {"total": tf.reduce_sum(images)}

    run = optimize_image(objective, np.zeros((8, 8, 3), np.float32), 4, learning_rate=1e12)
    assert np.all(np.isfinite(run.history["total"])) and np.all(run.image == 0.0)


@pytest.mark.vgg19
def test_stylize_accepts_jit_and_rejects_non_boolean():
    result = stylize(CONTENT, STYLE, size=64, steps=3, jit_compile=True)
    assert result.loss < result.history["total"][0]
    with pytest.raises(OptionError, match="jit_compile"):
        StyleOptions(jit_compile="yes")


@pytest.mark.vgg19
@pytest.mark.parametrize(("optimizer", "learning_rate"), [("lbfgs", None), ("lbfgs", 30.0), ("adam", None)])
def test_a_reused_optimizer_repeats_a_fresh_run_without_tracing_again(problem, optimizer, learning_rate):
    # learning rate 30: the first run backtracks, and leaves a shortened step cap behind too
    objective, content = problem
    fresh = optimize_image(objective, content, 4, optimizer=optimizer, learning_rate=learning_rate)
    reused = PixelOptimizer(objective, content.shape, optimizer, learning_rate)
    reused.run(content, 8)  # a longer first run leaves curvature pairs and moments behind
    again = reused.run(content, 4)
    np.testing.assert_allclose(again.history["total"], fresh.history["total"], rtol=1e-5)
    np.testing.assert_allclose(again.image, fresh.image, atol=1e-5)
    assert reused.traces == 1
    with pytest.raises(OptionError, match="shape"):
        reused.run(content[:32], 1)


def test_adam_is_the_tf_tutorials_keras_adam_with_clipping():
    rng = np.random.default_rng(1)
    target = rng.uniform(-0.5, 1.5, (8, 8, 3)).astype(np.float32)

    def objective(images):
        return {"total": tf.reduce_sum(tf.square(images[0] - target) * tf.range(1.0, 4.0))}

    ours = optimize_image(objective, np.full(target.shape, 0.5, np.float32), 30, optimizer="adam", learning_rate=0.05)
    image = tf.Variable(np.full(target.shape, 0.5, np.float32))
    keras_adam = keras.optimizers.Adam(learning_rate=0.05, beta_1=0.99, epsilon=2e-11)  # ours, see _Adam
    losses = []
    for _ in range(30):
        with tf.GradientTape() as tape:
            loss = objective(image[None])["total"]
        losses.append(float(loss))
        keras_adam.apply_gradients([(tape.gradient(loss, image), image)])
        image.assign(tf.clip_by_value(image, 0.0, 1.0))
    np.testing.assert_allclose(ours.history["total"], losses, rtol=1e-5)


def test_the_history_records_the_kept_image_not_a_rejected_trial():
    # A learning rate 30 times too long makes L-BFGS backtrack often; the loss the user sees
    # (the plot, the progress bar) is that of the image kept, which never rises.
    rng = np.random.default_rng(0)
    target = rng.uniform(0.2, 0.8, (16, 16, 3)).astype(np.float32)

    def objective(images):
        change = images[0] - target
        return {"total": tf.reduce_sum(tf.square(change) + 50.0 * tf.square(tf.square(change)))}

    run = optimize_image(objective, np.full(target.shape, 0.5, np.float32), 30, learning_rate=30.0)
    total = run.history["total"]
    assert np.all(np.diff(total) <= 1e-6 * total[:-1])
    assert run.best_loss == pytest.approx(total.min())


@pytest.mark.parametrize("optimizer", ["lbfgs", "adam"])
def test_a_loss_that_turns_nan_stops_the_run_with_the_best_finite_image(optimizer):
    target = np.full((16, 16, 3), 0.8, np.float32)
    calls = tf.Variable(0)

    def objective(images):
        calls.assign_add(1)
        loss = tf.reduce_sum(tf.square(images[0] - target))
        return {"total": tf.where(calls > 4, tf.constant(np.nan, tf.float32), loss)}

    seen = []
    run = optimize_image(
        objective, np.full(target.shape, 0.5, np.float32), 20, optimizer=optimizer, callback=seen.append
    )
    assert run.stopped == "diverged" and run.steps < 20
    assert np.isfinite(run.image).all() and np.isfinite(run.best_loss)
    assert all(np.isfinite(progress.image).all() for progress in seen)
