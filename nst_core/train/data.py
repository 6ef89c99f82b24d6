"""The training photos: read once from a folder, served as random crops through ``tf.data``.

The small-data recipe: each step sees a random square crop of a random photo, at a random
scale (the crop covers from the training size up to the whole short side of the photo
held at 1.5 times that size), flipped left-right half the time. A few hundred photos then
give enough different crops for the network to learn the style rather than the photos.

Photos are read through :func:`nst_core.image.io.load_image` (its formats, size limits and
one-line errors); a file that cannot be read is skipped with a warning naming it. They are
held in memory as 8-bit pixels, about 0.2 MB each at the default 256 px.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..engine.choices import ANY_NETWORK_MIN_SIDE
from ..engine.memory import available_bytes
from ..errors import ImageError, OptionError
from ..image.io import load_image, resize, to_uint8

#: Files taken as photos, by suffix (others in the folder are left alone).
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp")
#: Photos are held with their short side this many times the training size: the room the
#: random scale of the crops has.
HOLD_SCALE = 1.5


def photo_files(folder: str | Path) -> list[Path]:
    """The photo files under ``folder`` (and its subfolders), sorted; hidden files are skipped.

    Raises OptionError if the folder is missing, is a file, or holds no photo file.
    """
    folder = Path(folder).expanduser()
    if not folder.exists():
        raise OptionError(f"{folder}: no such photo folder")
    if not folder.is_dir():
        raise OptionError(f"{folder}: is a file; give the folder of training photos")
    files = sorted(
        path
        for path in folder.rglob("*")
        if path.suffix.lower() in PHOTO_SUFFIXES
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
        and path.is_file()
    )
    if not files:
        raise OptionError(f"{folder}: holds no photos ({', '.join(PHOTO_SUFFIXES)} files)")
    return files


def load_photos(folder: str | Path, size: int) -> list[np.ndarray]:
    """Every readable photo of ``folder`` as uint8 RGB, short side about ``HOLD_SCALE * size`` px.

    Unreadable files are skipped with a warning that names them; OptionError if none is
    readable or they would not fit in memory.
    """
    files = photo_files(folder)
    hold = round(HOLD_SCALE * size)
    budget = available_bytes()
    photos, held = [], 0
    for path in files:
        try:
            photo = load_image(path, 2 * hold)  # longest side; the short side is cut to `hold` below
        except ImageError as err:
            warnings.warn(f"{err}; skipped", stacklevel=2)
            continue
        short = min(photo.shape[:2])
        if short > hold:
            scale = hold / short
            photo = resize(photo, (round(photo.shape[0] * scale), round(photo.shape[1] * scale)))
        photos.append(to_uint8(photo))
        held += photos[-1].nbytes
        if budget is not None and held > budget // 2:
            raise OptionError(
                f"{folder}: {len(files)} photos at {size} px do not fit in memory; use fewer photos or a smaller size"
            )
    if not photos:
        raise OptionError(f"{folder}: none of its {len(files)} photo files could be read")
    return photos


def random_crop(photo: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """A random square crop of ``photo`` (uint8) at a random scale, maybe mirrored: float (size, size, 3)."""
    height, width = photo.shape[:2]
    short = min(height, width)
    side = int(rng.integers(min(short, size), short + 1))
    top = int(rng.integers(0, height - side + 1))
    left = int(rng.integers(0, width - side + 1))
    crop = photo[top : top + side, left : left + side].astype(np.float32) / 255.0
    crop = resize(crop, (size, size))
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    return np.ascontiguousarray(crop, dtype=np.float32)


def crops(photos: list[np.ndarray], size: int, seed: int | None, start_step: int = 0) -> Iterator[np.ndarray]:
    """Endless random crops of random photos; the same ``seed`` and ``start_step`` give the same crops."""
    rng = np.random.default_rng(None if seed is None else [seed, start_step])
    while True:
        yield random_crop(photos[int(rng.integers(len(photos)))], size, rng)


def training_batches(photos: list[np.ndarray], size: int, batch_size: int, seed: int | None, start_step: int = 0):
    """A ``tf.data.Dataset`` of batches (batch_size, size, size, 3) of crops, prepared ahead of the step."""
    import tensorflow as tf

    dataset = tf.data.Dataset.from_generator(
        lambda: crops(photos, size, seed, start_step),
        output_signature=tf.TensorSpec((size, size, 3), tf.float32),
    )
    return dataset.batch(batch_size, drop_remainder=True).prefetch(2)


def representative_crops(photos: list[np.ndarray], size: int, count: int = 16, seed: int = 0) -> list[np.ndarray]:
    """``count`` crops (1, size, size, 3) that int8 quantisation calibrates its ranges on."""
    generator = crops(photos, size, seed)
    return [next(generator)[None] for _ in range(count)]


def preview_photo(photos: list[np.ndarray], size: int) -> np.ndarray:
    """The photo previews are painted on: the first, whole, at ``2 * size`` px on its longest side."""
    photo = photos[0].astype(np.float32) / 255.0
    height, width = photo.shape[:2]
    scale = 2 * size / max(height, width)
    floor = ANY_NETWORK_MIN_SIDE
    return resize(photo, (max(floor, round(height * scale)), max(floor, round(width * scale))))
