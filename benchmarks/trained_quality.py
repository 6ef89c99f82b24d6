"""How good is a trained network? Against Magenta's network and the optimisation, on unseen photos.

    python -m benchmarks.trained_quality --model-dir /tmp/trainbench/starry [--size 256] [--large 512]

Test photos the network never saw (``benchmarks.trained_photos`` holds them out):
``images/tubingen.jpg``, scikit-image's ``coffee`` and ``chelsea``, all at ``--size`` px
on the longest side, and Tübingen again at ``--large`` px for the two fast methods. Each
is painted in The Starry Night by

* the trained network, Lite float16 and int8 (``nst fast PHOTO --model DIR/model_float16.tflite``),
* Magenta's network (``nst fast PHOTO images/starry_night.jpg``: its Lite pair in
  ``$NST_MODELS_DIR``, float16 transfer network),
* the optimisation with default settings (``nst PHOTO images/starry_night.jpg --size SIZE``),
  run through the command line, its outputs kept in ``--work`` and reused by later runs
  while the defaults are the same
  (``--nst-only`` makes just them, to start early),

and scored by :func:`nst_core.metrics.quality`: style distance, content distance, the
independent judge (Magenta's style-prediction network: it may favour Magenta's own
transfer network, whose training used it) and the sliced Wasserstein distance.
The picture sheet (``docs/trained_sheet.jpg``): a column per photo; rows photo, trained,
Magenta, nst. Each run writes its fast methods' pictures to ``--work/NAME/`` (``NAME``: the
results name), so runs that share a work folder and its optimisation outputs keep their own.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from .common import CONTENT, ROOT, STYLE, machine, machine_note, markdown_table, write_results

SHEET = ROOT / "docs" / "trained_sheet.jpg"
#: Held-out photos of scikit-image (see benchmarks.trained_photos.HELD_OUT).
SKIMAGE_TEST = ("coffee", "chelsea")
ROWS = ("photo", "trained (Lite float16)", "Magenta (Lite)", "nst (optimisation)")


def test_photos(work: Path) -> dict[str, Path]:
    """The test photos as files (scikit-image's written to ``work``): name -> path."""
    from nst_core.image.io import save_image

    from .trained_photos import photo

    paths = {"tubingen": CONTENT}
    for name in SKIMAGE_TEST:
        path = work / f"{name}.png"
        if not path.exists():
            save_image(photo(name).astype(np.float32) / 255, path)
        paths[name] = path
    return paths


def nst_command(photo: Path, output: Path, size: int) -> list[str]:
    """The optimisation's command line (default settings at ``size`` px)."""
    return [sys.executable, "-m", "nst_core.cli", str(photo), str(STYLE), "-o", str(output), "--size", str(size)]


def run_nst(photos: dict[str, Path], work: Path, size: int) -> dict[str, float]:
    """Paint each photo with ``nst``'s defaults, reusing kept outputs; name -> seconds.

    An output in ``work`` is reused only if ``nst_runs_SIZE.json`` there records that the
    current StyleOptions defaults painted it.
    """
    from nst_core.options import StyleOptions

    defaults = repr(StyleOptions(size=size))
    record = work / f"nst_runs_{size}.json"
    runs = json.loads(record.read_text()) if record.exists() else {}
    for name, photo in photos.items():
        output = work / f"nst_{name}_{size}.png"
        if output.exists() and runs.get(name, {}).get("options") == defaults:
            continue
        start = time.perf_counter()
        subprocess.run(nst_command(photo, output, size), check=True, env=os.environ.copy())
        runs[name] = {"seconds": time.perf_counter() - start, "options": defaults}
        record.write_text(json.dumps(runs))
        print(f"nst {name}: {runs[name]['seconds']:.0f} s", flush=True)
    return {name: runs[name]["seconds"] for name in photos}


def training_summary(model_dir: Path) -> tuple[str, list[dict]]:
    """How the network in ``model_dir`` was trained (its ``training.json``), for the note; and the runs."""
    from nst_core.options import TrainOptions
    from nst_core.options.spec import plain_values
    from nst_core.train import read_record

    runs = read_record(model_dir)
    if not runs:
        return "Its folder holds no training record (trained before `nst train` wrote one).", runs
    defaults = plain_values(TrainOptions())
    described = []
    for run in runs:
        changed = ", ".join(f"{k} {v}" for k, v in run["options"].items() if k in defaults and defaults[k] != v)
        described.append(
            f"steps {run['from_step']}-{run['to_step']} ({run['seconds']:.0f} s) on {run['photos']} photos"
            f" of `{run['data']}`, style `{run['style']}`, options other than the defaults: {changed or 'none'}"
        )
    return "Training record of the network: " + "; then ".join(described) + ".", runs


def sheet(columns: list[list[np.ndarray]], names: list[str], path: Path, cell: int = 256) -> Path:
    """The picture sheet: one column per photo, one row per method, labelled; a JPEG under 200 KB."""
    from PIL import Image, ImageDraw

    from nst_core.image.io import resize, to_uint8

    label_width, header = 150, 18
    rows = len(columns[0])
    heights = [max(round(col[r].shape[0] * cell / col[r].shape[1]) for col in columns) for r in range(rows)]
    canvas = Image.new("RGB", (label_width + cell * len(columns), header + sum(heights)), "white")
    draw = ImageDraw.Draw(canvas)
    for c, name in enumerate(names):
        draw.text((label_width + c * cell + 4, 3), name, fill="black")
    top = header
    for r in range(rows):
        draw.text((4, top + heights[r] // 2 - 6), ROWS[r], fill="black")
        for c, col in enumerate(columns):
            image = col[r]
            h = round(image.shape[0] * cell / image.shape[1])
            canvas.paste(Image.fromarray(to_uint8(resize(image, (h, cell)))), (label_width + c * cell, top))
        top += heights[r]
    path.parent.mkdir(parents=True, exist_ok=True)
    for quality in (85, 75, 65, 55):
        canvas.save(path, quality=quality, optimize=True)
        if path.stat().st_size < 200_000:
            break
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, default=Path("/tmp/trainbench/starry"))
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument(
        "--large", type=int, default=512, help="the --large-photos again at this size, fast methods only"
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/trainbench/quality"))
    parser.add_argument("--nst-only", action="store_true", help="only make the optimisation's outputs")
    parser.add_argument(
        "--large-photos", nargs="+", default=["tubingen"], help="photos painted again at --large (default: tubingen)"
    )
    parser.add_argument(
        "--sheet", type=Path, default=SHEET, help="picture sheet path (default: docs/trained_sheet.jpg)"
    )
    parser.add_argument("--name", default="trained_quality")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    info = machine()
    photos = test_photos(args.work)
    nst_seconds = run_nst(photos, args.work, args.size)
    if args.nst_only:
        return 0

    from nst_core.fast import fast_stylize, load_fast_model
    from nst_core.image.io import load_image, save_image
    from nst_core.metrics import quality
    from nst_core.options import StyleOptions

    magenta = load_fast_model()
    trained = {kind: load_fast_model(args.model_dir / f"model_{kind}.tflite") for kind in ("float16", "int8")}
    pictures = args.work / args.name
    pictures.mkdir(exist_ok=True)
    rows, data, columns = [], [], []
    cases = [(name, path, args.size) for name, path in photos.items()]
    cases += [(name, photos[name], args.large) for name in args.large_photos]
    for name, path, size in cases:
        content = load_image(path, size)
        outputs = {f"trained {kind}": fast_stylize(content, model=model) for kind, model in trained.items()}
        outputs["Magenta"] = fast_stylize(content, str(STYLE), model=magenta)
        if size == args.size:  # run_nst painted or checked every photo at this size
            outputs["nst"] = load_image(args.work / f"nst_{name}_{size}.png")
        for method, image in outputs.items():
            save_image(image, pictures / f"{method.replace(' ', '_')}_{name}_{size}.png")
            report = quality(image, content, str(STYLE), judge_model=magenta)
            shape = f"{image.shape[1]}x{image.shape[0]}"
            data.append({"photo": name, "size": shape, "method": method, **report.as_dict()})
            rows.append(
                [
                    name,
                    shape,
                    method,
                    f"{report.style_distance:.3f}",
                    f"{report.content_distance:.3f}",
                    f"{report.style_judge:.3f}" if report.style_judge is not None else "-",
                    f"{report.sliced_wasserstein:.3f}",
                ]
            )
            print(rows[-1], flush=True)
        if size == args.size:
            columns.append([content, outputs["trained float16"], outputs["Magenta"], outputs["nst"]])
    sheet(columns, [f"{n} ({args.size} px)" for n in photos], args.sheet)
    info["load_average_end"] = machine()["load_average"]
    trained_with, training_runs = training_summary(args.model_dir)

    header = ["photo", "size", "method", "style distance", "content distance", "judge", "sliced W"]
    table = markdown_table(header, rows)
    model_dir = args.model_dir
    note = (
        f"`python -m benchmarks.trained_quality {shlex.join(sys.argv[1:] if argv is None else argv)}"
        + "`. Lower is better on every column; the judge is 1 for no style"
        " transferred and 0 for the style's own look (Magenta's style-prediction network, which Magenta's"
        " transfer network was trained with: it may favour it). Style: `images/starry_night.jpg`. Equivalent"
        f" commands: trained `nst fast PHOTO --model {model_dir}/model_float16.tflite --size SIZE` (and"
        " `model_int8.tflite`); Magenta `nst fast PHOTO images/starry_night.jpg --size SIZE` (the Lite pair of"
        f" `$NST_MODELS_DIR`); nst `nst PHOTO images/starry_night.jpg --size {args.size}` (default settings:"
        f" style weight {StyleOptions().style_weight:g},"
        f" seconds per photo when painted: {', '.join(f'{k} {v:.0f}' for k, v in nst_seconds.items())})."
        f" Picture sheet: `{args.sheet.relative_to(ROOT) if args.sheet.is_relative_to(ROOT) else args.sheet}`."
        f" {trained_with}"
        f" {machine_note(info)}"
    )
    print(table + "\n" + note)
    write_results(
        args.name,
        {"args": {k: str(v) for k, v in vars(args).items()}, "machine": info, "training": training_runs, "rows": data},
        table,
        note,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
