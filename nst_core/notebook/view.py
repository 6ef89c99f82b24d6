"""What the app shows of a run: the picture, the loss plot, the progress bar, the evolution GIF, Save.

Everything is updated in place in one output area. :meth:`RunView.snapshot` gives the same
pictures as plain HTML, which stays visible where widgets are not rendered.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import numpy as np

from ..engine.optimize import Progress
from ..errors import NSTError
from ..image.encode import gif_bytes, png_bytes
from ..image.io import cannot_write, load_image, save_image, to_pil, to_uint8
from .pickers import THUMB_PX

#: At most this many frames go into the evolution GIF (evenly chosen).
GIF_FRAMES = 40
#: Seconds each frame of the evolution GIF shows, and the hold of its last frame (the result).
GIF_SECONDS_PER_FRAME = 0.15
GIF_LAST_FRAME_SECONDS = 1.5


def loss_plot_png(steps: list[int], losses: dict[str, list[float]], total_steps: int) -> bytes:
    """A log-scale plot of the loss parts against the step, as PNG bytes.

    Drawn on an Agg canvas, not pyplot, so nothing is displayed or kept by the inline backend
    and the plot can be redrawn from a background thread.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4.2, 3.2), dpi=80)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    # total last, dashed: it often lies on top of the largest part
    styles = {"content": "C1", "style": "C2", "tv": "C3", "total": "k"}
    for name, colour in styles.items():
        values = np.asarray(losses.get(name, []), dtype=float)
        values = np.where(values > 0, values, np.nan)  # a log axis cannot show 0 (content loss at step 0)
        if np.isfinite(values).any():
            dashed = "--" if name == "total" else "-"
            axes.plot(steps[: len(values)], values, dashed, color=colour, label=name, linewidth=1.5)
    axes.set_yscale("log")
    axes.set_xlim(0, max(1, total_steps))
    axes.set_xlabel("step")
    axes.set_ylabel("weighted loss")
    axes.grid(True, which="major", alpha=0.3)
    if axes.lines:
        axes.legend(loc="best", fontsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


class RunView:
    """The output area of the app: progress and status, picture and loss plot, results, Save.

    Args:
        steps: the progress bar's length before the first run.
        save_path: default file name of the Save button.
    """

    def __init__(self, steps: int, save_path: str = "stylized.png"):
        self.frames: list[np.ndarray] = []  # uint8 thumbnails of the pictures shown, for the GIF
        self.tiles: list[tuple[str, bytes]] = []  # (title, PNG) of the last run's pictures
        self._previous: tuple[Any, ...] | None = None  # what start() cleared, restored on failure
        self._plot_steps: list[int] = []
        self._plot_losses: dict[str, list[float]] = {}
        self.live_image = widgets.Image(format="png", layout=widgets.Layout(width="336px", height="auto"))
        self.loss_plot = widgets.Image(format="png", layout=widgets.Layout(width="336px", height="auto"))
        self.progress = widgets.IntProgress(value=0, min=0, max=max(1, steps), description="step 0")
        self.status = widgets.HTML()
        top = widgets.Layout(align_items="flex-start", flex_flow="row wrap")
        self.result_row = widgets.HBox([], layout=widgets.Layout(align_items="flex-start", flex_flow="row wrap"))
        self.evolution = widgets.Image(format="gif", layout=widgets.Layout(width="200px", height="auto"))
        # Sent to the kernel once, on Enter or leaving the box: typing sends nothing that a
        # click on Save could overtake.
        self.save_path = widgets.Text(
            value=save_path, description="file", continuous_update=False, layout=widgets.Layout(width="260px")
        )
        self.save_button = widgets.Button(description="Save", icon="download", disabled=True)
        self.download_link = widgets.HTML()
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.progress, self.status]),
                widgets.HBox([self.live_image, self.loss_plot], layout=top),
                self.result_row,
                widgets.HBox([self.save_path, self.save_button, self.download_link]),
            ]
        )

    def start(self, total_steps: int) -> None:
        """Clear the last run's pictures for a run of ``total_steps`` steps (kept to restore on failure)."""
        self._previous = (
            self.live_image.value,
            self.result_row.children,
            self.evolution.value,
            self.tiles,
            self.save_button.disabled,
        )
        self.frames = []
        self._plot_steps, self._plot_losses = [], {}
        self.progress.max, self.progress.value, self.progress.description = max(1, total_steps), 0, "step 0"
        self.save_button.disabled = True
        self.result_row.children, self.evolution.value, self.download_link.value = (), b"", ""
        self.tiles = []
        self.say("loading images and VGG19…")

    def show_progress(self, progress: Progress) -> None:
        """Show the picture, loss plot and step of one callback of a run."""
        image = progress.image
        self.frames.append(to_uint8(_thumbnail(image)))
        self.live_image.value = png_bytes(image)
        self._plot_steps.append(progress.step)
        for name, value in progress.losses.items():
            self._plot_losses.setdefault(name, []).append(value)
        self.loss_plot.value = loss_plot_png(self._plot_steps, self._plot_losses, progress.steps)
        self.progress.value = progress.step
        self.progress.description = f"step {progress.step}"
        self.say(f"loss {progress.losses.get('total', float('nan')):.4g}")

    def show_result(self, content: Any, style: Any, result: Any) -> None:
        """Show a finished run: the result and its losses, the inputs beside it, the evolution GIF."""
        options = result.options
        self.live_image.value = png_bytes(result.image)
        history = result.history
        steps = list(range(len(history["total"])))
        self.loss_plot.value = loss_plot_png(steps, {k: list(v) for k, v in history.items()}, max(1, len(steps)))
        self.progress.value = result.steps
        tiles = [("content", _safe_load(content, options.size))]
        for index, source in enumerate(style if isinstance(style, list) else [style]):
            tiles.append(
                (f"style {index + 1}" if isinstance(style, list) else "style", _safe_load(source, options.size))
            )
        tiles.append(("result", result.image))
        self.tiles = [(name, png_bytes(image, 256)) for name, image in tiles if image is not None]
        self.frames.append(to_uint8(_thumbnail(result.image)))
        self.evolution.value = gif_bytes(
            self.frames, GIF_SECONDS_PER_FRAME, last_frame_seconds=GIF_LAST_FRAME_SECONDS, max_frames=GIF_FRAMES
        )
        self.result_row.children = tuple(
            widgets.VBox([widgets.HTML(f"<b>{name}</b>"), picture])
            for name, picture in [
                (name, widgets.Image(value=data, format="png", layout=widgets.Layout(width="200px", height="auto")))
                for name, data in self.tiles
            ]
            + [("evolution", self.evolution)]
        )
        self.save_button.disabled = False
        ended = "stopped" if result.stopped else "done"
        taken = f"{result.steps} step{'' if result.steps == 1 else 's'}"
        self.say(f"{ended}: {taken} in {result.seconds:.1f} s, loss {result.loss:.4g}")

    def show_error(self, err: BaseException) -> None:
        """A run's error in the status line: an NSTError's one line, anything else with its type."""
        if self._previous is not None:  # a failed run leaves the last result as it was
            (self.live_image.value, self.result_row.children, self.evolution.value, self.tiles, disabled) = (
                self._previous
            )
            self.save_button.disabled = disabled
            self._previous = None
        text = str(err) if isinstance(err, NSTError) else f"failed: {type(err).__name__}: {err}"
        self.say(f"<span style='color:#b00'>{html.escape(text)}</span>")  # server text is not markup

    def snapshot(self, result: Any):
        """A static HTML view of the last run (pictures, loss plot, evolution GIF).

        Unlike the widgets, it needs no JavaScript, so it stays visible in a saved notebook,
        on GitHub and in HTML exports.
        """
        from IPython.display import HTML

        if result is None:
            return HTML("<i>No result yet: choose the images, then press Run.</i>")

        def tag(data: bytes, kind: str, title: str, width: int = 240) -> str:
            encoded = base64.b64encode(bytes(data)).decode("ascii")
            return (
                f"<figure style='display:inline-block;margin:4px;text-align:center'>"
                f"<img src='data:image/{kind};base64,{encoded}' style='width:{width}px'/>"
                f"<figcaption>{title}</figcaption></figure>"
            )

        pictures = [tag(data, "png", name) for name, data in self.tiles]
        plots = [
            tag(self.loss_plot.value, "png", "loss per step", 336),
            tag(self.evolution.value, "gif", "evolution", 240),
        ]
        return HTML(f"<div>{''.join(pictures)}</div><div>{''.join(plots)}</div><p>{self.status.value}</p>")

    def save(self, image: np.ndarray | None, path: str | Path | None = None) -> Path | None:
        """Write ``image`` (atomically) and offer it as a download link; see ``StyleApp.save``."""
        if image is None:
            self._save_message("nothing to save yet: press Run")
            return None
        path = Path(path or self.save_path.value or "stylized.png")
        try:
            if not path.suffix and not path.is_dir():
                path = path.with_suffix(".png")
            written = save_image(image, path)
        except NSTError as err:
            self._save_message(str(err))
            return None
        except OSError as err:  # not even allowed to look at the folder
            self._save_message(cannot_write(path, err))
            return None
        mime = "image/png" if written.suffix.lower() == ".png" else "image/jpeg"
        data = base64.b64encode(written.read_bytes()).decode("ascii")
        shown, file_name = html.escape(str(written)), html.escape(written.name, quote=True)
        self.download_link.value = (
            f"saved <code>{shown}</code> · <a download=\"{file_name}\" href='data:{mime};base64,{data}'>download</a>"
        )
        return written

    def say(self, markup: str) -> None:
        """Put ``markup`` (HTML) in the status line."""
        self.status.value = markup

    def _save_message(self, text: str) -> None:
        # Beside the Save button, in place of an earlier download link; the status line
        # keeps the run's summary.
        self.download_link.value = f"<span style='color:#b00'>{html.escape(text)}</span>"


def _thumbnail(image: np.ndarray) -> np.ndarray:
    pil = to_pil(image)
    pil.thumbnail((THUMB_PX * 2, THUMB_PX * 2))
    return np.asarray(pil, dtype=np.float32) / 255.0


def _safe_load(source: Any, size: int) -> np.ndarray | None:
    try:
        return load_image(source, size)
    except NSTError:
        return None
