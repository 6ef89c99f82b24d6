"""``stylize``: the one call most users need, from images in to a :class:`Result` out.

It reads the images, builds the VGG19 extractor, computes the style and content targets
once, optimises the pixels, and applies colour preservation; every step is a function of
its own module, so this file only wires them in the one direction data flows.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf

from . import color, memory, pyramid
from .errors import OptionError
from .images import ImageSource, load_image, resize, save_image, to_pil
from .objective import StyleObjective
from .optimize import Callback, optimize_image
from .options import StyleOptions
from .precision import compute_dtype
from .vgg import VGGFeatures


@dataclass
class Result:
    """The stylised image, how the loss evolved, and how long it took.

    Attributes:
        image: float RGB (height, width, 3) in [0, 1]: the best image of the run.
        history: loss parts per step: ``history["total"][k]`` and likewise
            ``"content"``, ``"style"``, ``"tv"`` (already weighted).
        seconds: wall time of the optimisation, in seconds (excluding loading).
        stopped: None if every step ran, ``"interrupted"`` (Ctrl-C) or ``"callback"``.
        options: the :class:`StyleOptions` used.
    """

    image: np.ndarray
    history: dict[str, np.ndarray]
    seconds: float
    stopped: str | None
    options: StyleOptions

    @property
    def steps(self) -> int:
        """Steps actually taken."""
        return len(self.history["total"]) if self.options.steps else 0

    @property
    def loss(self) -> float:
        """Lowest total loss of the run (that of :attr:`image`)."""
        return float(np.nanmin(self.history["total"]))

    def save(self, path: str | os.PathLike) -> Path:
        """Write the image as PNG or JPEG (by suffix), atomically; returns the path."""
        return save_image(self.image, path)

    def to_pil(self):
        """The image as a PIL image (uint8 RGB)."""
        return to_pil(self.image)

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.to_pil().save(buffer, format="PNG")
        return buffer.getvalue()


def _as_list(style: ImageSource | Sequence[ImageSource]) -> list[ImageSource]:
    if isinstance(style, (list, tuple)):
        return list(style)
    return [style]


def _initial_image(options: StyleOptions, content: np.ndarray, styles: list[np.ndarray]) -> np.ndarray:
    """The starting image: the content, uniform noise, the first style, the fast network's
    result (fast-then-refine), or a given image."""
    init = options.init
    if isinstance(init, str) and init == "content":
        return content
    if isinstance(init, str) and init == "noise":
        rng = np.random.default_rng(options.seed)
        return rng.uniform(0.0, 1.0, size=content.shape).astype(np.float32)
    if isinstance(init, str) and init == "style":
        return resize(styles[0], content.shape[:2])
    if isinstance(init, str) and init == "fast":
        from .fast import fast_stylize

        return fast_stylize(content, styles, blend_weights=options.style_blend_weights)
    return resize(load_image(init), content.shape[:2])


def _scaled(image: np.ndarray, scale: float) -> tuple[int, int]:
    """(height, width) of ``image`` scaled by ``scale``, at least 1 px."""
    return max(1, round(image.shape[0] * scale)), max(1, round(image.shape[1] * scale))


def objective_at_scale(
    options: StyleOptions, extractor: VGGFeatures, content: np.ndarray, styles: list[np.ndarray], size: int
) -> tuple[StyleObjective, tuple[int, int]]:
    """The objective with targets computed at longest side ``size`` px, and that scale's (height, width).

    ``content`` and ``styles`` are the images prepared for ``options.size``; they are
    resized by ``size / options.size`` (a pyramid scale) or used as they are.
    """
    scale = size / options.size
    content = content if scale == 1 else resize(content, _scaled(content, scale))
    styles = styles if scale == 1 else [resize(s, _scaled(s, scale)) for s in styles]
    for name, image in [("content", content)] + [("style", s) for s in styles]:
        extractor.check_fits(image.shape, f"the {name} image is", "raise size or style_scale", " at this size")
    objective = StyleObjective.from_options(extractor, content, styles, options)
    return objective, content.shape[:2]


def prepare_images(
    content: ImageSource, style: ImageSource | Sequence[ImageSource], options: StyleOptions
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Load the content at ``options.size`` and the styles at ``size * style_scale`` pixels."""
    content_image = load_image(content, options.size)
    style_size = max(16, round(options.size * options.style_scale))
    sources = _as_list(style)
    if not sources:
        raise OptionError("at least one style image is needed")
    if options.style_blend_weights is not None and len(options.style_blend_weights) != len(sources):
        raise OptionError(
            f"{len(sources)} style images need {len(sources)} blend weights, got {len(options.style_blend_weights)}"
        )
    return content_image, [load_image(s, style_size) for s in sources]


