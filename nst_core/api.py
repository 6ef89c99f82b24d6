"""``stylize``: the one call most users need, from images in to a :class:`Result` out.

It reads the images, builds the VGG19 extractor, computes the style and content targets
once, optimises the pixels, and applies colour preservation; every step is a function of
:mod:`nst_core.pipeline` (which translates the options into engine calls), so this file only
wires them in the one direction data flows, and keeps a traced step between calls.

Over 300 lines: :class:`Stylizer` (what it may keep from one call to the next, and when it
must start anew) and :func:`stylize` are one piece of logic; split, they would drift apart.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

from . import pipeline
from .engine import color, pyramid
from .engine.objective import StyleObjective
from .engine.optimize import Callback, PixelOptimizer
from .errors import OptionError
from .image.encode import png_bytes
from .image.io import ImageSource, save_image, to_pil
from .metrics import QualityReport, quality
from .options import StyleOptions

# Steps of the pipeline that callers of nst_core 0.1 import from here.
from .pipeline import objective_at_scale as objective_at_scale
from .pipeline import prepare_images as prepare_images


@dataclass
class Result:
    """The stylised image, how the loss evolved, and how long it took.

    Attributes:
        image: float RGB (height, width, 3) in [0, 1]: the best image of the run.
        history: loss parts per step: ``history["total"][k]`` and likewise
            ``"content"``, ``"style"``, ``"tv"`` (already weighted).
        seconds: wall time of the optimisation, in seconds (excluding loading; including
            tracing the step, about a second, unless a :class:`Stylizer` reused it).
        stopped: None if every step ran, ``"interrupted"`` (Ctrl-C), ``"callback"``, or
            ``"diverged"`` (the loss became infinite or NaN; the image is the best finite one).
        options: the :class:`StyleOptions` used.
        taken: steps run, over every scale of a pyramid (whose ``history`` is that of the
            full size only); None counts the history.
        content, styles: the content and style images as loaded for the run, which
            :meth:`quality` measures against.
    """

    image: np.ndarray
    history: dict[str, np.ndarray]
    seconds: float
    stopped: str | None
    options: StyleOptions
    taken: int | None = None
    content: np.ndarray | None = dataclasses.field(default=None, repr=False)
    styles: list[np.ndarray] | None = dataclasses.field(default=None, repr=False)

    @property
    def steps(self) -> int:
        """Steps actually taken: 0 when a run was stopped before its first step ended."""
        if self.taken is not None:
            return self.taken
        return len(self.history["total"]) if self.options.steps else 0

    @property
    def loss(self) -> float:
        """Lowest total loss of the run (that of :attr:`image`)."""
        return float(np.nanmin(self.history["total"]))

    def quality(self, judge_model: Any = None) -> QualityReport:
        """How stylised the image is, by the numbers of :mod:`nst_core.metrics`.

        Style distance, content distance, the independent style judge and the sliced
        Wasserstein distance.

        Takes a few seconds (three VGG19 passes and the judge's network). ``judge_model``
        is a loaded :class:`~nst_core.fast.FastStylizer` to judge with. The paintings are
        taken at the result's size, as ``shared/eval`` measures (so with ``style_scale`` other
        than 1, whose strokes are meant to differ in size, the style distance is larger), and
        with colour preservation in the photo's colours, which is what such a run aims at.
        """
        if self.content is None or not self.styles:
            raise OptionError("this Result does not hold its content and style images to measure against")
        styles = self.styles
        if self.options.preserve_colors != "none":  # the run aimed at the paintings in the photo's colours
            styles = [color.match_color_histogram(s, self.content) for s in styles]
        return quality(self.image, self.content, styles, self.options.style_blend_weights, judge_model)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the image as PNG or JPEG (by suffix), atomically; returns the path."""
        return save_image(self.image, path)

    def to_pil(self):
        """The image as a PIL image (uint8 RGB)."""
        return to_pil(self.image)

    def _repr_png_(self) -> bytes:
        return png_bytes(self.image)


def _step_key(options: StyleOptions, content_shape: tuple[int, ...], masks: pipeline.Masks = (None, None)) -> tuple:
    """The options a kept step is built for: a call that differs in one needs a new step.

    The weights, the images, the start image and the number of steps are not among them;
    the region masks are (by a digest of their pixels), as the step is built on them.
    """
    return (
        _masks_digest(masks),
        tuple(content_shape),
        tuple(options.content_layers),
        tuple(options.style_layers),
        options.pooling,
        options.precision,
        options.style_loss,
        options.pyramid_levels,
        options.pyramid_start_size,
        tuple(sorted(options.optimizer_settings().items())),
    )


