"""``nst fast`` and ``nst --init fast`` as a user runs them: files in, a file out, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from conftest import shared_models_dir
from nst_core import cli
from nst_core.cli import fast as fast_cli

IMAGES = Path(__file__).resolve().parents[2] / "images"
CONTENT, STYLE, STYLE_2 = (str(IMAGES / n) for n in ("tubingen.jpg", "starry_night.jpg", "the_scream.jpg"))
LITE_FILES = ("style_predict_quantized_256.tflite", "style_transfer_f16_384.tflite")


@pytest.fixture
def models(monkeypatch):
    folder = shared_models_dir()
    if not all((folder / n).is_file() for n in LITE_FILES):
        pytest.skip(f"Magenta Lite models not in {folder}")
    monkeypatch.delenv("NST_FAST_MODEL", raising=False)
    monkeypatch.setenv("NST_MODELS_DIR", str(folder))
    return folder


@pytest.mark.fast_models
def test_fast_writes_the_stylised_image(models, tmp_path, capsys):
    out = tmp_path / "out.png"
    argv = ["fast", CONTENT, STYLE, STYLE_2, "-o", str(out), "--size", "160", "--strength", "0.7"]
    assert cli.main(argv + ["--style-blend-weights", "2", "1", "--preserve-colors", "luminance"]) == 0
    with Image.open(out) as image:
        assert image.size == (160, 120)
    assert "saved" in capsys.readouterr().err


@pytest.mark.fast_models
def test_fast_takes_the_model_location_as_an_option(models, tmp_path):
    out = tmp_path / "out.jpg"
    assert fast_cli.main([CONTENT, STYLE, "-o", str(out), "-s", "96", "--model", str(models), "--backend", "lite"]) == 0
    assert out.stat().st_size > 0


@pytest.mark.fast_models
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.jpg", STYLE], "missing.jpg: no such file"),
        ([CONTENT, str(IMAGES / "CREDITS.md")], "not an image file"),
        ([CONTENT, STYLE, "--strength", "1.5"], "strength must be a number from 0 to 1"),
        ([CONTENT, STYLE, STYLE_2, "--style-blend-weights", "1"], "2 style images need 2 blend weights"),
        ([CONTENT, STYLE, "--model", "/no/such/folder"], "no such model folder"),
        ([CONTENT, STYLE, "--size", "8"], "size must be"),
    ],
)
def test_fast_bad_input_is_one_line_and_writes_nothing(models, tmp_path, capsys, args, message):
    out = tmp_path / "out.png"
    assert cli.main(["fast", *args, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nst fast: error:") and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_fast_checks_sizes_and_weights_before_loading_the_model(tmp_path, capsys, monkeypatch):
    def no_model(*args, **kwargs):
        raise AssertionError("the model was loaded")

    monkeypatch.setattr("nst_core.fast.load_fast_model", no_model)
    cases = [
        (["--size", "16"], "tubingen.jpg: at --size 16 it would be 16x12 px"),
        ([STYLE_2, "--style-blend-weights", "1"], "2 style images need 2 blend weights"),
    ]
    for args, message in cases:
        assert cli.main(["fast", CONTENT, STYLE, *args, "-o", str(tmp_path / "out.png")]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_fast_usage_errors_exit_2(tmp_path, capsys):
    assert fast_cli.main([CONTENT]) == 2  # no style
    assert fast_cli.main([CONTENT, STYLE, "-o", str(tmp_path / "out.gif")]) == 2
    assert fast_cli.main([CONTENT, STYLE, "--backend", "gpu"]) == 2
    assert list(tmp_path.iterdir()) == []
    assert fast_cli.main(["--help"]) == 0
    assert "--strength" in capsys.readouterr().out


@pytest.mark.fast_models
@pytest.mark.vgg19
def test_main_command_refines_a_fast_start(models, tmp_path):
    out = tmp_path / "refined.png"
    assert cli.main([CONTENT, STYLE, "-o", str(out), "--init", "fast", "-s", "64", "-n", "2", "-q"]) == 0
    with Image.open(out) as image:
        assert image.size == (64, 48)


@pytest.mark.fast_models
def test_a_fast_run_prints_only_its_own_line(tmp_path):
    import os
    import subprocess
    import sys

    from ..helpers import ROOT

    out = tmp_path / "out.png"
    done = subprocess.run(
        [sys.executable, "-m", "nst_core.cli", "fast", CONTENT, STYLE, "-o", str(out), "-s", "96"],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=300,
    )
    assert done.returncode == 0 and done.stderr.count("\n") == 1 and done.stderr.startswith("nst fast: saved")
