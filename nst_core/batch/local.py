"""Run a batch's jobs on this machine, one after another, with one reused :class:`~nst_core.api.Stylizer`.

VGG19's weights load once per process, and the Stylizer keeps its traced optimisation step
from one job to the next when the photo has the same size (pixels) and the options the same
layers and optimiser (weights, styles and photos may all change): a folder of same-sized
photos x styles x weights pays for tracing once, not per picture. :func:`run_job` is also
what each Ray worker runs (:mod:`~nst_core.batch.ray_engine`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from ..errors import NSTError, one_line
from ..image.encode import png_bytes
from ..image.io import ImageSource, load_image
from .jobs import Job, in_reuse_order
from .records import make_record, quality_numbers, write_record
from .report import DONE, FAILED, Outcome
from .store import Store

if TYPE_CHECKING:  # the api (and TensorFlow) is imported where jobs run, not by a Ray driver
    from ..api import Stylizer

#: ``stop_requests()``: how many stop requests (Ctrl-C, SIGTERM, SIGHUP) came so far. One stops
#: the batch after the current job; two also stop the current job, writing nothing for it.
StopRequests = Callable[[], int]
#: ``hook(job, stage)``, called where the job is run (a Ray worker, or here) at ``"start"``
#: and at ``"written"`` (the picture written, its record not yet): for tests that kill a
#: worker midway, and for logging.
Hook = Callable[[Job, str], None]


def _no_stop() -> int:
    return 0


def run_job(
    stylizer: Stylizer,
    job: Job,
    store: Store,
    *,
    quality: bool = True,
    stop_requests: StopRequests = _no_stop,
    hook: Hook | None = None,
    sources: Mapping[str, ImageSource] | None = None,
) -> Outcome:
    """Make one job's picture and record with ``stylizer``; a failure is an Outcome, not an exception.

    ``quality``: measure the style and content distance into the record
    (:func:`~nst_core.batch.records.quality_numbers`). ``sources`` maps an input's path to
    its image data (bytes shipped to a Ray worker that may not see the driver's files);
    they are decoded here under the path's name, so errors name the file. Raises
    KeyboardInterrupt when a second stop request stops the run midway (nothing written).
    """
    if hook is not None:
        hook(job, "start")
    try:
        content, styles = _inputs(job, sources)
        result = stylizer(
            content,
            styles,
            options=job.options,
            callback=lambda progress: stop_requests() < 2,
            callback_every=1,
        )
        if result.stopped in ("callback", "interrupted"):
            raise KeyboardInterrupt
        if result.stopped == "diverged":
            raise NSTError(f"the loss became infinite or NaN after {result.steps} steps (are the weights too large?)")
        numbers = quality_numbers(result) if quality else None
        record = make_record(job, result.seconds, result.loss, result.steps, numbers)
        png = png_bytes(result.image)
        path = store.write(job.name, png)
        if hook is not None:
            hook(job, "written")
        write_record(store, job, record)
    except NSTError as err:
        return Outcome(job, FAILED, reason=one_line(err))
    except MemoryError:
        return Outcome(job, FAILED, reason="out of memory at this size; choose a smaller size")
    except Exception as err:  # noqa: BLE001 - a batch goes on past one job's failure, whatever it is
        return Outcome(job, FAILED, reason=_reason(err))
    return Outcome(job, DONE, seconds=result.seconds, loss=result.loss, path=path)


def _inputs(job: Job, sources: Mapping[str, ImageSource] | None) -> tuple[ImageSource, list[ImageSource]]:
    """The job's photo and styles as the Stylizer takes them: paths, or decoded data named by path."""
    if not sources:
        return job.content, list(job.styles)

    def image(path: str) -> ImageSource:
        return load_image(sources[path], name=path) if path in sources else path

    return image(job.content), [image(s) for s in job.styles]


def _reason(err: BaseException) -> str:
    """One line for an unexpected error: TensorFlow's out-of-memory error said plainly."""
    if type(err).__name__ == "ResourceExhaustedError":
        return "out of memory at this size; choose a smaller size"
    return f"{type(err).__name__}: {one_line(err)}"


def run_local(
    jobs: Sequence[Job],
    store: Store,
    *,
    quality: bool = True,
    stop_requests: StopRequests = _no_stop,
    hook: Hook | None = None,
    stylizer: Stylizer | None = None,
) -> Iterator[Outcome]:
    """Run ``jobs`` here, those of one size together (:func:`~nst_core.batch.jobs.in_reuse_order`), yielding each one's :class:`Outcome` as it ends.

    Before each job ``stop_requests()`` is asked: after one request the batch stops there
    (the jobs left are simply not yielded); a second one also stops the job under way
    (KeyboardInterrupt, nothing written for it). ``stylizer``: the one to reuse (default a
    new one), which a caller can inspect afterwards (:attr:`~nst_core.api.Stylizer.traces`).
    """
    if stylizer is None:
        from ..api import Stylizer

        stylizer = Stylizer()
    for job in in_reuse_order(jobs):
        if stop_requests():
            return
        yield run_job(stylizer, job, store, quality=quality, stop_requests=stop_requests, hook=hook)
