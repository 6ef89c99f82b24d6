"""From :class:`~nst_core.options.StyleOptions` to engine calls, one function per step of a run.

The engine (:mod:`nst_core.engine`) takes plain arguments: arrays, numbers, layer names. This
module translates the options into them, in the order data flows: load the images, check the
run fits in memory, pick the start image and the colour-preserving targets, build the VGG19
extractor and the objective (at each scale of a pyramid). :func:`nst_core.api.stylize` and
:func:`nst_core.video.stylize.stylize_video` are wired from these functions, so the two read
the options in one way.

Over 300 lines: one short function per step of a run, in the order data flows.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import tensorflow as tf

from .engine import color, masks, memory, pyramid
from .engine.choices import MIN_PYRAMID_SIZE, smallest_side
from .engine.objective import StyleObjective
from .engine.precision import compute_dtype
from .engine.vgg import VGGFeatures
from .engine.weights import normalise_weights
from .errors import OptionError
from .image.io import ImageSource, describe_source, image_list, load_image, resize
from .image.masks import check_mask_count, load_mask, style_masks
from .options import StyleOptions


def prepare_images(
    content: ImageSource,
    style: ImageSource | Sequence[ImageSource],
    options: StyleOptions,
    content_is: str = "the content image is",
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Load the content at ``options.size`` and the styles at ``size * style_scale`` pixels.

    Sizes are of the longest side; images are float RGB in [0, 1].

    The blend weights are checked against the number of styles before any is loaded, so a
    mismatch is reported at once; an image too small for the layers is refused here, named
    by its file where it has one. ``content_is`` begins the message about the content
    ("frames are" for video).
    """
    content_image = load_image(content, options.size)
    style_size = max(16, round(options.size * options.style_scale))
    sources = image_list(style)
    if not sources:
        raise OptionError("at least one style image is needed")
    normalise_weights(options.style_blend_weights, len(sources), "style images", "blend weights")  # before loading them
    check_mask_count(options.style_masks, len(sources))
    check_mask_count(options.style_image_masks, len(sources), "style image masks")
    style_images = [load_image(s, style_size) for s in sources]
    names = [describe_source(s) if isinstance(s, (str, os.PathLike)) else None for s in [content, *sources]]
    _check_sides(
        smallest_side(options.content_layers + options.style_layers), content_image, style_images, content_is, names
    )
    return content_image, style_images


#: A run's masks: (content masks, style-image masks), each None or one array (height, width) per style.
Masks = tuple[list[np.ndarray] | None, list[np.ndarray | None] | None]


def prepare_masks(
    options: StyleOptions, content: np.ndarray, styles: Sequence[np.ndarray], photo: ImageSource | None = None
) -> Masks:
    """The content masks of ``options.style_masks`` at the content's size, and the style images' masks.

    Region numbers split the photo (``photo`` as the user gave it, default ``content``) into
    ``options.regions`` automatic regions. Every mask is read and checked here, before any
    VGG19 pass, so a bad one fails at once.
    """
    check_mask_count(options.style_masks, len(styles))
    check_mask_count(options.style_image_masks, len(styles), "style image masks")
    content_masks = None
    if options.style_masks is not None:
        content_masks = style_masks(options.style_masks, content, options.regions, options.mask_feather, photo)
    image_masks: list[np.ndarray | None] | None = None
    if options.style_image_masks is not None:
        image_masks = [load_mask(m, s.shape[:2]) for m, s in zip(options.style_image_masks, styles, strict=False)]
    return content_masks, image_masks


def keep_photo(options: StyleOptions, content: np.ndarray, content_masks: list[np.ndarray] | None, styles: int):
    """What puts the photo back where no style paints, or None when every part is painted.

    With ``options.unstyled`` ``"paste"`` (see :func:`~nst_core.engine.masks.keep_photo_outside`);
    ``"content"`` leaves it to the content term. A style after the last of the ``styles``
    masks paints everywhere, so then no part is the photo's alone.
    """
    if content_masks is None or options.unstyled != "paste" or len(content_masks) < styles:
        return None
    return functools.partial(masks.keep_photo_outside, photo=content, masks=content_masks)


