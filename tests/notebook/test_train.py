"""The training app, driven as a user would: Train, watch the preview and plot, Stop, train on."""

from __future__ import annotations

import io
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nst_core.errors import NSTError, OptionError
from nst_core.notebook.photos import bundled_photos, download_photos
from nst_core.notebook.train import TrainApp
from nst_core.options import TrainOptions
from nst_core.train import TrainingProgress, TrainingResult
from nst_core.train.data import load_photos

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "images"


class FakeTrain:
    """Stands in for train_network: reports each step (a preview every second one).

    It stops as train_network does when the callback returns False (a checkpoint of the
    steps done, then the export) and on an interrupt (a checkpoint, then the interrupt goes
    on), resumes from that step, and writes an exported file.
    """

    def __init__(self, on_step=None, delay: float = 0.0):
        self.calls: list[dict] = []
        self.checkpoint = 0
        self.on_step = on_step
        self.delay = delay

    def __call__(self, style, data, options, output_dir, callback=None, resume=False, exports=("keras",)):
        self.calls.append({"style": style, "data": data, "options": options, "resume": resume, "exports": exports})
        if not Path(data).is_dir():
            raise OptionError(f"{data}: no such photo folder")
        step = self.checkpoint if resume else 0
        stopped = False
        try:
            while step < options.steps:
                time.sleep(self.delay)
                step += 1
                image = np.full((12, 16, 3), step / options.steps, np.float32) if step % 2 == 0 else None
                progress = TrainingProgress(step, options.steps, {"total": 10.0 / step, "style": 9.0 / step}, image)
                if self.on_step is not None:
                    self.on_step(step)
                if callback is not None and callback(progress) is False:
                    stopped = True
                    break
        except KeyboardInterrupt:
            self.checkpoint = step
            raise
        self.checkpoint = step
        Path(output_dir).mkdir(parents=True, exist_ok=True)
        model = Path(output_dir) / "model.keras"
        model.write_bytes(b"network at step %d" % step)
        return TrainingResult(step, {"keras": model}, {"total": 1.0}, 0.1, stopped)


def make_app(tmp_path, fake, steps=6, **kwargs) -> TrainApp:
    options = TrainOptions(size=64, steps=steps, batch_size=2, preview_every=2)
    return TrainApp(tmp_path, tmp_path / "out", options, train=fake, samples_dir=IMAGES, background=False, **kwargs)


def png_size(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(bytes(data))).size


def test_train_passes_the_controls_and_shows_each_step(tmp_path):
    fake = FakeTrain()
    app = make_app(tmp_path, fake, exports=("keras",))
    app.width.value = 0.5
    app.style_weight.value = 100.0
    app.steps.value = 8
    seen = []
    app.view.progress.observe(lambda change: seen.append(change["new"]), names="value")

    result = app.train()

    call = fake.calls[0]
    assert call["options"] == TrainOptions(size=64, steps=8, batch_size=2, preview_every=2, width=0.5, style_weight=100)
    assert call["style"].endswith("starry_night.jpg") and call["data"] == str(tmp_path)
    assert call["exports"] == ("keras",) and call["resume"] is False
    assert seen == list(range(1, 9))  # the progress bar followed every step
    assert png_size(app.view.preview.value) == (16, 12)  # the last preview painting
    assert app.view.loss_plot.value[:4] == b"\x89PNG" and app.view.steps == list(range(1, 9))
    assert result is app.result and result.step == 8 and not app.stopped
    assert "done at step 8" in app.view.status.value
    assert "model.keras" in app.view.files.value and "download" in app.view.files.value
    assert app.model_path == tmp_path / "out" / "model.keras"
    assert app.resume.value  # Train again continues this run


def test_the_loss_plot_is_redrawn_at_most_every_plot_seconds_and_at_previews(tmp_path):
    app = make_app(tmp_path, FakeTrain(), plot_seconds=3600)
    drawn_at = []
    app.view.loss_plot.observe(lambda change: drawn_at.append(app.view.steps[-1]), names="value")
    app.train()
    assert drawn_at == [1, 2, 4, 6]  # the first step, then only with the previews (every 2 steps)


