"""The engine's named choices and layer names, importable without TensorFlow.

The option spec (:mod:`nst_core.options`) and the command line's ``--help`` read them, so
they live apart from the modules that build on TensorFlow; those modules import them from
here.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import OptionError

#: Style losses of :class:`~nst_core.engine.objective.StyleObjective`: Gram matrices (Gatys
#: et al. 2016) and the sliced Wasserstein distance (Heitz et al. 2021).
STYLE_LOSSES = ("gram", "sliced")
#: Optimisers of :func:`~nst_core.engine.optimize.optimize_image`.
OPTIMIZERS = ("lbfgs", "adam")
#: L-BFGS memory: pairs of (step, gradient change) kept, each 2 x image size floats.
DEFAULT_LBFGS_HISTORY = 20
#: VGG19 pooling: the trained network's max, or Gatys et al.'s smoother average.
POOLING = ("max", "avg")
#: Content layer of Gatys et al. 2016 and jcjohnson/neural-style (relu4_2; Keras' conv
#: layers include their ReLU, so ``block4_conv2`` is relu4_2), and the one the content
#: distance of :mod:`nst_core.metrics` reads.
GATYS_CONTENT_LAYER = "block4_conv2"
#: Content layers of a picture: relu4_2 with relu5_2, whose coarser features hold the scene's
#: layout while the brush strokes remake its detail; with relu4_2 alone the independent judge
#: rated The Starry Night less stylised than jcjohnson/neural-style's at every strength that
#: kept the photo as well (``benchmarks/results/quality_512.md``).
DEFAULT_CONTENT_LAYERS: tuple[str, ...] = (GATYS_CONTENT_LAYER, "block5_conv2")
#: Content layer of a network trained by ``nst train``: its defaults were chosen by training
#: runs with relu4_2 alone (``benchmarks/results/trained_quality_deep12000.md``).
NETWORK_CONTENT_LAYERS: tuple[str, ...] = (GATYS_CONTENT_LAYER,)
#: Style layers of Gatys et al. 2016 and jcjohnson/neural-style (relu1_1 ... relu5_1).
DEFAULT_STYLE_LAYERS: tuple[str, ...] = (
    "block1_conv1",
    "block2_conv1",
    "block3_conv1",
    "block4_conv1",
    "block5_conv1",
)
#: Style layers of a network trained by ``nst train``: the first four of Gatys et al.'s, as
#: Johnson et al. 2016 and Ghiasi et al. 2017 (Magenta's network) stop at block 4. With relu5_1
#: as well, the networks trained here stamped the painting's motifs (The Starry Night's star
#: discs) over the photo; without it they paint its strokes and palette and keep the photo
#: (``benchmarks/results/trained_quality_s4.md`` against ``trained_quality_s512.md``).
NETWORK_STYLE_LAYERS: tuple[str, ...] = DEFAULT_STYLE_LAYERS[:4]
#: Every layer of the VGG19 trunk, in order.
VGG19_LAYERS: tuple[str, ...] = tuple(
    f"block{block}_{kind}{index}"
    for block, convs in ((1, 2), (2, 2), (3, 4), (4, 4), (5, 4))
    for kind, index in [("conv", i) for i in range(1, convs + 1)] + [("pool", "")]
)
#: Below this longest side VGG19's deepest default layers have almost no extent.
MIN_PYRAMID_SIZE = 64
#: Scales of the default run (``pyramid_levels=None``): a half-size start settles large strokes,
#: which the independent judge of :mod:`nst_core.metrics` rates as more stylised, at a lower
#: cost (see ``benchmarks/results/quality_512.md``).
DEFAULT_PYRAMID_LEVELS = 2
#: Halvings of the picture before the residual blocks of a network trained by ``nst train``
#: (:mod:`nst_core.fast.network`): Johnson et al. 2016's two, and the range offered (up to a
#: sixteenth of the side).
JOHNSON_DOWNSAMPLINGS = 2
DOWNSAMPLINGS_RANGE = (2, 4)


def network_min_side(downsamplings: int = JOHNSON_DOWNSAMPLINGS) -> int:
    """Shortest side, in pixels, a trained network with ``downsamplings`` halvings paints.

    The 9x9 convolutions' padding needs more than 4 px, and the 3x3 ones more than 1 px at
    the lowest resolution, where a side is ``ceil(side / 2**downsamplings)``.
    """
    return max(5, 2**downsamplings + 1)


#: Shortest side every network ``nst train`` offers paints (the deepest one's), for a network
#: whose layers cannot be inspected and for pictures given to a network not yet built.
ANY_NETWORK_MIN_SIDE = network_min_side(DOWNSAMPLINGS_RANGE[1])


def downsampling(layers: Sequence[str]) -> int:
    """How many times VGG19 has halved the image by the deepest of ``layers`` (its pooling layers)."""
    deepest = max(VGG19_LAYERS.index(name) for name in layers)
    return sum(1 for name in VGG19_LAYERS[: deepest + 1] if name.endswith("pool"))


def smallest_side(layers: Sequence[str]) -> int:
    """Pixels an image needs on each side for the deepest of ``layers`` to keep some extent.

    Each pooling layer before it halves the image, so ``2**downsampling`` pixels leave one position.
    """
    return 2 ** downsampling(layers)


def check_layers(names: Sequence[str]) -> tuple[str, ...]:
    """Return ``names`` as a tuple, raising :class:`OptionError` for an unknown layer."""
    names = tuple(names)
    for name in names:
        if name not in VGG19_LAYERS:
            raise OptionError(
                f"unknown VGG19 layer {name!r}; choose from {', '.join(n for n in VGG19_LAYERS if 'conv' in n)}"
            )
    return names
