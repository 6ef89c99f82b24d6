"""The training app of ``notebooks/train.ipynb``: pick a style and photos, press Train, watch it learn.

A front end of ``nst_core.train.train_network`` and nothing more: the controls are
generated from ``nst_core.options.TrainOptions``' spec
(:mod:`~nst_core.notebook.controls`), the Train and Stop buttons and the run's thread are
the style app's (:mod:`~nst_core.notebook.controller`: a background thread in Jupyter, the
main thread with widget polling in Colab), and :class:`~nst_core.notebook.train_view.TrainView`
shows what the callback reports: the network's preview painting, the loss plot, the step,
and the exported files.

Stop ends the run after the step under way: the callback returns False, and
``train_network`` saves a checkpoint of the steps done and exports that network, so a
stopped network can be tried, downloaded, or trained further with "continue the run" ticked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..errors import NSTError
from ..options import TrainOptions, option_fields
from .base import OptionApp
from .controller import RunController
from .controls import OptionControls
from .pickers import ImagePicker, sample_images
from .train_view import TrainView

Train = Callable[..., Any]


class TrainApp(OptionApp):
    """The training app: a style picker, the photo and output folders, the options, Train and Stop.

    Args:
        data: the folder of training photos (shown in an editable box).
        output_dir: the folder of checkpoints, previews and exported models.
        options: starting values of the controls (default ``TrainOptions()``); fields without
            a control (preview and checkpoint intervals, seed, precision...) pass through.
        train: the function Train calls, as ``nst_core.train.train_network`` (the default;
            injectable for tests).
        exports: which files to export (``"keras"``, ``"float16"``, ``"int8"``; default all).
        samples_dir: folder of sample styles for the picker (default: the repository's ``images/``).
        background: train in a background thread so Stop is received (None: yes, except in Colab).
        plot_seconds: the loss plot is redrawn at most this often.

    Each option control is an attribute named for its field (``app.steps``, ``app.width``...).
    After a run, :attr:`result` is the ``nst_core.train.TrainingResult``, :attr:`stopped`
    says whether Stop ended it, and :attr:`model_path` is the exported file to paint with.
    """

    #: Stop ends the run after the step under way; the checkpoint is kept and the network exported.
    stopping = "stopping after this step…"

    def __init__(
        self,
        data: str | Path | None = None,
        output_dir: str | Path = "style_network",
        options: TrainOptions | None = None,
        *,
        train: Train | None = None,
        exports: Sequence[str] | None = None,
        samples_dir: str | Path | None = None,
        background: bool | None = None,
        plot_seconds: float = 1.0,
    ):
        if train is None:
            from ..train import train_network

            train = train_network
        self.train_function: Train = train
        self.exports = None if exports is None else tuple(exports)
        self.base_options = options or TrainOptions()
        self.result: Any = None
        self.stopped = False
        samples = sample_images(samples_dir)
        self.style = ImagePicker("Style", samples, "starry_night" if "starry_night" in samples else None)
        wide = widgets.Layout(width="420px")
        self.data = widgets.Text(
            value=str(data or ""), description="photos", placeholder="folder of training photos", layout=wide
        )
        self.output_dir = widgets.Text(value=str(output_dir), description="output", layout=wide)
        self.resume = widgets.Checkbox(value=False, description="continue the run in the output folder", indent=False)
        # Another folder holds another run (or none): continuing is then chosen again, not carried over.
        self.output_dir.observe(lambda _change: setattr(self.resume, "value", False), names="value")
        self.controls = OptionControls(self.base_options, option_fields(TrainOptions), "nst_core.train.train_network")
        self.controller = RunController(self._call, background, callback_every=1)
        self.train_button, self.stop_button = self.controller.run_button, self.controller.stop_button
        self.train_button.description = "Train"
        self.train_button.on_click(lambda _button: self.train(wait=not self.controller.background))
        self.stop_button.on_click(lambda _button: self.stop())
        self.view = TrainView(self.base_options.steps, plot_seconds)
        panel = widgets.VBox(
            [self.data, self.output_dir, *self.controls.widgets.values(), self.resume],
            layout=widgets.Layout(margin="0 0 0 12px"),
        )
        top = widgets.Layout(align_items="flex-start", flex_flow="row wrap")
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.style.widget, panel], layout=top),
                widgets.HBox([self.train_button, self.stop_button]),
                self.view.widget,
            ]
        )

    def options(self) -> TrainOptions:
        """The ``nst_core.options.TrainOptions`` the controls describe (validated)."""
        return self.controls.options(self.base_options)

    def set_options(self, options: TrainOptions | None = None, **values: Any) -> None:
        """Move the controls to ``options`` and/or keyword values, e.g. ``set_options(size=64, steps=6)``.

        Raises OptionError for a value the controls cannot show, rather than changing it.
        """
        options = options or self.options()
        options = options.replace(**values) if values else options
        self.controls.check(options)
        self.base_options = options
        self.controls.show(options, set_init=False)

    @property
    def model_path(self) -> Path | None:
        """The last run's exported network to paint with: the float16 Lite file, else another export."""
        if self.result is None or not self.result.files:
            return None
        files = self.result.files
        return Path(files.get("float16") or files.get("keras") or next(iter(files.values())))

    def load_model(self):
        """The last run's network as a ``nst_core.fast.FastStylizer``, to paint photos and clips with.

        NSTError when no run has finished yet (the cells after the app, run before Train was pressed).
        """
        from ..fast import load_fast_model

        if self.model_path is None:
            raise NSTError("no trained network yet: press Train above, wait until it is done, then run this cell")
        return load_fast_model(self.model_path)

    def train(self, wait: bool = True):
        """Train with the current settings; ``wait=False`` returns at once and trains in a thread.

        Returns the ``nst_core.train.TrainingResult`` when waiting (None on a bad input,
        whose one-line message is shown in the status line).
        """
        if self.running:
            return None
        try:
            options = self.options()
            style = self.style.source()
            if style is None:
                raise NSTError("choose a style image")
            if not self.data.value.strip():
                raise NSTError("give the folder of training photos")
        except NSTError as err:
            self.view.show_error(err)
            return None
        self._run_folder = Path(self.output_dir.value.strip() or "style_network").expanduser()
        self._resume = bool(self.resume.value)
        self.view.start(options.steps)
        return self.controller.start(
            style,
            self.data.value.strip(),
            options,
            on_progress=self.view.show_progress,
            on_result=self._finished,
            on_error=self.view.show_error,
            wait=wait,
        )

    def snapshot(self):
        """The last run's preview, loss plot and files as plain HTML."""
        return self.view.snapshot()

    def _call(self, style: Any, data: str, *, options: TrainOptions, callback, callback_every: int = 1):
        # The controller's stylize(content, style, ...) call, made into train_network's.
        extra = {} if self.exports is None else {"exports": self.exports}

        def listen(progress: Any) -> bool:
            if callback(progress) is not False:
                return True
            self.view.say(f"stopped at step {progress.step}; exporting the network…")
            return False  # train_network saves a checkpoint and exports

        self.stopped = False
        result = self.train_function(
            style, data, options, self._run_folder, callback=listen, resume=self._resume, **extra
        )
        self.stopped = bool(getattr(result, "stopped", False))
        return result

    def _finished(self, result: Any) -> None:
        self.result = result
        self.resume.value = True  # the folder now holds this run: Train again continues it
        self.view.show_result(result, self.stopped)
