"""The batch's report: each job done, skipped or failed (with its one-line reason), and a summary.

Engines hand each finished job to their caller as an :class:`Outcome`; a :class:`Report`
collects them, says whether the batch succeeded (:attr:`Report.exit_status`) and prints the
summary table that ``nst batch`` ends with.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .jobs import Job

DONE, SKIPPED, FAILED = "done", "skipped", "failed"


@dataclass(frozen=True)
class Outcome:
    """What became of one job.

    Attributes:
        job: the job.
        status: ``"done"`` (made now), ``"skipped"`` (made by an earlier run) or ``"failed"``.
        reason: for a failure, the one-line reason (a corrupt photo, a size that does not fit).
        seconds: wall time of the optimisation, in seconds (0 unless done).
        loss: the run's lowest total loss (None unless done).
        path: where the picture is (a path or URL; None for a failure).
    """

    job: Job
    status: str
    reason: str | None = None
    seconds: float = 0.0
    loss: float | None = None
    path: str | None = None

    def line(self) -> str:
        """One line for the log: ``done photo.jpg x style.jpg -> out/...png (12.3 s)``."""
        if self.status == FAILED:
            return f"failed {self.job.describe()}: {self.reason}"
        if self.status == SKIPPED:
            return f"skipped {self.job.describe()} (done before: {self.job.name})"
        return f"done {self.job.describe()} -> {self.path} ({self.seconds:.1f} s, loss {self.loss:.4g})"


@dataclass
class Report:
    """Every outcome of a batch, in the order they came; ``total`` is the number of jobs planned."""

    total: int
    outcomes: list[Outcome] = field(default_factory=list)
    interrupted: bool = False

    def add(self, outcome: Outcome) -> None:
        """Record one outcome."""
        self.outcomes.append(outcome)

    def count(self, status: str) -> int:
        """How many jobs ended with ``status``."""
        return Counter(o.status for o in self.outcomes)[status]

    @property
    def failed(self) -> list[Outcome]:
        """The failed jobs' outcomes."""
        return [o for o in self.outcomes if o.status == FAILED]

    @property
    def left(self) -> int:
        """Jobs neither done, skipped nor failed (an interrupted batch's remainder)."""
        return self.total - len(self.outcomes)

    @property
    def exit_status(self) -> int:
        """0 when every job is done or skipped, 1 when any failed (130 for an interrupt is the caller's)."""
        return 1 if self.failed else 0

    def summary(self) -> str:
        """The summary table: a row per status with its count and time, then the failures' reasons."""
        done = [o for o in self.outcomes if o.status == DONE]
        seconds = sum(o.seconds for o in done)
        rows = [
            ("done", len(done), f"{seconds:.1f} s" + (f", {seconds / len(done):.1f} s each" if done else "")),
            ("skipped", self.count(SKIPPED), "made by an earlier run"),
            ("failed", len(self.failed), "see below" if self.failed else ""),
        ]
        if self.left:
            rows.append(("left", self.left, "interrupted; rerun the same command to do them"))
        width = max(len(str(count)) for _, count, _ in rows)
        lines = [f"{'jobs':<8} {self.total:>{width}}"]
        lines += [f"{name:<8} {count:>{width}}  {note}".rstrip() for name, count, note in rows]
        lines += [f"  {o.job.name}: {o.reason}" for o in self.failed]
        return "\n".join(lines)
