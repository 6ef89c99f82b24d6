"""``nst regions``: show the automatic regions of a photo, numbered, to choose a style for each.

    nst regions CONTENT -o regions.png [--regions 4] [--size 512]

Writes the photo with the regions' borders and big numbers
(:func:`~nst_core.image.regions.region_overlay`) and prints each region's number and share
of the photo; ``nst CONTENT STYLE1 STYLE2 --regions 4 --style-masks 1+2 3`` then paints them.
Use the same ``--regions`` in both commands; the split does not depend on ``--size``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..options import StyleOptions, option_fields
from .command import Parser, interrupts_held, refuse_writing_over_inputs, run_command
from .flags import add_option_flags

#: Regions when ``--regions`` is not given.
DEFAULT_REGIONS = 4


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``nst regions``."""
    parser = Parser(
        prog="nst regions",
        description="Split a photo into a few regions automatically and write a picture of them, numbered,"
        " so that --style-masks can give each region a style (or none) by number.",
        epilog="example:\n  nst regions images/tubingen.jpg -o regions.png --regions 4\n"
        "  nst images/tubingen.jpg images/starry_night.jpg images/the_scream.jpg --regions 4"
        " --style-masks 1+2 3 -o out.png\n  (style 1 paints regions 1 and 2, style 2 region 3; region 4 keeps"
        " the photo)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("content", help="content image: file path or http(s) URL")
    parser.add_argument("-o", "--output", default="regions.png", help="picture to write (default: regions.png)")
    fields = [(field, spec) for field, spec in option_fields() if field.name in ("size", "regions")]
    add_option_flags(parser, fields, {"regions": {"default": DEFAULT_REGIONS}})
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``nst regions`` with ``argv`` (without the ``regions``); returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    return run_command(build_parser, run, argv, prog="nst regions")


def run(args: argparse.Namespace) -> int:
    """Split, draw and describe the regions as parsed arguments ask; returns the exit status."""
    import numpy as np

    from ..image.io import check_output_path, load_image, save_image
    from ..image.regions import photo_regions, region_overlay

    output = check_output_path(args.output)
    refuse_writing_over_inputs(output, [args.content])
    options = StyleOptions(size=args.size, regions=args.regions)  # checks both
    assert options.regions is not None
    photo = load_image(args.content, options.size)
    labels = photo_regions(args.content, options.regions, photo.shape[:2])
    with interrupts_held():
        path = save_image(region_overlay(photo, labels), output)
    height, width = labels.shape
    for number in np.unique(labels):
        rows, cols = np.nonzero(labels == number)
        where = _place(rows.mean() / height, cols.mean() / width)
        print(f"region {number}: {100 * rows.size / labels.size:.0f}% of the photo, {where}")
    print(f"nst regions: saved {path} ({width}x{height} px, {labels.max()} regions)", file=sys.stderr)
    return 0


def _place(row: float, col: float) -> str:
    """Where a centre at fractions (row, col) of the photo is, in words."""
    vertical = "top" if row < 1 / 3 else "bottom" if row > 2 / 3 else "middle"
    horizontal = "left" if col < 1 / 3 else "right" if col > 2 / 3 else "centre"
    return f"{vertical} {horizontal}" if (vertical, horizontal) != ("middle", "centre") else "centre"
