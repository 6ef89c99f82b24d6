"""The notebook app: pick images, move sliders, press Run, watch the picture evolve.

Every option control maps to one field of :class:`~nst_core.options.StyleOptions` and starts
at that field's value; the controls are generated from the option spec
(:mod:`~nst_core.notebook.controls`), so the notebook, the API and the command line agree.
The app only translates widget values into a call of :func:`nst_core.stylize` (injectable,
for tests) and shows what the callback reports. It is composed of one part per job:

* :mod:`~nst_core.notebook.pickers`: the content and style images;
* :mod:`~nst_core.notebook.controls`: the option controls;
* :mod:`~nst_core.notebook.controller`: the Run and Stop buttons, the run's thread and callback;
* :mod:`~nst_core.notebook.view`: the picture, loss plot, progress, evolution GIF and Save;
* :mod:`~nst_core.notebook.regions`: "paint by region", a style (or the photo) per automatic region.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
import numpy as np

from ..engine.pyramid import planned_steps
from ..errors import NSTError
from ..image.encode import png_bytes
from ..options import StyleOptions
from .base import OptionApp
from .controller import MIN_REFRESHES, RunController, Stylize
from .controls import OptionControls
from .pickers import IMAGE_SUFFIXES, NONE_CHOICE, THUMB_PX, ImagePicker, find_samples_dir, sample_images
from .regions import RegionsPanel
from .view import GIF_FRAMES, RunView, loss_plot_png

# The names of the single module this app was, kept importable from here.
__all__ = [
    "GIF_FRAMES",
    "IMAGE_SUFFIXES",
    "MIN_REFRESHES",
    "NONE_CHOICE",
    "THUMB_PX",
    "ImagePicker",
    "StyleApp",
    "find_samples_dir",
    "loss_plot_png",
    "png_bytes",
]


class StyleApp(OptionApp):
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

    Each option control is an attribute named for its field (``app.style_weight``,
    ``app.steps``...), beside ``app.blend``, ``app.from_current``, ``app.run_button``,
    ``app.stop_button``, ``app.save_button``, ``app.live_image`` and the other widgets.
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
        self.base_options = options or StyleOptions()
        self.result = None

        samples = sample_images(samples_dir)
        self.content = ImagePicker("Content", samples, "tubingen" if "tubingen" in samples else None)
        self.style = ImagePicker("Style", samples, "starry_night" if "starry_night" in samples else None)
        self.style2 = ImagePicker("Second style (optional)", samples, None, optional=True)

        self.controls = OptionControls(self.base_options)
        self.blend, self.from_current = self.controls.blend, self.controls.from_current

        self.controller = RunController(stylize, background, callback_every)
        self.run_button, self.stop_button = self.controller.run_button, self.controller.stop_button
        self.run_button.on_click(lambda _button: self.run(wait=not self.background))
        self.stop_button.on_click(lambda _button: self.stop())

        self.view = RunView(self.base_options.steps, save_path)
        view = self.view
        self.live_image, self.loss_plot, self.progress, self.status = (
            view.live_image,
            view.loss_plot,
            view.progress,
            view.status,
        )
        self.result_row, self.evolution = view.result_row, view.evolution
        self.save_path, self.save_button, self.download_link = view.save_path, view.save_button, view.download_link
        self.save_button.on_click(lambda _button: self.save())
        self.output = view.widget
        self.regions = RegionsPanel(self.content.source, lambda: int(self.controls.widgets["size"].value))
        regions = widgets.Accordion(children=[self.regions.widget], titles=("Paint by region",))

        panel = widgets.VBox([*self.controls.rows(), widgets.HBox([self.run_button, self.stop_button])])
        top = widgets.Layout(align_items="flex-start", flex_flow="row wrap")
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.content.widget, self.style.widget, self.style2.widget, panel], layout=top),
                regions,
                self.output,
            ]
        )

    # ----- the run's settings
    @property
    def stylize(self) -> Stylize:
        """The function called on Run."""
        return self.controller.stylize

    @stylize.setter
    def stylize(self, stylize: Stylize) -> None:
        self.controller.stylize = stylize

    @property
    def background(self) -> bool:
        """Runs go to a background thread."""
        return self.controller.background

    @background.setter
    def background(self, background: bool) -> None:
        self.controller.background = background

    @property
    def callback_every(self) -> int:
        """The picture is refreshed at least every this many steps."""
        return self.controller.callback_every

    @callback_every.setter
    def callback_every(self, callback_every: int) -> None:
        self.controller.callback_every = callback_every

    @property
    def frames(self) -> list[np.ndarray]:
        """The pictures of the current run so far (uint8 thumbnails), the evolution GIF's frames."""
        return self.view.frames

    # ----- options <-> widgets
    def options(self) -> StyleOptions:
        """The :class:`StyleOptions` the controls describe (validated)."""
        current = self.result.image if self.result is not None else None
        two_styles = self.style2.source() is not None
        options = self.controls.options(self.base_options, two_styles, current)
        return self.regions.apply(options, 2 if two_styles else 1)

    def set_options(self, options: StyleOptions | None = None, **values: Any) -> None:
        """Move the controls to ``options`` (and/or keyword values), e.g. ``set_options(size=96, steps=20)``.

        Raises OptionError for a value the controls cannot show, rather than changing it.
        """
        explicit_init = options is not None or "init" in values
        options = (options or self.options()).replace(**values) if values else (options or self.options())
        # Without a new init, options() may carry the current picture ("continue from" is ticked).
        self.controls.check(options, check_init=explicit_init)
        self.base_options = options
        # A start asked for now wins over "continue from the current picture".
        self.controls.show(options, set_init=explicit_init)

    def sources(self) -> tuple[str | bytes, str | bytes | list]:
        """The content source and the style source(s) the pickers describe."""
        content, style, second = self.content.source(), self.style.source(), self.style2.source()
        if content is None or style is None:
            raise NSTError("choose a content and a style image")
        return content, ([style, second] if second is not None else style)

    # ----- running
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
            self.view.show_error(err)
            return None
        self.view.start(planned_steps(options.size, options.steps, options.pyramid_levels, options.pyramid_start_size))
        return self.controller.start(
            content,
            style,
            options,
            on_progress=self.view.show_progress,
            on_result=lambda result: self._finished(content, style, result),
            on_error=self.view.show_error,
            wait=wait,
        )

    def _finished(self, content, style, result) -> None:
        self.result = result
        self.view.show_result(content, style, result)

    # ----- showing and saving
    def snapshot(self):
        """A static HTML view of the last run (pictures, loss plot, evolution GIF).

        Unlike the widgets, it needs no JavaScript, so it stays visible in a saved notebook,
        on GitHub and in HTML exports.
        """
        return self.view.snapshot(self.result)

    def save(self, path: str | Path | None = None) -> Path | None:
        """Write the result (atomically) and offer it as a download link.

        PNG or JPEG by the file's suffix (``.png``, ``.jpg``, ``.jpeg``), as
        :func:`~nst_core.image.io.save_image`; a file name without a suffix gets ``.png``.
        Another suffix, a folder, or a place that cannot be written is a one-line message
        beside the Save button, and nothing is written.
        """
        return self.view.save(self.result.image if self.result is not None else None, path)
