"""Optical flow, warping, the occlusion mask and the warp-error metric, on scenes with known motion."""

from pathlib import Path

import numpy as np

from nst_core.image.io import load_image
from nst_core.video import clips, flow

ROOT = Path(__file__).resolve().parents[2]
TUBINGEN = ROOT / "images" / "tubingen.jpg"


def test_flow_of_a_known_shift_is_recovered():
    image = load_image(TUBINGEN, 128)
    moved = np.roll(image, (2, 3), axis=(0, 1))  # content moves 3 px right, 2 px down
    backward, _ = flow.frame_flow(image, moved)
    inner = backward[10:-10, 10:-10]
    assert abs(np.median(inner[..., 0]) + 3) < 0.25 and abs(np.median(inner[..., 1]) + 2) < 0.25
    forward = flow.optical_flow(image, moved)
    assert abs(np.median(forward[10:-10, 10:-10, 0]) - 3) < 0.25


def test_warp_moves_the_previous_frame_onto_the_current_one():
    image = load_image(TUBINGEN, 96)
    moved = np.roll(image, (0, 4), axis=(0, 1))
    backward = np.zeros(image.shape[:2] + (2,), np.float32)
    backward[..., 0] = -4
    assert np.abs(flow.warp(image, backward)[:, 4:] - moved[:, 4:]).max() < 1e-5


def test_mask_flags_disoccluded_and_out_of_frame_pixels():
    rng = np.random.default_rng(1)
    background = clips._texture(64, 64, rng)
    square = 1.0 - clips._texture(24, 24, rng, blur=6)
    before, after = background.copy(), background.copy()
    before[20:44, 16:40] = square
    after[20:44, 20:44] = square  # the square moves 4 px right: columns 16-19 are uncovered
    backward, mask = flow.frame_flow(before, after)
    assert mask[22:42, 16:20].mean() < 0.5
    assert mask[2:20, 5:60].mean() > 0.9  # still background, far from the square
    shifted = np.roll(background, 3, axis=1)  # a pan: columns 0-2 come from outside the frame
    _, pan_mask = flow.frame_flow(background, shifted)
    assert pan_mask[:, :2].mean() < 0.2 and pan_mask[8:-8, 8:-8].mean() > 0.9


def test_warp_error_is_zero_for_a_consistent_clip_and_grows_with_flicker():
    clip = clips.moving_scene(4, 64)
    flows = [flow.frame_flow(clip[t - 1], clip[t]) for t in range(1, len(clip))]
    rng = np.random.default_rng(0)
    flicker = [np.clip(f + rng.normal(0, 0.1, f.shape), 0, 1).astype(np.float32) for f in clip]
    assert flow.mean_warp_error(clip, flows) < 0.2 * flow.mean_warp_error(flicker, flows)
    still = [clip[0]] * 3
    zero = [(np.zeros((64, 64, 2), np.float32), np.ones((64, 64), np.float32))] * 2
    assert flow.mean_warp_error(still, zero) == 0.0
