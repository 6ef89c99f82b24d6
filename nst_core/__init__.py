"""nst_core: neural style transfer with TensorFlow and Keras VGG19.

The one call most users need::

    import nst_core
    result = nst_core.stylize("images/tubingen.jpg", "images/starry_night.jpg", size=256)
    result.save("out.png")

Modules, in the order data flows: :mod:`~nst_core.images` (load, resize, save),
:mod:`~nst_core.vgg` (the feature extractor), :mod:`~nst_core.losses` (Gram, content,
style, total variation), :mod:`~nst_core.objective` (targets and weighted sum),
:mod:`~nst_core.color` (colour preservation), :mod:`~nst_core.optimize` (Adam, L-BFGS),
:mod:`~nst_core.api` (``stylize``), :mod:`~nst_core.cli` (the ``nst`` command).
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# Imported on first use (PEP 562), so `nst --help` and `import nst_core` stay fast and the
# command line can quiet TensorFlow's start-up logging before TensorFlow loads.
_EXPORTS = {
    "stylize": "api",
    "Stylizer": "api",
    "Result": "api",
    "StyleOptions": "options",
    "Progress": "optimize",
    "load_image": "images",
    "save_image": "images",
    "NSTError": "errors",
    "ImageError": "errors",
    "OptionError": "errors",
    "ModelError": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
