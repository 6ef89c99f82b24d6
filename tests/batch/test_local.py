"""The local engine: one traced Stylizer for every job of a size, records beside outputs, stops between jobs."""

from __future__ import annotations

import json

import pytest

from nst_core import pipeline
from nst_core.api import Stylizer
from nst_core.batch import Store, expand, split_done
from nst_core.batch.local import run_local
from nst_core.options import StyleOptions

from .helpers import STYLES, interleaved_shapes, read_pixels, write_photos

QUICK = StyleOptions(size=64, steps=2, seed=0)


@pytest.mark.vgg19
def test_three_photos_by_two_styles_with_one_trace(tmp_path, monkeypatch):
    photos = [str(p) for p in write_photos(tmp_path / "in", 3)]
    jobs = expand(photos, [[s] for s in STYLES], [QUICK])
    store, stylizer = Store(tmp_path / "out"), Stylizer()
    built = []
    build_extractor = pipeline.build_extractor
    monkeypatch.setattr(pipeline, "build_extractor", lambda options: built.append(1) or build_extractor(options))
    outcomes = list(run_local(jobs, store, stylizer=stylizer))
    assert [o.status for o in outcomes] == ["done"] * 6
    # One VGG19 extractor and one trace of its step for the six pictures, not one per picture.
    assert len(built) == 1 and stylizer.traces == 1
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted([j.name for j in jobs] + [j.name.replace(".png", ".json") for j in jobs])
    for job in jobs:
        assert read_pixels(tmp_path / "out" / job.name).shape == (48, 64, 3)
        record = json.loads((tmp_path / "out" / job.name.replace(".png", ".json")).read_text())
        assert record["key"] == job.key and record["options"]["size"] == 64 and record["steps"] == 2
        assert record["seconds"] > 0 and record["loss"] > 0 and record["version"]
        assert set(record["quality"]) == {"style_distance", "content_distance"}
    assert split_done(store, jobs) == ([], jobs)


@pytest.mark.vgg19
def test_photos_of_mixed_shapes_are_painted_shape_by_shape(tmp_path, monkeypatch):
    photos = interleaved_shapes(tmp_path)
    jobs = expand(photos, [[STYLES[0]]], [QUICK])
    built = []
    build_extractor = pipeline.build_extractor
    monkeypatch.setattr(pipeline, "build_extractor", lambda options: built.append(1) or build_extractor(options))
    outcomes = list(run_local(jobs, Store(tmp_path / "out"), quality=False))
    assert sorted(o.job.key for o in outcomes) == sorted(j.key for j in jobs)
    assert len(built) == 2  # one step per shape, not one per change of shape


@pytest.mark.vgg19
def test_a_stop_request_ends_the_batch_after_the_current_job(tmp_path):
    photos = [str(p) for p in write_photos(tmp_path / "in", 2)]
    jobs = expand(photos, [[STYLES[0]]], [QUICK])
    store, seen = Store(tmp_path / "out"), []
    for outcome in run_local(jobs, store, quality=False, stop_requests=lambda: len(seen)):
        seen.append(outcome)
    assert [o.job for o in seen] == jobs[:1]
    assert split_done(store, jobs) == (jobs[1:], jobs[:1])
    # A second request, coming once the next job has started, stops it, and nothing of it is written.
    asked: list[int] = []

    def second_request() -> int:
        asked.append(1)
        return 0 if len(asked) == 1 else 2

    with pytest.raises(KeyboardInterrupt):
        list(run_local(jobs[1:], store, quality=False, stop_requests=second_request))
    assert len(asked) > 1 and not (tmp_path / "out" / jobs[1].name).exists()
