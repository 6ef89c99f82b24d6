"""What training a style network costs: seconds per step here, FLOPs per step, a GPU estimate.

    python -m benchmarks.train_cost [--sizes 128 256] [--widths 0.25 0.5 1.0] [--batch 4] [--steps 3]

Seconds per step: the step ``nst train`` takes (:func:`nst_core.train.trainer.build_trainer`,
its ``train_step`` in a ``tf.function``, default options: mixed precision, Gram loss) on
batches of random crops of ``images/tubingen.jpg``, the mean of ``--steps`` steps after two
warm-up steps (the first traces). One process, the configurations in turn.

FLOPs per step, counted from the layer shapes (a multiply-add is 2 FLOPs; convolutions
only, the rest is a few per cent): the network forward N, its backward 2N (gradients of the
activations and of the weights); VGG19 up to the deepest loss layer forward on the photos
(the content targets) V, forward on the paintings V, backward to the paintings V (the
weights are frozen: no weight gradients; the first layer's input gradient is counted,
slightly over). Per step: ``batch * (3 N + 3 V)``.

The GPU column is an ESTIMATE, not a measurement: FLOPs per step over an assumed sustained
rate, a fraction (``--utilisation``, default 0.3 to 0.4) of a Colab T4's peak (8.1 TFLOPS
float32; 65 TFLOPS float16 on its tensor cores, which mixed precision uses there).
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from .common import (
    CONTENT,
    RESULTS,
    STYLE,
    conv_flops,
    in_fresh_process,
    machine,
    machine_note,
    markdown_table,
    vgg19_flops,
    write_results,
)

#: Colab T4 peak rates, FLOP/s (NVIDIA's data sheet).
T4_PEAK = {"float32": 8.1e12, "float16": 65e12}
#: Steps of Johnson et al.'s schedule (2 epochs of COCO at batch 4) and of a small-data run.
SCHEDULES = (40_000, 2_000, 5_000)


def step_flops(size: int, width: float, batch: int) -> dict[str, int]:
    """FLOPs of one training step: network forward ``N``, VGG19 forward ``V``, step total."""
    from nst_core.engine.choices import DEFAULT_STYLE_LAYERS, NETWORK_CONTENT_LAYERS
    from nst_core.engine.vgg import VGG19_LAYERS
    from nst_core.fast.network import build_style_network

    deepest = max(NETWORK_CONTENT_LAYERS + DEFAULT_STYLE_LAYERS, key=VGG19_LAYERS.index)
    network = conv_flops(build_style_network(width), size)
    features = vgg19_flops(size, stop=deepest)
    return {"network": network, "vgg19": features, "step": batch * (3 * network + 3 * features)}


def seconds_per_step(size: int, width: float, batch: int, steps: int) -> dict:
    """Mean seconds of ``steps`` training steps after two warm-up steps, in this process."""
    import tensorflow as tf

    from nst_core.engine.precision import compute_dtype
    from nst_core.image.io import load_image, resize_longest_side
    from nst_core.options import TrainOptions
    from nst_core.train.data import training_batches
    from nst_core.train.trainer import build_trainer

    options = TrainOptions(size=size, width=width, batch_size=batch, seed=0)
    style = resize_longest_side(load_image(STYLE), options.style_side)
    photo = (load_image(CONTENT, 2 * size) * 255).astype(np.uint8)
    trainer = build_trainer(style, options)
    step = tf.function(trainer.train_step)
    batches = iter(training_batches([photo], size, batch, 0))
    for _ in range(2):
        float(step(next(batches))["total"])
    times = []
    for _ in range(steps):
        photos = next(batches)
        start = time.perf_counter()
        float(step(photos)["total"])
        times.append(time.perf_counter() - start)
    return {"seconds": times, "dtype": compute_dtype(options.precision)}


def measure_all(sizes, widths, batch: int, steps: int) -> list[dict]:
    """Every configuration, in one process (the VGG19 weights are loaded once per trainer)."""
    rows = []
    for size in sizes:
        for width in widths:
            measured = seconds_per_step(size, width, batch, steps)
            rows.append({"size": size, "width": width, **measured, **step_flops(size, width, batch)})
            print(size, width, [round(t, 2) for t in measured["seconds"]], flush=True)
    return rows


def _duration(seconds: float) -> str:
    """Seconds as minutes or hours, two digits at most."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[128, 256])
    parser.add_argument("--widths", type=float, nargs="+", default=[0.25, 0.5, 1.0])
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--steps", type=int, default=3, help="timed steps after two warm-up steps (default 3)")
    parser.add_argument("--utilisation", type=float, nargs=2, default=[0.3, 0.4], help="of the T4's peak")
    parser.add_argument("--name", default="train_cost")
    parser.add_argument("--tables-only", action="store_true", help="redo the tables from the results file's rows")
    args = parser.parse_args(argv)
    if args.tables_only:
        stored = json.loads((RESULTS / f"{args.name}.json").read_text())
        info, rows = stored["machine"], stored["rows"]
    else:
        info = machine()
        rows = in_fresh_process(measure_all, args.sizes, args.widths, args.batch, args.steps)
        info["load_average_end"] = machine()["load_average"]

    low, high = args.utilisation
    header = [
        "crop px",
        "width",
        f"s / step here (batch {args.batch})",
        "GFLOP network fwd / image",
        "GFLOP VGG19 fwd / image",
        "GFLOP / step",
        "T4 steps/s float32 (est.)",
        "T4 steps/s mixed float16 (est.)",
    ] + [f"{n // 1000}k steps on T4 (est.)" for n in SCHEDULES]
    table_rows = []
    for r in rows:
        mean = float(np.mean(r["seconds"]))
        f32 = [u * T4_PEAK["float32"] / r["step"] for u in (low, high)]
        f16 = [u * T4_PEAK["float16"] / r["step"] for u in (low, high)]
        r.update({"mean_seconds": mean, "t4_float32_steps_per_s": f32, "t4_float16_steps_per_s": f16})
        # From the optimistic end (float16 at the higher utilisation) to the pessimistic one
        # (float32 at the lower).
        durations = [_duration(n / f16[1]) + "-" + _duration(n / f32[0]) for n in SCHEDULES]
        table_rows.append(
            [
                r["size"],
                f"{r['width']:g}",
                f"{mean:.2f}",
                f"{r['network'] / 1e9:.2f}",
                f"{r['vgg19'] / 1e9:.2f}",
                f"{r['step'] / 1e9:.0f}",
                f"{f32[0]:.0f}-{f32[1]:.0f}",
                f"{f16[0]:.0f}-{f16[1]:.0f}",
                *durations,
            ]
        )
    table = markdown_table(header, table_rows)
    command = (
        f"nice -n 15 python -m benchmarks.train_cost --sizes {' '.join(map(str, args.sizes))}"
        f" --widths {' '.join(f'{w:g}' for w in args.widths)} --batch {args.batch} --steps {args.steps}"
    )
    note = (
        f"`{command}`: seconds per step of `nst train`'s step (default options, VGG19 and network in"
        f" {rows[0]['dtype']}), mean of {args.steps} steps after two warm-up steps, on this CPU; shared"
        f" machine, niced, so the seconds are inflated by the other jobs: {machine_note(info)}\n\n"
        "FLOPs are counted from the layer shapes (convolutions; multiply-add = 2): per step"
        f" batch x (3 x network forward + 3 x VGG19 forward to block5_conv1). **The T4 columns are estimates,"
        f" not measurements**: FLOPs per step over {low:.0%}-{high:.0%} of a T4's peak, 8.1 TFLOPS float32 or"
        " 65 TFLOPS float16 (tensor cores, what mixed precision uses there); the minutes exclude reading"
        " the photos, previews and checkpoints. Small convolutions (the network's, at 8-32 channels) rarely"
        " reach 30% of tensor-core peak, so read the float16 column as an optimistic bound and the float32"
        " one as a pessimistic one; at 128 px the fixed costs of a step (kernel launches, the crops prepared"
        " by NumPy on the host) will cap the rate well below the float16 column."
    )
    print(table + "\n" + note)
    write_results(args.name, {"args": vars(args), "machine": info, "rows": rows}, table, note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
