"""The Ray engine on a local cluster: the same files as the local engine, and a killed worker loses nothing.

One cluster for the module: ``ray.init(num_cpus=2)``, a one-node cluster with two worker
slots. On the project's loaded 2-core machine it started in 50 s, while
``ray.cluster_utils.Cluster`` with two one-CPU nodes (two raylets, each with its agents)
missed Ray's fixed 30 s raylet start-up wait; the engine treats both alike, as workers are
actors wherever Ray places them.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np
import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'nst-core[ray]'); the Ray engine needs it")

from nst_core.batch import Store, expand, split_done  # noqa: E402
from nst_core.batch.local import run_local  # noqa: E402
from nst_core.batch.ray_engine import RayEngine  # noqa: E402
from nst_core.options import StyleOptions  # noqa: E402

from .helpers import STYLES, interleaved_shapes, read_pixels, write_photos  # noqa: E402

QUICK = StyleOptions(size=64, steps=2, seed=0)


@pytest.fixture(scope="module")
def cluster():
    from nst_core.cluster import connect

    started = not ray.is_initialized()
    before = signal.getsignal(signal.SIGTERM)
    try:
        connect(num_cpus=2)
    except Exception:  # noqa: BLE001 - Ray's raylet start-up wait is a fixed 30 s; a loaded machine can miss it once
        ray.shutdown()
        connect(num_cpus=2)
    yield before
    if started:
        ray.shutdown()


def test_connecting_keeps_the_commands_handling_of_a_kill(cluster):
    # ray.init installs a SIGTERM handler that exits at once; nst batch stops after the current job.
    assert signal.getsignal(signal.SIGTERM) is cluster


class KillOnce:
    """A job hook that kills its worker's process the first time ``key``'s picture is written (not its record)."""

    def __init__(self, key: str, marker: Path) -> None:
        self.key, self.marker = key, str(marker)

    def __call__(self, job, stage: str) -> None:
        if job.key == self.key and stage == "written":
            try:
                os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                return  # killed once already: the retry goes through
            os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.vgg19
def test_same_files_as_the_local_engine(cluster, tmp_path):
    photos = [str(p) for p in write_photos(tmp_path / "in", 2)]
    jobs = expand(photos, [[STYLES[0]]], [QUICK])
    local = list(run_local(jobs, Store(tmp_path / "local"), quality=False))
    remote = list(RayEngine(quality=False).run(jobs, Store(tmp_path / "ray")))
    assert [o.status for o in local] == [o.status for o in remote] == ["done", "done"]
    names = sorted(p.name for p in (tmp_path / "local").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "ray").iterdir())  # same keys
    for name in names:
        if name.endswith(".png"):
            assert np.array_equal(read_pixels(tmp_path / "local" / name), read_pixels(tmp_path / "ray" / name))


@pytest.mark.vgg19
def test_a_worker_killed_mid_batch_loses_nothing(cluster, tmp_path):
    photos = [str(p) for p in write_photos(tmp_path / "in", 2)]
    jobs = expand(photos, [[s] for s in STYLES], [QUICK])
    marker = tmp_path / "killed"
    engine = RayEngine(quality=False, hook=KillOnce(jobs[1].key, marker))
    outcomes = list(engine.run(jobs, Store(tmp_path / "out")))
    assert marker.exists()  # a worker did die, after writing a picture and before its record
    assert sorted(o.job.key for o in outcomes) == sorted(j.key for j in jobs)  # each job reported once
    assert [o.status for o in outcomes] == ["done"] * 4
    visible = sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))
    assert visible == sorted([j.name for j in jobs] + [j.name.replace(".png", ".json") for j in jobs])
    assert all(read_pixels(tmp_path / "out" / j.name).shape == (48, 64, 3) for j in jobs)
    assert split_done(Store(tmp_path / "out"), jobs) == ([], jobs)


@pytest.mark.vgg19
def test_photos_of_mixed_shapes_go_to_the_workers_shape_by_shape(cluster, tmp_path):
    from nst_core.batch.jobs import in_reuse_order

    photos = interleaved_shapes(tmp_path)
    jobs = expand(photos, [[STYLES[0]]], [QUICK])
    outcomes = list(RayEngine(quality=False, workers=1).run(jobs, Store(tmp_path / "out")))
    shapes = [read_pixels(tmp_path / "out" / o.job.name).shape for o in outcomes]
    # One worker runs them in the order given out: each shape's photos one after the other.
    assert [o.job.key for o in outcomes] == [j.key for j in in_reuse_order(jobs)]
    assert shapes[0] == shapes[1] != shapes[2] == shapes[3]
