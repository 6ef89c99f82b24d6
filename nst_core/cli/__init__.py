"""The ``nst`` command and its subcommands (``nst fast``, ``nst video``)."""

from .main import build_parser, main, options_from_args, run_command

__all__ = ["build_parser", "main", "options_from_args", "run_command"]
