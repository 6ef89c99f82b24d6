"""The ``nst`` command and its subcommands (``fast``, ``video``, ``train``, ``regions``, ``batch``).

:mod:`~nst_core.cli.stylize` is ``nst CONTENT STYLE``, and each subcommand is the module of
its name; their flags are generated from the option spec of :mod:`nst_core.options` by
:mod:`~nst_core.cli.flags`, and :mod:`~nst_core.cli.command` holds what they share.
TensorFlow loads only when a run starts.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

try:
    from .command import SUBCOMMANDS, run_command
    from .stylize import build_parser, options_from_args, run
except KeyboardInterrupt:  # Ctrl-C while the command loads: one line, as later, not a traceback
    _named = sys.argv[1:2] and sys.argv[1] in ("fast", "video", "train", "regions", "batch")
    _command = f"nst {sys.argv[1]}" if _named else "nst"
    print(f"{_command}: interrupted; nothing written", file=sys.stderr)
    raise SystemExit(130) from None

__all__ = ["SUBCOMMANDS", "build_parser", "main", "options_from_args", "run_command"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``nst`` console script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        return importlib.import_module(SUBCOMMANDS[argv[0]][0], __package__).main(argv[1:])
    return run_command(build_parser, run, argv)
