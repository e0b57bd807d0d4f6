"""Snapshots of ``jixiao edit`` (pytest-textual-snapshot).

Regenerate with ``python -m pytest tests/test_tui_snapshots.py --snapshot-update``
on the pinned versions (textual 8.2.8, pytest-textual-snapshot 1.1.0, syrupy
4.8.0), then look at the SVGs under ``tests/__snapshots__/``.  Cursor blink is
off and the file is opened by a relative name, so nothing depends on the
machine, the clock or the temporary folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from jixiao.indicators.document import FormDocument
from jixiao.tui.app import JixiaoApp

SEED = Path(__file__).resolve().parent.parent / "indicators" / "examples" / "seed-2021.toml"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if (name.startswith("TEXTUAL") and not name.startswith("TEXTUAL_SNAPSHOT")) or name in ("NO_COLOR", "FORCE_COLOR", "COLORTERM"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)


def seed_app() -> JixiaoApp:
    shutil.copy(SEED, "seed-2021.toml")
    return JixiaoApp(FormDocument.open(Path("seed-2021.toml")), cursor_blink=False)


class TestMainScreen:
    def test_main_screen_120x40(self, snap_compare: Any) -> None:
        assert snap_compare(seed_app(), terminal_size=(120, 40))

    def test_main_screen_80x24(self, snap_compare: Any) -> None:
        assert snap_compare(seed_app(), terminal_size=(80, 24))

    def test_funds_page(self, snap_compare: Any) -> None:
        assert snap_compare(seed_app(), press=["2"], terminal_size=(120, 40))

    def test_funds_page_80x24(self, snap_compare: Any) -> None:
        assert snap_compare(seed_app(), press=["2"], terminal_size=(80, 24))


    def test_main_screen_80x24_scrolled_right(self, snap_compare: Any) -> None:
        assert snap_compare(seed_app(), press=["right"] * 10, terminal_size=(80, 24))

    def test_too_small(self, snap_compare: Any) -> None:
        assert snap_compare(seed_app(), terminal_size=(50, 15))


class TestHelpScreen:
    def test_help_screen(self, snap_compare: Any) -> None:
        assert snap_compare(seed_app(), press=["question_mark"], terminal_size=(120, 40))

    def test_help_screen_80x24(self, snap_compare: Any) -> None:
        assert snap_compare(seed_app(), press=["question_mark"], terminal_size=(80, 24))


class TestDialogs:
    def test_tier_list(self, snap_compare: Any) -> None:
        assert snap_compare(seed_app(), press=["down", "down", "down", "down", "t"], terminal_size=(120, 40))

    def test_note_editor(self, snap_compare: Any) -> None:
        keys = ["down"] * 8 + ["n"]
        assert snap_compare(seed_app(), press=keys, terminal_size=(120, 40))


class TestBrokenFile:
    def test_problems_are_listed(self, snap_compare: Any) -> None:
        Path("broken.toml").write_text('format = 1\nkind = "department"\nyear = 2021\n[unit]\nname = 株洲\n', encoding="utf-8")
        app = JixiaoApp(FormDocument.open(Path("broken.toml")), cursor_blink=False)
        assert snap_compare(app, terminal_size=(100, 24))
