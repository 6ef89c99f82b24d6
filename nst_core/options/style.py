"""The options of one style-transfer run: :class:`StyleOptions`.

Over 300 lines: one dataclass whose every field carries its help and control, and its checks.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ..engine.choices import (
    DEFAULT_LBFGS_HISTORY,
    DEFAULT_PYRAMID_LEVELS,
    MIN_PYRAMID_SIZE,
    OPTIMIZERS,
    POOLING,
)
from ..engine.color import PRESERVE_COLORS, check_preserve_colors
from ..engine.precision import PRECISIONS, check_precision
from ..engine.weights import check_weights
from ..errors import OptionError
from ..image.masks import MAX_REGIONS, is_region_spec, region_numbers
from .loss import (
    check_loss_options,
    content_weight_option,
    layers_option,
    style_loss_option,
    style_weight_option,
    tv_weight_option,
)
from .spec import Control, number, option, whole

#: Most L-BFGS pairs: beyond a few hundred they add memory and time, not quality.
MAX_LBFGS_HISTORY = 1000

#: How a part of the photo no style mask covers keeps the photo (see StyleOptions.unstyled).
UNSTYLED = ("paste", "content")

#: Starting images by name (an image file or array is also accepted).
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
            network's result, see :mod:`~nst_core.fast`: its strokes and palette as the start, not a
            shortcut, as it starts with a higher loss), or any
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
        style_masks: where each style paints, one per style (see :mod:`~nst_core.image.masks`):
            a greyscale picture (white paints, black keeps the photo, grey blends; any size)
            or region numbers such as ``"1+2"`` of the automatic ``regions``. Styles after
            the last mask paint everywhere; a part no mask covers keeps the photo.
        style_image_masks: the part of each style image whose statistics its style paints
            with (greyscale pictures; default the whole image).
        regions: split the photo into this many automatic regions (see
            :func:`~nst_core.image.regions.find_regions`), which ``style_masks`` name by number.
        mask_feather: soft edge of region masks, as a fraction of the longest side.
        unstyled: how a part no mask covers keeps the photo: ``"paste"`` (the photo put back
            through the masks' soft edges after the run) or ``"content"`` (the content term
            alone; the styles' texture spills a little over their edges).
    """

    size: int = option(
        512,
        "longest side of the result, in pixels",
        "size and steps",
        short="-s",
        control=Control("size (px)", 64, 1024, 1),
    )
    steps: int = option(
        300,
        "optimisation steps (each one VGG19 pass forward and back)",
        "size and steps",
        short="-n",
        control=Control("steps", 0, 1000, 1),
    )
    content_weight: float = content_weight_option(
        "how closely the result keeps the photo's shapes", "weights (higher means more of it)"
    )
    style_weight: float = style_weight_option(
        "style strength, the same for every photo and painting: about 1 a light texture, 15 a strong style"
        " that keeps the scene readable, 100 the painting's texture over most of the photo",
        "weights (higher means more of it)",
    )
    tv_weight: float = tv_weight_option("weights (higher means more of it)")
    style_blend_weights: tuple[float, ...] | None = option(
        None, "relative weight of each style image (default: equal)", "weights (higher means more of it)", metavar="W"
    )
    style_scale: float = option(
        1.0,
        "size of the style image relative to size; smaller gives finer brush strokes",
        "size and steps",
        control=Control("style scale", 0.25, 2.0, 0.01),
    )
    style_layer_weights: tuple[float, ...] | None = option(
        None, "relative weight of each style layer (default: equal)", "weights (higher means more of it)", metavar="W"
    )
    optimizer: str = option(
        "lbfgs",
        "lbfgs (quasi-Newton, as jcjohnson/neural-style) or adam",
        "optimisation",
        choices=OPTIMIZERS,
        control=Control("optimiser"),
    )
    learning_rate: float | None = option(None, "step size (default: 1 for lbfgs, 0.02 for adam)", "optimisation")
    lbfgs_history: int = option(
        DEFAULT_LBFGS_HISTORY, "L-BFGS memory, in (step, gradient change) pairs", "optimisation"
    )
    init: Any = option(
        "content",
        "starting image: content, noise, style, fast (the fast network's result, refined) or an image file",
        "optimisation",
        choices=INIT_CHOICES,
        metavar="{" + ",".join(INIT_CHOICES) + ",FILE}",
        control=Control("start from"),
    )
    seed: int | None = option(None, "random seed, for runs that repeat exactly", "optimisation")
    preserve_colors: str = option(
        "none",
        "keep the photo's colours: luminance (style transfer on brightness only) or histogram (the style"
        " recoloured to the photo's palette first)",
        "look",
        choices=PRESERVE_COLORS,
        control=Control("keep colours"),
    )
    pooling: str = option("max", "VGG19 pooling: max (the trained network) or avg (smoother)", "look", choices=POOLING)
    content_layers: tuple[str, ...] = layers_option("content", "look")
    style_layers: tuple[str, ...] = layers_option("style", "look")
    pyramid_levels: int | None = option(
        None,
        "coarse-to-fine scales, each twice the side of the previous; 1 is off (default:"
        f" {DEFAULT_PYRAMID_LEVELS} where the coarsest keeps {MIN_PYRAMID_SIZE} px)",
        "optimisation",
        metavar="LEVELS",
        aliases=("--pyramid",),
    )
    pyramid_start_size: int | None = option(
        None, "longest side of the coarsest scale, in pixels (default: halvings of size)", "optimisation", metavar="PX"
    )
    jit_compile: bool = option(False, "compile the VGG19 pass with XLA", "optimisation", aliases=("--jit",))
    lbfgs_safeguard: bool = option(True, "backtrack L-BFGS steps that raise the loss", "optimisation")
    precision: str = option(
        "mixed",
        "mixed: VGG19 in 16 bits on GPUs and bfloat16-capable CPUs (float32 elsewhere), faster with the same"
        " picture; float32: 32 bits everywhere",
        "optimisation",
        choices=PRECISIONS,
        control=Control("precision"),
    )
    style_loss: str = style_loss_option(
        "how the style's statistics are matched: gram (Gram matrices, Gatys et al. 2016) or sliced (whole"
        " feature distributions, sliced Wasserstein, Heitz et al. 2021; 2.5-4x slower)",
        "look",
    )
    style_masks: tuple[Any, ...] | None = option(
        None,
        "where each style paints, one per style: a greyscale picture (white paints, black keeps the photo) or"
        " region numbers such as 1+2 of --regions; a part no mask covers keeps the photo",
        "regions",
        metavar="MASK",
    )
    style_image_masks: tuple[Any, ...] | None = option(
        None,
        "the part of each style image to take its style from: greyscale pictures (default: the whole image)",
        "regions",
        metavar="MASK",
    )
    regions: int | None = option(
        None,
        f"split the photo into N automatic regions (1-{MAX_REGIONS}) that --style-masks names by number"
        " (nst regions shows them)",
        "regions",
        metavar="N",
    )
    mask_feather: float = option(
        0.01, "soft edge of region masks, as a fraction of the longest side", "regions", metavar="FRACTION"
    )
    unstyled: str = option(
        "paste",
        "how a part no mask covers keeps the photo: paste (the photo put back through the masks' soft edges)"
        " or content (the content term alone; the styles spill a little over their edges)",
        "regions",
        choices=UNSTYLED,
    )

    def __post_init__(self) -> None:
        whole(self, "size", minimum=16)
        whole(self, "steps", minimum=0)
        whole(self, "lbfgs_history", minimum=1, maximum=MAX_LBFGS_HISTORY)
        check_loss_options(self)
        number(self, "style_scale", minimum=0.0, strict=True)
        if self.learning_rate is not None:
            number(self, "learning_rate", minimum=0.0, strict=True)
        if self.seed is not None:
            whole(self, "seed", minimum=0)
        if self.pyramid_levels is not None:
            whole(self, "pyramid_levels", minimum=1)
        if self.pyramid_start_size is not None:
            whole(self, "pyramid_start_size", minimum=32)
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
        object.__setattr__(self, "preserve_colors", check_preserve_colors(self.preserve_colors))
        for name in ("style_blend_weights", "style_layer_weights"):
            weights = getattr(self, name)
            if weights is not None:
                object.__setattr__(self, name, check_weights(weights, name))
        if self.style_layer_weights is not None and len(self.style_layer_weights) != len(self.style_layers):
            raise OptionError(
                f"style_layer_weights has {len(self.style_layer_weights)} values for"
                f" {len(self.style_layers)} style layers"
            )
        self._check_masks()
        if isinstance(self.init, str) and self.init in INIT_CHOICES:
            return
        if self.init is None:
            raise OptionError(f"init must be one of {', '.join(INIT_CHOICES)} or an image")

    def _check_masks(self) -> None:
        """Masks as tuples, region numbers only with ``regions``, the feather in range."""
        for name in ("style_masks", "style_image_masks"):
            masks = getattr(self, name)
            if masks is None:
                continue
            masks = tuple(masks) if isinstance(masks, (list, tuple)) else (masks,)
            if not masks or any(m is None for m in masks):
                raise OptionError(f"{name} must be one mask per style (None for none at all)")
            object.__setattr__(self, name, masks)
        if self.regions is not None:
            whole(self, "regions", minimum=1, maximum=MAX_REGIONS)
        number(self, "mask_feather", minimum=0.0, maximum=0.2)
        if self.unstyled not in UNSTYLED:
            raise OptionError(f"unstyled must be one of {', '.join(UNSTYLED)}, got {self.unstyled!r}")
        if self.style_image_masks is not None and any(is_region_spec(m) for m in self.style_image_masks):
            raise OptionError("style_image_masks must be pictures; region numbers name parts of the photo only")
        if self.style_masks is not None and self.regions is not None:
            for spec in self.style_masks:
                if is_region_spec(spec) and not all(1 <= n <= self.regions for n in region_numbers(spec)):
                    raise OptionError(
                        f"style mask {spec.strip()!r}: region numbers go from 1 to {self.regions} (--regions)"
                    )
        if self.style_masks is not None and self.regions is None:
            named = [str(m).strip() for m in self.style_masks if is_region_spec(m)]
            if named:
                raise OptionError(
                    f"style mask {named[0]!r} names regions: set the number of automatic regions (--regions N)"
                )

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
