"""What the training app shows: the step and status, the preview painting, the loss plot, the files.

Fed by ``nst_core.train.train_network``'s callback through :class:`~nst_core.notebook.train.TrainApp`;
the loss plot is the style app's (:func:`~nst_core.notebook.view.loss_plot_png`), redrawn at
most every ``plot_seconds`` so that a fast step is not slowed by drawing.
"""

from __future__ import annotations

import base64
import html
import time
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..errors import NSTError
from ..image.encode import png_bytes
from .view import loss_plot_png

#: Exported files up to this size get a download link holding the file (a data: URL).
LINK_BYTES = 40 * 2**20


class TrainView:
    """What a training run shows: step and status, the preview painting, the loss plot, the files.

    Args:
        steps: the progress bar's length before the first run.
        plot_seconds: the loss plot is redrawn at most this often (and at every preview).
    """

    def __init__(self, steps: int, plot_seconds: float = 1.0):
        self.plot_seconds = plot_seconds
        self.steps: list[int] = []
        self._began, self._first_seconds = time.monotonic(), 0.0
        self.losses: dict[str, list[float]] = {}
        self._drawn = float("-inf")
        self.preview = widgets.Image(format="png", layout=widgets.Layout(width="256px", height="auto"))
        self.loss_plot = widgets.Image(format="png", layout=widgets.Layout(width="336px", height="auto"))
        self.progress = widgets.IntProgress(value=0, min=0, max=max(1, steps), description="step 0")
        self.status = widgets.HTML()
        self.files = widgets.HTML()
        top = widgets.Layout(align_items="flex-start", flex_flow="row wrap")
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.progress, self.status]),
                widgets.HBox([self.preview, self.loss_plot], layout=top),
                self.files,
            ]
        )

    def start(self, total_steps: int) -> None:
        """Clear the plot and the file links for a run to ``total_steps`` steps."""
        self.steps, self.losses, self._drawn = [], {}, float("-inf")
        self._began, self._first_seconds = time.monotonic(), 0.0
        self.progress.max, self.progress.value, self.progress.description = max(1, total_steps), 0, "step 0"
        self.files.value = ""
        self.say("reading the photos and building the network… (the first step also traces it)")

    def show_progress(self, progress: Any) -> None:
        """Show one step's ``nst_core.train.TrainingProgress``: step, losses, and a preview if it has one."""
        self.steps.append(progress.step)
        for name, value in progress.losses.items():
            self.losses.setdefault(name, []).append(value)
        if progress.image is not None:
            self.preview.value = png_bytes(progress.image)
        now = time.monotonic()
        if progress.image is not None or progress.step >= progress.steps or now - self._drawn >= self.plot_seconds:
            self.loss_plot.value = loss_plot_png(self.steps, self.losses, progress.steps)
            self._drawn = now
        self.progress.value = progress.step
        self.progress.description = f"step {progress.step}"
        if len(self.steps) == 1:
            self._first_seconds = progress.seconds  # the first step also traces the network
        rate = (progress.seconds - self._first_seconds) / max(1, len(self.steps) - 1)
        self.say(f"loss {progress.losses.get('total', float('nan')):.4g} · {rate:.2f} s per step")

    def show_result(self, result: Any, stopped: bool) -> None:
        """Show a finished (or stopped) run: its step, time, and a link to each exported file."""
        if self.steps:
            self.loss_plot.value = loss_plot_png(self.steps, self.losses, max(self.progress.max, self.steps[-1]))
        self.progress.value = min(result.step, self.progress.max)
        ended = "stopped" if stopped else "done"
        taken = time.monotonic() - self._began  # the export after a Stop included
        self.say(f"{ended} at step {result.step} after {taken:.1f} s; the network is saved")
        self.files.value = "".join(_file_line(kind, Path(path)) for kind, path in result.files.items())

    def show_error(self, err: BaseException) -> None:
        """A run's error in the status line: an NSTError's one line, anything else with its type."""
        text = str(err) if isinstance(err, NSTError) else f"failed: {type(err).__name__}: {err}"
        self.say(f"<span style='color:#b00'>{html.escape(text)}</span>")

    def say(self, markup: str) -> None:
        """Put ``markup`` (HTML) in the status line."""
        self.status.value = markup

    def snapshot(self):
        """The preview, the loss plot and the status as plain HTML (visible where widgets are not)."""
        from IPython.display import HTML

        pictures = "".join(
            f"<img src='data:image/png;base64,{base64.b64encode(bytes(data)).decode('ascii')}' style='margin:4px'/>"
            for data in (self.preview.value, self.loss_plot.value)
            if data
        )
        return HTML(f"<div>{pictures}</div><p>{self.status.value}</p>{self.files.value}")


def _file_line(kind: str, path: Path) -> str:
    size = path.stat().st_size if path.is_file() else 0
    shown = f"<code>{html.escape(str(path))}</code> ({size / 2**20:.1f} MB)"
    if 0 < size <= LINK_BYTES:
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        name = html.escape(path.name, quote=True)
        shown += f" · <a download=\"{name}\" href='data:application/octet-stream;base64,{data}'>download</a>"
    return f"<div>{html.escape(kind)}: {shown}</div>"
