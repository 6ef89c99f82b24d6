"""Video stylisation at 64 px with the real VGG19 weights: temporal loss, consistency, files, resume, errors."""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from nst_core import cli
from nst_core.cli import video as video_cli
from nst_core.cli.flags import option_values
from nst_core.errors import NSTError, OptionError
from nst_core.image.io import save_image
from nst_core.options import StyleOptions
from nst_core.video import clips, flow
from nst_core.video import io as video_io
from nst_core.video import stylize as video

ROOT = Path(__file__).resolve().parents[2]
STYLE = ROOT / "images" / "starry_night.jpg"
TINY = StyleOptions(size=64, steps=3)


def test_temporal_loss_has_a_real_gradient_through_the_image():
    rng = np.random.default_rng(0)
    warped = rng.uniform(size=(16, 16, 3)).astype(np.float32)
    mask = np.ones((16, 16), np.float32)
    mask[:, :8] = 0  # unreliable half: no pull there
    term = video.TemporalLoss(warped.shape, weight=10.0)
    term.set(warped, mask)
    image = tf.Variable(rng.uniform(size=(1, 16, 16, 3)).astype(np.float32))
    with tf.GradientTape() as tape:
        loss = term(image)
    grad = tape.gradient(loss, image).numpy()[0]
    assert float(loss) > 0
    expected = 2 * 10.0 * mask[..., None] * (image.numpy()[0] - warped) / warped.size
    np.testing.assert_allclose(grad, expected, rtol=1e-4, atol=1e-9)
    assert np.abs(grad[:, 8:]).min() > 0 and np.all(grad[:, :8] == 0)


def test_blend_keeps_new_paint_where_the_flow_is_unreliable():
    new, old = np.zeros((4, 4, 3), np.float32), np.ones((4, 4, 3), np.float32)
    mask = np.zeros((4, 4), np.float32)
    mask[:2] = 1
    out = video.blend_reliable(new, old, mask, 0.5)
    assert np.all(out[:2] == 0.5) and np.all(out[2:] == 0)


@pytest.fixture(scope="module")
def scene():
    frames = clips.moving_scene(6, 64)
    flows = [flow.frame_flow(frames[t - 1], frames[t]) for t in range(1, len(frames))]
    return frames, flows


@pytest.mark.vgg19
def test_temporal_term_lowers_the_warp_error(scene):
    frames, flows = scene
    independent = video.stylize_video(frames, STYLE, TINY, first_steps=6, temporal_weight=0, warm_start=False)
    ours = video.stylize_video(frames, STYLE, TINY, first_steps=6)
    assert len(ours.frames) == 6 and ours.frames[0].shape == (64, 64, 3)
    assert all(0 <= f.min() and f.max() <= 1 for f in ours.frames)
    assert flow.mean_warp_error(ours.frames, flows) < 0.5 * flow.mean_warp_error(independent.frames, flows)
    # the temporal loss itself, beyond the warm start: same start, weight 0 vs default; with
    # 6 steps per frame the optimisation moves far enough from the warm start for it to matter
    longer = TINY.replace(steps=6)
    warm_only = video.stylize_video(frames[:4], STYLE, longer, first_steps=6, temporal_weight=0)
    with_term = video.stylize_video(frames[:4], STYLE, longer, first_steps=6)
    assert flow.mean_warp_error(with_term.frames, flows[:3]) < 0.8 * flow.mean_warp_error(warm_only.frames, flows[:3])


