"""Jobs of a batch: one photo, its styles and options, with a key that names the result.

A job's key is a SHA-256 hash of the photo's bytes, each style's bytes and every option's
value, so the same picture asked for twice (by another command line, a manifest, a rerun,
or a retry on another Ray worker) has the same key and is made once; its output name
``photo__style__1a2b3c4d.png`` is readable and unique (the last part is the key's first 8
hex digits).
"""

from __future__ import annotations

import glob
import hashlib
import itertools
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from ..errors import ImageError
from ..image.io import FORMATS, describe_source
from ..image.url import is_url
from ..options import StyleOptions
from ..options.spec import plain_values

#: File suffixes a folder of photos is read for: those of the formats :data:`~nst_core.image.io.FORMATS`.
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp")
#: Characters kept from a file's name in an output name (others become ``_``).
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
#: Length of a name part taken from an input's file name.
NAME_PART = 40


@dataclass(frozen=True)
class Job:
    """One picture to make: ``content`` painted in ``styles`` (blended) with ``options``.

    Attributes:
        content: the photo's path (or http(s) URL).
        styles: the paintings' paths or URLs; several are blended by
            ``options.style_blend_weights``.
        options: the run's :class:`~nst_core.options.StyleOptions`.
        key: SHA-256 (hex) of the photo's bytes, each style's bytes and the options' values
            (see :func:`job_key`).
    """

    content: str
    styles: tuple[str, ...]
    options: StyleOptions
    key: str

    @property
    def name(self) -> str:
        """The output's file name: ``photo__style__key8.png`` (styles joined by ``+``)."""
        styles = "+".join(_name_part(s) for s in self.styles)
        return f"{_name_part(self.content)}__{styles}__{self.key[:8]}.png"

    def describe(self) -> str:
        """The job in a few words, for reports: ``photo.jpg x style.jpg``."""
        return f"{describe_source(self.content)} x {' + '.join(describe_source(s) for s in self.styles)}"


def _name_part(source: str) -> str:
    stem = Path(source.split("?")[0].rstrip("/")).stem
    return _UNSAFE.sub("_", stem)[:NAME_PART] or "image"


def file_digest(source: str) -> str:
    """SHA-256 (hex) of a file's bytes; an http(s) URL is hashed by its address (it is not fetched twice).

    Raises :class:`~nst_core.errors.ImageError` (one line) for a file that cannot be read.
    """
    if is_url(source):
        return hashlib.sha256(source.encode()).hexdigest()
    digest = hashlib.sha256()
    try:
        with open(source, "rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
    except OSError as err:
        raise ImageError(f"{describe_source(source)}: cannot read ({err.strerror or err})") from None
    return digest.hexdigest()


def job_key(content: str, styles: Sequence[str], options: StyleOptions, digests: dict[str, str] | None = None) -> str:
    """The job's key: SHA-256 of the photo's and styles' bytes (their digests) and the options' values.

    ``digests`` caches :func:`file_digest` by path, so a photo shared by many jobs is read
    once. An ``init`` image file counts by its bytes too.
    """
    digests = {} if digests is None else digests

    def digest(path: str) -> str:
        if path not in digests:
            digests[path] = file_digest(path)
        return digests[path]

    values = plain_values(options)  # an array given as init becomes its repr: not a reliable key
    if isinstance(options.init, (str, os.PathLike)) and os.path.isfile(options.init):
        values["init"] = {"file": digest(str(options.init))}
    payload = {"content": digest(content), "styles": [digest(s) for s in styles], "options": values}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def make_job(content: str, styles: Sequence[str], options: StyleOptions, digests: dict[str, str] | None = None) -> Job:
    """A :class:`Job` with its key computed (reads the files' bytes)."""
    return Job(str(content), tuple(str(s) for s in styles), options, job_key(str(content), styles, options, digests))


def find_photos(arguments: Iterable[str]) -> list[str]:
    """The photo files that ``arguments`` name: files, folders (their photos) or glob patterns.

    A folder gives its files whose suffix is a photo's (:data:`PHOTO_SUFFIXES`, not its
    subfolders), sorted by name; a pattern (``*``, ``?``, ``[``) gives its matches, sorted.
    Each file is listed once. Raises :class:`~nst_core.errors.ImageError` for an argument
    that names nothing, so a typo is not a batch of zero jobs.
    """
    found: list[str] = []
    for argument in arguments:
        if is_url(argument):
            matches = [argument]
        elif os.path.isdir(argument):
            matches = sorted(
                str(p) for p in Path(argument).iterdir() if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES
            )
            if not matches:
                raise ImageError(f"{argument}: no photos in this folder ({', '.join(PHOTO_SUFFIXES)})")
        elif glob.has_magic(argument):
            matches = sorted(p for p in glob.glob(os.path.expanduser(argument)) if os.path.isfile(p))
            if not matches:
                raise ImageError(f"{argument}: matches no files")
        elif os.path.isfile(argument):
            matches = [argument]
        else:
            raise ImageError(f"{argument}: no such file or folder")
        found.extend(m for m in matches if m not in found)
    return found


def sweep(options: StyleOptions, values: Mapping[str, Sequence[Any]]) -> list[StyleOptions]:
    """Every combination of the swept ``values`` (field name -> values) applied to ``options``.

    ``{"style_weight": [1, 3, 10], "steps": [100, 300]}`` gives 6 option sets, the first
    field varying slowest. Each is validated (:class:`~nst_core.errors.OptionError`).
    """
    names = list(values)
    return [options.replace(**dict(zip(names, combo, strict=True))) for combo in itertools.product(*values.values())]


def expand(photos: Sequence[str], styles: Sequence[Sequence[str]], option_sets: Sequence[StyleOptions]) -> list[Job]:
    """The jobs of photos x style sets x option sets, in that nesting, without duplicates.

    ``styles`` is a list of style sets: ``[["a.jpg"], ["b.jpg"]]`` makes two jobs per
    photo, ``[["a.jpg", "b.jpg"]]`` one job blending both. Jobs with equal keys (the same
    file given twice) are kept once.
    """
    digests: dict[str, str] = {}
    jobs: dict[str, Job] = {}
    for photo, style_set, options in itertools.product(photos, styles, option_sets):
        job = make_job(photo, style_set, options, digests)
        jobs.setdefault(job.key, job)
    return list(jobs.values())


def in_reuse_order(jobs: Sequence[Job]) -> list[Job]:
    """``jobs`` with those of one result size next to each other, in their order otherwise.

    A :class:`~nst_core.api.Stylizer` keeps its traced steps while the picture's size in
    pixels stays the same, so a folder of photos of mixed shapes is painted shape by shape
    (the size of each photo is read from its header, nothing is decoded; one that cannot be
    read keeps its place at the front and fails when it runs).
    """
    return sorted(jobs, key=lambda job: (job.options.size, _pixel_size(job.content)))


def _pixel_size(path: str) -> tuple[int, int]:
    """(width, height) from an image file's header, or (0, 0) when it cannot be read."""
    try:
        with Image.open(path, formats=FORMATS) as image:
            return image.size
    except Exception:  # noqa: BLE001 - any unreadable file: the job reports it when it runs
        return (0, 0)
