"""The ``nst`` command as a user runs it: outputs, progress, errors, Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from nst_core.cli import main

from ..helpers import CONTENT, ROOT, STYLE, STYLE_2
from ..image.test_io import BAD_FILES, write_bad_file

QUICK = ["--size", "64", "--steps", "3", "--quiet"]


@pytest.mark.vgg19
def test_writes_the_result_and_numbered_intermediates(tmp_path, capsys):
    out = tmp_path / "out.png"
    status = main(
        [
            str(CONTENT),
            str(STYLE),
            str(STYLE_2),
            "-o",
            str(out),
            "--style-blend-weights",
            "3",
            "1",
            "--save-every",
            "2",
            "--print-every",
            "1",
            *QUICK,
        ]
    )
    assert status == 0
    with Image.open(out) as image:
        assert image.size == (64, 48)
    assert (tmp_path / "out_0002.png").exists()
    err = capsys.readouterr().err
    assert "step 3/3" in err and "saved" in err


@pytest.mark.vgg19
def test_options_reach_the_optimisation(tmp_path, capsys):
    out = tmp_path / "o.jpg"
    status = main(
        [
            str(CONTENT),
            str(STYLE),
            "-o",
            str(out),
            "--optimizer",
            "adam",
            "--learning-rate",
            "0.05",
            "--init",
            "noise",
            "--seed",
            "1",
            "--preserve-colors",
            "luminance",
            "--pooling",
            "avg",
            "--style-layers",
            "block1_conv1,block2_conv1",
            "--content-layers",
            "block3_conv2",
            *QUICK,
        ]
    )
    assert status == 0 and out.exists()


@pytest.mark.fast_models
@pytest.mark.vgg19
def test_sliced_style_loss_and_the_quality_report(tmp_path, capsys):
    out = tmp_path / "o.png"
    assert main([str(CONTENT), str(STYLE), "-o", str(out), "--style-loss", "sliced", "--report", *QUICK]) == 0
    assert out.exists()
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" ")[0] for line in lines] == ["style", "content", "style", "sliced"]
    assert lines[0].startswith("style distance ") and lines[2].startswith("style judge ")
    assert float(lines[2].split()[2]) < 1.5  # a number, not "unavailable": the judge's model was found


def test_version(capsys):
    import nst_core

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"nst (nst_core {nst_core.__version__})"


def test_help_reads_well(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    for flag in ("--style-weight", "--style-blend-weights", "--preserve-colors", "--init", "--save-every", "fast"):
        assert flag in text


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_image_exits_2_with_one_line_and_writes_nothing(kind, tmp_path, capsys):
    bad = write_bad_file(kind, tmp_path)
    out = tmp_path / "out.png"
    assert main([str(bad), str(STYLE), "-o", str(out), *QUICK]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and bad.name in err and BAD_FILES[kind][1] in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--steps", "-5"], "steps"),
        (["--style-layers", "block1_conv1,relu9_9"], "relu9_9"),
        (["--size", "abc"], "--size"),
        (["-o", "result.gif"], "unsupported output format"),
        (["--style-blend-weights", "1", "2"], "blend weights"),
        (["--init", "no_such_init.png"], "no_such_init.png"),
        (["--init", "contnet"], "--init takes content, noise, style, fast or an image file"),
        (["--style-loss", "wasserstien"], "--style-loss: invalid choice: 'wasserstien'"),
    ],
)
def test_bad_options_exit_2_with_one_line(args, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main([str(CONTENT), str(STYLE), "-o", "out.png", "--quiet", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and message in err
    assert not list(tmp_path.iterdir())


@pytest.mark.vgg19
def test_the_memory_fallback_is_a_one_line_warning(tmp_path, capsys, monkeypatch):
    from nst_core.engine.memory import estimate_peak_bytes
    from nst_core.engine.precision import compute_dtype
    from nst_core.options import StyleOptions

    options = StyleOptions()
    layers = options.content_layers + options.style_layers
    # QUICK's 64x48 px with 8 of 20 pairs, in the default precision
    room = estimate_peak_bytes(48, 64, "lbfgs", 8, layers, compute_dtype(options.precision))
    monkeypatch.setenv("NST_MEMORY_LIMIT_MB", str(room / 2**20))
    assert main([str(CONTENT), str(STYLE), "-o", str(tmp_path / "out.png"), *QUICK]) == 0
    err = capsys.readouterr().err
    assert "nst: warning: 64x48 px with 20 L-BFGS pairs" in err and "using 8 pairs" in err
    assert "UserWarning" not in err and "stylize" not in err  # not Python's two-line format


def test_an_output_that_cannot_be_written_fails_before_the_run(tmp_path, capsys, monkeypatch):
    def no_run(*args, **kwargs):
        raise AssertionError("the run started")

    monkeypatch.setattr("nst_core.api.stylize", no_run)
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    targets = [(tmp_path / "notes.txt" / "out.png", "notes.txt is not a folder")]
    if Path("/proc/self").is_dir():  # Linux: a folder that takes no new files, even for root
        targets.append((Path("/proc/out.png"), "/proc/out.png: cannot write"))
    for out, message in targets:
        assert main([str(CONTENT), str(STYLE), "-o", str(out), "--quiet"]) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and message in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.vgg19
def test_ctrl_c_before_the_first_step_ends_keeps_an_existing_output(tmp_path, capsys, monkeypatch):
    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr("nst_core.engine.lbfgs.LBFGS.step", interrupted)
    out = tmp_path / "out.png"
    out.write_bytes(b"an earlier result")
    assert main([str(CONTENT), str(STYLE), "-o", str(out), *QUICK]) == 130
    assert "nothing written" in capsys.readouterr().err
    assert out.read_bytes() == b"an earlier result" and [p.name for p in tmp_path.iterdir()] == ["out.png"]


def test_ctrl_c_while_tensorflow_loads_is_one_line(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "nst_core.cli", str(CONTENT), str(STYLE), "-o", str(tmp_path / "out.png"), *QUICK],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as in the test below
    )
    time.sleep(1.5)  # the run has started to import TensorFlow, which takes seconds
    if process.poll() is not None:
        pytest.skip("TensorFlow loaded before the signal could be sent")
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and err.strip() == "nst: interrupted; nothing written"
    assert not list(tmp_path.iterdir())


@pytest.mark.vgg19
@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_ctrl_c_or_a_kill_saves_the_best_image_and_exits_130(number, tmp_path):
    out = tmp_path / "out.png"
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nst_core.cli",
            str(CONTENT),
            str(STYLE),
            "-o",
            str(out),
            "--size",
            "64",
            "--steps",
            "100000",
            "--print-every",
            "1",
            "--quiet",
        ],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
        # A shell's background jobs inherit SIGINT ignored (and Python then keeps it so);
        # give the child the terminal default, as when a user presses Ctrl-C.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    for line in process.stderr:  # wait until the optimisation is really running
        if line.startswith("step 3/") or time.monotonic() > deadline:
            break
    process.send_signal(number)
    rest = process.communicate(timeout=60)[1]
    assert process.returncode == 130, rest
    assert "saved the best image so far" in rest
    with Image.open(out) as image:
        assert image.size == (64, 48)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]  # no hidden .out-*.png left


def test_no_tensorflow_start_up_chatter_on_the_command_line():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    done = subprocess.run(
        [sys.executable, "-m", "nst_core.cli", "--help"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0 and "usage: nst" in done.stdout
    assert done.stderr == ""
