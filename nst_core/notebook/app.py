"""The notebook app: pick images, move sliders, press Run, watch the picture evolve.

Every control maps to one field of :class:`~nst_core.options.StyleOptions` and starts at
that field's default, so the notebook, the API and the command line agree. The app only
translates widget values into a call of :func:`nst_core.stylize` (injectable, for tests)
and shows what the callback reports: the image, a loss plot and a progress bar, all
updated in place in one output area.

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

import base64
import contextlib
import html
import io
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import numpy as np
from PIL import Image

from ..engine.choices import OPTIMIZERS, STYLE_LOSSES
from ..engine.color import PRESERVE_COLORS
from ..engine.optimize import Progress
from ..engine.precision import PRECISIONS
from ..engine.pyramid import planned_steps
from ..errors import NSTError, OptionError
from ..image.io import cannot_write, load_image, save_image, to_pil, to_uint8
from ..options import INIT_CHOICES, StyleOptions

#: Sample image suffixes shown in the dropdowns.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
#: Longest side of the thumbnails and of the frames of the evolution GIF, in pixels.
THUMB_PX = 160
#: At most this many frames go into the evolution GIF (evenly chosen).
GIF_FRAMES = 40
#: A short run refreshes the picture more often than ``callback_every``, to show at least this many.
MIN_REFRESHES = 10
NONE_CHOICE = "(none)"

Stylize = Callable[..., Any]


def find_samples_dir(start: Path | None = None) -> Path | None:
    """The ``images/`` folder of sample pictures: next to the working directory or the package."""
    candidates = []
    for base in (start or Path.cwd(), Path(__file__).resolve().parent.parent):
        candidates += [base / "images", base.parent / "images"]
    for folder in candidates:
        if folder.is_dir() and any(p.suffix.lower() in IMAGE_SUFFIXES for p in folder.iterdir()):
            return folder
    return None


def png_bytes(image: np.ndarray, max_side: int | None = None) -> bytes:
    """PNG encoding of a float RGB image in [0, 1], optionally shrunk to ``max_side`` pixels."""
    pil = to_pil(image)
    if max_side is not None:
        pil.thumbnail((max_side, max_side))
    buffer = io.BytesIO()
    pil.save(buffer, format="PNG")
    return buffer.getvalue()


def gif_bytes(frames: list[np.ndarray], seconds_per_frame: float = 0.15) -> bytes:
    """An animated GIF (looping, last frame held) of uint8 RGB frames."""
    if len(frames) > GIF_FRAMES:
        frames = [frames[i] for i in np.linspace(0, len(frames) - 1, GIF_FRAMES).round().astype(int)]
    pictures = [Image.fromarray(f) for f in frames]
    durations = [int(seconds_per_frame * 1000)] * len(pictures)
    durations[-1] = 1500
    buffer = io.BytesIO()
    pictures[0].save(buffer, format="GIF", save_all=True, append_images=pictures[1:], duration=durations, loop=0)
    return buffer.getvalue()


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


class ImagePicker:
    """One image: a sample from a dropdown, an uploaded file, or a URL (first one set wins: upload, URL, sample)."""

    def __init__(self, title: str, samples: dict[str, Path], default: str | None, optional: bool = False):
        choices = ([NONE_CHOICE] if optional else []) + list(samples)
        self.samples = samples
        narrow = widgets.Layout(width=f"{THUMB_PX + 30}px")
        self.dropdown = widgets.Dropdown(
            options=choices, value=default if default in choices else (choices[0] if choices else None), layout=narrow
        )
        self.upload = widgets.FileUpload(accept="image/*", multiple=False, description="Upload", layout=narrow)
        self.url = widgets.Text(placeholder="or an image URL", continuous_update=False, layout=narrow)
        self.thumbnail = widgets.Image(format="png", layout=widgets.Layout(width=f"{THUMB_PX}px", height="auto"))
        self.message = widgets.HTML()
        for control in (self.dropdown, self.upload, self.url):
            control.observe(self._refresh, names="value")
        self.widget = widgets.VBox(
            [widgets.HTML(f"<b>{title}</b>"), self.dropdown, self.upload, self.url, self.thumbnail, self.message],
            layout=widgets.Layout(width=f"{THUMB_PX + 40}px"),
        )
        self._refresh()

    def source(self) -> str | bytes | None:
        """What :func:`nst_core.stylize` should read: upload bytes, a URL, a sample path, or None."""
        if self.upload.value:
            return bytes(self.upload.value[0]["content"])
        if self.url.value.strip():
            return self.url.value.strip()
        if self.dropdown.value in (NONE_CHOICE, None):
            return None
        return str(self.samples[self.dropdown.value])

    def _refresh(self, _change: Any = None) -> None:
        source = self.source()
        self.message.value = ""
        self.thumbnail.value = b""
        self.thumbnail.layout.display = "none"  # an empty Image shows as a broken-image icon
        if source is None:
            return
        try:
            self.thumbnail.value = png_bytes(load_image(source, THUMB_PX))
            self.thumbnail.layout.display = None
        except NSTError as err:
            self.message.value = f"<span style='color:#b00'>{err}</span>"


class StyleApp:
    """The style-transfer app shown by the notebooks.

    Args:
        stylize: the function called on Run (default: a :class:`nst_core.Stylizer`, which
            keeps its traced step from one Run to the next), as
            ``stylize(content, style, options=StyleOptions, callback=..., callback_every=...)``.
        options: starting values of the controls (default ``StyleOptions()``); fields without
            a control (layers, seed, learning rate...) are passed through unchanged. A value
            the controls cannot show (outside a slider, an image ``init``) is an OptionError.
        samples_dir: folder of sample images for the dropdowns (default: ``images/`` found
            by :func:`find_samples_dir`).
        callback_every: the picture and plot are refreshed at least every this many steps
            (more often in a run of fewer than ``10 * callback_every`` steps).
        background: run in a background thread so Stop is received (None: yes, except in Colab).
        save_path: default file name of the Save button.
    """

    def __init__(
        self,
        stylize: Stylize | None = None,
        options: StyleOptions | None = None,
        samples_dir: str | Path | None = None,
        callback_every: int = 10,
        background: bool | None = None,
        save_path: str = "stylized.png",
    ):
        if stylize is None:
            from ..api import Stylizer

            stylize = Stylizer()
        self.stylize = stylize
        self.base_options = options or StyleOptions()
        self.callback_every = callback_every
        self.background = ("google.colab" not in sys.modules) if background is None else background
        self.result = None
        self.frames: list[np.ndarray] = []
        self._stop = threading.Event()
        self._busy = False
        self._thread: threading.Thread | None = None
        self._plot_steps: list[int] = []
        self._plot_losses: dict[str, list[float]] = {}

        folder = Path(samples_dir) if samples_dir is not None else find_samples_dir()
        samples = {}
        if folder is not None:
            samples = {p.stem: p for p in sorted(folder.iterdir()) if p.suffix.lower() in IMAGE_SUFFIXES}
        self.content = ImagePicker("Content", samples, "tubingen" if "tubingen" in samples else None)
        self.style = ImagePicker("Style", samples, "starry_night" if "starry_night" in samples else None)
        self.style2 = ImagePicker("Second style (optional)", samples, None, optional=True)

        defaults = self.base_options
        slider = {"continuous_update": False, "style": {"description_width": "100px"}}
        wide = widgets.Layout(width="380px")
        menu = {"layout": widgets.Layout(width="190px"), "style": {"description_width": "75px"}}
        # The losses are relative (nst_core.engine.losses), so one style weight means the same for
        # every painting: the slider is a strength, 1 faint, 10 strong, 100 the style's texture.
        self.style_weight = widgets.FloatLogSlider(
            value=defaults.style_weight,
            base=10,
            min=-1,
            max=3,
            step=0.1,
            description="style strength",
            layout=wide,
            **slider,
        )
        self.content_weight = widgets.FloatLogSlider(
            value=defaults.content_weight,
            base=10,
            min=-2,
            max=2,
            step=0.1,
            description="content weight",
            layout=wide,
            **slider,
        )
        # Its lowest value, 1e-3, is as good as no smoothing.
        self.tv_weight = widgets.FloatLogSlider(
            value=defaults.tv_weight,
            base=10,
            min=-3,
            max=2,
            step=0.1,
            description="TV weight",
            layout=wide,
            **slider,
        )
        self.steps = widgets.IntSlider(
            value=defaults.steps, min=0, max=1000, step=1, description="steps", layout=wide, **slider
        )
        self.size = widgets.IntSlider(
            value=defaults.size, min=64, max=1024, step=1, description="size (px)", layout=wide, **slider
        )
        self.style_scale = widgets.FloatSlider(
            value=defaults.style_scale, min=0.25, max=2.0, step=0.01, description="style scale", layout=wide, **slider
        )
        blend = defaults.style_blend_weights
        self.blend = widgets.FloatSlider(
            value=blend[1] / sum(blend) if blend and len(blend) == 2 else 0.5,
            min=0.0,
            max=1.0,
            step=0.05,
            description="blend → style 2",
            layout=wide,
            **slider,
        )
        self.optimizer = widgets.Dropdown(options=OPTIMIZERS, value=defaults.optimizer, description="optimiser", **menu)
        # Before the init menu, whose own check of an image init is a TraitError from deep in traitlets.
        self._check_fits_controls(defaults)
        self.init = widgets.Dropdown(options=INIT_CHOICES, value=defaults.init, description="start from", **menu)
        self.preserve_colors = widgets.Dropdown(
            options=PRESERVE_COLORS, value=defaults.preserve_colors, description="keep colours", **menu
        )
        # "mixed": VGG19 in 16 bits where the device supports it (GPUs, CPUs with AVX512_BF16
        # or AMX), float32 elsewhere; see nst_core.engine.precision.
        self.precision = widgets.Dropdown(options=PRECISIONS, value=defaults.precision, description="precision", **menu)
        self.style_loss = widgets.Dropdown(
            options=STYLE_LOSSES, value=defaults.style_loss, description="style loss", **menu
        )
        self.from_current = widgets.Checkbox(value=False, description="continue from the current picture", indent=False)

        self.run_button = widgets.Button(description="Run", button_style="success", icon="play")
        self.stop_button = widgets.Button(description="Stop", button_style="danger", icon="stop", disabled=True)
        self.run_button.on_click(lambda _button: self.run(wait=not self.background))
        self.stop_button.on_click(lambda _button: self.stop())

        self.live_image = widgets.Image(format="png", layout=widgets.Layout(width="336px", height="auto"))
        self.loss_plot = widgets.Image(format="png", layout=widgets.Layout(width="336px", height="auto"))
        self.progress = widgets.IntProgress(value=0, min=0, max=max(1, defaults.steps), description="step 0")
        self.status = widgets.HTML()
        self.result_row = widgets.HBox([], layout=widgets.Layout(align_items="flex-start", flex_flow="row wrap"))
        self.evolution = widgets.Image(format="gif", layout=widgets.Layout(width="200px", height="auto"))
        self._tiles: list[tuple[str, bytes]] = []
        self.save_path = widgets.Text(value=save_path, description="file", layout=widgets.Layout(width="260px"))
        self.save_button = widgets.Button(description="Save", icon="download", disabled=True)
        self.save_button.on_click(lambda _button: self.save())
        self.download_link = widgets.HTML()

        controls = widgets.VBox(
            [
                self.style_weight,
                self.content_weight,
                self.tv_weight,
                self.steps,
                self.size,
                self.style_scale,
                self.blend,
                widgets.HBox([self.optimizer, self.init]),
                widgets.HBox([self.preserve_colors, self.precision]),
                self.style_loss,
                self.from_current,
                widgets.HBox([self.run_button, self.stop_button]),
            ]
        )
        top = widgets.Layout(align_items="flex-start", flex_flow="row wrap")
        self.output = widgets.VBox(
            [
                widgets.HBox([self.progress, self.status]),
                widgets.HBox([self.live_image, self.loss_plot], layout=top),
                self.result_row,
                widgets.HBox([self.save_path, self.save_button, self.download_link]),
            ]
        )
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.content.widget, self.style.widget, self.style2.widget, controls], layout=top),
                self.output,
            ]
        )

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    # ----- options <-> widgets
    def options(self) -> StyleOptions:
        """The :class:`StyleOptions` the controls describe (validated)."""
        two_styles = self.style2.source() is not None
        init = self.init.value
        if self.from_current.value and self.result is not None:
            init = self.result.image
        return self.base_options.replace(
            style_weight=float(self.style_weight.value),
            content_weight=float(self.content_weight.value),
            tv_weight=float(self.tv_weight.value),
            steps=int(self.steps.value),
            size=int(self.size.value),
            style_scale=float(self.style_scale.value),
            style_blend_weights=(1.0 - self.blend.value, float(self.blend.value)) if two_styles else None,
            optimizer=self.optimizer.value,
            init=init,
            preserve_colors=self.preserve_colors.value,
            precision=self.precision.value,
            style_loss=self.style_loss.value,
        )

    def _check_fits_controls(self, options: StyleOptions, check_init: bool = True) -> None:
        """Raise OptionError for a value the controls cannot show, instead of changing it.

        A slider clamps a value outside its range, which would silently change the run
        (``tv_weight=0`` would become 1, ``size=2000`` 1024); the app has no control for an
        image as ``init`` or for more than two styles. ``nst_core.stylize`` takes all of these.
        The log sliders show a value to the nearest tenth of a decade (0.3 reads 0.316);
        the run uses the value given.
        """
        for name in ("style_weight", "content_weight", "tv_weight", "steps", "size", "style_scale"):
            control = getattr(self, name)
            low, high = control.min, control.max
            if isinstance(control, widgets.FloatLogSlider):
                low, high = control.base**low, control.base**high
            value = getattr(options, name)
            if not low <= value <= high:
                shown = f"{value:g}" if isinstance(value, float) else str(value)
                raise OptionError(
                    f"{name}={shown} is outside the notebook's slider ({low:g} to {high:g});"
                    " use nst_core.stylize for other values"
                )
        if check_init and not (isinstance(options.init, str) and options.init in INIT_CHOICES):
            raise OptionError(
                f"init must be one of {', '.join(INIT_CHOICES)} in the notebook app (an image start needs"
                " nst_core.stylize, or 'continue from the current picture')"
            )
        blend = options.style_blend_weights
        if blend is not None and len(blend) != 2:
            raise OptionError(
                f"style_blend_weights has {len(blend)} values; the notebook app blends two styles"
                " (use nst_core.stylize for more)"
            )

    def set_options(self, options: StyleOptions | None = None, **values: Any) -> None:
        """Move the controls to ``options`` (and/or keyword values), e.g. ``set_options(size=96, steps=20)``.

        Raises OptionError for a value the controls cannot show, rather than changing it.
        """
        explicit_init = options is not None or "init" in values
        options = (options or self.options()).replace(**values) if values else (options or self.options())
        # Without a new init, options() may carry the current picture ("continue from" is ticked).
        self._check_fits_controls(options, check_init=explicit_init)
        self.base_options = options
        self.style_weight.value = options.style_weight
        self.content_weight.value = options.content_weight
        self.tv_weight.value = options.tv_weight
        self.steps.value = options.steps
        self.size.value = options.size
        self.style_scale.value = options.style_scale
        if options.style_blend_weights:
            self.blend.value = options.style_blend_weights[1] / sum(options.style_blend_weights)
        self.optimizer.value = options.optimizer
        if explicit_init:  # a start asked for now wins over "continue from the current picture"
            self.init.value = options.init
            self.from_current.value = False
        self.preserve_colors.value = options.preserve_colors
        self.precision.value = options.precision
        self.style_loss.value = options.style_loss

    def sources(self) -> tuple[str | bytes, str | bytes | list]:
        """The content source and the style source(s) the pickers describe."""
        content, style, second = self.content.source(), self.style.source(), self.style2.source()
        if content is None or style is None:
            raise NSTError("choose a content and a style image")
        return content, ([style, second] if second is not None else style)

    # ----- running
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run(self, wait: bool = True):
        """Stylise with the current settings; ``wait=False`` returns at once and runs in a thread.

        Returns the :class:`~nst_core.api.Result` when waiting (None on a bad input, whose
        one-line message is shown in the status line).
        """
        if self.running:
            return None
        try:
            options = self.options()
            content, style = self.sources()
        except NSTError as err:
            self._say(f"<span style='color:#b00'>{err}</span>")
            return None
        self._stop.clear()
        self.frames = []
        self._plot_steps, self._plot_losses = [], {}
        total = planned_steps(options.size, options.steps, options.pyramid_levels, options.pyramid_start_size)
        self.progress.max, self.progress.value, self.progress.description = max(1, total), 0, "step 0"
        self.run_button.disabled, self.stop_button.disabled, self.save_button.disabled = True, False, True
        self.result_row.children, self.evolution.value, self.download_link.value = (), b"", ""
        self._tiles = []
        self._say("loading images and VGG19…")
        if wait:
            return self._run(content, style, options)
        self._thread = threading.Thread(target=self._run, args=(content, style, options), daemon=True)
        self._thread.start()
        return None

    def join(self, timeout: float | None = None):
        """Wait for a background run to end; returns its result."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.result

    def stop(self) -> None:
        """Ask the run to stop at its next callback; the best image so far is kept."""
        if self._busy:
            self._stop.set()
            self._say("stopping…")

    def _run(self, content, style, options: StyleOptions):
        self._busy = True
        try:
            with _kernel_events() if not self.background else _nothing() as poll:
                result = self.stylize(
                    content,
                    style,
                    options=options,
                    callback=lambda progress: self._on_progress(progress, poll),
                    callback_every=max(1, min(self.callback_every, options.steps // MIN_REFRESHES)),
                )
        except NSTError as err:
            self._say(f"<span style='color:#b00'>{err}</span>")
            return None
        except Exception as err:  # shown in the app rather than lost in a thread
            self._say(f"<span style='color:#b00'>failed: {type(err).__name__}: {err}</span>")
            raise
        finally:
            self._busy = False
            self.run_button.disabled, self.stop_button.disabled = False, True
        self.result = result
        self._show_result(content, style, result)
        return result

    def _on_progress(self, progress: Progress, poll: Any = None) -> bool:
        image = progress.image
        self.frames.append(to_uint8(_thumbnail(image)))
        self.live_image.value = png_bytes(image)
        self._plot_steps.append(progress.step)
        for name, value in progress.losses.items():
            self._plot_losses.setdefault(name, []).append(value)
        self.loss_plot.value = loss_plot_png(self._plot_steps, self._plot_losses, progress.steps)
        self.progress.value = progress.step
        self.progress.description = f"step {progress.step}"
        self._say(f"loss {progress.losses.get('total', float('nan')):.4g}")
        if poll is not None:
            try:
                poll(10)
            except Exception:  # polling is a convenience; never let it break a run
                pass
        return not self._stop.is_set()

    def _show_result(self, content, style, result) -> None:
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
        self._tiles = [(name, png_bytes(image, 256)) for name, image in tiles if image is not None]
        self.frames.append(to_uint8(_thumbnail(result.image)))
        self.evolution.value = gif_bytes(self.frames)
        self.result_row.children = tuple(
            widgets.VBox([widgets.HTML(f"<b>{name}</b>"), picture])
            for name, picture in [
                (name, widgets.Image(value=data, format="png", layout=widgets.Layout(width="200px", height="auto")))
                for name, data in self._tiles
            ]
            + [("evolution", self.evolution)]
        )
        self.save_button.disabled = False
        ended = "stopped" if result.stopped else "done"
        steps = f"{result.steps} step{'' if result.steps == 1 else 's'}"
        self._say(f"{ended}: {steps} in {result.seconds:.1f} s, loss {result.loss:.4g}")

    def snapshot(self):
        """A static HTML view of the last run (pictures, loss plot, evolution GIF).

        Unlike the widgets, it needs no JavaScript, so it stays visible in a saved notebook,
        on GitHub and in HTML exports.
        """
        from IPython.display import HTML

        if self.result is None:
            return HTML("<i>No result yet: choose the images, then press Run.</i>")

        def tag(data: bytes, kind: str, title: str, width: int = 240) -> str:
            encoded = base64.b64encode(bytes(data)).decode("ascii")
            return (
                f"<figure style='display:inline-block;margin:4px;text-align:center'>"
                f"<img src='data:image/{kind};base64,{encoded}' style='width:{width}px'/>"
                f"<figcaption>{title}</figcaption></figure>"
            )

        pictures = [tag(data, "png", name) for name, data in self._tiles]
        plots = [
            tag(self.loss_plot.value, "png", "loss per step", 336),
            tag(self.evolution.value, "gif", "evolution", 240),
        ]
        return HTML(f"<div>{''.join(pictures)}</div><div>{''.join(plots)}</div><p>{self.status.value}</p>")

    def save(self, path: str | Path | None = None) -> Path | None:
        """Write the result (atomically) and offer it as a download link.

        PNG or JPEG by the file's suffix (``.png``, ``.jpg``, ``.jpeg``), as
        :func:`~nst_core.image.io.save_image`; a file name without a suffix gets ``.png``.
        Another suffix, a folder, or a place that cannot be written is a one-line message
        beside the Save button, and nothing is written.
        """
        if self.result is None:
            self._save_message("nothing to save yet: press Run")
            return None
        path = Path(path or self.save_path.value or "stylized.png")
        try:
            if not path.suffix and not path.is_dir():
                path = path.with_suffix(".png")
            written = save_image(self.result.image, path)
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

    def _save_message(self, text: str) -> None:
        # Beside the Save button, in place of an earlier download link; the status line
        # keeps the run's summary.
        self.download_link.value = f"<span style='color:#b00'>{html.escape(text)}</span>"

    def _say(self, markup: str) -> None:
        self.status.value = markup


def _thumbnail(image: np.ndarray) -> np.ndarray:
    pil = to_pil(image)
    pil.thumbnail((THUMB_PX * 2, THUMB_PX * 2))
    return np.asarray(pil, dtype=np.float32) / 255.0


def _safe_load(source, size: int) -> np.ndarray | None:
    try:
        return load_image(source, size)
    except NSTError:
        return None


@contextlib.contextmanager
def _nothing():
    yield None


@contextlib.contextmanager
def _kernel_events():
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
