"""Video without flicker: frames in and out, optical flow, and the temporal loss.

:mod:`~nst_core.video.io` reads and writes clips and frame folders,
:mod:`~nst_core.video.flow` estimates motion between frames, :mod:`~nst_core.video.stylize`
paints a clip frame by frame (Ruder, Dosovitskiy and Brox 2016), and
:mod:`~nst_core.video.clips` makes short test clips from still images. Long clips are cut into
chunks (:mod:`~nst_core.video.chunks`) stylised one after another or on Ray workers and
cross-faded together (:mod:`~nst_core.video.distribute`).
"""

from .distribute import ChunkedResult, stylize_chunked
from .stylize import DEFAULT_TEMPORAL_WEIGHT, MODES, TemporalLoss, VideoResult, stylize_video

__all__ = [
    "DEFAULT_TEMPORAL_WEIGHT",
    "MODES",
    "ChunkedResult",
    "TemporalLoss",
    "VideoResult",
    "stylize_chunked",
    "stylize_video",
]
