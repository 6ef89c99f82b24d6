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


def style_options_for(command: str, **changes: Any) -> StyleOptions:
    """The StyleOptions that ``nst COMMAND`` starts from, with ``changes`` made.

    A subcommand's own defaults (:data:`SUBCOMMAND_STYLE_OPTIONS`) hold in the Python API and
    the notebooks too: a clip's frames get ``nst video``'s 50 steps at strength 10 there as
    well, not a picture's 300 at 20, which would take six times as long per frame.

    Args:
        command: ``"stylize"`` (plain ``nst``: every StyleOptions default), ``"video"`` or ``"fast"``.
        changes: StyleOptions fields to set, checked as StyleOptions checks them.
    """
    if command != "stylize" and command not in SUBCOMMAND_STYLE_OPTIONS:
        raise ValueError(f"command must be stylize or one of {', '.join(SUBCOMMAND_STYLE_OPTIONS)}, got {command!r}")
    defaults = {
        name: spec["default"] for name, spec in SUBCOMMAND_STYLE_OPTIONS.get(command, {}).items() if "default" in spec
    }
    return StyleOptions(**{**defaults, **changes})
