"""The app's option controls, generated from the option spec of :mod:`nst_core.options`.

Every field of an option dataclass (:class:`~nst_core.options.StyleOptions`,
``nst_core.options.TrainOptions``...) whose :class:`~nst_core.options.OptionSpec`
has a :class:`~nst_core.options.Control` gets a widget that starts at the field's value, with
the spec's label, range and help (as its tooltip): a menu for a field with ``choices``, a
checkbox for a bool, otherwise a slider (logarithmic when ``Control.log``, whole numbers for an
int field). Adding a ``Control`` to a field is therefore enough to show it in the notebook.

Two controls are not options and stay hand-made: the blend between two styles (it becomes
``style_blend_weights``) and "continue from the current picture" (``init`` = the last result).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np

from ..errors import OptionError
from ..options import OptionSpec, option_fields

#: Sliders come first in this order (most used first, as the notebook's table of controls lists
#: them); the others follow in the spec's order. Menus keep the spec's order.
SLIDER_ORDER = ("style_weight", "content_weight", "tv_weight", "steps", "size", "style_scale")
SLIDER_WIDTH = "380px"
MENU_WIDTH = "220px"

Fields = Sequence[tuple[dataclasses.Field, OptionSpec]]


def value_type(field: dataclasses.Field) -> type:
    """``bool``, ``int`` or ``float``: what a number field holds (``int | None`` is ``int``)."""
    annotation = field.type if isinstance(field.type, str) else getattr(field.type, "__name__", str(field.type))
    names = {part.strip() for part in annotation.split("|")}
    for kind in (bool, int):
        if kind.__name__ in names:
            return kind
    return float


def control_widget(field: dataclasses.Field, spec: OptionSpec, value: Any) -> widgets.ValueWidget:
    """The widget of one option's :class:`~nst_core.options.Control`, set to ``value``."""
    control = spec.control
    if control is None:
        raise ValueError(f"{field.name} has no notebook control")
    common = {"description": control.label, "tooltip": spec.help}
    if spec.choices is not None:
        return widgets.Dropdown(
            options=spec.choices,
            value=value,
            layout=widgets.Layout(width=MENU_WIDTH),
            style={"description_width": "95px"},  # room for the longest label, "keep colours"
            **common,
        )
    kind = value_type(field)
    if kind is bool:
        return widgets.Checkbox(value=value, indent=False, **common)
    slider = {
        "continuous_update": False,
        "style": {"description_width": "100px"},
        "layout": widgets.Layout(width=SLIDER_WIDTH),
        **common,
    }
    if control.low is None or control.high is None:
        raise ValueError(f"the Control of {field.name} needs low and high for a slider")
    if control.step is not None:
        slider["step"] = control.step
    if control.log:  # low and high are values; the slider moves in decades (its step too)
        low, high = math.log10(control.low), math.log10(control.high)
        return widgets.FloatLogSlider(value=value, base=10, min=low, max=high, **slider)
    if kind is int:
        slider["step"] = int(slider.get("step", 1))
        return widgets.IntSlider(value=value, min=int(control.low), max=int(control.high), **slider)
    return widgets.FloatSlider(value=value, min=control.low, max=control.high, **slider)


