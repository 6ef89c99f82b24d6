"""What a notebook Run costs beyond its optimisation steps: ``stylize`` against one ``Stylizer``.

    python -m benchmarks.rerun_speed [--size 256 --steps 10 --runs 4]

Imitates a user who moves the style-weight slider and presses Run again: ``--runs`` runs
with a new style weight each, with a fresh :func:`nst_core.stylize` per run (which traces
its step every time) and with one :class:`nst_core.Stylizer` (after one run that traces
it), alternately. Wall time per run includes loading the images, and computing the targets
where the run does (a fresh ``stylize`` always; a ``Stylizer`` only for new images). The cost
of one step is measured apart as the difference between runs of 2N and N steps, so tracing
cancels out; the overhead is a run's wall time minus N steps, work a GPU does not speed up,
so there it is a larger share of a run. Runs are single-scale float32 (``pyramid_levels=1``),
the runs a ``Stylizer`` keeps its step for.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from .common import (
    CONTENT,
    STYLE,
    in_fresh_process,
    machine,
    machine_note,
    markdown_table,
    seconds_per_step,
    write_results,
)


def measure(size: int, steps: int, runs: int) -> dict:
    """Seconds per step, and per run with a fresh ``stylize`` and with one ``Stylizer``, in this process."""
    import nst_core

    from .common import objective_at

    content, objective = objective_at(size)
    step_seconds = seconds_per_step(objective, content, steps)
    stylizer = nst_core.Stylizer()
    single = {"size": size, "steps": steps, "pyramid_levels": 1, "precision": "float32"}
    stylizer(str(CONTENT), str(STYLE), **single)  # the first Run traces
    seconds: dict[str, list[float]] = {"fresh": [], "kept": []}
    for k in range(runs):  # alternated, so a change in the machine's load hits both alike
        for name, stylize in (("fresh", nst_core.stylize), ("kept", stylizer)):
            start = time.perf_counter()
            stylize(str(CONTENT), str(STYLE), style_weight=10.0 * 2**k, **single)
            seconds[name].append(time.perf_counter() - start)
    fresh, kept = float(np.mean(seconds["fresh"])), float(np.mean(seconds["kept"]))
    return {
        "shape": list(content.shape[:2]),
        "step_seconds": step_seconds,
        "fresh_seconds": fresh,
        "kept_seconds": kept,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256, help="longest side of the result in pixels (default 256)")
    parser.add_argument("--steps", type=int, default=10, help="steps per run (default 10)")
    parser.add_argument("--runs", type=int, default=4, help="runs timed each way (default 4)")
    parser.add_argument("--name", default=None, help="results file name (default rerun_speed_SIZE)")
    args = parser.parse_args(argv)
    info = machine()
    r = in_fresh_process(measure, args.size, args.steps, args.runs)
    info["load_average_end"] = machine()["load_average"]
    steps_seconds = args.steps * r["step_seconds"]
    rows = [
        [label, f"{seconds:.2f}", f"{steps_seconds:.2f}", f"{seconds - steps_seconds:.2f}"]
        for label, seconds in [
            ("`nst_core.stylize` each run", r["fresh_seconds"]),
            ("one `nst_core.Stylizer` (the notebook)", r["kept_seconds"]),
        ]
    ]
    header = ["each Run with", "s per run", f"s of its {args.steps} steps", "overhead s per run"]
    table = markdown_table(header, rows)
    note = (
        f"`python -m benchmarks.rerun_speed --size {args.size} --steps {args.steps} --runs {args.runs}`;"
        f" {r['shape'][1]}x{r['shape'][0]} px, {r['step_seconds']:.3f} s per step, mean of {args.runs} runs;"
        f" {machine_note(info)}"
    )
    print(table + note)
    write_results(args.name or f"rerun_speed_{args.size}", {"args": vars(args), "machine": info, **r}, table, note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
