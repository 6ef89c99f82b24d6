"""Which number type VGG19 computes in: float32, or a 16-bit type where the hardware is fast at it.

``precision="mixed"`` runs the VGG19 convolutions in 16 bits and everything else (the image,
the optimiser, the Gram matrices and loss sums) in float32, as in Micikevicius et al. 2018,
"Mixed precision training". Which 16-bit type depends on the device, chosen by
:func:`choose_compute_dtype`:

* NVIDIA GPU with compute capability 8.0 or more (A100, RTX 30xx/40xx, L4): bfloat16. Its
  tensor cores are as fast in bfloat16 as in float16, and bfloat16 has float32's range, so
  nothing can overflow.
* older NVIDIA GPU (Colab's T4 is 7.5, V100 7.0): float16, the only 16-bit type its tensor
  cores have. float16 overflows above 65504, so :mod:`nst_core.engine.vgg` scales activations and
  gradients into its range (see ``VGGFeatures``).
* CPU with AVX512_BF16 or AMX (Intel Cooper Lake, Sapphire Rapids and later, AMD Zen 4):
  bfloat16, which oneDNN runs natively (a 3x3 convolution pair, forward and backward, was 2x
  faster than float32 on this project's CPU).
* any other CPU: float32. Without those instructions 16-bit arithmetic is emulated and slower
  than float32, so "mixed" quietly means float32 there.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from ..errors import OptionError

#: Values of the ``precision`` option.
PRECISIONS = ("float32", "mixed")
#: Number types VGG19 can compute in.
COMPUTE_DTYPES = ("float32", "bfloat16", "float16")
#: CPU flags (as in /proc/cpuinfo) of native bfloat16 matrix arithmetic.
CPU_BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


def check_precision(precision: str) -> str:
    """Return ``precision`` if it is a value of :data:`PRECISIONS`, else raise :class:`OptionError`."""
    if precision not in PRECISIONS:
        raise OptionError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    return precision


def choose_compute_dtype(precision: str, gpu_capability: tuple[int, int] | None, cpu_flags: Iterable[str] = ()) -> str:
    """The VGG19 compute type for ``precision`` on a device (pure, so every branch is testable).

    Args:
        precision: ``"float32"`` or ``"mixed"``.
        gpu_capability: CUDA compute capability (major, minor) of the GPU that will run
            VGG19, or None when it runs on the CPU.
        cpu_flags: the CPU's feature flags (used when there is no GPU).
    """
    if check_precision(precision) == "float32":
        return "float32"
    if gpu_capability is not None:
        return "bfloat16" if tuple(gpu_capability) >= (8, 0) else "float16"
    return "bfloat16" if CPU_BF16_FLAGS & set(cpu_flags) else "float32"


def cpu_flags() -> frozenset[str]:
    """This CPU's feature flags from /proc/cpuinfo (empty where there is none, e.g. macOS)."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("flags"):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


@functools.cache
def compute_dtype(precision: str) -> str:
    """The VGG19 compute type for ``precision`` on this machine's first GPU, or its CPU."""
    check_precision(precision)
    if precision == "float32":
        return "float32"
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    capability = tf.config.experimental.get_device_details(gpus[0]).get("compute_capability") if gpus else None
    if gpus and capability is None:  # a GPU that does not report it (ROCm): float16 is safe everywhere
        capability = (7, 0)
    return choose_compute_dtype(precision, capability, cpu_flags())
