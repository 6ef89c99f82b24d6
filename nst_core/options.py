"""Every option of a style-transfer run, declared once: type, default, help, validation.

The Python API, the command line and the notebook widgets all fill a :class:`StyleOptions`
(and, for clips and the fast network, a :class:`VideoOptions` or :class:`FastOptions`); the
``nst`` commands' flags and the notebook's controls are generated from each field's
:class:`OptionSpec`, so an option is added, defaulted, documented and validated in exactly
one place. The module is longer than 300 lines because it is that one place: the three
option sets and what each command takes from them sit together.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass
from typing import Any

from .engine.choices import (
    DEFAULT_CONTENT_LAYERS,
    DEFAULT_LBFGS_HISTORY,
    DEFAULT_PYRAMID_LEVELS,
    DEFAULT_STYLE_LAYERS,
    MIN_PYRAMID_SIZE,
    OPTIMIZERS,
    POOLING,
    STYLE_LOSSES,
    check_layers,
)
from .engine.color import PRESERVE_COLORS, check_preserve_colors
from .engine.precision import PRECISIONS, check_precision
from .engine.weights import check_weights
from .errors import OptionError
from .fast import BACKENDS, check_strength

INIT_CHOICES = ("content", "noise", "style", "fast")
#: How ``stylize_video`` paints each frame: optimisation (Gatys) or the fast network.
MODES = ("optimize", "fast")
#: Weight of the temporal loss, a mean squared difference in [0, 1] pixel units (about 1e-3
#: between a frame and its warped predecessor), against the relative content and style terms
#: of :mod:`nst_core.engine.losses` (about 1 together at the defaults): with it the warp error is
#: 59-78% below warm start alone (``benchmarks/results/video_consistency.md``).
DEFAULT_TEMPORAL_WEIGHT = 500.0
#: Fast mode: share of the warped previous stylised frame mixed into reliable pixels.
DEFAULT_FAST_BLEND = 0.5
#: Colour preservation a clip takes (luminance transfer is per frame and flickers).
VIDEO_PRESERVE_COLORS = tuple(choice for choice in PRESERVE_COLORS if choice != "luminance")


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


def _option(default: Any, help: str, group: str, **spec: Any) -> Any:
    """A dataclass field with its :class:`OptionSpec` in the field's metadata."""
    return dataclasses.field(default=default, metadata={"spec": OptionSpec(help=help, group=group, **spec)})


