"""Driving ``jixiao edit`` with Textual's Pilot: the fixtures and the driver the TUI test files share."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from jixiao.indicators.document import FormDocument
from jixiao.tui.app import JixiaoApp

SEED = Path(__file__).resolve().parent.parent / "indicators" / "examples" / "seed-2021.toml"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's Textual settings and colours out of the tests."""
    for name in list(os.environ):
        if (name.startswith("TEXTUAL") and not name.startswith("TEXTUAL_SNAPSHOT")) or name in ("NO_COLOR", "FORCE_COLOR", "COLORTERM"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    path = tmp_path / "seed-2021.toml"
    shutil.copy(SEED, path)
    return path


def drive(path: Path, body: Callable[[JixiaoApp, Any], Awaitable[None]], *, size: tuple[int, int] = (120, 40)) -> JixiaoApp:
    """Open ``path`` in the app and run ``body(app, pilot)``."""
    app = JixiaoApp(FormDocument.open(path), cursor_blink=False)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await body(app, pilot)

    asyncio.run(main())
    return app
