"""Shared pieces of the benchmarks: the images, the objective, isolated runs, memory, tables.

Each measured method runs in a fresh Python process (spawned one after the other, never in
parallel), so its peak memory is its own: TensorFlow's allocator keeps memory it once used,
so in-process deltas (and tracemalloc, which does not see TensorFlow's C++ allocations)
would be wrong. Peak memory is ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of that
process at the end minus its resident size just before the optimisation started, read
from ``/proc/self/statm``: the memory the run itself added.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
CONTENT = ROOT / "images" / "tubingen.jpg"
STYLE = ROOT / "images" / "starry_night.jpg"


def rss_bytes() -> int:
    """Resident memory of this process now, in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss_bytes() -> int:
    """Highest resident memory of this process so far, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def in_fresh_process(function, *args, **kwargs):
    """Run ``function(*args, **kwargs)`` in a new spawned Python process and return its result."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args, **kwargs).result()


def objective_at(size: int, options=None):
    """(content image, StyleObjective) for the benchmark images at ``size`` px, default weights."""
    from nst_core.engine.vgg import VGGFeatures
    from nst_core.options import StyleOptions
    from nst_core.pipeline import build_objective, prepare_images

    options = options or StyleOptions(size=size)
    content, styles = prepare_images(str(CONTENT), str(STYLE), options)
    extractor = VGGFeatures(options.content_layers + options.style_layers, pooling=options.pooling)
    objective = build_objective(extractor, content, styles, options)
    return content, objective


def seconds_per_step(objective, content, steps: int) -> float:
    """Seconds of one optimisation step.

    The difference of runs of 2N and N steps, so the tracing of each run cancels out (after a
    warm-up run for the first use of the kernels).
    """
    from nst_core.engine.optimize import optimize_image

    optimize_image(objective, content, 2)
    short = optimize_image(objective, content, steps).seconds
    long = optimize_image(objective, content, 2 * steps).seconds
    return (long - short) / steps


def machine() -> dict:
    """What the numbers were measured on, including the load at the start."""
    import tensorflow as tf

    load = os.getloadavg()
    try:
        uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        uptime = ""
    return {
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "gpus": [d.name for d in tf.config.list_physical_devices("GPU")],
        "tensorflow": tf.__version__,
        "load_average": [round(x, 2) for x in load],
        "uptime": uptime,
    }


def machine_note(info: dict) -> str:
    """One sentence on the machine a table was measured on: load at start and end, CPUs, GPUs, TF."""
    return (
        f"load average at start {info['load_average']}, at end {info['load_average_end']}"
        f" ({info['cpus']} CPUs, GPUs: {info['gpus'] or 'none'}, TF {info['tensorflow']})."
    )


def markdown_table(header: list[str], rows: list[list]) -> str:
    """A GitHub markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_results(name: str, data: dict, table: str, note: str) -> None:
    """benchmarks/results/NAME.json and NAME.md (the table plus how it was made)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
    (RESULTS / f"{name}.md").write_text(table + "\n" + note + "\n")


def conv_flops(model, side: int, stop: str | None = None) -> int:
    """FLOPs of the 2-D convolutions of ``model`` on one ``side`` x ``side`` image, up to layer ``stop``.

    The spatial scale is followed through the layers (in Keras' topological order): a stride
    divides it, an upsampling or pooling multiplies or divides it by 2.
    """
    import keras

    scale, flops = 1.0, 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            scale /= layer.strides[0]
            kh, kw, cin, cout = layer.kernel.shape
            positions = round(side * scale) ** 2
            flops += 2 * positions * kh * kw * cin * cout
        elif isinstance(layer, (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)):
            scale /= 2
        elif type(layer).__name__ == "NearestUpsampling2D":
            scale *= 2
        if stop is not None and layer.name == stop:
            break
    return flops


def vgg19_flops(side: int, stop: str) -> int:
    """FLOPs of VGG19's forward pass on one ``side`` x ``side`` image, up to layer ``stop`` (its convolutions)."""
    import keras

    vgg = keras.applications.VGG19(weights=None, include_top=False, input_shape=(side, side, 3))
    return conv_flops(vgg, side, stop=stop)
