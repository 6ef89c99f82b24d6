"""``nst train``'s refusals, as a user meets them: one line, exit 2, nothing written.

Every case here is refused before the network is built, so no VGG19 is needed; the run
itself is tested in tests/train/.
"""

from __future__ import annotations

import pytest
from PIL import Image

from nst_core import cli
from nst_core.cli import train as train_cli

from ..helpers import CONTENT, STYLE


@pytest.fixture
def photos(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    with Image.open(CONTENT) as image:
        image.resize((96, 72)).save(folder / "a.jpg")
    return folder


def _refused(capsys, argv, message, out):
    assert cli.main(["train", *argv, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nst train: error:") and message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()


def test_missing_empty_or_unreadable_photo_folders_are_refused(tmp_path, capsys):
    out = tmp_path / "mystyle"
    _refused(capsys, [str(STYLE), "--data", str(tmp_path / "nowhere")], "no such photo folder", out)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a photo")
    _refused(capsys, [str(STYLE), "--data", str(empty)], "holds no photos", out)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.jpg").write_bytes(b"not a jpeg")
    assert cli.main(["train", str(STYLE), "--data", str(broken), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    # the unreadable file is named in a warning, then the run is refused
    assert "a.jpg: not an image file" in err and "none of its 1 photo files could be read" in err
    assert not out.exists()


def test_a_style_image_too_small_is_refused(tmp_path, photos, capsys):
    small = tmp_path / "small.png"
    with Image.open(STYLE) as image:
        image.resize((40, 32)).save(small)
    _refused(
        capsys, [str(small), "--data", str(photos), "--size", "128"], "40x32 px is too small to train", tmp_path / "o"
    )


def test_bad_options_and_outputs_are_refused(tmp_path, photos, capsys):
    out = tmp_path / "mystyle"
    _refused(capsys, [str(STYLE), "--data", str(photos), "--width", "0"], "width must be a number", out)
    _refused(capsys, [str(STYLE), "--data", str(photos), "--size", "16"], "size must be a whole number", out)
    _refused(capsys, [str(STYLE), "--data", str(photos), "--resume"], "no checkpoint to resume from", out)
    _refused(capsys, [str(tmp_path / "none.jpg"), "--data", str(photos)], "none.jpg: no such file", out)
    inside = photos / "mystyle"
    _refused(capsys, [str(STYLE), "--data", str(photos)], "is inside the photo folder", inside)


def test_help_lists_the_training_options(capsys):
    assert train_cli.main(["--help"]) == 0
    text = capsys.readouterr().out
    for flag in ("--data", "--resume", "--steps", "--batch-size", "--width", "--style-loss", "--checkpoint-every"):
        assert flag in text
    assert cli.main(["--help"]) == 0
    assert "nst train" in capsys.readouterr().out


def test_a_stop_reports_the_checkpoint_and_exits_130(tmp_path, photos, capsys, monkeypatch):
    from nst_core.train import run as train_run

    def stopped_after_two_steps(style, data, options, output, callback=None, resume=False):
        for step in (1, 2):
            callback(train_run.TrainingProgress(step, options.steps, {"total": 1.0, "style": 0.5}))
        raise KeyboardInterrupt  # what SIGTERM, SIGHUP and Ctrl-C become (cli.command), after the checkpoint

    monkeypatch.setattr(train_run, "train_network", stopped_after_two_steps)
    out = tmp_path / "mystyle"
    assert cli.main(["train", str(STYLE), "--data", str(photos), "-o", str(out), "-q"]) == 130
    err = capsys.readouterr().err
    assert "interrupted after step 2; saved a checkpoint" in err and "--resume" in err
