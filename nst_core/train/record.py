"""The training record: what every run in an output folder was trained with.

``training.json`` lists the runs that trained the network in the folder, one entry per run
(a resumed run adds one): the style image, the photo folder and how many photos were read,
the steps it went from and to, its seconds, and all its options. A network is shared or
measured long after it was trained, and a resume may change the weights or the steps;
the record says which network a file is, and how to train it again. It is rewritten
(atomically) with every checkpoint, so it matches the checkpoint a resume starts from,
also after Ctrl-C or a kill.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from .. import __version__
from ..image.io import atomic_output
from ..options import TrainOptions
from ..options.spec import plain_values

RECORD_FILE = "training.json"


class TrainingRecord:
    """The record of one output folder; this run's entry is added by :meth:`begin`.

    Args:
        folder: the run's output folder.
        resume: whether this run continues the folder's last one (its entries are kept);
            a new run starts the record afresh.
    """

    def __init__(self, folder: Path, resume: bool):
        self.path = Path(folder) / RECORD_FILE
        self.runs: list[dict] = read_record(self.path) if resume else []
        self._run: dict | None = None

    def begin(self, style: str, data: str, photos: int, start_step: int, options: TrainOptions) -> None:
        """Add this run's entry (written at its first :meth:`update`)."""
        self._run = {
            "style": style,
            "data": data,
            "photos": photos,
            "from_step": start_step,
            "to_step": start_step,
            "seconds": 0.0,
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "nst_core": __version__,
            "options": plain_values(options),
        }
        self.runs.append(self._run)

    def update(self, step: int, seconds: float) -> None:
        """Record that this run has reached ``step`` after ``seconds``, and write the file."""
        if self._run is None:
            raise RuntimeError("TrainingRecord.update before begin")
        self._run.update(to_step=step, seconds=round(seconds, 1))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(self.path) as temporary:
            Path(temporary).write_text(json.dumps({"runs": self.runs}, indent=2) + "\n")


def read_record(path: str | Path) -> list[dict]:
    """The runs recorded in a ``training.json`` (or a folder holding one); [] if there is none or it is unreadable."""
    path = Path(path)
    if path.is_dir():
        path = path / RECORD_FILE
    try:
        runs = json.loads(path.read_text()).get("runs", [])
    except (OSError, ValueError, AttributeError):
        return []
    return runs if isinstance(runs, list) else []
