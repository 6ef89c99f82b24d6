"""What every ``nst`` command shares: one-line usage errors, exit statuses, warnings as lines."""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from ..engine.device import quiet_tensorflow_start_up
from ..errors import NSTError, OptionError, printable

#: Other commands: ``nst NAME ...`` runs ``main(argv)`` of the named module.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "fast": (".fast", "real-time stylisation with a feed-forward network (nst fast --help)"),
    "video": (".video", "stylise a video without flicker (nst video --help)"),
    "train": (".train", "train a real-time network for one style (nst train --help)"),
    "regions": (".regions", "number a photo's automatic regions for --style-masks (nst regions --help)"),
    "batch": (".batch", "many photos x styles x option sweeps, resumable, here or on Ray (nst batch --help)"),
}

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
#: Signals that stop a run as Ctrl-C does: a kill, a closed terminal or SSH session.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextlib.contextmanager
def _signals_handled(numbers: Sequence[int], handler: Callable[[int, object], None]) -> Iterator[None]:
    """Within the block, ``handler`` handles the signals ``numbers``; the old handlers come back after.

    Only the main thread may set handlers; elsewhere (a notebook's worker thread) nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, handler) for number in numbers}
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def stop_signals_as_interrupts() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise KeyboardInterrupt.

    So a kill or a closed terminal stops a run as Ctrl-C does: the best image so far is
    saved, a half-written output is rolled back and temporary files are removed.
    """
    with _signals_handled(STOP_SIGNALS, _interrupt):
        yield


@contextlib.contextmanager
def interrupts_held() -> Iterator[list[int]]:
    """Within the block, Ctrl-C, SIGTERM and SIGHUP are held; yields the signals that came.

    Around the final save: an interrupt that lands there would throw away a finished run,
    so the save completes and the caller reports the interrupt after it.
    """
    received: list[int] = []
    with _signals_handled((signal.SIGINT, *STOP_SIGNALS), lambda signum, frame: received.append(signum)):
        yield received


class LazyProgressBar:
    """A tqdm progress bar on stderr, made at its first use.

    So an error found after start-up but before the first step (or frame) is the one line
    promised, with no empty bar printed before it.
    """

    def __init__(self, total: int, unit: str, quiet: bool):
        self.total, self.unit, self.quiet = total, unit, quiet
        self._bar = None

    @property
    def bar(self):
        """The tqdm bar, made now if it was not yet."""
        if self._bar is None:
            self._bar = self._make(0)
        return self._bar

    def advance_to(self, count: int) -> None:
        """Move the bar to ``count`` done, the latest one just finished.

        A bar made here starts at ``count - 1``: a resumed run's earlier steps were done
        before it, so its rate (and time left) count only the steps of this run.
        """
        bar = self._bar if self._bar is not None else self._make(max(0, count - 1))
        self._bar = bar
        bar.update(count - bar.n)

    def _make(self, initial: int):
        from tqdm.auto import tqdm

        return tqdm(
            total=self.total,
            unit=self.unit,
            disable=self.quiet,
            dynamic_ncols=True,
            file=sys.stderr,
            initial=initial,
        )

    def close(self) -> None:
        """Close the bar if it was ever made."""
        if self._bar is not None:
            self._bar.close()


def refuse_writing_over_inputs(output: Path, inputs: Iterable[object]) -> None:
    """Raise :class:`OptionError` if ``output`` is one of the run's input files.

    Compared as files (``os.path.samefile``, so links and other spellings of the same path
    count) when both exist, else by their resolved paths. URLs and arrays are not files.
    """
    for source in inputs:
        if not isinstance(source, (str, os.PathLike)) or "://" in str(source):
            continue
        path = Path(source).expanduser()
        try:
            same = os.path.samefile(output, path) if output.exists() and path.exists() else None
        except OSError:
            same = None
        if same is None:
            same = output.resolve() == path.resolve()
        if same:
            raise OptionError(f"{output}: is an input of this run; choose another output file")


def load_tensorflow() -> None:
    """Import TensorFlow for a run, with Ctrl-C held until the import is done, then honoured.

    An interrupt that lands inside TensorFlow's import (seconds, in native code) can be lost
    or leave it half-imported; held, it stops the command cleanly right after the import.
    """
    with interrupts_held() as held:
        import tensorflow  # noqa: F401
    if held:
        raise KeyboardInterrupt


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr, as every other error here."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Print the usage error as one line and exit with status 2."""
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _show_warning(prog: str, message, category, filename, lineno, file=None, line=None) -> None:
    """A warning (such as the memory fallback) as one line in the style of the errors."""
    from tqdm.auto import tqdm

    tqdm.write(f"{prog}: warning: {message}", file=sys.stderr)  # above a progress bar, not on its line


def run_command(
    build: Callable[[], argparse.ArgumentParser],
    run_args: Callable[[argparse.Namespace], int],
    argv: Sequence[str],
    prog: str = "nst",
) -> int:
    """Parse ``argv`` and run; user errors become one line on stderr and an exit status.

    Shared by ``nst`` and its subcommands: NSTError -> exit 2, Ctrl-C outside a run
    (loading TensorFlow, models) -> exit 130 with nothing written, ``--help`` -> 0.
    TensorFlow is imported only by the run, without its start-up log, so ``--help`` and
    usage errors answer at once.
    """
    try:
        try:
            args = build().parse_args(argv)
        except SystemExit as done:  # --help, or a usage error already printed
            return int(done.code or 0)
        quiet_tensorflow_start_up(always=True)
        with warnings.catch_warnings(), stop_signals_as_interrupts():
            warnings.showwarning = functools.partial(_show_warning, prog)
            return run_args(args)
    except NSTError as err:  # file names and server text may hold terminal control codes
        print(f"{prog}: error: {printable(str(err))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{prog}: interrupted; nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED
