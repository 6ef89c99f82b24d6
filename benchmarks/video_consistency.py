"""Flicker of stylised video: independent frames vs warm start vs warm start + temporal loss.

    python -m benchmarks.video_consistency [--frames 10 --size 96 --steps 10 --gif docs/video.gif]

For two clips made here (a moving textured synthetic scene, and a slow pan and zoom over
images/tubingen.jpg), prints the mean warp error of Ruder et al. 2016 (masked squared
difference between each stylised frame and the previous one warped by the optical flow
of the *content* frames, lower = less flicker) and the mean weighted style loss of the
frames, for three ways of stylising at the same steps per frame:

* independent: every frame from the content image, no temporal term (per-frame NST);
* warm start: each frame from the previous result warped by the flow;
* ours: warm start plus the temporal loss (nst_core.video defaults).

Where ``nst_core.fast`` is installed it also rates fast mode: the network per frame, with
its output blended into the warped previous frame, and with 5 refinement steps that
include the temporal loss. The style loss of every row is computed the same way, with one
objective, after the run.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from nst_core.engine.objective import StyleObjective
from nst_core.engine.vgg import VGGFeatures
from nst_core.image.io import load_image
from nst_core.options import StyleOptions, style_options_for
from nst_core.video import clips, flow
from nst_core.video import stylize as video
from nst_core.video.io import write_video

from .common import CONTENT, STYLE

METHODS: dict[str, dict[str, Any]] = {
    "independent": {"temporal_weight": 0.0, "warm_start": False},
    "warm start": {"temporal_weight": 0.0, "warm_start": True},
    "ours (warm start + temporal loss)": {},
}
FAST_METHODS: dict[str, dict[str, Any]] = {
    "fast, per frame": {"mode": "fast", "fast_blend": 0.0},
    "fast + blend 0.5": {"mode": "fast"},
    "fast + 5 refinement steps with temporal loss": {"mode": "fast", "fast_blend": 0.0, "fast_refine_steps": 5},
}


def _methods() -> dict[str, dict[str, Any]]:
    try:
        import nst_core.fast  # noqa: F401
    except ImportError:
        return METHODS
    return {**METHODS, **FAST_METHODS}


def style_measure(source: np.ndarray, options: StyleOptions) -> Callable[[list[np.ndarray]], float]:
    """The mean weighted style loss of a method's frames against the style image (as the optimiser sees it).

    One objective, built on ``source`` (the clip's first frame), measures every method's
    frames with one style term (it is divided by its value at its content image).
    """
    extractor = VGGFeatures(options.content_layers + options.style_layers)
    style = load_image(STYLE, max(source.shape[:2]))
    objective = StyleObjective(
        extractor,
        source,
        [style],
        options.content_layers,
        options.style_layers,
        options.content_weight,
        options.style_weight,
        options.tv_weight,
    )
    return lambda frames: float(np.mean([float(objective(tf.constant(f[None]))["style"]) for f in frames]))


def measure(frames: list[np.ndarray], options: StyleOptions, first_steps: int) -> dict[str, dict]:
    """Warp error, style loss and seconds (of the stylising alone) of each method on one clip."""
    flows = [flow.frame_flow(frames[t - 1], frames[t]) for t in range(1, len(frames))]
    style_loss = style_measure(frames[0], options)
    rows = {}
    for name, settings in _methods().items():
        start = time.perf_counter()
        result = video.stylize_video(frames, STYLE, options, first_steps=first_steps, **settings)
        seconds = time.perf_counter() - start
        rows[name] = {
            "warp_error": flow.mean_warp_error(result.frames, flows),
            "style_loss": style_loss(result.frames),
            "seconds": seconds,
            "frames": result.frames,
        }
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=10)
    parser.add_argument("--size", type=int, default=96, help="frame side in pixels")
    parser.add_argument("--steps", type=int, default=10, help="L-BFGS steps per frame")
    parser.add_argument("--first-steps", type=int, default=20, help="steps of the first frame")
    parser.add_argument("--gif", help="write content | independent | ours of the pan clip here")
    args = parser.parse_args(argv)
    options = style_options_for("video", size=args.size, steps=args.steps)
    scenes = {
        "synthetic moving scene": clips.moving_scene(args.frames, args.size),
        "pan and zoom over tubingen.jpg": clips.pan_and_zoom(
            load_image(CONTENT, 4 * args.size), args.frames, args.size
        ),
    }
    print(
        f"{args.frames} frames at {args.size} px, {args.first_steps} L-BFGS steps for the first frame and"
        f" {args.steps} per frame after, style {STYLE.name}\n"
    )
    print("| clip | method | warp error (x1e-3) | vs independent | style loss (weighted) | vs independent | seconds |")
    print("|---|---|---|---|---|---|---|")
    for clip_name, frames in scenes.items():
        rows = measure(frames, options, args.first_steps)
        base = rows["independent"]
        for name, row in rows.items():
            print(
                f"| {clip_name} | {name} | {row['warp_error'] * 1e3:.3f} |"
                f" {row['warp_error'] / base['warp_error'] - 1:+.0%} | {row['style_loss']:.3f} |"
                f" {row['style_loss'] / base['style_loss'] - 1:+.0%} | {row['seconds']:.0f} |",
                flush=True,
            )
        if args.gif and clip_name.startswith("pan"):
            panels = [
                np.concatenate([content, ind, ours], axis=1)
                for content, ind, ours in zip(
                    frames,
                    rows["independent"]["frames"],
                    rows["ours (warm start + temporal loss)"]["frames"],
                    strict=True,
                )
            ]
            write_video(panels, args.gif, fps=8)
            print(f"\nwrote {args.gif}: content | independent frames | ours")


if __name__ == "__main__":
    main()
