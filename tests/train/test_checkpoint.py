"""Checkpoints of a training run: a resume trusts the settings of the run it continues."""

from __future__ import annotations

import json

import keras
import pytest

from nst_core.errors import OptionError
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


def test_a_resume_with_other_downsamplings_is_refused_and_a_settings_file_without_them_means_two(tmp_path):
    options = TrainOptions(width=0.25)  # Johnson et al.'s two halvings
    TrainingCheckpoint(tmp_path, build_style_network(width=0.25), keras.optimizers.Adam(), options).save(2)
    deeper = options.replace(downsamplings=3)
    network = build_style_network(width=0.25, downsamplings=3)
    with pytest.raises(OptionError, match="resume with the same settings"):
        TrainingCheckpoint(tmp_path, network, keras.optimizers.Adam(), deeper).restore()
    # A settings file written before the network had this option names the width alone.
    (tmp_path / "settings.json").write_text(json.dumps({"width": 0.25}))
    resumed = TrainingCheckpoint(tmp_path, build_style_network(width=0.25), keras.optimizers.Adam(), options)
    assert resumed.restore() == 2