@pytest.mark.vgg19
def test_interrupted_run_resumes_at_the_next_unfinished_frame(scene, tmp_path):
    frames = scene[0][:4]
    work = tmp_path / "work"
    seen = []

    def stop_after_two(index, image):
        seen.append(index)
        if index == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        video.stylize_video(frames, STYLE, TINY, first_steps=3, work_dir=work, on_frame=stop_after_two)
    written = sorted(p.name for p in work.glob("frame_*.png"))
    assert written == ["frame_00000.png", "frame_00001.png"]
    stamps = {p: p.stat().st_mtime_ns for p in work.glob("frame_*.png")}
    result = video.stylize_video(frames, STYLE, TINY, first_steps=3, work_dir=work)
    assert result.resumed == 2 and len(result.frames) == 4
    assert all(p.stat().st_mtime_ns == t for p, t in stamps.items())  # finished frames not redone
    assert len(list(work.glob("frame_*.png"))) == 4
    with pytest.raises(OptionError, match="different"):
        video.stylize_video(frames, STYLE, TINY.replace(steps=4), first_steps=3, work_dir=work)
    # A kill between writing the last frame and noting its digest: that frame is redone, not refused.
    settings = json.loads((work / "settings.json").read_text())
    del settings["frames"]["3"]
    (work / "settings.json").write_text(json.dumps(settings))
    assert video.stylize_video(frames, STYLE, TINY, first_steps=3, work_dir=work).resumed == 3
    # A finished frame replaced behind the run's back is refused, whatever its size.
    for foreign in (np.zeros((8, 8, 3)), np.zeros_like(result.frames[1])):
        save_image(foreign, work / "frame_00001.png")
        with pytest.raises(OptionError, match="frame_00001.png: changed since this run wrote it"):
            video.stylize_video(frames, STYLE, TINY, first_steps=3, work_dir=work)


@pytest.mark.vgg19
def test_a_clip_painted_without_options_takes_nst_videos_defaults(scene, tmp_path):
    # A clip from Python is painted as nst video paints it. The work folder's fingerprint
    # holds the options, so whether a second run resumes the first tells if they match.
    frames, work = scene[0][:1], tmp_path / "work"

    def stop_after_first(index, image):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        video.stylize_video(frames, STYLE, first_steps=1, work_dir=work, on_frame=stop_after_first)
    with pytest.raises(OptionError, match="different"):
        video.stylize_video(frames, STYLE, StyleOptions(), first_steps=1, work_dir=work)
    args = video_cli.build_parser().parse_args(["clip.mp4", str(STYLE)])
    command_defaults = StyleOptions(**option_values(args, StyleOptions))
    assert video.stylize_video(frames, STYLE, command_defaults, first_steps=1, work_dir=work).resumed == 1


@pytest.mark.vgg19
def test_ctrl_c_inside_a_frame_does_not_save_it_as_finished(scene, tmp_path, monkeypatch):
    real, calls = video.PixelOptimizer.run, []

    def interrupted_on_second_frame(self, *args, **kwargs):
        run = real(self, *args, **kwargs)
        calls.append(run)
        if len(calls) == 2:
            run.stopped = "interrupted"  # what a run reports after Ctrl-C
        return run

    monkeypatch.setattr(video.PixelOptimizer, "run", interrupted_on_second_frame)
    work = tmp_path / "work"
    with pytest.raises(KeyboardInterrupt):
        video.stylize_video(scene[0][:3], STYLE, TINY.replace(steps=1), first_steps=1, work_dir=work)
    assert sorted(p.name for p in work.glob("frame_*.png")) == ["frame_00000.png"]


def _ffmpeg(*args) -> None:
    """Run imageio-ffmpeg's ffmpeg binary (test inputs are made, never committed)."""
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", *map(str, args)], check=True)


def _clip_with_sound(path):
    """A 4-frame 64x48 test-pattern MP4 at 10 fps with a sine tone, made by imageio-ffmpeg's ffmpeg."""
    _ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-f", "lavfi", "-i", "sine=frequency=440",
        "-t", "0.4", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-c:a", "aac", "-shortest", path,
    )  # fmt: skip
    return path


@pytest.mark.vgg19
@pytest.mark.parametrize(("suffix", "extra"), [(".mp4", []), (".gif", ["--precision", "mixed"])])
def test_cli_writes_every_frame_at_the_source_size_and_rate(tmp_path, suffix, extra):
    source = _clip_with_sound(tmp_path / "clip.mp4")
    assert video_io.probe_video(source).has_audio
    out = tmp_path / f"out{suffix}"
    code = cli.main(["video", str(source), str(STYLE), "-o", str(out), "--size", "64", "--steps", "1", "-q", *extra])
    assert code == 0 and out.exists()
    info = video_io.probe_video(out)
    assert info.frame_count == 4 and info.size == (64, 48)
    assert info.fps == pytest.approx(10, rel=0.01)
    assert info.has_audio == (suffix == ".mp4")  # the sound track is passed through into MP4
    assert not (tmp_path / f".out{suffix}.frames").exists()  # the default work folder is cleaned up


