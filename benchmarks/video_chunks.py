"""Flicker where chunks of a long clip meet: warp error at chunk boundaries vs inside chunks.

    python -m benchmarks.video_chunks [--size 96 --steps 10 --first-steps 20 --chunk-frames 12 --overlaps 4 8]

The clip, made here: a slow pan and zoom over images/tubingen.jpg, then a cut to one over
images/shipwreck.jpg. It is stylised with ``nst_core.video.distribute.stylize_chunked`` (the
local engine: the Ray engine runs the same function per chunk and gives the same frames), for
each overlap, and joined two ways from the same chunk results: with the cross-fade, and with a
hard switch in the middle of the overlap. ``--warm-chunks`` adds a sequential variant that
starts each chunk's first frame from the previous chunk's paint of it.

Warp error (Ruder et al. 2016, :func:`nst_core.video.flow.warp_error`, with the flow of the
content frames) is averaged over three kinds of frame step: *boundary* (the ``overlap + 1``
steps around each join inside a shot, :func:`nst_core.video.chunks.boundary_pairs`), *inside*
(every other step within a shot) and, for reference, the whole clip stylised in one piece.
Steps across the scene cut are left out: the flow has nothing to follow there. Goal:
boundary / inside <= 1.5.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from nst_core.image.io import load_image, save_image
from nst_core.options import style_options_for
from nst_core.video import chunks as chunking
from nst_core.video import clips, flow
from nst_core.video.distribute import stylize_chunked
from nst_core.video.stylize import stylize_video

from .common import CONTENT, ROOT, STYLE

SECOND_SHOT = ROOT / "images" / "shipwreck.jpg"


def make_clip(first: int, second: int, size: int) -> list[np.ndarray]:
    """``first`` frames over Tübingen, then ``second`` over the shipwreck: one scene cut."""
    return clips.pan_and_zoom(load_image(CONTENT, 4 * size), first, size) + clips.pan_and_zoom(
        load_image(SECOND_SHOT, 4 * size), second, size
    )


def step_errors(frames: list[np.ndarray], flows: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Warp error of each step t - 1 -> t (entry t - 1)."""
    return np.array([flow.warp_error(frames[t], frames[t - 1], *flows[t - 1]) for t in range(1, len(frames))])


def split(errors: np.ndarray, plan: list[chunking.Chunk]) -> tuple[float, float, float]:
    """Mean warp error at boundary steps, inside chunks, and the largest boundary step."""
    boundary = set(chunking.boundary_pairs(plan))
    cuts = {chunk.start for k, chunk in enumerate(plan) if k and chunk.shot != plan[k - 1].shot}
    inside = [errors[t - 1] for t in range(1, len(errors) + 1) if t not in boundary and t not in cuts]
    at_boundary = [errors[t - 1] for t in sorted(boundary)]
    return float(np.mean(at_boundary)), float(np.mean(inside)), float(np.max(at_boundary))


def warm_chunked(frames, options, chunk_frames, overlap, first_steps, cuts) -> tuple[list, list]:
    """Chunks one after another, each shot-continuing chunk started from the previous chunk's paint."""
    plan = chunking.plan_chunks(len(frames), chunk_frames, overlap, cuts)
    results: list[list[np.ndarray]] = []
    for k, chunk in enumerate(plan):
        chunk_options, steps = options, first_steps
        if k and chunk.shot == plan[k - 1].shot:
            previous = plan[k - 1]
            chunk_options = options.replace(init=results[-1][chunk.start - previous.start])
            steps = options.steps
        result = stylize_video(frames[chunk.start : chunk.end], STYLE, chunk_options, first_steps=steps)
        results.append(result.frames)
    return plan, results


def save_sheet(path: str, frames: list[np.ndarray], plan: list[chunking.Chunk], results: list) -> None:
    """Frames from 2 before the first join to 2 after its overlap, in rows: content, hard switch, cross-fade."""
    join = next(c for c in plan if c.fade_in)
    window = range(max(join.start - 2, 0), min(join.start + join.fade_in + 2, len(frames)))
    rows = [frames, chunking.join_chunks(plan, results, False), chunking.join_chunks(plan, results, True)]
    save_image(np.concatenate([np.concatenate([row[t] for t in window], axis=1) for row in rows], axis=0), path)
    print(f"wrote {path}: frames {window.start}-{window.stop - 1}; content / hard switch / cross-fade", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=96)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--first-steps", type=int, default=20)
    parser.add_argument("--first-shot", type=int, default=24, help="frames before the scene cut")
    parser.add_argument("--second-shot", type=int, default=8, help="frames after it")
    parser.add_argument("--chunk-frames", type=int, default=12)
    parser.add_argument("--overlaps", type=int, nargs="+", default=[4, 8])
    parser.add_argument("--warm-chunks", action="store_true", help="add the sequential warm-started variant")
    parser.add_argument("--skip-whole", action="store_true", help="do not stylise the whole clip in one piece")
    parser.add_argument("--sheet", help="save frames around the first join here: content / hard switch / cross-fade")
    args = parser.parse_args(argv)
    options = style_options_for("video", size=args.size, steps=args.steps, seed=0)
    frames = make_clip(args.first_shot, args.second_shot, args.size)
    flows = [flow.frame_flow(frames[t - 1], frames[t]) for t in range(1, len(frames))]
    cuts = chunking.scene_cuts(frames)
    started = time.perf_counter()
    print(
        f"{len(frames)} frames of {frames[0].shape[1]}x{frames[0].shape[0]} px (scene cuts found at {cuts}),"
        f" chunks of {args.chunk_frames}, {args.first_steps} L-BFGS steps for a chunk's first frame and"
        f" {args.steps} after, style {STYLE.name}; load average {os.getloadavg()[0]:.1f}\n"
    )
    print("| overlap | join | boundary (x1e-3) | inside (x1e-3) | boundary / inside | worst boundary step (x1e-3) |")
    print("|---|---|---|---|---|---|")
    if not args.skip_whole:
        whole = stylize_video(frames, STYLE, options, first_steps=args.first_steps)
        errors = step_errors(whole.frames, flows)
        whole_error = float(np.mean([e for t, e in enumerate(errors, 1) if t not in cuts]))
        print(f"| - | whole clip in one piece (no chunks) | - | {whole_error * 1e3:.3f} | - | - |", flush=True)
    for overlap in args.overlaps:
        run = stylize_chunked(
            frames, STYLE, options, chunk_frames=args.chunk_frames, overlap=overlap, first_steps=args.first_steps
        )
        variants = {"cross-fade": True, "hard switch": False}
        runs = [(name, run.chunks, run.chunk_results, fade) for name, fade in variants.items()]
        if args.warm_chunks:
            plan, results = warm_chunked(frames, options, args.chunk_frames, overlap, args.first_steps, cuts)
            runs.append(("cross-fade, chunks warm-started from the previous one", plan, results, True))
        if args.sheet and overlap == args.overlaps[0]:
            save_sheet(args.sheet, frames, run.chunks, run.chunk_results)
        for name, plan, results, fade in runs:
            boundary, inside, worst = split(step_errors(chunking.join_chunks(plan, results, fade), flows), plan)
            print(
                f"| {overlap} | {name} | {boundary * 1e3:.3f} | {inside * 1e3:.3f} | {boundary / inside:.2f} |"
                f" {worst * 1e3:.3f} |",
                flush=True,
            )
    print(f"\n{time.perf_counter() - started:.0f} s; load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
