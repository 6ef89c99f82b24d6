"""Styles by region at interactive speed: one pass of the fast network per style, blended by masks.

Magenta's transfer network takes one style vector for the whole picture (its conditional
instance normalisation has a scale and a shift per channel, not per pixel, and the Lite
export's input is a single (1, 1, 1, 100) vector), so a style per region is painted as one
full picture per style, mixed pixel by pixel by the soft masks; where no mask covers, the
photo stays. A pass costs about a second on a CPU at 512 px, so K styles cost K passes.
A network trained by ``nst train`` has one style built in: it paints once, in the masks' regions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..engine import color
from ..errors import OptionError
from ..image.io import ImageSource, image_list, load_image
from ..image.masks import blend_by_masks
from .model import FastStylizer, check_strength
from .stylize import fast_stylize


def fast_stylize_regions(
    content: ImageSource,
    style: ImageSource | Sequence[ImageSource] | None,
    masks: Sequence[np.ndarray],
    *,
    model: FastStylizer,
    strength: float = 1.0,
    size: int | None = None,
    preserve_colors: str = "none",
) -> np.ndarray:
    """Paint each style in its region of ``content`` (one network pass per style).

    Args:
        content: the photo.
        style: the style images, one per mask; styles after the last mask paint everywhere.
            None or empty with a trained network (its own style, in every mask's region).
        masks: soft masks (height, width) in [0, 1], any size (resized to the photo), as
            :func:`nst_core.image.masks.style_masks` makes them from pictures or region numbers.
        model: a loaded :class:`FastStylizer`.
        strength: 0 the photo's own look, 1 the full style (as :func:`~nst_core.fast.fast_stylize`).
        size: longest side of the result in pixels (None: the photo's size).
        preserve_colors: ``"none"``, ``"luminance"`` or ``"histogram"``.

    Returns:
        float32 RGB (height, width, 3) in [0, 1], the photo where no mask covers.
    """
    check_strength(strength)
    preserve_colors = color.check_preserve_colors(preserve_colors)
    sources = [] if style is None else image_list(style)
    photo = load_image(content, size)
    if getattr(model, "style_built_in", False):
        painting = fast_stylize(photo, sources or None, model=model, strength=strength, preserve_colors=preserve_colors)
        return blend_by_masks([painting] * len(masks), masks, photo)
    if len(masks) > len(sources):
        raise OptionError(f"{len(masks)} style masks for {len(sources)} style image(s); give at most one per style")
    # Each style over the whole photo, as nst fast paints it; the photo's brightness is put
    # back once, after the blend.
    each = "histogram" if preserve_colors == "histogram" else "none"
    paintings = [fast_stylize(photo, s, model=model, strength=strength, preserve_colors=each) for s in sources]
    everywhere = [np.ones(photo.shape[:2], np.float32)] * (len(sources) - len(masks))
    image = blend_by_masks(paintings, [*masks, *everywhere], photo)
    if preserve_colors == "luminance":
        image = color.combine_luminance(image, photo)
    return image
