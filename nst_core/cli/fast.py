"""``nst fast``: real-time arbitrary stylisation from the shell (Magenta, Ghiasi et al. 2017).

    nst fast CONTENT STYLE [STYLE ...] -o OUT.png [--strength 0.7] [--size 512]
    nst fast CONTENT --model mystyle.tflite -o OUT.png     (a network of nst train: no STYLE)

Translates arguments into one :func:`~nst_core.fast.fast_stylize` call; errors in the
user's input are one line on stderr with exit status 2 and nothing is written.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence

from ..errors import OptionError
from ..options import SUBCOMMAND_STYLE_OPTIONS, FastOptions, option_fields
from .command import EXIT_INTERRUPTED, Parser, interrupts_held, refuse_writing_over_inputs, run_command
from .flags import add_option_flags, option_values

#: The StyleOptions ``nst fast`` takes (the network has no steps, weights or layers).
STYLE_OPTIONS = SUBCOMMAND_STYLE_OPTIONS["fast"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``nst fast``: the images, then flags of FastOptions and some StyleOptions."""
    from ..fast import DEFAULT_HUB_HANDLE, ENV_MODEL, ENV_MODELS_DIR

    parser = Parser(
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
        "  nst fast images/tubingen.jpg images/starry_night.jpg -o out.png --strength 0.8\n"
        "  nst fast images/tubingen.jpg --model mystyle/model_float16.tflite -o out.png   (trained by nst train)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("content", help="content image: file path or http(s) URL")
    parser.add_argument(
        "styles",
        nargs="*",
        metavar="style",
        help="one or more style images; none with a network of nst train (--model X.keras or X.tflite)",
    )
    parser.add_argument("-o", "--output", default="out.png", help="result file, .png or .jpg (default: out.png)")
    style_fields = [(field, spec) for field, spec in option_fields() if field.name in STYLE_OPTIONS]
    add_option_flags(parser, style_fields + option_fields(FastOptions), STYLE_OPTIONS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``nst fast`` with ``argv`` (without the ``fast``); returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    return run_command(build_parser, run, argv, prog="nst fast")


def run(args: argparse.Namespace) -> int:
    """Paint as parsed arguments ask; returns the exit status."""
    from ..fast import ENV_MODEL, fast_stylize, is_trained_network, load_fast_model, normalise_blend_weights
    from ..image.io import MIN_SIDE, check_output_path, load_image, save_image

    output = check_output_path(args.output)
    fast = FastOptions(**option_values(args, FastOptions))
    trained = is_trained_network(fast.model or os.environ.get(ENV_MODEL))
    if trained and args.styles:
        raise OptionError(
            f"{fast.model or os.environ.get(ENV_MODEL)}: a trained network paints its own style; give no STYLE image"
        )
    if not trained and not args.styles:
        raise OptionError("give a STYLE image (or --model a network trained by nst train, a .keras or .tflite file)")
    refuse_writing_over_inputs(
        output, [args.content, *args.styles, *(args.style_masks or ()), *([fast.model] if trained else [])]
    )
    # Read every image and check every option first: a mistake fails before the model loads.
    content = load_image(args.content, args.size)
    if min(content.shape[:2]) < MIN_SIDE:  # a long, thin photo at a small --size
        height, width = content.shape[:2]
        raise OptionError(
            f"{args.content}: at --size {args.size} it would be {width}x{height} px; need at least {MIN_SIDE} px"
            " on each side (raise --size)"
        )
    styles = [load_image(s) for s in args.styles]
    if not trained:
        normalise_blend_weights(args.style_blend_weights, len(styles))
    masks = _masks(args, content, 1 if trained else len(styles))  # a trained network is one style
    model = load_fast_model(fast.model, backend=fast.backend)
    start = time.perf_counter()
    if masks is not None:
        from ..fast.regions import fast_stylize_regions

        image = fast_stylize_regions(
            content, styles, masks, model=model, strength=fast.strength, preserve_colors=args.preserve_colors
        )
    else:
        image = fast_stylize(
            content,
            styles or None,
            strength=fast.strength,
            model=model,
            blend_weights=args.style_blend_weights,
            preserve_colors=args.preserve_colors,
        )
    seconds = time.perf_counter() - start
    with interrupts_held() as held:
        path = save_image(image, output)
    if held:
        print(f"nst fast: interrupted; the finished picture was saved to {path}", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(
        f"nst fast: saved {path} ({image.shape[1]}x{image.shape[0]} px, {model.backend}, {seconds:.2f} s)",
        file=sys.stderr,
    )
    return 0


def _masks(args: argparse.Namespace, content, styles: int):
    """The soft masks of ``--style-masks`` at the photo's size, or None without them (checked like nst's)."""
    from ..image.masks import check_mask_count, style_masks
    from ..options import StyleOptions

    if args.style_masks is None:
        return None
    if args.style_blend_weights is not None:
        raise OptionError("--style-blend-weights and --style-masks: each style paints its own region; give one")
    options = StyleOptions(style_masks=args.style_masks, regions=args.regions, mask_feather=args.mask_feather)
    assert options.style_masks is not None
    check_mask_count(options.style_masks, styles)
    # style_masks reads each picture once, with check_mask_sources' one-line errors.
    return style_masks(options.style_masks, content, options.regions, options.mask_feather, args.content)
