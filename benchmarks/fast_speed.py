"""Seconds per image of fast stylisation on this machine, per back end and size.

    python -m benchmarks.fast_speed [--repeats 3] [--sizes 256 512 1024]

Times ``FastStylizer.transfer`` (the per-image cost; the style vector is computed once per
style and timed separately) on the repository's photo, median of ``--repeats`` runs after
one warm-up. Back ends: the Lite pair in ``$NST_MODELS_DIR`` (float16 and int8 transfer
networks) and the Hub model (``--hub``, default the Magenta handle; reported as
unavailable when it cannot be loaded, e.g. offline: no stand-in is timed in its place).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from nst_core.errors import ModelError
from nst_core.fast import DEFAULT_HUB_HANDLE, load_fast_model
from nst_core.image.io import load_image

IMAGES = Path(__file__).resolve().parent.parent / "images"


def seconds(function, repeats: int) -> float:
    """Median wall time of ``function()`` over ``repeats`` runs, after one warm-up run."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 512, 1024])
    parser.add_argument("--hub", default=DEFAULT_HUB_HANDLE)
    args = parser.parse_args(argv)

    models_dir = Path(os.environ.get("NST_MODELS_DIR", ""))
    candidates = {
        "lite f16": [models_dir / "style_predict_quantized_256.tflite", models_dir / "style_transfer_f16_384.tflite"],
        "lite int8": [
            models_dir / "style_predict_quantized_256.tflite",
            models_dir / "style_transfer_quantized_384.tflite",
        ],
        "hub": args.hub,
    }
    style = load_image(IMAGES / "starry_night.jpg")
    contents = {size: load_image(IMAGES / "tubingen.jpg", size) for size in args.sizes}
    print(f"| back end | style vector (s) | {' | '.join(f'{s} px (s)' for s in args.sizes)} |")
    print("|---|---|" + "---|" * len(args.sizes))
    for name, location in candidates.items():
        try:
            model = load_fast_model(location)
        except ModelError as err:
            print(f"| {name} | not available here: {err} |" + " |" * len(args.sizes))
            continue
        vector = model.style_vector(style)
        cells = [f"{seconds(lambda m=model: m.style_vector(style), args.repeats):.3f}"]
        for content in contents.values():
            transfer = lambda m=model, c=content, v=vector: m.transfer(c, v)  # noqa: E731
            cells.append(f"{seconds(transfer, args.repeats):.2f}")
        print(f"| {name} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
