"""Type-ahead in the editor's dialogs (issue 18, item 11): keys typed in a burst while a dialog opens reach it.

The keys are sent as a terminal sends a burst: all at once into the driver,
without waiting for the screen (Pilot's ``press`` waits after each key, which
hides the loss).  Before the fix, a note typed right after ``n`` lost its
beginning, or all of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomli
from jixiao.tui.app import JixiaoApp
from jixiao.tui.components.indicator_table import IndicatorTable
from textual import events

from tests import tui_pilot
from tests.tui_pilot import drive

clean_env = tui_pilot.clean_env  # the shared fixtures: autouse environment, a copy of the seed
seed = tui_pilot.seed

NOTE_ROW = 8  # 参保人满意度


def burst(app: JixiaoApp, keys: list[str]) -> None:
    """Keys as a fast typist (or a paste through a terminal without bracketed paste) sends them."""
    assert app._driver is not None
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)


async def settle(pilot: Any, app: JixiaoApp) -> None:
    for _ in range(40):
        await pilot.pause()


def test_a_note_typed_right_after_n_arrives_whole(seed: Path) -> None:
    note = "满意度调查样本不足，扣0.5分；下年度扩大调查范围。"

    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        table.move_cursor(row=NOTE_ROW, column=table.column_index("name"))
        await pilot.pause()
        burst(app, ["n", *note, "ctrl+s"])
        await settle(pilot, app)
        assert app.doc.get(("indicators", NOTE_ROW, "note")) == note

    drive(seed, body)


def test_bursts_of_chinese_into_notes_and_cells_are_all_saved(seed: Path) -> None:
    """A stress test: several dialogs opened and closed in bursts, each typed into at once, then Ctrl+S saves."""
    notes = {row: f"第{row}项：原因说明，已整改落实到位（{'甲乙丙丁' * (row + 1)}）" for row in range(0, 9, 2)}

    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        for row, note in notes.items():
            table.move_cursor(row=row, column=table.column_index("name"))
            await pilot.pause()
            burst(app, ["n", *note, "ctrl+s"])
            await settle(pilot, app)
        # a cell: Enter opens the editor on the actual value; the new text replaces it and Enter keeps it
        table.move_cursor(row=0, column=table.column_index("actual"))
        await pilot.pause()
        burst(app, ["enter", "ctrl+a", *"三十二点六六万人", "enter"])
        await settle(pilot, app)
        burst(app, ["ctrl+s"])
        await settle(pilot, app)

    drive(seed, body)
    data = tomli.loads(seed.read_text(encoding="utf-8"))
    for row, note in notes.items():
        assert data["indicators"][row]["note"] == note, row
    assert data["indicators"][0]["actual"] == "三十二点六六万人"
