"""Fast (feed-forward) video mode; needs nst_core.fast, written by the fast-stylisation issue."""

import os
from pathlib import Path

import numpy as np
import pytest

from nst_core import cli
from nst_core.video import clips, flow
from nst_core.video import io as video_io
from nst_core.video import stylize as video

fast = pytest.importorskip("nst_core.fast")
ROOT = Path(__file__).resolve().parents[2]
STYLE = ROOT / "images" / "starry_night.jpg"
# The offline Lite pair (CI sets NST_MODELS_DIR); tests never download.
MODELS = Path(os.environ.get("NST_MODELS_DIR", ROOT.parent / "shared" / "models"))
if not list(MODELS.glob("style_predict*.tflite")):
    pytest.skip(f"no offline fast model in {MODELS}", allow_module_level=True)


def test_fast_mode_writes_every_frame(tmp_path):
    source = video_io.write_video(clips.moving_scene(4, 64), tmp_path / "clip.mp4", fps=10)
    out = tmp_path / "out.gif"
    args = [
        "video",
        str(source),
        str(STYLE),
        "-o",
        str(out),
        "--size",
        "64",
        "--mode",
        "fast",
        "--model",
        str(MODELS),
        "-q",
    ]
    assert cli.main(args) == 0
    info = video_io.probe_video(out)
    assert info.frame_count == 4 and info.size == (64, 64)


def test_fast_mode_blend_lowers_the_warp_error():
    frames = clips.moving_scene(6, 64)
    flows = [flow.frame_flow(frames[t - 1], frames[t]) for t in range(1, len(frames))]
    plain = video.stylize_video(frames, STYLE, mode="fast", fast_blend=0.0, fast_model=str(MODELS))
    blended = video.stylize_video(frames, STYLE, mode="fast", fast_model=str(MODELS))
    assert all(np.isfinite(f).all() and f.shape == (64, 64, 3) for f in blended.frames)
    assert flow.mean_warp_error(blended.frames, flows) < flow.mean_warp_error(plain.frames, flows)
