"""Long clips across workers at 64 px with the real VGG19 weights: the local and the Ray engine."""

import sys
from pathlib import Path

import numpy as np
import pytest

from nst_core import cli
from nst_core.errors import OptionError
from nst_core.image.io import save_image
from nst_core.options import StyleOptions, style_options_for
from nst_core.video import io as video_io
from nst_core.video.distribute import remove_chunks_work_dir, stylize_chunked
from nst_core.video.stylize import stylize_video

from .test_chunks import two_shots

ROOT = Path(__file__).resolve().parents[2]
STYLE = ROOT / "images" / "starry_night.jpg"
TINY = StyleOptions(size=64, steps=2, seed=0)


@pytest.fixture(scope="module")
def clip():
    return two_shots(6, 4)  # 10 frames, a scene cut before frame 6


def _frame_folder(frames, folder):
    folder.mkdir()
    for index, frame in enumerate(frames):
        save_image(frame, folder / f"f{index:02d}.png")
    return folder


@pytest.mark.vgg19
def test_a_chunked_run_writes_every_frame_and_a_rerun_reuses_the_chunks(clip, tmp_path, capsys):
    source, out, work = _frame_folder(clip, tmp_path / "frames"), tmp_path / "out.gif", tmp_path / "work"
    argv = ["video", str(source), str(STYLE), "-o", str(out), "-s", "64", "--steps", "2", "--first-steps", "2"]
    argv += ["--fps", "8", "--chunk-frames", "4", "--overlap", "1", "--work-dir", str(work), "-q"]
    assert cli.main(argv) == 0
    message = capsys.readouterr().err
    assert "10 frames" in message and "in 3 chunks, 1 scene cut" in message  # [0, 4) [3, 6) | cut | [6, 10)
    assert video_io.probe_video(out).frame_count == 10
    folders = ["chunk_00000-00003", "chunk_00003-00005", "chunk_00006-00009"]
    assert sorted(p.name for p in work.iterdir()) == [*folders, "settings.json"]
    assert cli.main(argv) == 0
    assert "11 resumed" in capsys.readouterr().err  # every chunk's frames, the shared one twice
    # Cleaning up removes what the run made and nothing else.
    (work / folders[0] / "notes.txt").write_text("mine")
    remove_chunks_work_dir(work)
    assert [p.relative_to(work).as_posix() for p in sorted(work.rglob("*"))] == [folders[0], f"{folders[0]}/notes.txt"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--chunk-frames", "4", "--overlap", "4"], "overlap must be smaller than chunk_frames (4)"),
        (["--engine", "ray", "--overlap", "60"], "overlap must be smaller than chunk_frames (48)"),
        (["--engine", "ray", "--no-ray"], 'pip install "nst-core[ray]"'),
        (["--cut-threshold", "2"], "cut_threshold must be"),
    ],
)
def test_bad_values_are_one_line_and_exit_2(clip, tmp_path, capsys, monkeypatch, args, message):
    if "--no-ray" in args:
        args = [a for a in args if a != "--no-ray"]
        monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    source, out = _frame_folder(clip[:3], tmp_path / "frames"), tmp_path / "out.gif"
    code = cli.main(["video", str(source), str(STYLE), "-o", str(out), "-s", "64", "-q", *args])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("nst video: error:") and "\n" not in err and message in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["frames"]


@pytest.fixture(scope="module")
def ray_cluster():
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'nst-core[ray]')")
    from nst_core.cluster import connect

    for attempt in range(2):  # Ray gives its node 30 s to start, which a loaded machine can miss once
        try:
            connect(num_cpus=2)  # as the commands connect: the stop-signal handlers are kept
            break
        except Exception:
            ray.shutdown()
            if attempt:
                raise
    yield ray
    ray.shutdown()


@pytest.mark.vgg19
def test_the_ray_engine_paints_what_the_local_engine_paints_and_its_chunks_resume(clip, ray_cluster, tmp_path):
    settings = {"chunk_frames": 4, "overlap": 1, "first_steps": 2}
    on_ray = stylize_chunked(clip, STYLE, TINY, engine="ray", work_dir=tmp_path / "work", **settings)
    local = stylize_chunked(clip, STYLE, TINY, **settings)
    assert len(on_ray.frames) == len(local.frames) == 10
    for ray_frame, local_frame in zip(on_ray.frames, local.frames, strict=True):
        np.testing.assert_array_equal(ray_frame, local_frame)
    # The workers' finished chunks are the local engine's to resume (read back from 8-bit PNG).
    resumed = stylize_chunked(clip, STYLE, TINY, work_dir=tmp_path / "work", **settings)
    assert resumed.resumed == 11
    for again, first in zip(resumed.frames, on_ray.frames, strict=True):
        np.testing.assert_allclose(again, first, atol=1 / 255 + 1e-6)


@pytest.mark.fast_models
def test_histogram_colours_give_a_chunked_clip_the_palette_of_its_first_frame_as_a_whole_run_does(clip):
    # Two shots of different colours: each chunk's first frame has its own palette.
    options = StyleOptions(size=64, preserve_colors="histogram")
    settings = {"mode": "fast", "fast_blend": 0.0}  # every frame painted on its own
    whole = stylize_video(clip, STYLE, options, **settings)
    chunked = stylize_chunked(clip, STYLE, options, chunk_frames=3, overlap=0, **settings)
    for index, (chunk_frame, whole_frame) in enumerate(zip(chunked.frames, whole.frames, strict=True)):
        np.testing.assert_allclose(chunk_frame, whole_frame, atol=1e-5, err_msg=f"frame {index}")


def test_a_chunked_clip_without_options_takes_nst_videos_defaults(clip, tmp_path):
    # As stylize_video: the work folder's plan holds the options, so whether a second run
    # resumes the first tells if they match (fast mode: no optimisation, only the check).
    work, settings = tmp_path / "work", {"mode": "fast", "chunk_frames": 4, "overlap": 1}
    first = stylize_chunked(clip[:4], STYLE, work_dir=work, **settings)
    assert first.resumed == 0
    with pytest.raises(OptionError, match="different"):
        stylize_chunked(clip[:4], STYLE, StyleOptions(), work_dir=work, **settings)
    assert stylize_chunked(clip[:4], STYLE, style_options_for("video"), work_dir=work, **settings).resumed == 4
