"""Command-line flags generated from the option spec of :mod:`nst_core.options`.

Each field of an options dataclass becomes one flag, ``OptionSpec.flag(name)`` (its name
with dashes), plus the spec's short form and older spellings, in the ``--help`` section its
spec names. The argument's type follows the field's annotation:

* ``int``, ``float`` (``| None``: no default): one number;
* ``bool``: ``--x`` / ``--no-x``;
* ``str`` with spec choices: one of them; ``str`` alone and ``Any``: any text (an ``Any``
  field's choices are only shown, as ``init`` also takes an image file);
* ``tuple[float, ...]``: several numbers; ``tuple[str, ...]``: a comma-separated list;
  ``tuple[Any, ...]``: several texts (files, URLs).

Parsed values land under the field's own name, so :func:`option_values` turns them back
into the dataclass's keyword arguments without a list of names to keep in step.
"""

from __future__ import annotations

import argparse
import dataclasses
import typing
from collections.abc import Iterable, Mapping
from typing import Any

from ..options import OptionSpec
from ..options.spec import comma_list, field_type

Fields = Iterable[tuple[dataclasses.Field, OptionSpec]]


def _default(field: dataclasses.Field) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    raise TypeError(f"option {field.name} has no default")


def _shown(value: Any) -> str:
    """A default as ``--help`` writes it: 10 not 10.0, lists with commas."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def _argument(field: dataclasses.Field, spec: OptionSpec, default: Any) -> tuple[list[str], dict[str, Any]]:
    """The option strings and ``add_argument`` keywords of one field."""
    kind, _ = field_type(field)
    names = ([spec.short] if spec.short else []) + [OptionSpec.flag(field.name), *spec.aliases]
    help_text = spec.help
    if default is not None and "(default" not in help_text:
        help_text += f" (default: {_shown(default)})"
    keywords: dict[str, Any] = {"dest": field.name, "default": default, "help": help_text.replace("%", "%%")}
    if spec.metavar:
        keywords["metavar"] = spec.metavar
    if kind is bool:
        keywords["action"] = argparse.BooleanOptionalAction
    elif kind in (int, float):
        keywords["type"] = kind
    elif kind is str:
        if spec.choices is not None:
            keywords["choices"] = spec.choices
    elif kind is Any:
        pass  # text; the spec's choices are shown by its metavar, not enforced
    elif typing.get_origin(kind) is tuple and typing.get_args(kind) == (float, ...):
        keywords.update(type=float, nargs="+")
    elif typing.get_origin(kind) is tuple and typing.get_args(kind) == (Any, ...):
        keywords["nargs"] = "+"  # several texts (files, URLs...), one per value
    elif typing.get_origin(kind) is tuple and typing.get_args(kind) == (str, ...):
        keywords["type"] = comma_list
    else:
        raise TypeError(f"option {field.name}: no flag for the type {field.type}")
    return names, keywords


def add_option_flags(
    parser: argparse.ArgumentParser, fields: Fields, overrides: Mapping[str, Mapping[str, Any]] | None = None
) -> None:
    """Add a flag for each (field, spec) of ``fields`` to ``parser``, in its spec's group.

    Each call makes its own groups: pass every field a command takes in one call.

    ``overrides`` maps a field's name to what differs in this command: ``"default"`` and any
    :class:`~nst_core.options.OptionSpec` attribute (``"help"``, ``"choices"``...).
    """
    groups: dict[str, Any] = {}  # title -> argument group
    for field, spec in fields:
        changes = dict((overrides or {}).get(field.name, {}))
        default = changes.pop("default", _default(field))
        spec = dataclasses.replace(spec, **changes)
        if spec.group not in groups:
            groups[spec.group] = parser.add_argument_group(spec.group)
        names, keywords = _argument(field, spec, default)
        groups[spec.group].add_argument(*names, **keywords)


def option_values(args: argparse.Namespace, options_class: type) -> dict[str, Any]:
    """The keyword arguments of ``options_class`` that ``args`` holds (the flags its parser had)."""
    values = {}
    for field in dataclasses.fields(options_class):
        if hasattr(args, field.name):
            value = getattr(args, field.name)
            values[field.name] = tuple(value) if isinstance(value, list) else value
    return values
