"""Offline install (scripts/offline-bundle.py) and running where POSIX-only modules are missing (Windows)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "offline-bundle.py"


def load_script() -> Any:
    spec = importlib.util.spec_from_file_location("offline_bundle", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[Any, list[list[str]]]:
    """The script with pip replaced by a recorder (the real run is in .ci/run: it needs the network)."""
    module = load_script()
    commands: list[list[str]] = []

    def run(command: list[str], env: Any = None) -> None:
        commands.append(command)
        if command[3] == "wheel" and "--no-deps" in command:  # jixiao's own wheel
            out = Path(command[command.index("-w") + 1])
            (out / "jixiao-0.1.0-py3-none-any.whl").write_bytes(b"wheel")

    monkeypatch.setattr(module, "run", run)
    return module, commands


def test_for_this_machine_pip_wheel_fills_the_folder(bundle: tuple[Any, list[list[str]]], tmp_path: Path) -> None:
    module, commands = bundle
    assert module.main([str(tmp_path / "wheels")]) == 0
    build, deps = commands
    assert build[3:5] == ["wheel", "--no-deps"] and build[-1] == str(ROOT)
    assert deps[3] == "wheel" and deps[deps.index("-w") + 1] == str(tmp_path / "wheels")
    assert deps[-1].endswith("jixiao-0.1.0-py3-none-any.whl")
    assert (tmp_path / "wheels" / "jixiao-0.1.0-py3-none-any.whl").exists()
    readme = (tmp_path / "wheels" / "安装说明.txt").read_text(encoding="utf-8")
    assert "pip install --no-index --find-links wheels jixiao" in readme


def test_for_windows_pip_downloads_binary_wheels_of_that_platform(bundle: tuple[Any, list[list[str]]], tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    module, commands = bundle
    folder = tmp_path / "win"
    assert module.main([str(folder), "--platform", "win_amd64", "--python-version", "3.11", "--check"]) == 0
    _, download, check = commands
    assert download[3:5] == ["download", "--only-binary=:all:"]
    assert download[download.index("--platform") + 1] == "win_amd64"
    assert download[download.index("--python-version") + 1] == "3.11"
    assert check[3] == "install" and "--dry-run" in check and "--no-index" in check and check[-1] == "jixiao"
    assert check[check.index("--find-links") + 1] == str(folder) and "win_amd64" in check
    out = capsys.readouterr().out
    assert "pip install --no-index --find-links win jixiao" in out and "win_amd64" in out


def test_a_failing_pip_is_exit_two_in_chinese(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    module = load_script()

    def fail(command: list[str], env: Any = None) -> None:
        raise subprocess.CalledProcessError(1, command)

    monkeypatch.setattr(module, "run", fail)
    assert module.main([str(tmp_path / "w")]) == 2
    assert "打包失败" in capsys.readouterr().err


WINDOWS_LIKE = """
import sys
for name in ("fcntl", "resource", "termios", "pwd", "grp", "tty", "pty"):
    sys.modules[name] = None  # not on Windows
import os, signal, multiprocessing
for name in ("killpg", "getuid", "geteuid", "setsid", "getpgid", "fork"):
    if hasattr(os, name):
        delattr(os, name)
for name in ("pthread_sigmask", "SIGKILL", "SIGHUP"):
    if hasattr(signal, name):
        delattr(signal, name)
multiprocessing.get_all_start_methods = lambda: ["spawn"]
from jixiao.tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize(
    "argv",
    [["demo"], ["new", "--kind", "项目", "-o", "p.toml"], ["score", "SEED"], ["review", "SEED", "--format", "json"],
     ["export", "SEED", "-o", "x.xlsx"]],
    ids=["demo", "new", "score", "review", "export"],
)
def test_runs_without_posix_only_modules(argv: list[str], tmp_path: Path) -> None:
    """As on Windows: no fcntl, resource, termios, no os.killpg/getuid/fork, no signal.pthread_sigmask."""
    seed = ROOT / "indicators" / "examples" / "seed-2021.toml"
    args = [str(seed) if a == "SEED" else a for a in argv]
    done = subprocess.run([sys.executable, "-c", WINDOWS_LIKE, *args], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode in (0, 1), done.stderr  # 1: the seed's own score-mismatch
    assert "Traceback" not in done.stderr


def test_the_editor_saves_without_posix_only_modules(tmp_path: Path) -> None:
    """Saving (atomic write, backup, no flock) as on Windows."""
    form = tmp_path / "f.toml"
    form.write_bytes((ROOT / "indicators" / "examples" / "seed-2021.toml").read_bytes())
    code = WINDOWS_LIKE.split("from jixiao.tui.cli")[0] + (
        "from pathlib import Path\n"
        "from jixiao.indicators.document import FormDocument\n"
        "doc = FormDocument.open(Path('f.toml'))\n"
        "assert doc.set_text(('indicators', 8, 'claimed'), '10')\n"
        "doc.save()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "f.toml~").exists() and "claimed = 10" in form.read_text(encoding="utf-8")
