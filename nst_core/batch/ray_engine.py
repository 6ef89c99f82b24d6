"""Run a batch's jobs on a Ray cluster: one worker (actor) per GPU or per share of the CPUs.

Each worker is a Ray actor holding one :class:`~nst_core.api.Stylizer`, so VGG19 loads once
per worker and a traced step is reused as on one machine (:mod:`~nst_core.batch.local`);
every job runs :func:`~nst_core.batch.local.run_job` there. Where the cluster has GPUs each
worker takes one (``num_gpus=1``), else ``worker_cpus`` cores.

The driver (this process) reads the inputs and ships their bytes to the workers, so a
cluster needs no shared folder for the photos; the outputs go to a :class:`~nst_core.batch.store.Store`
that every worker can write: a shared folder or an fsspec URL (object storage).

A worker that dies midway (its machine lost, its process killed) is restarted by Ray, and
its job is run again, by Ray's actor task retry and, should the restarts run out, by this
driver on another worker, up to :data:`MAX_ATTEMPTS` times in all. Outputs are written
atomically and named by the job's key, so a retried job leaves exactly one picture.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

from ..cluster import connect
from .jobs import Job, in_reuse_order
from .local import Hook, StopRequests, _no_stop, run_job
from .report import FAILED, Outcome
from .store import Store

#: Runs of one job before it is reported failed: a job that kills every worker it meets
#: (a size that exhausts the machine's memory) must not go round the cluster for ever.
MAX_ATTEMPTS = 3
#: Seconds between checks for a stop request while jobs run.
POLL_SECONDS = 0.5


class _Worker:
    """A Ray actor's state: one Stylizer, kept from job to job."""

    def __init__(self) -> None:
        from ..api import Stylizer

        self.stylizer = Stylizer()

    def pid(self) -> int:
        """The worker's process id (tests kill it)."""
        return os.getpid()

    def run(self, job: Job, store: Store, quality: bool, hook: Hook | None, sources: dict[str, Any]) -> Outcome:
        """Run one job here; a failure comes back as an Outcome."""
        inputs = {path: _fetch(ref) for path, ref in sources.items()}
        return run_job(self.stylizer, job, store, quality=quality, hook=hook, sources=inputs)


def _fetch(ref: Any) -> Any:
    import ray

    return ray.get(ref) if isinstance(ref, ray.ObjectRef) else ref


def _worker_count(ray: Any, workers: int | None, worker_cpus: float) -> tuple[int, dict[str, float]]:
    """How many workers, and each one's resources: a GPU each where there are GPUs, else CPUs."""
    resources = ray.cluster_resources()
    gpus = int(resources.get("GPU", 0))
    if gpus:
        return workers or gpus, {"num_gpus": 1, "num_cpus": 1}
    cpus = float(resources.get("CPU", 1))
    return workers or max(1, int(cpus // worker_cpus)), {"num_cpus": worker_cpus}


class RayEngine:
    """Runs jobs on a Ray cluster; :meth:`run` yields outcomes as they come.

    Args:
        address: the cluster (``"ray://host:10001"``, ``"host:6379"``, ``"auto"``); None
            starts a local one (or keeps this process's existing connection, see
            :func:`nst_core.cluster.connect`).
        workers: how many workers (default: one per GPU, else one per ``worker_cpus`` cores).
        worker_cpus: cores each worker takes on a cluster without GPUs.
        quality: measure the style and content distance into each record.
        hook: called on the worker at each job's stages (see :data:`~nst_core.batch.local.Hook`);
            it must be picklable.
        init_options: passed to ``ray.init`` (for example ``num_cpus``).
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        workers: int | None = None,
        worker_cpus: float = 1.0,
        quality: bool = True,
        hook: Hook | None = None,
        **init_options: Any,
    ) -> None:
        self.ray = connect(address, **init_options)
        self.workers, self.resources = _worker_count(self.ray, workers, worker_cpus)
        self.quality, self.hook = quality, hook
        self.actors: list[Any] = []

    def _actor(self) -> Any:
        remote = self.ray.remote(max_restarts=MAX_ATTEMPTS - 1, max_task_retries=MAX_ATTEMPTS - 1, **self.resources)
        return remote(_Worker).remote()

    def _sources(self, jobs: Sequence[Job]) -> dict[str, Any]:
        """Each local input file's bytes in Ray's object store, by path (put once, however many jobs use it)."""
        refs: dict[str, Any] = {}
        for job in jobs:
            for path in (job.content, *job.styles):
                if path not in refs and os.path.isfile(path):
                    try:
                        with open(path, "rb") as file:
                            refs[path] = self.ray.put(file.read())
                    except OSError:
                        pass  # the worker reports it, as run_job would here
        return refs

    def run(self, jobs: Sequence[Job], store: Store, stop_requests: StopRequests = _no_stop) -> Iterator[Outcome]:
        """Run ``jobs`` on the workers, yielding each one's :class:`Outcome` as it ends.

        After one stop request no new job starts and those under way finish; after a
        second, those under way are cancelled (nothing of theirs is written) and
        KeyboardInterrupt is raised.
        """
        ray = self.ray
        from ray.exceptions import RayActorError, RayTaskError

        refs = self._sources(jobs)
        # Jobs of one shape in a row, as the local engine runs them: a worker's Stylizer then
        # keeps its traced steps from one to the next.
        waiting = list(reversed(in_reuse_order(jobs)))
        attempts: dict[str, int] = {}
        idle = [self._actor() for _ in range(min(self.workers, len(jobs)))]
        self.actors = list(idle)
        running: dict[Any, tuple[Job, Any]] = {}
        try:
            while waiting or running:
                while waiting and idle and not stop_requests():
                    job, actor = waiting.pop(), idle.pop()
                    sources = {p: refs[p] for p in (job.content, *job.styles) if p in refs}
                    running[actor.run.remote(job, store, self.quality, self.hook, sources)] = (job, actor)
                if not running:
                    return  # stopped with jobs left
                if stop_requests() >= 2:
                    raise KeyboardInterrupt
                ready, _ = ray.wait(list(running), num_returns=1, timeout=POLL_SECONDS)
                for ref in ready:
                    job, actor = running.pop(ref)
                    attempts[job.key] = attempts.get(job.key, 0) + 1
                    try:
                        outcome = ray.get(ref)
                    except RayActorError:  # the worker died and Ray's restarts ran out: another one takes over
                        actor = self._actor()
                        self.actors.append(actor)
                        if attempts[job.key] < MAX_ATTEMPTS:
                            waiting.append(job)
                            idle.append(actor)
                            continue
                        outcome = Outcome(job, FAILED, reason=f"its worker died {MAX_ATTEMPTS} times (out of memory?)")
                    except RayTaskError as err:
                        outcome = Outcome(job, FAILED, reason=f"on its worker: {err.cause!r}"[:200])
                    idle.append(actor)
                    yield outcome
        finally:  # the jobs under way when stopped die with their workers, their outputs unwritten
            for actor in self.actors:
                ray.kill(actor)
            self.actors = []
