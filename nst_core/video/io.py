"""Read and write video: MP4 (and anything ffmpeg decodes), animated GIF, or a folder of frames.

Frames travel as the float32 RGB arrays of :mod:`nst_core.image.io`, shape (height, width, 3)
in [0, 1]. Decoding and encoding use the ffmpeg binary that ``imageio-ffmpeg`` ships, so no
system ffmpeg is needed; GIFs go through Pillow. Written files appear atomically (temporary
file, then rename), so an interrupted run never leaves a half-written video.

Over 300 lines: reading, probing and writing share ffmpeg's quirks (its header, its log,
its failures that leave a file behind), so they stay in one module.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence

from ..errors import ImageError, OptionError
from ..image.encode import write_gif
from ..image.io import MIN_SIDE, atomic_output, check_output, load_image, resize, resize_longest_side, to_uint8

#: Suffixes read as a folder of frames' files (sorted by name).
FRAME_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")
#: Output containers :func:`write_video` knows.
VIDEO_SUFFIXES = (".mp4", ".gif")
#: Frame rate given to a folder of frames, in frames per second, unless told otherwise.
DEFAULT_FPS = 24.0


@dataclass
class VideoInfo:
    """What :func:`probe_video` learns about a clip without decoding every frame."""

    path: Path
    fps: float
    frame_count: int
    size: tuple[int, int]  # (width, height) in pixels, as stored
    has_audio: bool = False


def _kind(path: Path) -> str:
    if path.is_dir():
        return "folder"
    if path.suffix.lower() == ".gif":
        return "gif"
    return "ffmpeg"


def _frame_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in FRAME_SUFFIXES and not p.name.startswith("."))


def _check_exists(path: Path) -> None:
    if not path.exists():
        raise ImageError(f"{path}: no such file or folder")
    if path.is_file() and path.stat().st_size == 0:
        raise ImageError(f"{path}: file is empty")


def probe_video(path: str | os.PathLike, fps: float | None = None) -> VideoInfo:
    """Frame rate (frames per second), frame count and size of a clip, from its header.

    ``fps`` overrides the rate (the only source of it for a folder of frames).
    Raises :class:`ImageError` for a missing file or one that holds no video.
    """
    path = Path(path).expanduser()
    _check_exists(path)
    kind = _kind(path)
    if kind == "folder":
        files = _frame_files(path)
        if not files:
            raise ImageError(f"{path}: folder holds no frame images ({', '.join(FRAME_SUFFIXES)})")
        first = load_image(files[0])
        return VideoInfo(path, fps or DEFAULT_FPS, len(files), (first.shape[1], first.shape[0]))
    if kind == "gif":
        try:
            with Image.open(path) as gif:
                durations = [frame.info.get("duration", 100) or 100 for frame in ImageSequence.Iterator(gif)]
                size = gif.size
        except (OSError, SyntaxError, ValueError):
            raise ImageError(f"{path}: not a readable GIF") from None
        rate = fps or 1000.0 / float(np.mean(durations))
        return _checked(VideoInfo(path, rate, len(durations), size))
    import imageio_ffmpeg

    meta = _ffmpeg_header(path)
    try:
        count, _ = imageio_ffmpeg.count_frames_and_secs(str(path))
    except (OSError, RuntimeError, ValueError) as err:
        raise ImageError(f"{path}: not a video ffmpeg can read ({_last_line(err)})") from None
    if not meta.get("size") or not count:
        raise ImageError(f"{path}: holds no video frames (a sound-only file?)")
    return _checked(
        VideoInfo(
            path,
            float(fps or meta.get("fps") or DEFAULT_FPS),
            int(count),
            tuple(meta["size"]),
            has_audio=bool(meta.get("audio_codec")),
        )
    )


def _checked(info: VideoInfo) -> VideoInfo:
    """``info`` if its frames are as large as a single image must be, else :class:`ImageError`."""
    width, height = info.size
    if min(width, height) < MIN_SIDE:
        raise ImageError(
            f"{info.path}: frames are {width}x{height} pixels, too small; need at least {MIN_SIDE} px on each side"
        )
    return info


def _even(image: np.ndarray) -> np.ndarray:
    """Crop to even width and height: H.264 in yuv420p stores colour at half resolution."""
    height, width = image.shape[:2]
    return image[: height - height % 2, : width - width % 2]


def has_sound(path: str | os.PathLike) -> bool:
    """Whether a clip has a sound track, from its header (no frame is decoded)."""
    path = Path(path).expanduser()
    _check_exists(path)
    return _kind(path) == "ffmpeg" and bool(_ffmpeg_header(path).get("audio_codec"))


def _ffmpeg_header(path: Path) -> dict:
    """What ffmpeg reports of a file before its first frame: size, fps, audio codec..."""
    import imageio_ffmpeg

    try:
        reader = imageio_ffmpeg.read_frames(str(path))
        with _rotation_notice_dropped():
            meta = next(reader)
        reader.close()
    except (OSError, RuntimeError, StopIteration, ValueError) as err:
        streams = _input_streams(str(err))
        if streams and "Video:" not in streams:
            # ffmpeg read the file but found no picture in it; its own last words ("Error
            # opening output files") would blame the wrong thing.
            sound = " (sound only)" if "Audio:" in streams else ""
            raise ImageError(f"{path}: has no video stream{sound}") from None
        raise ImageError(f"{path}: not a video ffmpeg can read ({_last_line(err)})") from None
    return meta


def _input_streams(log: str) -> str:
    """The ``Stream #0:N: Kind: ...`` lines ffmpeg lists for its input in ``log``, one per line."""
    inputs = log.split("Output #0", 1)[0]
    return "\n".join(re.findall(r"^\s*Stream #0:\d+.*$", inputs, flags=re.MULTILINE))


