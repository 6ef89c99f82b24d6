"""Pictures per hour: ``nst batch`` against a shell loop of ``nst`` calls, and the per-picture rate.

    python -m benchmarks.batch_throughput [--photos 20 --size 256 --steps 30 --rate-size 512 --rate-photos 4]

Makes ``--photos`` photos in a temporary folder (crops and mirror images of ``images/``,
``/work/shared/images`` where present, and scikit-image's sample photos, at several aspect
ratios, as a real folder has), then stylises all of them with one painting twice, with the
same options: once as one ``nst batch`` command, once as a shell loop of one ``nst`` call
per photo (each call starts Python, imports TensorFlow, loads VGG19 and traces its step;
``nst batch`` does that once, and reuses the traced step for photos of the same shape). Both
run as shell commands, one after the other, timed from outside. ``nst batch`` also measures
two quality numbers into each record by default; here ``--no-quality``, as the loop does not.

Then the per-picture rate of one worker at ``--rate-size`` px, from an ``nst batch`` of
``--rate-photos`` photos: the number the throughput model of ``docs/guides/ray.md``
multiplies by the number of workers. The GPU rate is estimated, not measured: VGG19's
floating-point operations per step (forward to ``block5_conv1`` and backward, counted from
the layer shapes) over an assumed sustained throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .common import ROOT, STYLE, machine_note, markdown_table, vgg19_flops, write_results

#: Steps of a default run (StyleOptions.steps), for the GPU estimate.
DEFAULT_STEPS = 300
#: Assumed sustained throughput of GPUs, in FLOP/s, for the estimate (a fraction of their peak).
GPU_ASSUMPTIONS = {
    "NVIDIA T4, mixed precision (assumed 15 TFLOP/s sustained of 65 peak)": 15e12,
    "NVIDIA A100, bfloat16 (assumed 100 TFLOP/s sustained of 312 peak)": 100e12,
}


def step_flops(side: int) -> float:
    """FLOPs of one optimisation step on a ``side`` x ``side`` image: VGG19 forward to block5_conv1 and backward (2x)."""
    return 3.0 * vgg19_flops(side, stop="block5_conv1")


def make_photos(folder: Path, count: int) -> list[Path]:
    """``count`` photos of varied sizes and aspect ratios, as JPEG files in ``folder``."""
    import skimage.data
    from PIL import Image

    sources = sorted((ROOT / "images").glob("*.jpg"))
    shared = Path("/work/shared/images")
    names = {p.name for p in sources}
    sources += sorted(p for p in shared.glob("*.jpg") if p.name not in names) if shared.is_dir() else []
    pictures = [np.asarray(Image.open(p).convert("RGB")) for p in sources]
    for name in ("astronaut", "chelsea", "coffee", "rocket", "motorcycle_left", "hubble_deep_field"):
        try:
            pictures.append(np.asarray(getattr(skimage.data, name)())[..., :3])
        except Exception:  # noqa: BLE001 - a sample missing from this scikit-image, or to be downloaded
            continue
    rng = np.random.default_rng(0)
    aspects = [(4, 3), (3, 4), (16, 9), (1, 1), (3, 2)]
    paths = []
    for k in range(count):
        picture = pictures[k % len(pictures)]
        if k // len(pictures) % 2:
            picture = picture[:, ::-1]
        height, width = picture.shape[:2]
        aspect_w, aspect_h = aspects[k % len(aspects)]
        crop_h = min(height, int(width * aspect_h / aspect_w))
        crop_w = min(width, int(crop_h * aspect_w / aspect_h))
        top, left = rng.integers(0, height - crop_h + 1), rng.integers(0, width - crop_w + 1)
        path = folder / f"photo_{k:02d}.jpg"
        Image.fromarray(np.ascontiguousarray(picture[top : top + crop_h, left : left + crop_w])).save(path, quality=92)
        paths.append(path)
    return paths


def timed(command: str) -> float:
    """Wall seconds of a shell command (which must succeed)."""
    start = time.perf_counter()
    subprocess.run(["bash", "-c", command], check=True, cwd=ROOT)
    return time.perf_counter() - start


def gpu_estimates(sizes: list[int], step_counts: list[int]) -> str:
    """The table of estimated GPU rates (FLOP count over an assumed throughput), per size and step count."""
    rows = []
    for size in sizes:
        flops = step_flops(size)
        for gpu, rate in GPU_ASSUMPTIONS.items():
            for steps in step_counts:
                seconds = steps * flops / rate
                rows.append(
                    [f"{size}x{size}", f"{flops / 1e9:.0f}", gpu, steps, f"{seconds:.2f}", f"{3600 / seconds:.0f}"]
                )
    return markdown_table(
        ["size", "GFLOP per step", "GPU (assumption)", "steps", "s per picture", "pictures per hour"], rows
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=20)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--rate-size", type=int, default=512)
    parser.add_argument("--rate-photos", type=int, default=4)
    args = parser.parse_args()

    from .common import machine

    info = machine()
    nst = f"{shlex.quote(sys.executable)} -m nst_core.cli"
    flags = f"-s {args.size} -n {args.steps} --seed 0"
    n = args.photos
    command = (
        f"nice -n 15 python -m benchmarks.batch_throughput --photos {n} --size {args.size} --steps {args.steps}"
        f" --rate-size {args.rate_size} --rate-photos {args.rate_photos}"
    )
    data: dict = {"args": vars(args), "machine": info}
    rows: list[list[str]] = []

    def record(name: str, label: str, seconds: float, pictures: int, folder: Path | None) -> None:
        """Add a phase's row and write the results so far (a long run cut short keeps its finished phases)."""
        data[f"{name}_seconds"] = seconds
        per_picture = ["", ""] if not pictures else [f"{seconds / pictures:.1f}", f"{3600 * pictures / seconds:.0f}"]
        optimise = ""
        if folder is not None:
            records = [json.loads(p.read_text()) for p in folder.glob("*.json")]
            data[f"{name}_optimise_seconds"] = [r["seconds"] for r in records]
            optimise = f"{np.mean(data[f'{name}_optimise_seconds']):.1f}"
        rows.append([label, f"{seconds:.0f}", *per_picture, optimise])
        info["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        table = markdown_table(
            ["run", "wall s", "s per picture", "pictures per hour", "optimisation s per picture (records)"], rows
        )
        note = (
            f"`{command}`\n\n"
            f"{n} photos (crops of images/, /work/shared/images and scikit-image samples, 5 aspect ratios) x 1"
            f" painting (starry_night), `-s {args.size} -n {args.steps} --seed 0`, other options default (L-BFGS,"
            f" mixed precision, 2-level pyramid at 256 px and 512 px). {args.steps} steps keep the measurement"
            f" short; a default run has 300, which shrinks the share of start-up and so the gain of `nst batch`."
            f" `nst batch` runs with `--no-quality`, so both arms do the same work."
            f" Niced (15), on a machine shared with other jobs: {machine_note(info)}\n\n"
            f"GPU estimate, not measured (no GPU here), for a default run of {DEFAULT_STEPS} steps and for"
            f" {args.steps}: steps x VGG19 forward to block5_conv1 and"
            f" backward (3x the forward 3x3 convolutions' FLOPs, square images, single scale: an upper bound for"
            f" pyramid runs), over an assumed sustained throughput; loading, tracing and writing are left out.\n\n"
            + gpu_estimates([args.size, args.rate_size], sorted({DEFAULT_STEPS, args.steps}))
        )
        write_results("batch", data, "# nst batch throughput\n\n" + table, note)
        print(table, flush=True)

    with tempfile.TemporaryDirectory(prefix="nst-batch-bench-") as temporary:
        folder = Path(temporary)
        (folder / "photos").mkdir()
        photos = make_photos(folder / "photos", n)
        batch = f"{nst} batch {folder / 'photos'} --styles {STYLE} -o {folder / 'batch'} {flags} -q --no-quality"
        record("batch", f"`nst batch` ({n} photos, one command)", timed(batch), n, folder / "batch")
        loop = (
            f"mkdir -p {folder / 'loop'}; for f in {folder / 'photos'}/*.jpg; do"
            f' {nst} "$f" {STYLE} -o {folder / "loop"}/$(basename "$f" .jpg).png {flags} -q || exit 1; done'
        )
        record("loop", f"shell loop of `nst` ({n} calls)", timed(loop), n, None)
        record("rerun", f"`nst batch` again (all {n} skipped)", timed(batch), 0, None)
        rate_folder = folder / "rate"
        rate_folder.mkdir()
        for path in photos[: args.rate_photos]:
            (rate_folder / path.name).symlink_to(path)
        rate = (
            f"{nst} batch {rate_folder} --styles {STYLE} -o {folder / 'rate_out'} -s {args.rate_size}"
            f" -n {args.steps} --seed 0 -q --no-quality"
        )
        label = f"`nst batch` at {args.rate_size} px ({args.rate_photos} photos)"
        record("rate", label, timed(rate), args.rate_photos, folder / "rate_out")


if __name__ == "__main__":
    main()
