"""Estimate the peak memory of a run before starting it, and refuse or fall back in time.

An out-of-memory crash halfway through a long run loses the work and, on a GPU, often the
whole session. The estimate counts what a run adds to a process that has TensorFlow
loaded: the VGG19 weights, the activations of every layer up to the deepest one used
(kept by the forward pass for the backward pass, plus gradients of the same size), and the
optimiser's state (L-BFGS keeps two image-sized vectors per history pair). The activation
factors were calibrated against the resident memory a run adds, measured by
``python -m benchmarks.scaling`` on CPU.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Sequence

from ..errors import OptionError
from .choices import DEFAULT_LBFGS_HISTORY, VGG19_LAYERS

#: Parameters of the VGG19 trunk (the full notop model is loaded: 20.0 million floats).
_VGG19_PARAMS = 20_024_384
#: Channels of the convolutions of each VGG19 block.
_CHANNELS = {"block1": 64, "block2": 128, "block3": 256, "block4": 512, "block5": 512}
#: Activation memory held at the peak, in bytes per activation (the forward activations,
#: their gradients, the convolution work space and what the allocator keeps), by the
#: number type VGG19 computes in. Fitted, with :data:`BASE_BYTES`, to the resident memory
#: 22-step L-BFGS runs added at 512 and 1024 px on CPU (float32: 1122-1142 and 3302-3385 MB,
#: 2.7 floats per activation; bfloat16: 758-774 and 2530-2812 MB), rounded up: 16-bit
#: activations save less than half, as the losses and the Gram matrices stay float32.
#: Resident memory stops growing after about 10 steps (512 px: flat from step 10 to 90).
ACTIVATION_BYTES = {"float32": 12, "bfloat16": 10, "float16": 10}
#: XLA (``jit_compile``) keeps more activation memory: 22-step float32 runs added 678-696 MB
#: instead of 395-427 at 256 px, and 1593-1609 instead of 1087-1105 at 512 px.
XLA_ACTIVATION_FACTOR = 1.7
#: What a run adds besides the weights, activations and state (the allocator's pools, the
#: traced step, the targets), in bytes.
BASE_BYTES = 300 * 2**20
#: The sliced style loss's memory per feature value of a style layer (of the image, and as many
#: again of the style image at style_scale 1): the style's stored features (4 bytes), both
#: projections (8), sort indices (4), gathered values (8), float64 quantile levels (16) and the
#: interpolation's temporaries (8). Counted from the computation, not yet measured.
SLICED_BYTES_PER_FEATURE = 48
#: Fewest L-BFGS pairs a fallback goes down to; below that L-BFGS is hardly quasi-Newton.
MIN_LBFGS_HISTORY = 5


def _activation_floats(height: int, width: int, layers: Sequence[str]) -> int:
    deepest = max(VGG19_LAYERS.index(name) for name in layers)
    total, h, w = 0, height, width
    for name in VGG19_LAYERS[: deepest + 1]:
        block = name.split("_")[0]
        if name.endswith("pool"):
            h, w = h // 2, w // 2
        total += h * w * _CHANNELS[block]
    return total


def _layer_floats(height: int, width: int, layer: str) -> int:
    """Feature values of one VGG19 layer for an image of ``height`` x ``width`` px."""
    pools = sum(1 for name in VGG19_LAYERS[: VGG19_LAYERS.index(layer)] if name.endswith("pool"))
    return (height // 2**pools) * (width // 2**pools) * _CHANNELS[layer.split("_")[0]]


def estimate_peak_bytes(
    height: int,
    width: int,
    optimizer: str = "lbfgs",
    lbfgs_history: int = 20,
    layers: Sequence[str] = ("block5_conv1",),
    compute_dtype: str = "float32",
    jit_compile: bool = False,
    sliced_layers: Sequence[str] = (),
    style_scale: float = 1.0,
) -> int:
    """Approximate memory one run at ``height`` x ``width`` pixels adds at its peak, in bytes.

    ``layers`` are the VGG19 layers the losses read (only the deepest matters);
    ``compute_dtype`` is the number type VGG19 computes in (``nst_core.engine.precision``);
    ``jit_compile``: the step is compiled by XLA; ``sliced_layers``: the style layers of a
    sliced style loss (none for Gram matrices), whose style image is ``style_scale`` times
    the size.
    """
    pixels = height * width * 3
    activations = float(ACTIVATION_BYTES[compute_dtype] * _activation_floats(height, width, layers))
    if jit_compile:
        activations *= XLA_ACTIVATION_FACTOR
    state = _optimizer_floats(pixels, optimizer, lbfgs_history)
    sliced = (
        SLICED_BYTES_PER_FEATURE * (1 + style_scale**2) * sum(_layer_floats(height, width, n) for n in sliced_layers)
    )
    return int(BASE_BYTES + activations + sliced + 4 * (_VGG19_PARAMS + state + 4 * pixels))


def available_bytes() -> int | None:
    """Memory a run may use: ``NST_MEMORY_LIMIT_MB`` if set, else the system's available RAM.

    None when unknown. On a GPU, set ``NST_MEMORY_LIMIT_MB`` to the card's memory.
    """
    limit = os.environ.get("NST_MEMORY_LIMIT_MB")
    if limit:
        try:
            megabytes = float(limit)
        except ValueError:
            megabytes = math.nan
        if not megabytes > 0 or math.isinf(megabytes):
            raise OptionError(f"NST_MEMORY_LIMIT_MB must be a number of megabytes > 0, got {limit!r}")
        return int(megabytes * 2**20)
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _optimizer_floats(values: int, optimizer: str, lbfgs_history: int) -> int:
    """Floats an optimiser keeps for an image of ``values`` numbers (height x width x 3)."""
    # L-BFGS: s and y per pair, plus previous image, gradient, direction and temporaries.
    return (2 * lbfgs_history + 6) * values if optimizer == "lbfgs" else 4 * values


def kept_scale_bytes(height_width: tuple[int, int], optimizer: str, lbfgs_history: int) -> int:
    """Memory a finished pyramid scale's optimiser keeps while the finer scales run, in bytes.

    A :class:`nst_core.Stylizer` keeps every scale's optimiser (its state and images), so the
    next run starts at once; they are allocated during the finest scale's peak.
    """
    values = height_width[0] * height_width[1] * 3
    return 4 * (_optimizer_floats(values, optimizer, lbfgs_history) + 4 * values)


def check_memory(
    height_width: tuple[int, int],
    size: int,
    *,
    optimizer: str = "lbfgs",
    lbfgs_history: int = DEFAULT_LBFGS_HISTORY,
    layers: Sequence[str] = ("block5_conv1",),
    compute_dtype: str = "float32",
    jit_compile: bool = False,
    sliced_layers: Sequence[str] = (),
    style_scale: float = 1.0,
    kept_shapes: Sequence[tuple[int, int]] = (),
    available: int | None = None,
    stacklevel: int = 2,
) -> int:
    """The L-BFGS history to use for a run on ``height_width`` px images, or OptionError.

    ``size`` is the longest side the run was asked for (pixels), which the refusal names and
    scales its advice from; the other settings are those of :func:`estimate_peak_bytes`. If
    the estimate exceeds ``available`` bytes (default :func:`available_bytes`), L-BFGS falls
    back to fewer history pairs (with a warning, ``stacklevel`` as for
    :func:`warnings.warn` called here: 2 names the caller); if even
    :data:`MIN_LBFGS_HISTORY` pairs (or Adam) do not fit, the run is refused with the size
    that would fit. A pyramid does not help here: its peak is at the finest scale, with the
    coarser scales' optimisers still kept (``kept_shapes``: their (height, width), at
    ``height_width``'s scale; see :func:`kept_scale_bytes`).
    """
    available = available_bytes() if available is None else available
    layers = tuple(layers)
    height, width = height_width
    history = lbfgs_history

    def need(pairs: int, scale: float = 1.0) -> int:  # at ``scale`` times the size asked for
        kept = sum(kept_scale_bytes((round(h * scale), round(w * scale)), optimizer, pairs) for h, w in kept_shapes)
        return kept + estimate_peak_bytes(
            round(height * scale),
            round(width * scale),
            optimizer,
            pairs,
            layers,
            compute_dtype,
            jit_compile,
            sliced_layers=sliced_layers,
            style_scale=style_scale,
        )

    if available is None or need(history) <= available:
        return history
    if optimizer == "lbfgs":
        for pairs in range(history - 1, MIN_LBFGS_HISTORY - 1, -1):
            if need(pairs) <= available:
                needed, room = _readable_bytes(need(history), available)
                warnings.warn(
                    f"{width}x{height} px with {history} L-BFGS pairs needs about {needed}"
                    f" of {room} available; using {pairs} pairs",
                    stacklevel=stacklevel,
                )
                return pairs
    pairs = min(history, MIN_LBFGS_HISTORY)  # what the fallback above got down to

    def fits_at(probe: int) -> bool:
        return need(pairs, probe / size) <= available

    # The largest size that fits (the estimate grows with the size), so the advice does not
    # depend on the size asked for.
    low, high = 16, size
    if fits_at(low):
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if fits_at(middle) else (low, middle)
        advice = f"use size {low} or less"
    else:
        advice = "not even the smallest size fits"
    with_pairs = f" (with {pairs} L-BFGS pairs)" if optimizer == "lbfgs" else ""
    needed, room = _readable_bytes(need(pairs), available)
    raise OptionError(f"size {size} needs about {needed} of memory{with_pairs} but only {room} is available; {advice}")


def _readable_bytes(*counts: int) -> list[str]:
    """Byte counts in one unit: MB when all are below 10 GB, else GB.

    So that a near miss does not read "needs 0.5 GB of 0.5 GB".
    """
    if max(counts) < 10 * 2**30:
        return [f"{count / 2**20:.0f} MB" for count in counts]
    return [f"{count / 2**30:.1f} GB" for count in counts]