class _RotationNotice(logging.Filter):
    """Drops imageio-ffmpeg's warning that the frames' size is the stored size turned by 90 degrees.

    ffmpeg turns the frames of a clip stored on its side (a phone's portrait video) upright,
    which is what is wanted here; imageio-ffmpeg logs a warning each time it opens such a clip.
    """

    _pattern = re.compile(
        r"frame size for reading \((\d+), (\d+)\) is different from the source frame size \((\d+), (\d+)\)"
    )

    def filter(self, record: logging.LogRecord) -> bool:
        match = self._pattern.search(record.getMessage())
        return not (match and match.group(1, 2) == match.group(4, 3))


@contextmanager
def _rotation_notice_dropped() -> Iterator[None]:
    """While ffmpeg's header is read: :class:`_RotationNotice` on imageio-ffmpeg's logger, then removed."""
    logger, notice = logging.getLogger("imageio_ffmpeg"), _RotationNotice()
    logger.addFilter(notice)
    try:
        yield
    finally:
        logger.removeFilter(notice)


def _last_line(err: Exception) -> str:
    # ffmpeg's own message ends its output; imageio-ffmpeg puts the command line before it.
    text = str(err).strip()
    return text.splitlines()[-1][:160] if text else type(err).__name__


def iter_frames(
    path: str | os.PathLike, size: int | None = None, start: int = 0, end: int | None = None
) -> Iterator[np.ndarray]:
    """Frames ``start`` to ``end - 1`` (0-based, ``end=None`` for all) as float RGB arrays.

    With ``size`` each frame is resized so its longest side is ``size`` pixels; sides are
    then cropped to even numbers so every frame can be written as H.264.
    """
    path = Path(path).expanduser()
    _check_exists(path)
    if start < 0 or (end is not None and end <= start):
        raise OptionError(f"frame range must have 0 <= start < end, got start={start}, end={end}")

    def finish(frame: np.ndarray) -> np.ndarray:
        frame = resize_longest_side(frame, size) if size is not None else frame
        return _even(frame)

    kind = _kind(path)
    if kind == "folder":
        for file in _frame_files(path)[start:end]:
            yield finish(load_image(file))
        return
    if kind == "gif":
        with Image.open(path) as gif:
            for index, frame in enumerate(ImageSequence.Iterator(gif)):
                if end is not None and index >= end:
                    return
                if index >= start:
                    yield finish(load_image(frame.convert("RGBA")))
        return
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(str(path))
    try:
        with _rotation_notice_dropped():
            meta = next(reader)
        width, height = meta["size"]
        for index, raw in enumerate(reader):
            if end is not None and index >= end:
                return
            if index >= start:
                frame = np.frombuffer(raw, dtype=np.uint8).reshape(height, width, 3)
                yield finish(frame.astype(np.float32) / 255.0)
    except (OSError, RuntimeError, StopIteration) as err:
        raise ImageError(f"{path}: could not decode the video ({str(err).strip()[:160]})") from None
    finally:
        reader.close()


