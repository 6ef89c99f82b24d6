"""The one PNG and one GIF encoder: what they write decodes to the pictures given."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageSequence

from nst_core.errors import OptionError
from nst_core.image.encode import gif_bytes, png_bytes, write_gif
from nst_core.image.io import to_uint8

from ..helpers import gradient_image


def _decode_gif(data: bytes) -> tuple[list[np.ndarray], list[int], int | None]:
    with Image.open(io.BytesIO(data)) as gif:
        assert gif.format == "GIF"
        frames, durations = [], []
        for frame in ImageSequence.Iterator(gif):
            frames.append(np.asarray(frame.convert("RGB")).copy())
            durations.append(frame.info.get("duration"))
        return frames, durations, gif.info.get("loop")


def _frames(count: int, height: int = 24, width: int = 32) -> list[np.ndarray]:
    """uint8 frames of a few flat colours (exact in a GIF palette), each one different."""
    return [np.full((height, width, 3), (10 * i, 255 - 10 * i, 100), np.uint8) for i in range(count)]


def test_png_decodes_to_the_image_at_its_size():
    image = gradient_image(30, 50)
    with Image.open(io.BytesIO(png_bytes(image))) as picture:
        assert picture.format == "PNG" and picture.size == (50, 30)
        assert np.array_equal(np.asarray(picture.convert("RGB")), to_uint8(image))  # lossless


def test_png_max_side_shrinks_the_longest_side_keeping_the_shape():
    with Image.open(io.BytesIO(png_bytes(gradient_image(30, 60), max_side=20))) as picture:
        assert picture.size == (20, 10)
    with Image.open(io.BytesIO(png_bytes(gradient_image(30, 60), max_side=100))) as picture:
        assert picture.size == (60, 30)  # never enlarged


def test_gif_holds_every_frame_in_order_and_loops():
    frames = _frames(5)
    decoded, durations, loop = _decode_gif(gif_bytes(frames, 0.15))
    assert len(decoded) == 5
    assert all(np.array_equal(got, want) for got, want in zip(decoded, frames, strict=True))
    assert durations == [150] * 5 and loop == 0


def test_gif_takes_float_frames_and_holds_the_last():
    floats = [np.full((24, 32, 3), value, np.float32) for value in (0.0, 0.5, 1.0)]
    decoded, durations, _ = _decode_gif(gif_bytes(floats, 0.1, last_frame_seconds=1.5))
    assert [frame.shape for frame in decoded] == [(24, 32, 3)] * 3
    assert [int(frame[0, 0, 0]) for frame in decoded] == [0, 128, 255]
    assert durations == [100, 100, 1500]


def test_gif_max_frames_keeps_the_first_and_last_evenly():
    frames = _frames(20)
    decoded, _, _ = _decode_gif(gif_bytes(frames, 0.1, max_frames=5))
    assert len(decoded) == 5
    kept = [next(i for i, f in enumerate(frames) if np.array_equal(f, got)) for got in decoded]
    assert kept == [0, 5, 10, 14, 19]


def test_write_gif_to_a_path(tmp_path):
    path = tmp_path / "clip.gif"
    write_gif(_frames(3), path, 1 / 25)
    decoded, durations, _ = _decode_gif(path.read_bytes())
    assert len(decoded) == 3 and durations == [40] * 3


def test_gif_without_frames_is_an_option_error():
    with pytest.raises(OptionError, match="at least one frame"):
        gif_bytes([], 0.1)
