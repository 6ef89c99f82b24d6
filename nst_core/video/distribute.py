"""Long clips across workers: the chunks of :mod:`nst_core.video.chunks` stylised one after another or on Ray.

Both engines run the same function on each chunk, :func:`~nst_core.video.stylize.stylize_video`
on the chunk's frames (the temporal method of Ruder et al. 2016 within the chunk), and join
the results with the same cross-fade, so a seeded run gives the same frames on either. The
local engine runs the chunks in this process one after another; the Ray engine submits each
as a Ray task (through ``nst_core.cluster``), which Ray runs on any free worker and runs again
elsewhere if that worker dies. A worker process loads VGG19 once (the weights are cached per
process) and keeps it for every chunk it is given.

With a work folder, each chunk keeps its finished frames in a folder of its own inside it, with
``stylize_video``'s fingerprint and digests, so a rerun reuses finished chunks and resumes
unfinished ones; on Ray the workers write there, so on a cluster of several machines it must
be storage that all of them see.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import NSTError, OptionError, one_line
from ..image.io import ImageSource, image_list, load_image
from ..options import StyleOptions, style_options_for
from ..options.video import DEFAULT_CUT_THRESHOLD, DEFAULT_OVERLAP, ENGINES
from .chunks import Chunk, join_chunks, plan_chunks, scene_cuts
from .stylize import VideoResult, _clip_palette, _fingerprint, _open_work_dir, remove_work_dir, stylize_video

#: Times Ray runs a chunk again after the worker running it died (a task's own error is not retried).
MAX_RETRIES = 3
#: Name of each chunk's folder inside the work folder.
CHUNK_FOLDER = "chunk_{:05d}-{:05d}"


@dataclass
class ChunkedResult(VideoResult):
    """A :class:`~nst_core.video.stylize.VideoResult` joined from chunks.

    ``chunks`` is the plan and ``chunk_results[k]`` the frames chunk k painted before the
    join (for measurements: :func:`~nst_core.video.chunks.join_chunks` can join them again
    another way). ``style_loss`` is NaN on cross-faded frames.
    """

    chunks: list[Chunk] = field(default_factory=list)
    chunk_results: list[list[np.ndarray]] = field(default_factory=list)


def _run_chunk(
    frames: list[np.ndarray], styles: list[np.ndarray], options: StyleOptions, work_dir: str | None, settings: dict
) -> tuple[list[np.ndarray], list[float], int]:
    """One chunk, on whichever process runs it: its frames, style losses and frames resumed."""
    result = stylize_video(frames, styles, options, work_dir=work_dir, **settings)
    return result.frames, result.style_loss, result.resumed


def _open_chunks_folder(work: Path, frames: list[np.ndarray], styles: list[np.ndarray], plan: dict) -> bool:
    """Make (or check) the work folder of a chunked run; True if this run created it."""
    created = not work.exists()
    _open_work_dir(work, _fingerprint(frames, styles, plan))
    return created


def remove_chunks_work_dir(work_dir: str | os.PathLike) -> None:
    """Remove what a chunked run put in ``work_dir``: each chunk's files, their folders, its settings.

    As :func:`~nst_core.video.stylize.remove_work_dir`, never a whole tree: anything else in
    them stays, with the folders that hold it.
    """
    work = Path(work_dir)
    for folder in work.glob("chunk_*-*"):
        if folder.is_dir():
            remove_work_dir(folder)
    remove_work_dir(work)


def stylize_chunked(
    frames: Sequence[np.ndarray],
    style: ImageSource | Sequence[ImageSource] | None,
    options: StyleOptions | None = None,
    *,
    chunk_frames: int,
    overlap: int = DEFAULT_OVERLAP,
    cut_threshold: float = DEFAULT_CUT_THRESHOLD,
    crossfade: bool = True,
    engine: str = "local",
    address: str | None = None,
    work_dir: str | os.PathLike | None = None,
    on_chunk: Callable[[int, Chunk], None] | None = None,
    **settings: Any,
) -> ChunkedResult:
    """Stylise ``frames`` in chunks of ``chunk_frames`` frames, on this process or on Ray, and join them.

    Args:
        frames: the clip (float RGB arrays of one size).
        style: a style image or a list of them; read here, once, and sent to the workers
            (None: fast mode with a network trained for one style).
        options: per-frame options, as :func:`~nst_core.video.stylize.stylize_video`.
        chunk_frames: most frames per chunk.
        overlap: frames shared by neighbouring chunks of one shot (see
            :func:`~nst_core.video.chunks.plan_chunks`); chunks end at scene cuts with none.
        cut_threshold: histogram distance above which a frame starts a shot
            (:func:`~nst_core.video.chunks.scene_cuts`); 1 finds none.
        crossfade: blend the shared frames with a linear ramp
            (:func:`~nst_core.video.chunks.join_chunks`); False switches in the middle.
        engine: ``"local"`` (chunks one after another here) or ``"ray"`` (Ray tasks).
        address: Ray engine: the cluster (None: this process's connection, or a new local one).
        work_dir: folder for each chunk's finished frames, so a rerun resumes.
        on_chunk: called with (index, chunk) as each chunk is finished, in the order they finish.
        settings: the other keyword arguments of ``stylize_video`` (``first_steps``,
            ``temporal_weight``, ``mode``...), applied to every chunk.
    """
    options = options or style_options_for("video")
    if engine not in ENGINES:
        raise OptionError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    unknown = set(settings) - (set(stylize_video.__kwdefaults__ or {}) - {"work_dir", "on_frame"})
    if unknown:
        raise TypeError(f"stylize_chunked() got unexpected keyword arguments: {', '.join(sorted(unknown))}")
    frames = [np.asarray(f, np.float32) for f in frames]
    if not frames:
        raise OptionError("the clip has no frames")
    chunks = plan_chunks(len(frames), chunk_frames, overlap, scene_cuts(frames, cut_threshold))
    styles = [] if style is None else [load_image(s) for s in image_list(style)]
    chunk_options = options
    if options.preserve_colors == "histogram":
        # One palette for the whole clip, its first frame's, as in an unchunked run: each
        # chunk would otherwise recolour the styles to its own first frame (a jump at a join).
        styles = _clip_palette(styles, options, frames[0])
        chunk_options = options.replace(preserve_colors="none")
    folders: list[str | None] = [None] * len(chunks)
    work = Path(work_dir).expanduser() if work_dir is not None else None
    created = False
    if work is not None:
        plan = {"chunks": [(c.start, c.end) for c in chunks], "options": repr(options), "settings": settings}
        created = _open_chunks_folder(work, frames, styles, plan)
        folders = [str(work / CHUNK_FOLDER.format(c.start, c.end - 1)) for c in chunks]

    start = time.perf_counter()
    jobs = [(frames[c.start : c.end], folder) for c, folder in zip(chunks, folders, strict=True)]
    try:
        if engine == "ray":
            outcomes = _run_on_ray(jobs, styles, chunk_options, settings, address, chunks, on_chunk)
        else:
            outcomes = []
            for index, (part, folder) in enumerate(jobs):
                outcomes.append(_run_chunk(part, styles, chunk_options, folder, settings))
                if on_chunk is not None:
                    on_chunk(index, chunks[index])
    except BaseException:
        if created and work is not None and not any(work.rglob("frame_*.png")):
            remove_chunks_work_dir(work)
        raise
    results = [outcome[0] for outcome in outcomes]
    losses: list[float] = []
    for chunk, outcome in zip(chunks, outcomes, strict=True):
        losses[chunk.start :] = [float("nan")] * chunk.fade_in  # a blend of two paints has no one style loss
        losses.extend(outcome[1][chunk.fade_in :])
    return ChunkedResult(
        frames=join_chunks(chunks, results, crossfade),
        style_loss=losses,
        seconds=time.perf_counter() - start,
        resumed=sum(outcome[2] for outcome in outcomes),
        chunks=chunks,
        chunk_results=results,
    )


def _run_on_ray(
    jobs: list[tuple[list[np.ndarray], str | None]],
    styles: list[np.ndarray],
    options: StyleOptions,
    settings: dict,
    address: str | None,
    chunks: list[Chunk],
    on_chunk: Callable[[int, Chunk], None] | None,
) -> list[tuple]:
    """Each job as a Ray task (retried where its worker dies); their outcomes in the jobs' order."""
    from ..cluster import connect

    ray = connect(address, logging_level=logging.WARNING)
    gpus = 1 if ray.cluster_resources().get("GPU", 0) >= 1 else 0
    task = ray.remote(num_cpus=1, num_gpus=gpus, max_retries=MAX_RETRIES)(_run_chunk)
    style_ref = ray.put(styles)  # sent to the object store once, not once per chunk
    pending = {task.remote(chunk, style_ref, options, folder, settings): k for k, (chunk, folder) in enumerate(jobs)}
    outcomes: dict[int, tuple] = {}
    try:
        while pending:
            [ready], _ = ray.wait(list(pending), num_returns=1)
            index = pending.pop(ready)
            outcomes[index] = _outcome(ray, ready, chunks[index])
            if on_chunk is not None:
                on_chunk(index, chunks[index])
    except BaseException:
        for ref in pending:  # Ctrl-C or a failed chunk: stop the rest; finished frames stay in the work folder
            with contextlib.suppress(Exception):
                ray.cancel(ref, force=True)
        raise
    return [outcomes[k] for k in range(len(jobs))]


def _outcome(ray: Any, ref: Any, chunk: Chunk) -> tuple:
    """A finished task's result, or its error as one line (the worker's own refusal as it was)."""
    try:
        return ray.get(ref)
    except ray.exceptions.RayTaskError as err:
        cause = err.cause
        if isinstance(cause, NSTError):
            raise type(cause)(str(cause)) from None
        raise NSTError(f"frames {chunk.start}-{chunk.end - 1}: {one_line(cause or err)}") from None
    except ray.exceptions.RayError as err:  # a worker or node lost more times than retried
        raise NSTError(f"frames {chunk.start}-{chunk.end - 1}: {one_line(err)}") from None
