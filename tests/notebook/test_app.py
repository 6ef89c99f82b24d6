"""The notebook app, driven as a user would: set controls, press Run/Stop/Save, read what is shown."""

from __future__ import annotations

import io
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import nst_core
from nst_core.api import Result
from nst_core.engine.optimize import Progress
from nst_core.notebook.app import StyleApp
from nst_core.options import StyleOptions

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "images"


class FakeTensor:
    def __init__(self, array):
        self.array = array

    def numpy(self):
        return self.array


class FakeStylize:
    """Records its calls and reports a few progress steps with a changing image, as stylize does."""

    def __init__(self, stop_after: int | None = None):
        self.calls = []
        self.stop_after = stop_after

    def __call__(self, content, style, *, options, callback=None, callback_every=10):
        self.calls.append({"content": content, "style": style, "options": options, "every": callback_every})
        height, width = 24, 32
        history = {name: [] for name in ("total", "content", "style", "tv")}
        stopped = None
        image = np.zeros((height, width, 3), np.float32)
        for step in range(options.steps):
            image = np.full((height, width, 3), (step + 1) / (options.steps + 1), np.float32)
            loss = 100.0 / (step + 1)
            for name in history:
                history[name].append(loss)
            if callback and (step % callback_every == 0):
                keep_going = callback(Progress(step, options.steps, {n: loss for n in history}, FakeTensor(image)))
                if keep_going is False:
                    stopped = "callback"
                    break
        history = {n: np.asarray(v, np.float32) for n, v in history.items()}
        return Result(image=image, history=history, seconds=0.01, stopped=stopped, options=options)


def make_app(fake=None, **kwargs) -> StyleApp:
    return StyleApp(stylize=fake or FakeStylize(), samples_dir=IMAGES, background=False, callback_every=1, **kwargs)


def test_controls_start_at_the_style_options_defaults():
    app = make_app()
    assert app.options() == StyleOptions()
    assert app.style_weight.value == StyleOptions().style_weight
    assert "tubingen" in app.content.dropdown.options and app.content.thumbnail.value  # thumbnail shown


def test_run_passes_exactly_the_slider_values_to_stylize():
    fake = FakeStylize()
    app = make_app(fake)
    app.style_weight.value = 1e2
    app.content_weight.value = 10.0
    app.tv_weight.value = 0.1
    app.steps.value = 20
    app.size.value = 96
    app.style_scale.value = 0.5
    app.optimizer.value = "adam"
    app.init.value = "noise"
    app.preserve_colors.value = "luminance"
    app.precision.value = "mixed"
    app.style_loss.value = "sliced"
    app.style.dropdown.value = "the_scream"
    app.style2.dropdown.value = "starry_night"
    app.blend.value = 0.25
    before = app.live_image.value

    app.run_button.click()

    assert len(fake.calls) == 1
    call = fake.calls[0]
    expected = StyleOptions(
        style_weight=1e2,
        content_weight=10.0,
        tv_weight=0.1,
        steps=20,
        size=96,
        style_scale=0.5,
        optimizer="adam",
        init="noise",
        preserve_colors="luminance",
        precision="mixed",
        style_loss="sliced",
        style_blend_weights=(0.75, 0.25),
    )
    assert call["options"] == expected
    assert Path(call["content"]).name == "tubingen.jpg"
    assert [Path(s).name for s in call["style"]] == ["the_scream.jpg", "starry_night.jpg"]
    assert app.live_image.value and app.live_image.value != before
    assert app.progress.value == 20
    assert bytes(app.loss_plot.value).startswith(b"\x89PNG")
    assert bytes(app.evolution.value).startswith(b"GIF8")
    assert len(app.result_row.children) == 5  # content, two styles, result, evolution
    assert "done" in app.status.value


def test_run_again_can_start_from_the_current_picture():
    fake = FakeStylize()
    app = make_app(fake)
    app.steps.value = 10
    app.run_button.click()
    first = app.result.image
    app.from_current.value = True
    app.set_options(steps=30)  # the current picture as init is not refused as an image init
    app.run_button.click()
    second = fake.calls[1]["options"]
    assert second.steps == 30
    assert isinstance(second.init, np.ndarray) and np.array_equal(second.init, first)
    app.set_options(init="noise")  # asking for a start now unticks "continue from"
    app.run_button.click()
    assert fake.calls[2]["options"].init == "noise" and not app.from_current.value


