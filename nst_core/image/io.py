"""Load, resize and save images.

Images travel through nst_core as ``float32`` NumPy arrays of shape ``(height, width, 3)``
with RGB values in ``[0, 1]``. This module is the only one that knows about files, URLs,
PIL modes and EXIF; everything downstream sees that one format.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Union, cast

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import ImageError, OptionError, one_line

ImageSource = Union[str, os.PathLike, bytes, Image.Image, np.ndarray]  # noqa: UP007 (a runtime alias)

#: Largest image accepted, in pixels (width x height), checked from the header before
#: decoding, so a "decompression bomb" (a tiny file declaring a huge image) is refused.
MAX_PIXELS = 178_956_970  # PIL's own bomb limit (2 x its warning threshold)
#: Smallest side accepted, in pixels. VGG19 halves the image four times before block5,
#: so anything smaller has no spatial extent left at the deepest style layer.
MIN_SIDE = 16
#: Float image arrays may stray this far beyond [0, 1] (resampling overshoot) and are clipped;
#: further means another scale (0-255, or [-1, 1]) and is an error.
FLOAT_SLACK = 0.5
#: URL downloads: seconds before giving up, and the largest body accepted, in bytes.
URL_TIMEOUT_S = 30
URL_MAX_BYTES = 64 * 1024 * 1024

SAVE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}


def _describe(source: ImageSource) -> str:
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    return f"<{type(source).__name__} image>"


def _read_url(url: str) -> bytes:
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "nst_core"})
        with urllib.request.urlopen(request, timeout=URL_TIMEOUT_S) as response:
            data = response.read(URL_MAX_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as err:
        reason = getattr(err, "reason", err)
        raise ImageError(f"{url}: could not download ({reason})") from None
    if len(data) > URL_MAX_BYTES:
        raise ImageError(f"{url}: larger than {URL_MAX_BYTES // 2**20} MiB, refused")
    return data


def _open(source: ImageSource, name: str) -> Image.Image:
    """Open ``source`` as a PIL image (header only; pixels are decoded later)."""
    if isinstance(source, Image.Image):
        return source
    if isinstance(source, (str, os.PathLike)):
        text = str(source)
        if text.startswith(("http://", "https://")):
            source = _read_url(text)
        else:
            path = Path(text).expanduser()
            if not path.exists():
                raise ImageError(f"{name}: no such file")
            if path.is_dir():
                raise ImageError(f"{name}: is a folder, not an image file")
            if path.stat().st_size == 0:
                raise ImageError(f"{name}: file is empty")
            source = path.read_bytes()
    if isinstance(source, (bytes, bytearray)):
        if len(source) == 0:
            raise ImageError(f"{name}: no image data (0 bytes)")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                return Image.open(io.BytesIO(source))
        except Image.DecompressionBombError:
            raise ImageError(f"{name}: declares too many pixels (decompression bomb?)") from None
        except UnidentifiedImageError:
            raise ImageError(f"{name}: not an image file (unknown or corrupt format)") from None
    raise ImageError(f"{name}: cannot read an image from a {type(source).__name__}")


def _to_rgb_array(image: Image.Image) -> np.ndarray:
    """Convert any PIL mode to float RGB in [0, 1]; transparency is composited on white."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # High bit-depth greyscale: convert("RGB") would clip at 255, so scale by the range.
        grey = np.asarray(image, dtype=np.float32)
        scale = 65535.0 if image.mode.startswith("I") and grey.max(initial=0) > 255 else 255.0
        if image.mode == "F" and grey.max(initial=0) <= 1.0:
            scale = 1.0
        grey = np.clip(grey / scale, 0.0, 1.0)
        return np.repeat(grey[:, :, None], 3, axis=2)
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    return np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0


def _array_to_rgb(array: np.ndarray, name: str) -> np.ndarray:
    array = np.asarray(array)
    if array.ndim == 4 and array.shape[0] == 1:
        array = array[0]
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim != 3 or array.shape[2] not in (1, 3, 4):
        raise ImageError(f"{name}: array of shape {array.shape} is not an image (H x W x 1, 3 or 4)")
    if np.issubdtype(array.dtype, np.integer):
        peak = 65535.0 if array.dtype in (np.uint16, np.int32, np.int64) and array.max() > 255 else 255.0
        array = array.astype(np.float32) / peak
    else:
        array = array.astype(np.float32)
        if not np.all(np.isfinite(array)):
            raise ImageError(f"{name}: array contains NaN or infinite values")
        low, high = (float(array.min()), float(array.max())) if array.size else (0.0, 0.0)
        # Overshoot from resampling (bicubic, Lanczos ringing) is clipped; 0-255 or [-1, 1]
        # floats would become a white or half-black picture without a word.
        if low < -FLOAT_SLACK or high > 1.0 + FLOAT_SLACK:
            raise ImageError(
                f"{name}: float array values span [{low:g}, {high:g}]; give [0, 1]"
                " (divide 0-255 values by 255, or pass a uint8 array)"
            )
    array = np.clip(array, 0.0, 1.0)
    if array.shape[2] == 4:
        alpha = array[:, :, 3:]
        array = array[:, :, :3] * alpha + (1.0 - alpha)
    elif array.shape[2] == 1:
        array = np.repeat(array, 3, axis=2)
    return np.ascontiguousarray(array)


def image_list(images: ImageSource | Sequence[ImageSource]) -> list[ImageSource]:
    """``images`` as a list: a list or tuple of images is one already, anything else is one image.

    Where one or several style images are accepted (``stylize``, ``fast_stylize``, the
    metrics), this is how the two are told apart; a NumPy array is always one image.
    """
    if isinstance(images, (list, tuple)):
        return list(images)
    return [cast(ImageSource, images)]


