"""The guides in docs/ are followed literally: their commands run in a fresh folder.

Each guide's ```console blocks hold commands a reader types, one per line,
after a ``$ `` prompt; the lines after a command (up to the next prompt) are
what it printed, shortened by ``…`` where a guide leaves lines out. The test
runs every command of a guide in order in one temporary folder (so a file
written by one step is there for the next), with the installed ``jixiao`` on
PATH, and checks:

- the exit status: 0, unless the command line ends with ``# 退出状态 N``;
- every printed line the guide shows (other than ``…``) appears in what the
  command printed, so the guide's output cannot drift from the program's.

Secrets reach commands the way the guides say they should: through the
environment (``JIXIAO_KEY_PASSPHRASE``), never on the command line; a guide's
``export NAME=VALUE`` line is kept for the commands after it, as a shell would.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDES = sorted((ROOT / "docs").glob("guide-*.md"))
STATUS = re.compile(r"\s+#\s*退出状态\s*(\d+)\s*$")


@dataclass
class Step:
    command: str
    status: int = 0
    shown: list[str] = field(default_factory=list)


def steps_of(text: str) -> list[Step]:
    """The commands of a guide's ```console blocks, with the output each shows."""
    steps: list[Step] = []
    inside = False
    for line in text.splitlines():
        if line.strip().startswith("```"):
            inside = (not inside) and line.strip() == "```console"
            continue
        if not inside:
            continue
        if line.startswith("$ "):
            command = line[2:]
            m = STATUS.search(command)
            status = int(m.group(1)) if m else 0
            steps.append(Step(STATUS.sub("", command), status))
        elif steps and line.strip() and line.strip() != "…":
            steps[-1].shown.append(line.strip())
    return steps


def test_steps_are_read_from_console_blocks() -> None:
    text = "文字\n```console\n$ jixiao demo\n输出一\n…\n$ jixiao check x.toml  # 退出状态 1\n```\n```toml\n$ not a command\n```\n"
    steps = steps_of(text)
    assert [(s.command, s.status, s.shown) for s in steps] == [
        ("jixiao demo", 0, ["输出一"]),
        ("jixiao check x.toml", 1, []),
    ]


def shows(printed: str, shown: str) -> bool:
    """Whether a printed line is the guide's line; ``…`` inside it stands for any text."""
    at = 0
    for piece in (" ".join(part.split()) for part in shown.split("…")):
        found = printed.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def test_an_ellipsis_inside_a_shown_line_stands_for_any_text() -> None:
    assert shows("表.toml：可以使用（2026 年度，指标 4 项）", "表.toml：可以使用（…")
    assert shows("签名人：CN=张三 颁发者：CN=根", "签名人：…颁发者：CN=根")
    assert not shows("表.toml：不能使用", "表.toml：可以使用（…")
    assert not shows("乙 甲", "甲…乙")


def _needs(command: str) -> str | None:
    """Why a step cannot run on this machine, or None."""
    if "soffice" in command and shutil.which("soffice") is None:
        return "LibreOffice (soffice) is not installed"
    if command.startswith("openssl") and shutil.which("openssl") is None:
        return "openssl is not installed"
    if command.startswith("pdfsig") and shutil.which("pdfsig") is None:
        return "poppler-utils (pdfsig) is not installed"
    if "pdftoppm" in command and shutil.which("pdftoppm") is None:
        return "poppler-utils (pdftoppm) is not installed"
    return None


@pytest.mark.slow
@pytest.mark.parametrize("guide", GUIDES, ids=[g.stem for g in GUIDES])
def test_guide_is_followed_literally(guide: Path, tmp_path: Path) -> None:
    steps = steps_of(guide.read_text(encoding="utf-8"))
    assert steps, f"{guide.name} has no ```console block"
    for step in steps:
        reason = _needs(step.command)
        if reason:
            pytest.skip(f"{guide.name}: {reason}")
    bindir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}", COLUMNS="120",
               JIXIAO_KEY_PASSPHRASE=os.environ.get("JIXIAO_KEY_PASSPHRASE", "guide-passphrase"),
               JIXIAO_DB=str(tmp_path / "复核记录.db"))
    for step in steps:
        if step.command.startswith("export "):  # the guide's shell keeps it for the next commands
            for assignment in shlex.split(step.command)[1:]:
                name, _, value = assignment.partition("=")
                env[name] = value
            continue
        done = subprocess.run(["bash", "-c", step.command], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=600)
        printed = done.stdout + done.stderr
        assert done.returncode == step.status, (
            f"{guide.name}: `{step.command}` exited {done.returncode}, the guide says {step.status}\n{printed[-3000:]}"
        )
        lines = [" ".join(line.split()) for line in printed.splitlines()]
        for shown in step.shown:
            assert any(shows(line, shown) for line in lines), (
                f"{guide.name}: `{step.command}` did not print the line the guide shows:\n  {shown}\n"
                f"it printed:\n{printed[-3000:]}"
            )