def read_video(
    path: str | os.PathLike, size: int | None = None, start: int = 0, end: int | None = None, fps: float | None = None
) -> tuple[list[np.ndarray], float]:
    """All frames of a clip (see :func:`iter_frames`) and its rate in frames per second."""
    info = probe_video(path, fps)
    frames = list(iter_frames(path, size, start, end))
    if not frames:
        raise OptionError(f"{path}: no frames in the range start={start}, end={end} (clip has {info.frame_count})")
    return frames, info.fps


def check_video_output(path: str | os.PathLike) -> Path:
    """Validate an output path before any work: a known suffix (.mp4 or .gif), not a folder, writable."""
    return check_output(path, VIDEO_SUFFIXES, "video format", "out.mp4")


def write_video(
    frames: Sequence[np.ndarray],
    path: str | os.PathLike,
    fps: float,
    audio_from: str | os.PathLike | None = None,
    quality: int = 8,
) -> Path:
    """Write frames as MP4 (H.264) or GIF (by suffix) at ``fps`` frames per second, atomically.

    ``audio_from``: a video whose sound track is copied into an MP4 (GIF has no sound); one
    without a sound track is an OptionError. ``quality``: ffmpeg's 0-10 scale for MP4. Every
    frame must have the size of the first. Returns the path written; on any error the file
    at ``path`` is left as it was.
    """
    path = check_video_output(path)
    if not frames:
        raise OptionError("no frames to write")
    if not np.isfinite(fps) or fps <= 0:
        raise OptionError(f"frame rate must be > 0, got {fps!r}")
    if not all(np.all(np.isfinite(frame)) for frame in frames):
        raise ImageError(f"{path}: not written, a frame has NaN or infinite pixels")
    height, width = frames[0].shape[:2]
    if audio_from is not None and path.suffix.lower() != ".gif" and not has_sound(audio_from):
        # ffmpeg would fail to map the missing stream and leave an empty file behind.
        raise OptionError(f"{audio_from}: has no sound track to copy (pass audio_from=None)")
    with atomic_output(path) as temporary:
        if path.suffix.lower() == ".gif":
            write_gif([_fit(f, height, width) for f in frames], temporary, 1.0 / fps)
        else:
            _write_mp4(frames, temporary, fps, height, width, audio_from, quality)
        _check_written(temporary, path, len(frames))  # before it replaces anything
    return path


def _check_written(temporary: str, path: Path, expected: int) -> None:
    """Raise :class:`ImageError` unless ``temporary`` is a readable clip of ``expected`` frames.

    imageio-ffmpeg does not report every ffmpeg failure: on a full disk the MP4's trailer
    (its index) is lost and the file is unplayable though not empty. So the written file is
    read back before it replaces the output and before the frames are let go.
    """
    try:
        if path.suffix.lower() == ".gif":
            # Pillow merges identical frames, so their number proves nothing: decoding up to the
            # last one does.
            with Image.open(temporary) as gif:
                gif.seek(gif.n_frames - 1)
                gif.load()
            return
        import imageio_ffmpeg

        count = imageio_ffmpeg.count_frames_and_secs(temporary)[0] if os.path.getsize(temporary) else 0
    except Exception:  # ffmpeg's or Pillow's own words for a damaged file vary: the count says it
        count = 0
    if count != expected:
        raise ImageError(
            f"{path}: the video written is damaged ({count} of {expected} frames readable; a full disk?);"
            " nothing was replaced"
        )


def _fit(frame: np.ndarray, height: int, width: int) -> np.ndarray:
    return resize(np.asarray(frame, dtype=np.float32), (height, width))


def _write_mp4(
    frames: Sequence[np.ndarray],
    path: str,
    fps: float,
    height: int,
    width: int,
    audio_from: str | os.PathLike | None,
    quality: int,
) -> None:
    import imageio_ffmpeg

    even_h, even_w = height - height % 2, width - width % 2
    writer = imageio_ffmpeg.write_frames(
        path,
        (even_w, even_h),
        fps=fps,
        quality=quality,
        macro_block_size=1,
        ffmpeg_log_level="error",
        # -shortest: a frame range cuts the picture, so the sound must stop with it.
        output_params=["-f", "mp4"] + (["-shortest"] if audio_from is not None else []),
        audio_path=str(audio_from) if audio_from is not None else None,
        audio_codec="aac" if audio_from is not None else None,
    )
    writer.send(None)
    try:
        for frame in frames:
            writer.send(np.ascontiguousarray(to_uint8(_fit(frame, height, width))[:even_h, :even_w]))
    finally:
        writer.close()
