"""``nst video``: stylise a clip without flicker from the shell.

    nst video INPUT STYLE [STYLE ...] -o OUT.mp4 [options]

INPUT is an MP4 (or anything ffmpeg reads), an animated GIF, or a folder of frame images.
Finished frames go to a work folder as they are done, so rerunning an interrupted command
resumes at the next unfinished frame; the video itself is written, atomically, at the end.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from ..engine.choices import STYLE_LOSSES
from ..engine.precision import PRECISIONS
from ..errors import OptionError
from ..options import StyleOptions
from .main import EXIT_INTERRUPTED, PRECISION_HELP, _Parser, run_command

DEFAULTS = StyleOptions(size=256, steps=50)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``nst video``."""
    from ..video.stylize import DEFAULT_FAST_BLEND, DEFAULT_TEMPORAL_WEIGHT, MODES

    d = DEFAULTS
    parser = _Parser(
        prog="nst video",
        description="Stylise every frame of a clip, each started from the previous result warped by the"
        " optical flow and held to it by a temporal loss (Ruder, Dosovitskiy and Brox 2016).",
        epilog="example:\n  nst video clip.mp4 images/starry_night.jpg -o out.mp4 --size 256 --steps 50",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", help="video file (.mp4, .gif, ...) or a folder of frame images")
    parser.add_argument("styles", nargs="+", metavar="style", help="one or more style images")
    parser.add_argument("-o", "--output", default="out.mp4", help="result, .mp4 or .gif (default: out.mp4)")
    parser.add_argument(
        "-s", "--size", type=int, default=d.size, help=f"longest side of the frames in pixels (default: {d.size})"
    )
    parser.add_argument(
        "-n", "--steps", type=int, default=d.steps, help=f"optimisation steps per frame (default: {d.steps})"
    )
    parser.add_argument("--first-steps", type=int, help="steps for the first frame (default: 2 x --steps)")
    parser.add_argument(
        "--temporal-weight",
        type=float,
        default=DEFAULT_TEMPORAL_WEIGHT,
        help=f"weight of the temporal loss; 0 turns it off (default: {DEFAULT_TEMPORAL_WEIGHT:g})",
    )
    parser.add_argument("--start", type=int, default=0, help="first frame to stylise, 0-based (default: 0)")
    parser.add_argument("--end", type=int, help="stop before this frame (default: the last frame)")
    parser.add_argument(
        "--fps", type=float, help="frame rate to write (default: the source's; 24 for a folder of frames)"
    )
    parser.add_argument(
        "--mode", choices=MODES, default="optimize", help="optimize (Gatys, default) or fast (feed-forward)"
    )
    parser.add_argument(
        "--blend",
        type=float,
        default=DEFAULT_FAST_BLEND,
        help=f"fast mode: share of the warped previous frame kept in reliable pixels (default: {DEFAULT_FAST_BLEND})",
    )
    parser.add_argument(
        "--model",
        help="fast mode: model location, as nst fast --model (default: $NST_FAST_MODEL, else the .tflite pair in $NST_MODELS_DIR, else TensorFlow Hub)",
    )
    parser.add_argument(
        "--refine-steps",
        type=int,
        default=0,
        help="fast mode: optimisation steps with the temporal loss on each network output (default: 0)",
    )
    parser.add_argument(
        "--work-dir", help="folder for finished frames, kept for resuming (default: .OUT.frames beside OUT, removed)"
    )
    look = parser.add_argument_group("per-frame optimisation")
    look.add_argument("--content-weight", type=float, default=d.content_weight, help=f"(default: {d.content_weight:g})")
    look.add_argument(
        "--style-weight",
        type=float,
        default=d.style_weight,
        help=f"style strength, the same for every painting: 1 light, 10 strong, 100 very strong (default: {d.style_weight:g})",
    )
    look.add_argument("--tv-weight", type=float, default=d.tv_weight, help=f"(default: {d.tv_weight:g})")
    look.add_argument("--style-scale", type=float, default=d.style_scale, help="style size relative to --size")
    look.add_argument("--optimizer", choices=("lbfgs", "adam"), default=d.optimizer, help="(default: lbfgs)")
    look.add_argument(
        "--style-loss", choices=STYLE_LOSSES, default=d.style_loss, help=f"(default: {d.style_loss}; see nst --help)"
    )
    look.add_argument(
        "--preserve-colors", choices=("none", "histogram"), default="none", help="recolour the style (default: none)"
    )
    look.add_argument(
        "--precision",
        choices=PRECISIONS,
        default=d.precision,
        help=PRECISION_HELP,
    )
    parser.add_argument("--no-audio", action="store_true", help="do not copy the sound track into the MP4")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    return parser


def run(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from ..image.io import load_image
    from ..video.io import check_video_output, probe_video, read_video, write_video
    from ..video.stylize import stylize_video

    output = check_video_output(args.output)
    options = StyleOptions(
        size=args.size,
        steps=args.steps,
        content_weight=args.content_weight,
        style_weight=args.style_weight,
        tv_weight=args.tv_weight,
        style_scale=args.style_scale,
        optimizer=args.optimizer,
        style_loss=args.style_loss,
        preserve_colors=args.preserve_colors,
        precision=args.precision,
    )
    if args.fps is not None and args.fps <= 0:
        raise OptionError(f"--fps must be > 0, got {args.fps}")
    for style in args.styles:  # a bad style fails now, not after reading the whole clip
        load_image(style)
    info = probe_video(args.input, args.fps)
    frames, fps = read_video(args.input, options.size, args.start, args.end, args.fps)
    if args.work_dir is not None:
        work_dir, keep = Path(args.work_dir), True
    else:
        work_dir, keep = output.with_name(f".{output.name}.frames"), False

    bar = tqdm(total=len(frames), unit="frame", disable=args.quiet, dynamic_ncols=True, file=sys.stderr)
    try:
        result = stylize_video(
            frames,
            args.styles,
            options,
            first_steps=args.first_steps,
            temporal_weight=args.temporal_weight,
            mode=args.mode,
            fast_blend=args.blend,
            fast_model=args.model,
            fast_refine_steps=args.refine_steps,
            work_dir=work_dir,
            on_frame=lambda index, image: bar.update(1),
        )
    except KeyboardInterrupt:
        bar.close()
        print(f"nst video: interrupted; finished frames are in {work_dir}, rerun to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    bar.close()
    whole_clip = args.start == 0 and args.end is None
    audio = args.input if info.has_audio and whole_clip and not args.no_audio else None
    path = write_video(result.frames, output, fps, audio_from=audio)
    if not keep:
        shutil.rmtree(work_dir, ignore_errors=True)
    height, width = result.frames[0].shape[:2]
    print(
        f"nst video: saved {path} ({len(result.frames)} frames, {width}x{height} px, {fps:g} fps"
        f"{', with sound' if audio else ''}; {result.resumed} resumed, {result.seconds:.1f} s)",
        file=sys.stderr,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``nst video``; returns the exit status (errors as one line, exit 2)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    return run_command(build_parser, run, argv, prog="nst video")


if __name__ == "__main__":
    from .main import main as nst_main

    sys.exit(nst_main(["video", *sys.argv[1:]]))
