"""How a part of the photo with no style keeps the photo: the content term alone, or pasted back.

One run with the style on the left half of the photo (a mask with a soft edge) and
``unstyled="content"``; the same result with the photo pasted back through the mask is the
second variant (``unstyled="paste"`` does exactly that after the run). A run without masks
is the reference for how stylised the left half gets. Measured with :mod:`nst_core.metrics`
on the halves (away from a band of 1/8 of the width around the edge), and the largest
column-to-column change of the difference from the photo across the edge over the largest
within the painted half (above 1: a seam), and how much the style spills into the unpainted
side beside the edge.

The fast network by region is timed too (Magenta's Lite model, at 512 px): one style, two
styles mixed by their vectors, two styles by region (one pass per style, blended by masks).

    NST_MODELS_DIR=../shared/models python -m benchmarks.regions --size 128 --steps 60
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from .common import CONTENT, STYLE, machine, machine_note, markdown_table, write_results


def _halves(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The left and right parts of ``image`` without the eighth of the width on each side of the middle."""
    width = image.shape[1]
    band = width // 8
    return image[:, : width // 2 - band], image[:, width // 2 + band :]


def _seam(image: np.ndarray, photo: np.ndarray) -> float:
    """Largest column-to-column step of |image - photo| at the edge, over the largest inside the painted half.

    Above 1: the edge is a sharper change than any brush stroke of the painted half (a seam).
    """
    profile = np.abs(image - photo).mean(axis=(0, 2))
    steps = np.abs(np.diff(profile))
    middle, band = len(profile) // 2, len(profile) // 8
    return float(steps[middle - 8 : middle + 8].max() / max(steps[: middle - band].max(), 1e-6))


def _spill(image: np.ndarray, photo: np.ndarray) -> float:
    """Mean |image - photo| in the eighth of the width right of the edge (the unpainted side), 0-1 units."""
    middle, band = image.shape[1] // 2, image.shape[1] // 8
    return float(np.abs(image - photo)[:, middle + 2 : middle + band].mean())


def _fast_seconds(repeats: int = 3) -> dict[str, float]:
    """Median seconds of the fast network at 512 px: one style, two mixed, two by region."""
    from nst_core.fast import fast_stylize, load_fast_model
    from nst_core.fast.regions import fast_stylize_regions
    from nst_core.image.io import load_image
    from nst_core.image.masks import style_masks

    model = load_fast_model()
    photo = load_image(CONTENT, 512)
    styles = [load_image(STYLE), load_image(CONTENT.parent / "the_scream.jpg")]
    masks = style_masks(("1", "3"), photo, 4, 0.01)
    fast_stylize(photo, styles[0], model=model)  # warm up
    cases = {
        "one style": lambda: fast_stylize(photo, styles[0], model=model),
        "two styles mixed (one vector)": lambda: fast_stylize(photo, styles, model=model),
        "two styles by region (two passes)": lambda: fast_stylize_regions(photo, styles, masks, model=model),
    }
    seconds = {}
    for name, run in cases.items():
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        seconds[name] = round(float(np.median(times)), 2)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=80)
    parser.add_argument("--save", default=None, help="prefix of PNG files of the results, to look at")
    args = parser.parse_args()

    from nst_core import stylize
    from nst_core.engine.masks import keep_photo_outside
    from nst_core.image.io import load_image, save_image
    from nst_core.image.regions import region_masks
    from nst_core.metrics import content_distance, style_distance

    info = machine()
    photo = load_image(CONTENT, args.size)
    labels = np.ones(photo.shape[:2], np.int32)
    labels[:, photo.shape[1] // 2 :] = 2
    mask = region_masks(labels, [[1]], 0.01 * args.size)[0]
    common = {"size": args.size, "steps": args.steps, "seed": 0, "pyramid_levels": 1, "precision": "float32"}
    start = time.perf_counter()
    masked = stylize(CONTENT, STYLE, style_masks=[mask], unstyled="content", **common)
    masked_seconds = time.perf_counter() - start
    start = time.perf_counter()
    whole = stylize(CONTENT, STYLE, **common)
    whole_seconds = time.perf_counter() - start
    variants = {
        "content term alone": masked.image,
        "photo pasted back": keep_photo_outside(masked.image, photo, [mask]),
        "no mask (reference)": whole.image,
    }
    style = load_image(STYLE, args.size)
    photo_left, photo_right = _halves(photo)
    seconds = {"with mask": round(masked_seconds, 1), "without": round(whole_seconds, 1)}
    rows, data = [], {"args": vars(args), "machine": info, "seconds": seconds, "rows": {}}
    for name, image in variants.items():
        left, right = _halves(image)
        numbers = {
            "left style distance": style_distance(left, style),
            "right content distance": content_distance(right, photo_right),
            "right mean abs change (0-1)": float(np.abs(right - photo_right).mean()),
            "spill beside the edge (0-1)": _spill(image, photo),
            "left content distance": content_distance(left, photo_left),
            "seam (edge step / largest inside)": _seam(image, photo),
        }
        data["rows"][name] = numbers
        rows.append([name, *(f"{v:.4g}" for v in numbers.values())])
        if args.save:
            save_image(image, f"{args.save}_{name.split()[0]}.png")
    data["fast_seconds_512"] = _fast_seconds()
    info["load_average_end"] = machine()["load_average"]
    table = markdown_table(["variant", *next(iter(data["rows"].values()))], rows)
    table += "\n" + markdown_table(
        ["fast network, 512 px", "seconds (median of 3)"], [[k, v] for k, v in data["fast_seconds_512"].items()]
    )
    note = (
        f"Command: `NST_MODELS_DIR=../shared/models python -m benchmarks.regions --size {args.size}"
        f" --steps {args.steps}`\n\n"
        "Tubingen with The Starry Night on the left half (mask with a soft edge, 1% of the side); the right"
        " half has no style. Halves measured without the eighth of the width each side of the edge."
        f" Seconds per run (two runs): {seconds}. " + machine_note(info)
    )
    write_results(f"regions_{args.size}", data, table, note)
    print(table)


if __name__ == "__main__":
    main()
