"""Peak-memory estimate, and refusal or fallback before a run that would not fit."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from nst_core import OptionError, StyleOptions, stylize
from nst_core.engine.memory import MIN_LBFGS_HISTORY, estimate_peak_bytes, kept_scale_bytes
from nst_core.pipeline import check_memory

IMAGES = Path(__file__).resolve().parents[2] / "images"


def test_estimate_grows_with_size_and_history():
    small, large = estimate_peak_bytes(256, 256), estimate_peak_bytes(1024, 1024)
    assert large > 4 * (small - estimate_peak_bytes(16, 16))
    assert estimate_peak_bytes(512, 512, lbfgs_history=50) > estimate_peak_bytes(512, 512, lbfgs_history=5)
    assert estimate_peak_bytes(512, 512, optimizer="adam") < estimate_peak_bytes(512, 512, optimizer="lbfgs")


def test_sixteen_bit_activations_need_less_memory():
    full, half = estimate_peak_bytes(1024, 1024), estimate_peak_bytes(1024, 1024, compute_dtype="bfloat16")
    assert half < full
    assert estimate_peak_bytes(1024, 1024, compute_dtype="float16") == half


def test_xla_is_estimated_to_need_more_memory():
    assert estimate_peak_bytes(512, 512, jit_compile=True) > estimate_peak_bytes(512, 512)
    # the sliced loss: 48 bytes per value of block1 (512 x 512 x 64), for the image and the style
    sliced = estimate_peak_bytes(512, 512, sliced_layers=("block1_conv1",))
    assert sliced - estimate_peak_bytes(512, 512) == pytest.approx(48 * 2 * 512 * 512 * 64)
    options = StyleOptions(size=512, precision="float32", pyramid_levels=1)
    available = estimate_peak_bytes(384, 512, "lbfgs", 20, options.content_layers + options.style_layers)
    assert check_memory(options, (384, 512), available=available) == 20
    with pytest.raises(OptionError, match="size 512 needs"):
        check_memory(options.replace(jit_compile=True), (384, 512), available=available)


def test_enough_memory_keeps_the_history():
    options = StyleOptions(size=256)
    assert check_memory(options, (192, 256), available=64 * 2**30) == options.lbfgs_history


def test_tight_memory_falls_back_to_fewer_lbfgs_pairs():
    options = StyleOptions(size=1024, lbfgs_history=50, precision="float32", pyramid_levels=1)
    layers = options.content_layers + options.style_layers
    available = estimate_peak_bytes(768, 1024, "lbfgs", 10, layers)
    with pytest.warns(UserWarning, match="using 10 pairs"):
        assert check_memory(options, (768, 1024), available=available) == 10
    assert MIN_LBFGS_HISTORY <= 10


def test_mixed_precision_is_checked_with_its_smaller_activations(monkeypatch):
    from nst_core import pipeline

    monkeypatch.setattr(pipeline, "compute_dtype", lambda precision: "bfloat16" if precision == "mixed" else "float32")
    options = StyleOptions(size=1024, precision="float32", pyramid_levels=1)
    layers = options.content_layers + options.style_layers
    available = estimate_peak_bytes(768, 1024, "lbfgs", 20, layers, "bfloat16")
    assert check_memory(options.replace(precision="mixed"), (768, 1024), available=available) == 20
    with pytest.raises(OptionError, match="size 1024 needs"):
        check_memory(options, (768, 1024), available=available)


def test_too_little_memory_is_refused_with_the_size_that_fits():
    options = StyleOptions(size=2048)
    with pytest.raises(OptionError, match=r"size 2048 needs about .* [MG]B .* use size \d+ or less"):
        check_memory(options, (1536, 2048), available=2**30)


def test_stylize_refuses_before_loading_the_network(monkeypatch):
    monkeypatch.setenv("NST_MEMORY_LIMIT_MB", "100")
    with pytest.raises(OptionError, match="memory"):
        stylize(str(IMAGES / "tubingen.jpg"), str(IMAGES / "starry_night.jpg"), size=64, steps=1)


@pytest.mark.parametrize("limit", ["abc", "-5", "0", "nan", "inf"])
def test_a_bad_memory_limit_is_named(monkeypatch, limit):
    monkeypatch.setenv("NST_MEMORY_LIMIT_MB", limit)
    with pytest.raises(OptionError, match=f"NST_MEMORY_LIMIT_MB must be .* got '{limit}'"):
        stylize(str(IMAGES / "tubingen.jpg"), str(IMAGES / "starry_night.jpg"), size=64, steps=1)


def test_the_advised_size_is_the_largest_that_fits_whatever_was_asked():
    available = 500 * 2**20
    advised = set()
    for size in (300, 1000, 4000):
        with pytest.raises(OptionError, match=r"use size (\d+) or less") as refused:
            check_memory(StyleOptions(size=size), (size * 3 // 4, size), available=available)
        advised.add(int(str(refused.value).rsplit("use size ", 1)[1].split()[0]))
    (fits,) = advised  # the same advice from every size asked for
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fallback to fewer pairs
        check_memory(StyleOptions(size=fits), (round(fits * 0.75), fits), available=available)
    with pytest.raises(OptionError):
        check_memory(StyleOptions(size=fits + 1), (round((fits + 1) * 0.75), fits + 1), available=available)


def test_a_size_nothing_fits_and_adam_are_said_plainly():
    with pytest.raises(
        OptionError, match=r"needs about \d+ MB of memory \(with 5 L-BFGS pairs\).*not even the smallest"
    ):
        check_memory(StyleOptions(size=512), (384, 512), available=2**20)
    with pytest.raises(OptionError, match=r"needs about \d+ MB of memory but only 1000 MB is available; use size"):
        check_memory(StyleOptions(size=1024, optimizer="adam"), (768, 1024), available=1000 * 2**20)


def test_a_pyramid_run_counts_the_coarse_scales_it_keeps_during_the_finest():
    # The Stylizer keeps the 512 px scale's optimiser while the 1024 px scale runs.
    options = StyleOptions(size=1024, lbfgs_history=20, precision="float32", pyramid_levels=2)
    layers = options.content_layers + options.style_layers
    finest = estimate_peak_bytes(768, 1024, "lbfgs", 20, layers)
    kept = kept_scale_bytes((384, 512), "lbfgs", 20)
    assert kept > 0.02 * finest
    assert check_memory(options, (768, 1024), available=finest + kept) == 20
    with pytest.warns(UserWarning, match="using 1[0-9] pairs"):
        assert check_memory(options, (768, 1024), available=finest) < 20
    assert check_memory(options.replace(pyramid_levels=1), (768, 1024), available=finest) == 20
