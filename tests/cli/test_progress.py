"""The commands' progress bar."""

from __future__ import annotations

from nst_core.cli.command import LazyProgressBar


def test_a_resumed_runs_bar_starts_at_its_checkpoint_so_its_rate_counts_only_this_run(capsys):
    progress = LazyProgressBar(10, "step", quiet=False)
    progress.advance_to(7)  # the first step of a run resumed after step 6
    progress.advance_to(8)
    bar = progress.bar
    # tqdm's rate and time left count n - initial steps: the two of this run, not eight.
    assert (bar.initial, bar.n) == (6, 8)
    progress.close()


def test_a_new_runs_bar_starts_at_zero(capsys):
    progress = LazyProgressBar(10, "step", quiet=False)
    progress.advance_to(1)
    assert (progress.bar.initial, progress.bar.n) == (0, 1)
    progress.close()