class OptionControls:
    """The widgets of the options: one per controlled field, plus the style blend and "continue".

    Args:
        options: the values the controls start at. A value they cannot show is an OptionError.
            Any option dataclass (``nst_core.options.TrainOptions`` too); the blend
            applies to those with ``style_blend_weights``.
        fields: the (field, spec) pairs to build from (default: :func:`~nst_core.options.option_fields`).
        api: the function that takes every value, named in the errors for those the
            controls cannot show.

    ``widgets`` maps each field name to its widget, in the panel's order.
    """

    def __init__(self, options: Any, fields: Fields | None = None, api: str = "nst_core.stylize"):
        fields = option_fields() if fields is None else fields
        self.api = api
        controlled = [(field, spec) for field, spec in fields if spec.control is not None]
        self.specs: dict[str, tuple[dataclasses.Field, OptionSpec]] = {
            field.name: (field, spec) for field, spec in sorted(controlled, key=_panel_position(controlled))
        }
        # Before any widget exists: a slider would clamp a value outside it, a menu raise a TraitError.
        self.check(options)
        self.widgets: dict[str, widgets.ValueWidget] = {
            name: control_widget(field, spec, getattr(options, name)) for name, (field, spec) in self.specs.items()
        }
        blend = getattr(options, "style_blend_weights", None)
        self.blend = widgets.FloatSlider(
            value=blend[1] / sum(blend) if blend and len(blend) == 2 else 0.5,
            min=0.0,
            max=1.0,
            step=0.05,
            description="blend → style 2",
            tooltip="with a second style, how much of it: 0 only the first style, 1 only the second",
            continuous_update=False,
            style={"description_width": "100px"},
            layout=widgets.Layout(width=SLIDER_WIDTH),
        )
        self.from_current = widgets.Checkbox(value=False, description="continue from the current picture", indent=False)

    def rows(self) -> list[widgets.Widget]:
        """The panel, top to bottom: sliders, the blend, menus two to a row, checkboxes, "continue"."""
        menus = [w for w in self.widgets.values() if isinstance(w, widgets.Dropdown)]
        boxes = [w for w in self.widgets.values() if isinstance(w, widgets.Checkbox)]
        sliders = [w for w in self.widgets.values() if not isinstance(w, widgets.Dropdown | widgets.Checkbox)]
        pairs = [menus[i : i + 2] for i in range(0, len(menus), 2)]
        menu_rows = [widgets.HBox(pair) if len(pair) == 2 else pair[0] for pair in pairs]
        return [*sliders, self.blend, *menu_rows, *boxes, self.from_current]

    def options(self, base: Any, two_styles: bool = False, current: np.ndarray | None = None) -> Any:
        """``base`` with every controlled field set from its widget (validated).

        ``two_styles``: a second style is chosen, so the blend slider applies. ``current``: the
        last result, the start when "continue from the current picture" is ticked.
        """
        values = {name: self._value(name) for name in self.widgets}
        if self.from_current.value and current is not None and "init" in values:
            values["init"] = current
        if not hasattr(base, "style_blend_weights"):
            return base.replace(**values)
        blend = float(self.blend.value)
        return base.replace(**values, style_blend_weights=(1.0 - blend, blend) if two_styles else None)

    def check(self, options: Any, check_init: bool = True) -> None:
        """Raise OptionError for a value the controls cannot show, instead of changing it.

        A slider clamps a value outside its range, which would silently change the run
        (``tv_weight=0`` would become 0.001, ``size=2000`` 1024); the app has no control for an
        image as ``init`` or for more than two styles. ``nst_core.stylize`` (:attr:`api`)
        takes all of these.
        The log sliders show a value to the nearest tenth of a decade (0.3 reads 0.316);
        the run uses the value given. ``check_init=False`` passes any ``init`` (the current
        picture, when "continue from the current picture" is ticked).
        """
        for name, (_field, spec) in self.specs.items():
            control, value = spec.control, getattr(options, name)
            if spec.choices is not None:
                if name == "init" and not check_init:
                    continue
                if not (isinstance(value, str | int | float) and value in spec.choices):
                    hint = (
                        f"an image start needs {self.api}, or 'continue from the current picture'"
                        if name == "init"
                        else f"use {self.api} for other values"
                    )
                    choices = ", ".join(str(choice) for choice in spec.choices)
                    raise OptionError(f"{name} must be one of {choices} in the notebook app ({hint})")
            elif (
                control is not None
                and control.low is not None
                and control.high is not None
                and (value is None or not control.low <= value <= control.high)
            ):
                shown = f"{value:g}" if isinstance(value, float) else str(value)
                raise OptionError(
                    f"{name}={shown} is outside the notebook's slider ({control.low:g} to {control.high:g});"
                    f" use {self.api} for other values"
                )
        blend = getattr(options, "style_blend_weights", None)
        if blend is not None and len(blend) != 2:
            raise OptionError(
                f"style_blend_weights has {len(blend)} values; the notebook app blends two styles"
                f" (use {self.api} for more)"
            )

    def show(self, options: Any, set_init: bool) -> None:
        """Move the controls to ``options`` (already checked with :meth:`check`).

        ``set_init``: a start asked for now, which also unticks "continue from the current picture".
        """
        for name, widget in self.widgets.items():
            if name != "init" or set_init:
                widget.value = getattr(options, name)
        if getattr(options, "style_blend_weights", None):
            self.blend.value = options.style_blend_weights[1] / sum(options.style_blend_weights)
        if set_init:
            self.from_current.value = False

    def _value(self, name: str) -> Any:
        field, spec = self.specs[name]
        value = self.widgets[name].value
        return value if spec.choices is not None else value_type(field)(value)


def _panel_position(fields: Fields):
    declared = {field.name: index for index, (field, _spec) in enumerate(fields)}

    def position(pair: tuple[dataclasses.Field, OptionSpec]) -> int:
        name = pair[0].name
        return SLIDER_ORDER.index(name) if name in SLIDER_ORDER else len(SLIDER_ORDER) + declared[name]

    return position
