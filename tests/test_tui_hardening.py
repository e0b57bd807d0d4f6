"""``jixiao edit`` on a small terminal and where typing goes wrong (issue 11, items 11 and 13).

Driven with Textual's Pilot as a user would; every test works on a copy of the
seed form in ``tmp_path``.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from indicators.document import FormDocument
from tui.app import JixiaoApp
from tui.components.indicator_table import IndicatorTable
from tui.components.labels import INDICATOR_LABELS

SEED = Path(__file__).resolve().parent.parent / "indicators" / "examples" / "seed-2021.toml"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(__import__("os").environ):
        if (name.startswith("TEXTUAL") and not name.startswith("TEXTUAL_SNAPSHOT")) or name in ("NO_COLOR", "FORCE_COLOR", "COLORTERM"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    path = tmp_path / "seed-2021.toml"
    shutil.copy(SEED, path)
    return path


def drive(path: Path, body: Callable[[JixiaoApp, Any], Awaitable[None]], *, size: tuple[int, int] = (120, 40)) -> JixiaoApp:
    app = JixiaoApp(FormDocument.open(path), cursor_blink=False)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await body(app, pilot)

    asyncio.run(main())
    return app


def shown(table: IndicatorTable, y: int) -> str:
    """Line ``y`` of the table as the terminal shows it (the vertical scroll bar's cells left out)."""
    text = "".join(seg.text for seg in table.render_line(y))
    return text[: len(text) - table.scrollbar_size_vertical] if table.scrollbar_size_vertical else text


def cells(table: IndicatorTable, row: int) -> list[str]:
    return [str(getattr(c, "plain", c)).strip() for c in table.get_row_at(row)]


def test_scrolling_sideways_at_80x24_shows_whole_columns_and_the_whole_cursor_cell(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        labels = set(INDICATOR_LABELS.values())
        seen = set()
        for key in ["right"] * 12 + ["left"] * 12:
            await pilot.press(key)
            await pilot.pause()
            header = shown(table, 0).split()
            assert header[0] == "序号"
            assert all(word in labels for word in header), f"a header cut in half: {header}"
            seen.update(header)
            for row in range(3):
                words = shown(table, row + 1).split()
                whole = {word for cell in cells(table, row) for word in cell.split()}
                assert all(w in whole for w in words), f"row {row + 1}: a cell cut in half: {words} (cells {whole})"
            cursor = str(table.get_cell_at(table.cursor_coordinate).plain).strip()
            if cursor:
                assert cursor in shown(table, table.cursor_row + 1), f"the cursor's cell “{cursor}” is not whole"
        assert labels <= seen  # every column was shown whole at some point

    drive(seed, body, size=(80, 24))
