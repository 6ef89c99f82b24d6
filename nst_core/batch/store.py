"""Where a batch's outputs go: a local folder or any fsspec URL, written atomically.

Every file is written under a temporary name and then renamed (a local folder:
:func:`~nst_core.image.io.atomic_output`) or moved (other file systems) into place, so no
half-written picture or record is ever visible under its real name: a job stopped, killed
or retried midway leaves either nothing or the whole file. On object storage (``s3://``,
``gs://``...) a single upload is already all-or-nothing; the move keeps the same rule
everywhere.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path
from typing import Any

from ..errors import ImageError, NSTError, one_line
from ..image.io import atomic_output, cannot_write

#: Prefix of temporary names: hidden, and never the name of an output.
TEMPORARY_PREFIX = ".partial-"


def is_remote(location: str) -> bool:
    """Whether ``location`` is a URL for fsspec (``s3://...``, ``memory://...``) rather than a local folder."""
    return "://" in location and not location.startswith("file://")


class Store:
    """The output folder of a batch: read, check and atomically write files by name.

    ``location`` is a local folder (made if missing) or an fsspec URL; URLs need fsspec
    (part of ``nst-core[ray]``) and the file system's own package (``s3fs``, ``gcsfs``...).
    A store is plain data (its location), so it travels to Ray workers as it is.
    """

    def __init__(self, location: str | os.PathLike) -> None:
        location = str(location)
        self.location = location.removeprefix("file://") if location.startswith("file://") else location
        self._fs: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {"location": self.location, "_fs": None}

    def __repr__(self) -> str:
        return f"Store({self.location!r})"

    @property
    def fs(self) -> Any:
        """The fsspec file system of a URL (made at first use)."""
        if self._fs is None:
            try:
                import fsspec
            except ImportError:
                raise NSTError(f"{self.location}: writing to a URL needs fsspec: pip install fsspec") from None
            try:
                self._fs, _ = fsspec.core.url_to_fs(self.location)
            except (ImportError, ValueError) as err:
                raise NSTError(f"{self.location}: no file system for this URL ({one_line(err)})") from None
        return self._fs

    def path(self, name: str) -> str:
        """The full path or URL of the file ``name``."""
        return f"{self.location.rstrip('/')}/{name}" if is_remote(self.location) else str(Path(self.location, name))

    def check(self) -> None:
        """Make the folder if needed and check that it takes files, before any work (NSTError if not)."""
        if is_remote(self.location):
            try:
                self.fs.makedirs(self.location, exist_ok=True)
            except OSError as err:
                raise NSTError(f"{self.location}: cannot write ({one_line(err)})") from None
            return
        folder = Path(self.location)
        if folder.exists() and not folder.is_dir():
            raise NSTError(f"{folder}: is not a folder; give a folder for the outputs")
        probe = folder / f"{TEMPORARY_PREFIX}{uuid.uuid4().hex}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe.touch()
            probe.unlink()
        except OSError as err:
            raise NSTError(cannot_write(folder, err)) from None

    def exists(self, name: str) -> bool:
        """Whether the file ``name`` exists."""
        if is_remote(self.location):
            return bool(self.fs.exists(self.path(name)))
        return os.path.isfile(self.path(name))

    def read_text(self, name: str) -> str | None:
        """The text of the file ``name``, or None if it is missing or unreadable."""
        try:
            if is_remote(self.location):
                return bytes(self.fs.cat_file(self.path(name))).decode("utf-8")
            return Path(self.path(name)).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def write(self, name: str, data: bytes) -> str:
        """Write ``data`` to the file ``name`` atomically; returns its path or URL."""
        target = self.path(name)
        if not is_remote(self.location):
            with atomic_output(Path(target)) as temporary, open(temporary, "wb") as file:
                file.write(data)
            return target
        temporary = self.path(f"{TEMPORARY_PREFIX}{uuid.uuid4().hex}-{name}")
        try:
            self.fs.pipe_file(temporary, data)
            self.fs.mv(temporary, target)
        except BaseException as err:
            with contextlib.suppress(OSError, FileNotFoundError):
                self.fs.rm_file(temporary)
            if isinstance(err, OSError):
                raise ImageError(f"{target}: cannot write ({one_line(err)})") from None
            raise
        return target
