"""Old module paths of nst_core 0.1 (``nst_core.images``, ``nst_core.ui``...), kept for one release.

``import nst_core.ui`` still works and returns the module's new home
(:mod:`nst_core.notebook.app`) with a :class:`DeprecationWarning` naming it. Removed in 0.3.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings

#: Old module name -> its new place.
MOVED = {
    "images": "nst_core.image.io",
    "vgg": "nst_core.engine.vgg",
    "losses": "nst_core.engine.losses",
    "objective": "nst_core.engine.objective",
    "optimize": "nst_core.engine.optimize",
    "pyramid": "nst_core.engine.pyramid",
    "color": "nst_core.engine.color",
    "precision": "nst_core.engine.precision",
    "memory": "nst_core.engine.memory",
    "device": "nst_core.engine.device",
    "flow": "nst_core.video.flow",
    "clips": "nst_core.video.clips",
    "video_io": "nst_core.video.io",
    "ui": "nst_core.notebook.app",
    "fast_ui": "nst_core.notebook.fast",
    "fast_cli": "nst_core.cli.fast",
    "video_cli": "nst_core.cli.video",
}


class _MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``nst_core.<old name>`` and hands out the module at its new path."""

    def find_spec(self, fullname, path=None, target=None):  # noqa: D102
        package, _, name = fullname.rpartition(".")
        if package != "nst_core" or name not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):  # noqa: D102
        new = MOVED[spec.name.rpartition(".")[2]]
        warnings.warn(
            f"{spec.name} moved to {new}; the old name goes in nst_core 0.3", DeprecationWarning, stacklevel=2
        )
        return importlib.import_module(new)

    def exec_module(self, module) -> None:  # noqa: D102
        """Nothing to run: the module was imported at its new path."""


def install() -> None:
    """Let the old module paths import (once per interpreter)."""
    if not any(isinstance(finder, _MovedModuleFinder) for finder in sys.meta_path):
        sys.meta_path.append(_MovedModuleFinder())
