"""``jixiao edit`` on a small terminal and where typing goes wrong (issue 11, items 11 and 13).

Driven with Textual's Pilot as a user would; every test works on a copy of the
seed form in ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jixiao.tui.app import JixiaoApp
from jixiao.tui.components.cell_edit_modal import CellEditModal
from jixiao.tui.components.fields_table import FieldsTable
from jixiao.tui.components.indicator_table import SHORT_LABELS, IndicatorTable
from jixiao.tui.components.labels import INDICATOR_LABELS
from jixiao.tui.components.problems_view import ProblemsView
from jixiao.tui.components.summary_bar import SummaryBar
from jixiao.tui.components.text_edit_modal import TextEditModal
from textual.widgets import Input, Static, TextArea
from textual.widgets._footer import FooterKey

from tests import tui_pilot
from tests.tui_pilot import SEED, drive

clean_env = tui_pilot.clean_env  # the shared fixtures: autouse environment, a copy of the seed
seed = tui_pilot.seed


def shown(table: IndicatorTable, y: int) -> str:
    """Line ``y`` of the table as the terminal shows it (the vertical scroll bar's cells left out)."""
    text = "".join(seg.text for seg in table.render_line(y))
    return text[: len(text) - table.scrollbar_size_vertical] if table.scrollbar_size_vertical else text


def cells(table: IndicatorTable, row: int) -> list[str]:
    return [str(getattr(c, "plain", c)).strip() for c in table.get_row_at(row)]


@pytest.mark.slow
def test_scrolling_sideways_at_80x24_shows_whole_columns_and_the_whole_cursor_cell(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        # at 80 columns the long headings are shortened (一级指标 -> 一级): either is a whole heading
        names = {key: {label, SHORT_LABELS.get(key, label)} for key, label in INDICATOR_LABELS.items()}
        labels = set().union(*names.values())
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
        assert all(seen & both for both in names.values())  # every column was shown whole at some point

    drive(seed, body, size=(80, 24))


# ---------------------------------------------------------------- typing into the wrong column


@pytest.mark.slow
def test_enter_on_the_number_moves_the_cursor_to_the_name_it_edits(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        table.move_cursor(row=2, column=table.column_index("no"))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CellEditModal)
        assert "三级指标" in app.screen.label
        assert table.column_key_at(table.cursor_column) == "name" and table.cursor_row == 2
        await pilot.press("ctrl+a", *"新名称", "enter")
        await pilot.pause()
        assert app.doc.get(("indicators", 2, "name")) == "新名称"
        assert table.column_key_at(table.cursor_column) == "name"

    drive(seed, body)


def test_a_target_typed_into_the_category_column_is_a_warning(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        table.move_cursor(row=1, column=table.column_index("category"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CellEditModal)
        await pilot.press("ctrl+a", *"95%")
        await pilot.pause()
        preview = str(app.screen.query_one("#preview", Static).render())
        assert "[警告]" in preview and "像是一个数值" in preview  # seen while typing, before Enter
        await pilot.press("enter")
        await pilot.pause()
        assert app.result is not None
        found = [f for f in app.result.findings if f.code == "category-looks-like-value"]
        assert [(f.severity, f.loc) for f in found] == [("warning", ("indicators", 1, "category"))]
        assert "警告2" in str(app.query_one(SummaryBar).render())  # the seed has 1 warning of its own
        assert str(table.get_cell_at((1, 0)).plain).strip().startswith("▲")  # the row is marked
        assert any("像是一个数值" in n.message and n.severity == "warning" for n in app._notifications)

    drive(seed, body)


@pytest.mark.slow
def test_ctrl_a_selects_all_in_the_editors(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        table.move_cursor(row=0, column=table.column_index("target"))
        await pilot.press("enter")
        await pilot.pause()
        box = app.screen.query_one(Input)
        assert box.value == "31.88万人"
        await pilot.press("ctrl+a")
        assert box.selected_text == "31.88万人"
        await pilot.press(*"30万人", "enter")  # typing replaces the selection
        await pilot.pause()
        assert app.doc.get(("indicators", 0, "target")) == "30万人"
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, TextEditModal)
        area = app.screen.query_one(TextArea)
        area.text = "第一行\n第二行"
        await pilot.press("ctrl+a")
        assert area.selected_text == "第一行\n第二行"
        await pilot.press(*"重写", "ctrl+s")
        await pilot.pause()
        assert app.doc.get(("indicators", 0, "note")) == "重写"

    drive(seed, body)


@pytest.mark.parametrize(
    "loc, placeholder, words",
    [
        (("signoff", "date"), "2022-08-01", ["2022-08-01", "年-月-日"]),
        (("claimed", "grade"), "优/良/中/差", ["优（90分及以上）", "良（80分及以上）", "中（60分及以上）", "差（60分以下）"]),
    ],
)
@pytest.mark.slow
def test_the_date_and_grade_editors_say_what_they_accept(seed: Path, loc: tuple, placeholder: str, words: list[str]) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        await pilot.press("4")
        await pilot.pause()
        info = app.query_one("#info", FieldsTable)
        row = info.row_of(loc)
        assert row is not None
        info.move_cursor(row=row)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CellEditModal)
        assert app.screen.query_one(Input).placeholder == placeholder
        hint = " ".join(str(w.render()) for w in app.screen.query(".dialog-hint"))
        for word in words:
            assert word in hint

    drive(seed, body)


def test_the_broken_file_footer_shows_ctrl_r_and_not_ctrl_s(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('format = 1\nkind = "department"\nyear = 2021\n[unit]\nname = 株洲\n', encoding="utf-8")

    def footer(app: JixiaoApp) -> dict[str, str]:
        return {k.key: k.description for k in app.query(FooterKey) if not k.disabled}

    async def body(app: JixiaoApp, pilot: Any) -> None:
        assert app.query(ProblemsView)
        keys = footer(app)
        assert "ctrl+s" not in keys  # saving cannot work here
        assert keys.get("ctrl+r") == "重新载入"  # what the message asks for
        assert "Ctrl+R" in str(app.query_one(ProblemsView).render())
        path.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")  # fixed in a text editor
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.pause()
        assert app.doc.editable and app.query(IndicatorTable)
        keys = footer(app)
        assert keys.get("ctrl+s") == "保存" and "ctrl+r" not in keys  # back to the editor's footer

    drive(path, body, size=(100, 24))


def test_moving_a_row_up_and_back_down_in_the_editor_saves_the_same_bytes(seed: Path) -> None:
    original = seed.read_bytes()

    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        for row in (3, 8):
            table.move_cursor(row=row, column=table.column_index("name"))
            await pilot.press("K")
            await pilot.pause()
            assert table.cursor_row == row - 1
            assert app.doc.get(("indicators", row - 1, "name")) == SEED_NAMES[row]
            await pilot.press("J")
            await pilot.pause()
        assert app.doc.dirty
        await pilot.press("ctrl+s")
        await pilot.pause()

    drive(seed, body)
    assert seed.read_bytes() == original


SEED_NAMES = [block.split('name = "', 1)[1].split('"', 1)[0] for block in SEED.read_text(encoding="utf-8").split("[[indicators]]")[1:]]