def load_image(source: ImageSource, size: int | None = None) -> np.ndarray:
    """Read an image as float32 RGB in [0, 1], shape (height, width, 3).

    ``source`` is a file path, an http(s) URL, encoded bytes, a PIL image or an array
    (uint8, uint16 or float in [0, 1]; grey, RGB or RGBA). EXIF orientation is applied,
    every mode becomes RGB (transparency over white). With ``size`` (pixels) the image is
    resized so its longest side is ``size``, keeping the aspect ratio.

    Raises :class:`ImageError` with a one-line message for anything unreadable.
    """
    name = _describe(source)
    if isinstance(source, np.ndarray) or hasattr(source, "numpy"):
        array = _array_to_rgb(np.asarray(source), name)
    else:
        image = _open(source, name)
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ImageError(
                f"{name}: declares {width}x{height} pixels, more than the {MAX_PIXELS:,} accepted (decompression bomb?)"
            )
        try:
            image = ImageOps.exif_transpose(image)
            image.load()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as err:
            raise ImageError(f"{name}: truncated or corrupt image data ({err})") from None
        array = _to_rgb_array(image)
    height, width = array.shape[:2]
    if min(height, width) < MIN_SIDE:
        raise ImageError(f"{name}: {width}x{height} pixels is too small; need at least {MIN_SIDE} px on each side")
    if size is not None:
        array = resize_longest_side(array, size)
    return array


def resize_longest_side(image: np.ndarray, size: int) -> np.ndarray:
    """Resize so the longest side is ``size`` pixels, keeping the aspect ratio (Lanczos)."""
    if int(size) != size or size < MIN_SIDE:
        raise OptionError(f"size must be a whole number of pixels >= {MIN_SIDE}, got {size!r}")
    height, width = image.shape[:2]
    scale = size / max(height, width)
    new_hw = (max(1, round(height * scale)), max(1, round(width * scale)))
    return resize(image, new_hw)


def resize(image: np.ndarray, height_width: tuple[int, int]) -> np.ndarray:
    """Resize to exactly ``(height, width)`` pixels with an antialiased Lanczos filter."""
    if tuple(image.shape[:2]) == tuple(height_width):
        return image.astype(np.float32, copy=False)
    channels = [
        Image.fromarray(image[:, :, c].astype(np.float32), mode="F").resize(
            (height_width[1], height_width[0]), Image.Resampling.LANCZOS
        )
        for c in range(image.shape[2])
    ]
    out = np.stack([np.asarray(c) for c in channels], axis=2)
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def to_uint8(image: np.ndarray) -> np.ndarray:
    """Quantise a [0, 1] float image to uint8 with rounding."""
    return (np.clip(np.asarray(image, dtype=np.float32), 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def to_pil(image: np.ndarray) -> Image.Image:
    """A PIL RGB image of a [0, 1] float array."""
    return Image.fromarray(to_uint8(image), mode="RGB")


def check_output_path(path: str | os.PathLike) -> Path:
    """Validate an output path before any work is done: a known suffix, not a folder, writable."""
    return check_output(path, SAVE_FORMATS, "output format", "out.png")


def check_output(path: str | os.PathLike, suffixes, kind: str, example: str) -> Path:
    """``path`` as a Path if it has one of ``suffixes`` and its folder takes new files, else OptionError.

    Checked before a run, so that an output that cannot be written fails at once and not
    after minutes of work; missing folders are made only when the file is written.
    """
    path = Path(path).expanduser()
    try:
        if path.is_dir():
            raise OptionError(f"{path}: is a folder; give a file name such as {path / example}")
        if path.suffix.lower() not in suffixes:
            raise OptionError(f"{path}: unsupported {kind} {path.suffix or '(none)'!r}; use {', '.join(suffixes)}")
        folder = path.parent
        while not os.path.lexists(folder) and folder != folder.parent:  # the folders to be made
            folder = folder.parent
        if not folder.is_dir():
            raise OptionError(f"{path}: {folder} is not a folder")
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as err:  # no permission to look, a read-only or special file system
        raise OptionError(cannot_write(path, err)) from None
    return path


def cannot_write(path: Path, err: OSError) -> str:
    """One line for an OSError while writing ``path``."""
    return f"{path}: cannot write ({os_error_reason(err)})"


def os_error_reason(err: OSError) -> str:
    """The reason of an OSError in one line (ffmpeg's errors span many lines)."""
    return err.strerror or one_line(err)


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[str]:
    """Yield a temporary file name beside ``path``; rename it over ``path`` on success.

    On an error or Ctrl-C the temporary file is removed and ``path`` is left as it was, so
    a failed run never leaves a half-written output. Missing parent folders are created.
    An OSError while writing becomes an :class:`ImageError` naming ``path``.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
    except OSError as err:
        raise ImageError(cannot_write(path, err)) from None
    os.close(handle)
    try:
        yield temporary
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as err:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(err, OSError):  # a full disk, a folder gone meanwhile: one line, not a traceback
            raise ImageError(cannot_write(path, err)) from None
        raise


def save_image(image: np.ndarray, path: str | os.PathLike, quality: int = 95) -> Path:
    """Write a [0, 1] float image as PNG or JPEG (by suffix), atomically.

    The pixels go to a temporary file in the same folder that is renamed over ``path``
    only once complete (:func:`atomic_output`). Returns the path written.
    """
    path = check_output_path(path)
    pil = to_pil(np.asarray(image))
    fmt = SAVE_FORMATS[path.suffix.lower()]
    with atomic_output(path) as temporary, open(temporary, "wb") as file:
        pil.save(file, format=fmt, **({"quality": quality} if fmt == "JPEG" else {}))
    return path