def reference_styles(
    style: ImageSource | Sequence[ImageSource], loaded: list[np.ndarray], options: StyleOptions
) -> list[np.ndarray]:
    """The paintings at the result's size (``options.size``), which quality measures compare with.

    As ``shared/eval`` measures: with ``style_scale`` 1 they are the ``loaded`` styles of
    :func:`prepare_images`; with another they are loaded again, as the loaded ones are
    resampled versions of them.
    """
    if options.style_scale == 1:
        return list(loaded)
    return [load_image(s, options.size) for s in image_list(style)]


def check_memory(
    options: StyleOptions, height_width: tuple[int, int], available: int | None = None, pyramid_run: bool = True
) -> int:
    """The L-BFGS history (pairs) a run of ``options`` on ``height_width`` px images fits with.

    See :func:`nst_core.engine.memory.check_memory`: fewer pairs with a warning, or an
    :class:`OptionError` naming the size that fits. ``available`` is in bytes (default: what
    the system has). ``pyramid_run``: the run goes through the options' pyramid, whose
    coarser scales' optimisers stay allocated (False: one scale, as video frames run). The
    warning is attributed to the caller of this function's caller (the code that started
    the run).
    """
    layers = tuple(options.content_layers) + tuple(options.style_layers)
    height, width = height_width
    coarse = pyramid.pyramid_sizes(options.size, options.pyramid_levels, options.pyramid_start_size)[:-1]
    coarse = coarse if pyramid_run else []
    kept = [(max(1, round(height * s / options.size)), max(1, round(width * s / options.size))) for s in coarse]
    return memory.check_memory(
        height_width,
        options.size,
        kept_shapes=kept,
        optimizer=options.optimizer,
        lbfgs_history=options.lbfgs_history,
        layers=layers,
        compute_dtype=compute_dtype(options.precision),
        jit_compile=options.jit_compile,
        sliced_layers=options.style_layers if options.style_loss == "sliced" else (),
        style_scale=options.style_scale,
        available=available,
        stacklevel=4,
    )


def seed_run(options: StyleOptions) -> None:
    """Seed TensorFlow's global random generator with ``options.seed`` (nothing if it is None)."""
    if options.seed is not None:
        tf.random.set_seed(options.seed)


def initial_image(options: StyleOptions, content: np.ndarray, styles: list[np.ndarray]) -> np.ndarray:
    """The starting image of ``options.init``, float RGB at the content's size.

    The content, uniform noise (seeded by ``options.seed``), the first style, the fast
    network's result (fast-then-refine), or a given image.
    """
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


def color_targets(
    options: StyleOptions, content: np.ndarray, styles: list[np.ndarray], init: np.ndarray
) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """(content target, style images, start image) that ``options.preserve_colors`` optimises with.

    ``"histogram"`` gives the styles the photo's colour histogram (Gatys et al. 2017,
    "Controlling perceptual factors"); ``"luminance"`` optimises grey images (the photo's
    luminance, the styles' luminance matched to it), which :func:`color_finish` recolours.
    """
    if options.preserve_colors == "histogram":
        styles = [color.match_color_histogram(s, content) for s in styles]
    if options.preserve_colors == "luminance":
        styles = [color.match_luminance(s, content) for s in styles]
        return color.grey_rgb(color.luminance(content)), styles, color.grey_rgb(color.luminance(init))
    return content, styles, init


def color_finish(options: StyleOptions, content: np.ndarray) -> Callable[[np.ndarray], np.ndarray] | None:
    """What turns an optimised image into the one shown, or None when it is the result.

    With ``preserve_colors="luminance"``: its luminance in the photo's colours.
    """
    if options.preserve_colors == "luminance":
        return functools.partial(color.combine_luminance, content=content)
    return None


def scale_sizes(options: StyleOptions) -> list[int]:
    """Longest side of each scale of the run, coarse to fine, in pixels (one: no pyramid).

    Warns when scales under :data:`~nst_core.engine.choices.MIN_PYRAMID_SIZE` px are dropped
    (attributed to the caller of this function's caller, the code that started the run).
    """
    sizes = pyramid.pyramid_sizes(options.size, options.pyramid_levels, options.pyramid_start_size)
    if options.pyramid_levels is not None and len(sizes) < options.pyramid_levels:
        warnings.warn(
            f"pyramid_levels={options.pyramid_levels} at size {options.size}: scales under"
            f" {MIN_PYRAMID_SIZE} px are dropped, so {len(sizes)} scale(s) run",
            stacklevel=3,
        )
    return sizes