def _then(first: Callable | None, second: Callable | None) -> Callable | None:
    """``first`` then ``second`` (either may be None: nothing to do)."""
    if first is None or second is None:
        return first or second
    return lambda image: second(first(image))


def _masks_digest(masks: pipeline.Masks) -> str | None:
    """A digest of a run's masks (None without any), for :func:`_step_key`."""
    if masks == (None, None):
        return None
    digest = hashlib.sha256()
    for group in masks:
        for mask in group or [None]:
            digest.update(b"-" if mask is None else np.ascontiguousarray(mask, np.float32).tobytes())
            digest.update(repr(None if mask is None else mask.shape).encode())
        digest.update(b"|")
    return digest.hexdigest()


class Stylizer:
    """:func:`stylize` that keeps its traced optimisation steps from one call to the next.

    Tracing the VGG19 step (a ``tf.function``) costs about a second of Python work per run
    and per pyramid scale, whatever the device: a large share of a short run on a GPU, and of
    each picture of a batch. A ``Stylizer`` keeps the objective and optimiser of each scale
    of its last run and reuses them when the next call has the same image shape (height and
    width in pixels), layers, pooling, precision, pyramid and optimiser settings; the
    weights, the style images, the content and the start image may all change. The
    notebook's app and ``nst batch`` use one, so every run after the first starts at once.

    Between calls it holds that run's state (L-BFGS: two image-sized vectors per history
    pair at each scale; a coarser scale costs a quarter of the next); :meth:`clear` frees
    it, and so does a call with other settings. A call with the kept settings is not checked
    for memory again, as the same run fitted before. One call at a time: it is not
    thread-safe.
    """

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._optimizers: dict[int, PixelOptimizer] = {}  # by the scale's longest side, px
        self._lbfgs_history = 0  # the L-BFGS pairs the memory check allowed the kept steps
        # The images the kept targets were computed from (arrays of this object's own:
        # load_image copies), or None when the targets are not known to match any.
        self._content: np.ndarray | None = None
        self._styles: tuple[list[np.ndarray], tuple[float, ...] | None] | None = None

    @property
    def traces(self) -> int:
        """How many times a kept optimisation step has been traced (0 when none is kept).

        1 however many calls reused them (each scale's step is traced once): a number above
        1 means calls that should have reused a step paid for tracing it again (see
        :attr:`PixelOptimizer.traces <nst_core.engine.optimize.PixelOptimizer.traces>`).
        """
        return max((optimizer.traces for optimizer in self._optimizers.values()), default=0)

    def clear(self) -> None:
        """Forget the kept steps and free their memory."""
        if self._optimizers:
            self._key, self._optimizers, self._content, self._styles = None, {}, None, None
            # A traced step and its optimiser refer to each other: without a collection their
            # variables (L-BFGS: 2 x history image-sized vectors) would outlive them, unseen
            # by the memory check that follows.
            gc.collect()

    def __call__(
        self,
        content: ImageSource,
        style: ImageSource | Sequence[ImageSource],
        *,
        options: StyleOptions | None = None,
        callback: Callback | None = None,
        callback_every: int = 10,
        **option_values: Any,
    ) -> Result:
        """As :func:`stylize`."""
        options = options or StyleOptions()
        if option_values:
            options = options.replace(**option_values)
        content_image, style_images = pipeline.prepare_images(content, style, options)
        loaded_styles = pipeline.reference_styles(style, style_images, options)  # what quality() measures against
        region_masks = pipeline.prepare_masks(options, content_image, style_images, content)
        key = _step_key(options, content_image.shape, region_masks)
        if key == self._key:
            # The same run fitted before, and its state is already allocated (free memory
            # now excludes it, so checking again would count it twice).
            lbfgs_history = self._lbfgs_history
        else:
            self.clear()  # before the memory check: the kept state is memory this run may need
            lbfgs_history = pipeline.check_memory(options, content_image.shape[:2])
        pipeline.seed_run(options)
        init = pipeline.initial_image(options, content_image, style_images)
        target_content, style_images, init = pipeline.color_targets(options, content_image, style_images, init)
        finish = _then(
            pipeline.color_finish(options, content_image),
            pipeline.keep_photo(options, content_image, region_masks[0], len(style_images)),
        )
        if finish is not None and callback is not None:
            user_callback = callback

            def callback(progress):  # show the colour picture, not the grey one optimised
                return user_callback(dataclasses.replace(progress, finish=finish))

        settings = {**options.optimizer_settings(), "lbfgs_history": lbfgs_history}
        sizes = pipeline.scale_sizes(options)
        optimizers = self._reuse_or_build(key, options, target_content, style_images, settings, sizes, region_masks)
        run = pyramid.run_pyramid(
            [optimizers[size] for size in sizes],
            init,
            pyramid.pyramid_steps(options.steps, len(sizes)),
            callback=callback,
            callback_every=callback_every,
        )
        return Result(
            image=run.image if finish is None else finish(run.image),
            history=run.history,
            seconds=run.seconds,
            stopped=run.stopped,
            options=options,
            taken=run.steps,
            content=content_image,
            styles=loaded_styles,
        )

    def _reuse_or_build(
        self,
        key: tuple,
        options: StyleOptions,
        content: np.ndarray,
        styles: list[np.ndarray],
        settings: dict[str, Any],
        sizes: list[int],
        region_masks: pipeline.Masks = (None, None),
    ) -> dict[int, PixelOptimizer]:
        """The kept optimisers (one per scale) with this call's targets and weights, or new ones kept for next time."""
        if key == self._key and set(self._optimizers) == set(sizes):
            # A slider moved but the images did not: skip the VGG19 passes of the targets
            # (0.37 s of a 0.43 s overhead per Run at 256 px on CPU). The record is dropped
            # first, so targets half-written by an interrupt are never taken as matching.
            new_styles = self._styles is None or not _same_styles(self._styles, (styles, options.style_blend_weights))
            new_content = self._content is None or not np.array_equal(self._content, content)
            self._styles = None if new_styles else self._styles
            self._content = None if new_content else self._content
            for size, optimizer in self._optimizers.items():
                objective = cast(StyleObjective, optimizer.objective)  # the kind this class builds
                objective.set_weights(
                    options.content_weight, options.style_weight, options.tv_weight, options.style_layer_weights
                )
                if new_styles or new_content:
                    scaled_content, scaled_styles = pipeline.images_at_scale(options, content, styles, size)
                    pipeline.check_fits(objective.extractor, scaled_content, scaled_styles)  # as a new step would
                    if new_styles:
                        objective.set_styles(scaled_styles, options.style_blend_weights)
                    if new_content:
                        objective.set_content(scaled_content)
                objective.reseed(options.seed)
        else:
            self.clear()
            extractor = pipeline.build_extractor(options)
            for size in sizes:
                objective, shape = pipeline.objective_at_scale(options, extractor, content, styles, size, region_masks)
                self._optimizers[size] = PixelOptimizer(objective, (*shape, 3), **settings)
            self._key, self._lbfgs_history = key, settings["lbfgs_history"]
        self._styles, self._content = (list(styles), options.style_blend_weights), content
        return self._optimizers


