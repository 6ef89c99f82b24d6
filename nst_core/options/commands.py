"""Which run options each subcommand takes, and what differs there."""

from __future__ import annotations

from typing import Any

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
