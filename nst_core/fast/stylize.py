"""``fast_stylize``: images in, one forward pass of Magenta's network, a picture out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..engine import color
from ..errors import OptionError
from ..image.io import ImageSource, image_list, load_image
from .model import FastStylizer, blend_style_vectors, check_strength, normalise_blend_weights, with_strength


def fast_stylize(
    content: ImageSource,
    style: ImageSource | Sequence[ImageSource],
    *,
    strength: float = 1.0,
    size: int | None = None,
    model: FastStylizer | None = None,
    blend_weights: Sequence[float] | None = None,
    preserve_colors: str = "none",
) -> np.ndarray:
    """Stylise in one forward pass (about a second on a CPU).

    Args:
        content: the photo (path, URL, bytes, PIL image or array).
        style: a style image, or a list of them mixed by ``blend_weights``.
        strength: 0 gives the content's own look, 1 the full style; in between the style
            vector is interpolated with the content's (Magenta's recipe).
        size: longest side of the result in pixels (None: the content's size).
        model: a loaded :class:`FastStylizer` (default :func:`load_fast_model`).
        blend_weights: relative weights of several styles (default equal).
        preserve_colors: ``"none"``, ``"luminance"`` or ``"histogram"`` (see :mod:`~nst_core.engine.color`).

    Returns:
        the stylised image, float32 (height, width, 3) in [0, 1].
    """
    check_strength(strength)
    preserve_colors = color.check_preserve_colors(preserve_colors)
    sources = image_list(style)
    if not sources:
        raise OptionError("at least one style image is needed")
    weights = normalise_blend_weights(blend_weights, len(sources))
    content_image = load_image(content, size)
    styles = [load_image(s) for s in sources]
    if preserve_colors == "histogram":
        styles = [color.match_color_histogram(s, content_image) for s in styles]
    if model is None:
        # Looked up on the package when called, so a loader set on nst_core.fast (as tests
        # do with monkeypatch) is the one used.
        from . import load_fast_model

        model = load_fast_model()
    vector = blend_style_vectors(model, styles, weights)
    if strength < 1.0:
        vector = with_strength(vector, model.style_vector(content_image), strength)
    image = model.transfer(content_image, vector)
    if preserve_colors == "luminance":
        image = color.combine_luminance(image, content_image)
    return image
