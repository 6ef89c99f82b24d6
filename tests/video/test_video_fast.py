"""Fast (feed-forward) video mode on the offline Magenta Lite pair."""

from pathlib import Path

import numpy as np
import pytest

from conftest import shared_models_dir
from nst_core import cli, fast
from nst_core.image.io import load_image
from nst_core.video import clips, flow
from nst_core.video import io as video_io
from nst_core.video import stylize as video

pytestmark = pytest.mark.fast_models
STYLE = Path(__file__).resolve().parents[2] / "images" / "starry_night.jpg"
# The offline Lite pair; tests never download. A missing model file skips these tests
# (deselect them with -m "not fast_models"); a broken nst_core.fast fails the import above.
MODELS = shared_models_dir()
if not list(MODELS.glob("style_predict*.tflite")) or not list(MODELS.glob("style_transfer*.tflite")):
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
    # Without the blend every frame is the network's own picture of it; with it, the first
    # frame (nothing before it to blend) still is.
    model = fast.load_fast_model(str(MODELS))
    vector = model.style_vector(load_image(STYLE))  # at full size, as nst fast takes it
    for frame, painted in zip(frames, plain.frames, strict=True):
        np.testing.assert_allclose(painted, model.transfer(frame, vector), atol=1e-5)
    np.testing.assert_allclose(blended.frames[0], plain.frames[0], atol=1e-5)
    assert all(np.isfinite(f).all() and f.shape == (64, 64, 3) for f in blended.frames)
    assert flow.mean_warp_error(blended.frames, flows) < flow.mean_warp_error(plain.frames, flows)


def test_fast_mode_paints_each_frame_as_nst_fast_does_with_every_style():
    from nst_core.options import StyleOptions

    style_2 = STYLE.parent / "the_scream.jpg"
    frames = clips.moving_scene(2, 96)
    model = fast.load_fast_model(str(MODELS))
    for styles, weights in (([STYLE], None), ([STYLE, style_2], (1.0, 3.0))):
        clip = video.stylize_video(
            frames,
            styles,
            StyleOptions(style_blend_weights=weights),
            mode="fast",
            fast_blend=0.0,
            fast_model=str(MODELS),
        )
        single = fast.fast_stylize(frames[0], styles, model=model, blend_weights=weights)
        assert np.abs(clip.frames[0] - single).mean() < 0.01  # the same picture, not a blurred style's
    assert np.abs(clip.frames[0] - fast.fast_stylize(frames[0], STYLE, model=model)).mean() > 0.02  # both styles


def test_a_resume_with_another_fast_model_is_refused(tmp_path, monkeypatch):
    import shutil

    from nst_core.errors import OptionError

    frames = clips.moving_scene(3, 48)
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        folder.mkdir()
        for path in [*MODELS.glob("style_predict*.tflite"), *MODELS.glob("style_transfer*.tflite")]:
            shutil.copy(path, folder / path.name)
    predict = next(second.glob("style_predict*.tflite"))
    predict.write_bytes(predict.read_bytes() + b"\0")  # another network file at the same place
    work = tmp_path / "work"
    monkeypatch.delenv(fast.ENV_MODEL, raising=False)
    monkeypatch.setenv(fast.ENV_MODELS_DIR, str(first))  # the same settings, only the folder moves
    video.stylize_video(frames[:2], STYLE, mode="fast", work_dir=work)
    monkeypatch.setenv(fast.ENV_MODELS_DIR, str(second))
    with pytest.raises(OptionError, match="different clip, style or settings"):
        video.stylize_video(frames[:2], STYLE, mode="fast", work_dir=work)
