"""``nst video``: stylise a clip without flicker from the shell.

    nst video INPUT STYLE [STYLE ...] -o OUT.mp4 [options]

INPUT is an MP4 (or anything ffmpeg reads), an animated GIF, or a folder of frame images.
Finished frames go to a work folder as they are done, so rerunning an interrupted command
resumes at the next unfinished frame; the video itself is written, atomically, at the end.
With ``--engine ray`` (or ``--chunk-frames``) the clip is stylised in cross-faded chunks, in
parallel on Ray workers (or one after another here).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import OptionError
from ..options import SUBCOMMAND_STYLE_OPTIONS, StyleOptions, VideoOptions, option_fields
from .command import (
    EXIT_INTERRUPTED,
    LazyProgressBar,
    Parser,
    interrupts_held,
    load_tensorflow,
    refuse_writing_over_inputs,
    run_command,
)
from .flags import add_option_flags, option_values

#: The StyleOptions ``nst video`` takes, with its own defaults (smaller and fewer steps per frame).
STYLE_OPTIONS = SUBCOMMAND_STYLE_OPTIONS["video"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``nst video``: the clip, then flags of VideoOptions and some StyleOptions."""
    parser = Parser(
        prog="nst video",
        description="Stylise every frame of a clip, each started from the previous result warped by the"
        " optical flow and held to it by a temporal loss (Ruder, Dosovitskiy and Brox 2016).",
        epilog="example:\n  nst video clip.mp4 images/starry_night.jpg -o out.mp4 --size 256 --steps 50",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", help="video file (.mp4, .gif, ...) or a folder of frame images")
    parser.add_argument(
        "styles",
        nargs="*",
        metavar="style",
        help="one or more style images; none with --mode fast and a network of nst train (--model X.tflite)",
    )
    parser.add_argument("-o", "--output", default="out.mp4", help="result, .mp4 or .gif (default: out.mp4)")
    parser.add_argument("--no-audio", action="store_true", help="do not copy the sound track into the MP4")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    style_fields = [(field, spec) for field, spec in option_fields() if field.name in STYLE_OPTIONS]
    add_option_flags(parser, option_fields(VideoOptions) + style_fields, STYLE_OPTIONS)
    return parser


def run(args: argparse.Namespace) -> int:
    """Stylise the clip as parsed arguments ask; returns the exit status."""
    options = StyleOptions(**option_values(args, StyleOptions))
    video = VideoOptions(**option_values(args, VideoOptions))

    from ..fast import ENV_MODEL, is_trained_network
    from ..image.io import load_image
    from ..video.io import check_video_output, probe_video, read_video, write_video

    model = video.fast_model or os.environ.get(ENV_MODEL)
    trained = video.mode == "fast" and is_trained_network(model)
    if trained and args.styles:
        raise OptionError(f"{model}: a trained network paints its own style; give no STYLE image")
    if not trained and not args.styles:
        raise OptionError("give a STYLE image (or --mode fast --model a network trained by nst train)")
    if video.engine == "ray":  # missing Ray is said before the clip is read
        from ..cluster import require_ray

        require_ray()

    load_tensorflow()
    from ..video.distribute import remove_chunks_work_dir, stylize_chunked
    from ..video.stylize import remove_work_dir, stylize_video

    output = check_video_output(args.output)
    refuse_writing_over_inputs(output, [args.input, *args.styles])
    for style in args.styles:  # a bad style fails now, not after reading the whole clip
        load_image(style)
    info = probe_video(args.input, video.fps)
    frames, fps = read_video(args.input, options.size, video.start, video.end, video.fps)
    chunk_frames = video.chunking()
    work_dir: Path | None
    if video.work_dir is not None:
        work_dir, keep = Path(video.work_dir), True
        if Path(args.input).is_dir() and work_dir.exists() and work_dir.samefile(args.input):
            raise OptionError(f"--work-dir {work_dir}: is the input frame folder; give another folder")
    elif video.address is not None:  # the workers of a remote cluster may not see this disk
        work_dir, keep = None, False
    else:
        work_dir, keep = output.with_name(f".{output.name}.frames"), False

    progress_bar = LazyProgressBar(len(frames), "frame", args.quiet)

    try:
        if chunk_frames is None:
            result = stylize_video(
                frames,
                args.styles or None,
                options,
                **{**video.stylize_settings(), "work_dir": work_dir},
                on_frame=lambda index, image: progress_bar.bar.update(1),
            )
        else:
            result = stylize_chunked(
                frames,
                args.styles or None,
                options,
                chunk_frames=chunk_frames,
                overlap=video.overlap,
                cut_threshold=video.cut_threshold,
                engine=video.engine,
                address=video.address,
                **{**video.stylize_settings(), "work_dir": work_dir},
                on_chunk=lambda index, chunk: progress_bar.bar.update(len(chunk) - chunk.fade_in),
            )
    except KeyboardInterrupt:
        progress_bar.close()
        if work_dir is not None and any(work_dir.rglob("frame_*.png")):
            print(f"nst video: interrupted; finished frames are in {work_dir}, rerun to resume", file=sys.stderr)
        else:
            print("nst video: interrupted before the first frame was finished; nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED
    progress_bar.close()
    whole_clip = video.start == 0 and video.end is None
    audio = args.input if info.has_audio and whole_clip and not args.no_audio else None
    with interrupts_held() as held:
        path = write_video(result.frames, output, fps, audio_from=audio)
    if held:
        print(f"nst video: interrupted; the finished clip was saved to {path}", file=sys.stderr)
        return EXIT_INTERRUPTED
    if work_dir is not None and not keep:
        (remove_work_dir if chunk_frames is None else remove_chunks_work_dir)(work_dir)
    height, width = result.frames[0].shape[:2]
    print(
        f"nst video: saved {path} ({len(result.frames)} frames, {width}x{height} px, {fps:g} fps"
        f"{', with sound' if audio else ''}; {result.resumed} resumed, {result.seconds:.1f} s"
        f"{_chunks_note(result)})",
        file=sys.stderr,
    )
    return 0


def _chunks_note(result: object) -> str:
    """The note on chunks of the final message (", in 3 chunks, 1 scene cut"), or nothing."""
    chunks = getattr(result, "chunks", None)
    if not chunks:
        return ""
    cuts = sum(1 for before, chunk in zip(chunks, chunks[1:], strict=False) if chunk.shot != before.shot)
    return f", in {len(chunks)} chunks, {cuts} scene cut{'s' if cuts != 1 else ''}"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``nst video``; returns the exit status (errors as one line, exit 2)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    return run_command(build_parser, run, argv, prog="nst video")


if __name__ == "__main__":
    sys.exit(main())
