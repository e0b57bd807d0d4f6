"""The editor at 80×24 and up: what fits, what scrolls, the minimum size, notifications, the help's key column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jixiao.tui.app import MIN_SIZE, JixiaoApp
from jixiao.tui.components.detail_panel import DetailBox, DetailPanel
from jixiao.tui.components.help_screen import help_text, render_help
from jixiao.tui.components.indicator_table import NARROW, WIDTHS, IndicatorTable, text_widths
from jixiao.tui.textable import cell_width
from rich.console import Console

from tests import tui_pilot
from tests.tui_pilot import drive

clean_env = tui_pilot.clean_env  # the shared fixtures: autouse environment, a copy of the seed
seed = tui_pilot.seed

MUST_SHOW = ("no", "name", "weight", "score", "claimed")


def visible_columns(table: IndicatorTable) -> set[str]:
    """The columns wholly inside the table's view, as scrolled now."""
    starts, widths, fixed = table._column_starts()
    view = table.size.width - table.scrollbar_size_vertical
    shown = set()
    for i, column in enumerate(table.ordered_columns):
        x0 = starts[i] - (0 if i < table.fixed_columns else int(table.scroll_x))
        if x0 >= 0 and x0 + widths[i] <= view:
            shown.add(str(column.key.value))
    return shown


def test_text_columns_narrow_to_fit_80_columns() -> None:
    assert text_widths(120) == WIDTHS
    narrow = text_widths(80)
    assert all(NARROW[k] <= narrow[k] < WIDTHS[k] for k in NARROW)
    assert text_widths(90)["name"] == WIDTHS["name"]  # 三级指标 is widened first


def test_at_80x24_number_name_and_scores_show_without_scrolling(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        assert table.scroll_x == 0
        assert set(MUST_SHOW) <= visible_columns(table), visible_columns(table)
        headers = [str(c.label) for c in table.ordered_columns]
        assert {"序号", "三级指标", "分值", "得分", "填报"} <= set(headers)
        for column in table.ordered_columns:  # no header is wider than its column
            assert cell_width(str(column.label)) <= column.get_render_width(table) - 2

    drive(seed, body, size=(80, 24))


def test_widening_the_terminal_widens_the_columns(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        table.move_cursor(row=3, column=table.column_index("actual"))
        assert table.widths["name"] < WIDTHS["name"]
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert table.widths == WIDTHS
        assert "年度指标值" in [str(c.label) for c in table.ordered_columns]
        assert table.cursor_coordinate == (3, table.column_index("actual"))  # the cursor stays where it was
        assert len(table.rows) == 9

    drive(seed, body, size=(80, 24))


def test_moving_right_scrolls_by_whole_columns(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        table.focus()
        for _ in range(len(table.ordered_columns)):
            await pilot.press("right")
            await pilot.pause()
            assert int(table.scroll_x) in table._snap_points()
            assert table.column_key_at(table.cursor_column) in visible_columns(table)
        assert table.column_key_at(table.cursor_column) == "note"

    drive(seed, body, size=(80, 24))


def test_the_detail_scrolls_instead_of_cutting(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        table.move_cursor(row=8, column=table.column_index("name"))  # 满意度: a finding or two in the detail
        await pilot.pause()
        box = app.query_one(DetailBox)
        text = str(app.query_one(DetailPanel).render())
        assert "偏差原因" in text and "计算过程" in text  # all of it is there...
        assert box.max_scroll_y > 0  # ...more than fits: it scrolls
        box.scroll_end(animate=False)
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y

    drive(seed, body, size=(80, 24))


def test_below_the_minimum_size_the_screen_says_so(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        message = app.query_one("#too-small")
        assert not message.display
        await pilot.resize_terminal(MIN_SIZE[0] - 1, MIN_SIZE[1])
        await pilot.pause()
        assert message.display and "窗口太小" in str(message.render())
        assert not app.query_one("#tabs").display
        await pilot.resize_terminal(*MIN_SIZE)
        await pilot.pause()
        assert not message.display and app.query_one("#tabs").display
        assert app.query_one(IndicatorTable).region.height >= 3  # the header and at least two rows

    drive(seed, body, size=(80, 24))


def test_one_notification_at_a_time(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        for message in ("第一条", "第二条", "第三条"):
            app.say(message)
            await pilot.pause()
        assert [n.message for n in app._notifications] == ["第三条"]
        await pilot.press("d", "n")  # a real action: ask to remove, cancel
        await pilot.press("a")  # 已新增……
        await pilot.pause()
        assert len(app._notifications) == 1

    drive(seed, body, size=(80, 24))


def test_the_help_keys_do_not_wrap() -> None:
    console = Console(width=76, record=True, color_system=None)
    console.print(render_help(help_text()))
    lines = console.export_text().splitlines()
    keys = [row.split("|")[1].strip() for row in help_text().splitlines() if row.startswith("| ") and "---" not in row]
    for key in keys:
        assert any(key in line for line in lines), f"{key!r} is wrapped"
    assert max(cell_width(line) for line in lines) <= 76


def test_the_funds_page_fits_80_columns(seed: Path) -> None:
    from jixiao.tui.components.funds_table import FundsTable

    async def body(app: JixiaoApp, pilot: Any) -> None:
        await pilot.press("2")
        await pilot.pause()
        funds = app.query_one(FundsTable)
        width = sum(c.get_render_width(funds) for c in funds.ordered_columns)
        assert width <= funds.size.width, width
        assert str(funds.get_cell_at((1, 0))) == "其中：财政拨款"  # the short row names
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert str(funds.get_cell_at((1, 0))) == "其中：当年财政拨款"

    drive(seed, body, size=(80, 24))


def test_long_field_values_are_cut_to_the_screen(seed: Path) -> None:
    from jixiao.tui.components.fields_table import FieldsTable

    async def body(app: JixiaoApp, pilot: Any) -> None:
        await pilot.press("3")
        await pilot.pause()
        goal = app.query_one("#goal", FieldsTable)
        assert sum(c.get_render_width(goal) for c in goal.ordered_columns) <= 80
        assert str(goal.get_cell_at((0, 1))).endswith("…")

    drive(seed, body, size=(80, 24))
