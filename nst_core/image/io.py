"""Load, resize and save images.

Images travel through nst_core as ``float32`` NumPy arrays of shape ``(height, width, 3)``
with RGB values in ``[0, 1]``. This module is the only one that knows about files, URLs,
PIL modes and EXIF; everything downstream sees that one format.
"""

from __future__ import annotations

import contextlib
import io
import numbers
import os
import stat
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Union, cast

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import ImageError, OptionError, one_line
from .url import display_url, is_url, read_url

ImageSource = Union[str, os.PathLike, bytes, Image.Image, np.ndarray]  # noqa: UP007 (a runtime alias)

#: Largest image accepted, in pixels (width x height), checked from the header before
#: decoding, so a "decompression bomb" (a tiny file declaring a huge image) is refused.
MAX_PIXELS = 178_956_970  # PIL's own bomb limit (2 x its warning threshold)
#: Largest image decoded when a smaller size is asked for (about 10000 x 10000 px, 300 MB
#: of pixels), except JPEG, which is decoded at a reduced scale (``Image.draft``).
MAX_DECODE_PIXELS = 100_000_000
#: Images larger than this (in pixels) are shrunk while decoding when a size is asked for
#: (to at least twice that size, before the final Lanczos resize); smaller ones are resized
#: from their full decode.
SHRINK_PIXELS = 16_000_000
#: Largest image a run makes, in pixels (10000 x 10000): 1.2 GB as float32 RGB before any
#: model sees it. A larger ``size`` is refused before the resize would allocate it.
MAX_RESULT_PIXELS = 100_000_000
#: Largest file read, in bytes.
MAX_FILE_BYTES = 1024 * 1024 * 1024
#: The formats opened. Pillow could open more, but some run outside programs on the data
#: (its EPS plugin calls Ghostscript), so an image file's bytes reach only these decoders.
FORMATS = ("JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP")  # JPEG includes MPO, the multi-picture JPEG of cameras
#: Smallest side accepted, in pixels. VGG19 halves the image four times before block5,
#: so anything smaller has no spatial extent left at the deepest style layer.
MIN_SIDE = 16
#: Float image arrays may stray this far beyond [0, 1] (resampling overshoot) and are clipped;
#: further means another scale (0-255, or [-1, 1]) and is an error.
FLOAT_SLACK = 0.5
SAVE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}


def describe_source(source: ImageSource) -> str:
    """How messages name ``source``: its path or URL (without credentials), else what it is."""
    if isinstance(source, (str, os.PathLike)):
        return display_url(str(source)) if is_url(str(source)) else str(source)
    if isinstance(source, Image.Image):
        return getattr(source, "filename", "") or "the given PIL image"
    if isinstance(source, (bytes, bytearray)):
        return "the given image bytes"
    return "the given image array"


def _read_file(path: Path, name: str) -> bytes:
    if not path.exists():
        raise ImageError(f"{name}: no such file")
    if path.is_dir():
        raise ImageError(f"{name}: is a folder, not an image file")
    length = path.stat().st_size
    if length == 0:
        raise ImageError(f"{name}: file is empty")
    if length > MAX_FILE_BYTES:
        raise ImageError(f"{name}: {length / 2**30:.1f} GiB is larger than the {MAX_FILE_BYTES / 2**30:g} GiB accepted")
    return path.read_bytes()


def _open(source: ImageSource, name: str) -> Image.Image:
    """Open ``source`` as a PIL image (header only; pixels are decoded later)."""
    if isinstance(source, Image.Image):
        return source
    if isinstance(source, (str, os.PathLike)):
        text = str(source)
        source = read_url(text) if is_url(text) else _read_file(Path(text).expanduser(), name)
    if isinstance(source, (bytes, bytearray)):
        if len(source) == 0:
            raise ImageError(f"{name}: no image data (0 bytes)")
        try:
            with _pillow_notices_dropped():
                return Image.open(io.BytesIO(source), formats=FORMATS)
        except Image.DecompressionBombError:
            raise ImageError(f"{name}: declares too many pixels (decompression bomb?)") from None
        except UnidentifiedImageError:
            raise ImageError(
                f"{name}: not an image file in a format read here ({', '.join(FORMATS)}), or corrupt"
            ) from None
        except Exception as err:  # a plugin's own parser failing on a broken header
            raise ImageError(f"{name}: corrupt image header ({one_line(err, 120)})") from None
    raise ImageError(f"{name}: cannot read an image from a {type(source).__name__}")


