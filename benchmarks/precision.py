"""float32 against mixed precision: seconds per L-BFGS step, and the loss after 100 steps.

    python -m benchmarks.precision

"mixed" is whatever nst_core.engine.precision.compute_dtype picks on this machine (bfloat16 on a
CPU with AVX512_BF16 or AMX, float16 or bfloat16 on a GPU). Every run is its own fresh
process, one after the other (see benchmarks.common). Timing: one step to trace, then
``--steps`` timed steps at each size. Convergence: ``--convergence-steps`` L-BFGS steps at
``--convergence-size`` px from the content image; the best image of each run is then
evaluated with the float32 objective, so both rows are scored by the same yardstick.
"""

from __future__ import annotations

import argparse
import time

from .common import (
    CONTENT,
    STYLE,
    in_fresh_process,
    machine,
    machine_note,
    markdown_table,
    peak_rss_bytes,
    rss_bytes,
    write_results,
)


def measure(size: int, precision: str, steps: int, evaluate_in_float32: bool) -> dict:
    """Seconds per step (after the first) of ``steps + 1`` L-BFGS steps, and the losses reached."""
    import tensorflow as tf

    from nst_core.engine.optimize import optimize_image
    from nst_core.engine.precision import compute_dtype
    from nst_core.engine.vgg import VGGFeatures
    from nst_core.options import StyleOptions
    from nst_core.pipeline import objective_at_scale, prepare_images

    options = StyleOptions(size=size, precision=precision)
    content, styles = prepare_images(str(CONTENT), str(STYLE), options)
    layers = options.content_layers + options.style_layers
    dtype = compute_dtype(precision)
    before = rss_bytes()
    objective, _ = objective_at_scale(options, VGGFeatures(layers, dtype=dtype), content, styles, size)
    times = []
    start = time.perf_counter()
    run = optimize_image(objective, content, steps + 1, callback=lambda p: times.append(time.perf_counter()))
    added_mb = (peak_rss_bytes() - before) / 2**20
    height, width = content.shape[:2]
    result = {
        "size": f"{width}x{height}",
        "precision": precision,
        "dtype": dtype,
        "steps": steps + 1,
        "seconds_per_step": (times[-1] - times[0]) / steps,
        "first_step_seconds": times[0] - start,
        "added_mb": added_mb,
        "best_loss_own_dtype": run.best_loss,
    }
    if evaluate_in_float32:
        reference, _ = objective_at_scale(options, VGGFeatures(layers), content, styles, size)
        result["best_loss_float32"] = float(reference(tf.constant(run.image[None]))["total"])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 512], help="timing sizes (default 256 512)")
    parser.add_argument("--steps", type=int, default=5, help="timed steps per size (default 5)")
    parser.add_argument("--convergence-size", type=int, default=256, help="(default 256)")
    parser.add_argument("--convergence-steps", type=int, default=100, help="0 skips it (default 100)")
    args = parser.parse_args(argv)
    info = machine()
    print(f"machine: {info['uptime']}", flush=True)
    timing, convergence = [], []
    for size in args.sizes:
        for precision in ("float32", "mixed"):
            r = in_fresh_process(measure, size, precision, args.steps, False)
            timing.append(r)
            print(r, flush=True)
    if args.convergence_steps:
        for precision in ("float32", "mixed"):
            r = in_fresh_process(measure, args.convergence_size, precision, args.convergence_steps - 1, True)
            convergence.append(r)
            print(r, flush=True)
    info["load_average_end"] = machine()["load_average"]

    speed = {r["size"]: r["seconds_per_step"] for r in timing if r["precision"] == "float32"}
    rows = [
        [
            r["size"],
            f"{r['precision']} ({r['dtype']})",
            f"{r['seconds_per_step']:.3f}",
            f"{speed[r['size']] / r['seconds_per_step']:.2f}x",
            f"{r['first_step_seconds']:.1f}",
            f"{r['added_mb']:.0f}",
        ]
        for r in timing
    ]
    table = markdown_table(
        ["size (px)", "precision (VGG19 dtype)", "s / step", "speed-up", "first step s", "added by run MB"], rows
    )
    if convergence:
        table += "\n" + markdown_table(
            [
                "size (px)",
                "precision (VGG19 dtype)",
                "L-BFGS steps",
                "s / step",
                "best loss, own dtype",
                "same image, float32 loss",
            ],
            [
                [
                    r["size"],
                    f"{r['precision']} ({r['dtype']})",
                    r["steps"],
                    f"{r['seconds_per_step']:.3f}",
                    f"{r['best_loss_own_dtype']:.4e}",
                    f"{r['best_loss_float32']:.4e}",
                ]
                for r in convergence
            ],
        )
    note = (
        f"`python -m benchmarks.precision --sizes {' '.join(map(str, args.sizes))} --steps {args.steps}"
        f" --convergence-steps {args.convergence_steps}`:"
        f" L-BFGS (history 20), default layers and weights, one fresh process per row; {machine_note(info)}"
        " The CPU is shared with other developers: expect 10-20% noise in the seconds."
    )
    print(table + "\n" + note)
    write_results(
        "precision", {"args": vars(args), "machine": info, "timing": timing, "convergence": convergence}, table, note
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
