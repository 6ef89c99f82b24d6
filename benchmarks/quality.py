"""Result quality against jcjohnson/neural-style's published outputs: numbers, a picture sheet, a Pareto plot.

    python -m benchmarks.quality                      # the table and the picture sheet, 512 px
    python -m benchmarks.quality --sweep              # also the style-weight sweep and its plot
    python -m benchmarks.quality --methods default sliced --size 256 --steps 100 --name quality_256
    python -m benchmarks.quality --methods default --variant "cl45=--content-layers block4_conv2,block5_conv2" \
        --name quality_512_cl45 --sheet /tmp/cl45.jpg   # a candidate default, beside today's
    python -m benchmarks.quality --methods default --pairs starry --repeats 3 --name quality_512_repeats \
        --sheet /tmp/repeats.jpg   # how far runs of the same settings differ

For each reference pair of ``../shared/eval/jcjohnson/`` (the Tübingen photo painted as The
Starry Night, The Scream and The Shipwreck, 512x384 px), every method (our defaults, and each
style loss at its default weight, and each ``--variant``: the defaults changed by ``nst``'s own
flags) paints the same pair at ``--size``; the three numbers of
:mod:`nst_core.metrics` are measured for it and for jcjohnson's output, all at the size of
the output being measured. Writes ``benchmarks/results/NAME.{json,md}`` and the picture sheet
``docs/quality_sheet.jpg`` (content, style, jcjohnson's, ours). With ``--sweep``, a sweep of
style weights per style loss at ``--sweep-size`` px gives ``benchmarks/results/NAME_sweep.{json,md}``
and ``docs/quality_pareto.png`` (style distance against content distance, jcjohnson's point
on each). Needs ``$NST_MODELS_DIR`` (or ``../shared/models``) for the judge's model.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shlex
import sys
import time
from pathlib import Path

import numpy as np

from .common import ROOT, machine, machine_note, markdown_table, write_results

SHARED = ROOT.parent / "shared"
REFERENCES = SHARED / "eval" / "jcjohnson"
CONTENT = ROOT / "images" / "tubingen.jpg"
PAIRS = {
    "starry": ROOT / "images" / "starry_night.jpg",
    "scream": ROOT / "images" / "the_scream.jpg",
    "shipwreck": ROOT / "images" / "shipwreck.jpg",
}
#: Methods by name: StyleOptions fields that differ from the defaults.
METHODS: dict[str, dict] = {
    "default": {},
    "gram": {"style_loss": "gram"},
    "sliced": {"style_loss": "sliced"},
}
DOCS = ROOT / "docs"


def variant(text: str) -> tuple[str, dict]:
    """``NAME=FLAGS``: a method named NAME, the defaults changed by ``nst``'s FLAGS; (name, changes).

    The flags go through the ``nst`` command's own parser and :class:`~nst_core.options.StyleOptions`,
    so a candidate default is written, checked and measured as a user would give it.
    """
    from nst_core.cli.stylize import build_parser, options_from_args
    from nst_core.errors import NSTError
    from nst_core.options import StyleOptions

    name, sep, flags = text.partition("=")
    # A name ending in _runN would share the file of another method's repeat (see --repeats).
    if not sep or not re.fullmatch(r"[A-Za-z0-9_-]+", name) or name in METHODS or re.search(r"_run\d+$", name):
        raise SystemExit(
            f"--variant {text!r}: give NAME=FLAGS, NAME of letters, digits, - and _, other than"
            f" {', '.join(METHODS)} and not ending in _run and a number"
        )
    try:
        chosen = options_from_args(build_parser().parse_args(["content", "style", *shlex.split(flags)]))
    except NSTError as err:
        raise SystemExit(f"--variant {text!r}: {err}") from None
    defaults = StyleOptions()
    changes = {
        f.name: getattr(chosen, f.name)
        for f in dataclasses.fields(StyleOptions)
        if getattr(chosen, f.name) != getattr(defaults, f.name)
    }
    if {"size", "steps"} & changes.keys():  # the benchmark's own --size and --steps hold for every method
        raise SystemExit(f"--variant {text!r}: give --size and --steps to the benchmark, not to a variant")
    if not changes:
        raise SystemExit(f"--variant {text!r}: its flags change no option; that is the default method")
    return name, changes


def _as_json(changes: dict) -> dict:
    """``changes`` as they read back from a saved record (tuples become lists)."""
    return json.loads(json.dumps(changes))


def measure(output: np.ndarray, style: Path) -> dict:
    """The quality numbers of ``output`` painted from the Tübingen photo in ``style``."""
    from nst_core import metrics

    return metrics.quality(output, CONTENT, style).as_dict()


def reference(pair: str, size: int) -> np.ndarray:
    """Jcjohnson's published output of ``pair`` at longest side ``size`` px."""
    from nst_core.image.io import load_image

    return load_image(REFERENCES / f"tubingen_{pair}.png", size)