def test_a_clip_stored_on_its_side_is_read_upright_without_ffmpeg_notices(tmp_path, caplog, capsys):
    upright = tmp_path / "upright.mp4"
    _ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-t", "0.3", "-pix_fmt", "yuv420p", upright)
    turned = tmp_path / "turned.mp4"
    try:  # ffmpeg >= 6 sets the display matrix so; older ones took the rotate tag
        _ffmpeg("-display_rotation", "90", "-i", upright, "-c", "copy", turned)
    except subprocess.CalledProcessError:
        _ffmpeg("-i", upright, "-c", "copy", "-metadata:s:v", "rotate=90", turned)
    assert video_io.probe_video(turned).size == (48, 64)
    frames, _ = video_io.read_video(turned)
    assert len(frames) == 3 and frames[0].shape == (64, 48, 3)
    assert not caplog.records and not capsys.readouterr().err


def test_frame_range_and_folder_input(tmp_path):
    from nst_core.image.io import save_image

    for index, frame in enumerate(clips.moving_scene(5, 48)):
        save_image(frame, tmp_path / "frames" / f"f{index:02d}.png")
    frames, fps = video_io.read_video(tmp_path / "frames", size=32, start=1, end=4, fps=8)
    assert len(frames) == 3 and frames[0].shape == (32, 32, 3) and fps == 8


@pytest.mark.parametrize(
    "make",
    [
        *("missing", "not_a_video", "sound_only", "bad_suffix", "bad_range", "no_memory", "no_model"),
        pytest.param("tiny_style", marks=pytest.mark.vgg19),  # found too small by VGG19's pooling
        "work_file",
    ],
)
def test_bad_input_is_one_line_and_exit_2_with_no_output(tmp_path, capsys, monkeypatch, make):
    source = tmp_path / "clip.mp4"
    out = tmp_path / "out.mp4"
    args = []
    if make == "not_a_video":
        source.write_text("this is not a video\n")
    elif make == "sound_only":
        _ffmpeg("-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", source)
    elif make in ("bad_suffix", "bad_range", "no_memory", "no_model", "tiny_style", "work_file"):
        video_io.write_video(clips.moving_scene(3, 32), source, fps=5)
        if make == "bad_suffix":
            out = tmp_path / "out.avi"
        elif make == "bad_range":
            args = ["--start", "5"]
        elif make == "no_memory":
            monkeypatch.setenv("NST_MEMORY_LIMIT_MB", "100")
        elif make == "work_file":
            args = ["--work-dir", str(source)]  # a file, not a folder
        elif make == "tiny_style":
            args = ["--style-scale", "0.1"]  # a 16x12 px style: too small for VGG19's pooling
        else:
            args = ["--mode", "fast", "--model", str(tmp_path / "no_such_model")]
    code = cli.main(["video", str(source), str(STYLE), "-o", str(out), "--size", "32", "-q", *args])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("nst video: error:") and "\n" not in err and "Traceback" not in err
    if make == "sound_only":
        assert err.endswith(f"{source}: has no video stream (sound only)"), err
    if make == "tiny_style":
        assert f"{STYLE}: the style image is 16x" in err and "style_scale" in err  # named, as every file in a message
    assert not out.exists() and not any(p.name.startswith((".out", "out")) for p in tmp_path.iterdir())


def test_video_io_errors_are_nst_errors(tmp_path):
    with pytest.raises(NSTError, match="no such file"):
        video_io.probe_video(tmp_path / "nothing.mp4")
    (tmp_path / "empty").mkdir()
    with pytest.raises(NSTError, match="no frame images"):
        video_io.probe_video(tmp_path / "empty")


def test_sound_from_a_silent_clip_is_refused_and_the_old_file_kept(tmp_path):
    frames = clips.moving_scene(3, 32)
    silent, out = tmp_path / "silent.mp4", tmp_path / "out.mp4"
    video_io.write_video(frames, silent, fps=5)
    video_io.write_video(frames, out, fps=5)
    before = out.read_bytes()
    with pytest.raises(OptionError, match="no sound track"):
        video_io.write_video(frames, out, fps=5, audio_from=silent)
    assert out.read_bytes() == before and video_io.probe_video(out).frame_count == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mp4", "silent.mp4"]


