"""Ray, the optional engine for scale-out: imported on demand, one connection per process.

``nst batch --engine ray`` and ``nst video --engine ray`` run their work on Ray
(https://docs.ray.io), which is the optional extra ``nst-core[ray]``, never a hard
dependency: every other part of nst_core works without it.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from .errors import NSTError, one_line

#: What to install when Ray is missing.
INSTALL_HINT = 'pip install "nst-core[ray]"'


def require_ray() -> Any:
    """The ``ray`` module, or a one-line :class:`NSTError` saying how to install it."""
    try:
        import ray
    except ImportError:
        raise NSTError(f"the Ray engine needs Ray, which is not installed: {INSTALL_HINT}") from None
    return ray


def connect(address: str | None = None, **init_options: Any) -> Any:
    """Connect this process to a Ray cluster (once) and return the ``ray`` module.

    Args:
        address: an existing cluster (``"ray://host:10001"``, ``"host:6379"`` or ``"auto"``);
            None starts a local one on this machine, using its cores (and GPUs).
        init_options: passed to ``ray.init`` (for example ``num_cpus`` for a local cluster).

    A process already connected keeps its connection, so a notebook or a test can connect
    first, to a cluster of its choice.
    """
    ray = require_ray()
    if ray.is_initialized():
        return ray
    init_options.setdefault("include_dashboard", False)
    init_options.setdefault("log_to_driver", False)
    init_options.setdefault("logging_level", logging.WARNING)  # not "Started a local Ray instance" on every run
    kept = _signal_handlers()
    try:
        ray.init(address=address, **init_options)
    except Exception as err:  # noqa: BLE001 - Ray raises bare Exceptions too (a node that did not start in time)
        where = f"the Ray cluster at {address}" if address else "a local Ray cluster"
        raise NSTError(f"could not connect to {where}: {one_line(err)}") from None
    finally:
        # ray.init replaces the driver's SIGTERM handler with one that exits at once; the
        # commands' own handling (stop after the current job, keep what is finished) stays.
        for number, handler in kept.items():
            signal.signal(number, handler)
    return ray


def _signal_handlers() -> dict[int, Any]:
    """The handlers of the stop signals (Ctrl-C, SIGTERM, SIGHUP), where this thread may set them."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    return {number: signal.getsignal(number) for number in (getattr(signal, n) for n in names if hasattr(signal, n))}