def run_method(stylizer, pair: str, size: int, steps: int | None, changes: dict) -> tuple[np.ndarray, dict]:
    """Paint ``pair`` with the default options changed by ``changes``; (image, record)."""
    options = {"size": size, **changes}
    if steps is not None:
        options["steps"] = steps
    start = time.perf_counter()
    result = stylizer(CONTENT, PAIRS[pair], **options)
    seconds = time.perf_counter() - start
    record = {"seconds": round(seconds, 1), "steps": result.steps, **measure(result.image, PAIRS[pair])}
    return result.image, record


def picture_sheet(rows: list[list[np.ndarray]], path: Path, height: int = 240, gap: int = 6) -> None:
    """Rows of images, each resized to ``height`` px, on white; written as JPEG."""
    from nst_core.image.io import resize, save_image

    strips = []
    for images in rows:
        scaled = [resize(im, (height, round(im.shape[1] * height / im.shape[0]))) for im in images]
        width = sum(im.shape[1] for im in scaled) + gap * (len(scaled) - 1)
        strip = np.ones((height, width, 3), np.float32)
        x = 0
        for im in scaled:
            strip[:, x : x + im.shape[1]] = im
            x += im.shape[1] + gap
        strips.append(strip)
    width = max(s.shape[1] for s in strips)
    sheet = np.ones((len(strips) * (height + gap) - gap, width, 3), np.float32)
    for k, strip in enumerate(strips):
        sheet[k * (height + gap) : k * (height + gap) + height, : strip.shape[1]] = strip
    save_image(sheet, path)


def fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def table_rows(records: dict) -> list[list]:
    rows = []
    for pair, methods in records.items():
        for method, r in methods.items():
            rows.append(
                [
                    pair,
                    method,
                    fmt(r["style_distance"]),
                    fmt(r["content_distance"]),
                    fmt(r["style_judge"]),
                    fmt(r["sliced_wasserstein"]),
                    r.get("seconds", ""),
                ]
            )
    return rows


def sweep(stylizer, size: int, steps: int | None, weights: list[float], losses: list[str]) -> dict:
    """Style distance and content distance of a style-weight sweep per loss and pair, with jcjohnson's point."""
    points: dict = {}
    for pair in PAIRS:
        points[pair] = {"jcjohnson": measure(reference(pair, size), PAIRS[pair])}
        for loss in losses:
            points[pair][loss] = []
            for weight in weights:
                _, record = run_method(stylizer, pair, size, steps, {"style_loss": loss, "style_weight": weight})
                points[pair][loss].append({"style_weight": weight, **record})
                print(pair, loss, weight, record, flush=True)
    return points


