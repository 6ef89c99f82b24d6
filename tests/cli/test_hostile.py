"""The commands under hostile input and faults: nothing lost, nothing written over, one clean line."""

from __future__ import annotations

import os
import shutil
import signal
import time

import pytest

from nst_core.cli import main
from nst_core.cli.command import interrupts_held, stop_signals_as_interrupts

from ..helpers import CONTENT, STYLE


def _copies(tmp_path):
    photo, painting = tmp_path / "photo.jpg", tmp_path / "painting.jpg"
    shutil.copy(CONTENT, photo)
    shutil.copy(STYLE, painting)
    return photo, painting


@pytest.mark.parametrize(
    "command",
    [
        lambda p, s: [str(p), str(s), "-o", str(p)],
        lambda p, s: [str(p), str(s), "-o", str(s)],
        lambda p, s: [str(p), str(s), "-o", str(p.parent / "." / p.name)],
        lambda p, s: [str(p), str(s), "-o", str(p.parent / "link.jpg")],
        lambda p, s: ["fast", str(p), str(s), "-o", str(p)],
        lambda p, s: [str(p), str(s), "--init", str(p.parent / "start.png"), "-o", str(p.parent / "start.png")],
    ],
    ids=["content", "style", "other-spelling", "symlink", "fast", "init"],
)
def test_writing_over_an_input_is_refused(command, tmp_path, capsys):
    photo, painting = _copies(tmp_path)
    (tmp_path / "link.jpg").symlink_to(photo)
    shutil.copy(CONTENT, tmp_path / "start.png")
    before = {path: path.read_bytes() for path in (photo, painting)}
    quick = ["-s", "64"] if command(photo, painting)[0] == "fast" else ["-s", "64", "-n", "1", "-q"]
    assert main(command(photo, painting) + quick) == 2  # quick, should the refusal ever fail
    message = capsys.readouterr().err
    assert "is an input of this run" in message and message.count("\n") == 1
    assert all(path.read_bytes() == data for path, data in before.items())


def test_a_video_is_not_written_over_its_source_nor_its_frames_into_the_input_folder(tmp_path, capsys):
    from nst_core.image.io import save_image
    from nst_core.video import clips

    frames = tmp_path / "frames"
    for index, frame in enumerate(clips.moving_scene(3, 48)):
        save_image(frame, frames / f"f{index}.png")
    listing = sorted(os.listdir(frames))
    clip = tmp_path / "clip.gif"
    clip.write_bytes(b"GIF89a")  # its bytes do not matter: it is refused before it is read
    assert main(["video", str(clip), str(STYLE), "-o", str(clip)]) == 2
    assert "is an input of this run" in capsys.readouterr().err
    assert main(["video", str(frames), str(STYLE), "-o", str(tmp_path / "out.gif"), "--work-dir", str(frames)]) == 2
    assert "is the input frame folder" in capsys.readouterr().err
    assert sorted(os.listdir(frames)) == listing and clip.read_bytes() == b"GIF89a"


def test_terminal_control_codes_never_reach_stderr(tmp_path, capsys):
    hostile = tmp_path / "\x1b]0;owned\x07\x1b[2Jphoto.jpg"
    assert main([str(hostile), str(STYLE), "-o", str(tmp_path / "out.png")]) == 2
    message = capsys.readouterr().err
    assert "no such file" in message and "\x1b" not in message and "\x07" not in message


def _signalled(number: int) -> None:
    os.kill(os.getpid(), number)
    time.sleep(1)  # the handler runs between bytecodes, well within this


def test_sigterm_and_sighup_stop_a_block_as_ctrl_c_does():
    for number in (signal.SIGTERM, signal.SIGHUP):
        with stop_signals_as_interrupts(), pytest.raises(KeyboardInterrupt):
            _signalled(number)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handlers are put back


def test_interrupts_during_a_save_are_held_until_it_is_done():
    with interrupts_held() as held:
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            os.kill(os.getpid(), number)
        time.sleep(0.2)
        finished = True  # the block was not cut short
    assert finished and held == [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.vgg19
def test_an_error_found_after_start_up_is_one_line_without_an_empty_progress_bar(tmp_path, capsys):
    assert main([str(CONTENT), str(tmp_path / "missing.jpg"), "-o", str(tmp_path / "out.png"), "-s", "64"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.jpg: no such file" in err, err


def test_nst_fast_refuses_a_size_no_machine_holds_in_one_line(tmp_path, capsys):
    assert main(["fast", str(CONTENT), str(STYLE), "-o", str(tmp_path / "out.png"), "--size", "20000"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "choose a smaller size" in err and not (tmp_path / "out.png").exists()
