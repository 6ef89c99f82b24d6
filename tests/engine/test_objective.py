"""The style weight means the same for every photo and painting, on the real VGG19 weights."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from nst_core.image.io import load_image
from nst_core.options import StyleOptions, TrainOptions
from nst_core.pipeline import build_extractor, build_objective
from nst_core.train.loss import TrainingLoss

from ..helpers import CONTENT, STYLE, STYLE_2, STYLE_3, gradient_image

pytestmark = pytest.mark.vgg19
SIZE = 64


def _style_at(objective, image: np.ndarray) -> float:
    return float(objective(tf.constant(image[None], tf.float32))["style"])


@pytest.mark.parametrize("style_loss", ["gram", "sliced"])
def test_a_run_from_the_photo_starts_at_the_style_weight_for_every_painting(style_loss):
    options = StyleOptions(size=SIZE, style_weight=7.0, style_loss=style_loss, seed=0)
    photo = load_image(CONTENT, SIZE)
    extractor = build_extractor(options)
    gaps = []
    for style in (STYLE, STYLE_2):
        objective = build_objective(extractor, photo, [load_image(style, SIZE)], options)
        assert _style_at(objective, photo) == pytest.approx(7.0, rel=1e-3)
        gaps.append(objective.style_gap)
    if style_loss == "gram":  # the paintings start at different distances, which the weight no longer carries
        assert max(gaps) > 1.2 * min(gaps)


def test_the_style_weight_keeps_its_meaning_when_the_objective_is_changed_in_place():
    options = StyleOptions(size=SIZE, style_weight=7.0)
    photo = load_image(CONTENT, SIZE)
    objective = build_objective(build_extractor(options), photo, [load_image(STYLE, SIZE)], options)
    objective.set_styles([load_image(STYLE_3, SIZE)])
    assert _style_at(objective, photo) == pytest.approx(7.0, rel=1e-3)
    objective.set_weights(1.0, 7.0, 1.0, (1.0, 1.0, 1.0, 1.0, 8.0))
    assert _style_at(objective, photo) == pytest.approx(7.0, rel=1e-3)
    other = gradient_image(*photo.shape[:2])
    objective.set_content(other)
    assert _style_at(objective, other) == pytest.approx(7.0, rel=1e-3)


def test_regions_start_at_the_style_weight_too():
    options = StyleOptions(size=SIZE, style_weight=7.0)
    photo = load_image(CONTENT, SIZE)
    left = np.zeros(photo.shape[:2], np.float32)
    left[:, : photo.shape[1] // 2] = 1.0
    styles = [load_image(STYLE, SIZE), load_image(STYLE_2, SIZE)]
    objective = build_objective(build_extractor(options), photo, styles, options, region_masks=([left, 1 - left], None))
    assert _style_at(objective, photo) == pytest.approx(7.0, rel=1e-3)


def test_a_network_learns_the_loss_nst_optimises_for_a_batch_of_one():
    options = StyleOptions(size=SIZE, precision="float32", content_layers=("block4_conv2",))
    photo = load_image(CONTENT, SIZE)
    style = load_image(STYLE, SIZE)
    objective = build_objective(build_extractor(options), photo, [style], options)
    train = TrainingLoss(
        style, TrainOptions(size=SIZE, style_weight=options.style_weight, style_layers=options.style_layers)
    )
    painted = np.clip(photo + np.random.default_rng(0).normal(0, 0.1, photo.shape), 0, 1).astype(np.float32)
    ours = objective(tf.constant(painted[None]))
    theirs = train(tf.constant(photo[None]), tf.constant(painted[None]))
    for part in ("content", "style", "tv"):
        assert float(theirs[part]) == pytest.approx(float(ours[part]), rel=1e-4)


@pytest.mark.parametrize("style_loss", ["gram", "sliced"])
def test_the_style_part_splits_into_layers_that_follow_their_weights(style_loss):
    options = StyleOptions(size=SIZE, style_weight=7.0, style_loss=style_loss, seed=0)
    photo = load_image(CONTENT, SIZE)
    objective = build_objective(build_extractor(options), photo, [load_image(STYLE, SIZE)], options)
    painted = tf.constant(gradient_image(*photo.shape[:2])[None])
    layers = objective.style_by_layer(painted)
    assert tuple(layers) == options.style_layers
    assert sum(float(v) for v in layers.values()) == pytest.approx(float(objective(painted)["style"]), rel=1e-4)
    objective.set_weights(1.0, 7.0, 1.0, (1.0, 1.0, 1.0, 1.0, 8.0))
    weighted = objective.style_by_layer(painted)
    last = options.style_layers[-1]
    assert float(weighted[last]) / sum(float(v) for v in weighted.values()) > float(layers[last]) / sum(
        float(v) for v in layers.values()
    )
