"""The ``nst`` command and its subcommands (``nst fast``, ``nst video``).

Their flags are generated from the option spec of :mod:`nst_core.options` by
:mod:`~nst_core.cli.flags`; TensorFlow loads only when a run starts.
"""

import sys

try:
    from .main import build_parser, main, options_from_args, run_command
except KeyboardInterrupt:  # Ctrl-C while the command loads: one line, as later, not a traceback
    _command = " ".join(["nst"] + sys.argv[1:2]) if sys.argv[1:2] in (["fast"], ["video"]) else "nst"
    print(f"{_command}: interrupted; nothing written", file=sys.stderr)
    raise SystemExit(130) from None

__all__ = ["build_parser", "main", "options_from_args", "run_command"]
