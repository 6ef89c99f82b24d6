"""Checkpoints of a training run: a resume trusts the settings of the run it continues."""

from __future__ import annotations

import json

import keras

from nst_core.fast.network import build_style_network
from nst_core.options import TrainOptions
from nst_core.train.checkpoint import TrainingCheckpoint


def test_an_older_runs_settings_file_does_not_refuse_this_runs_resume(tmp_path):
    # A folder whose checkpoints were deleted but whose settings say another width.
    (tmp_path / "settings.json").write_text(json.dumps({"width": 1.0}))
    options = TrainOptions(width=0.25)
    network = build_style_network(width=0.25)
    TrainingCheckpoint(tmp_path, network, keras.optimizers.Adam(), options).save(3)
    resumed = TrainingCheckpoint(tmp_path, build_style_network(width=0.25), keras.optimizers.Adam(), options)
    assert resumed.restore() == 3
