"""The training photos of the trained-network benchmarks: scikit-image's bundled photos.

    python -m benchmarks.trained_photos /tmp/trainbench/photos

Writes scikit-image's bundled photos (public domain or CC0, see ``skimage.data``), grey
ones as RGB, and the four quarters of the larger colour photos (more zoomed-in views), as
PNG files to the folder. The held-out test photos are not written: ``images/tubingen.jpg``
(the repository's own, also in ``/work/shared/images``), ``coffee`` and ``chelsea`` (the same
picture as ``cat``). The other files of ``images/`` are paintings, not photos.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

#: Colour photos trained on (stereo_motorcycle gives its left view).
COLOUR = ("astronaut", "rocket", "hubble_deep_field", "immunohistochemistry", "retina", "stereo_motorcycle")
#: Grey photos trained on, as RGB: textures and scenes the colour ones lack.
GREY = ("camera", "moon", "brick", "grass", "gravel", "coins", "clock")
#: Photos never trained on, for the quality comparison.
HELD_OUT = ("coffee", "chelsea")


def photo(name: str) -> np.ndarray:
    """A bundled photo as uint8 RGB (height, width, 3)."""
    from skimage import data

    image = getattr(data, name)()
    image = image[0] if isinstance(image, tuple) else image
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=-1)
    return np.ascontiguousarray(image[..., :3]).astype(np.uint8)


def quarters(image: np.ndarray) -> list[np.ndarray]:
    """The four quarters of ``image``."""
    h, w = image.shape[0] // 2, image.shape[1] // 2
    return [image[:h, :w], image[:h, w:], image[h:, :w], image[h:, w:]]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    from nst_core.image.io import save_image

    args.folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for name in COLOUR + GREY:
        image = photo(name)
        save_image(image.astype(np.float32) / 255, args.folder / f"{name}.png")
        count += 1
        if name in COLOUR and min(image.shape[:2]) >= 400:
            for index, part in enumerate(quarters(image)):
                save_image(part.astype(np.float32) / 255, args.folder / f"{name}_q{index}.png")
                count += 1
    print(f"wrote {count} photos to {args.folder}")


if __name__ == "__main__":
    main()
