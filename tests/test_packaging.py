"""Installed, jixiao occupies one top-level import name, ``jixiao``.

The repository keeps its folders (``scoring/``, ``indicators/``, ``reports/``,
``tui/``); pyproject maps them under ``jixiao.``. These tests build the wheel
and read what it would put into site-packages.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("indicators", "scoring", "reports", "store", "tui")


def _declared_packages() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(config["tool"]["setuptools"]["packages"])


def test_every_folder_with_an_init_is_declared() -> None:
    """A new sub-package left out of pyproject would be missing from the wheel."""
    on_disk = {
        "jixiao." + ".".join(init.parent.relative_to(ROOT).parts)
        for folder in FOLDERS
        for init in (ROOT / folder).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert on_disk == _declared_packages()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )
    if done.returncode != 0 and ("setuptools" in done.stderr and "No matching distribution" in done.stderr):
        pytest.skip("pip could not fetch setuptools to build the wheel (no package index reachable)")
    assert done.returncode == 0, done.stderr[-2000:]
    (found,) = out.glob("jixiao-*.whl")
    return found


@pytest.mark.slow
def test_wheel_has_one_top_level_name(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"jixiao"}
    # the package data came along under the new names
    assert "jixiao/scoring/rulesets/central-2020.toml" in names
    assert "jixiao/indicators/examples/seed-2021.toml" in names
    assert "jixiao/tui/app.tcss" in names
    # the record's migrations, run from the installed package (no alembic.ini)
    assert "jixiao/store/migrations/env.py" in names
    assert "jixiao/store/migrations/versions/0001_record.py" in names
    # no __init__.py of jixiao's own: a namespace over the mapped folders
    assert "jixiao/__init__.py" not in names
    top_level = next(n for n in names if n.endswith(".dist-info/top_level.txt"))
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read(top_level).decode().split() == ["jixiao"]


def test_the_folders_import_under_jixiao_only(tmp_path: Path) -> None:
    """The checkout's folders are not importable by their bare names from elsewhere."""
    code = (
        "import importlib.util, sys; "
        "import jixiao.scoring.engine, jixiao.tui.cli; "
        "print(all(importlib.util.find_spec(n) is None for n in ('scoring', 'indicators', 'reports', 'tui')))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
