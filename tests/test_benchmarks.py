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
    name, changes = variant("cl45=--content-layers block4_conv2,block5_conv2 --tv-weight 0.5")
    assert name == "cl45"
    assert changes == {"content_layers": ("block4_conv2", "block5_conv2"), "tv_weight": 0.5}


@pytest.mark.parametrize(
    "text",
    [
        "cl45",  # no flags part
        "default=--tv-weight 0.5",  # a built-in method's name
        "a/b=--tv-weight 0.5",  # a name that is no file name
        "same=--style-weight 20",  # changes nothing: the default under another name
        "big=--size 1024",  # the benchmark's own size holds for every method
        "bad=--pooling nope",
        "bad=--style-weight -1",
    ],
)
def test_a_malformed_variant_stops_the_benchmark_before_it_paints(text):
    with pytest.raises(SystemExit) as info:
        variant(text)
    assert info.value.code not in (0, None)


def test_a_kept_output_is_measured_again_with_todays_metrics(tmp_path, monkeypatch):
    # A kept picture's record holds the numbers of the metrics of its day; the table must show
    # today's numbers of that picture (and the seconds of the run that painted it).
    save_image(np.full((48, 64, 3), 0.5, np.float32), tmp_path / "starry_default.png")
    old = {"seconds": 12.5, "steps": 450, "style_distance": 9.0, "content_distance": 9.0, "style_judge": 9.0}
    (tmp_path / "starry_default.json").write_text(json.dumps({**old, "sliced_wasserstein": 9.0, "options": {}}))
    today = {"style_distance": 0.1, "content_distance": 0.2, "style_judge": 0.3, "sliced_wasserstein": 0.4}
    written = {}
    monkeypatch.setattr(quality, "measure", lambda output, style: dict(today))
    monkeypatch.setattr(quality, "reference", lambda pair, size: np.zeros((48, 64, 3), np.float32))
    monkeypatch.setattr(quality, "picture_sheet", lambda rows, path: None)
    monkeypatch.setattr(quality, "write_results", lambda name, data, table, note: written.update(data))
    argv = ["quality", "--methods", "default", "--pairs", "starry", "--outputs", str(tmp_path), "--name", "t"]
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.setenv("NST_MODELS_DIR", str(tmp_path))  # so main() leaves the environment alone
    quality.main()
    row = written["results"]["starry"]["default"]
    assert {k: row[k] for k in today} == today
    assert row["seconds"] == 12.5
