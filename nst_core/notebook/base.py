"""What every notebook app has: option controls by name, Run/Stop over a controller, display.

:class:`~nst_core.notebook.app.StyleApp` (a picture) and
:class:`~nst_core.notebook.train.TrainApp` (a network) are each a panel of option controls
(:mod:`~nst_core.notebook.controls`) over a :class:`~nst_core.notebook.controller.RunController`
and a view; this base holds the members they share.
"""

from __future__ import annotations

from typing import Any


class OptionApp:
    """A notebook app: its option controls as attributes, its run's state, join and stop.

    A subclass sets ``controls`` (an :class:`~nst_core.notebook.controls.OptionControls`),
    ``controller`` (a :class:`~nst_core.notebook.controller.RunController`), ``view`` (with
    ``say``), ``widget`` (the whole panel) and ``result`` (the last run's, or None).
    """

    #: What the status line says when Stop is pressed (the style app keeps the best image so far).
    stopping = "stopping…"

    controls: Any
    controller: Any
    view: Any
    widget: Any
    result: Any

    def __getattr__(self, name: str) -> Any:
        # The option controls, by field name (app.style_weight); only reached when normal lookup fails.
        controls = self.__dict__.get("controls")
        if controls is not None and name in controls.widgets:
            return controls.widgets[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    @property
    def running(self) -> bool:
        """A background run is going on."""
        return self.controller.running

    def join(self, timeout: float | None = None):
        """Wait for a background run to end; returns its result."""
        self.controller.join(timeout)
        return self.result

    def stop(self) -> None:
        """Ask the run to stop at its next callback (see the app for what is kept)."""
        if self.controller.stop():
            self.view.say(self.stopping)
