"""Fast-then-refine versus content initialisation: steps and seconds to reach the same loss.

    python -m benchmarks.fast_refine [--size 256] [--steps 50]

Runs ``stylize`` (default weights, L-BFGS) from the content for ``--steps`` steps; its
lowest loss is the target. Then runs from the fast network's result (``init="fast"``) and
reports after how many steps, and seconds (fast stylisation included), it reaches that
target. Uses the model :func:`nst_core.fast.load_fast_model` finds (``$NST_MODELS_DIR``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import nst_core
from nst_core.fast import fast_stylize, load_fast_model
from nst_core.image.io import load_image

IMAGES = Path(__file__).resolve().parent.parent / "images"


def steps_to_reach(history: np.ndarray, target: float) -> int | None:
    """First step (1-based) whose best-so-far loss is <= target, or None."""
    best = np.minimum.accumulate(np.asarray(history))
    hits = np.nonzero(best <= target)[0]
    return int(hits[0]) + 1 if hits.size else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=50, help="steps of the content-initialised run (K)")
    parser.add_argument("--content", default=str(IMAGES / "tubingen.jpg"))
    parser.add_argument("--style", default=str(IMAGES / "starry_night.jpg"))
    args = parser.parse_args(argv)

    model = load_fast_model()
    content = load_image(args.content, args.size)
    style = load_image(args.style, args.size)
    start = time.perf_counter()
    fast_stylize(content, style, model=model)
    fast_seconds = time.perf_counter() - start

    runs = {}
    for init in ("content", "fast"):
        result = nst_core.stylize(content, style, size=args.size, steps=args.steps, init=init)
        runs[init] = result
        print(
            f"{init:8s} init: loss at step 1 {result.history['total'][0]:.4g}, after {args.steps}"
            f" steps {result.loss:.4g}, {result.seconds:.1f} s"
        )
    for init, result in runs.items():
        parts = ", ".join(f"{k} {v[0]:.3g}" for k, v in result.history.items() if k != "total")
        print(f"{init:8s} init, step 1 parts: {parts}")
    print(
        f"\n{args.size} px, {model.backend} model, fast pass {fast_seconds:.2f} s; target: the lowest loss"
        " content-init reaches in K steps\n"
    )
    print("| K | target loss | content-init: steps, s | fast-init: steps to reach it, s (fast pass included) |")
    print("|---|---|---|---|")
    per_step = {init: r.seconds / max(1, r.steps) for init, r in runs.items()}
    for k in sorted({k for k in (5, 10, 20, 50, 100, 200) if k < args.steps} | {args.steps}):
        target = float(np.min(runs["content"].history["total"][:k]))
        steps = steps_to_reach(runs["fast"].history["total"], target)
        fast_cell = f"{steps}, {steps * per_step['fast'] + fast_seconds:.1f}" if steps else f"not in {args.steps} steps"
        print(f"| {k} | {target:.4g} | {k}, {k * per_step['content']:.1f} | {fast_cell} |")


if __name__ == "__main__":
    main()
