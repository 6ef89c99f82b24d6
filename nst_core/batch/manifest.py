"""Manifests: a batch's jobs as a CSV or JSON Lines file, one job a row, checked before any work.

Columns (CSV header, or JSON keys): ``content`` (the photo) and ``style`` (or ``styles``;
several paintings to blend are separated by ``;`` in CSV, or a JSON list), and any
:class:`~nst_core.options.StyleOptions` field by its name (``style_weight``, ``size``,
``preserve_colors``...). An empty cell keeps the value the command line gave (or the
default). Relative paths are relative to the manifest's folder.

Every row is checked before the first job starts: its options against the option spec
(unknown names, bad values), its files for existence. The first bad row is refused with
its number, as :class:`~nst_core.errors.OptionError` (one line, exit 2 in ``nst batch``).
Rows are numbered as a text editor numbers lines: in CSV the header is row 1 and the first
job row 2; in JSON Lines the first line is row 1 (blank lines count, and are skipped).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import NSTError, OptionError, one_line
from ..image.masks import is_region_spec
from ..image.url import is_url
from ..options import INIT_CHOICES, StyleOptions
from ..options.spec import comma_list, field_type
from .jobs import Job, make_job

#: Suffixes read as JSON Lines; anything else is CSV.
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
#: The columns that name the inputs (not options).
INPUT_COLUMNS = ("content", "style", "styles")
#: Separator of several styles in one CSV cell.
STYLE_SEPARATOR = ";"

_FIELDS = {field.name: field for field in dataclasses.fields(StyleOptions)}


def parse_value(name: str, text: str) -> Any:
    """A CSV cell's text as the value of the option ``name`` (by the field's type).

    Numbers as numbers, ``true``/``false`` (or yes/no, 1/0) for switches, lists of weights
    separated by spaces or commas, layer lists by commas (as the flags take them), lists of
    files (masks) by semicolons, as several styles are, so a file name may hold spaces. The
    value's range is checked by :class:`~nst_core.options.StyleOptions` itself.
    """
    kind, text = field_type(_FIELDS[name])[0], text.strip()
    if kind is bool:
        truth = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
        if text.lower() not in truth:
            raise OptionError(f"{name} must be true or false, got {text!r}")
        return truth[text.lower()]
    if kind in (int, float):
        try:
            return float(text) if kind is float or not text.lstrip("+-").isdigit() else int(text)
        except ValueError:
            raise OptionError(f"{name} must be a number, got {text!r}") from None
    if typing.get_origin(kind) is tuple:
        items = typing.get_args(kind)[0]
        if items is float:
            try:
                return tuple(float(p) for p in text.replace(",", " ").split())
            except ValueError:
                raise OptionError(f"{name} must be numbers separated by spaces or commas, got {text!r}") from None
        if items is str:
            return comma_list(text)
        return tuple(_styles(text))  # files: separated as several styles are
    return text


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(row number, row)`` of a CSV or JSON Lines manifest; cells as text (CSV) or JSON values."""
    try:
        with open(path, encoding="utf-8", newline="") as file:
            if path.suffix.lower() in JSONL_SUFFIXES:
                for number, line in enumerate(file, start=1):
                    if not line.strip():
                        continue
                    try:
                        row = json.loads(line)
                    except ValueError as err:
                        raise OptionError(f"{path} row {number}: not valid JSON ({one_line(err)})") from None
                    if not isinstance(row, dict):
                        raise OptionError(f"{path} row {number}: not a JSON object of column: value")
                    yield number, row
                return
            reader = csv.DictReader(file)
            try:
                _check_columns([name.strip() for name in reader.fieldnames or [] if name.strip()])
            except OptionError as err:
                raise OptionError(f"{path} row 1 (the header): {err}") from None
            for row in reader:
                extra = row.pop(None, None)  # cells beyond the header
                if extra:
                    raise OptionError(f"{path} row {reader.line_num}: more cells than the header has columns")
                yield reader.line_num, {k.strip(): v for k, v in row.items() if k is not None and k.strip()}
    except OSError as err:
        raise NSTError(f"{path}: cannot read the manifest ({err.strerror or err})") from None
    except UnicodeDecodeError:
        raise NSTError(f"{path}: not a text file (CSV or JSON Lines, UTF-8)") from None


def _check_columns(columns: list[str]) -> None:
    """Refuse a column that is neither an input nor a StyleOptions field (OptionError)."""
    unknown = [c for c in columns if c not in _FIELDS and c not in INPUT_COLUMNS]
    if unknown:
        raise OptionError(f"unknown option {unknown[0]!r} (columns are content, style and StyleOptions fields)")


def _input(folder: Path, value: str) -> str:
    """A path of the manifest made absolute against its folder, checked to exist (URLs as they are)."""
    if is_url(value):
        return value
    path = Path(value).expanduser()
    path = path if path.is_absolute() else folder / path
    if not path.is_file():
        raise OptionError(f"{value}: no such file")
    return str(path)


def _styles(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [s.strip() for s in str(value).split(STYLE_SEPARATOR) if s.strip()]


def read_manifest(
    path: str | os.PathLike, base: StyleOptions | None = None
) -> list[tuple[str, list[str], StyleOptions]]:
    """Every row of a manifest as ``(content, styles, options)``, each row checked.

    ``base`` holds the options a row's empty or missing columns keep. Raises
    :class:`~nst_core.errors.OptionError` naming the first bad row's number: an unknown
    column, a value the option refuses, a missing photo or painting, or no rows at all.
    """
    path = Path(path).expanduser()
    base = StyleOptions() if base is None else base
    rows = []
    for number, row in _rows(path):
        try:
            _check_columns(list(row))
            if not row.get("content"):
                raise OptionError("no content photo")
            styles = _styles(row.get("style") or row.get("styles") or "")
            if not styles:
                raise OptionError("no style image")
            values = {}
            for name, value in row.items():
                if name in INPUT_COLUMNS or value is None or value == "":
                    continue
                values[name] = parse_value(name, value) if isinstance(value, str) else _from_json(value)
            _resolve_files(values, path.parent)
            options = base.replace(**values)
            content = _input(path.parent, str(row["content"]))
            rows.append((content, [_input(path.parent, s) for s in styles], options))
        except NSTError as err:
            raise OptionError(f"{path} row {number}: {one_line(err)}") from None
    if not rows:
        raise OptionError(f"{path}: no jobs in the manifest")
    return rows


def _resolve_files(values: dict[str, Any], folder: Path) -> None:
    """Mask files and an ``init`` image made absolute against the manifest's folder, checked to exist.

    Region numbers (``"1+2"``) and the named starts (``content``, ``noise``...) stay as they are.
    """
    for name in ("style_masks", "style_image_masks"):
        if name in values:
            values[name] = tuple(
                m if not isinstance(m, str) or is_region_spec(m) else _input(folder, m) for m in values[name]
            )
    init = values.get("init")
    if isinstance(init, str) and init not in INIT_CHOICES:
        values["init"] = _input(folder, init)


def _from_json(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def manifest_jobs(path: str | os.PathLike, base: StyleOptions | None = None) -> list[Job]:
    """The jobs of a manifest (see :func:`read_manifest`), with their keys; duplicates kept once."""
    digests: dict[str, str] = {}
    jobs: dict[str, Job] = {}
    for content, styles, options in read_manifest(path, base):
        job = make_job(content, styles, options, digests)
        jobs.setdefault(job.key, job)
    return list(jobs.values())