def test_uploaded_file_and_url_box_take_precedence_over_the_dropdown():
    fake = FakeStylize()
    app = make_app(fake)
    data = (IMAGES / "the_scream.jpg").read_bytes()
    app.content.upload.value = (
        {
            "name": "mine.jpg",
            "type": "image/jpeg",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": datetime.now(timezone.utc),
        },
    )
    app.style.url.value = str(IMAGES / "shipwreck.jpg")  # load_image reads paths and URLs alike
    app.steps.value = 10
    app.run_button.click()
    assert fake.calls[0]["content"] == data
    assert fake.calls[0]["style"] == str(IMAGES / "shipwreck.jpg")


def test_bad_image_is_a_one_line_message_not_a_traceback():
    def loading_stylize(content, style, **kwargs):
        nst_core.load_image(style)  # as stylize does first
        raise AssertionError("not reached")

    app = make_app(loading_stylize)
    app.style.url.value = str(IMAGES / "missing.jpg")
    assert "missing.jpg" in app.style.message.value  # told at once, beside the picker
    app.run_button.click()
    assert app.result is None
    assert "missing.jpg" in app.status.value and "Traceback" not in app.status.value
    assert not app.run_button.disabled and app.stop_button.disabled


def test_save_button_writes_a_png_of_the_result(tmp_path):
    app = make_app()
    app.steps.value = 10
    app.run_button.click()
    app.save_path.value = str(tmp_path / "out.png")
    app.save_button.click()
    with Image.open(tmp_path / "out.png") as saved:
        assert saved.format == "PNG"
        assert saved.size == (app.result.image.shape[1], app.result.image.shape[0])
    assert "download" in app.download_link.value


def test_a_short_run_still_shows_the_picture_evolving():
    fake = FakeStylize()
    app = StyleApp(stylize=fake, samples_dir=IMAGES, background=False)  # refresh every 10 steps at most
    app.set_options(steps=20)
    app.run_button.click()
    assert fake.calls[-1]["every"] == 2 and len(app.frames) >= 10  # not 2 frames
    app.set_options(steps=300)
    app.run_button.click()
    assert fake.calls[-1]["every"] == 10


def test_save_follows_the_file_suffix(tmp_path):
    app = make_app()
    app.steps.value = 10
    app.run_button.click()
    assert app.save(tmp_path / "out.JPEG") == tmp_path / "out.JPEG"
    with Image.open(tmp_path / "out.JPEG") as saved:
        assert saved.format == "JPEG"
    assert "image/jpeg" in app.download_link.value
    assert app.save(tmp_path / "plain") == tmp_path / "plain.png"  # no suffix: PNG
    assert "image/png" in app.download_link.value
    assert app.save(tmp_path / "out.gif") is None  # unsupported: a one-line message, nothing written
    assert "out.gif" in app.download_link.value and "unsupported" in app.download_link.value
    assert not (tmp_path / "out.gif").exists() and "download" not in app.download_link.value  # no stale link
    assert app.save(tmp_path) is None and "is a folder" in app.download_link.value  # not tmp_path.png
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.JPEG", "plain.png"]


def test_save_to_an_unwritable_folder_is_a_message(tmp_path):
    app = make_app()
    app.steps.value = 10
    app.run_button.click()
    (tmp_path / "blocker").write_text("a file, not a folder")
    assert app.save(tmp_path / "blocker" / "out.png") is None
    assert "not a folder" in app.download_link.value and "out.png" in app.download_link.value
    assert app.save(tmp_path / "ok.png") == tmp_path / "ok.png"
    assert "not a folder" not in app.download_link.value  # the old error does not stay beside the new file


