"""Stylise a clip frame by frame without flicker (Ruder, Dosovitskiy and Brox 2016).

Each frame after the first starts from the previous stylised frame warped onto it by the
optical flow (:mod:`nst_core.video.flow`), and its objective gains a *temporal loss*: the
squared difference, over the pixels the flow can vouch for, between the image being
optimised and that warped previous result. The loss is a function of the optimised
image, so its gradient pulls every reliable pixel toward the previous frame's paint
(one public implementation feeds it a constant instead, which has no gradient at all).
The style targets and VGG19 are built once for the whole clip; only the content targets
change per frame.

Frames can be written to a work folder as they are finished; a second run with the same
inputs and settings picks up at the first missing frame.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import tensorflow as tf

from .. import pipeline
from ..engine.color import match_color_histogram
from ..engine.optimize import PixelOptimizer
from ..errors import OptionError
from ..image.io import ImageSource, image_list, load_image, os_error_reason, save_image, to_uint8
from ..options import DEFAULT_FAST_BLEND, DEFAULT_TEMPORAL_WEIGHT, MODES, StyleOptions, style_options_for
from .flow import DIS_PRESETS, frame_flow, warp

FRAME_PATTERN = "frame_{:05d}.png"
SETTINGS_FILE = "settings.json"


class TemporalLoss:
    """The temporal term of Ruder et al. 2016 (eq. 8), as an ``extra_losses`` entry.

    ``weight * mean(mask * (image - warped_previous)**2)`` over pixels and channels, with
    ``mask`` (height, width) 1 where the flow is reliable. It depends on the image being
    optimised, so it has a real gradient ``2 * weight * mask * (image - warped) / D``.
    The warped frame and the mask are variables: each frame :meth:`set` s its own under
    one traced optimisation step, and the first frame, which has no previous one, clears
    the mask.
    """

    def __init__(self, shape: tuple[int, ...], weight: float):
        """A term for frames of ``shape`` (height, width, ...) pixels, weighted by ``weight``; no pull until :meth:`set`."""
        height, width = shape[:2]
        self.weight = float(weight)
        self.target = tf.Variable(tf.zeros((1, height, width, 3)), trainable=False)
        self.mask = tf.Variable(tf.zeros((1, height, width, 1)), trainable=False)

    def set(self, warped_previous: np.ndarray, mask: np.ndarray) -> None:
        """Pull toward ``warped_previous`` (height, width, 3) where ``mask`` (height, width) is 1."""
        self.target.assign(np.asarray(warped_previous, np.float32)[None])
        self.mask.assign(np.asarray(mask, np.float32)[None, :, :, None])

    def clear(self) -> None:
        """No pull anywhere (a frame with no previous frame)."""
        self.mask.assign(tf.zeros_like(self.mask))

    def __call__(self, images: tf.Tensor) -> tf.Tensor:
        """The weighted term for an image batch (1, height, width, 3) in [0, 1]."""
        return self.weight * tf.reduce_mean(self.mask * tf.square(tf.cast(images, tf.float32) - self.target))


def blend_reliable(stylised: np.ndarray, warped_previous: np.ndarray, mask: np.ndarray, blend: float) -> np.ndarray:
    """Mix ``blend`` of the warped previous result into the reliable pixels of ``stylised``.

    For feed-forward stylisation, which has no loss to add a term to: an exponential moving
    average along the flow, so paint that the flow carries over changes slowly, while
    disoccluded pixels (mask 0) keep the new frame's paint.
    """
    alpha = float(blend) * np.asarray(mask, np.float32)[..., None]
    return ((1.0 - alpha) * stylised + alpha * warped_previous).astype(np.float32)


@dataclass
class VideoResult:
    """Stylised frames of a clip and what it cost.

    ``style_loss[t]`` is the weighted style loss of frame t's result (NaN for frames
    loaded from a previous run, and in fast mode); ``seconds`` is the wall time of this run;
    ``resumed`` counts the frames taken from the work folder.
    """

    frames: list[np.ndarray]
    style_loss: list[float] = field(default_factory=list)
    seconds: float = 0.0
    resumed: int = 0


def _fingerprint(frames: Sequence[np.ndarray], styles: Sequence[np.ndarray], settings: dict) -> str:
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode())
    for array in list(frames) + list(styles):
        digest.update(to_uint8(array).tobytes())
    return digest.hexdigest()


def _open_work_dir(work_dir: Path, fingerprint: str) -> None:
    """Create ``work_dir``, or check that the frames in it belong to this very run."""
    if work_dir.exists() and not work_dir.is_dir():
        raise OptionError(f"{work_dir}: is a file; the work folder must be a folder")
    settings = work_dir / SETTINGS_FILE
    if settings.exists():
        try:
            stored = json.loads(settings.read_text()).get("fingerprint")
        except (OSError, ValueError):
            stored = None
        if stored != fingerprint:
            raise OptionError(
                f"{work_dir}: holds frames of a different clip, style or settings;"
                " delete it or choose another work folder"
            )
        return
    if work_dir.exists() and any(work_dir.iterdir()):  # not ours: nothing in it may be touched
        raise OptionError(f"{work_dir}: holds files of its own; delete it or choose another work folder")
    try:
        work_dir.mkdir(parents=True, exist_ok=True)
        settings.write_text(json.dumps({"fingerprint": fingerprint}))
    except OSError as err:
        raise OptionError(f"{work_dir}: cannot make the work folder ({os_error_reason(err)})") from None


def remove_work_dir(work_dir: Path) -> None:
    """Remove what a run put in ``work_dir`` (its frames and settings), then the folder if empty.

    Never a whole tree: a folder that holds anything else is left with it.
    """
    for item in [*work_dir.glob("frame_*.png"), work_dir / SETTINGS_FILE]:
        item.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # not empty, or already gone
        work_dir.rmdir()


def _clip_palette(styles: list[np.ndarray], options: StyleOptions, first_frame: np.ndarray) -> list[np.ndarray]:
    """With ``preserve_colors="histogram"``, the styles recoloured to the first frame's palette.

    One palette for the whole clip, so the colours do not flicker; otherwise the styles as they are.
    """
    if options.preserve_colors != "histogram":
        return styles
    return [match_color_histogram(s, first_frame) for s in styles]


def _model_identity(location: str | None) -> list[str]:
    """Digests of the files of the fast model that ``location`` resolves to.

    Where a part of it is not a local file (a Hub handle), the part itself stands for it.
    """
    from ..fast import load_fast_model

    parts = []
    for part in load_fast_model(location).location.split(","):
        path = Path(part)
        if path.is_dir() and (path / "saved_model.pb").is_file():
            path = path / "saved_model.pb"
        parts.append(_file_digest(path) if path.is_file() else part)
    return parts


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _record_frame(work_dir: Path, index: int) -> None:
    """Note the digest of frame ``index`` in the settings, so a resume can tell it was not changed."""
    settings = work_dir / SETTINGS_FILE
    stored = json.loads(settings.read_text())
    stored.setdefault("frames", {})[str(index)] = _file_digest(work_dir / FRAME_PATTERN.format(index))
    temporary = settings.with_suffix(".tmp")
    temporary.write_text(json.dumps(stored))
    os.replace(temporary, settings)  # a kill mid-write leaves the old settings, never half


def _finished_frames(work_dir: Path | None, count: int) -> list[np.ndarray]:
    """Frames already written by an earlier run, in order, up to the first missing one.

    Each is checked against the digest noted when it was written: a frame replaced or
    edited since (another size, or a foreign picture of the same size) is refused in one
    line rather than mixed into the clip.
    """
    done: list[np.ndarray] = []
    if work_dir is None:
        return done
    try:
        recorded = json.loads((work_dir / SETTINGS_FILE).read_text()).get("frames", {})
    except (OSError, ValueError):
        recorded = {}
    for index in range(count):
        path = work_dir / FRAME_PATTERN.format(index)
        if not path.exists() or str(index) not in recorded:
            break  # not written, or written with the run stopped before its digest was noted: redo it
        if recorded[str(index)] != _file_digest(path):
            raise OptionError(
                f"{path}: changed since this run wrote it; delete it (and the frames after it) to redo it"
            )
        done.append(load_image(path))
    return done


def stylize_video(
    frames: Sequence[np.ndarray],
    style: ImageSource | Sequence[ImageSource] | None,
    options: StyleOptions | None = None,
    *,
    first_steps: int | None = None,
    temporal_weight: float = DEFAULT_TEMPORAL_WEIGHT,
    warm_start: bool = True,
    mode: str = "optimize",
    fast_blend: float = DEFAULT_FAST_BLEND,
    fast_model: str | None = None,
    fast_refine_steps: int = 0,
    flow_preset: str = "medium",
    work_dir: str | os.PathLike | None = None,
    on_frame: Callable[[int, np.ndarray], None] | None = None,
) -> VideoResult:
    """Stylise ``frames`` (float RGB arrays of one size) in the style of ``style``.

    Args:
        frames: the clip, e.g. from :func:`nst_core.video.io.read_video`.
        style: a style image (path, array...) or a list of them; None in fast mode with a
            network trained by ``nst train`` (``fast_model`` a .keras or .tflite file),
            whose style is built in.
        options: the per-frame optimisation options (``steps`` is the steps of every frame
            after the first); ``size`` is ignored: frames are used at their own size.
            Default: ``nst video``'s (``style_options_for("video")``).
        first_steps: steps for the first frame, which starts from scratch (default 2 x steps).
        temporal_weight: weight of :class:`TemporalLoss`; 0 turns the term off.
        warm_start: start each frame from the previous result warped by the flow (Ruder
            et al.); False starts every frame from ``options.init`` (independent frames).
        mode: ``"optimize"`` (Gatys per frame) or ``"fast"`` (the feed-forward network of
            :mod:`nst_core.fast`, with :func:`blend_reliable` as its temporal term).
        fast_blend: fast mode's share of the warped previous frame, in [0, 1).
        fast_model: fast mode's network (see :func:`nst_core.fast.load_fast_model`); None
            finds Magenta's.
        fast_refine_steps: fast mode: optimisation steps run on each network output with
            the per-frame objective plus the temporal loss (0: none).
        flow_preset: OpenCV DIS preset: ``"ultrafast"``, ``"fast"`` or ``"medium"``.
        work_dir: folder that receives ``frame_00000.png``... as each frame is done; a rerun
            with the same inputs resumes after the last one there.
        on_frame: called with (index, stylised frame) after each frame, also resumed ones.
    """
    options = options or style_options_for("video")
    if mode not in MODES:
        raise OptionError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if flow_preset not in DIS_PRESETS:
        raise OptionError(f"flow preset must be one of {', '.join(DIS_PRESETS)}, got {flow_preset!r}")
    if not np.isfinite(temporal_weight) or temporal_weight < 0:
        raise OptionError(f"temporal weight must be a number >= 0, got {temporal_weight!r}")
    if not 0.0 <= fast_blend < 1.0:
        raise OptionError(f"fast blend must be in [0, 1), got {fast_blend!r}")
    if int(fast_refine_steps) != fast_refine_steps or fast_refine_steps < 0:
        raise OptionError(f"fast refine steps must be a whole number >= 0, got {fast_refine_steps!r}")
    first_steps = 2 * options.steps if first_steps is None else first_steps
    if int(first_steps) != first_steps or first_steps < 0:
        raise OptionError(f"first steps must be a whole number >= 0, got {first_steps!r}")
    if options.preserve_colors == "luminance":
        raise OptionError("preserve_colors='luminance' is not supported for video; use 'none' or 'histogram'")
    frames = [np.asarray(f, np.float32) for f in frames]
    if not frames:
        raise OptionError("the clip has no frames")
    shape = frames[0].shape
    for index, frame in enumerate(frames):
        if frame.shape != shape or frame.ndim != 3 or frame.shape[2] != 3:
            raise OptionError(f"frame {index} has shape {frame.shape}; every frame must be {shape}")

    trained = mode == "fast" and _names_trained_network(fast_model)
    if trained and (style is not None and image_list(style)):
        raise OptionError(f"{fast_model}: a trained network paints its own style; give no style image")
    if trained and fast_refine_steps:
        raise OptionError("refine steps need a style image; a trained network has none (use fast_refine_steps=0)")
    frame_options = options.replace(size=max(shape[:2]))
    lbfgs_history = options.lbfgs_history
    if mode == "optimize" or fast_refine_steps:
        # Refuse, or fall back to fewer L-BFGS pairs, before any work (or work folder) is done,
        # rather than crash out of memory mid-clip.
        lbfgs_history = pipeline.check_memory(frame_options, shape[:2], pyramid_run=False)

    styles: list[np.ndarray] = []
    if not trained:
        _, styles = pipeline.prepare_images(
            frames[0], style if style is not None else [], frame_options, content_is="frames are"
        )
        styles = _clip_palette(styles, options, frames[0])

    work = Path(work_dir).expanduser() if work_dir is not None else None
    created = work is not None and not work.exists()
    if work is not None:
        settings = {
            "options": repr(options),
            "first_steps": first_steps,
            "temporal_weight": temporal_weight,
            "warm_start": warm_start,
            "mode": mode,
            "fast_blend": fast_blend,
            "fast_model": fast_model,
            # What the network is, not only where: a changed NST_MODELS_DIR or model file
            # must not mix two networks' frames in one clip.
            "fast_model_files": _model_identity(fast_model) if mode == "fast" else None,
            "fast_refine_steps": fast_refine_steps,
            "flow_preset": flow_preset,
        }
        _open_work_dir(work, _fingerprint(frames, styles, settings))
    done = _finished_frames(work, len(frames))
    result = VideoResult(frames=list(done), style_loss=[float("nan")] * len(done), resumed=len(done))
    for index, image in enumerate(done):
        if on_frame is not None:
            on_frame(index, image)
    if len(done) == len(frames):
        return result

    start = time.perf_counter()
    try:
        if mode == "fast":
            refine = None
            if fast_refine_steps:
                refine = _optimizing_stylist(
                    frames[0], styles, options, fast_refine_steps, temporal_weight, True, lbfgs_history
                )
            # The network takes its styles at full size (it crops and scales them to 256 px
            # itself), as nst fast does, not at the frames' size; every style, blended.
            fast_styles = [] if trained else [load_image(s) for s in image_list(style)]  # type: ignore[arg-type]
            fast_styles = _clip_palette(fast_styles, options, frames[0])
            stylise_one = _fast_stylist(
                fast_styles, options.style_blend_weights, fast_blend, fast_model, refine, fast_refine_steps
            )
        else:
            stylise_one = _optimizing_stylist(
                frames[0], styles, options, first_steps, temporal_weight, warm_start, lbfgs_history
            )
        for index in range(len(done), len(frames)):
            previous = None
            if index > 0:
                backward, mask = frame_flow(frames[index - 1], frames[index], flow_preset)
                previous = (warp(result.frames[index - 1], backward), mask)
            image, style_loss = stylise_one(index, frames[index], previous)
            if work is not None:
                save_image(image, work / FRAME_PATTERN.format(index))
                _record_frame(work, index)
            result.frames.append(image)
            result.style_loss.append(style_loss)
            if on_frame is not None:
                on_frame(index, image)
    except Exception:
        # A refusal before the first frame (no fast model, ...) leaves no empty work folder
        # behind; finished frames stay, for a rerun to resume.
        if created and work is not None and not any(work.glob("frame_*")):
            remove_work_dir(work)
        raise
    result.seconds = time.perf_counter() - start
    return result


Stylist = Callable[[int, np.ndarray, "tuple[np.ndarray, np.ndarray] | None"], "tuple[np.ndarray, float]"]


class RefiningStylist(Protocol):
    """A :data:`Stylist` that can also start from a given image for a given number of steps."""

    def __call__(  # noqa: D102
        self,
        index: int,
        frame: np.ndarray,
        previous: tuple[np.ndarray, np.ndarray] | None,
        init: np.ndarray | None = None,
        steps: int | None = None,
    ) -> tuple[np.ndarray, float]: ...


def _optimizing_stylist(
    first_frame: np.ndarray,
    styles: list[np.ndarray],
    options: StyleOptions,
    first_steps: int,
    temporal_weight: float,
    warm_start: bool,
    lbfgs_history: int,
) -> RefiningStylist:
    """Per-frame Gatys optimisation sharing one extractor, one set of style targets and one traced step.

    ``lbfgs_history`` is the number of L-BFGS pairs that fits in memory (:func:`nst_core.pipeline.check_memory`).
    """
    extractor = pipeline.build_extractor(options)  # frames and styles were checked against its layers
    temporal = TemporalLoss(first_frame.shape, temporal_weight) if temporal_weight > 0 else None
    objective = pipeline.build_objective(
        extractor, first_frame, styles, options, extra_losses={"temporal": temporal} if temporal else None
    )
    # One optimizer for the clip: its step is traced once, not once per frame.
    settings = {**options.optimizer_settings(), "lbfgs_history": lbfgs_history}
    optimizer = PixelOptimizer(objective, first_frame.shape, **settings)

    def stylise(
        index: int,
        frame: np.ndarray,
        previous: tuple[np.ndarray, np.ndarray] | None,
        init: np.ndarray | None = None,
        steps: int | None = None,
    ) -> tuple:
        objective.set_content(frame)  # the style Gram targets stay
        start = pipeline.initial_image(options, frame, styles) if init is None else init
        if temporal is not None:
            temporal.clear()
        if previous is not None:
            warped, mask = previous
            if warm_start and init is None:
                start = warped
            if temporal is not None:
                temporal.set(warped, mask)
        if steps is None:
            steps = first_steps if index == 0 else options.steps
        run = optimizer.run(start, steps)
        if run.stopped == "interrupted":  # Ctrl-C mid-frame: this frame is not finished, keep it off disk
            raise KeyboardInterrupt
        # The returned image is the evaluated one of lowest total loss: read its style loss
        # from the history instead of spending another forward pass on it.
        total = run.history["total"]
        best = int(np.argmin(np.where(np.isnan(total), np.inf, total)))
        return run.image, float(run.history["style"][best])

    return stylise


def _names_trained_network(location: str | None) -> bool:
    """Whether fast mode's model (or ``$NST_FAST_MODEL``) is a network trained by ``nst train``."""
    from ..fast import ENV_MODEL, is_trained_network

    return is_trained_network(location or os.environ.get(ENV_MODEL))


def _fast_stylist(
    styles: list[np.ndarray],
    blend_weights: Sequence[float] | None,
    blend: float,
    location: str | None,
    refine: RefiningStylist | None,
    refine_steps: int,
) -> Stylist:
    """Feed-forward stylisation per frame.

    Temporal terms: :func:`blend_reliable`, then optionally ``refine_steps`` of optimisation
    with the temporal loss, started from the network's output.
    """
    from ..fast import blend_style_vectors, load_fast_model  # Hub / Lite are loaded only for this mode

    model = load_fast_model(location)
    # A trained network's style is built in: no vector (its transfer ignores one).
    vector = None if getattr(model, "style_built_in", False) else blend_style_vectors(model, styles, blend_weights)

    def stylise(index: int, frame: np.ndarray, previous: tuple[np.ndarray, np.ndarray] | None) -> tuple:
        image = np.clip(np.asarray(model.transfer(frame, vector), np.float32), 0.0, 1.0)  # type: ignore[arg-type]
        if previous is not None and blend > 0:
            warped, mask = previous
            image = blend_reliable(image, warped, mask, blend)
        if refine is not None:
            return refine(index, frame, previous, init=image, steps=refine_steps)
        return image, float("nan")

    return stylise
