"""Which run options each subcommand takes, and what differs there."""

from __future__ import annotations

from typing import Any

from .style import StyleOptions
from .video import VIDEO_PRESERVE_COLORS, VIDEO_STYLE_WEIGHT

#: The StyleOptions fields ``nst video`` and ``nst fast`` offer (``nst`` offers all of them),
#: each with what differs there: its ``"default"``, or OptionSpec attributes (``"help"``, ...).
SUBCOMMAND_STYLE_OPTIONS: dict[str, dict[str, dict[str, Any]]] = {
    "video": {
        "size": {"default": 256, "help": "longest side of the frames, in pixels"},
        "steps": {"default": 50, "help": "optimisation steps per frame"},
        "content_weight": {},
        "style_weight": {"default": VIDEO_STYLE_WEIGHT},
        "tv_weight": {},
        "style_scale": {},
        "optimizer": {},
        "style_loss": {},
        "preserve_colors": {
            "choices": VIDEO_PRESERVE_COLORS,
            "help": "keep the clip's colours: histogram (the style recoloured to the first frame's palette)",
        },
        "precision": {},
    },
    "fast": {
        **{name: {"group": "fast network"} for name in ("size", "style_blend_weights", "preserve_colors")},
        **{name: {} for name in ("style_masks", "regions", "mask_feather")},
    },
}

#: The commands :func:`style_options_for` knows: plain ``nst``, and each subcommand with defaults of its own.
COMMANDS_WITH_DEFAULTS = ("nst",) + tuple(
    command
    for command, fields in SUBCOMMAND_STYLE_OPTIONS.items()
    if any("default" in field for field in fields.values())
)


def style_options_for(command: str, **changes: Any) -> StyleOptions:
    """The StyleOptions that ``nst COMMAND`` starts from, with ``changes`` made.

    A subcommand's own defaults (:data:`SUBCOMMAND_STYLE_OPTIONS`) hold in the Python API and
    the notebooks too, so that a clip painted from Python is painted as ``nst video`` paints it:
    fewer steps a frame, at the strength its temporal loss was measured at.

    Args:
        command: ``"nst"`` (plain ``nst``: every StyleOptions default) or ``"video"``.
            ``nst fast`` takes :class:`~nst_core.options.FastOptions`; a clip in fast mode is
            ``"video"``.
        changes: StyleOptions fields to set, checked as StyleOptions checks them.
    """
    if command not in COMMANDS_WITH_DEFAULTS:
        raise ValueError(f"command must be one of {', '.join(COMMANDS_WITH_DEFAULTS)}, got {command!r}")
    defaults = {
        name: spec["default"] for name, spec in SUBCOMMAND_STYLE_OPTIONS.get(command, {}).items() if "default" in spec
    }
    return StyleOptions(**{**defaults, **changes})
