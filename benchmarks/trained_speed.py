"""Frames per second of a trained style network against Magenta's Lite network, same run.

    python -m benchmarks.trained_speed [--widths 0.25 0.5 1.0] [--downsamplings 2 3] [--sizes 256 512 1024]
        [--aspects 4:3 3:2] [--repeats 3]

For each width (and number of halvings, ``--downsamplings``), an untrained network (:func:`nst_core.fast.network.build_style_network`,
random weights: the arithmetic does not depend on them) is exported as ``nst train`` exports
it (Keras float32, Lite float16, Lite int8 calibrated on crops of ``images/tubingen.jpg``)
and loaded as users load it (:class:`nst_core.fast.trained.TrainedStylizer`); one frame is
``paint`` of the photo at SIZE px on its longest side, as it is (4:3) and cut to each other
aspect (3:2 is most cameras'; the tiles Magenta's network needs depend on it). Magenta's Lite pair from
``$NST_MODELS_DIR`` (float16 and int8 transfer networks) paints the same photo with
``LiteStylizer.transfer``, the style vector computed once beforehand (its 384 px network
paints larger photos in overlapping tiles).

The machine is shared, so speed is given as a ratio to Magenta's int8 pair timed in the
same round: each round times every model once at a size, in turn, and a model's time is the
median over rounds (after one warm-up frame). Run it niced; the load is recorded.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from .common import CONTENT, STYLE, machine, machine_note, markdown_table, write_results

#: The reference every ratio divides by.
REFERENCE = "Magenta Lite int8"


def magenta_models() -> dict:
    """Magenta's Lite pairs, float16 and int8 transfer networks, from ``$NST_MODELS_DIR``."""
    from nst_core.fast import load_fast_model

    folder = Path(os.environ.get("NST_MODELS_DIR", ""))
    predict = folder / "style_predict_quantized_256.tflite"
    return {
        "Magenta Lite float16": load_fast_model([predict, folder / "style_transfer_f16_384.tflite"]),
        REFERENCE: load_fast_model([predict, folder / "style_transfer_quantized_384.tflite"]),
    }


def trained_models(width: float, folder: Path, downsamplings: int = 2) -> dict:
    """An untrained network of ``width`` exported to ``folder`` and loaded: kind -> (stylizer, bytes)."""
    import keras

    from nst_core.fast.network import build_style_network
    from nst_core.fast.trained import TrainedStylizer
    from nst_core.image.io import load_image
    from nst_core.train.data import representative_crops
    from nst_core.train.export import export_network

    keras.utils.set_random_seed(0)
    network = build_style_network(width, downsamplings=downsamplings)
    photo = (load_image(CONTENT, 384) * 255).astype(np.uint8)
    files = export_network(network, folder, representative_crops([photo], 256, count=8))
    return {kind: (TrainedStylizer(path), path.stat().st_size) for kind, path in files.items()}


