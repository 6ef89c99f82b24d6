"""Seconds per L-BFGS step and peak memory at 256, 512 and 1024 px (and 2048 on a GPU).

    python -m benchmarks.scaling

Each size runs in its own fresh process (see benchmarks.common): one step to trace (and
compile, with XLA), then ``--steps`` timed steps, with XLA off and on. Peak memory is the
process's ru_maxrss (absolute, and added by the run) next to nst_core.engine.memory's estimate.
"""

from __future__ import annotations

import argparse
import time

from .common import in_fresh_process, machine, machine_note, markdown_table, peak_rss_bytes, rss_bytes, write_results


def measure(size: int, steps: int, jit_compile: bool, precision: str = "float32") -> dict:
    """Seconds per step (after the first) and memory of ``steps`` L-BFGS steps at ``size`` px."""
    from nst_core.engine.memory import estimate_peak_bytes
    from nst_core.engine.optimize import optimize_image
    from nst_core.engine.precision import compute_dtype
    from nst_core.engine.vgg import VGGFeatures
    from nst_core.options import StyleOptions
    from nst_core.pipeline import objective_at_scale, prepare_images

    from .common import CONTENT, STYLE

    options = StyleOptions(size=size, precision=precision)
    content, styles = prepare_images(str(CONTENT), str(STYLE), options)
    before = rss_bytes()
    extractor = VGGFeatures(options.content_layers + options.style_layers, dtype=compute_dtype(precision))
    objective, _ = objective_at_scale(options, extractor, content, styles, size)
    times = []
    start = time.perf_counter()
    optimize_image(
        objective, content, steps + 1, callback=lambda p: times.append(time.perf_counter()), jit_compile=jit_compile
    )
    height, width = content.shape[:2]
    layers = options.content_layers + options.style_layers
    return {
        "size": f"{width}x{height}",
        "jit_compile": jit_compile,
        "precision": precision,
        "compute_dtype": compute_dtype(precision),
        "seconds_per_step": (times[-1] - times[0]) / steps,
        "first_step_seconds": times[0] - start,
        "peak_rss_mb": peak_rss_bytes() / 2**20,
        "added_mb": (peak_rss_bytes() - before) / 2**20,
        "estimate_mb": estimate_peak_bytes(
            height, width, "lbfgs", options.lbfgs_history, layers, compute_dtype(precision), jit_compile
        )
        / 2**20,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=None, help="default 256 512 1024 (+2048 on a GPU)")
    parser.add_argument("--steps", type=int, default=3, help="timed steps per size (default 3)")
    parser.add_argument("--no-jit", action="store_true", help="skip the XLA runs")
    parser.add_argument("--precision", choices=["float32", "mixed"], default="float32", help="(default float32)")
    parser.add_argument("--name", default="scaling", help="results file name (default scaling)")
    args = parser.parse_args(argv)
    info = machine()
    sizes = args.sizes or ([256, 512, 1024, 2048] if info["gpus"] else [256, 512, 1024])
    print(f"machine: {info['uptime']}", flush=True)
    rows, data = [], []
    for size in sizes:
        for jit in (False,) if args.no_jit else (False, True):
            r = in_fresh_process(measure, size, args.steps, jit, args.precision)
            data.append(r)
            print(r, flush=True)
            rows.append(
                [
                    r["size"],
                    "on" if jit else "off",
                    f"{r['seconds_per_step']:.2f}",
                    f"{r['first_step_seconds']:.1f}",
                    f"{r['peak_rss_mb']:.0f}",
                    f"{r['added_mb']:.0f}",
                    f"{r['estimate_mb']:.0f}",
                ]
            )
    info["load_average_end"] = machine()["load_average"]
    header = ["size (px)", "XLA", "s / step", "first step s", "peak RSS MB", "added by run MB", "estimate MB"]
    table = markdown_table(header, rows)
    note = (
        f"`python -m benchmarks.scaling --steps {args.steps} --precision {args.precision}`: L-BFGS (history 20),"
        f" default layers, VGG19 in {data[0]['compute_dtype']};"
        f" {machine_note(info)}"
        " Peak RSS: ru_maxrss of the run's own process; estimate: nst_core.engine.memory.estimate_peak_bytes."
    )
    print(table + note)
    write_results(args.name, {"args": vars(args), "machine": info, "results": data}, table, note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
