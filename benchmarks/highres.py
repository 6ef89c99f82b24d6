"""Pyramid against single scale at high resolution: time to the single-scale final loss.

    python -m benchmarks.highres --size 1024 --steps 20

The reference is nst_core's L-BFGS at full size for ``--steps`` steps from the content
image; its best full-size loss is the target. Each pyramid (coarse scales first, then the
full size until the target is reached) is timed from the same start, including the
targets and tracing of every scale. One process per run, one after the other.
"""

from __future__ import annotations

import argparse

from .common import in_fresh_process, machine, machine_note, markdown_table, write_results
from .convergence import run_method

PYRAMIDS: dict[str, dict] = {
    "pyramid 3 levels (256->512->1024), 40 steps per coarse scale": {"levels": 3, "coarse_steps": 40},
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024, help="longest side in pixels (default 1024)")
    parser.add_argument("--steps", type=int, default=20, help="single-scale L-BFGS steps (default 20)")
    parser.add_argument("--methods", nargs="*", default=list(PYRAMIDS), help="subset of: " + ", ".join(PYRAMIDS))
    args = parser.parse_args(argv)
    info = machine()
    print(f"machine: {info['uptime']}", flush=True)
    single = in_fresh_process(run_method, args.size, {}, float("-inf"), args.steps, float("inf"))
    single["seconds"] = single["times"][single["losses"].index(single["loss"])]
    target = single["loss"]
    print(f"single scale: loss {target:.5g}, {single['seconds']:.1f} s", flush=True)
    results = {f"single scale, {args.steps} L-BFGS steps": single}
    for name in args.methods:
        r = in_fresh_process(run_method, args.size, PYRAMIDS[name], target, args.steps, float("inf"))
        results[name] = r
        print(
            f"{name}: {r['steps']} steps, {r['seconds']:.1f} s, loss {r['loss']:.5g}, reached {r['reached']}",
            flush=True,
        )
    info["load_average_end"] = machine()["load_average"]
    rows = []
    for name, r in results.items():
        reached = r.get("reached", True) or name.startswith("single")
        rows.append(
            [
                name,
                f"{r['steps']} ({r['full_size_steps']} at full size)",
                f"{r['seconds']:.1f}" if reached else f"not reached in {r['seconds']:.0f}",
                f"{r['loss']:.4g}",
                f"{r['seconds'] / single['seconds']:.2f}" if reached else "-",
                f"{r['peak_mb']:.0f}",
            ]
        )
    header = ["method", "steps", "seconds to target", "loss at full size", "time / single scale", "peak MB"]
    table = markdown_table(header, rows)
    note = (
        f"`python -m benchmarks.highres --size {args.size} --steps {args.steps}`; target = single-scale best loss"
        f" {target:.5g}; {machine_note(info)} Peak MB as in the convergence table."
    )
    print(table + note)
    write_results(f"highres_{args.size}", {"args": vars(args), "machine": info, "results": results}, table, note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
