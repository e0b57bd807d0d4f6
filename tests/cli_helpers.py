"""Running ``jixiao`` from a test: in this process (with capsys), or as a child process."""

from __future__ import annotations

import subprocess
import sys

import pytest
from jixiao.tui.cli import main

from .conftest import ROOT

__all__ = ["run", "run_process"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``jixiao ARGV`` in this process: its exit status, stdout and stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_process(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m jixiao.tui.cli ARGS`` as a child process in the checkout, its output as text."""
    return subprocess.run(
        [sys.executable, "-m", "jixiao.tui.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
