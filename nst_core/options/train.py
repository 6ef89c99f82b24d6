"""The options of training a style network: :class:`TrainOptions`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ..engine.choices import DOWNSAMPLINGS_RANGE, JOHNSON_DOWNSAMPLINGS, NETWORK_CONTENT_LAYERS, NETWORK_STYLE_LAYERS
from ..engine.precision import PRECISIONS, check_precision
from ..errors import OptionError
from .loss import (
    NETWORK_STYLE_WEIGHT,
    check_loss_options,
    content_weight_option,
    layers_option,
    style_loss_option,
    style_weight_option,
    tv_weight_option,
)
from .spec import Control, number, option, whole

#: Smallest training crop, in pixels: the deepest style layer offered (block5) needs 16 px,
#: and the network halves the image twice.
MIN_TRAIN_SIZE = 32
#: Widest network offered (2 is four times the arithmetic of Johnson et al.'s).
MAX_WIDTH = 2.0


@dataclass(frozen=True)
class TrainOptions:
    """Options of :func:`nst_core.train.run.train_network` and ``nst train``.

    The loss is the one ``nst`` optimises (same VGG19 layers, style losses and relative
    normalisation, :mod:`nst_core.engine.losses`), averaged over a batch of photos.

    Attributes:
        size: side of the square training crops, in pixels.
        style_size: longest side of the style image, in pixels (default: ``size``); smaller
            gives finer brush strokes.
        steps: optimiser steps (each one batch).
        batch_size: photos per step.
        content_weight, style_weight, tv_weight: weights of the loss terms, as in ``nst``.
        style_loss: ``"gram"`` (Gatys et al. 2016) or ``"sliced"`` (Heitz et al. 2021).
        content_layers, style_layers: VGG19 layers the losses read.
        width: channel multiplier of the network (0.5: a quarter of the arithmetic of 1). The
            default 0.25 is the one width that paints 512 px at least twice as fast as Magenta's
            Lite network here (``benchmarks/results/trained_speed_256_512.md``).
        downsamplings: halvings of the picture before the network's residual blocks: 2 as
            Johnson et al. 2016; each more doubles how far a stroke reaches (the receptive
            field) at about the same arithmetic (:mod:`nst_core.fast.network`).
        learning_rate: Adam's step size.
        checkpoint_every: steps between checkpoints (a stop loses at most this many).
        preview_every: steps between preview images (0: none).
        seed: seed of the network's initial weights and of the crops (None: not repeatable).
        precision: ``"mixed"`` computes the network and VGG19 in 16 bits where the device is
            fast at it (:mod:`nst_core.engine.precision`), ``"float32"`` everywhere else.
        tensorboard: also write TensorBoard logs of the loss parts (to ``OUTPUT/logs``).
    """

    size: int = option(
        256,
        "side of the square training crops, in pixels",
        "training",
        short="-s",
        control=Control("crop size (px)", 32, 1024, 32),
    )
    style_size: int | None = option(
        None, "longest side of the style image, in pixels; smaller gives finer strokes (default: size)", "training"
    )
    steps: int = option(
        2000, "training steps, each one batch of photos", "training", short="-n", control=Control("steps", 1, 40000, 1)
    )
    batch_size: int = option(4, "photos per step", "training", control=Control("batch", 1, 16, 1))
    content_weight: float = content_weight_option("how closely the network keeps the photos' shapes", "weights")
    style_weight: float = style_weight_option(
        "style strength, as for nst, but lower by default: a network gives up the photo sooner",
        "weights",
        default=NETWORK_STYLE_WEIGHT,
    )
    tv_weight: float = tv_weight_option("weights")
    style_loss: str = style_loss_option("gram (Gram matrices) or sliced (sliced Wasserstein), as for nst", "weights")
    content_layers: tuple[str, ...] = layers_option("content", "weights", NETWORK_CONTENT_LAYERS)
    style_layers: tuple[str, ...] = layers_option("style", "weights", NETWORK_STYLE_LAYERS)
    width: float = option(
        0.25,
        "network width: 0.25 has the channels of Magenta's Lite network and paints fastest; 1 is Johnson et al.'s",
        "network",
        control=Control("width", 0.25, 2.0, 0.25),
    )
    downsamplings: int = option(
        JOHNSON_DOWNSAMPLINGS,
        "halvings of the picture before the residual blocks: 2 as Johnson et al.; 3 doubles how far a stroke"
        " reaches (larger strokes at 512 px), at about the same speed",
        "network",
        control=Control("downsamplings", DOWNSAMPLINGS_RANGE[0], DOWNSAMPLINGS_RANGE[1], 1),
    )
    learning_rate: float = option(
        1e-3, "Adam's step size", "network", control=Control("learning rate", 1e-4, 1e-2, 0.1, log=True)
    )
    checkpoint_every: int = option(100, "steps between checkpoints; a stop loses at most this many", "progress")
    preview_every: int = option(100, "steps between preview images (0: none)", "progress")
    seed: int | None = option(None, "random seed of the initial network and the crops", "network")
    precision: str = option(
        "mixed",
        "mixed: 16-bit arithmetic where the device is fast at it; float32 everywhere",
        "network",
        choices=PRECISIONS,
    )
    tensorboard: bool = option(
        False,
        "also write TensorBoard logs of the loss parts to OUTPUT/logs (needs the tensorboard package)",
        "progress",
    )

    def __post_init__(self) -> None:
        whole(self, "size", minimum=MIN_TRAIN_SIZE)
        if self.style_size is not None:
            whole(self, "style_size", minimum=MIN_TRAIN_SIZE)
        whole(self, "steps", minimum=1)
        whole(self, "batch_size", minimum=1, maximum=1024)
        check_loss_options(self)
        number(self, "width", minimum=0.0, strict=True, maximum=MAX_WIDTH)
        whole(self, "downsamplings", minimum=DOWNSAMPLINGS_RANGE[0], maximum=DOWNSAMPLINGS_RANGE[1])
        number(self, "learning_rate", minimum=0.0, strict=True, maximum=1.0)
        whole(self, "checkpoint_every", minimum=1)
        whole(self, "preview_every", minimum=0)
        if self.seed is not None:
            whole(self, "seed", minimum=0)
        check_precision(self.precision)
        if not isinstance(self.tensorboard, bool):
            raise OptionError(f"tensorboard must be True or False, got {self.tensorboard!r}")

    @property
    def style_side(self) -> int:
        """Longest side of the style image, in pixels."""
        return self.size if self.style_size is None else self.style_size

    def replace(self, **changes: Any) -> TrainOptions:
        """A copy with some options changed (validated again)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise OptionError(f"unknown option(s): {', '.join(sorted(unknown))}")
        return dataclasses.replace(self, **changes)