def photo_at(photo: np.ndarray, size: int, aspect: str) -> np.ndarray:
    """``photo`` cut to ``aspect`` ("W:H", landscape) about its centre, ``size`` px on its longest side."""
    from nst_core.image.io import resize

    across, down = (float(x) for x in aspect.split(":"))
    height, width = photo.shape[:2]
    if width * down > height * across:  # too wide: cut the sides
        keep = round(height * across / down)
        photo = photo[:, (width - keep) // 2 : (width - keep) // 2 + keep]
    else:  # too tall: cut top and bottom
        keep = round(width * down / across)
        photo = photo[(height - keep) // 2 : (height - keep) // 2 + keep]
    height, width = photo.shape[:2]
    scale = size / max(height, width)
    return resize(photo, (round(height * scale), round(width * scale)))


def frame_seconds(models: dict, content: np.ndarray, repeats: int) -> dict[str, list[float]]:
    """Seconds of one frame of each model (name -> callable), in rounds; the warm-up frame not counted."""
    for paint in models.values():
        paint(content)
    times: dict[str, list[float]] = {name: [] for name in models}
    for _ in range(repeats):
        for name, paint in models.items():
            start = time.perf_counter()
            paint(content)
            times[name].append(time.perf_counter() - start)
    return times


def report(args, info: dict, names: list[str], sizes_bytes: dict, results: dict) -> None:
    """Write the table and the JSON of the sizes measured so far."""
    info = {**info, "load_average_end": machine()["load_average"]}
    header = ["model", "file KB"]
    for size in results.values():
        h, w = size["shape"]
        header += [f"{w}x{h} fps", f"{w}x{h} vs {REFERENCE}"]
    rows = []
    for name in names:
        row = [name, f"{sizes_bytes[name] / 1024:.0f}" if name in sizes_bytes else "-"]
        for size in results.values():
            times = size["seconds"]
            seconds = statistics.median(times[name])
            # The ratio of each round, then the median: both timed under the same load.
            ratio = statistics.median(r / t for r, t in zip(times[REFERENCE], times[name], strict=True))
            row += [f"{1 / seconds:.2f}", f"{ratio:.2f}x"]
        rows.append(row)
    table = markdown_table(header, rows)
    command = "nice -n 15 python -m benchmarks.trained_speed" + (
        f" --widths {' '.join(f'{w:g}' for w in args.widths)} --sizes {' '.join(map(str, args.sizes))}"
        + ("" if args.downsamplings == [2] else f" --downsamplings {' '.join(map(str, args.downsamplings))}")
        + f" --aspects {' '.join(args.aspects)}"
        f" --repeats {args.repeats} --large-repeats {args.large_repeats}"
        + ("" if args.name == "trained_speed" else f" --name {args.name}")
    )
    parameters = ", ".join(f"{k} {v:,}" for k, v in sizes_bytes.items() if k.endswith("parameters"))
    note = (
        f"`{command}`: frames per second (median of {args.repeats} rounds after a warm-up frame,"
        f" {args.large_repeats} above 512 px) of `images/tubingen.jpg` at each longest side (4:3, and cut"
        " to the other aspects); an untrained"
        " network of each width (dN: N halvings, not 2), exported as `nst train` exports it and painted through"
        " `TrainedStylizer.paint`; Magenta's Lite pair through `LiteStylizer.transfer` (384 px tiles, style"
        f" vector computed once). The ratio is the median over rounds of {REFERENCE}'s seconds over the"
        f" model's in the same round (above 1: faster). Parameters: {parameters}. Shared machine, niced;"
        f" {machine_note(info)}"
    )
    print(table + "\n" + note, flush=True)
    data = {"args": vars(args), "machine": info, "results": results, "bytes": sizes_bytes}
    write_results(args.name, data, table, note)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", type=float, nargs="+", default=[0.25, 0.5, 1.0])
    parser.add_argument(
        "--downsamplings", type=int, nargs="+", default=[2], help="halvings before the residual blocks (default 2)"
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 512, 1024])
    parser.add_argument("--aspects", nargs="+", default=["4:3", "3:2"], help="width:height of the photo")
    parser.add_argument("--repeats", type=int, default=3, help="rounds per size up to 512 px (default 3)")
    parser.add_argument("--large-repeats", type=int, default=1, help="rounds per size above 512 px (default 1)")
    parser.add_argument("--name", default="trained_speed")
    args = parser.parse_args(argv)
    from nst_core.fast.network import build_style_network
    from nst_core.image.io import load_image

    info = machine()
    style = load_image(STYLE)
    painters: dict = {}
    sizes_bytes: dict[str, int] = {}
    for name, model in magenta_models().items():
        vector = model.style_vector(style)
        painters[name] = lambda c, m=model, v=vector: m.transfer(c, v)
    with tempfile.TemporaryDirectory() as temporary:
        for width, halvings in [(w, d) for w in args.widths for d in args.downsamplings]:
            label = f"w{width:g}" + ("" if halvings == 2 else f" d{halvings}")
            params = build_style_network(width, downsamplings=halvings).count_params()
            models = trained_models(width, Path(temporary) / f"w{width}d{halvings}", halvings)
            for kind, (model, nbytes) in models.items():
                name = f"trained {label} {'Keras float32' if kind == 'keras' else 'Lite ' + kind}"
                painters[name] = model.paint
                sizes_bytes[name] = nbytes
            sizes_bytes[f"{label} parameters"] = params
        results: dict = {}
        for size, aspect in [(size, aspect) for size in args.sizes for aspect in args.aspects]:
            content = photo_at(load_image(CONTENT), size, aspect)
            rounds = args.repeats if size <= 512 else args.large_repeats
            times = frame_seconds(painters, content, rounds)
            results[f"{size} {aspect}"] = {"shape": list(content.shape[:2]), "seconds": times}
            print(size, aspect, {k: round(statistics.median(v), 3) for k, v in times.items()}, flush=True)
            # Written after every size, so a run stopped by its time bound keeps what it measured.
            report(args, info, list(painters), sizes_bytes, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
