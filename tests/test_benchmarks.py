"""The quality benchmark: candidate defaults written with nst's own flags, kept outputs measured anew."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from benchmarks import quality
from benchmarks.quality import variant
from nst_core.image.io import save_image


def test_a_variant_keeps_only_the_options_its_flags_change():
    name, changes = variant("cl4=--content-layers block4_conv2 --tv-weight 0.5")
    assert name == "cl4"
    assert changes == {"content_layers": ("block4_conv2",), "tv_weight": 0.5}


@pytest.mark.parametrize(
    "text",
    [
        "cl45",  # no flags part
        "default=--tv-weight 0.5",  # a built-in method's name
        "a/b=--tv-weight 0.5",  # a name that is no file name
        "same=--style-weight 15",  # changes nothing: the default under another name
        "big=--size 1024",  # the benchmark's own size holds for every method
        "bad=--pooling nope",
        "bad=--style-weight -1",
        "default_run2=--tv-weight 0.5",  # would share the file of the default's second repeat
    ],
)
def test_a_malformed_variant_stops_the_benchmark_before_it_paints(text):
    with pytest.raises(SystemExit) as info:
        variant(text)
    assert info.value.code not in (0, None)


TODAY = {"style_distance": 0.1, "content_distance": 0.2, "style_judge": 0.3, "sliced_wasserstein": 0.4}


def run_benchmark(monkeypatch, *args: str) -> dict:
    """The quality benchmark's main() with ``args``, measuring TODAY's numbers; what it would write."""
    written: dict = {}
    monkeypatch.setattr(quality, "measure", lambda output, style: dict(TODAY))
    monkeypatch.setattr(quality, "reference", lambda pair, size: np.zeros((48, 64, 3), np.float32))
    monkeypatch.setattr(quality, "picture_sheet", lambda rows, path: None)
    monkeypatch.setattr(quality, "write_results", lambda name, data, table, note: written.update(data, note=note))
    monkeypatch.setattr(sys, "argv", ["quality", *args, "--name", "t"])
    quality.main()
    return written


def test_a_kept_output_is_measured_again_with_todays_metrics(tmp_path, monkeypatch):
    # A kept picture's record holds the numbers of the metrics of its day; the table must show
    # today's numbers of that picture (and the seconds of the run that painted it).
    save_image(np.full((48, 64, 3), 0.5, np.float32), tmp_path / "starry_default.png")
    old = {"seconds": 12.5, "steps": 450, "style_distance": 9.0, "content_distance": 9.0, "style_judge": 9.0}
    (tmp_path / "starry_default.json").write_text(json.dumps({**old, "sliced_wasserstein": 9.0, "options": {}}))
    monkeypatch.setenv("NST_MODELS_DIR", str(tmp_path))  # so main() leaves the environment alone
    written = run_benchmark(monkeypatch, "--methods", "default", "--pairs", "starry", "--outputs", str(tmp_path))
    row = written["results"]["starry"]["default"]
    assert {k: row[k] for k in TODAY} == TODAY
    assert row["seconds"] == 12.5


def test_repeats_paint_each_method_again_beside_a_kept_first_run(tmp_path, monkeypatch):
    save_image(np.full((48, 64, 3), 0.5, np.float32), tmp_path / "starry_default.png")
    (tmp_path / "starry_default.json").write_text(json.dumps({"seconds": 1.0, "options": {}}))
    painted = []

    def paint(stylizer, pair, size, steps, changes):
        painted.append(pair)
        return np.full((48, 64, 3), 0.25, np.float32), {"seconds": 2.0, **TODAY}

    monkeypatch.setattr(quality, "run_method", paint)
    monkeypatch.setenv("NST_MODELS_DIR", str(tmp_path))
    argv = ["--methods", "default", "--pairs", "starry", "--outputs", str(tmp_path), "--repeats", "3"]
    written = run_benchmark(monkeypatch, *argv)
    assert list(written["results"]["starry"])[1:] == ["default", "default (run 2)", "default (run 3)"]
    assert painted == ["starry", "starry"]  # run 1 was kept
    assert (tmp_path / "starry_default_run3.png").is_file()


def test_repeats_below_one_stop_the_benchmark(monkeypatch):
    with pytest.raises(SystemExit) as info:
        run_benchmark(monkeypatch, "--methods", "default", "--pairs", "starry", "--repeats", "0")
    assert info.value.code == 2


def test_repeats_of_a_cached_only_method_that_were_not_kept_are_named_as_left_out(tmp_path, monkeypatch):
    monkeypatch.setenv("NST_MODELS_DIR", str(tmp_path))
    argv = ["--methods", "default", "--pairs", "starry", "--outputs", str(tmp_path), "--repeats", "2"]
    written = run_benchmark(monkeypatch, *argv, "--cached-only", "default")
    assert list(written["results"]["starry"]) == ["jcjohnson/neural-style"]
    assert "left out: starry default, starry default (run 2)" in written["note"]


@pytest.mark.vgg19
def test_the_loss_anatomy_splits_the_loss_into_terms_that_add_up(monkeypatch):
    from benchmarks import loss_anatomy

    written: dict = {}
    monkeypatch.setattr(loss_anatomy, "write_results", lambda name, data, table, note: written.update(data))
    assert loss_anatomy.main(["--size", "64", "--coarse-size", "32", "--steps", "3", "--refine", "1"]) == 0
    for terms in (written["terms_before"], written["terms_after"]):
        assert sum(value for name, value in terms.items() if name != "total") == pytest.approx(terms["total"], rel=1e-4)
        assert len([name for name in terms if name.startswith("style ")]) == 5
    assert written["terms_after"]["total"] < written["terms_before"]["total"]


def test_a_trained_networks_results_name_how_it_was_trained(tmp_path):
    from benchmarks.trained_quality import training_summary
    from nst_core.options import TrainOptions
    from nst_core.train.record import TrainingRecord

    record = TrainingRecord(tmp_path, resume=False)
    record.begin("starry.jpg", "photos/", 37, 0, TrainOptions(steps=3500, content_layers=("block3_conv2",)))
    record.update(3500, 3385.4)
    note, runs = training_summary(tmp_path)
    assert "steps 0-3500" in note and "37 photos" in note
    assert "content_layers ['block3_conv2']" in note and "steps 3500" in note
    assert "width" not in note  # the default is not repeated
    assert runs[0]["options"]["steps"] == 3500
