"""``jixiao edit`` driven with Textual's Pilot, as a user would: keys, dialogs, files.

Every test works on a copy of the seed form in ``tmp_path``; nothing depends on
the developer's own environment (see ``clean_env``).
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import types
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import tomli
from jixiao.indicators.document import FormDocument
from jixiao.tui.app import ACTIONS, JixiaoApp
from jixiao.tui.components.choice_modal import ChoiceModal
from jixiao.tui.components.fields_table import FieldsTable
from jixiao.tui.components.findings_panel import FindingsPanel
from jixiao.tui.components.funds_table import FundsTable
from jixiao.tui.components.help_screen import HelpScreen
from jixiao.tui.components.indicator_table import IndicatorTable
from jixiao.tui.components.problems_view import ProblemsView
from jixiao.tui.components.summary_bar import SummaryBar
from jixiao.tui.components.text_edit_modal import TextEditModal
from jixiao.tui.components.tier_modal import TierModal
from textual.widgets import Input, OptionList, TextArea

from tests import tui_pilot
from tests.tui_pilot import SEED, drive

clean_env = tui_pilot.clean_env  # the shared fixtures: autouse environment, a copy of the seed
seed = tui_pilot.seed

SATISFACTION = 8  # index of 参保人满意度 in the seed form


async def edit_indicator(app: JixiaoApp, pilot: Any, row: int, key: str, keys: str) -> None:
    """Put the cursor on a cell, press Enter, clear the box, type ``keys`` and press Enter."""
    table = app.query_one(IndicatorTable)
    table.focus()
    table.move_cursor(row=row, column=table.column_index(key))
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, (type(app.screen),))
    box = app.screen.query_one(Input)
    box.value = ""
    await pilot.press(*keys, "enter")
    await pilot.pause()


def codes(app: JixiaoApp, index: int | None = None) -> list[str]:
    assert app.result is not None
    if index is None:
        return [f.code for f in app.result.findings]
    return [f.code for f in app.result.indicators[index].findings]


def summary_text(app: JixiaoApp) -> str:
    return str(app.query_one(SummaryBar).render())


# ------------------------------------------------------------------ scoring on every edit


def test_opening_the_seed_shows_its_total_grade_and_findings(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        assert "总分 100.00" in summary_text(app)
        assert "等级 优" in summary_text(app)
        assert "填报 99.50/优" in summary_text(app)
        panel = app.query_one(FindingsPanel)
        assert panel.option_count == 6
        assert "错误 1" in str(panel.border_title)
        table = app.query_one(IndicatorTable)
        assert table.row_count == 9
        # grouped like the printed form: the category only on the first row of its group
        assert "产出指标(50)" in str(table.get_cell_at((0, table.column_index("category"))))
        assert str(table.get_cell_at((1, table.column_index("category")))) == ""

    drive(seed, body)


def test_changing_an_actual_value_rescores_the_row_total_and_grade(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        await edit_indicator(app, pilot, 2, "actual", "10%")
        assert app.result is not None
        row = app.result.indicators[2]
        assert row.actual == "10%"
        assert row.score == Decimal("1.25")  # 12.5 × 10 / 100
        assert app.result.total == Decimal("88.75")
        assert app.result.grade == "良"
        assert "总分 88.75" in summary_text(app) and "等级 良" in summary_text(app)
        table = app.query_one(IndicatorTable)
        assert str(table.get_cell_at((2, table.column_index("score")))) == "1.25"
        # the unit claimed 12.50: a new score-mismatch for that row appears at once
        assert "score-mismatch" in codes(app, 2)
        assert app.doc.dirty

    drive(seed, body)


def test_fixing_the_satisfaction_claim_removes_the_score_mismatch(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        assert "score-mismatch" in codes(app, SATISFACTION)
        assert "missing-deviation-note" in codes(app, SATISFACTION)
        await edit_indicator(app, pilot, SATISFACTION, "claimed", "10")
        assert "score-mismatch" not in codes(app)
        assert "missing-deviation-note" not in codes(app)
        # the printed total 99.50 is now not the sum of the claimed scores (100): the engine says so
        assert sorted(set(codes(app))) == ["operator-assumed", "total-mismatch"]
        assert app.query_one(FindingsPanel).option_count == 5

    drive(seed, body)


@pytest.mark.slow
def test_a_bad_number_is_refused_and_the_editor_reopens_with_the_text(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        await edit_indicator(app, pilot, 0, "weight", "abc")
        assert app.doc.get(("indicators", 0, "weight")) == Decimal("12.5")
        assert not app.doc.dirty
        assert app.screen.query_one(Input).value == "abc"
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query(Input)

    drive(seed, body)


def test_score_cells_cannot_be_edited(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        table.move_cursor(row=0, column=table.column_index("score"))
        await pilot.press("e")
        await pilot.pause()
        assert not app.screen.query(Input)
        assert any("复算得分由引擎" in str(n.message) for n in app._notifications)

    drive(seed, body)


# ------------------------------------------------------------------ notes, tiers, indicators


@pytest.mark.slow
def test_note_editor_is_multi_line_and_clears_the_missing_note_finding(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        table.move_cursor(row=SATISFACTION, column=table.column_index("name"))
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, TextEditModal)
        area = app.screen.query_one(TextArea)
        await pilot.press(*"abc", "enter", *"def")
        assert area.text == "abc\ndef"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.doc.get(("indicators", SATISFACTION, "note")) == "abc\ndef"
        assert "missing-deviation-note" not in codes(app)

    drive(seed, body)


def test_picking_a_tier_from_the_list_rescores_a_qualitative_row(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        table.move_cursor(row=4, column=table.column_index("name"))
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TierModal)
        await pilot.press("down", "enter")  # 部分达成
        await pilot.pause()
        assert app.doc.get(("indicators", 4, "tier")) == "部分达成"
        assert app.result is not None
        row = app.result.indicators[4]
        assert row.tier == "partial"
        # 7.5 claimed is above the 部分达成 band [4.5, 6): the engine says so
        assert "qualitative-out-of-tier" in codes(app, 4)
        # and the editor for the claimed score opens at once, with the band in the preview
        assert app.screen.query_one(Input).value == "7.5"
        assert "[4.50, 6.00)" in str(app.screen.query_one("#preview").render())
        app.screen.query_one(Input).value = ""
        await pilot.press("5", "enter")
        await pilot.pause()
        assert codes(app, 4) == ["missing-deviation-note"]
        assert app.result.indicators[4].score == Decimal("5.00")  # type: ignore[union-attr]
        # t on a quantitative row does not open the list
        table.move_cursor(row=0)
        await pilot.press("t")
        await pilot.pause()
        assert not isinstance(app.screen, TierModal)

    drive(seed, body)


@pytest.mark.slow
def test_add_move_and_remove_an_indicator(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        table.move_cursor(row=1)
        await pilot.press("a")
        await pilot.pause()
        assert app.doc.indicator_count == 10
        assert table.row_count == 10
        assert table.cursor_row == 2
        assert app.doc.get(("indicators", 2, "name")) == "新指标"
        assert app.doc.get(("indicators", 2, "category")) == "产出指标"
        assert "weights-sum" not in codes(app)  # weight 0 keeps the sums
        assert "missing-value" in codes(app, 2)
        await pilot.press("K")  # move it up
        await pilot.pause()
        assert app.doc.get(("indicators", 1, "name")) == "新指标"
        assert table.cursor_row == 1
        await pilot.press("J")
        await pilot.pause()
        assert app.doc.get(("indicators", 2, "name")) == "新指标"
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("n")  # no: nothing removed
        await pilot.pause()
        assert app.doc.indicator_count == 10
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.doc.indicator_count == 9
        assert table.row_count == 9
        assert "新指标" not in [r.name for r in app.result.indicators]  # type: ignore[union-attr]

    drive(seed, body)


@pytest.mark.slow
def test_selecting_a_finding_jumps_to_its_field(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        await pilot.press("f")
        await pilot.pause()
        panel = app.query_one(FindingsPanel)
        assert app.focused is panel
        index = codes(app).index("score-mismatch")
        panel.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        table = app.query_one(IndicatorTable)
        assert app.focused is table
        assert table.cursor_coordinate == (SATISFACTION, table.column_index("claimed"))
        # and a funds finding opens the funds page on the right cell
        app.jump_to(("funds", "total", "executed"))
        await pilot.pause()
        funds = app.query_one(FundsTable)
        assert app.focused is funds
        assert funds.cursor_coordinate == (0, funds.column_index("executed"))
        app.jump_to(("claimed", "grade"))
        await pilot.pause()
        info = app.query_one("#info", FieldsTable)
        assert app.focused is info and info.locs[info.cursor_row] == ("claimed", "grade")

    drive(seed, body)


@pytest.mark.slow
def test_switching_pages_moves_the_keyboard_focus(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        await pilot.press("4")
        await pilot.pause()
        assert app.focused is app.query_one("#info", FieldsTable)
        await pilot.press("1")
        await pilot.pause()
        table = app.query_one(IndicatorTable)
        assert app.focused is table
        await pilot.press("down", "down")
        assert table.cursor_row == 2

    drive(seed, body)


@pytest.mark.slow
def test_funds_edit_rescores_the_rate(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        await pilot.press("2")
        await pilot.pause()
        funds = app.query_one(FundsTable)
        funds.focus()
        # executed in both the total row and the appropriation row, or the rows disagree
        for row in (0, 1):
            funds.move_cursor(row=row, column=funds.column_index("executed"))
            await pilot.press("enter")
            await pilot.pause()
            app.screen.query_one(Input).value = ""
            await pilot.press(*"1248.777", "enter")
            await pilot.pause()
        assert app.result is not None
        assert app.result.funds.score == Decimal("9.00")  # 10 × 1248.777 / 1387.53 = 8.99999…
        assert "funds-total-mismatch" not in codes(app)
        assert "score-mismatch" in [f.code for f in app.result.findings if f.loc[:1] == ("funds",)]

    drive(seed, body)


# ------------------------------------------------------------------ saving


def test_save_writes_back_with_comments_and_keeps_a_backup(seed: Path) -> None:
    original = seed.read_text(encoding="utf-8")

    async def body(app: JixiaoApp, pilot: Any) -> None:
        await edit_indicator(app, pilot, SATISFACTION, "claimed", "10")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not app.doc.dirty

    drive(seed, body)
    saved = seed.read_text(encoding="utf-8")
    assert (seed.parent / (seed.name + "~")).read_text(encoding="utf-8") == original
    # only the edited line changed; comments and order are intact
    changed = [(a, b) for a, b in zip(original.splitlines(), saved.splitlines()) if a != b]
    assert changed == [("claimed = 9.5", "claimed = 10")]
    assert len(saved.splitlines()) == len(original.splitlines())
    assert "# 株洲市社会保险服务中心 2021 年度部门整体支出绩效自评表" in saved
    assert "[funds]                 # 万元" in saved
    # reloading gives the same form, and the engine agrees
    reopened = FormDocument.open(seed)
    assert reopened.editable
    assert reopened.data == tomli.loads(saved, parse_float=Decimal)
    assert reopened.get(("indicators", SATISFACTION, "claimed")) == 10


@pytest.mark.slow
def test_save_refuses_to_overwrite_a_file_changed_on_disk(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        await edit_indicator(app, pilot, SATISFACTION, "claimed", "10")
        other = seed.read_text(encoding="utf-8").replace('name = "株洲市社会保险服务中心"', 'name = "别人改的"')
        seed.write_text(other, encoding="utf-8")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("c")  # cancel: nothing written, still dirty
        await pilot.pause()
        assert seed.read_text(encoding="utf-8") == other
        assert app.doc.dirty
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("o")  # overwrite
        await pilot.pause()
        assert "别人改的" not in seed.read_text(encoding="utf-8")
        assert "claimed = 10\n" in seed.read_text(encoding="utf-8")
        assert (seed.parent / (seed.name + "~")).read_text(encoding="utf-8") == other
        assert not app.doc.dirty

    drive(seed, body)


@pytest.mark.slow
def test_changed_on_disk_reload_takes_the_new_content(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        await edit_indicator(app, pilot, SATISFACTION, "claimed", "10")
        other = seed.read_text(encoding="utf-8").replace('name = "株洲市社会保险服务中心"', 'name = "别人改的"')
        seed.write_text(other, encoding="utf-8")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        await pilot.pause()
        assert seed.read_text(encoding="utf-8") == other
        assert app.doc.get(("unit", "name")) == "别人改的"
        assert app.doc.get(("indicators", SATISFACTION, "claimed")) == Decimal("9.5")
        assert not app.doc.dirty
        assert app.query_one(IndicatorTable).row_count == 9

    drive(seed, body)


def test_touching_a_file_without_changing_it_is_not_a_conflict(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        await edit_indicator(app, pilot, SATISFACTION, "claimed", "10")
        seed.write_bytes(seed.read_bytes())  # new mtime, same bytes
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ChoiceModal)
        assert not app.doc.dirty

    drive(seed, body)


# ------------------------------------------------------------------ quitting


@pytest.mark.slow
def test_quit_with_unsaved_changes_asks_first(seed: Path) -> None:
    original = seed.read_text(encoding="utf-8")

    async def body(app: JixiaoApp, pilot: Any) -> None:
        await edit_indicator(app, pilot, SATISFACTION, "claimed", "10")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("c")
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, ChoiceModal)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("d")  # quit without saving
        await pilot.pause()

    app = drive(seed, body)
    assert app.return_value == 0
    assert seed.read_text(encoding="utf-8") == original


def test_quit_and_save(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        await edit_indicator(app, pilot, SATISFACTION, "claimed", "10")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("s")
        await pilot.pause()

    drive(seed, body)
    assert "claimed = 10\n" in seed.read_text(encoding="utf-8")


def test_quit_without_changes_does_not_ask(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running

    drive(seed, body)


# ------------------------------------------------------------------ files that do not load


@pytest.mark.parametrize(
    "text, expected",
    [
        ('format = 1\nkind = "department"\nyear = 2021\n[unit]\nname = 株洲\n', "broken.toml:5: TOML 语法错误"),
        ('format = 1\nkind = "department"\nyear = 2021\n[unit]\nname = "x"\n[[indicators]]\ncategory = "产出指标"\nname = "a"\nweight = "abc"\n', "应为数字"),
        ('format = 1\nkind = "department"\nyear = 2021\nrules = "no-such-rules"\n[unit]\nname = "x"\n', "no-such-rules"),
    ],
    ids=["toml-syntax", "schema", "unknown-rules"],
)
def test_a_broken_file_lists_its_problems_and_is_never_overwritten(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")

    async def body(app: JixiaoApp, pilot: Any) -> None:
        view = app.query_one(ProblemsView)
        shown = str(view.render())
        assert "无法读取表单" in shown
        assert expected in shown
        assert not app.query(IndicatorTable)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("不会保存" in str(n.message) for n in app._notifications)
        await pilot.press("a", "e", "d")  # editing keys do nothing
        await pilot.pause()
        await pilot.press("q")  # nothing to lose: quits at once
        await pilot.pause()
        assert not app.is_running

    app = drive(path, body)
    assert app.return_value == 2
    assert path.read_text(encoding="utf-8") == text
    assert not (tmp_path / "broken.toml~").exists()


def test_a_fixed_file_can_be_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(SEED.read_text(encoding="utf-8").replace('name = "株洲市社会保险服务中心"', "name = 株洲"), encoding="utf-8")

    async def body(app: JixiaoApp, pilot: Any) -> None:
        assert app.query(ProblemsView)
        shutil.copy(SEED, path)
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.pause()
        assert app.doc.editable
        assert app.query_one(IndicatorTable).row_count == 9
        assert "总分 100.00" in summary_text(app)

    drive(path, body)


# ------------------------------------------------------------------ new forms, help, palette, print


def test_a_new_form_from_the_template_is_written_only_on_save(tmp_path: Path) -> None:
    path = tmp_path / "new.toml"
    app = JixiaoApp(FormDocument.new(path, "project"), cursor_blink=False)

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert not path.exists()
            assert "新建，未保存" in str(app.query_one("#header").render())
            info = app.query_one("#info", FieldsTable)
            assert ("unit", "project") in info.locs and ("signoff", "finance_head") in info.locs
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert path.exists()
            assert not app.doc.dirty

    asyncio.run(main())
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 项目支出绩效自评表（格式 1）")
    assert FormDocument.open(path).editable


@pytest.mark.slow
def test_help_screen_lists_every_key(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        from jixiao.tui.components.help_screen import help_text

        text = help_text()
        for action in ACTIONS:
            assert action.title in text or action.name == "command_palette", action.title
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)

    drive(seed, body)


@pytest.mark.slow
def test_command_palette_lists_the_actions(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for action in ACTIONS:
            if action.name != "command_palette":
                assert any(t.startswith(action.title) for t in titles), action.title
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "CommandPalette"
        listed = app.screen.query_one("CommandList", OptionList)
        shown = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        for action in ACTIONS:
            if action.name != "command_palette":
                assert any(action.title in line for line in shown), (action.title, shown)
        # run one from the list: 新增指标
        listed.highlighted = next(i for i, line in enumerate(shown) if line.startswith("新增指标"))
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert type(app.screen).__name__ != "CommandPalette"
        assert app.doc.indicator_count == 10

    drive(seed, body)


def test_every_action_has_a_key_in_the_bindings() -> None:
    keys = {b.action: b.key for b in JixiaoApp.BINDINGS}  # type: ignore[union-attr]
    for action in ACTIONS:
        assert keys.get(action.name), action.name


def test_print_writes_the_real_pdf(seed: Path) -> None:
    from pypdf import PdfReader

    async def body(app: JixiaoApp, pilot: Any) -> None:
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        out = seed.with_suffix(".pdf")
        assert out.exists()
        text = "".join(page.extract_text() for page in PdfReader(out).pages)
        assert "株洲市社会保险服务中心" in text and "参保人满意度" in text
        assert any(str(n.message) == f"已导出 {out}" for n in app._notifications)

    drive(seed, body)


def test_print_calls_render_form_with_the_current_result(seed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []

    def render_form(result: Any, out: Path, *, font: Any = None, show_claimed: bool = False, findings: bool = True) -> list[str]:
        calls.append((result, out, font, show_claimed, findings))
        return ["未找到可嵌入的中文字体"]

    fake = types.ModuleType("jixiao.reports.form_pdf")
    fake.render_form = render_form  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "jixiao.reports.form_pdf", fake)

    async def body(app: JixiaoApp, pilot: Any) -> None:
        await pilot.press("p")
        await pilot.pause()
        assert app.screen.query_one(Input).value == str(seed.with_suffix(".pdf"))
        await pilot.press("enter")
        await pilot.pause()
        assert len(calls) == 1
        assert calls[0][0] is app.result and calls[0][1] == seed.with_suffix(".pdf")
        messages = [str(n.message) for n in app._notifications]
        assert len(messages) == 1  # one notification at a time: the warning is in it
        assert "未找到可嵌入的中文字体" in messages[0].splitlines()

    drive(seed, body)


def test_small_terminal_keeps_total_and_grade_visible(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        summary = app.query_one(SummaryBar)
        assert summary.region.height == 1 and summary.region.y < 24 - 1
        assert "总分 100.00" in summary_text(app)
        assert app.query_one(IndicatorTable).region.height >= 5

    drive(seed, body, size=(80, 24))


def test_goal_editor_keeps_long_text(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        await pilot.press("3")
        await pilot.pause()
        goal = app.query_one("#goal", FieldsTable)
        goal.focus()
        goal.move_cursor(row=1)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TextEditModal)
        area = app.screen.query_one(TextArea)
        area.text = "全部完成\n其中：养老金按时足额发放"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.doc.get(("goal", "achieved")) == "全部完成\n其中：养老金按时足额发放"

    drive(seed, body)


def test_tier_modal_lists_the_three_tiers() -> None:
    from jixiao.tui.components.tier_modal import TIER_CHOICES

    assert [v for v, _ in TIER_CHOICES] == ["达成", "部分达成", "未达成", ""]
    assert isinstance(TierModal("x", "达成"), TierModal)
    assert OptionList  # imported for the modal's list


@pytest.mark.slow
def test_markup_in_user_text_is_shown_as_typed(seed: Path) -> None:
    nasty = "[/] [bold]粗[/bold] [link=file:///etc/passwd]链接"
    text = seed.read_text(encoding="utf-8").replace('name = "参保人满意度"', f'name = "{nasty}"')
    seed.write_text(text.replace('name = "株洲市社会保险服务中心"', 'name = "[/red]单位"'), encoding="utf-8")

    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        shown = table.get_cell_at((SATISFACTION, table.column_index("name")))
        assert str(shown).startswith("[/] [bold]")
        assert "[/red]单位" in str(app.query_one("#header").render())
        table.move_cursor(row=SATISFACTION, column=table.column_index("claimed"))
        await pilot.press("enter")  # the dialog title carries the name
        await pilot.pause()
        app.screen.query_one(Input).value = "[/]"
        await pilot.press("enter")  # refused: the message quotes the text
        await pilot.pause()
        assert any("[/]" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        await pilot.press("d")  # the confirmation quotes the name
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("n")
        await pilot.press("f", "enter")
        await pilot.pause()

    drive(seed, body)


@pytest.mark.slow
def test_the_mouse_works_too(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        # a click on the 资金 tab shows that page
        await pilot.click("#--content-tab-tab-funds")
        await pilot.pause()
        assert app.active_tab() == "funds"
        await pilot.click("#--content-tab-tab-indicators")
        await pilot.pause()
        table = app.query_one(IndicatorTable)
        # click a cell to put the cursor on it, click it again to edit it
        region = table.region
        await pilot.click(IndicatorTable, offset=(8, 3))  # header row is y=0: data row 3 is the third indicator
        await pilot.pause()
        assert table.cursor_row == 2
        await pilot.click(IndicatorTable, offset=(8, 3))
        await pilot.pause()
        assert app.screen.query(Input), "a second click edits the cell"
        await pilot.press("escape")
        await pilot.pause()
        # a click on a finding jumps to its field (a finding wider than the panel would wrap onto two lines)
        panel = app.query_one(FindingsPanel)
        await pilot.click(FindingsPanel, offset=(5, 1 + codes(app).index("score-mismatch")))
        await pilot.pause()
        assert panel.highlighted == codes(app).index("score-mismatch")
        assert region.height > 3
        assert app.focused is table
        assert table.cursor_coordinate == (SATISFACTION, table.column_index("claimed"))

    drive(seed, body, size=(200, 40))  # wide enough that each finding is one line (the click counts lines)


def test_the_editor_rescores_while_typing(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        table.move_cursor(row=2, column=table.column_index("actual"))
        await pilot.press("enter")
        await pilot.pause()
        preview = app.screen.query_one("#preview")
        assert "本行得分 12.50" in str(preview.render()) and "总分 100.00" in str(preview.render())
        app.screen.query_one(Input).value = ""
        await pilot.press("1", "0", "%")
        await pilot.pause()
        shown = str(preview.render())
        assert "本行得分 1.25" in shown and "总分 88.75" in shown and "等级 良" in shown
        assert "填报得分 12.50，按规则应为 1.25" in shown
        # nothing is changed until Enter
        assert app.doc.get(("indicators", 2, "actual")) == "100%" and not app.doc.dirty
        assert app.result is not None and app.result.total == Decimal("100.00")
        await pilot.press("escape")
        await pilot.pause()
        assert app.doc.get(("indicators", 2, "actual")) == "100%"
        # a weight that is not a number says so while typing
        table.move_cursor(row=2, column=table.column_index("weight"))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert "不是数字" in str(app.screen.query_one("#preview").render())

    drive(seed, body)


@pytest.mark.slow
def test_changing_the_rule_set_rescores_and_a_wrong_one_is_refused(seed: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        assert not app.apply_text(("rules",), "no-such-rules")
        await pilot.pause()
        assert app.doc.get(("rules",)) == "central-2020" and not app.doc.dirty
        assert any("规则集无法读取" in str(n.title) for n in app._notifications)
        assert app.apply_text(("rules",), "no-grade")
        assert app.result is not None and app.result.rules.id == "no-grade"
        assert app.result.grade == ""
        assert "等级 不评等级" in summary_text(app)
        assert "no-grade" in str(app.query_one("#header").render())

    drive(seed, body)
