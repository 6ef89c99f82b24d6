"""The options of a clip beyond those of each frame: :class:`VideoOptions`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ..engine.color import PRESERVE_COLORS
from ..errors import OptionError
from .spec import Control, number, option, whole

#: How ``stylize_video`` paints each frame: optimisation (Gatys) or the fast network.
MODES = ("optimize", "fast")
#: Weight of the temporal loss, a mean squared difference in [0, 1] pixel units (about 1e-3
#: between a frame and its warped predecessor), against the relative content and style terms
#: of :mod:`nst_core.engine.losses` (about 1 together at the defaults): with it the warp error is
#: 56-66% below warm start alone (``benchmarks/results/video_consistency.md``).
DEFAULT_TEMPORAL_WEIGHT = 500.0
#: Style strength of a clip by default: the temporal weight above was measured against a style
#: term of this size at the start (10 before the term was divided by the photo's distance from
#: the painting, 0.6 for Tübingen and The Starry Night), so a clip keeps it while a picture's
#: default is stronger (:mod:`nst_core.options.loss`).
VIDEO_STYLE_WEIGHT = 6.0
#: Fast mode: share of the warped previous stylised frame mixed into reliable pixels.
DEFAULT_FAST_BLEND = 0.5
#: Colour preservation a clip takes (luminance transfer is per frame and flickers).
VIDEO_PRESERVE_COLORS = tuple(choice for choice in PRESERVE_COLORS if choice != "luminance")
#: Where a clip is stylised: in this process, or in chunks on Ray workers (:mod:`nst_core.cluster`).
ENGINES = ("local", "ray")
#: Frames per chunk on Ray when none is given: 2 s at 24 fps.
DEFAULT_CHUNK_FRAMES = 48
#: Frames shared by neighbouring chunks of one shot, cross-faded: with chunks of 48 frames the
#: warp error at the joins was 1.44x that inside chunks with 12, 2.44x with 8
#: (``benchmarks/results/video_chunks.md``); the cost is 12 / 36 = 33% more frames stylised.
DEFAULT_OVERLAP = 12
#: Bhattacharyya distance between the colour histograms of two frames above which the second
#: begins a new shot (see :func:`nst_core.video.chunks.histogram_distances`).
DEFAULT_CUT_THRESHOLD = 0.4
#: The fields of :class:`VideoOptions` that say how a clip is cut into chunks and where they run.
CHUNK_FIELDS = ("engine", "address", "chunk_frames", "overlap", "cut_threshold")


@dataclass(frozen=True)
class VideoOptions:
    """What ``nst video`` and :func:`~nst_core.video.stylize.stylize_video` add to StyleOptions.

    Attributes:
        first_steps: optimisation steps of the first frame, which starts from scratch
            (default 2 x ``steps``).
        temporal_weight: weight of the temporal loss (Ruder et al. 2016); 0 turns it off.
        start, end: the frames stylised, ``start`` to ``end - 1`` (0-based; ``end`` None: to
            the last).
        fps: frame rate written, in frames per second (default: the source's).
        mode: ``"optimize"`` (Gatys per frame) or ``"fast"`` (the feed-forward network).
        fast_blend: fast mode: share of the warped previous frame kept in reliable pixels, in [0, 1).
        fast_model: fast mode: the network's location, as :func:`~nst_core.fast.load_fast_model`.
        fast_refine_steps: fast mode: optimisation steps with the temporal loss on each
            network output (0: none).
        work_dir: folder that keeps finished frames, so a rerun resumes.
        engine: ``"local"`` (this process) or ``"ray"`` (chunks as Ray tasks).
        address: the Ray cluster to use (None: start one on this machine); implies ``engine="ray"``.
        chunk_frames: frames per chunk (None: the whole clip in one piece on the local
            engine, :data:`DEFAULT_CHUNK_FRAMES` on Ray).
        overlap: frames shared, and cross-faded, by neighbouring chunks of one shot.
        cut_threshold: histogram distance in [0, 1] above which a frame begins a new shot,
            where chunks end without overlap; 1 finds no cuts.
    """

    first_steps: int | None = option(
        None, "optimisation steps of the first frame, which starts from scratch (default: 2 x steps)", "video"
    )
    temporal_weight: float = option(
        DEFAULT_TEMPORAL_WEIGHT,
        "weight of the temporal loss, which holds each frame to the previous one; 0 turns it off",
        "video",
        control=Control("temporal weight", 1, 10000, 0.1, log=True),
    )
    start: int = option(0, "first frame to stylise, 0-based", "video")
    end: int | None = option(None, "stop before this frame (default: the last frame)", "video")
    fps: float | None = option(None, "frame rate to write (default: the source's; 24 for a folder of frames)", "video")
    mode: str = option(
        "optimize",
        "optimize (Gatys et al., each frame optimised) or fast (the feed-forward network)",
        "video",
        choices=MODES,
        control=Control("mode"),
    )
    fast_blend: float = option(
        DEFAULT_FAST_BLEND,
        "fast mode: share of the warped previous frame kept in reliable pixels",
        "video",
        aliases=("--blend",),
        control=Control("fast blend", 0.0, 0.95, 0.05),
    )
    fast_model: str | None = option(
        None,
        "fast mode: model location, as nst fast --model (default: $NST_FAST_MODEL, else the .tflite pair in"
        " $NST_MODELS_DIR, else TensorFlow Hub); load only models you trust (see nst fast --help)",
        "video",
        aliases=("--model",),
    )
    fast_refine_steps: int = option(
        0,
        "fast mode: optimisation steps with the temporal loss on each network output",
        "video",
        aliases=("--refine-steps",),
    )
    work_dir: str | None = option(
        None, "folder for finished frames, kept for resuming (default: .OUT.frames beside OUT, removed)", "video"
    )

    engine: str = option(
        "local",
        "local (this process) or ray (the clip in chunks, stylised in parallel as Ray tasks)",
        "long videos",
        choices=ENGINES,
    )
    address: str | None = option(
        None,
        "Ray cluster to run on, host:port, ray://host:10001 or auto (implies --engine ray; default: start one here)",
        "long videos",
    )
    chunk_frames: int | None = option(
        None,
        f"frames per chunk (default: the whole clip in one piece with --engine local, {DEFAULT_CHUNK_FRAMES} with ray)",
        "long videos",
    )
    overlap: int = option(
        DEFAULT_OVERLAP, "frames shared, and cross-faded, by neighbouring chunks of one shot", "long videos"
    )
    cut_threshold: float = option(
        DEFAULT_CUT_THRESHOLD,
        "colour-histogram distance (0-1) above which a frame starts a new shot, where chunks end without"
        " overlap; 1 finds none",
        "long videos",
    )

    def __post_init__(self) -> None:
        if self.first_steps is not None:
            whole(self, "first_steps", minimum=0)
        number(self, "temporal_weight", minimum=0.0)
        whole(self, "start", minimum=0)
        if self.end is not None:
            whole(self, "end", minimum=self.start + 1)
        if self.fps is not None:
            # A GIF holds a frame for at most 655.35 s, and no player shows 1000 frames a second.
            number(self, "fps", minimum=0.01, maximum=1000.0)
        if self.mode not in MODES:
            raise OptionError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        number(self, "fast_blend", minimum=0.0)
        if self.fast_blend >= 1.0:
            raise OptionError(f"fast_blend must be in [0, 1), got {self.fast_blend!r}")
        whole(self, "fast_refine_steps", minimum=0)
        if self.engine not in ENGINES:
            raise OptionError(f"engine must be one of {', '.join(ENGINES)}, got {self.engine!r}")
        if self.address is not None:  # a cluster to run on says which engine runs there
            object.__setattr__(self, "engine", "ray")
        if self.chunk_frames is not None:
            whole(self, "chunk_frames", minimum=1)
        whole(self, "overlap", minimum=0)
        chunk = self.chunking()
        if chunk is not None and self.overlap >= chunk:
            raise OptionError(f"overlap must be smaller than chunk_frames ({chunk}), got {self.overlap}")
        number(self, "cut_threshold", minimum=0.0, maximum=1.0)

    def chunking(self) -> int | None:
        """Frames per chunk, or None when the clip is stylised in one piece."""
        if self.chunk_frames is not None:
            return self.chunk_frames
        return DEFAULT_CHUNK_FRAMES if self.engine == "ray" else None

    def stylize_settings(self) -> dict[str, Any]:
        """The keyword arguments of :func:`~nst_core.video.stylize.stylize_video` these options set.

        Which frames are read (``start``, ``end``) and the rate written (``fps``) are the
        business of :mod:`nst_core.video.io`, not of the stylisation; the chunks and where they
        run (:data:`CHUNK_FIELDS`), that of :func:`~nst_core.video.distribute.stylize_chunked`.
        """
        skipped = {"start", "end", "fps", *CHUNK_FIELDS}
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in skipped}
