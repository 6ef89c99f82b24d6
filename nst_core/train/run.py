"""``train_network``: a style image and a folder of photos in, a trained network's files out.

The order of a run: check the options, read the style image and the photos (every bad input
is refused before anything is written), build the network and its loss, restore the last
checkpoint when resuming, then step; every ``checkpoint_every`` steps a checkpoint, every
``preview_every`` steps a preview painted on the first photo, and at the end the exports
(:mod:`~nst_core.train.export`). An interrupt (Ctrl-C, or SIGTERM/SIGHUP turned into one by
the command line) saves a checkpoint of the steps done and is raised again.

Output folder::

    checkpoints/             the last two checkpoints (network, optimiser, step)
    settings.json            what a resumed run must keep (the network's shape)
    training.json            what each run was trained with (:mod:`~nst_core.train.record`)
    previews/step_000100.png the network's painting of the first photo, every preview_every steps
    logs/                    TensorBoard logs (with ``tensorboard``)
    model.keras, model_float16.tflite, model_int8.tflite   the exports
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import OptionError
from ..image.io import ImageSource, describe_source, load_image, resize_longest_side, save_image
from ..options import TrainOptions
from . import data
from .checkpoint import TrainingCheckpoint, check_output_folder
from .export import KINDS, export_network
from .record import TrainingRecord

PREVIEW_FOLDER = "previews"
LOG_FOLDER = "logs"


@dataclass
class TrainingProgress:
    """What a training callback receives after each step.

    Attributes:
        step: steps done so far (counting those of the runs resumed).
        steps: the steps the run goes to.
        losses: the loss parts of this step's batch (``total``, ``content``, ``style``, ``tv``).
        image: every ``preview_every`` steps, the network's painting of the first photo
            (float RGB in [0, 1]); else None.
        seconds: seconds since this run started.
        checkpoint: the checkpoint saved after this step, if one was.
    """

    step: int
    steps: int
    losses: dict[str, float]
    image: np.ndarray | None = None
    seconds: float = 0.0
    checkpoint: Path | None = None


@dataclass
class TrainingResult:
    """A finished (or stopped) run: the exported files, and the steps it got to."""

    step: int
    files: dict[str, Path] = field(default_factory=dict)
    losses: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    #: True when the callback stopped the run before its last step.
    stopped: bool = False


def load_style(style: ImageSource, options: TrainOptions) -> np.ndarray:
    """The style image at ``options.style_side`` px; OptionError if it is too small to be scaled to it.

    An image less than half the style size would be blown up into blur, which the network
    would learn as the style.
    """
    image = load_image(style)
    height, width = image.shape[:2]
    if 2 * max(height, width) < options.style_side:
        raise OptionError(
            f"{describe_source(style)}: {width}x{height} px is too small to train at style size {options.style_side};"
            f" give a style image of at least {(options.style_side + 1) // 2} px or lower --style-size"
        )
    return resize_longest_side(image, options.style_side)


def train_network(
    style: ImageSource,
    data_folder: str | Path,
    options: TrainOptions | None = None,
    output_dir: str | Path = "style_network",
    callback: Callable[[TrainingProgress], bool | None] | None = None,
    resume: bool = False,
    exports: Sequence[str] = KINDS,
) -> TrainingResult:
    """Train a network to paint any photo in the style of ``style`` (Johnson et al. 2016).

    Args:
        style: the style image (path, URL, array...).
        data_folder: folder of training photos (a few hundred are enough with the random
            crops, flips and scales of :mod:`~nst_core.train.data`); unreadable files are
            skipped with a warning naming them.
        options: sizes, steps, weights, width... (:class:`~nst_core.options.TrainOptions`).
        output_dir: folder of checkpoints, previews and the exported models.
        callback: called after every step with a :class:`TrainingProgress` (a notebook's
            live preview and loss plot). Returning False stops the run there: a checkpoint
            of the steps done is saved and the network exported, as at the last step (a
            Stop button). Raising KeyboardInterrupt in it stops as Ctrl-C does: checkpoint,
            no export.
        resume: continue the run in ``output_dir`` from its last checkpoint (the same
            optimiser state and step count); without it, a folder that holds a run is refused.
        exports: which files to write at the end, of ``"keras"``, ``"float16"``, ``"int8"``
            (the Lite conversions take seconds each).

    Returns:
        the :class:`TrainingResult` with the exported files (``"keras"``, ``"float16"``,
        ``"int8"``); load them with :func:`nst_core.fast.load_fast_model`.

    Raises:
        NSTError: a bad input (one line), before anything is written.
        KeyboardInterrupt: after a checkpoint of the steps done was saved.
    """
    import tensorflow as tf

    from .trainer import build_trainer

    options = options or TrainOptions()
    if options.tensorboard and importlib.util.find_spec("tensorboard") is None:
        raise OptionError("tensorboard logs need the tensorboard package: pip install tensorboard")
    if not exports or set(exports) - set(KINDS):
        raise OptionError(f"exports must be some of {', '.join(KINDS)}, got {list(exports)}")
    folder = Path(output_dir).expanduser()
    check_output_folder(folder, resume)
    style_image = load_style(style, options)
    photos = data.load_photos(data_folder, options.size)
    trainer = build_trainer(style_image, options)
    network = trainer.network
    checkpoint = TrainingCheckpoint(folder, network, trainer.optimizer, options)
    start = checkpoint.restore() if resume else 0
    record = TrainingRecord(folder, resume)
    record.begin(describe_source(style), str(data_folder), len(photos), start, options)
    step_function = tf.function(trainer.train_step)
    batches = iter(data.training_batches(photos, options.size, options.batch_size, options.seed, start))
    preview = data.preview_photo(photos, options.size)
    writer = tf.summary.create_file_writer(str(folder / LOG_FOLDER)) if options.tensorboard else None
    began = time.perf_counter()

    def save(step: int) -> Path:
        saved = checkpoint.save(step)
        record.update(step, time.perf_counter() - began)
        return saved

    step, losses, stopped = start, {}, False
    try:
        while step < options.steps:
            parts = step_function(next(batches))
            step += 1
            losses = {name: float(value) for name, value in parts.items()}
            if not np.isfinite(losses["total"]):
                raise OptionError(f"the loss became {losses['total']} at step {step}; lower --learning-rate")
            progress = TrainingProgress(step, options.steps, losses, seconds=time.perf_counter() - began)
            if options.preview_every and (step % options.preview_every == 0 or step == options.steps):
                progress.image = np.clip(network(preview[None], training=False)[0].numpy(), 0, 1)
                save_image(progress.image, folder / PREVIEW_FOLDER / f"step_{step:06d}.png")
            if step % options.checkpoint_every == 0 or step == options.steps:
                progress.checkpoint = save(step)
            if writer is not None:
                with writer.as_default(step=step):
                    for name, value in losses.items():
                        tf.summary.scalar(f"loss/{name}", value)
            if callback is not None and callback(progress) is False:
                if progress.checkpoint is None:
                    save(step)
                stopped = step < options.steps  # a stop at the last step is a finished run
                break
    except KeyboardInterrupt:
        if step > start:
            save(step)
        raise
    files = export_network(network, folder, data.representative_crops(photos, options.size), exports)
    return TrainingResult(step, files, losses, time.perf_counter() - began, stopped)