def _same_styles(
    kept: tuple[list[np.ndarray], tuple[float, ...] | None], new: tuple[list[np.ndarray], tuple[float, ...] | None]
) -> bool:
    """Whether two (style images, blend weights) are equal, pixel for pixel."""
    (kept_images, kept_blend), (new_images, new_blend) = kept, new
    if kept_blend != new_blend or len(kept_images) != len(new_images):
        return False
    return all(a.shape == b.shape and np.array_equal(a, b) for a, b in zip(kept_images, new_images, strict=True))


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
            ``stylize("photo.jpg", "painting.jpg", size=256, style_weight=30)``.
        callback: called every ``callback_every`` steps with a
            :class:`~nst_core.engine.optimize.Progress` (step, loss parts, current image);
            return False from it to stop early.
        callback_every: steps between calls of ``callback``.
        **option_values: :class:`StyleOptions` fields, overriding those of ``options``.

    Returns:
        a :class:`Result` with the image, the loss history and the time taken.

    Raises:
        ImageError: an image cannot be read; OptionError: an option is out of range.

    Each call traces its step anew; for many runs in a row (sliders, a parameter sweep)
    one :class:`Stylizer` saves that.
    """
    return Stylizer()(
        content, style, options=options, callback=callback, callback_every=callback_every, **option_values
    )
