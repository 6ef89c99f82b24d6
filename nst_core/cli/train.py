"""``nst train``: train a real-time network for one style from the shell (Johnson et al. 2016).

    nst train STYLE --data PHOTOS/ -o mystyle/ [--steps 2000] [--size 256] [--width 0.5] [--resume]

Translates arguments into one :func:`~nst_core.train.run.train_network` call, with a progress
bar of the loss parts. Ctrl-C, a kill (SIGTERM) or a closed terminal (SIGHUP) save a
checkpoint and exit with 130; ``--resume`` continues from it. Errors in the user's input are
one line on stderr with exit status 2, before anything is written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import OptionError
from ..options import TrainOptions, option_fields
from .command import EXIT_INTERRUPTED, LazyProgressBar, Parser, load_tensorflow, run_command
from .flags import add_option_flags, option_values


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``nst train``: the style, the photos, the output and TrainOptions' flags."""
    parser = Parser(
        prog="nst train",
        description="Train a feed-forward network that paints any photo in one style in a single pass"
        " (Johnson, Alahi and Fei-Fei 2016), on the loss nst optimises, from a folder of your photos.",
        epilog="writes to OUTPUT: checkpoints/, previews/step_NNNNNN.png, and at the end model.keras,"
        " model_float16.tflite and model_int8.tflite\n\n"
        "example:\n"
        "  nst train images/starry_night.jpg --data photos/ -o starry/ --steps 2000\n"
        "  nst fast photo.jpg --model starry/model_float16.tflite -o out.png",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("style", help="the style image: file path or http(s) URL")
    parser.add_argument("--data", required=True, metavar="PHOTOS", help="folder of training photos (and subfolders)")
    parser.add_argument(
        "-o", "--output", default="style_network", help="folder for checkpoints, previews and the models"
    )
    parser.add_argument("--resume", action="store_true", help="continue the run in OUTPUT from its last checkpoint")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_option_flags(parser, option_fields(TrainOptions))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``nst train`` with ``argv`` (without the ``train``); returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    return run_command(build_parser, run, argv, prog="nst train")


def _check_output(output: Path, data: Path) -> None:
    """Refuse an output folder that is a file, or is (or lies in) the photo folder."""
    if output.exists() and not output.is_dir():
        raise OptionError(f"{output}: is a file; give a folder for the trained network")
    resolved, photos = output.resolve(), data.resolve()
    if resolved == photos or photos in resolved.parents:
        raise OptionError(f"{output}: is inside the photo folder {data}; its previews would become training photos")


def run(args: argparse.Namespace) -> int:
    """Train as parsed arguments ask; returns the exit status."""
    options = TrainOptions(**option_values(args, TrainOptions))
    output = Path(args.output).expanduser()
    _check_output(output, Path(args.data).expanduser())
    load_tensorflow()
    from ..train import train_network

    progress_bar = LazyProgressBar(options.steps, "step", args.quiet)
    done = {"step": None}

    def report(progress) -> None:
        done["step"] = progress.step
        progress_bar.advance_to(progress.step)  # a resumed run's bar starts at its checkpoint's step
        progress_bar.bar.set_postfix({k: f"{v:.3g}" for k, v in progress.losses.items()}, refresh=False)

    try:
        result = train_network(args.style, args.data, options, output, callback=report, resume=args.resume)
    except KeyboardInterrupt:
        progress_bar.close()
        if done["step"] is None:
            print("nst train: interrupted before a step ended; nothing new written", file=sys.stderr)
        else:
            print(
                f"nst train: interrupted after step {done['step']}; saved a checkpoint in {output},"
                " continue with --resume",
                file=sys.stderr,
            )
        return EXIT_INTERRUPTED
    progress_bar.close()
    names = ", ".join(path.name for path in result.files.values())
    loss = f", loss {result.losses['total']:.4g}" if result.losses else ""
    print(f"nst train: saved {names} in {output} ({result.step} steps, {result.seconds:.1f} s{loss})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