def test_stop_ends_training_keeps_the_checkpoint_and_exports_that_network(tmp_path):
    app = None
    fake = FakeTrain(on_step=lambda step: app.stop() if step == 3 else None)  # a click during step 3
    app = make_app(tmp_path, fake, steps=50)

    result = app.train()

    assert len(fake.calls) == 1  # stopped and exported by the one run, not by a second
    assert fake.checkpoint == 3  # no step after the one under way
    assert result.step == 3 and app.stopped
    assert (tmp_path / "out" / "model.keras").read_bytes() == b"network at step 3"
    assert "stopped at step 3" in app.view.status.value
    assert not app.train_button.disabled and app.stop_button.disabled

    app.steps.value = 5  # train on: the run continues from its checkpoint
    result = app.train()
    assert fake.calls[-1]["resume"] is True and result.step == 5 and not app.stopped
    assert app.view.steps == [4, 5]

    app.output_dir.value = str(tmp_path / "another")  # a new run there, not a resumed one
    assert not app.resume.value


def test_stop_reaches_a_run_in_a_background_thread(tmp_path):
    third = threading.Event()
    fake = FakeTrain(on_step=lambda step: third.set() if step == 3 else None, delay=0.01)
    app = make_app(tmp_path, fake, steps=10_000)
    app.controller.background = True
    assert app.train(wait=False) is None
    assert third.wait(10)
    app.stop()
    result = app.join(10)
    assert not app.running and app.stopped and 3 <= result.step < 100


def test_trying_the_network_before_training_says_to_press_train(tmp_path):
    with pytest.raises(NSTError, match="press Train"):
        make_app(tmp_path, FakeTrain()).load_model()


def test_a_bad_photo_folder_is_one_line_in_the_status_and_the_app_stays_usable(tmp_path):
    fake = FakeTrain()
    app = make_app(tmp_path, fake)
    app.data.value = str(tmp_path / "missing")
    assert app.train() is None
    assert "missing: no such photo folder" in app.view.status.value
    assert not app.train_button.disabled and app.result is None
    app.data.value = ""
    assert app.train() is None and "folder of training photos" in app.view.status.value
    assert len(fake.calls) == 1


def test_options_the_controls_cannot_show_are_refused(tmp_path):
    with pytest.raises(OptionError, match="width"):
        make_app(tmp_path, FakeTrain()).set_options(width=0.1)
    # The way out it names is training's own function, not the picture's.
    with pytest.raises(OptionError, match=r"steps=50000 is outside .*; use nst_core\.train\.train_network "):
        make_app(tmp_path, FakeTrain()).set_options(steps=50_000)


def test_bundled_photos_are_a_training_set(tmp_path):
    folder = bundled_photos(tmp_path / "photos", side=64)
    photos = load_photos(folder, 32)
    assert len(photos) >= 8 and all(min(photo.shape[:2]) == 48 for photo in photos)


def test_downloaded_photos_are_the_archives_first_photos_without_its_folders(tmp_path):
    archive = tmp_path / "set.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for name in ("set/images/b.jpg", "set/images/a.jpg", "../escape/c.png", "set/.hidden.jpg", "set/labels.txt"):
            bundle.writestr(name, b"photo " + name.encode())
    folder = download_photos(tmp_path / "photos", count=2, url=archive.as_uri())  # file: URL, no network
    assert sorted(path.name for path in folder.iterdir()) == ["a.jpg", "c.png"]  # first by path in the archive
    folder = download_photos(tmp_path / "all", count=10, url=archive.as_uri())
    assert sorted(path.name for path in folder.rglob("*")) == ["a.jpg", "b.jpg", "c.png"]  # nothing outside
    with pytest.raises(NSTError, match="could not download"):
        download_photos(tmp_path / "none", url=(tmp_path / "missing.zip").as_uri())
