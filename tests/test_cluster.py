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