def option_fields(options_class: type | None = None) -> list[tuple[dataclasses.Field, OptionSpec]]:
    """Every field of ``options_class`` (default :class:`StyleOptions`) with its :class:`OptionSpec`.

    In declaration order. The command line's parsers and the notebook's controls are
    generated from this list, so an option added to :class:`StyleOptions` (or
    :class:`VideoOptions`, :class:`FastOptions`) reaches every front end.
    """
    fields = dataclasses.fields(StyleOptions if options_class is None else options_class)
    return [(field, field.metadata["spec"]) for field in fields]


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
            :data:`~nst_core.engine.choices.DEFAULT_PYRAMID_LEVELS` where the coarsest scale keeps at
            least 64 px, fewer below (a half-size start paints larger strokes, and costs a
            quarter per step).
        pyramid_start_size: longest side of the coarsest scale, in pixels (default
            ``size / 2**(levels - 1)``).
        jit_compile: compile the VGG19 pass with XLA.
        lbfgs_safeguard: L-BFGS backtracks a step that raised the loss rather than keeping it.
        style_loss: how the style's statistics are matched: ``"gram"`` (Gram matrices,
            Gatys et al. 2016) or ``"sliced"`` (the whole feature distribution, by the sliced
            Wasserstein distance of Heitz et al. 2021). See :mod:`~nst_core.engine.losses`.
        precision: ``"float32"`` or ``"mixed"``: VGG19 in 16 bits where the device is fast at
            it (float16 on older GPUs, bfloat16 on newer ones and on CPUs with AVX512_BF16/AMX,
            float32 elsewhere; see :mod:`~nst_core.engine.precision`); losses and pixels stay float32.
    """

    size: int = _option(
        512,
        "longest side of the result, in pixels",
        "size and steps",
        short="-s",
        control=Control("size (px)", 64, 1024, 1),
    )
    steps: int = _option(
        300,
        "optimisation steps (each one VGG19 pass forward and back)",
        "size and steps",
        short="-n",
        control=Control("steps", 0, 1000, 1),
    )
    content_weight: float = _option(
        1.0,
        "how closely the result keeps the photo's shapes",
        "weights (higher means more of it)",
        control=Control("content weight", 0.01, 100, 0.1, log=True),
    )
    style_weight: float = _option(
        10.0,
        "style strength, the same for every painting: about 1 a light texture, 10 a strong style that keeps"
        " the scene readable, 100 the painting's texture over most of the photo",
        "weights (higher means more of it)",
        control=Control("style strength", 0.1, 1000, 0.1, log=True),
    )
    tv_weight: float = _option(
        1.0,
        "smoothness (total variation); 0 turns it off",
        "weights (higher means more of it)",
        control=Control("TV weight", 0.001, 100, 0.1, log=True),
    )
    style_blend_weights: tuple[float, ...] | None = _option(
        None, "relative weight of each style image (default: equal)", "weights (higher means more of it)", metavar="W"
    )
    style_scale: float = _option(
        1.0,
        "size of the style image relative to size; smaller gives finer brush strokes",
        "size and steps",
        control=Control("style scale", 0.25, 2.0, 0.01),
    )
    style_layer_weights: tuple[float, ...] | None = _option(
        None, "relative weight of each style layer (default: equal)", "weights (higher means more of it)", metavar="W"
    )
    optimizer: str = _option(
        "lbfgs",
        "lbfgs (quasi-Newton, as jcjohnson/neural-style) or adam",
        "optimisation",
        choices=OPTIMIZERS,
        control=Control("optimiser"),
    )
    learning_rate: float | None = _option(None, "step size (default: 1 for lbfgs, 0.02 for adam)", "optimisation")
    lbfgs_history: int = _option(
        DEFAULT_LBFGS_HISTORY, "L-BFGS memory, in (step, gradient change) pairs", "optimisation"
    )
    init: Any = _option(
        "content",
        "starting image: content, noise, style, fast (the fast network's result, refined) or an image file",
        "optimisation",
        choices=INIT_CHOICES,
        metavar="{" + ",".join(INIT_CHOICES) + ",FILE}",
        control=Control("start from"),
    )
    seed: int | None = _option(None, "random seed, for runs that repeat exactly", "optimisation")
    preserve_colors: str = _option(
        "none",
        "keep the photo's colours: luminance (style transfer on brightness only) or histogram (the style"
        " recoloured to the photo's palette first)",
        "look",
        choices=PRESERVE_COLORS,
        control=Control("keep colours"),
    )
    pooling: str = _option("max", "VGG19 pooling: max (the trained network) or avg (smoother)", "look", choices=POOLING)
    content_layers: tuple[str, ...] = _option(
        DEFAULT_CONTENT_LAYERS, "VGG19 layers of the content loss", "look", metavar="L1,L2"
    )
    style_layers: tuple[str, ...] = _option(
        DEFAULT_STYLE_LAYERS, "VGG19 layers of the style loss", "look", metavar="L1,L2"
    )
    pyramid_levels: int | None = _option(
        None,
        "coarse-to-fine scales, each twice the side of the previous; 1 is off (default:"
        f" {DEFAULT_PYRAMID_LEVELS} where the coarsest keeps {MIN_PYRAMID_SIZE} px)",
        "optimisation",
        metavar="LEVELS",
        aliases=("--pyramid",),
    )
    pyramid_start_size: int | None = _option(
        None, "longest side of the coarsest scale, in pixels (default: halvings of size)", "optimisation", metavar="PX"
    )
    jit_compile: bool = _option(False, "compile the VGG19 pass with XLA", "optimisation", aliases=("--jit",))
    lbfgs_safeguard: bool = _option(True, "backtrack L-BFGS steps that raise the loss", "optimisation")
    precision: str = _option(
        "mixed",
        "mixed: VGG19 in 16 bits on GPUs and bfloat16-capable CPUs (float32 elsewhere), faster with the same"
        " picture; float32: 32 bits everywhere",
        "optimisation",
        choices=PRECISIONS,
        control=Control("precision"),
    )
    style_loss: str = _option(
        "gram",
        "how the style's statistics are matched: gram (Gram matrices, Gatys et al. 2016) or sliced (whole"
        " feature distributions, sliced Wasserstein, Heitz et al. 2021; 2.5-4x slower)",
        "look",
        choices=STYLE_LOSSES,
        control=Control("style loss"),
    )

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
                object.__setattr__(self, name, check_weights(weights, name))
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
        """The keyword arguments of :func:`~nst_core.engine.optimize.optimize_image` these options set."""
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


@dataclass(frozen=True)
class VideoOptions:
    """What ``nst video`` and :func:`~nst_core.video.stylize.stylize_video` add to StyleOptions.

    Attributes:
        first_steps: optimisation steps of the first frame, which starts from scratch
            (default 2 x ``steps``).
        temporal_weight: weight of the temporal loss (Ruder et al. 2016); 0 turns it off.
        start, end: the frames stylised, ``start`` to ``end - 1`` (0-based; ``end`` None: to
            the last).
        fps: frame rate written, in frames per second (default: the source's).
        mode: ``"optimize"`` (Gatys per frame) or ``"fast"`` (the feed-forward network).
        fast_blend: fast mode: share of the warped previous frame kept in reliable pixels, in [0, 1).
        fast_model: fast mode: the network's location, as :func:`~nst_core.fast.load_fast_model`.
        fast_refine_steps: fast mode: optimisation steps with the temporal loss on each
            network output (0: none).
        work_dir: folder that keeps finished frames, so a rerun resumes.
    """

    first_steps: int | None = _option(
        None, "optimisation steps of the first frame, which starts from scratch (default: 2 x steps)", "video"
    )
    temporal_weight: float = _option(
        DEFAULT_TEMPORAL_WEIGHT,
        "weight of the temporal loss, which holds each frame to the previous one; 0 turns it off",
        "video",
        control=Control("temporal weight", 1, 10000, 0.1, log=True),
    )
    start: int = _option(0, "first frame to stylise, 0-based", "video")
    end: int | None = _option(None, "stop before this frame (default: the last frame)", "video")
    fps: float | None = _option(None, "frame rate to write (default: the source's; 24 for a folder of frames)", "video")
    mode: str = _option(
        "optimize",
        "optimize (Gatys et al., each frame optimised) or fast (the feed-forward network)",
        "video",
        choices=MODES,
        control=Control("mode"),
    )
    fast_blend: float = _option(
        DEFAULT_FAST_BLEND,
        "fast mode: share of the warped previous frame kept in reliable pixels",
        "video",
        aliases=("--blend",),
        control=Control("fast blend", 0.0, 0.95, 0.05),
    )
    fast_model: str | None = _option(
        None,
        "fast mode: model location, as nst fast --model (default: $NST_FAST_MODEL, else the .tflite pair in"
        " $NST_MODELS_DIR, else TensorFlow Hub)",
        "video",
        aliases=("--model",),
    )
    fast_refine_steps: int = _option(
        0,
        "fast mode: optimisation steps with the temporal loss on each network output",
        "video",
        aliases=("--refine-steps",),
    )
    work_dir: str | None = _option(
        None, "folder for finished frames, kept for resuming (default: .OUT.frames beside OUT, removed)", "video"
    )

    def __post_init__(self) -> None:
        if self.first_steps is not None:
            _whole(self, "first_steps", minimum=0)
        _number(self, "temporal_weight", minimum=0.0)
        _whole(self, "start", minimum=0)
        if self.end is not None:
            _whole(self, "end", minimum=self.start + 1)
        if self.fps is not None:
            _number(self, "fps", minimum=0.0, strict=True)
        if self.mode not in MODES:
            raise OptionError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        _number(self, "fast_blend", minimum=0.0)
        if self.fast_blend >= 1.0:
            raise OptionError(f"fast_blend must be in [0, 1), got {self.fast_blend!r}")
        _whole(self, "fast_refine_steps", minimum=0)

    def stylize_settings(self) -> dict[str, Any]:
        """The keyword arguments of :func:`~nst_core.video.stylize.stylize_video` these options set.

        Which frames are read (``start``, ``end``) and the rate written (``fps``) are the
        business of :mod:`nst_core.video.io`, not of the stylisation.
        """
        skipped = {"start", "end", "fps"}
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in skipped}


@dataclass(frozen=True)
class FastOptions:
    """What ``nst fast`` and :func:`~nst_core.fast.fast_stylize` add to StyleOptions.

    Attributes:
        strength: 0 keeps the content's look, 1 is the full style (the style vector is
            interpolated from the content's own, Ghiasi et al. 2017).
        model: the network's location, as :func:`~nst_core.fast.load_fast_model`.
        backend: ``"auto"`` (by what ``model`` is), ``"hub"`` or ``"lite"``.
    """

    strength: float = _option(
        1.0,
        "0 keeps the content's look, 1 is the full style",
        "fast network",
        control=Control("strength", 0.0, 1.0, 0.05),
    )
    model: str | None = _option(
        None,
        "Hub handle or URL, SavedModel folder, .tflite folder, or 'predict.tflite,transfer.tflite'",
        "fast network",
    )
    backend: str = _option("auto", "auto picks by what --model is", "fast network", choices=BACKENDS)

    def __post_init__(self) -> None:
        object.__setattr__(self, "strength", check_strength(self.strength))
        if self.backend not in BACKENDS:
            raise OptionError(f"backend must be one of {', '.join(BACKENDS)}, got {self.backend!r}")


#: The StyleOptions fields ``nst video`` and ``nst fast`` offer (``nst`` offers all of them),
#: each with what differs there: its ``"default"``, or OptionSpec attributes (``"help"``, ...).
SUBCOMMAND_STYLE_OPTIONS: dict[str, dict[str, dict[str, Any]]] = {
    "video": {
        "size": {"default": 256, "help": "longest side of the frames, in pixels"},
        "steps": {"default": 50, "help": "optimisation steps per frame"},
        "content_weight": {},
        "style_weight": {},
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
    "fast": {name: {"group": "fast network"} for name in ("size", "style_blend_weights", "preserve_colors")},
}


def _whole(options: Any, name: str, minimum: int) -> None:
    value = getattr(options, name)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or int(value) != value or value < minimum:
        raise OptionError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    object.__setattr__(options, name, int(value))


def _number(options: Any, name: str, minimum: float, strict: bool = False) -> None:
    value = getattr(options, name)
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    ok = ok and (value > minimum if strict else value >= minimum)
    if not ok:
        relation = ">" if strict else ">="
        raise OptionError(f"{name} must be a number {relation} {minimum:g}, got {value!r}")
    object.__setattr__(options, name, float(value))
