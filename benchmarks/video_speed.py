"""What a video frame costs beyond its optimisation steps (tracing, flow, targets).

    python -m benchmarks.video_speed [--size 128 --steps 10 --frames 6]

Stylises a pan-and-zoom clip over images/tubingen.jpg with nst_core.video's defaults and
times each frame after the first (which gets twice the steps). The cost of one step is
measured apart, on the first frame's objective, as the difference between a run of
2N and a run of N steps, so tracing cancels out. The per-frame overhead is the frame time
minus N steps: work a GPU does not speed up, so there it is most of a frame.
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


def measure(size: int, steps: int, frames: int) -> dict:
    """Seconds per step and per frame (after the first) for one clip, in this process."""
    from nst_core.engine.vgg import VGGFeatures
    from nst_core.image.io import load_image
    from nst_core.options import style_options_for
    from nst_core.pipeline import objective_at_scale, prepare_images
    from nst_core.video import clips
    from nst_core.video import stylize as video

    clip = clips.pan_and_zoom(load_image(CONTENT), frames, size)
    options = style_options_for("video", size=max(clip[0].shape[:2]), steps=steps)
    content, styles = prepare_images(clip[0], str(STYLE), options)
    extractor = VGGFeatures(options.content_layers + options.style_layers)
    objective = objective_at_scale(options, extractor, content, styles, options.size)[0]
    step_seconds = seconds_per_step(objective, content, steps)

    stamps = []
    video.stylize_video(clip, str(STYLE), options, on_frame=lambda index, image: stamps.append(time.perf_counter()))
    frame_seconds = float(np.mean(np.diff(stamps)))
    return {
        "shape": list(clip[0].shape[:2]),
        "step_seconds": step_seconds,
        "frame_seconds": frame_seconds,
        "overhead_seconds": frame_seconds - steps * step_seconds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=128, help="longest side of the frames in pixels (default 128)")
    parser.add_argument("--steps", type=int, default=10, help="steps per frame after the first (default 10)")
    parser.add_argument("--frames", type=int, default=6, help="frames in the clip (default 6)")
    parser.add_argument("--name", default=None, help="results file name (default video_speed_SIZE)")
    args = parser.parse_args(argv)
    info = machine()
    r = in_fresh_process(measure, args.size, args.steps, args.frames)
    info["load_average_end"] = machine()["load_average"]
    row = [
        f"{r['shape'][1]}x{r['shape'][0]}",
        args.steps,
        f"{r['step_seconds']:.3f}",
        f"{r['frame_seconds']:.2f}",
        f"{r['overhead_seconds']:.2f}",
        f"{r['overhead_seconds'] / r['frame_seconds']:.0%}",
    ]
    header = ["frame size", "steps per frame", "s per step", "s per frame", "overhead s per frame", "overhead share"]
    table = markdown_table(header, [row])
    note = (
        f"`python -m benchmarks.video_speed --size {args.size} --steps {args.steps} --frames {args.frames}`;"
        f" mean over frames 2 to {args.frames}; {machine_note(info)}"
    )
    print(table + note)
    write_results(args.name or f"video_speed_{args.size}", {"args": vars(args), "machine": info, **r}, table, note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
