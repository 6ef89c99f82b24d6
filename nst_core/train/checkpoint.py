"""Checkpoints of a training run: the network, the optimiser's state and the step, every N steps.

A ``tf.train.Checkpoint`` of all three, kept by a ``tf.train.CheckpointManager`` in
``OUTPUT/checkpoints`` (the last two). A run stopped by Ctrl-C, a kill or a lost Colab
session loses at most the steps since the last one; resuming restores the network's
weights, Adam's moments and iteration count, and the step, so training continues exactly
where it stopped rather than from scratch. ``settings.json`` beside them records what must
not change between the runs (the network's width and downsamplings), so a resume with other settings is
refused instead of failing inside TensorFlow.
"""

from __future__ import annotations

import json
from pathlib import Path

import tensorflow as tf

from ..engine.choices import JOHNSON_DOWNSAMPLINGS
from ..errors import OptionError
from ..image.io import atomic_output
from ..options import TrainOptions

CHECKPOINT_FOLDER = "checkpoints"
SETTINGS_FILE = "settings.json"
#: Checkpoints kept: the last and the one before, in case the last was cut off mid-write.
KEEP = 2


def _settings(options: TrainOptions) -> dict:
    """What a resumed run must share with the run it continues."""
    return {"width": options.width, "downsamplings": options.downsamplings}


def check_output_folder(folder: Path, resume: bool) -> None:
    """Refuse a new run over an existing one, or a resume without a checkpoint (OptionError).

    Checked before the network is built, so the refusal is at once.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OptionError(f"{folder}: is a file; give a folder for the trained network")
    found = tf.train.latest_checkpoint(str(folder / CHECKPOINT_FOLDER)) is not None
    if resume and not found:
        raise OptionError(f"{folder}: no checkpoint to resume from")
    if not resume and found:
        raise OptionError(f"{folder}: holds a training run already; resume it, or choose another folder")


class TrainingCheckpoint:
    """The checkpoints of one output folder.

    Args:
        folder: the run's output folder.
        network, optimizer: what is saved and restored (the optimiser already built).
        options: the run's options (its network's shape is checked on resume).
    """

    def __init__(self, folder: Path, network, optimizer, options: TrainOptions):
        self.folder = Path(folder)
        self.options = options
        #: Steps done; saved and restored with the weights.
        self.step = tf.Variable(0, dtype=tf.int64, trainable=False, name="step")
        self._checkpoint = tf.train.Checkpoint(network=network, optimizer=optimizer, step=self.step)
        self._manager: tf.train.CheckpointManager | None = None

    @property
    def directory(self) -> Path:
        """Where the checkpoint files are."""
        return self.folder / CHECKPOINT_FOLDER

    def restore(self) -> int:
        """Restore the latest checkpoint; returns its step. OptionError if there is none or it does not fit."""
        latest = tf.train.latest_checkpoint(str(self.directory))
        if latest is None:
            raise OptionError(f"{self.folder}: no checkpoint to resume from")
        settings_path = self.folder / SETTINGS_FILE
        try:
            stored = json.loads(settings_path.read_text())
        except (OSError, ValueError):
            stored = None
        if isinstance(stored, dict):  # a file without the key is from a network of Johnson et al.'s shape
            stored = {"downsamplings": JOHNSON_DOWNSAMPLINGS, **stored}
        if stored is not None and stored != _settings(self.options):
            raise OptionError(
                f"{self.folder}: was trained with {stored}, not {_settings(self.options)}; resume with the same settings"
            )
        try:
            self._checkpoint.restore(latest).assert_existing_objects_matched()
        except (AssertionError, ValueError, tf.errors.OpError) as err:
            raise OptionError(f"{latest}: cannot be restored into this network ({str(err).splitlines()[0]})") from None
        return int(self.step.numpy())

    def save(self, step: int) -> Path:
        """Save the state after ``step`` steps; returns the checkpoint's path prefix."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if self._manager is None:
            # This run's settings, at its first save: a folder left with only an older run's
            # settings file (its checkpoints deleted) must not refuse this run's resume.
            with atomic_output(self.folder / SETTINGS_FILE) as temporary:
                Path(temporary).write_text(json.dumps(_settings(self.options)))
            self._manager = tf.train.CheckpointManager(self._checkpoint, str(self.directory), max_to_keep=KEEP)
        self.step.assign(step)
        return Path(self._manager.save(checkpoint_number=step))