def pareto_plot(points: dict, path: Path, size: int) -> None:
    """Style distance against content distance, one panel per pair (log axes)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(points), figsize=(5 * len(points), 4.2))
    for ax, (pair, by_loss) in zip(np.atleast_1d(axes), points.items(), strict=True):
        for loss, runs in by_loss.items():
            if loss == "jcjohnson":
                continue
            xs = [r["content_distance"] for r in runs]
            ys = [r["style_distance"] for r in runs]
            ax.plot(xs, ys, "o-", label=f"nst_core, {loss}")
            for r in runs:
                ax.annotate(f"{r['style_weight']:g}", (r["content_distance"], r["style_distance"]), fontsize=7)
        ref = by_loss["jcjohnson"]
        ax.plot([ref["content_distance"]], [ref["style_distance"]], "k*", markersize=12, label="jcjohnson/neural-style")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"Tübingen x {pair}, {size} px")
        ax.set_xlabel("content distance (lower: closer to the photo)")
        ax.set_ylabel("style distance (lower: closer to the style)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    figure.suptitle("Style-weight sweep (numbers: style weight); down and left is better")
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=512, help="longest side of the results, px (default: 512)")
    parser.add_argument("--steps", type=int, help="steps per run (default: the options' default)")
    parser.add_argument("--methods", nargs="+", default=["default", "sliced"], choices=list(METHODS))
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME=FLAGS",
        help="also measure the defaults changed by nst's FLAGS, as method NAME (repeatable), for example"
        " 'cl45=--content-layers block4_conv2,block5_conv2'",
    )
    parser.add_argument("--pairs", nargs="+", default=list(PAIRS), choices=list(PAIRS))
    parser.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="paint each method this many times with the same options, to see how far runs differ"
        " (floating-point order alone moves the judge); default 1",
    )
    parser.add_argument("--name", default="quality_512", help="results file name (default: quality_512)")
    parser.add_argument("--sheet", default=str(DOCS / "quality_sheet.jpg"), help="picture sheet path")
    parser.add_argument(
        "--outputs",
        help="save every result as DIR/PAIR_METHOD.png and .json, and take those already there instead of"
        " painting them again, measured anew (docs/make_readme_figure.py reads them too)",
    )
    parser.add_argument(
        "--cached-only",
        nargs="*",
        default=[],
        metavar="METHOD",
        help="methods shown only where --outputs already holds their result (slow ones run once by hand)",
    )
    parser.add_argument("--sweep", action="store_true", help="also the style-weight sweep and its Pareto plot")
    parser.add_argument("--sweep-only", action="store_true", help="only the sweep")
    parser.add_argument("--sweep-size", type=int, default=256)
    parser.add_argument("--sweep-steps", type=int, default=150)
    parser.add_argument("--sweep-weights", type=float, nargs="+", default=[1.0, 3.0, 10.0, 30.0, 100.0])
    parser.add_argument("--sweep-losses", nargs="+", default=["gram", "sliced"])
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    variants = dict(variant(text) for text in args.variant)
    methods = {**METHODS, **variants}
    if "NST_MODELS_DIR" not in os.environ and (SHARED / "models").is_dir():
        os.environ["NST_MODELS_DIR"] = str(SHARED / "models")

    import nst_core
    from nst_core.image.io import load_image

    info = machine()
    stylizer = nst_core.Stylizer()
    command = "python -m benchmarks.quality " + shlex.join(sys.argv[1:])
    if not args.sweep_only:
        records: dict = {}
        sheet_rows = []
        cached: list[str] = []
        skipped: list[str] = []
        for pair in args.pairs:
            records[pair] = {"jcjohnson/neural-style": measure(reference(pair, args.size), PAIRS[pair])}
            row = [load_image(CONTENT), load_image(PAIRS[pair]), reference(pair, args.size)]
            for method, run in [(m, k) for m in [*args.methods, *variants] for k in range(1, args.repeats + 1)]:
                options = _as_json(methods[method])
                # Run 1 keeps the method's own name (and file), so a kept picture serves as it.
                label, stem = (method, method) if run == 1 else (f"{method} (run {run})", f"{method}_run{run}")
                saved = Path(args.outputs) / f"{pair}_{stem}" if args.outputs else None
                if saved is not None and saved.with_suffix(".json").exists():  # done by an earlier run
                    image = load_image(saved.with_suffix(".png"))
                    record = json.loads(saved.with_suffix(".json").read_text())
                    if record.get("options", options) != options:
                        raise SystemExit(f"{saved}.json was painted with other options; give another NAME")
                    # Measured again: the record's numbers are those of the metrics of its day.
                    record.update(measure(image, PAIRS[pair]))
                    cached.append(f"{pair} {label}")
                elif method in args.cached_only:
                    skipped.append(f"{pair} {label}")
                    continue
                else:
                    image, record = run_method(stylizer, pair, args.size, args.steps, methods[method])
                    record["options"] = options
                    if saved is not None:
                        from nst_core.image.io import save_image

                        save_image(image, saved.with_suffix(".png"))
                        saved.with_suffix(".json").write_text(json.dumps(record))
                records[pair][label] = record
                row.append(image)
                print(pair, label, record, flush=True)
            sheet_rows.append(row)
        picture_sheet(sheet_rows, Path(args.sheet))
        info["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        header = ["pair", "method", "style distance", "content distance", "judge", "sliced W.", "seconds"]
        table = markdown_table(header, table_rows(records))
        note = (
            f"`{command}`: {args.size} px, every option at its default but those the method names; numbers of"
            " `nst_core.metrics` (lower is better on each; judge 1 = no style transferred). Picture sheet:"
            f" `{Path(args.sheet).relative_to(ROOT) if Path(args.sheet).is_relative_to(ROOT) else args.sheet}`"
            " (columns: content, style, jcjohnson/neural-style, then the methods in order). "
            + "".join(f"Method `{name}`: options {changes}. " for name, changes in variants.items())
            + (
                f"Taken from {args.outputs}, painted by an earlier run and measured now (seconds and load are"
                " that run's):"
                f" {', '.join(cached)}. "
                if cached
                else ""
            )
            + (f"Not kept in {args.outputs}, so left out: {', '.join(skipped)}. " if skipped else "")
            + machine_note(info)
        )
        write_results(args.name, {"command": command, "machine": info, "results": records}, table, note)
        print(table)
    if args.sweep or args.sweep_only:
        points = sweep(stylizer, args.sweep_size, args.sweep_steps, args.sweep_weights, args.sweep_losses)
        pareto_plot(points, DOCS / "quality_pareto.png", args.sweep_size)
        rows = []
        for pair, by_loss in points.items():
            ref = by_loss["jcjohnson"]
            rows.append(
                [
                    pair,
                    "jcjohnson/neural-style",
                    "",
                    fmt(ref["style_distance"]),
                    fmt(ref["content_distance"]),
                    fmt(ref["style_judge"]),
                ]
            )
            for loss in args.sweep_losses:
                for r in by_loss[loss]:
                    rows.append(
                        [
                            pair,
                            loss,
                            f"{r['style_weight']:g}",
                            fmt(r["style_distance"]),
                            fmt(r["content_distance"]),
                            fmt(r["style_judge"]),
                        ]
                    )
        info["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        table = markdown_table(["pair", "loss", "style weight", "style distance", "content distance", "judge"], rows)
        note = (
            f"`{command}`: {args.sweep_size} px, {args.sweep_steps} steps; plot `docs/quality_pareto.png`. "
            + machine_note(info)
        )
        write_results(f"{args.name}_sweep", {"command": command, "machine": info, "points": points}, table, note)
        print(table)


if __name__ == "__main__":
    main()
