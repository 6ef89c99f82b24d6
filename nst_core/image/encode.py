"""Encode pictures for showing and sharing: PNG bytes and animated GIFs.

The notebook's picture, thumbnails and evolution GIF, a result's ``_repr_png_`` and the
video writer's GIF output all go through these two encoders, so every PNG and every GIF
nst_core makes is written the same way (Pillow, looping GIFs, whole frames kept).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from typing import BinaryIO

import numpy as np
from PIL import Image

from ..errors import OptionError
from .io import to_pil, to_uint8


def png_bytes(image: np.ndarray, max_side: int | None = None) -> bytes:
    """PNG encoding of a float RGB image in [0, 1], optionally shrunk to ``max_side`` pixels.

    ``max_side`` bounds the longest side (aspect ratio kept, never enlarged), for thumbnails.
    """
    pil = to_pil(image)
    if max_side is not None:
        pil.thumbnail((max_side, max_side))
    buffer = io.BytesIO()
    pil.save(buffer, format="PNG")
    return buffer.getvalue()


def write_gif(
    frames: Sequence[np.ndarray],
    target: str | os.PathLike | BinaryIO,
    seconds_per_frame: float,
    *,
    last_frame_seconds: float | None = None,
    max_frames: int | None = None,
) -> None:
    """Write RGB frames as a looping animated GIF to a file path or a binary file object.

    Args:
        frames: uint8 RGB arrays, or float ones in [0, 1]; all of the first frame's size.
        target: where to write (a path is written directly; see ``atomic_output`` for atomicity).
        seconds_per_frame: how long each frame shows. GIF stores whole centiseconds, and
            Pillow takes whole milliseconds, so the delay is rounded.
        last_frame_seconds: a longer hold of the last frame before the loop starts again
            (default: ``seconds_per_frame``).
        max_frames: at most this many frames, evenly chosen and keeping the first and last
            (default: all).
    """
    if not len(frames):
        raise OptionError("a GIF needs at least one frame")
    if max_frames is not None and len(frames) > max_frames:
        frames = [frames[i] for i in np.linspace(0, len(frames) - 1, max_frames).round().astype(int)]
    pictures = [Image.fromarray(_uint8(frame)) for frame in frames]
    durations = [round(seconds_per_frame * 1000.0)] * len(pictures)
    if last_frame_seconds is not None:
        durations[-1] = round(last_frame_seconds * 1000.0)
    # disposal=1: each frame stays under the next, which Pillow may store cropped to what changed.
    pictures[0].save(
        target,
        format="GIF",
        save_all=True,
        append_images=pictures[1:],
        duration=durations,
        loop=0,
        disposal=1,
    )


def gif_bytes(
    frames: Sequence[np.ndarray],
    seconds_per_frame: float,
    *,
    last_frame_seconds: float | None = None,
    max_frames: int | None = None,
) -> bytes:
    """The looping animated GIF of :func:`write_gif`, as bytes (for an ``<img>`` or a widget)."""
    buffer = io.BytesIO()
    write_gif(frames, buffer, seconds_per_frame, last_frame_seconds=last_frame_seconds, max_frames=max_frames)
    return buffer.getvalue()


def _uint8(frame: np.ndarray) -> np.ndarray:
    frame = np.asarray(frame)
    return frame if frame.dtype == np.uint8 else to_uint8(frame)
