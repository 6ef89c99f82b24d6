"""The loss's options, shared by a picture (:class:`StyleOptions`) and a trained network (:class:`TrainOptions`).

A network trained by ``nst train`` learns exactly the loss ``nst`` optimises, so both option
sets have the same weights, style loss and VGG19 layers, with the same ranges, controls and
checks, and the same defaults but three: the style strength and the content and style layers,
which a network trades against the photo differently (:data:`NETWORK_STYLE_WEIGHT`,
:data:`~nst_core.engine.choices.NETWORK_CONTENT_LAYERS` and
:data:`~nst_core.engine.choices.NETWORK_STYLE_LAYERS`). Each field is made here; the option sets
only word its help for their subject and place it in their groups.
"""

from __future__ import annotations

from typing import Any

from ..engine.choices import DEFAULT_CONTENT_LAYERS, DEFAULT_STYLE_LAYERS, STYLE_LOSSES, check_layers
from ..errors import OptionError
from .spec import Control, number, option

#: The fields made here, in the order the checks take them.
LOSS_FIELDS = ("content_weight", "style_weight", "tv_weight", "style_loss", "content_layers", "style_layers")


def content_weight_option(help: str, group: str) -> Any:
    """``content_weight``: how closely the result keeps the photo's shapes (default 1)."""
    return option(1.0, help, group, control=Control("content weight", 0.01, 100, 0.1, log=True))


#: Default style strength of a picture (the style term's size at the start, see
#: :mod:`nst_core.engine.losses`): the strongest that keeps all three reference pairs nearer the
#: photo than jcjohnson/neural-style's results (``benchmarks/results/quality_512.md``).
PICTURE_STYLE_WEIGHT = 15.0
#: Default style strength of a trained network: at twice this the networks trained here stamped
#: the painting's motifs over the photo, so the judge rated them more stylised while the photo
#: was lost (``benchmarks/results/trained_quality_w20.md``). Those runs divided the style term
#: by the painting's magnitude only; the training photos (256 px) start 0.89 from The Starry
#: Night on average, so their 10 is 9 now.
NETWORK_STYLE_WEIGHT = 9.0


def style_weight_option(help: str, group: str, default: float = PICTURE_STYLE_WEIGHT) -> Any:
    """``style_weight``: the style's strength, the same for every painting."""
    return option(default, help, group, control=Control("style strength", 0.1, 1000, 0.1, log=True))


def tv_weight_option(group: str) -> Any:
    """``tv_weight``: smoothness, the total-variation term (default 1)."""
    return option(
        1.0,
        "smoothness (total variation); 0 turns it off",
        group,
        control=Control("TV weight", 0.001, 100, 0.1, log=True),
    )


def style_loss_option(help: str, group: str) -> Any:
    """``style_loss``: ``"gram"`` or ``"sliced"`` (default ``"gram"``)."""
    return option("gram", help, group, choices=STYLE_LOSSES, control=Control("style loss"))


def layers_option(kind: str, group: str, default: tuple[str, ...] | None = None) -> Any:
    """``content_layers`` or ``style_layers`` (``kind`` ``"content"`` or ``"style"``): VGG19 layers."""
    if default is None:
        default = DEFAULT_CONTENT_LAYERS if kind == "content" else DEFAULT_STYLE_LAYERS
    return option(default, f"VGG19 layers of the {kind} loss", group, metavar="L1,L2")


def check_loss_options(options: Any) -> None:
    """Check (and normalise) the fields made here on a frozen option dataclass; OptionError names the first bad one."""
    for name in ("content_weight", "style_weight", "tv_weight"):
        number(options, name, minimum=0.0)
    if options.style_loss not in STYLE_LOSSES:
        raise OptionError(f"style_loss must be one of {', '.join(STYLE_LOSSES)}, got {options.style_loss!r}")
    for name in ("content_layers", "style_layers"):
        layers = getattr(options, name)
        layers = (layers,) if isinstance(layers, str) else tuple(layers)
        if not layers:
            raise OptionError(f"{name} must name at least one VGG19 layer")
        object.__setattr__(options, name, check_layers(layers))
