"""TensorFlow start-up without the noise, and which device will do the work.

TensorFlow 2.21 writes several lines from native code (absl, oneDNN, CUDA probing) when
it is imported, even with TF_CPP_MIN_LOG_LEVEL=3: absl prints them before any setting is
read. ``import nst_core`` calls :func:`quiet_tensorflow_start_up`, so whoever imports
TensorFlow later (our modules, or the user's code) does it with those lines hidden; the
notebooks import it through :func:`import_tensorflow` so users see only our own messages.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Iterator
from types import ModuleType


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send what native code writes to file descriptor 2 to /dev/null for a while.

    Python exceptions still propagate, and are printed after stderr is restored.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no real stderr (some embedded interpreters): nothing to hide
        yield
        return
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


class _QuietLoader(importlib.abc.Loader):
    """Runs another loader's ``exec_module`` with file descriptor 2 silenced."""

    def __init__(self, loader: importlib.abc.Loader):
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        module.__loader__ = self.loader  # the module sees its own loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        with native_stderr_silenced():
            self.loader.exec_module(module)


class _QuietTensorFlowFinder(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` as usual, once, and has it loaded by a :class:`_QuietLoader`."""

    def find_spec(self, name: str, path=None, target=None) -> importlib.machinery.ModuleSpec | None:
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)  # once, and the search below does not come back here
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


def quiet_tensorflow_start_up(always: bool = False) -> None:
    """Hide the log TensorFlow writes while it is first imported, by whoever imports it.

    Sets ``TF_CPP_MIN_LOG_LEVEL=3`` (errors only; this also hides the failed CUDA probe of a
    machine without a GPU) and silences native stderr during the import itself. Without
    ``always``, a ``TF_CPP_MIN_LOG_LEVEL`` the user set is kept and nothing is silenced: they
    asked for TensorFlow's log. Does nothing once TensorFlow is imported; Python errors of
    the import still show.
    """
    if "TF_CPP_MIN_LOG_LEVEL" in os.environ and not always:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" in sys.modules or any(isinstance(f, _QuietTensorFlowFinder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _QuietTensorFlowFinder())


def import_tensorflow() -> ModuleType:
    """Import TensorFlow (and probe its devices, which logs too) without the start-up chatter."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with native_stderr_silenced():
        import tensorflow as tf

        tf.config.list_physical_devices()
    return tf


def describe_devices() -> str:
    """One line naming the GPUs TensorFlow will use, or saying it runs on the CPU."""
    tf = import_tensorflow()
    gpus = tf.config.list_physical_devices("GPU")
    names = [tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name) for gpu in gpus]
    return "GPU: " + (", ".join(names) if gpus else "none, running on the CPU (keep the size small)")
