"""Long clips in pieces: scene cuts, the chunk plan, and the cross-fade that joins the pieces.

A clip is stylised in chunks that can run at the same time (:mod:`nst_core.video.distribute`).
Each chunk is a run of :func:`~nst_core.video.stylize.stylize_video` on its own frames, so it
starts from scratch: two neighbouring chunks paint the frames they share differently. Inside a
shot, neighbouring chunks therefore share ``overlap`` frames, and over those frames the result
fades linearly from the earlier chunk's paint to the later one's, so the change is spread over
``overlap + 1`` frame steps instead of one jump. At a scene cut the picture changes anyway:
chunks end there with no overlap and no fade.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from ..errors import OptionError
from ..image.io import to_uint8
from ..options.video import DEFAULT_CUT_THRESHOLD

#: Bins per colour channel of the histograms compared by :func:`scene_cuts`.
HISTOGRAM_BINS = 8


def _histogram(frame: np.ndarray) -> np.ndarray:
    bins = [HISTOGRAM_BINS] * 3
    histogram = cv2.calcHist([to_uint8(frame)], [0, 1, 2], None, bins, [0, 256] * 3)
    return cv2.normalize(histogram, histogram, 1.0, 0.0, cv2.NORM_L1)


def histogram_distances(frames: Sequence[np.ndarray]) -> list[float]:
    """Bhattacharyya distance, in [0, 1], between the colour histograms of each frame and the next.

    Entry ``t - 1`` compares frames ``t - 1`` and ``t``. Joint RGB histograms of
    :data:`HISTOGRAM_BINS` bins a channel, compared with OpenCV's ``HISTCMP_BHATTACHARYYA``:
    0 for the same colours, 1 for colours that share no bin. Movement within a shot changes
    few colours (0.02-0.08 measured on the pans and moving scenes of :mod:`nst_core.video.clips`
    at 96 px); a cut to another picture changes most of them (0.74 from the Tübingen photo to
    *The Starry Night*).
    """
    histograms = [_histogram(frame) for frame in frames]
    return [
        float(cv2.compareHist(histograms[t - 1], histograms[t], cv2.HISTCMP_BHATTACHARYYA))
        for t in range(1, len(histograms))
    ]


def scene_cuts(frames: Sequence[np.ndarray], threshold: float = DEFAULT_CUT_THRESHOLD) -> list[int]:
    """Frames that begin a new shot: each ``t`` whose :func:`histogram_distances` from ``t - 1`` exceeds ``threshold``.

    A simple detector (hard cuts only, not dissolves or fades), which is what the chunk plan
    needs: at a hard cut the optical flow has nothing to follow, so no overlap is wanted there.
    ``threshold`` 1 finds no cuts.
    """
    return [t for t, distance in enumerate(histogram_distances(frames), start=1) if distance > threshold]


@dataclass(frozen=True)
class Chunk:
    """Frames ``start`` to ``end - 1`` of the clip, stylised as one run.

    ``fade_in`` is the number of its first frames shared with the previous chunk (0 for the
    first chunk of a shot); over them the result fades from that chunk's paint to this one's.
    ``shot`` counts the scene cuts before it.
    """

    start: int
    end: int
    fade_in: int = 0
    shot: int = 0

    def __len__(self) -> int:
        return self.end - self.start


def plan_chunks(count: int, chunk_frames: int, overlap: int, cuts: Sequence[int] = ()) -> list[Chunk]:
    """Chunks of at most ``chunk_frames`` frames covering frames 0 to ``count - 1``.

    The clip is first split at ``cuts`` (frames that begin a shot, as :func:`scene_cuts`);
    each shot longer than ``chunk_frames`` is split further into chunks that share ``overlap``
    frames with the previous one (the last may be shorter). Raises :class:`OptionError` for
    values that cannot make a plan.
    """
    if int(count) != count or count < 1:
        raise OptionError(f"the clip must have at least one frame, got {count!r}")
    if int(chunk_frames) != chunk_frames or chunk_frames < 1:
        raise OptionError(f"chunk_frames must be a whole number >= 1, got {chunk_frames!r}")
    if int(overlap) != overlap or not 0 <= overlap < chunk_frames:
        raise OptionError(
            f"overlap must be a whole number from 0 to chunk_frames - 1 ({chunk_frames - 1}), got {overlap!r}"
        )
    bounds = [0, *sorted({int(c) for c in cuts if 0 < c < count}), count]
    chunks = []
    for shot, (shot_start, shot_end) in enumerate(zip(bounds, bounds[1:], strict=False)):
        start, fade_in = shot_start, 0
        while True:
            end = min(start + chunk_frames, shot_end)
            chunks.append(Chunk(start, end, fade_in, shot))
            if end == shot_end:
                break
            start, fade_in = end - overlap, overlap
    return chunks


def fade_weights(overlap: int) -> np.ndarray:
    """Weight of the later chunk on each of ``overlap`` shared frames: a linear ramp.

    ``(j + 1) / (overlap + 1)`` for j = 0 .. overlap - 1, strictly between 0 and 1 and rising,
    so the frames before the overlap (weight 0) and after it (weight 1) continue the ramp; the
    earlier chunk has ``1 -`` that weight, and the two always sum to 1.
    """
    return (np.arange(1, overlap + 1, dtype=np.float32) / np.float32(overlap + 1)).astype(np.float32)


def join_chunks(
    chunks: Sequence[Chunk], results: Sequence[Sequence[np.ndarray]], crossfade: bool = True
) -> list[np.ndarray]:
    """The clip's frames from each chunk's stylised frames (``results[k]`` for ``chunks[k]``).

    With ``crossfade`` the shared frames blend the two chunks by :func:`fade_weights`;
    without it (for comparison) the earlier chunk's paint is kept for the first half of the
    shared frames and the later one's for the rest, a hard switch.
    """
    frames: list[np.ndarray] = []
    for chunk, result in zip(chunks, results, strict=True):
        if len(result) != len(chunk):
            raise ValueError(f"chunk {chunk.start}-{chunk.end - 1}: {len(result)} frames for {len(chunk)}")
        shared = chunk.fade_in
        if shared:
            weights = fade_weights(shared) if crossfade else (np.arange(shared) >= shared // 2).astype(np.float32)
            for j in range(shared):
                earlier = frames[chunk.start + j]
                frames[chunk.start + j] = ((1.0 - weights[j]) * earlier + weights[j] * result[j]).astype(np.float32)
        frames.extend(np.asarray(image, np.float32) for image in result[shared:])
    return frames


def boundary_pairs(chunks: Sequence[Chunk]) -> list[int]:
    """Frames ``t`` whose step from ``t - 1`` crosses a join between two chunks of one shot.

    For each chunk that continues a shot, starting at ``s`` with ``fade_in`` shared frames:
    ``s`` to ``s + fade_in``, the ``fade_in + 1`` steps over which a cross-fade spreads the
    change of chunk (and where a hard switch puts it in one step). Steps across a scene cut
    are not joins.
    """
    pairs: list[int] = []
    for previous, chunk in zip(chunks, chunks[1:], strict=False):
        if chunk.shot == previous.shot:
            pairs.extend(range(chunk.start, chunk.start + chunk.fade_in + 1))
    return pairs
