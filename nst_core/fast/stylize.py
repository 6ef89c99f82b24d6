"""``fast_stylize``: images in, one forward pass of Magenta's network (or a trained one), a picture out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..engine import color
from ..errors import OptionError
from ..image.io import ImageSource, image_list, load_image
from .model import FastStylizer, blend_style_vectors, check_strength, normalise_blend_weights, with_strength


def fast_stylize(
    content: ImageSource,
    style: ImageSource | Sequence[ImageSource] | None = None,
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
        style: a style image, or a list of them mixed by ``blend_weights``; None (and no
            other value) with a trained network, whose style is built in.
        strength: 0 gives the content's own look, 1 the full style; in between the style
            vector is interpolated with the content's (Magenta's recipe); a trained network
            mixes the photo back in, pixel by pixel.
        size: longest side of the result in pixels (None: the content's size).
        model: a loaded :class:`FastStylizer` (default :func:`load_fast_model`), such as a
            :class:`~nst_core.fast.trained.TrainedStylizer` of ``nst train``'s network.
        blend_weights: relative weights of several styles (default equal).
        preserve_colors: ``"none"``, ``"luminance"`` or ``"histogram"`` (see :mod:`~nst_core.engine.color`).

    Returns:
        the stylised image, float32 (height, width, 3) in [0, 1].
    """
    check_strength(strength)
    preserve_colors = color.check_preserve_colors(preserve_colors)
    sources = [] if style is None else image_list(style)
    if model is None and not sources:
        model = _default_model()  # a trained network named by $NST_FAST_MODEL needs no style
    if model is not None and getattr(model, "style_built_in", False):  # a trained network: style built in
        return _paint_trained(model, content, sources, strength, size, blend_weights, preserve_colors)
    if not sources:
        raise OptionError("at least one style image is needed")
    weights = normalise_blend_weights(blend_weights, len(sources))
    content_image = load_image(content, size)
    styles = [load_image(s) for s in sources]
    if preserve_colors == "histogram":
        styles = [color.match_color_histogram(s, content_image) for s in styles]
    if model is None:
        model = _default_model()
    vector = blend_style_vectors(model, styles, weights)
    if strength < 1.0:
        vector = with_strength(vector, model.style_vector(content_image), strength)
    image = model.transfer(content_image, vector)
    if preserve_colors == "luminance":
        image = color.combine_luminance(image, content_image)
    return image


def _default_model() -> FastStylizer:
    # Looked up on the package when called, so a loader set on nst_core.fast (as tests do
    # with monkeypatch) is the one used.
    from . import load_fast_model

    return load_fast_model()


def _paint_trained(
    model: FastStylizer,
    content: ImageSource,
    sources: list,
    strength: float,
    size: int | None,
    blend_weights: Sequence[float] | None,
    preserve_colors: str,
) -> np.ndarray:
    """A trained network's picture: no style image; colours kept by matching its output to the photo."""
    if sources:
        raise OptionError(f"{model.location}: a trained network paints its own style; give no style image")
    if blend_weights is not None:
        raise OptionError("a trained network has one style; blend weights do not apply")
    content_image = load_image(content, size)
    image = model.paint(content_image, strength)  # type: ignore[attr-defined]
    if preserve_colors == "histogram":  # its style cannot be recoloured first: recolour the result
        image = color.match_color_histogram(image, content_image)
    elif preserve_colors == "luminance":
        image = color.combine_luminance(image, content_image)
    return image
