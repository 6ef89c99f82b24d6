"""Ray is optional: without it the Ray engine says how to install it, in one line."""

from __future__ import annotations

import sys

import pytest

from nst_core import cluster
from nst_core.errors import NSTError


def test_missing_ray_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    with pytest.raises(NSTError, match=r'pip install "nst-core\[ray\]"') as caught:
        cluster.require_ray()
    assert "\n" not in str(caught.value)


def test_a_cluster_that_does_not_start_is_one_line(monkeypatch):
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'nst-core[ray]')")
    monkeypatch.setattr(ray, "is_initialized", lambda: False)

    def init(**options):  # what Ray raises when its node misses the start-up wait
        raise Exception("The current node timed out during startup.\nmore lines")

    monkeypatch.setattr(ray, "init", init)
    with pytest.raises(
        NSTError, match="could not connect to a local Ray cluster: The current node timed out"
    ) as caught:
        cluster.connect()
    assert "\n" not in str(caught.value)
