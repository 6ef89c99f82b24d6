"""The code passes its linters and its type checker, as CI sees it (configured in pyproject.toml and setup.cfg)."""

from __future__ import annotations

import subprocess
import sys

from .helpers import ROOT


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing():
    for command in (("ruff", "check", "."), ("ruff", "format", "--check", ".")):
        done = _run(*command)
        assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_finds_nothing():
    done = _run("mypy")
    assert done.returncode == 0, done.stdout + done.stderr
