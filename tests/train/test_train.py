"""Training a style network as a user does: it learns, it stops and resumes, its exports paint.

One tiny run (64 px, 3 photos, a few steps) is shared by the module: it is stopped by an
interrupt after 2 steps (which saves a checkpoint), resumed and stopped by its callback at
step 3 (a notebook's Stop), which saves a checkpoint and exports, then resumed to its end
at step 4 (where a callback's False changes nothing).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from nst_core import cli
from nst_core.errors import OptionError
from nst_core.options import TrainOptions
from nst_core.train import train_network

from ..helpers import CONTENT, STYLE

pytestmark = [
    pytest.mark.vgg19,
    # Every run on the shared photo folder skips its broken file again; the first run checks that warning.
    pytest.mark.filterwarnings("ignore:.*broken.jpg.*skipped:UserWarning"),
]

OPTIONS = TrainOptions(
    size=64,
    steps=2,
    batch_size=2,
    checkpoint_every=5,
    preview_every=3,
    seed=0,
    precision="float32",
    learning_rate=1e-3,
)


def make_photos(folder, broken: bool = True):
    """Three crops of the project's photo, and (``broken``) a file that is not an image."""
    folder.mkdir(parents=True, exist_ok=True)
    with Image.open(CONTENT) as image:
        width, height = image.size
        for index, (left, top) in enumerate([(0, 0), (width // 3, height // 4), (width // 2, height // 2)]):
            image.crop((left, top, left + width // 2, top + height // 2)).save(folder / f"photo{index}.jpg")
    if broken:
        (folder / "broken.jpg").write_bytes(b"not a jpeg at all")
    return folder


def _interrupt_at(step: int, seen: list):
    def callback(progress):
        seen.append(progress)
        if progress.step == step:
            raise KeyboardInterrupt

    return callback


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("train")
    photos = make_photos(root / "photos")
    out = root / "mystyle"
    first, second = [], []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(KeyboardInterrupt):
            train_network(STYLE, photos, OPTIONS.replace(steps=10), out, callback=_interrupt_at(2, first))
    checkpoints_after_stop = sorted(p.name for p in (out / "checkpoints").glob("ckpt-*.index"))

    def stop_at_3(progress):
        second.append(progress)
        return progress.step < 3

    result = train_network(STYLE, photos, OPTIONS.replace(steps=10), out, callback=stop_at_3, resume=True)
    finished = train_network(STYLE, photos, OPTIONS.replace(steps=4), out, callback=lambda p: False, resume=True)
    return {
        "root": root,
        "photos": photos,
        "out": out,
        "first": first,
        "second": second,
        "warnings": [str(w.message) for w in caught],
        "checkpoints_after_stop": checkpoints_after_stop,
        "result": result,
        "finished": finished,
    }


def test_an_unreadable_photo_is_skipped_with_a_warning_naming_it(run):
    named = [w for w in run["warnings"] if "broken.jpg" in w]
    assert len(named) == 1 and "skipped" in named[0]
    assert [p.step for p in run["first"]] == [1, 2]  # trained on the readable ones


def test_an_interrupt_saves_a_checkpoint_and_resume_continues_from_its_step(run):
    from nst_core.fast.network import build_style_network  # noqa: F401 - registers the layers
    from nst_core.train.checkpoint import TrainingCheckpoint
    from nst_core.train.run import load_style
    from nst_core.train.trainer import build_trainer

    assert run["checkpoints_after_stop"] == ["ckpt-2.index"]  # checkpoint_every=5: saved by the interrupt
    assert [p.step for p in run["second"]] == [3]  # not from scratch, and no step after the stop
    assert run["result"].step == 3 and run["result"].stopped
    assert (run["out"] / "checkpoints" / "ckpt-3.index").is_file()  # saved by the callback's stop
    # The last checkpoint holds the step and the optimiser's own iteration count, both continued.
    trainer = build_trainer(load_style(STYLE, OPTIONS), OPTIONS)
    restored = TrainingCheckpoint(run["out"], trainer.network, trainer.optimizer, OPTIONS).restore()
    assert restored == 4 and int(trainer.optimizer.iterations.numpy()) == 4


def test_a_run_that_reaches_its_last_step_is_finished_not_stopped(run):
    assert run["finished"].step == 4 and not run["finished"].stopped
    assert (run["out"] / "checkpoints" / "ckpt-4.index").is_file()


def test_the_loss_falls_on_a_fixed_batch():
    from nst_core.train.run import load_style
    from nst_core.train.trainer import build_trainer

    options = OPTIONS
    trainer = build_trainer(load_style(STYLE, options), options)
    with Image.open(CONTENT) as image:
        photo = np.asarray(image.convert("RGB").resize((64, 48)), np.float32)[None] / 255.0
    step = tf.function(trainer.train_step)
    # Adam's first steps overshoot (every weight moves by about the learning rate); by the
    # 8th step on one batch the loss is well below its start.
    totals = [float(step(photo)["total"]) for _ in range(8)]
    assert totals[-1] < 0.8 * totals[0], totals


def test_previews_and_exports_are_written(run):
    out = run["out"]
    assert sorted(p.name for p in (out / "previews").iterdir()) == ["step_000003.png", "step_000004.png"]
    assert run["second"][-1].image is not None and run["second"][-1].image.shape[2] == 3
    assert sorted(run["result"].files) == ["float16", "int8", "keras"]
    assert all(path.parent == out and path.stat().st_size > 0 for path in run["result"].files.values())


@pytest.mark.parametrize("kind", ["keras", "float16", "int8"])
def test_exported_models_paint_through_nst_fast_at_the_input_size(run, kind, tmp_path):
    model = run["result"].files[kind]
    content = tmp_path / "odd.png"
    Image.fromarray((np.random.default_rng(0).random((37, 53, 3)) * 255).astype(np.uint8)).save(content)
    out = tmp_path / "out.png"
    assert cli.main(["fast", str(content), "--model", str(model), "-o", str(out), "--size", "53"]) == 0
    with Image.open(out) as image:
        assert image.size == (53, 37)
        assert np.asarray(image).std() > 1  # a picture, not a flat colour


def test_a_new_run_into_a_trained_folder_is_refused(run):
    with pytest.raises(OptionError, match="holds a training run already"):
        train_network(STYLE, run["photos"], OPTIONS, run["out"])


def test_resuming_with_another_width_is_refused(run):
    with pytest.raises(OptionError, match="width"):
        train_network(STYLE, run["photos"], OPTIONS.replace(width=0.5, steps=4), run["out"], resume=True)


def test_the_record_names_each_run_with_its_options_and_steps(run):
    from nst_core.train import read_record

    runs = read_record(run["out"])
    # The interrupted run (its record written with the interrupt's checkpoint), the one its
    # callback stopped, and the one that finished with fewer steps.
    assert [(r["from_step"], r["to_step"], r["options"]["steps"]) for r in runs] == [(0, 2, 10), (2, 3, 10), (3, 4, 4)]
    assert all(r["photos"] == 3 and r["style"] == str(STYLE) and r["data"] == str(run["photos"]) for r in runs)
    assert TrainOptions(**{k: tuple(v) if isinstance(v, list) else v for k, v in runs[0]["options"].items()}) == (
        OPTIONS.replace(steps=10)
    )