def test_values_the_controls_cannot_show_are_refused_not_changed():
    fake = FakeStylize()
    app = make_app(fake)
    refused = {
        "tv_weight": 0.0,
        "size": 2000,
        "content_weight": 1e3,
        "style_weight": 1e5,
        "init": str(IMAGES / "tubingen.jpg"),
        "style_blend_weights": (1.0, 1.0, 1.0),
    }
    for name, value in refused.items():
        with pytest.raises(nst_core.OptionError, match=f"^{name}[^\\n]*(slider|notebook app)[^\\n]*$"):
            app.set_options(**{name: value})
    assert app.options() == StyleOptions()  # a refused value changed nothing
    ends = {"style_weight": 1e3, "content_weight": 1e2, "tv_weight": 1e2, "size": 1024, "steps": 1000}
    app.set_options(**ends)  # the ends of the ranges are fine, and reach stylize unchanged
    app.set_options(style_weight=0.1, tv_weight=1e-3, steps=3, init="noise")
    app.run_button.click()
    sent = fake.calls[-1]["options"]
    assert (sent.style_weight, sent.tv_weight, sent.size, sent.steps, sent.init) == (0.1, 1e-3, 1024, 3, "noise")
    with pytest.raises(nst_core.OptionError, match="size=4096"):
        make_app(options=StyleOptions(size=4096))


def test_snapshot_shows_the_run_without_javascript():
    app = make_app()
    assert "No result yet" in app.snapshot().data
    app.steps.value = 10
    app.run_button.click()
    html = app.snapshot().data
    assert html.count("data:image/png;base64,") == 4  # content, style, result, loss plot
    assert "data:image/gif;base64," in html and "result" in html


@pytest.mark.vgg19
def test_stop_button_ends_a_background_run_with_the_best_image():
    """Real stylize at 64 px in a thread: press Stop after two refreshes; the run ends early."""
    app = StyleApp(samples_dir=IMAGES, background=True, callback_every=1)
    app.set_options(size=64, steps=200)
    app.run_button.click()
    assert app.running and not app.stop_button.disabled
    deadline = time.monotonic() + 120
    while app.progress.value < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    app.stop_button.click()
    result = app.join(timeout=120)
    assert not app.running
    assert result is not None and result.stopped == "callback"
    assert 2 <= result.steps < 200
    assert result.image.shape[:2] == nst_core.load_image(IMAGES / "tubingen.jpg", 64).shape[:2]
    assert result.loss < result.history["total"][0]  # the best image kept is better than the start
    shown = np.asarray(Image.open(io.BytesIO(app.live_image.value)).convert("RGB"))
    assert np.array_equal(shown, np.asarray(result.to_pil()))
    assert "stopped" in app.status.value and not app.run_button.disabled


def test_without_sample_images_the_url_box_still_works(tmp_path):
    fake = FakeStylize()
    app = StyleApp(stylize=fake, samples_dir=tmp_path, background=False)
    app.steps.value = 10
    app.run_button.click()
    assert not fake.calls and "choose a content and a style image" in app.status.value
    app.content.url.value = str(IMAGES / "tubingen.jpg")
    app.style.url.value = str(IMAGES / "starry_night.jpg")
    app.run_button.click()
    assert fake.calls[0]["style"] == str(IMAGES / "starry_night.jpg")


def test_error_text_is_shown_as_text_never_as_markup(tmp_path):
    hostile = "<img src=x onerror=alert(1)>.jpg"

    def failing_stylize(content, style, **kwargs):
        raise nst_core.ImageError(f"{hostile}: could not download (HTTP 404 <script>alert(1)</script>)")

    app = make_app(failing_stylize)
    app.style.url.value = str(tmp_path / hostile)
    assert "<img" not in app.style.message.value and "&lt;img" in app.style.message.value
    assert "overflow-wrap:anywhere" in app.style.message.value  # a long URL wraps in the column
    app.run_button.click()
    assert "<script>" not in app.status.value and "&lt;script&gt;" in app.status.value


def test_a_failed_run_keeps_the_previous_result_and_its_save(tmp_path):
    fake = FakeStylize()
    app = make_app(fake)
    app.run_button.click()
    picture, row = app.live_image.value, app.result_row.children
    assert picture and row and not app.save_button.disabled
    app.stylize = lambda *args, **kwargs: (_ for _ in ()).throw(nst_core.ImageError("painting.jpg: no such file"))
    app.run_button.click()
    assert "no such file" in app.status.value
    assert app.live_image.value == picture and app.result_row.children == row and not app.save_button.disabled
    assert app.save(tmp_path / "kept.png").exists()
