"""The option spec: how each option meets users (help, flag, notebook control), and checks of values.

Every option set (:class:`~nst_core.options.StyleOptions`, :class:`~nst_core.options.VideoOptions`,
:class:`~nst_core.options.FastOptions`) is a frozen dataclass whose fields carry an
:class:`OptionSpec` in their metadata; the command line's parsers (:mod:`nst_core.cli.flags`)
and the notebook's controls (:mod:`nst_core.notebook.controls`) are generated from
:func:`option_fields`.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import types
import typing
from dataclasses import dataclass
from typing import Any

from ..errors import OptionError


@dataclass(frozen=True)
class Control:
    """The notebook control of an option: a slider for numbers, a menu for choices.

    Attributes:
        label: the control's description, short enough for the widget (about 15 characters).
        low, high, step: slider range and step (in the option's units); unused for a menu.
        log: a logarithmic slider (``low`` and ``high`` then span decades; ``step`` is in
            decades), for weights whose useful values span several orders of magnitude.
    """

    label: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    log: bool = False


@dataclass(frozen=True)
class OptionSpec:
    """How users meet one option: its help, command-line flag and notebook control.

    Attributes:
        help: one sentence for ``--help``, the docs and the control's tooltip.
        group: the ``--help`` section it is listed under.
        short: a one-letter flag (``"-s"``), if any.
        metavar: how ``--help`` shows its value.
        aliases: older spellings of the flag that keep working (``"--pyramid"``).
        choices: the values it takes, when it is one of a few names.
        control: its notebook control, or None when the notebook does not show it.
    """

    help: str
    group: str
    short: str | None = None
    metavar: str | None = None
    aliases: tuple[str, ...] = ()
    choices: tuple[Any, ...] | None = None
    control: Control | None = None

    @staticmethod
    def flag(name: str) -> str:
        """The command-line flag of the field ``name``: its name with dashes (``--style-weight``)."""
        return "--" + name.replace("_", "-")


def option(default: Any, help: str, group: str, **spec: Any) -> Any:
    """A dataclass field with its :class:`OptionSpec` in the field's metadata."""
    return dataclasses.field(default=default, metadata={"spec": OptionSpec(help=help, group=group, **spec)})


def option_fields(options_class: type | None = None) -> list[tuple[dataclasses.Field, OptionSpec]]:
    """Every field of ``options_class`` (default :class:`StyleOptions`) with its :class:`OptionSpec`.

    In declaration order. The command line's parsers and the notebook's controls are
    generated from this list, so an option added to :class:`StyleOptions` (or
    :class:`VideoOptions`, :class:`FastOptions`) reaches every front end.
    """
    if options_class is None:
        from .style import StyleOptions  # here, since StyleOptions is built on this module

        options_class = StyleOptions
    fields = dataclasses.fields(options_class)
    return [(field, field.metadata["spec"]) for field in fields]


def plain_values(options: Any) -> dict[str, Any]:
    """An option set's values as JSON-ready plain data (tuples as lists), by field name.

    For the records that say what a result was made with (a batch job's, a training run's).
    """
    return {f.name: _plain(getattr(options, f.name)) for f in dataclasses.fields(options)}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)  # for example an array given as init: not JSON


def field_type(field: dataclasses.Field) -> tuple[Any, bool]:
    """An option field's type without ``| None``, and whether None is allowed.

    The annotations are strings (``from __future__ import annotations``) of builtins and
    ``Any``; the command line's flags and a batch manifest's cells are parsed by this type.
    """
    kind = field.type
    if isinstance(kind, str):
        kind = eval(kind, {"Any": Any})  # noqa: S307 - our own dataclasses' annotations
    args = typing.get_args(kind)
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1:
            raise TypeError(f"option {field.name}: no single type in {field.type}")
        return rest[0], True
    return kind, False


def comma_list(text: str) -> tuple[str, ...]:
    """``"a, b,c"`` -> ``("a", "b", "c")``: layer names and the like, as the shell passes them."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


#: Largest number a weight, learning rate or other float option may be: far beyond any useful
#: value, and small enough that it times a loss of about 1 stays finite in float32 (3.4e38).
MAX_NUMBER = 1e30
#: Largest whole-number option (sizes, steps, seeds) that is not limited by its own meaning.
MAX_WHOLE = 2**31 - 1


def whole(options: Any, name: str, minimum: int, maximum: int = MAX_WHOLE) -> None:
    """Check that the field ``name`` of ``options`` is a whole number in [minimum, maximum]; store it as int."""
    value = getattr(options, name)
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not float(value).is_integer()
        or not minimum <= float(value) <= maximum
    ):
        raise OptionError(f"{name} must be a whole number from {minimum} to {maximum}, got {value!r}")
    object.__setattr__(options, name, int(float(value)))


def number(options: Any, name: str, minimum: float, strict: bool = False, maximum: float = MAX_NUMBER) -> None:
    """Check that the field ``name`` of ``options`` is a number above ``minimum`` and at most ``maximum``.

    ``strict``: strictly above ``minimum``. Stores the value as a float.
    """
    value = getattr(options, name)
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    ok = ok and (value > minimum if strict else value >= minimum) and value <= maximum
    if not ok:
        relation = ">" if strict else ">="
        raise OptionError(f"{name} must be a number {relation} {minimum:g} and at most {maximum:g}, got {value!r}")
    object.__setattr__(options, name, float(value))
