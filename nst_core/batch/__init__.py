"""Many pictures at once: jobs of photos x styles x option sweeps, resumable, here or on a Ray cluster.

:mod:`~nst_core.batch.jobs` makes the jobs (each with a key hashed from its inputs' bytes and
its options), :mod:`~nst_core.batch.manifest` reads them from a CSV or JSON Lines file,
:mod:`~nst_core.batch.store` writes outputs atomically to a folder or an fsspec URL,
:mod:`~nst_core.batch.records` keeps the JSON record beside each output (and so knows what
a rerun may skip), :mod:`~nst_core.batch.local` and :mod:`~nst_core.batch.ray_engine` run
the jobs, and :mod:`~nst_core.batch.report` sums up. ``nst batch`` is the command line's front end.
"""

from .jobs import Job, expand, find_photos, make_job, sweep
from .manifest import manifest_jobs, read_manifest
from .records import is_done, split_done
from .report import Outcome, Report
from .store import Store

__all__ = [
    "Job",
    "Outcome",
    "Report",
    "Store",
    "expand",
    "find_photos",
    "is_done",
    "make_job",
    "manifest_jobs",
    "read_manifest",
    "split_done",
    "sweep",
]
