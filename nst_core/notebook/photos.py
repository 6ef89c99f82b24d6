"""Training photos for the notebooks: a handful bundled with the package, or a public set downloaded.

* :func:`bundled_photos`: crops of the repository's photo of Tübingen and of scikit-image's
  bundled photos (astronaut, coffee, chelsea, rocket), written to a folder: enough to
  check that training runs (CI, ``NST_QUICK``), far too few to train a good network.
* :func:`download_photos`: the first photos of a public zip archive, by default COCO128
  (128 photos of everyday scenes from COCO train2017, Lin et al. 2014, as packaged by
  Ultralytics, 7 MB); :data:`COCO_VAL2017_URL` gives the 5000 photos of COCO val2017
  (780 MB, downloaded whole). Only the notebooks call it, in Colab, never the tests.

A Google Drive folder needs nothing here: the notebook mounts Drive and passes the folder.
"""

from __future__ import annotations

import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np

from ..errors import NSTError, one_line
from ..image.io import load_image, resize, save_image
from .pickers import find_samples_dir

#: 128 COCO photos (train2017) as a 7 MB zip, the documented download of Ultralytics' COCO128.
COCO128_URL = "https://github.com/ultralytics/assets/releases/download/v0.0.0/coco128.zip"
#: COCO val2017: 5000 photos, 780 MB (https://cocodataset.org/#download).
COCO_VAL2017_URL = "http://images.cocodataset.org/zips/val2017.zip"
#: scikit-image's bundled colour photos used by :func:`bundled_photos`.
SKIMAGE_PHOTOS = ("astronaut", "coffee", "chelsea", "rocket")
#: Photo suffixes taken from an archive.
ARCHIVE_SUFFIXES = (".jpg", ".jpeg", ".png")


def _crops(image: np.ndarray, side: int) -> list[np.ndarray]:
    """Two square crops of ``image`` (its left and right ends), each resized to ``side`` px."""
    height, width = image.shape[:2]
    short = min(height, width)
    ends = [(0, 0), (height - short, width - short)]
    return [resize(image[top : top + short, left : left + short], (side, side)) for top, left in ends]


def bundled_photos(folder: str | Path, side: int = 128) -> Path:
    """Write about ten photos (``side`` px squares) that ship with nst_core and scikit-image to ``folder``.

    The crops of Tübingen (``images/tubingen.jpg``, where the repository's images are found)
    and of scikit-image's photos; returns ``folder``.
    """
    import skimage.data

    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    photos: dict[str, np.ndarray] = {
        name: np.asarray(getattr(skimage.data, name)(), np.float32) / 255.0 for name in SKIMAGE_PHOTOS
    }
    samples = find_samples_dir()
    if samples is not None and (samples / "tubingen.jpg").is_file():
        photos["tubingen"] = load_image(samples / "tubingen.jpg", 4 * side)
    for name, photo in photos.items():
        for index, crop in enumerate(_crops(photo, side)):
            save_image(crop, folder / f"{name}_{index}.png")
    return folder


def download_photos(folder: str | Path, count: int = 128, url: str = COCO128_URL) -> Path:
    """Download the zip archive at ``url`` and put its first ``count`` photos in ``folder``.

    The archive goes to a temporary file and is removed afterwards; only the photos' file
    names are kept (no folders from the archive, so no path in it can point elsewhere).
    Returns ``folder``; NSTError (one line) if the download or the archive fails.
    """
    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / "photos.zip"
        try:
            with urllib.request.urlopen(url, timeout=60) as response, archive.open("wb") as out:
                shutil.copyfileobj(response, out)
            with zipfile.ZipFile(archive) as bundle:
                names = [
                    name
                    for name in sorted(bundle.namelist())
                    if PurePosixPath(name).suffix.lower() in ARCHIVE_SUFFIXES
                    and not PurePosixPath(name).name.startswith(".")
                ]
                for name in names[:count]:
                    (folder / PurePosixPath(name).name).write_bytes(bundle.read(name))
        except (OSError, urllib.error.URLError, zipfile.BadZipFile) as err:
            raise NSTError(f"{url}: could not download the photos ({one_line(err)})") from None
    if not names:
        raise NSTError(f"{url}: the archive holds no photos")
    return folder
