"""``nst fast``: real-time arbitrary stylisation from the shell (Magenta, Ghiasi et al. 2017).

    nst fast CONTENT STYLE [STYLE ...] -o OUT.png [--strength 0.7] [--size 512]

Translates arguments into one :func:`~nst_core.fast.fast_stylize` call; errors in the
user's input are one line on stderr with exit status 2 and nothing is written.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from ..engine.color import PRESERVE_COLORS  # noqa: E402
from ..errors import OptionError  # noqa: E402
from .main import _Parser, run_command  # noqa: E402

DEFAULT_SIZE = 512


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``nst fast``."""
    from ..fast import BACKENDS, DEFAULT_HUB_HANDLE, ENV_MODEL, ENV_MODELS_DIR

    parser = _Parser(
        prog="nst fast",
        description="Paint a photo in the style of any painting in one forward pass of Magenta's "
        "arbitrary stylisation network (Ghiasi et al. 2017): about a second on a CPU.",
        epilog="model: --model, else $"
        + ENV_MODEL
        + ", else the .tflite pair in $"
        + ENV_MODELS_DIR
        + ", else "
        + DEFAULT_HUB_HANDLE
        + "\n\nexample:\n"
        "  nst fast images/tubingen.jpg images/starry_night.jpg -o out.png --strength 0.8",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("content", help="content image: file path or http(s) URL")
    parser.add_argument("styles", nargs="+", metavar="style", help="one or more style images")
    parser.add_argument("-o", "--output", default="out.png", help="result file, .png or .jpg (default: out.png)")
    parser.add_argument(
        "-s",
        "--size",
        type=int,
        default=DEFAULT_SIZE,
        help=f"longest side of the result in pixels (default: {DEFAULT_SIZE})",
    )
    parser.add_argument(
        "--strength", type=float, default=1.0, help="0 keeps the content's look, 1 is the full style (default: 1)"
    )
    parser.add_argument(
        "--style-blend-weights",
        type=float,
        nargs="+",
        metavar="W",
        help="relative weight of each style (default: equal)",
    )
    parser.add_argument(
        "--preserve-colors", choices=PRESERVE_COLORS, default="none", help="keep the content's colours (default: none)"
    )
    parser.add_argument(
        "--model", help="Hub handle or URL, SavedModel folder, .tflite folder, or 'predict.tflite,transfer.tflite'"
    )
    parser.add_argument("--backend", choices=BACKENDS, default="auto", help="(default: auto, by what --model is)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``nst fast`` with ``argv`` (without the ``fast``); returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    return run_command(build_parser, run, argv, prog="nst fast")


def run(args: argparse.Namespace) -> int:
    from ..fast import check_strength, fast_stylize, load_fast_model, normalise_blend_weights
    from ..image.io import MIN_SIDE, check_output_path, load_image, save_image

    output = check_output_path(args.output)
    check_strength(args.strength)
    # Read every image and check every option first: a mistake fails before the model loads.
    content = load_image(args.content, args.size)
    if min(content.shape[:2]) < MIN_SIDE:  # a long, thin photo at a small --size
        height, width = content.shape[:2]
        raise OptionError(
            f"{args.content}: at --size {args.size} it would be {width}x{height} px; need at least {MIN_SIDE} px"
            " on each side (raise --size)"
        )
    styles = [load_image(s) for s in args.styles]
    normalise_blend_weights(args.style_blend_weights, len(styles))
    model = load_fast_model(args.model, backend=args.backend)
    start = time.perf_counter()
    image = fast_stylize(
        content,
        styles,
        strength=args.strength,
        model=model,
        blend_weights=args.style_blend_weights,
        preserve_colors=args.preserve_colors,
    )
    seconds = time.perf_counter() - start
    path = save_image(image, output)
    print(
        f"nst fast: saved {path} ({image.shape[1]}x{image.shape[0]} px, {model.backend}, {seconds:.2f} s)",
        file=sys.stderr,
    )
    return 0
