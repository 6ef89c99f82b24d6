"""TensorFlow start-up without the noise, and which device will do the work.

TensorFlow 2.21 writes several lines from native code (absl, oneDNN, CUDA probing) when
it is imported, even with TF_CPP_MIN_LOG_LEVEL=3. The command line and the notebooks
import it through :func:`import_tensorflow` so users see only our own messages.
"""

from __future__ import annotations

import contextlib
import os
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
