"""How a part of the photo with no style keeps the photo: the content term alone, or pasted back.

One run with the style on the left half of the photo (a mask with a soft edge) and
``unstyled="content"``; the same result with the photo pasted back through the mask is the
second variant (``unstyled="paste"`` does exactly that after the run). A run without masks
is the reference for how stylised the left half gets. Measured with :mod:`nst_core.metrics`
on the halves (away from a band of 1/8 of the width around the edge), and the largest
column-to-column change of the difference from the photo across the edge (a seam is a
step much larger than its neighbours').

    python -m benchmarks.regions --size 256 --steps 80
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
    """Largest step of the column profile of |image - photo| near the middle, over the median step elsewhere."""
    profile = np.abs(image - photo).mean(axis=(0, 2))
    steps = np.abs(np.diff(profile))
    middle = len(profile) // 2
    near = steps[middle - 8 : middle + 8].max()
    return float(near / max(np.median(steps), 1e-6))


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
    rows, data = [], {"args": vars(args), "machine": info, "seconds": [masked_seconds, whole_seconds], "rows": {}}
    for name, image in variants.items():
        left, right = _halves(image)
        numbers = {
            "left style distance": style_distance(left, style),
            "right content distance": content_distance(right, photo_right),
            "right mean |change| (0-1)": float(np.abs(right - photo_right).mean()),
            "left content distance": content_distance(left, photo_left),
            "seam (step / median step)": _seam(image, photo),
        }
        data["rows"][name] = numbers
        rows.append([name, *(f"{v:.4g}" for v in numbers.values())])
        if args.save:
            save_image(image, f"{args.save}_{name.split()[0]}.png")
    table = markdown_table(["variant", *next(iter(data["rows"].values()))], rows)
    note = (
        f"Command: `python -m benchmarks.regions --size {args.size} --steps {args.steps}`\n\n"
        "Tubingen with The Starry Night on the left half (mask with a soft edge, 1% of the side); the right"
        " half has no style. Halves measured without the eighth of the width each side of the edge. "
        + machine_note(info)
    )
    write_results(f"regions_{args.size}", data, table, note)
    print(table)


if __name__ == "__main__":
    main()
