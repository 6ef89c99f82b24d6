"""The JSON record next to each output, and which jobs a rerun can skip.

Beside ``photo__style__1a2b3c4d.png`` lies ``photo__style__1a2b3c4d.json``: the job's key,
inputs and options, the seconds and steps the run took, its lowest loss, two quality
numbers, and the nst_core version. The record is written after the picture, so a job is
done exactly when both exist and the record holds the job's full key: a run stopped between
the two writes is redone, never taken as done.

Quality numbers: the style distance and content distance of :mod:`nst_core.metrics` (three
VGG19 passes at the output's size, well under a second at 512 px on a CPU, against minutes
of optimisation). The independent style judge is left out: it loads a second network
(Magenta's), which is not installed everywhere, and ``nst --report`` or
:meth:`~nst_core.api.Result.quality` give it for the pictures worth judging.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .. import __version__
from ..options.spec import plain_values
from .jobs import Job
from .store import Store


def record_name(job: Job) -> str:
    """The record's file name: the output's, with ``.json``."""
    return job.name.removesuffix(".png") + ".json"


def make_record(
    job: Job, seconds: float, loss: float, steps: int, quality: Mapping[str, float] | None = None
) -> dict[str, Any]:
    """The record of a finished job (plain JSON data).

    ``seconds``: wall time of the optimisation; ``loss``: its lowest total loss; ``steps``:
    steps taken; ``quality``: the numbers of :func:`quality_numbers`, if measured.
    """
    return {
        "key": job.key,
        "output": job.name,
        "content": job.content,
        "styles": list(job.styles),
        "options": plain_values(job.options),
        "seconds": round(float(seconds), 3),
        "loss": float(loss),
        "steps": int(steps),
        "quality": dict(quality) if quality is not None else None,
        "version": __version__,
    }


def quality_numbers(result: Any) -> dict[str, float]:
    """Style and content distance of a :class:`~nst_core.api.Result` (see the module's note on the judge)."""
    from ..engine import color
    from ..metrics import content_distance, style_distance

    styles = list(result.styles)
    if result.options.preserve_colors != "none":  # as Result.quality: the run aimed at the recoloured paintings
        styles = [color.match_color_histogram(s, result.content) for s in styles]
    return {
        "style_distance": style_distance(result.image, styles, result.options.style_blend_weights),
        "content_distance": content_distance(result.image, result.content),
    }


def read_record(store: Store, job: Job) -> dict[str, Any] | None:
    """The job's record as stored, or None if it is missing or not valid JSON."""
    text = store.read_text(record_name(job))
    if text is None:
        return None
    try:
        record = json.loads(text)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def is_done(store: Store, job: Job) -> bool:
    """Whether the job's output and its record exist, the record with the job's full key."""
    record = read_record(store, job)
    return record is not None and record.get("key") == job.key and store.exists(job.name)


def write_record(store: Store, job: Job, record: Mapping[str, Any]) -> str:
    """Write the job's record atomically (after its picture: a record means the picture is whole)."""
    return store.write(record_name(job), (json.dumps(record, indent=2) + "\n").encode())


def split_done(store: Store, jobs: Sequence[Job]) -> tuple[list[Job], list[Job]]:
    """``(to_run, done)``: the jobs still to do, and those a previous run finished."""
    to_run: list[Job] = []
    done: list[Job] = []
    for job in jobs:
        (done if is_done(store, job) else to_run).append(job)
    return to_run, done
