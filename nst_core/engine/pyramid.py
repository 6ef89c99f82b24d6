"""Coarse-to-fine optimisation: solve at low resolution first, then refine at full size.

Gatys, Ecker, Bethge, Hertzmann and Shechtman 2017 ("Controlling perceptual factors in
neural style transfer", scale control): the large structures of a stylisation are settled
cheaply at a low resolution, where one VGG19 step costs a quarter of a step at twice the
side; the change made there, upsampled, is added to the starting image of the next scale,
which only has to add the fine strokes. The style and content targets are computed once
per scale.
"""

from __future__ import annotations

import dataclasses
import math
import time
import warnings
from collections.abc import Callable, Sequence

import numpy as np

from ..errors import OptionError
from ..image.io import resize
from .choices import DEFAULT_PYRAMID_LEVELS, MIN_PYRAMID_SIZE
from .optimize import Callback, Objective, OptimizationResult, PixelOptimizer, Progress


def pyramid_sizes(size: int, levels: int | None, start_size: int | None = None) -> list[int]:
    """Longest side of each scale, coarse to fine, ending at ``size`` (pixels).

    Scales are spaced by a factor 2 (as in Gatys et al. 2017); ``start_size`` instead fixes
    the coarsest one and spaces the rest geometrically. Scales below
    :data:`MIN_PYRAMID_SIZE` are dropped, so a small ``size`` gets fewer levels. ``levels``
    None is :data:`DEFAULT_PYRAMID_LEVELS`.
    """
    levels = DEFAULT_PYRAMID_LEVELS if levels is None else levels
    if int(levels) != levels or levels < 1:
        raise OptionError(f"pyramid_levels must be a whole number >= 1, got {levels!r}")
    if levels == 1:
        return [int(size)]
    if start_size is None:
        sizes = [round(size / 2**k) for k in range(levels - 1, -1, -1)]
    else:
        if start_size >= size:
            raise OptionError(f"pyramid_start_size ({start_size}) must be smaller than size ({size})")
        ratio = (size / start_size) ** (1 / (levels - 1))
        sizes = [round(start_size * ratio**k) for k in range(levels)]
    sizes = [s for s in sizes[:-1] if s >= MIN_PYRAMID_SIZE] + [int(size)]
    return sorted(set(sizes))


def planned_steps(size: int, steps: int, levels: int | None, start_size: int | None = None) -> int:
    """Steps a run of ``steps`` at ``size`` px takes over all its scales (what a progress bar counts)."""
    return sum(pyramid_steps(steps, len(pyramid_sizes(size, levels, start_size))))


def pyramid_steps(steps: int, levels: int, coarse_fraction: float = 0.5) -> list[int]:
    """Steps per scale, coarse to fine, for ``steps`` steps at the final size.

    The finest scale gets ``ceil(steps * (1 - coarse_fraction))`` steps, as its upsampled
    start is already close; each coarser scale gets ``steps`` steps, which cost 1/4, 1/16...
    of a full-size step each.
    """
    if levels == 1:
        return [int(steps)]
    fine = max(1, math.ceil(steps * (1.0 - coarse_fraction))) if steps else 0
    return [int(steps)] * (levels - 1) + [fine]


def _resize_change(change: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Resize a difference of two images (values in [-1, 1]); images.resize clips to [0, 1]."""
    return 2.0 * resize((change + 1.0) / 2.0, shape) - 1.0


def run_pyramid(
    optimizers: Sequence[PixelOptimizer],
    init: np.ndarray,
    steps: Sequence[int],
    callback: Callback | None = None,
    callback_every: int = 1,
) -> OptimizationResult:
    """Run each scale's optimiser in turn, coarse to fine, each starting from the last one's picture.

    Args:
        optimizers: one :class:`~nst_core.engine.optimize.PixelOptimizer` per scale, coarse to
            fine, each of its scale's objective (targets computed there, once) and image
            shape. A caller that keeps them (:class:`nst_core.Stylizer`) reuses their traced
            steps in the next run.
        init: starting image at the final (height, width); resized to each scale's shape.
        steps: number of steps of each scale, coarse to fine.
        callback: as for ``optimize_image``; ``Progress.step`` counts over all scales.
        callback_every: steps between calls of ``callback``.

    Returns the result of the finest scale (its image and loss history), with ``seconds``
    and ``steps`` counting every scale. A stop (callback or Ctrl-C) at a coarse scale
    returns that scale's image upsampled to full size, without further work.
    """
    if len(optimizers) != len(steps):
        raise OptionError(f"{len(optimizers)} pyramid scales need {len(optimizers)} step counts, got {len(steps)}")
    total = sum(steps)
    done = 0
    seconds = 0.0
    run = None
    coarse_init = init
    for index, (optimizer, level_steps) in enumerate(zip(optimizers, steps, strict=True)):
        shape = (optimizer.shape[0], optimizer.shape[1])
        level_init = resize(init, shape)
        if run is None:
            image = level_init
        else:
            # Upsample only the change the coarser scales made, onto this scale's own start
            # image: the photo's fine detail is kept instead of blurred away, so the start
            # loss at this scale is lower than from the upsampled picture.
            image = np.clip(level_init + _resize_change(run.image - coarse_init, shape), 0.0, 1.0)
        coarse_init = level_init
        level_callback = None
        if callback is not None:

            def level_callback(progress: Progress, offset: int = done) -> bool | None:
                return callback(dataclasses.replace(progress, step=progress.step + offset, steps=total))

        start = time.perf_counter()
        run = optimizer.run(image, level_steps, callback=level_callback, callback_every=callback_every)
        seconds += time.perf_counter() - start if run.steps == 0 else run.seconds
        done += run.steps
        if run.stopped is not None and index < len(optimizers) - 1:
            image = np.clip(init + _resize_change(run.image - coarse_init, init.shape[:2]), 0.0, 1.0)
            run = dataclasses.replace(run, image=image)
            break
    assert run is not None
    return dataclasses.replace(run, seconds=seconds, steps=done)


def optimize_pyramid(
    make_objective: Callable[[int], tuple[Objective, tuple[int, int]]],
    init: np.ndarray,
    sizes: list[int],
    steps: list[int],
    callback: Callback | None = None,
    callback_every: int = 1,
    **optimize_kwargs,
) -> OptimizationResult:
    """Deprecated: build one :class:`PixelOptimizer` per scale and call :func:`run_pyramid`.

    ``make_objective(size)`` gives a scale's objective and (height, width);
    ``optimize_kwargs`` are the optimisers' settings. Kept for one release (0.2.0's API).
    """
    warnings.warn(
        "optimize_pyramid(make_objective, ...) is deprecated; pass one PixelOptimizer per scale to run_pyramid",
        DeprecationWarning,
        stacklevel=2,
    )
    if len(sizes) != len(steps):
        raise OptionError(f"{len(sizes)} pyramid sizes need {len(sizes)} step counts, got {len(steps)}")
    optimizers = []
    for size in sizes:
        objective, shape = make_objective(size)
        optimizers.append(PixelOptimizer(objective, (*shape, 3), **optimize_kwargs))
    return run_pyramid(optimizers, init, steps, callback, callback_every)