def stylize(
    content: ImageSource,
    style: ImageSource | Sequence[ImageSource],
    *,
    options: StyleOptions | None = None,
    callback: Callback | None = None,
    callback_every: int = 10,
    **option_values: Any,
) -> Result:
    """Paint ``content`` in the style of ``style`` (Gatys, Ecker and Bethge 2016).

    Args:
        content: the photo: a path, URL, bytes, PIL image or array.
        style: one style image, or a list of them (blended by ``style_blend_weights``).
        options: a :class:`StyleOptions`; keyword arguments override its fields, e.g.
            ``stylize("photo.jpg", "painting.jpg", size=256, style_weight=1e-1)``.
        callback: called every ``callback_every`` steps with a
            :class:`~nst_core.optimize.Progress` (step, loss parts, current image);
            return False from it to stop early.

    Returns:
        a :class:`Result` with the image, the loss history and the time taken.

    Raises:
        ImageError: an image cannot be read; OptionError: an option is out of range.
    """
    options = options or StyleOptions()
    if option_values:
        options = options.replace(**option_values)
    content_image, style_images = prepare_images(content, style, options)
    lbfgs_history = memory.check_memory(options, content_image.shape[:2])
    if options.seed is not None:
        tf.random.set_seed(options.seed)
    init = _initial_image(options, content_image, style_images)

    if options.preserve_colors == "histogram":
        style_images = [color.match_color_histogram(s, content_image) for s in style_images]
    target_content = content_image
    if options.preserve_colors == "luminance":
        target_content = color.grey_rgb(color.luminance(content_image))
        style_images = [color.match_luminance(s, content_image) for s in style_images]
        init = color.grey_rgb(color.luminance(init))
        if callback is not None:
            user_callback = callback

            def callback(progress):  # show the colour picture, not the grey one optimised
                recolour = functools.partial(color.combine_luminance, content=content_image)
                return user_callback(dataclasses.replace(progress, finish=recolour))

    extractor = VGGFeatures(
        options.content_layers + options.style_layers, pooling=options.pooling, dtype=compute_dtype(options.precision)
    )

    def make_objective(size: int) -> tuple[StyleObjective, tuple[int, int]]:
        return objective_at_scale(options, extractor, target_content, style_images, size)

    settings = {**options.optimizer_settings(), "lbfgs_history": lbfgs_history}
    sizes = pyramid.pyramid_sizes(options.size, options.pyramid_levels, options.pyramid_start_size)
    if len(sizes) == 1:
        run = optimize_image(
            make_objective(options.size)[0],
            init,
            options.steps,
            callback=callback,
            callback_every=callback_every,
            **settings,
        )
    else:
        run = pyramid.optimize_pyramid(
            make_objective,
            init,
            sizes,
            pyramid.pyramid_steps(options.steps, len(sizes)),
            callback=callback,
            callback_every=callback_every,
            **settings,
        )
    image = run.image
    if options.preserve_colors == "luminance":
        image = color.combine_luminance(image, content_image)
    return Result(image=image, history=run.history, seconds=run.seconds, stopped=run.stopped, options=options)
