"""nst_core: neural style transfer with TensorFlow and Keras VGG19.

The one call most users need::

    import nst_core
    result = nst_core.stylize("images/tubingen.jpg", "images/starry_night.jpg", size=256)
    result.save("out.png")

Subpackages and modules in the order data flows, bottom to top (each imports only from
itself and those before it in this list; ``tests/test_layout.py`` checks it):
:mod:`~nst_core.errors`, :mod:`~nst_core.image` (load, resize, save),
:mod:`~nst_core.engine` (VGG19 features, losses, objective, optimisers; plain arguments
only), :mod:`~nst_core.fast` (feed-forward stylisation), :mod:`~nst_core.options` (every
option, declared once), :mod:`~nst_core.metrics` (how stylised a result is),
:mod:`~nst_core.pipeline` (options into engine calls, step by step), :mod:`~nst_core.api`
(``stylize``, ``Stylizer``, ``Result``), :mod:`~nst_core.video` (clips without flicker),
:mod:`~nst_core.train` (a real-time network trained for one style),
and the front ends :mod:`~nst_core.cli` (the ``nst`` command) and
:mod:`~nst_core.notebook` (the ipywidgets apps).
"""

from __future__ import annotations

import importlib

from . import _compat
from .engine.device import quiet_tensorflow_start_up

__version__ = "0.2.0"

# Before anything imports TensorFlow: its start-up log is noise to users of the library too.
quiet_tensorflow_start_up()

# Imported on first use (PEP 562), so `nst --help` and `import nst_core` stay fast and do not
# load TensorFlow.
_EXPORTS = {
    "stylize": "api",
    "Stylizer": "api",
    "Result": "api",
    "StyleOptions": "options",
    "TrainOptions": "options",
    "train_network": "train.run",
    "Progress": "engine.optimize",
    "load_image": "image.io",
    "save_image": "image.io",
    "NSTError": "errors",
    "ImageError": "errors",
    "OptionError": "errors",
    "ModelError": "errors",
}

__all__ = sorted(_EXPORTS)

_compat.install()


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
