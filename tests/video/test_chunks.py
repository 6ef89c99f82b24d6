"""Long clips in chunks: scene cuts, the plan, the cross-fade (no VGG19 needed)."""

from pathlib import Path

import numpy as np
import pytest

from nst_core.errors import OptionError
from nst_core.image.io import load_image
from nst_core.video import chunks, clips

ROOT = Path(__file__).resolve().parents[2]


def two_shots(first: int, second: int, size: int = 64) -> list[np.ndarray]:
    """A pan over the Tübingen photo, then a cut to a pan over the shipwreck."""
    return clips.pan_and_zoom(load_image(ROOT / "images" / "tubingen.jpg", 256), first, size) + clips.pan_and_zoom(
        load_image(ROOT / "images" / "shipwreck.jpg", 256), second, size
    )


def test_a_cut_is_found_between_two_shots_and_nowhere_within_them():
    frames = two_shots(5, 4)
    assert chunks.scene_cuts(frames) == [5]
    assert chunks.scene_cuts(frames, threshold=1.0) == []
    assert chunks.scene_cuts(clips.moving_scene(6, 64)) == []  # fast motion is not a cut


@pytest.mark.parametrize(("count", "length", "overlap", "cuts"), [(20, 6, 2, [11]), (13, 5, 0, []), (9, 4, 3, [1, 8])])
def test_the_plan_covers_every_frame_once_with_the_overlap_and_ends_chunks_at_cuts(count, length, overlap, cuts):
    plan = chunks.plan_chunks(count, length, overlap, cuts)
    new_frames = [t for chunk in plan for t in range(chunk.start + chunk.fade_in, chunk.end)]
    assert new_frames == list(range(count))  # each frame is first painted by exactly one chunk
    assert all(1 <= len(chunk) <= length for chunk in plan)
    for before, chunk in zip(plan, plan[1:], strict=False):
        if chunk.start in cuts:  # a shot begins: no shared frames, nothing spans the cut
            assert chunk.fade_in == 0 and before.end == chunk.start and chunk.shot == before.shot + 1
        else:
            assert chunk.fade_in == overlap == before.end - chunk.start and chunk.shot == before.shot
    assert not set(cuts) & set(chunks.boundary_pairs(plan))  # a step across a cut is no join
    # Joined, each frame comes from the chunk(s) that hold it: frame t of chunk k painted t + 100 k.
    results = [[np.full((2, 2, 3), t + 100 * k, np.float32) for t in range(c.start, c.end)] for k, c in enumerate(plan)]
    joined = chunks.join_chunks(plan, results)
    assert len(joined) == count
    for k, chunk in enumerate(plan):
        for t in range(chunk.start + chunk.fade_in, chunk.end):
            if k + 1 == len(plan) or t < plan[k + 1].start:
                assert joined[t][0, 0, 0] == t + 100 * k


def test_the_cross_fade_is_a_linear_blend_whose_weights_sum_to_one():
    weights = chunks.fade_weights(4)
    np.testing.assert_allclose(weights, [0.2, 0.4, 0.6, 0.8], rtol=1e-6)
    plan = chunks.plan_chunks(10, 7, 4)
    assert [(c.start, c.end, c.fade_in) for c in plan] == [(0, 7, 0), (3, 10, 4)]
    ones, zeros = np.ones((2, 2, 3), np.float32), np.zeros((2, 2, 3), np.float32)
    later = np.stack(chunks.join_chunks(plan, [[zeros] * 7, [ones] * 7]))[3:7, 0, 0, 0]  # the later chunk's share
    earlier = np.stack(chunks.join_chunks(plan, [[ones] * 7, [zeros] * 7]))[3:7, 0, 0, 0]
    np.testing.assert_allclose(later, weights, rtol=1e-6)
    np.testing.assert_allclose(earlier + later, 1.0, rtol=1e-6)
    assert np.all(np.diff(later) > 0)  # monotone, from the earlier chunk's paint to the later one's
    hard = np.stack(chunks.join_chunks(plan, [[zeros] * 7, [ones] * 7], crossfade=False))[:, 0, 0, 0]
    assert hard.tolist() == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]  # without it: one jump mid-overlap
    assert chunks.boundary_pairs(plan) == [3, 4, 5, 6, 7]


@pytest.mark.parametrize(
    ("count", "length", "overlap", "message"),
    [(10, 4, 4, "overlap must be"), (10, 4, -1, "overlap must be"), (10, 0, 0, "chunk_frames"), (0, 4, 1, "frame")],
)
def test_values_that_make_no_plan_are_refused(count, length, overlap, message):
    with pytest.raises(OptionError, match=message):
        chunks.plan_chunks(count, length, overlap)
