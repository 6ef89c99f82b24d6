"""The ``nst`` command's own run: style transfer from the shell.

    nst CONTENT STYLE [STYLE ...] -o OUT.png [options]

Only translates arguments into :class:`~nst_core.options.StyleOptions` and a call of
:func:`~nst_core.stylize`; errors in the user's input are printed as one line on stderr
with exit status 2, Ctrl-C saves the best image so far (once a step has ended) and exits
with 130.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import Field
from pathlib import Path

from .. import __version__
from ..errors import NSTError
from ..options import INIT_CHOICES, OptionSpec, StyleOptions, option_fields
from .command import (
    EXIT_INTERRUPTED,
    SUBCOMMANDS,
    LazyProgressBar,
    Parser,
    interrupts_held,
    load_tensorflow,
    refuse_writing_over_inputs,
)
from .flags import add_option_flags, option_values


def build_parser(fields: Sequence[tuple[Field, OptionSpec]] | None = None) -> argparse.ArgumentParser:
    """The argument parser of the main command: a flag for every option of ``fields``.

    ``fields`` defaults to :func:`~nst_core.options.option_fields`, every StyleOptions field.
    """
    sub = "".join(f"\n  nst {name} ...   {help_text}" for name, (_, help_text) in SUBCOMMANDS.items())
    parser = Parser(
        prog="nst",
        description="Paint a photo in the style of one or more paintings (Gatys et al. 2016), "
        "with VGG19 features and L-BFGS or Adam.",
        epilog=("other commands:" + sub + "\n\n" if sub else "")
        + "example:\n  nst images/tubingen.jpg images/starry_night.jpg -o out.png",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s (nst_core {__version__})")
    parser.add_argument("content", help="content image: file path or http(s) URL")
    parser.add_argument("styles", nargs="+", metavar="style", help="one or more style images")
    parser.add_argument("-o", "--output", default="out.png", help="result file, .png or .jpg (default: out.png)")
    add_option_flags(parser, option_fields() if fields is None else fields)

    report = parser.add_argument_group("progress")
    report.add_argument(
        "--save-every",
        type=int,
        default=0,
        metavar="N",
        help="also save OUT_0050.png ... every N steps (default: 0, never)",
    )
    report.add_argument(
        "--print-every", type=int, default=0, metavar="N", help="print the loss parts every N steps (default: 0, never)"
    )
    report.add_argument(
        "--report",
        action="store_true",
        help="after the run, print how stylised the result is: style and content distance and an independent"
        " style judge (a few seconds more)",
    )
    report.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    return parser


def options_from_args(args: argparse.Namespace) -> StyleOptions:
    """StyleOptions from parsed arguments (validated there); options without a flag keep their default."""
    return StyleOptions(**option_values(args, StyleOptions))


def numbered_path(output: Path, step: int) -> Path:
    """``out.png`` -> ``out_0050.png`` for intermediate results."""
    return output.with_name(f"{output.stem}_{step:04d}{output.suffix}")


def run(args: argparse.Namespace) -> int:
    """Stylise as parsed arguments ask; returns the exit status."""
    from ..image.io import check_output_path, save_image

    output = check_output_path(args.output)
    options = options_from_args(args)
    refuse_writing_over_inputs(
        output,
        [args.content, *args.styles, options.init, *(options.style_masks or ()), *(options.style_image_masks or ())],
    )
    for name in ("save_every", "print_every"):
        if getattr(args, name) < 0:
            raise NSTError(f"--{name.replace('_', '-')} must be >= 0, got {getattr(args, name)}")
    if not isinstance(options.init, str) or options.init not in INIT_CHOICES:
        from ..errors import ImageError
        from ..image.io import load_image

        try:
            load_image(options.init)  # a bad --init file fails now, not after loading VGG19
        except ImageError as err:  # perhaps a misspelt choice
            raise ImageError(f"{err}; --init takes {', '.join(INIT_CHOICES)} or an image file") from None

    from ..image.masks import check_mask_sources

    check_mask_sources(options.style_masks, len(args.styles))
    check_mask_sources(options.style_image_masks, len(args.styles), "style image masks")
    load_tensorflow()  # once the arguments are known to be good
    from ..api import stylize
    from ..engine.pyramid import planned_steps

    total = planned_steps(options.size, options.steps, options.pyramid_levels, options.pyramid_start_size)
    progress_bar = LazyProgressBar(total, "step", args.quiet)

    def report(progress) -> None:
        bar = progress_bar.bar
        bar.update(progress.step - bar.n)
        bar.set_postfix(loss=f"{progress.losses['total']:.4g}", refresh=False)
        if args.print_every and progress.step % args.print_every == 0:
            parts = "  ".join(f"{k} {v:.4g}" for k, v in progress.losses.items())
            bar.write(f"step {progress.step}/{progress.steps}  {parts}", file=sys.stderr)
        if args.save_every and progress.step % args.save_every == 0:
            save_image(progress.image, numbered_path(output, progress.step))

    try:
        result = stylize(args.content, args.styles, options=options, callback=report, callback_every=1)
    finally:
        progress_bar.close()
    if result.stopped == "interrupted" and result.steps == 0:  # the start image: not worth replacing a file
        print("nst: interrupted before the first step ended; nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED
    with interrupts_held() as held:
        path = result.save(output)
    steps = f"{result.steps} step{'' if result.steps == 1 else 's'}"
    if result.stopped == "diverged":
        print(
            f"nst: warning: the loss became infinite or NaN after {steps} (are the weights too large?);"
            " saved the best image before that",
            file=sys.stderr,
        )
    if result.stopped == "interrupted" or held:
        print(f"nst: interrupted after {steps}; saved the best image so far to {path}", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(
        f"nst: saved {path} ({result.image.shape[1]}x{result.image.shape[0]} px, {steps},"
        f" {result.seconds:.1f} s, loss {result.loss:.4g})",
        file=sys.stderr,
    )
    if args.report:
        try:
            print(result.quality())
        except KeyboardInterrupt:
            print(f"nst: interrupted during the report; the image was saved to {path}", file=sys.stderr)
            return EXIT_INTERRUPTED
        except NSTError as err:  # the picture is fine and saved; only its measurement failed
            print(f"nst: warning: no quality report: {err}", file=sys.stderr)
    return 0
