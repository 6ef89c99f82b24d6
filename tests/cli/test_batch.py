"""``nst batch`` as a user runs it: a folder x styles, a rerun, a corrupt photo, a bad manifest."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from nst_core.cli import main

from ..batch.helpers import STYLES, read_pixels, write_photos

QUICK = ["--size", "64", "--steps", "2", "--seed", "0", "--quiet"]


@pytest.mark.vgg19
def test_folder_by_two_styles_then_a_rerun_that_does_nothing(tmp_path, capsys):
    write_photos(tmp_path / "in", 3)
    command = ["batch", str(tmp_path / "in"), "--styles", *STYLES, "-o", str(tmp_path / "out"), *QUICK]
    assert main(command) == 0
    out = tmp_path / "out"
    pictures, records = sorted(out.glob("*.png")), sorted(out.glob("*.json"))
    assert len(pictures) == 6 and len(records) == 6
    assert [p.stem for p in pictures] == [r.stem for r in records]
    assert all(read_pixels(p).shape == (48, 64, 3) for p in pictures)
    assert "done     6" in capsys.readouterr().out
    times = {p: p.stat().st_mtime_ns for p in out.iterdir() if p.suffix in (".png", ".json")}

    assert main(command) == 0
    captured = capsys.readouterr()
    assert "nothing to do: all 6 jobs were done before" in captured.err
    assert "skipped  6" in captured.out
    assert {p: p.stat().st_mtime_ns for p in times} == times  # nothing rewritten


@pytest.mark.vgg19
def test_a_corrupt_photo_fails_alone_with_its_reason(tmp_path, capsys):
    write_photos(tmp_path / "in", 1)
    (tmp_path / "in" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG")
    status = main(["batch", str(tmp_path / "in"), "--styles", STYLES[0], "-o", str(tmp_path / "out"), *QUICK])
    captured = capsys.readouterr()
    assert status == 1
    assert "done     1" in captured.out and "failed   1" in captured.out
    assert "broken.jpg: corrupt image header" in captured.out
    assert "1 of 2 jobs failed" in captured.err
    report = (tmp_path / "out" / "batch-report.txt").read_text()
    assert "failed" in report and "broken.jpg: corrupt image header" in report
    assert [p.name.split("__")[0] for p in (tmp_path / "out").glob("*.png")] == ["photo0"]


def test_a_bad_manifest_row_is_refused_before_any_work(tmp_path, capsys):
    write_photos(tmp_path, 1)
    manifest = tmp_path / "jobs.csv"
    manifest.write_text(f"content,style,size\nphoto0.jpg,{STYLES[0]},64\nphoto0.jpg,{STYLES[1]},huge\n")
    status = main(["batch", "--manifest", str(manifest), "-o", str(tmp_path / "out"), "--steps", "2"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "jobs.csv row 3: size must be a number, got 'huge'" in err
    assert not (tmp_path / "out").exists()


def test_usage_errors_exit_2(tmp_path, capsys):
    write_photos(tmp_path / "in", 1)
    assert main(["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out")]) == 2
    assert "give the style images with --styles" in capsys.readouterr().err
    assert main(["batch", str(tmp_path / "in"), "--styles", str(tmp_path / "nope.jpg"), "-o", "out"]) == 2
    assert "nope.jpg" in capsys.readouterr().err
    status = main(["batch", str(tmp_path / "in"), "--styles", STYLES[0], "-o", str(tmp_path / "in")])
    assert status == 2 and "holds the photos of this batch" in capsys.readouterr().err
    status = main(["batch", str(tmp_path / "in"), "--styles", STYLES[0], "-o", "out", "--style-weight", "1", "-2"])
    assert status == 2 and "style_weight must be a number >= 0" in capsys.readouterr().err


@pytest.mark.vgg19
def test_sigterm_stops_after_the_current_job_and_a_rerun_finishes(tmp_path, capsys):
    write_photos(tmp_path / "in", 3)
    out = tmp_path / "out"
    arguments = ["batch", str(tmp_path / "in"), "--styles", STYLES[0], "-o", str(out), "--size", "64"]
    arguments += ["--steps", "40", "--no-quality", "--quiet"]
    process = subprocess.Popen(
        [sys.executable, "-m", "nst_core.cli", *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 240
    while not list(out.glob("*.json")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # most likely inside the second job, which is then finished
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=240)
    assert process.returncode == 130, stderr
    done = len(list(out.glob("*.json")))
    assert done in (1, 2) and len(list(out.glob("*.png"))) == done  # every picture with its record
    assert f"done     {done}" in stdout and f"left     {3 - done}" in stdout
    assert f"interrupted; {3 - done} jobs left: rerun the same command to do them" in stderr

    assert main(arguments) == 0
    assert f"3 jobs: {3 - done} to run, {done} done before (skipped)" in capsys.readouterr().err
    assert len(list(out.glob("*.png"))) == 3
