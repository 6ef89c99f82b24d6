"""The loaded network's interface, whichever back end runs it, and the arithmetic of style vectors.

Style image -> style vector -> stylised content; blends and strength are arithmetic on
the vectors.

Magenta's arbitrary stylisation (Ghiasi et al. 2017, "Exploring the structure of a
real-time, arbitrary neural artistic stylization network") reduces a style to a 100-number
vector, so mixing styles or weakening one is a weighted mean of vectors.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from ..engine.weights import normalise_weights
from ..errors import OptionError
from ..image.io import resize

#: Side of the square style image the prediction network reads, in pixels.
STYLE_SIZE = 256
#: Length of Magenta's style vector.
STYLE_DIM = 100


def _square_style(style: np.ndarray) -> np.ndarray:
    """Centre-crop to a square and resize to 256 px: the prediction network's input.

    Cropping rather than squashing keeps the brush strokes' proportions.
    """
    style = np.asarray(style, dtype=np.float32)
    h, w = style.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    return resize(style[top : top + side, left : left + side], (STYLE_SIZE, STYLE_SIZE))


class FastStylizer:
    """One loaded Magenta model: style image -> style vector -> stylised content."""

    backend = "?"
    location = ""
    #: True for a network trained for one style (:mod:`~nst_core.fast.trained`): it takes no
    #: style image, and paints with :meth:`~nst_core.fast.trained.TrainedStylizer.paint`.
    style_built_in = False

    def style_vector(self, style: np.ndarray, crop: bool = True) -> np.ndarray:
        """The 100-number style vector of a float RGB image in [0, 1] (any size).

        The image is centre-cropped to a square (``crop``, which keeps brush strokes'
        proportions) or squeezed, then resized to 256 px.
        """
        square = _square_style(style) if crop else resize(np.asarray(style, np.float32), (STYLE_SIZE, STYLE_SIZE))
        vector = self._predict(square)
        return np.asarray(vector, dtype=np.float32).reshape(STYLE_DIM)

    def transfer(self, content: np.ndarray, style_vector: np.ndarray) -> np.ndarray:
        """Paint ``content`` (float RGB in [0, 1], any size) with a style vector.

        The result has the same height and width, values in [0, 1].
        """
        content = np.asarray(content, dtype=np.float32)
        vector = np.asarray(style_vector, dtype=np.float32).reshape(1, 1, 1, STYLE_DIM)
        out = np.asarray(self._transfer(content, vector), dtype=np.float32)
        if out.shape[:2] != content.shape[:2]:  # strided layers round odd sizes
            out = resize(np.clip(out, 0, 1), content.shape[:2])
        return np.clip(out, 0.0, 1.0)

    def _predict(self, style256: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _transfer(self, content: np.ndarray, vector: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<FastStylizer {self.backend} {self.location}>"


def check_strength(strength: float) -> float:
    """``strength`` as a float, or OptionError unless it is a number from 0 to 1."""
    if isinstance(strength, bool) or not isinstance(strength, numbers.Real) or not 0.0 <= strength <= 1.0:
        raise OptionError(f"strength must be a number from 0 to 1, got {strength!r}")
    return float(strength)


def blend_style_vectors(
    model: FastStylizer, styles: Sequence[np.ndarray], weights: Sequence[float] | np.ndarray | None = None
) -> np.ndarray:
    """The weighted mean of the styles' vectors: Magenta's way of mixing styles."""
    normalised = normalise_blend_weights(weights, len(styles))
    return np.sum([w * model.style_vector(s) for w, s in zip(normalised, styles, strict=True)], axis=0)


def with_strength(style_vector: np.ndarray, content_vector: np.ndarray, strength: float) -> np.ndarray:
    """Interpolate from the content's own style vector (0) to the style's (1)."""
    strength = check_strength(strength)
    return (strength * np.asarray(style_vector) + (1.0 - strength) * np.asarray(content_vector)).astype(np.float32)


def normalise_blend_weights(weights: Sequence[float] | np.ndarray | None, count: int) -> np.ndarray:
    """The weights of ``count`` styles summing to 1 (equal by default), or OptionError."""
    return normalise_weights(weights, count, "style images", "blend weights").astype(np.float32)