def build_extractor(options: StyleOptions) -> VGGFeatures:
    """The VGG19 extractor of ``options``.

    Its content and style layers, its pooling, and the number type its ``precision`` picks on
    this device.
    """
    return VGGFeatures(
        options.content_layers + options.style_layers,
        pooling=options.pooling,
        dtype=compute_dtype(options.precision),
    )


def build_objective(
    extractor: VGGFeatures,
    content: np.ndarray,
    styles: Sequence[np.ndarray],
    options: StyleOptions,
    extra_losses: Mapping[str, Callable[[tf.Tensor], tf.Tensor]] | None = None,
    region_masks: Masks = (None, None),
) -> StyleObjective:
    """The objective of ``options``, with targets computed from ``content`` and ``styles``.

    Its layers, weights, style loss and seed are those of ``options``; the images (float RGB
    in [0, 1]) are taken as they are.

    ``extra_losses`` are further terms (the temporal loss of video); ``region_masks`` are
    those of :func:`prepare_masks`. Options with masks but no ``region_masks`` (a caller that
    does not prepare them, such as video) are an OptionError rather than a run without them.
    """
    if region_masks == (None, None) and (options.style_masks is not None or options.style_image_masks is not None):
        raise OptionError("style masks are not supported here (only nst, nst fast and nst_core.stylize take them)")
    return StyleObjective(
        extractor,
        content,
        styles,
        options.content_layers,
        options.style_layers,
        options.content_weight,
        options.style_weight,
        options.tv_weight,
        style_layer_weights=options.style_layer_weights,
        blend_weights=options.style_blend_weights,
        extra_losses=extra_losses,
        style_loss=options.style_loss,
        seed=options.seed,
        content_masks=region_masks[0],
        style_masks=region_masks[1],
    )


def check_fits(
    extractor: VGGFeatures, content: np.ndarray, styles: list[np.ndarray], content_is: str = "the content image is"
) -> None:
    """Raise :class:`OptionError` if the content or a style image is too small for the layers.

    ``content_is`` begins the message about the content ("frames are" for video).
    """
    _check_sides(2**extractor.downsampling, content, styles, content_is)


def _check_sides(
    smallest: int,
    content: np.ndarray,
    styles: Sequence[np.ndarray],
    content_is: str,
    names: Sequence[str | None] | None = None,
) -> None:
    """Raise :class:`OptionError` for the first image with a side under ``smallest`` pixels.

    ``names``: the content's and each style's file, which begins the message where given.
    """
    names = names or [None] * (1 + len(styles))
    checks = [(content, content_is, "raise size")] + [
        (s, "the style image is", "raise size or style_scale") for s in styles
    ]
    for (image, what, remedy), name in zip(checks, names, strict=True):
        height, width = image.shape[:2]
        if min(height, width) < smallest:
            raise OptionError(
                f"{name + ': ' if name else ''}{what} {width}x{height} px at this size; the layers used need at"
                f" least {smallest} px on each side ({remedy})"
            )


def _scaled(image: np.ndarray, scale: float) -> tuple[int, int]:
    """(height, width) of ``image`` scaled by ``scale``, at least 1 px."""
    return max(1, round(image.shape[0] * scale)), max(1, round(image.shape[1] * scale))


def images_at_scale(
    options: StyleOptions, content: np.ndarray, styles: list[np.ndarray], size: int
) -> tuple[np.ndarray, list[np.ndarray]]:
    """``content`` and ``styles`` (prepared for ``options.size``) resized for the scale of longest side ``size`` px."""
    scale = size / options.size
    if scale == 1:
        return content, styles
    return resize(content, _scaled(content, scale)), [resize(s, _scaled(s, scale)) for s in styles]


def objective_at_scale(
    options: StyleOptions,
    extractor: VGGFeatures,
    content: np.ndarray,
    styles: list[np.ndarray],
    size: int,
    region_masks: Masks = (None, None),
) -> tuple[StyleObjective, tuple[int, int]]:
    """The objective with targets computed at longest side ``size`` px, and that scale's (height, width).

    ``content`` and ``styles`` are the images prepared for ``options.size``; they are
    resized by ``size / options.size`` (a pyramid scale) or used as they are. The masks of
    :func:`prepare_masks` are used at any scale (the objective resizes them to its layers).
    """
    content, styles = images_at_scale(options, content, styles, size)
    check_fits(extractor, content, styles)
    objective = build_objective(extractor, content, styles, options, region_masks=region_masks)
    return objective, content.shape[:2]
