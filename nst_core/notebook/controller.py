"""Running a stylisation from the app: the Run and Stop buttons, the run's thread, its callback.

Why a thread: while a cell (or a click handler) runs, the Jupyter kernel does not process
widget messages, so a Stop button pressed during a run would only be seen after it. In
Jupyter and VS Code the run therefore goes to a background thread and the kernel stays
free to receive Stop. Colab does not show widget updates made from a background thread
(googlecolab/colabtools#3373), so there the run stays on the main thread and pending
widget messages such as Stop are handled at every callback with ``jupyter-ui-poll``
(checked in ipykernel 6.17, an ipykernel 6 like Colab's: a Stop click is handled mid-run
and cells queued meanwhile run afterwards; ipykernel 7 ignores the polling, harmlessly).
Runtime > Interrupt also stops a run cleanly: ``stylize`` keeps the best image after Ctrl-C.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import ipywidgets as widgets

from ..engine.optimize import Progress
from ..errors import NSTError
from ..options import StyleOptions, TrainOptions

#: A short run refreshes the picture more often than ``callback_every``, to show at least this many.
MIN_REFRESHES = 10

Stylize = Callable[..., Any]


def refresh_every(callback_every: int, steps: int) -> int:
    """Steps between two callbacks: ``callback_every``, less in a run of under ``MIN_REFRESHES`` of them."""
    return max(1, min(callback_every, steps // MIN_REFRESHES))


class RunController:
    """Calls ``stylize`` on the main thread or a background one, and stops it on request.

    Args:
        stylize: called as ``stylize(content, style, options=..., callback=..., callback_every=...)``.
        background: run in a background thread so Stop is received (None: yes, except in Colab).
        callback_every: the listener hears from the run at least every this many steps.
    """

    def __init__(self, stylize: Stylize, background: bool | None = None, callback_every: int = 10):
        self.stylize = stylize
        self.background = ("google.colab" not in sys.modules) if background is None else background
        self.callback_every = callback_every
        self.run_button = widgets.Button(description="Run", button_style="success", icon="play")
        self.stop_button = widgets.Button(description="Stop", button_style="danger", icon="stop", disabled=True)
        self._stop = threading.Event()
        self._busy = False
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        """A background run is going on."""
        return self._thread is not None and self._thread.is_alive()

    def start(
        self,
        content: Any,
        style: Any,
        options: StyleOptions | TrainOptions,
        *,
        on_progress: Callable[[Progress], None],
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        wait: bool = True,
    ):
        """Run ``stylize``; ``on_progress`` hears each callback, ``on_result`` the result.

        An error is passed to ``on_error``: an NSTError ends the run (None is returned), any
        other error is raised again after it. ``wait=False`` returns None at once and runs
        in a thread; otherwise the result is returned.
        """
        self._stop.clear()
        self.run_button.disabled, self.stop_button.disabled = True, False
        args = (content, style, options, on_progress, on_result, on_error)
        if wait:
            return self._run(*args)
        self._thread = threading.Thread(target=self._run, args=args, daemon=True)
        self._thread.start()
        return None

    def join(self, timeout: float | None = None) -> None:
        """Wait for a background run to end."""
        if self._thread is not None:
            self._thread.join(timeout)

    def stop(self) -> bool:
        """Ask the run to stop at its next callback; False when no run is going on."""
        if not self._busy:
            return False
        self._stop.set()
        return True

    def _run(self, content, style, options: StyleOptions | TrainOptions, on_progress, on_result, on_error):
        self._busy = True
        try:
            with _kernel_events() if not self.background else contextlib.nullcontext() as poll:
                result = self.stylize(
                    content,
                    style,
                    options=options,
                    callback=lambda progress: self._on_progress(progress, on_progress, poll),
                    callback_every=refresh_every(self.callback_every, options.steps),
                )
        except NSTError as err:
            on_error(err)
            return None
        except Exception as err:  # shown in the app rather than lost in a thread
            on_error(err)
            raise
        finally:
            self._busy = False
            self.run_button.disabled, self.stop_button.disabled = False, True
        on_result(result)
        return result

    def _on_progress(self, progress: Progress, listener: Callable[[Progress], None], poll: Any = None) -> bool:
        listener(progress)
        if poll is not None:
            with contextlib.suppress(Exception):  # polling is a convenience; never let it break a run
                poll(10)
        return not self._stop.is_set()


@contextlib.contextmanager
def _kernel_events() -> Iterator[Callable[[int], None] | None]:
    """Yields a function that handles pending widget messages (a Stop click), or None.

    Uses ``jupyter-ui-poll`` when installed and running in an IPython kernel. That library
    holds back cells queued meanwhile until the current cell ends; when the run was started
    by a button (a widget message, not a cell) no cell ends, so they are handed back here.
    """
    try:
        from IPython import get_ipython
        from jupyter_ui_poll import ui_events
    except ImportError:
        yield None
        return
    kernel = getattr(get_ipython(), "kernel", None)
    if kernel is None:
        yield None
        return
    try:
        parent = kernel.get_parent() if hasattr(kernel, "get_parent") else kernel._parent_header
        in_cell = parent.get("header", {}).get("msg_type") == "execute_request"
        wrapper = ui_events()
    except Exception:  # an unsupported kernel: run without polling
        yield None
        return
    try:
        with wrapper as poll:
            yield poll
    finally:
        if not in_cell and type(wrapper)._current is wrapper:
            wrapper._post_run_cell()
