"""The options of the fast feed-forward network: :class:`FastOptions`."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import OptionError
from ..fast import BACKENDS, check_strength
from .spec import Control, option


@dataclass(frozen=True)
class FastOptions:
    """What ``nst fast`` and :func:`~nst_core.fast.fast_stylize` add to StyleOptions.

    Attributes:
        strength: 0 keeps the content's look, 1 is the full style (the style vector is
            interpolated from the content's own, Ghiasi et al. 2017).
        model: the network's location, as :func:`~nst_core.fast.load_fast_model`.
        backend: ``"auto"`` (by what ``model`` is), ``"hub"`` or ``"lite"``.
    """

    strength: float = option(
        1.0,
        "0 keeps the content's look, 1 is the full style",
        "fast network",
        control=Control("strength", 0.0, 1.0, 0.05),
    )
    model: str | None = option(
        None,
        "Hub handle or URL, SavedModel folder, .tflite folder, 'predict.tflite,transfer.tflite', or a network"
        " of nst train (X.keras or X.tflite, which paints its own style: give no STYLE)"
        " (default: $NST_FAST_MODEL, else the .tflite pair in $NST_MODELS_DIR, else TensorFlow Hub)."
        " A SavedModel runs its own code as it loads: load only models you trust; share .tflite files",
        "fast network",
    )
    backend: str = option("auto", "auto picks by what --model is", "fast network", choices=BACKENDS)

    def __post_init__(self) -> None:
        object.__setattr__(self, "strength", check_strength(self.strength))
        if self.backend not in BACKENDS:
            raise OptionError(f"backend must be one of {', '.join(BACKENDS)}, got {self.backend!r}")