@contextlib.contextmanager
def _pillow_notices_dropped() -> Iterator[None]:
    """Pillow's warnings while it reads a file: dropped, not printed as the user's problem.

    Pillow warns about damaged metadata it skips (a TIFF tag longer than the file) and about
    large images (decided here from the header, against the run's size); neither changes the
    picture, and on the command line each would print as ``nst: warning: ...``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
        yield


def _to_rgb_array(image: Image.Image, name: str) -> np.ndarray:
    """Convert any PIL mode to float RGB in [0, 1]; transparency is composited on white."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # High bit-depth greyscale: the values go through the rule of arrays (one rule for
        # both), where convert("RGB") would clip them at 255.
        grey = np.asarray(image)
        return _array_to_rgb(grey.astype(np.uint16) if image.mode.startswith("I;16") else grey, name)
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
        low_int, high_int = (int(array.min()), int(array.max())) if array.size else (0, 0)
        if low_int < 0 or high_int > 65535:
            raise ImageError(
                f"{name}: integer values span [{low_int}, {high_int}]; give 8-bit (0-255) or 16-bit (0-65535) values"
            )
        peak = 65535.0 if array.dtype != np.uint8 and high_int > 255 else 255.0
        array = array.astype(np.float32) / peak
    else:
        array = array.astype(np.float32)
        if not np.all(np.isfinite(array)):
            raise ImageError(f"{name}: contains NaN or infinite values")
        low, high = (float(array.min()), float(array.max())) if array.size else (0.0, 0.0)
        # Overshoot from resampling (bicubic, Lanczos ringing) is clipped; 0-255 or [-1, 1]
        # floats would become a white or half-black picture without a word.
        if low < -FLOAT_SLACK or high > 1.0 + FLOAT_SLACK:
            raise ImageError(
                f"{name}: float values span [{low:g}, {high:g}]; float images must hold [0, 1]"
                " (divide 0-255 values by 255, or use 8-bit integers)"
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


def _check_header(image: Image.Image, size: int | None, name: str) -> None:
    """Refuse, before decoding, an image whose declared size is too costly to decode."""
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageError(
            f"{name}: declares {width}x{height} pixels, more than the {MAX_PIXELS:,} accepted (decompression bomb?)"
        )
    if size is not None and image.format not in ("JPEG", "MPO") and width * height > MAX_DECODE_PIXELS:
        raise ImageError(
            f"{name}: declares {width}x{height} pixels, more than the {MAX_DECODE_PIXELS:,} decoded for a"
            f" {size} px result (decompression bomb?); shrink it first"
        )


def load_image(source: ImageSource, size: int | None = None, name: str | None = None) -> np.ndarray:
    """Read an image as float32 RGB in [0, 1], shape (height, width, 3).

    ``source`` is a file path, an http(s) URL, encoded bytes, a PIL image or an array
    (uint8, uint16 or float in [0, 1]; grey, RGB or RGBA). EXIF orientation is applied,
    every mode becomes RGB (transparency over white). With ``size`` (pixels) the image is
    resized so its longest side is ``size``, keeping the aspect ratio.

    Only JPEG, PNG, GIF, BMP, TIFF and WebP are decoded (:data:`FORMATS`). With ``size``,
    large images are decoded at a reduced scale where the format allows and refused from
    their header when they would cost more than :data:`MAX_DECODE_PIXELS`. ``name`` is how
    messages call the image (default: its path or URL, or its kind).

    Raises :class:`ImageError` with a one-line message for anything unreadable.
    """
    name = describe_source(source) if name is None else name
    if size is not None:  # before any byte is read, and before it sizes anything
        size = _checked_size(size)
    if isinstance(source, np.ndarray) or hasattr(source, "numpy"):
        array = _array_to_rgb(np.asarray(source), name)
    else:
        image = _open(source, name)
        _check_header(image, size, name)
        try:
            shrink_to = size if size is not None and image.size[0] * image.size[1] > SHRINK_PIXELS else None
            if shrink_to is not None and image.format in ("JPEG", "MPO"):
                image.draft("RGB", (2 * shrink_to, 2 * shrink_to))  # decoded at 1/2, 1/4 or 1/8 scale
            with _pillow_notices_dropped():
                image = ImageOps.exif_transpose(image)
                image.load()
            if shrink_to is not None and max(image.size) >= 4 * shrink_to:  # in 8 bits, not as big floats
                image = image.reduce(max(image.size) // (2 * shrink_to))
            array = _to_rgb_array(image, name)
        except ImageError:
            raise
        except MemoryError:
            raise ImageError(f"{name}: too large to decode in the memory available") from None
        except Exception as err:  # Pillow's decoders raise OSError, ValueError, SyntaxError... when data is broken
            raise ImageError(f"{name}: truncated or corrupt image data ({one_line(err, 120)})") from None
    height, width = array.shape[:2]
    if min(height, width) < MIN_SIDE:
        raise ImageError(f"{name}: {width}x{height} pixels is too small; need at least {MIN_SIDE} px on each side")
    if size is not None:
        scale = size / max(height, width)
        result_pixels = round(height * scale) * round(width * scale)
        if result_pixels > MAX_RESULT_PIXELS:  # before the resize allocates it
            raise ImageError(
                f"{name}: at size {size} it would be {round(width * scale)}x{round(height * scale)} px,"
                f" more than the {MAX_RESULT_PIXELS:,} px an image may have here; choose a smaller size"
            )
        array = resize_longest_side(array, size)
    return array


def _checked_size(size: object) -> int:
    """``size`` as an int if it is a whole number of pixels >= MIN_SIDE (NaN and inf are not), else OptionError."""
    if isinstance(size, bool) or not isinstance(size, numbers.Real) or not float(size).is_integer() or size < MIN_SIDE:
        raise OptionError(f"size must be a whole number of pixels >= {MIN_SIDE}, got {size!r}")
    return int(float(size))


def resize_longest_side(image: np.ndarray, size: int) -> np.ndarray:
    """Resize so the longest side is ``size`` pixels, keeping the aspect ratio (Lanczos)."""
    size = _checked_size(size)
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
    """Quantise a [0, 1] float image to uint8 with rounding.

    A NaN or infinite pixel is an :class:`ImageError`: it has no colour (``np.clip`` keeps
    NaN, and the cast would make it black behind a numpy warning).
    """
    image = np.asarray(image, dtype=np.float32)
    if not np.all(np.isfinite(image)):
        raise ImageError("the image has NaN or infinite pixels; it cannot be shown or written")
    return (np.clip(image, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


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


def _file_mode(path: Path) -> int:
    """Permissions for a new ``path``: those of the file it replaces, else 0o666 less the umask.

    ``mkstemp`` makes its file private (0o600); a file made by ``open`` would get these.
    """
    with contextlib.suppress(OSError):
        return stat.S_IMODE(path.stat().st_mode)
    return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask (read from /proc where it can be, since setting it is process-wide)."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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
        os.chmod(temporary, _file_mode(path))
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
    image = np.asarray(image)
    if not np.all(np.isfinite(image)):
        raise ImageError(f"{path}: not written, the image has NaN or infinite pixels")
    pil = to_pil(image)
    fmt = SAVE_FORMATS[path.suffix.lower()]
    with atomic_output(path) as temporary, open(temporary, "wb") as file:
        pil.save(file, format=fmt, **({"quality": quality} if fmt == "JPEG" else {}))
    return path
