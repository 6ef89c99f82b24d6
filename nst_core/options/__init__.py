"""Every option, declared once: type, default, help, validation, flag and notebook control.

The Python API, the command line and the notebook widgets all fill a :class:`StyleOptions`
(and, for clips, the fast network and training, a :class:`VideoOptions`, :class:`FastOptions`
or :class:`TrainOptions`). The
``nst`` commands' flags and the notebook's controls are generated from each field's
:class:`OptionSpec` (:mod:`~nst_core.options.spec`), so an option is added, defaulted,
documented and validated in exactly one place: its field.
"""

from .commands import SUBCOMMAND_STYLE_OPTIONS, style_options_for
from .fast import FastOptions
from .spec import Control, OptionSpec, option, option_fields
from .style import INIT_CHOICES, StyleOptions
from .train import TrainOptions
from .video import (
    DEFAULT_FAST_BLEND,
    DEFAULT_TEMPORAL_WEIGHT,
    MODES,
    VIDEO_PRESERVE_COLORS,
    VIDEO_STYLE_WEIGHT,
    VideoOptions,
)

__all__ = [
    "DEFAULT_FAST_BLEND",
    "DEFAULT_TEMPORAL_WEIGHT",
    "INIT_CHOICES",
    "MODES",
    "SUBCOMMAND_STYLE_OPTIONS",
    "VIDEO_PRESERVE_COLORS",
    "VIDEO_STYLE_WEIGHT",
    "Control",
    "FastOptions",
    "OptionSpec",
    "StyleOptions",
    "TrainOptions",
    "VideoOptions",
    "option",
    "option_fields",
    "style_options_for",
]
