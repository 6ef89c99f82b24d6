"""The precision option: VGG19 in bfloat16 / float16 gives the float32 losses and finite gradients."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from nst_core import OptionError, StyleOptions, stylize
from nst_core.cli import build_parser, main, options_from_args
from nst_core.engine.losses import gram_matrix
from nst_core.engine.optimize import optimize_image
from nst_core.engine.precision import choose_compute_dtype, compute_dtype, cpu_flags
from nst_core.engine.vgg import VGGFeatures, _casts
from nst_core.pipeline import objective_at_scale, prepare_images

from ..helpers import CONTENT, STYLE

SIZE = 64


@pytest.fixture(scope="module")
def images():
    content, styles = prepare_images(str(CONTENT), str(STYLE), StyleOptions(size=SIZE))
    noise = np.random.default_rng(0).uniform(size=content.shape).astype(np.float32)
    return content, styles, noise


@pytest.fixture(scope="module")
def objectives(images):
    """The default objective at 64 px with VGG19 in each compute type."""
    content, styles, _ = images
    options = StyleOptions(size=SIZE)
    made = {}
    for dtype in ("float32", "bfloat16", "float16"):
        extractor = VGGFeatures(options.content_layers + options.style_layers, dtype=dtype)
        made[dtype] = objective_at_scale(options, extractor, content, styles, SIZE)[0]
    return made


def loss_and_gradient(objective, image: np.ndarray) -> tuple[float, np.ndarray]:
    image = tf.constant(image)
    with tf.GradientTape() as tape:
        tape.watch(image)
        total = objective(image[None])["total"]
    return float(total), tape.gradient(total, image).numpy()


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.ravel().astype(np.float64), b.ravel().astype(np.float64)
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def test_device_choice():
    assert choose_compute_dtype("float32", (7, 5)) == "float32"
    assert choose_compute_dtype("mixed", (7, 5)) == "float16"  # T4: float16 tensor cores only
    assert choose_compute_dtype("mixed", (8, 0)) == "bfloat16"  # A100 and newer
    assert choose_compute_dtype("mixed", None, {"avx512f", "avx512_bf16"}) == "bfloat16"
    assert choose_compute_dtype("mixed", None, {"amx_bf16"}) == "bfloat16"
    assert choose_compute_dtype("mixed", None, {"avx2", "fma"}) == "float32"
    if not tf.config.list_physical_devices("GPU"):
        expected = "bfloat16" if {"avx512_bf16", "amx_bf16"} & cpu_flags() else "float32"
        assert compute_dtype("mixed") == expected
    assert compute_dtype("float32") == "float32"


@pytest.mark.vgg19
@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("start", ["content", "noise"])
def test_16_bit_loss_and_gradient_match_float32(images, objectives, dtype, start):
    content, _, noise = images
    image = content if start == "content" else noise
    reference_loss, reference_grad = loss_and_gradient(objectives["float32"], image)
    loss, grad = loss_and_gradient(objectives[dtype], image)
    assert np.isfinite(grad).all()  # a plain float16 backward pass here is inf/NaN everywhere
    assert loss == pytest.approx(reference_loss, rel=0.02)
    assert cosine(grad, reference_grad) > 0.99
    assert np.abs(grad).max() == pytest.approx(np.abs(reference_grad).max(), rel=0.1)


@pytest.mark.vgg19
def test_float16_gradient_scaling_covers_any_loss_magnitude(images):
    # dL/dfeatures of 1e20 (far beyond float16's 65504) and 1e-20 (far below its smallest
    # number): the gradient must still be the float32 one.
    content = tf.constant(images[0][None])
    for factor in (1e20, 1e-20):
        grads = []
        for dtype in ("float32", "float16"):
            extractor = VGGFeatures(["block2_conv1"], dtype=dtype)
            with tf.GradientTape() as tape:
                tape.watch(content)
                loss = factor * tf.reduce_sum(extractor(content)["block2_conv1"])
            grads.append(tape.gradient(loss, content).numpy())
        assert np.isfinite(grads[1]).all()
        assert cosine(grads[1], grads[0]) > 0.99
        assert np.abs(grads[1]).max() == pytest.approx(np.abs(grads[0]).max(), rel=0.05)


def test_an_overflow_inside_the_network_never_reaches_the_image():
    # a stand-in network whose backward pass multiplies gradients by 9e4 > 65504 for some entries
    into, out_of = _casts("float16")
    x = tf.constant([1e-3, 1e-3])
    with tf.GradientTape() as tape:
        tape.watch(x)
        low, token = into(x)
        gain = tf.constant([300.0, 1.0], tf.float16)
        (y,) = out_of(token, (low * gain) * gain)
        loss = tf.reduce_sum(y)
    grad = tape.gradient(loss, x).numpy()
    assert np.isfinite(grad).all()
    assert grad[0] == 0 and grad[1] == pytest.approx(1.0, rel=1e-2)


def test_gram_of_16_bit_features_is_float32():
    features = tf.fill([1, 8, 8, 4], tf.constant(1e4, tf.float16))  # Gram 1e8 > float16 max
    gram = gram_matrix(features)
    assert gram.dtype == tf.float32
    np.testing.assert_allclose(gram.numpy(), 1e8, rtol=1e-3)


@pytest.mark.vgg19
def test_float16_optimisation_lowers_the_loss(images, objectives):
    run = optimize_image(objectives["float16"], images[0], 5)
    assert np.isfinite(run.history["total"]).all()
    assert run.best_loss < 0.8 * run.history["total"][0]
    assert np.isfinite(run.image).all()


@pytest.mark.vgg19
def test_stylize_mixed_lowers_the_loss():
    result = stylize(str(CONTENT), str(STYLE), size=SIZE, steps=5, precision="mixed")
    assert result.options.precision == "mixed"
    assert result.loss < 0.8 * result.history["total"][0]
    assert result.image.shape[:2] == (48, 64) and np.isfinite(result.image).all()


def test_cli_passes_precision_through():
    assert options_from_args(build_parser().parse_args(["c.jpg", "s.jpg"])).precision == "mixed"
    args = build_parser().parse_args(["c.jpg", "s.jpg", "--precision", "float32"])
    assert options_from_args(args).precision == "float32"


def test_bad_precision_is_refused(tmp_path, capsys):
    with pytest.raises(OptionError, match="precision must be one of float32, mixed, got 'half'"):
        StyleOptions(precision="half")
    with pytest.raises(OptionError, match="dtype"):
        VGGFeatures(["block1_conv1"], dtype="float64")
    assert main([str(CONTENT), str(STYLE), "-o", str(tmp_path / "out.png"), "--precision", "half"]) == 2
    err = capsys.readouterr().err
    assert "--precision" in err and "half" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out.png").exists()
