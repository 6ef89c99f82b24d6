"""The TensorFlow Lite back end, offline: a ``style_predict*256.tflite`` and a ``style_transfer*384.tflite``.

The transfer network's input is fixed at 384x384: ``resize_tensor_input`` is accepted but
the output stays 384x384 and shows a crop of the picture (``benchmarks/lite_resize_check.py``),
so other sizes are painted in overlapping 384 px tiles blended with linear feathering.
The network paints a band one or two pixels wide along a tile's top edge, so the content gets
a narrow mirrored margin on every side before painting, cut off afterwards.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from ..engine.device import native_stderr_silenced
from ..errors import ModelError, one_line
from .model import STYLE_DIM, FastStylizer

#: Overlap of neighbouring Lite tiles, in pixels; the seam is cross-faded over it.
TILE_OVERLAP = 96
#: Mirrored margin around the content, in pixels, so that no tile edge falls on the picture's.
#: The band is 2 px wide and gone from a margin of 4 px; 8 px leaves room. Every pixel of
#: margin is a pixel less of picture in one tile, so the margin stays narrow: a 3:2 photo
#: 512 px wide (342 px high) fits one row of 384 px tiles.
EDGE_MARGIN = 8


class LiteStylizer(FastStylizer):
    """The TensorFlow Lite pair; content is painted in overlapping 384 px tiles."""

    backend = "lite"

    def __init__(self, predict_path: Path, transfer_path: Path):
        self.location = f"{predict_path},{transfer_path}"
        self._predictor = _interpreter(predict_path)
        self._transferer = _interpreter(transfer_path)
        inputs = self._transferer.get_input_details()
        # Which input is which: the image has 3 channels, the style vector 100.
        self._content_input = next(d for d in inputs if d["shape"][-1] == 3)
        self._vector_input = next(d for d in inputs if d["shape"][-1] == STYLE_DIM)
        self.tile = int(self._content_input["shape"][1])

    def _predict(self, style256: np.ndarray) -> np.ndarray:
        p = self._predictor
        p.set_tensor(p.get_input_details()[0]["index"], style256[None])
        p.invoke()
        return p.get_tensor(p.get_output_details()[0]["index"])

    def _paint_tile(self, tile: np.ndarray, vector: np.ndarray) -> np.ndarray:
        t = self._transferer
        t.set_tensor(self._content_input["index"], tile[None])
        t.set_tensor(self._vector_input["index"], vector)
        t.invoke()
        return t.get_tensor(t.get_output_details()[0]["index"])[0]

    def _transfer(self, content: np.ndarray, vector: np.ndarray) -> np.ndarray:
        size, margin = self.tile, EDGE_MARGIN
        h, w = content.shape[:2]
        # A margin on every side, and up to a whole tile when smaller (mirror padding keeps
        # the strokes' size in pixels, as the Hub model at any size does); cropped after.
        below, right = max(margin, size - h - margin), max(margin, size - w - margin)
        padded = np.pad(content, ((margin, below), (margin, right), (0, 0)), mode="reflect")
        ph, pw = padded.shape[:2]
        total = np.zeros((ph, pw, 3), np.float32)
        weight = np.zeros((ph, pw, 1), np.float32)
        rows, cols = _tile_starts(ph, size), _tile_starts(pw, size)
        for top in rows:
            for left in cols:
                painted = self._paint_tile(padded[top : top + size, left : left + size], vector)
                ramp = np.outer(
                    _ramp(size, top > 0, top + size < ph),
                    _ramp(size, left > 0, left + size < pw),
                )[:, :, None]
                total[top : top + size, left : left + size] += painted * ramp
                weight[top : top + size, left : left + size] += ramp
        return (total / weight)[margin : margin + h, margin : margin + w]


def _tile_starts(length: int, size: int) -> list[int]:
    """Evenly spaced tile offsets covering ``length`` px with at least TILE_OVERLAP overlap."""
    if length <= size:
        return [0]
    count = math.ceil((length - TILE_OVERLAP) / (size - TILE_OVERLAP))
    return [round(x) for x in np.linspace(0, length - size, count)]


def _ramp(size: int, fade_in: bool, fade_out: bool) -> np.ndarray:
    """Blend weights along one tile side: linear over TILE_OVERLAP px on inner edges."""
    ramp = np.ones(size, np.float32)
    fade = (np.arange(TILE_OVERLAP, dtype=np.float32) + 0.5) / TILE_OVERLAP
    if fade_in:
        ramp[:TILE_OVERLAP] = fade
    if fade_out:
        ramp[-TILE_OVERLAP:] = np.minimum(ramp[-TILE_OVERLAP:], fade[::-1])
    return ramp


def _interpreter(path: Path, input_shape: tuple[int, ...] | None = None):
    """A LiteRT interpreter for ``path`` with its tensors allocated, or ModelError (one line).

    ``input_shape``: the first input is resized to it before the allocation (a network with
    free height and width cannot allocate at its nominal 1x1 px).
    """
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:  # pragma: no cover - platforms without LiteRT wheels
        import tensorflow as tf

        Interpreter = tf.lite.Interpreter
    try:
        # LiteRT announces its CPU delegate on native stderr ("INFO: Created TensorFlow Lite
        # XNNPACK delegate"), on every run: noise to the user, silenced like TensorFlow's.
        with native_stderr_silenced():
            interpreter = Interpreter(model_path=str(path), num_threads=_cores())
            if input_shape is not None:
                interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], list(input_shape))
            interpreter.allocate_tensors()
    except Exception as err:  # LiteRT raises ValueError/RuntimeError with multi-line text
        raise ModelError(f"{path}: not a loadable TensorFlow Lite model ({one_line(err)})") from None
    return interpreter


def _cores() -> int:
    """The CPU cores this process may use: LiteRT runs on one unless told (half the speed on two)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every platform
        return max(1, os.cpu_count() or 1)
