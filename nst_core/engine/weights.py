"""Relative weights (of style images in a blend, of style layers): one check, one wording."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..errors import OptionError


def normalise_weights(weights: Sequence[float] | np.ndarray | None, count: int, items: str, name: str) -> np.ndarray:
    """``count`` relative weights scaled to sum to 1 (equal when ``weights`` is None).

    Args:
        weights: one non-negative number per item, or None for equal weights.
        count: how many items (style images, style layers) are weighted.
        items: what is weighted, plural, for the error message (``"style images"``).
        name: what the weights are called there (``"blend weights"``).

    Raises:
        OptionError: a value is not a finite number >= 0, the values sum to 0, or their
            number is not ``count``.
    """
    if weights is None:
        return np.full(count, 1.0 / count)
    values = check_weights(weights, name)
    if len(values) != count:
        raise OptionError(f"{count} {items} need {count} {name}, got {len(values)}")
    return np.asarray(values) / sum(values)


def check_weights(weights: Sequence[float] | np.ndarray, name: str) -> tuple[float, ...]:
    """``weights`` as floats, each finite and >= 0 with a positive sum, else :class:`OptionError`."""
    try:
        values = tuple(float(w) for w in weights)
    except (TypeError, ValueError):
        values = None
    if values is None or any(v < 0 or not math.isfinite(v) for v in values) or sum(values) <= 0:
        shown = list(values) if values is not None else list(weights)
        raise OptionError(f"{name} must be numbers >= 0 with a positive sum, got {shown}")
    return values
