"""Every option of a style-transfer run, in one frozen dataclass.

The Python API, the command line and the notebook widgets all fill a ``StyleOptions``, so
an option is added, defaulted, documented and validated in exactly one place.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass
from typing import Any

from .color import check_preserve_colors
from .errors import OptionError
from .losses import STYLE_LOSSES
from .optimize import DEFAULT_LBFGS_HISTORY, OPTIMIZERS
from .precision import check_precision
from .vgg import DEFAULT_CONTENT_LAYERS, DEFAULT_STYLE_LAYERS, POOLING, check_layers

INIT_CHOICES = ("content", "noise", "style", "fast")


@dataclass(frozen=True)
class StyleOptions:
    """Options of :func:`nst_core.stylize`; defaults give a good picture.

    Attributes:
        size: longest side of the result, in pixels.
        steps: optimisation steps (each one VGG19 forward and backward pass).
        content_weight: weight of the content loss (dimensionless).
        style_weight: weight of the style loss; raise it for a stronger style.
        tv_weight: weight of the total-variation (smoothness) loss; 0 turns it off.
        style_blend_weights: with several style images, their relative weights
            (default equal).
        style_scale: size of the style image relative to ``size``; smaller values give
            smaller brush strokes.
        style_layer_weights: relative weights of ``style_layers`` (default equal).
        optimizer: ``"lbfgs"`` or ``"adam"``.
        learning_rate: step size; None picks the optimiser's default.
        lbfgs_history: L-BFGS memory, in (step, gradient change) pairs.
        init: start from ``"content"``, ``"noise"``, ``"style"``, ``"fast"`` (the fast
            network's result, see :mod:`~nst_core.fast`, so fewer steps finish it), or any
            image (path, URL, array...).
        seed: makes noise initialisation, and so the whole run, repeat exactly on CPU.
        preserve_colors: ``"none"``, ``"luminance"`` (style transfer on luminance only) or
            ``"histogram"`` (style recoloured to the content's palette first).
        pooling: ``"max"`` or ``"avg"`` pooling in VGG19.
        content_layers, style_layers: VGG19 layer names the losses read.
        pyramid_levels: scales of coarse-to-fine optimisation (Gatys et al. 2017), each
            twice the side of the previous; 1 optimises at ``size`` only. None (default):
            :data:`~nst_core.pyramid.DEFAULT_PYRAMID_LEVELS` where the coarsest scale keeps at
            least 64 px, fewer below (a half-size start paints larger strokes, and costs a
            quarter per step).
        pyramid_start_size: longest side of the coarsest scale, in pixels (default
            ``size / 2**(levels - 1)``).
        jit_compile: compile the VGG19 pass with XLA.
        lbfgs_safeguard: L-BFGS backtracks a step that raised the loss rather than keeping it.
        style_loss: how the style's statistics are matched: ``"gram"`` (Gram matrices,
            Gatys et al. 2016) or ``"sliced"`` (the whole feature distribution, by the sliced
            Wasserstein distance of Heitz et al. 2021). See :mod:`~nst_core.losses`.
        precision: ``"float32"`` or ``"mixed"``: VGG19 in 16 bits where the device is fast at
            it (float16 on older GPUs, bfloat16 on newer ones and on CPUs with AVX512_BF16/AMX,
            float32 elsewhere; see :mod:`~nst_core.precision`); losses and pixels stay float32.
    """

    size: int = 512
    steps: int = 300
    content_weight: float = 1.0
    style_weight: float = 10.0
    tv_weight: float = 1.0
    style_blend_weights: tuple[float, ...] | None = None
    style_scale: float = 1.0
    style_layer_weights: tuple[float, ...] | None = None
    optimizer: str = "lbfgs"
    learning_rate: float | None = None
    lbfgs_history: int = DEFAULT_LBFGS_HISTORY
    init: Any = "content"
    seed: int | None = None
    preserve_colors: str = "none"
    pooling: str = "max"
    content_layers: tuple[str, ...] = DEFAULT_CONTENT_LAYERS
    style_layers: tuple[str, ...] = DEFAULT_STYLE_LAYERS
    pyramid_levels: int | None = None
    pyramid_start_size: int | None = None
    jit_compile: bool = False
    lbfgs_safeguard: bool = True
    precision: str = "mixed"
    style_loss: str = "gram"

    def __post_init__(self) -> None:
        _whole(self, "size", minimum=16)
        _whole(self, "steps", minimum=0)
        _whole(self, "lbfgs_history", minimum=1)
        for name in ("content_weight", "style_weight", "tv_weight"):
            _number(self, name, minimum=0.0)
        _number(self, "style_scale", minimum=0.0, strict=True)
        if self.learning_rate is not None:
            _number(self, "learning_rate", minimum=0.0, strict=True)
        if self.seed is not None:
            _whole(self, "seed", minimum=0)
        if self.pyramid_levels is not None:
            _whole(self, "pyramid_levels", minimum=1)
        if self.pyramid_start_size is not None:
            _whole(self, "pyramid_start_size", minimum=32)
            if self.pyramid_start_size >= self.size:
                raise OptionError(
                    f"pyramid_start_size ({self.pyramid_start_size}) must be smaller than size ({self.size})"
                )
        for name in ("jit_compile", "lbfgs_safeguard"):
            if not isinstance(getattr(self, name), bool):
                raise OptionError(f"{name} must be True or False, got {getattr(self, name)!r}")
        if self.optimizer not in OPTIMIZERS:
            raise OptionError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, got {self.optimizer!r}")
        if self.pooling not in POOLING:
            raise OptionError(f"pooling must be one of {', '.join(POOLING)}, got {self.pooling!r}")
        check_precision(self.precision)
        if self.style_loss not in STYLE_LOSSES:
            raise OptionError(f"style_loss must be one of {', '.join(STYLE_LOSSES)}, got {self.style_loss!r}")
        object.__setattr__(self, "preserve_colors", check_preserve_colors(self.preserve_colors))
        for name in ("content_layers", "style_layers"):
            layers = getattr(self, name)
            layers = (layers,) if isinstance(layers, str) else tuple(layers)
            if not layers:
                raise OptionError(f"{name} must name at least one VGG19 layer")
            object.__setattr__(self, name, check_layers(layers))
        for name in ("style_blend_weights", "style_layer_weights"):
            weights = getattr(self, name)
            if weights is not None:
                weights = tuple(float(w) for w in weights)
                if any(w < 0 or not math.isfinite(w) for w in weights) or sum(weights) <= 0:
                    raise OptionError(f"{name} must be >= 0 with a positive sum, got {list(weights)}")
                object.__setattr__(self, name, weights)
        if self.style_layer_weights is not None and len(self.style_layer_weights) != len(self.style_layers):
            raise OptionError(
                f"style_layer_weights has {len(self.style_layer_weights)} values for"
                f" {len(self.style_layers)} style layers"
            )
        if isinstance(self.init, str) and self.init in INIT_CHOICES:
            return
        if self.init is None:
            raise OptionError(f"init must be one of {', '.join(INIT_CHOICES)} or an image")

    def optimizer_settings(self) -> dict[str, Any]:
        """The keyword arguments of :func:`~nst_core.optimize.optimize_image` these options set."""
        return {
            "optimizer": self.optimizer,
            "learning_rate": self.learning_rate,
            "lbfgs_history": self.lbfgs_history,
            "jit_compile": self.jit_compile,
            "lbfgs_safeguard": self.lbfgs_safeguard,
        }

    def replace(self, **changes: Any) -> StyleOptions:
        """A copy with some options changed (validated again)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise OptionError(f"unknown option(s): {', '.join(sorted(unknown))}")
        return dataclasses.replace(self, **changes)


def _whole(options: StyleOptions, name: str, minimum: int) -> None:
    value = getattr(options, name)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or int(value) != value or value < minimum:
        raise OptionError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    object.__setattr__(options, name, int(value))


def _number(options: StyleOptions, name: str, minimum: float, strict: bool = False) -> None:
    value = getattr(options, name)
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    ok = ok and (value > minimum if strict else value >= minimum)
    if not ok:
        relation = ">" if strict else ">="
        raise OptionError(f"{name} must be a number {relation} {minimum:g}, got {value!r}")
    object.__setattr__(options, name, float(value))
