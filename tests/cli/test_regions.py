"""``nst regions`` and the mask flags of ``nst`` and ``nst fast``: pictures, numbers and one-line errors."""

from __future__ import annotations

import numpy as np
import pytest

from nst_core.cli import main
from nst_core.image.io import load_image, save_image
from tests.helpers import CONTENT, STYLE, STYLE_2


def test_nst_regions_writes_the_numbered_picture_and_lists_the_regions(tmp_path, capsys):
    out = tmp_path / "regions.png"
    assert main(["regions", str(CONTENT), "-o", str(out), "--regions", "3", "--size", "128"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["region 1", "region 2", "region 3"]
    assert load_image(out).shape[:2] == load_image(CONTENT, 128).shape[:2]


@pytest.fixture
def masks(tmp_path):
    save_image(np.zeros((20, 20, 3), np.float32), tmp_path / "black.png")
    save_image(np.ones((20, 20, 3), np.float32), tmp_path / "white.png")
    (tmp_path / "broken.png").write_bytes(b"\x89PNG not really")
    return tmp_path


@pytest.mark.parametrize("command", [[], ["fast"]])
@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--style-masks", "black.png"], "covers nothing"),
        (["--style-masks", "broken.png"], "broken.png"),
        (["--style-masks", "missing.png"], "no such file"),
        (["--style-masks", "white.png", "white.png", "white.png"], "3 style masks for 2 style image"),
        (["--style-masks", "1+2"], "--regions"),
        (["--regions", "3", "--style-masks", "1", "7"], "region numbers go from 1 to 3"),
        (["--regions", "0", "--style-masks", "1"], "regions must be a whole number"),
    ],
)
def test_bad_masks_exit_2_with_one_line_and_write_nothing(command, flags, message, masks, capsys, monkeypatch):
    monkeypatch.chdir(masks)
    out = masks / "out.png"
    argv = [*command, str(CONTENT), str(STYLE), str(STYLE_2), "-o", str(out), "-s", "64", "-q", *flags]
    argv = [a for a in argv if not (command and a == "-q")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_nst_regions_bad_input_writes_nothing(tmp_path, capsys):
    out = tmp_path / "regions.png"
    assert main(["regions", str(tmp_path / "missing.jpg"), "-o", str(out)]) == 2
    assert main(["regions", str(CONTENT), "-o", str(out), "--regions", "99"]) == 2
    assert not out.exists()
    assert len(capsys.readouterr().err.strip().splitlines()) == 2
