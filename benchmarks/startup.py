"""Start-up time of the command line and the package, without and with TensorFlow.

    python -m benchmarks.startup [--repeats 5]

Each command runs in a fresh interpreter, ``--repeats`` times, interleaved; the table gives
the median seconds and the ratio to ``import tensorflow`` measured in the same run, since
the machine is shared and its absolute speed varies. Writes ``benchmarks/results/startup.*``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from .common import ROOT, machine, machine_note, markdown_table, write_results

#: What a user waits for, by name: the Python code each one runs.
COMMANDS = {
    "nst --help": "import sys; sys.argv = ['nst', '--help']; from nst_core.cli import main; main()",
    "nst (usage error)": "import sys; sys.argv = ['nst']; from nst_core.cli import main; main()",
    "import nst_core": "import nst_core",
    "import tensorflow (reference)": "import tensorflow",
}


def seconds(code: str) -> float:
    """Wall time of a fresh interpreter running ``code``."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    info = machine()
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeats):
        for name, code in COMMANDS.items():
            times[name].append(seconds(code))
    info["load_average_end"] = machine()["load_average"]
    reference = statistics.median(times["import tensorflow (reference)"])
    rows = [
        [name, f"{statistics.median(t):.2f}", f"{statistics.median(t) / reference:.2f}"] for name, t in times.items()
    ]
    table = markdown_table(["command", "median seconds", "x import tensorflow"], rows)
    note = f"`python -m benchmarks.startup --repeats {args.repeats}`. {machine_note(info)}"
    write_results("startup", {"machine": info, "seconds": times}, table, note)
    print(table)


if __name__ == "__main__":
    main()
