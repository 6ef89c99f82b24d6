"""The app's option controls come from the option spec: each Control is a widget that sets its field."""

from __future__ import annotations

import dataclasses
import math

import ipywidgets as widgets
import pytest

import nst_core
from nst_core.notebook import controls
from nst_core.notebook.app import StyleApp
from nst_core.options import Control, StyleOptions, option_fields

from ..helpers import IMAGES


def make_app(options: StyleOptions | None = None) -> StyleApp:
    return StyleApp(stylize=lambda *args, **kwargs: None, options=options, samples_dir=IMAGES, background=False)


def shown_widgets(root: widgets.Widget) -> list[widgets.Widget]:
    """Every widget in the tree the app displays."""
    found = [root]
    for child in getattr(root, "children", ()):
        found += shown_widgets(child)
    return found


def another_value(widget: widgets.ValueWidget, spec) -> object:
    """A value the widget can take that differs from its current one."""
    if spec.choices is not None:
        return next(choice for choice in spec.choices if choice != widget.value)
    if isinstance(widget, widgets.Checkbox):
        return not widget.value
    return spec.control.high  # no default sits at the top of its range


def test_every_option_with_a_control_is_a_widget_built_from_its_spec():
    app = make_app()
    controlled = [(field, spec) for field, spec in option_fields() if spec.control is not None]
    assert len(controlled) >= 11
    shown = shown_widgets(app.widget)
    for field, spec in controlled:
        widget, control = getattr(app, field.name), spec.control
        assert any(widget is w for w in shown), f"{field.name} is not displayed"
        assert (widget.description, widget.tooltip) == (control.label, spec.help)
        assert widget.value == getattr(StyleOptions(), field.name)
        if spec.choices is not None:
            assert isinstance(widget, widgets.Dropdown) and tuple(widget.options) == tuple(spec.choices)
        elif control.log:
            assert isinstance(widget, widgets.FloatLogSlider) and widget.base == 10
            assert 10**widget.min == pytest.approx(control.low) and 10**widget.max == pytest.approx(control.high)
            assert widget.step == pytest.approx(control.step)
        else:
            kind = widgets.IntSlider if isinstance(field.default, int) else widgets.FloatSlider
            assert type(widget) is kind, field.name
            assert (widget.min, widget.max, widget.step) == pytest.approx((control.low, control.high, control.step))

        new = another_value(widget, spec)
        widget.value = new
        assert getattr(app.options(), field.name) == pytest.approx(new), f"{field.name} does not reach options()"


def test_the_panel_lists_the_controls_as_the_notebook_describes_them():
    app = make_app()
    labels = [w.description for w in shown_widgets(app.widget) if getattr(w, "description", "")]
    sliders = ["style strength", "content weight", "TV weight", "steps", "size (px)", "style scale", "blend → style 2"]
    menus = ["optimiser", "start from", "keep colours", "precision", "style loss"]
    assert [label for label in labels if label in sliders + menus] == sliders + menus


def test_a_control_added_to_an_options_spec_is_enough_to_show_it(monkeypatch):
    added = {
        "lbfgs_history": Control("L-BFGS memory", 1, 300, 1),
        "pooling": Control("pooling"),
        "jit_compile": Control("XLA"),
    }
    fields = [
        (field, dataclasses.replace(spec, control=added[field.name]) if field.name in added else spec)
        for field, spec in option_fields()
    ]
    monkeypatch.setattr(controls, "option_fields", lambda: fields)
    app = make_app()
    shown = shown_widgets(app.widget)
    for name in added:
        assert any(getattr(app, name) is w for w in shown), f"{name} is not displayed"
    assert isinstance(app.lbfgs_history, widgets.IntSlider) and (app.lbfgs_history.min, app.lbfgs_history.max) == (
        1,
        300,
    )
    assert isinstance(app.pooling, widgets.Dropdown) and isinstance(app.jit_compile, widgets.Checkbox)

    app.lbfgs_history.value, app.pooling.value, app.jit_compile.value = 7, "avg", True
    chosen = app.options()
    assert (chosen.lbfgs_history, chosen.pooling, chosen.jit_compile) == (7, "avg", True)
    app.set_options(lbfgs_history=250, pooling="max")
    assert (app.lbfgs_history.value, app.pooling.value) == (250, "max")
    with pytest.raises(nst_core.OptionError, match="^lbfgs_history=500 is outside the notebook's slider"):
        app.set_options(lbfgs_history=500)


def test_a_log_slider_spans_the_decades_of_its_values(monkeypatch):
    fields = [
        (field, dataclasses.replace(spec, control=Control("lr", 1e-4, 10.0, 0.5, log=True)))
        if field.name == "learning_rate"
        else (field, spec)
        for field, spec in option_fields()
    ]
    monkeypatch.setattr(controls, "option_fields", lambda: fields)
    app = make_app(StyleOptions(learning_rate=0.01))
    assert (app.learning_rate.min, app.learning_rate.max) == (math.log10(1e-4), 1.0)
    app.learning_rate.value = 1.0
    assert app.options().learning_rate == 1.0