@pytest.mark.parametrize("suffix", [".mp4", ".gif"])
def test_a_frame_with_nan_pixels_is_never_written(tmp_path, suffix):
    frames = clips.moving_scene(3, 32)
    frames[1] = frames[1].copy()
    frames[1][5, 5, 0] = np.nan
    out = tmp_path / f"out{suffix}"
    with pytest.raises(NSTError, match=f"{out}: not written, a frame has NaN"):
        video_io.write_video(frames, out, fps=5)
    assert list(tmp_path.iterdir()) == []


def test_an_ffmpeg_failure_that_writes_nothing_is_an_error(tmp_path, monkeypatch):
    out = tmp_path / "out.mp4"
    out.write_bytes(b"previous video")
    monkeypatch.setattr(video_io, "_write_mp4", lambda *args: None)  # ffmpeg quit without a frame
    with pytest.raises(NSTError, match="damaged"):
        video_io.write_video(clips.moving_scene(2, 32), out, fps=5)
    assert out.read_bytes() == b"previous video" and [p.name for p in tmp_path.iterdir()] == ["out.mp4"]


@pytest.mark.fast_models
def test_a_video_truncated_by_a_full_disk_replaces_nothing_and_keeps_the_frames(tmp_path, monkeypatch, capsys):
    real_write = video_io._write_mp4

    def full_disk(frames, path, *args):  # ffmpeg loses the MP4's trailer and says nothing
        real_write(frames, path, *args)
        with open(path, "r+b") as file:
            file.truncate(os.path.getsize(path) // 2)

    source = tmp_path / "frames"
    for index, frame in enumerate(clips.moving_scene(4, 48)):
        save_image(frame, source / f"f{index}.png")
    out = tmp_path / "out.mp4"
    video_io.write_video(clips.moving_scene(2, 32), out, fps=5)
    before = out.read_bytes()
    monkeypatch.setattr(video_io, "_write_mp4", full_disk)
    code = cli.main(["video", str(source), str(STYLE), "-o", str(out), "--mode", "fast", "-s", "48", "-q"])
    assert code == 2 and "damaged" in capsys.readouterr().err
    assert out.read_bytes() == before  # the earlier video is still there
    work = tmp_path / ".out.mp4.frames"
    assert len(list(work.glob("frame_*.png"))) == 4  # and every finished frame, for a rerun


def test_a_folder_with_the_work_folders_name_is_never_deleted(tmp_path, capsys):
    source = tmp_path / "frames"
    for index, frame in enumerate(clips.moving_scene(3, 48)):
        save_image(frame, source / f"f{index}.png")
    mine = tmp_path / ".out.gif.frames"
    mine.mkdir()
    (mine / "notes.txt").write_text("the user's own file")
    code = cli.main(["video", str(source), str(STYLE), "-o", str(tmp_path / "out.gif"), "--mode", "fast", "-q"])
    assert code == 2 and "holds files" in capsys.readouterr().err
    assert (mine / "notes.txt").read_text() == "the user's own file"


class _FlickeringStylizer:
    """Stand-in with the nst_core.fast interface: the frame plus fresh noise each call (flicker)."""

    def __init__(self):
        self.rng = np.random.default_rng(0)

    def style_vector(self, style):
        return np.zeros(100, np.float32)

    def transfer(self, content, style_vector):
        return np.clip(content + self.rng.normal(0, 0.1, content.shape), 0, 1).astype(np.float32)


@pytest.mark.vgg19
def test_fast_mode_temporal_terms_with_a_stand_in_network(scene, monkeypatch):
    import sys
    import types

    fake = types.ModuleType("nst_core.fast")
    fake.load_fast_model = lambda location=None, backend="auto": _FlickeringStylizer()
    fake.blend_style_vectors = lambda model, styles, weights=None: model.style_vector(styles[0])
    fake.ENV_MODEL = "NST_FAST_MODEL"
    fake.is_trained_network = lambda location: False  # a stand-in for Magenta's kind
    monkeypatch.setitem(sys.modules, "nst_core.fast", fake)
    frames, flows = scene
    plain = video.stylize_video(frames, STYLE, TINY, mode="fast", fast_blend=0.0)
    blended = video.stylize_video(frames, STYLE, TINY, mode="fast", fast_blend=0.5)
    assert len(blended.frames) == 6 and np.isnan(blended.style_loss).all()
    assert flow.mean_warp_error(blended.frames, flows) < 0.7 * flow.mean_warp_error(plain.frames, flows)
    refined = video.stylize_video(frames[:3], STYLE, TINY, mode="fast", fast_blend=0.0, fast_refine_steps=2)
    assert np.isfinite(refined.style_loss).all()  # went through the optimiser, temporal loss included


@pytest.mark.vgg19
def test_a_clip_traces_its_optimisation_step_once(scene, monkeypatch):
    built = []

    class Recorded(video.PixelOptimizer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            built.append(self)

    monkeypatch.setattr(video, "PixelOptimizer", Recorded)
    result = video.stylize_video(scene[0][:4], STYLE, TINY.replace(steps=2), first_steps=2)
    assert len(result.frames) == 4
    assert len(built) == 1 and built[0].traces == 1


@pytest.mark.vgg19
def test_set_content_gives_the_objective_of_the_new_frame(scene):
    from nst_core.engine.vgg import VGGFeatures
    from nst_core.pipeline import build_objective

    first, later = scene[0][0], scene[0][3]
    extractor = VGGFeatures(TINY.content_layers + TINY.style_layers)
    styles = [video.load_image(STYLE, size=64)]
    moved = build_objective(extractor, first, styles, TINY)
    before = float(moved(tf.constant(scene[0][1][None]))["content"])
    moved.set_content(later)
    built = build_objective(extractor, later, styles, TINY)
    probe = tf.constant(scene[0][1][None])
    assert float(moved(probe)["content"]) == pytest.approx(float(built(probe)["content"]), rel=1e-5)
    assert float(moved(probe)["content"]) != pytest.approx(before, rel=1e-3)
    with pytest.raises(OptionError, match="is 65x65 px; it must be 64x64 px"):
        moved.set_content(np.zeros((65, 65, 3), np.float32))  # same block4 size: the image size is checked


def test_too_little_memory_is_refused_before_the_work_folder_is_made(scene, tmp_path, monkeypatch):
    monkeypatch.setenv("NST_MEMORY_LIMIT_MB", "100")
    with pytest.raises(OptionError, match="memory"):
        video.stylize_video(scene[0][:2], STYLE, TINY, work_dir=tmp_path / "work")
    assert not (tmp_path / "work").exists()


def test_a_missing_fast_model_leaves_no_work_folder(scene, tmp_path):
    with pytest.raises(NSTError, match="no_such_model"):
        video.stylize_video(
            scene[0][:2], STYLE, TINY, mode="fast", fast_model=str(tmp_path / "no_such_model"), work_dir=tmp_path / "w"
        )
    assert not (tmp_path / "w").exists()


@pytest.mark.vgg19
def test_the_sliced_style_loss_paints_a_clip(scene):
    frames = scene[0][:3]
    result = video.stylize_video(frames, STYLE, TINY.replace(style_loss="sliced", seed=1), first_steps=6)
    assert len(result.frames) == 3 and np.isfinite(result.style_loss).all()
    assert all(frame.shape == frames[0].shape for frame in result.frames)


def test_a_clip_of_tiny_frames_is_refused_as_a_tiny_image_is(tmp_path, capsys):
    tiny = [np.full((8, 8, 3), 0.5, np.float32)] * 3
    for suffix in (".gif", ".mp4"):
        clip = tmp_path / f"tiny{suffix}"
        video_io.write_video(tiny, clip, fps=5)
        with pytest.raises(NSTError, match="too small; need at least 16 px"):
            video_io.probe_video(clip)
        assert cli.main(["video", str(clip), str(STYLE), "-o", str(tmp_path / "out.gif"), "-q"]) == 2
        assert "too small" in capsys.readouterr().err
