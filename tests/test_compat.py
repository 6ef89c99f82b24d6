"""Old import paths of nst_core 0.1 keep working for one release, each with a DeprecationWarning."""

from __future__ import annotations

import importlib
import sys

import pytest

from nst_core._compat import MOVED


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_module_path_imports_the_new_module_with_a_warning(old, monkeypatch):
    monkeypatch.delitem(sys.modules, f"nst_core.{old}", raising=False)
    with pytest.warns(DeprecationWarning, match=f"nst_core.{old} moved to {MOVED[old]}"):
        module = importlib.import_module(f"nst_core.{old}")
    assert module is importlib.import_module(MOVED[old])


def test_the_names_users_write_still_work(monkeypatch):
    monkeypatch.delitem(sys.modules, "nst_core.ui", raising=False)
    import nst_core
    import nst_core.fast

    with pytest.warns(DeprecationWarning, match="nst_core.ui moved"):
        from nst_core.ui import StyleApp
    from nst_core.notebook import StyleApp as new_style_app

    assert StyleApp is new_style_app
    assert callable(nst_core.stylize) and callable(nst_core.fast.fast_stylize)
    assert nst_core.StyleOptions().size == 512
