"""``jixiao edit``: fill in a 绩效自评表 in the terminal.

The app holds a :class:`~indicators.document.FormDocument` (the file, its
edits, saving) and the engine's latest :class:`~scoring.engine.Result`.
Every edit goes to the document, then the whole form is re-scored with
``score_form`` and every widget is shown the new result: no number on the
screen is computed here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.indicators.document import ChangedOnDisk, EditError, FormDocument, SaveRefused, field_kind
from jixiao.indicators.loader import FormError
from jixiao.scoring.engine import Result, fmt, score_form
from jixiao.scoring.methods import TIERS, tier_range
from jixiao.scoring.rules import RuleSet, load_rules
from jixiao.scoring.vocabulary import NO_GRADE, percent
from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, TabbedContent, TabPane

from .adopt import ADOPT_BINDINGS, AdoptActions
from .components.cell_edit_modal import CellEditModal
from .components.choice_modal import ChoiceModal
from .components.detail_panel import DetailPanel
from .components.fields_table import FieldsTable
from .components.findings_panel import FindingsPanel
from .components.form_header import FormHeader
from .components.funds_table import FundsTable
from .components.indicator_table import IndicatorTable
from .components.labels import (
    FIELD_LABELS,
    FUNDS_LABELS,
    FUNDS_ROW_LABELS,
    INDICATOR_LABELS,
    SEVERITY_ZH,
    loc_label,
)
from .components.problems_view import ProblemsView
from .components.summary_bar import SummaryBar
from .components.text_edit_modal import TextEditModal
from .components.tier_modal import TierModal
from .terminal import visible

Loc = tuple[Any, ...]

LONG_TEXT_KEYS = {"note", "expected", "achieved"}
METHOD_ZH = {
    "higher": "正向（≥）",
    "lower": "反向（≤）",
    "equal": "等于（=）",
    "qualitative": "定性",
    "deadline": "时效（期限）",
    "manual": "人工评分",
    "step_deduct": "超标扣分",
    "bands": "分档计分",
    "checklist": "逐项计分",
    "criteria": "按评价标准",
    "not_applicable": "不适用",
}
# the column of the indicator table that shows a form key
INDICATOR_COLUMN_FOR = {"params": "name", "method": "name"}
TABS = {"indicators": "tab-indicators", "funds": "tab-funds", "goal": "tab-goal", "info": "tab-info"}
EDIT_ACTIONS = {
    "edit",
    "add_indicator",
    "remove_indicator",
    "move_up",
    "move_down",
    "edit_note",
    "pick_tier",
    "print",
    "focus_findings",
}


@dataclass(frozen=True)
class Action:
    name: str  # the action, e.g. "save"
    key: str  # the keys, as Textual names them
    title: str  # Chinese, shown in the footer and the command palette
    help: str  # Chinese, shown in the command palette
    show: bool = True
    short: str = ""  # the footer's label when the title is too long for 80 columns


ACTIONS = [
    Action("edit", "e", "编辑", "编辑光标所在的单元格（也可按回车或单击）"),
    Action("save", "ctrl+s", "保存", "保存到原文件（原文件备份为 文件名~）"),
    Action("add_indicator", "a", "新增指标", "在当前指标下方新增一个指标", short="新增"),
    Action("remove_indicator", "d", "删除指标", "删除当前指标（会先确认）", short="删除"),
    Action("move_up", "K,shift+up", "上移", "把当前指标上移一行", show=False),
    Action("move_down", "J,shift+down", "下移", "把当前指标下移一行", show=False),
    Action("edit_note", "n", "偏差原因", "在多行编辑器中填写偏差原因分析及改进措施", short="原因"),
    Action("pick_tier", "t", "档次", "为定性指标选择档次：达成 / 部分达成 / 未达成"),
    Action("focus_findings", "f", "发现项", "转到发现项列表；回车跳到对应的栏目", short="发现"),
    Action("print", "p", "打印", "把本表导出为 PDF"),
    Action("reload", "ctrl+r", "重新载入", "放弃修改，从磁盘重新读取文件", show=False),
    Action("command_palette", "ctrl+p", "命令", "命令面板：列出全部操作", show=False),
    Action("help", "question_mark,f1", "帮助", "按键说明"),
    Action("quit", "q", "退出", "退出（有未保存的修改时会先询问）"),
]


class JixiaoApp(AdoptActions, App[int]):
    """The form editor."""

    CSS_PATH = "app.tcss"
    TITLE = "jixiao 绩效自评表"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        # first, so that it wins for Ctrl+R where it is enabled: the broken-file screen, whose
        # message asks for Ctrl+R, shows it in the footer; elsewhere the hidden "reload" has the key
        Binding("ctrl+r", "reload_shown", "重新载入"),
    ]
    BINDINGS += [Binding(a.key, a.name, a.short or a.title, show=a.show) for a in ACTIONS] + [
        Binding("1", "show_tab('indicators')", "指标", show=False),
        Binding("2", "show_tab('funds')", "资金", show=False),
        Binding("3", "show_tab('goal')", "总体目标", show=False),
        Binding("4", "show_tab('info')", "基本信息", show=False),
        Binding("ctrl+q", "quit", "退出", show=False, priority=True),
        # on the broken-file screen Ctrl+S is not in the footer, but still says why it does not save
        Binding("ctrl+s", "save_refused", "保存", show=False),
    ]
    BINDINGS += ADOPT_BINDINGS  # A: adopt the computed scores, Ctrl+Z: undo it (tui/adopt.py)

    def __init__(self, document: FormDocument, *, cursor_blink: bool = True):
        super().__init__()
        self.doc = document
        self.cursor_blink = cursor_blink
        self.result: Result | None = None
        self._rules: dict[str, RuleSet] = {}
        from .targets_view import load_approved  # the approved 绩效目标表 the form came from, if any

        self.approved, self.approved_notice = load_approved(self.doc)
        self._prepare()

    # ---------------------------------------------------------------- scoring

    def _rules_for(self, ref: str) -> RuleSet:
        if ref not in self._rules:
            self._rules[ref] = load_rules(ref, self.doc.path.parent)
        return self._rules[ref]

    def _prepare(self) -> None:
        """Score a freshly loaded document; a rule set that does not load is a load problem."""
        self.result = None
        if not self.doc.editable:
            return
        try:
            self.rescore()
        except FormError as exc:
            self.doc.problems = list(exc.problems)

    def rescore(self) -> Result:
        form = self.doc.form
        assert form is not None
        self.result = score_form(form, self._rules_for(form.rules), file=str(self.doc.path))
        if self.approved is not None:  # differences from the approved 绩效目标表 are findings too
            from jixiao.scoring.targets import compare

            self.result.findings += compare(form, self.approved.targets)
        return self.result

    def category_weight(self, category: str) -> Decimal | None:
        assert self.result is not None
        return self.result.category_weights.get(self.result.rules.canonical_category(category))

    # ---------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        yield FormHeader(id="header")
        if self.doc.editable:
            with TabbedContent(initial=TABS["indicators"], id="tabs"):
                with TabPane("指标", id=TABS["indicators"]):
                    yield IndicatorTable(id="indicators")
                with TabPane("资金", id=TABS["funds"]):
                    yield FundsTable(id="funds")
                    yield FieldsTable(id="funds-note", value_width=70, show_header=False)
                with TabPane("总体目标", id=TABS["goal"]):
                    yield FieldsTable(id="goal", value_width=80)
                with TabPane("基本信息", id=TABS["info"]):
                    yield FieldsTable(id="info", value_width=50)
            yield DetailPanel(id="detail")
            yield FindingsPanel(id="findings")
            yield SummaryBar(id="summary")
        else:
            yield ProblemsView(id="problems")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.set_class(self.size.height < 30, "-short")
        self.refresh_views()
        if self.approved_notice:
            self.say(self.approved_notice, severity="warning")
        if self.doc.editable:
            self.query_one(IndicatorTable).focus()

    def on_resize(self, event: Any) -> None:
        self.set_class(event.size.height < 30, "-short")

    @property
    def file_name(self) -> str:
        return self.doc.path.name

    def refresh_views(self) -> None:
        """Show the current result in every widget."""
        header = self.query_one(FormHeader)
        if not self.doc.editable or self.result is None:
            header.show_plain(f"jixiao 绩效自评表 · 文件：{self.file_name} · 未能读取")
            self.query_one(ProblemsView).show(self.doc.problems)
            self.sub_title = "未能读取"
            return
        result = self.result
        header.show(result, self.file_name, self.doc.dirty, self.doc.is_new)
        self.query_one(IndicatorTable).show(result, fmt, self.category_weight)
        total = result.form.funds.total
        given = {col: getattr(total, col) if total is not None else None for col in ("initial", "annual", "executed")}
        self.query_one(FundsTable).show(result, fmt, given)
        self.query_one("#funds-note", FieldsTable).show(self._funds_note_rows())
        self.query_one("#goal", FieldsTable).show(self._goal_rows())
        self.query_one("#info", FieldsTable).show(self._info_rows())
        self.query_one(FindingsPanel).show(result)
        self.query_one(SummaryBar).show(result, fmt)
        self.update_detail()

    def _field_row(self, loc: Loc, label: str | None = None, remark: Text | str = "") -> tuple[Loc, str, str, Text | str]:
        return (loc, label or FIELD_LABELS.get(loc, loc_label(loc)), self.doc.get_text(loc), remark)

    def _funds_note_rows(self) -> list[tuple[Loc, str, str, Text | str]]:
        return [self._field_row(("funds", "note"))]

    def _goal_rows(self) -> list[tuple[Loc, str, str, Text | str]]:
        return [self._field_row(("goal", "expected")), self._field_row(("goal", "achieved"))]

    def _info_rows(self) -> list[tuple[Loc, str, str, Text | str]]:
        result = self.result
        assert result is not None
        form = result.form
        project = form.kind == "project"
        rows = [self._field_row(("unit", "name"), "实施单位名称" if project else "单位名称")]
        if project:
            rows += [self._field_row(("unit", k)) for k in ("project", "supervisor", "implementer")]
        rows += [
            self._field_row(("year",)),
            self._field_row(("rules",), remark=result.rules.name),
        ]
        for cat in form.categories:
            rows.append(self._field_row(("categories", cat), f"一级指标分值：{cat}"))
        rows += [
            self._field_row(("claimed", "total"), remark=f"复算 {fmt(result.total)}"),
            self._field_row(("claimed", "grade"), remark=f"复算 {result.grade or NO_GRADE}"),
            self._field_row(("signoff", "filled_by")),
            self._field_row(("signoff", "phone")),
            self._field_row(("signoff", "head"), "项目负责人" if project else "单位负责人"),
        ]
        if project:
            rows.append(self._field_row(("signoff", "finance_head")))
        rows.append(self._field_row(("signoff", "date")))
        return rows

    # ---------------------------------------------------------------- where the cursor is

    def active_tab(self) -> str:
        if not self.doc.editable:
            return ""
        active = self.query_one(TabbedContent).active
        return next((k for k, v in TABS.items() if v == active), "indicators")

    def current_indicator(self) -> int | None:
        table = self.query_one(IndicatorTable)
        if self.active_tab() != "indicators" or not table.row_count:
            return None
        return table.cursor_row

    def current_loc(self) -> Loc | str:
        """The form location under the cursor, or a Chinese reason why there is none."""
        tab = self.active_tab()
        if tab == "indicators":
            table = self.query_one(IndicatorTable)
            if not table.row_count:
                return "还没有指标。按 a 新增指标。"
            row, column = table.cursor_coordinate
            key = table.column_key_at(column)
            if key == "score":
                return "复算得分由引擎按规则计算，不能修改；请修改“填报得分”或实际完成值。"
            if key == "no":
                return "序号不能编辑。请把光标移到要填写的栏目上（→ 键）。"
            return ("indicators", row, key)
        if tab == "funds":
            if self.focused is self.query_one("#funds-note", FieldsTable):
                return ("funds", "note")
            table = self.query_one(FundsTable)
            row, column = table.cursor_coordinate
            row_key = list(FUNDS_ROW_LABELS)[row]
            key = table.column_key_at(column)
            if key in ("initial", "annual", "executed"):
                return ("funds", row_key, key)
            if key in ("rate", "score"):
                return "执行率和得分由引擎计算，不能修改；请修改预算数、执行数或填报得分。"
            if key in ("weight", "claimed") and row_key == "total":
                return ("funds", key)
            return "请把光标移到年初预算数、全年预算数、全年执行数或合计行的分值、填报得分上。"
        if tab in ("goal", "info"):
            table = self.query_one(f"#{tab}", FieldsTable)
            loc = table.loc_at(table.cursor_row)
            return loc if loc is not None else "没有可编辑的栏目。"
        return "没有可编辑的栏目。"

    # ---------------------------------------------------------------- editing

    def action_edit(self) -> None:
        if self.active_tab() == "indicators":
            table = self.query_one(IndicatorTable)
            if table.row_count and table.column_key_at(table.cursor_column) == "no":
                # 序号 is not editable: edit the name, with the cursor on it, so that what is typed goes where it is seen
                table.move_cursor(column=table.column_index("name"), animate=False)
        loc = self.current_loc()
        if isinstance(loc, str):
            self.say(loc, severity="warning")
            return
        self.edit_loc(loc)

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_edit()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def _label(self, loc: Loc) -> str:
        name = ""
        if loc[0] == "indicators" and len(loc) > 1:
            name = self.doc.get_text(("indicators", loc[1], "name"))
        return loc_label(loc, name)

    def edit_loc(self, loc: Loc, text: str | None = None) -> None:
        """Open the editor that fits the field at ``loc``."""
        label = self._label(loc)
        current = self.doc.get_text(loc) if text is None else text
        if loc[-1] == "tier":
            self.push_screen(TierModal(self._label(loc[:2]), current, self._tier_labels(loc[1])), lambda v: self._apply(loc, v))
            return
        if loc[-1] in LONG_TEXT_KEYS:
            self.push_screen(
                TextEditModal(label, current, cursor_blink=self.cursor_blink), lambda v: self._apply(loc, v)
            )
            return
        kind = field_kind(loc)
        hint = {
            "decimal": "回车确认，Esc取消。填写数字，例如 12.5。",
            "optdecimal": "回车确认，Esc取消。填写数字，例如 12.5；留空表示不填。",
            "year": "回车确认，Esc取消。填写四位年份，例如 2021。",
            "rules": "回车确认，Esc取消。规则集 ID（如 central-2020、sichuan）或规则文件路径。",
        }.get(kind, "")
        placeholder = ""
        if loc[-1] in ("target", "actual"):
            hint = "回车确认，Esc取消。写法如：≥95%、31.88万人、≤3天、9月前；写成文字的为定性指标。"
        elif loc == ("signoff", "date"):
            placeholder = "2022-08-01"
            hint = "回车确认，Esc取消。填写日期，年-月-日，例如 2022-08-01。"
        elif loc == ("claimed", "grade"):
            placeholder, hint = self._grade_hint()
        elif loc[:1] == ("indicators",) and loc[-1] == "category":
            hint = "回车确认，Esc取消。填写一级指标名称，如产出指标、效益指标、满意度指标（不是指标值）。"
        preview = None if loc == ("rules",) else (lambda typed: self.preview_text(loc, typed))
        self.push_screen(
            CellEditModal(label, current, hint, cursor_blink=self.cursor_blink, preview=preview, placeholder=placeholder),
            lambda v: self._apply(loc, v),
        )

    def _grade_hint(self) -> tuple[str, str]:
        """(placeholder, hint) for the claimed grade: the grades of the rule set and their bands."""
        assert self.result is not None
        bands = self.result.rules.grades.bands  # best first
        if not bands:
            return "", "回车确认，Esc取消。本规则集不评等级，可留空。"
        parts = []
        for i, band in enumerate(bands):
            low = fmt(band.min).removesuffix(".00")
            if band.min > 0:
                parts.append(f"{band.grade}（{low}分及以上）")
            else:
                above = fmt(bands[i - 1].min).removesuffix(".00") if i else "0"
                parts.append(f"{band.grade}（{above}分以下）")
        grades = "/".join(b.grade for b in bands)
        return grades, f"回车确认，Esc取消。填写等级：{'、'.join(parts)}；留空表示不填。"

    def preview_text(self, loc: Loc, text: str) -> Text:
        """What the score would be with ``text`` at ``loc``: re-scored on every keystroke in the editor."""
        assert self.result is not None
        try:
            form = self.doc.preview(loc, text)
        except EditError as exc:
            return Text(visible(str(exc), multiline=True), style="bold red")
        result = score_form(form, self.result.rules, file=str(self.doc.path))
        out = Text("复算：", style="bold")
        if loc[0] == "indicators" and len(loc) > 1:
            row = result.indicators[loc[1]]
            out.append(f"本行得分 {fmt(row.score)}  ")
            findings = [f for f in result.findings if f.loc[:2] == loc[:2]]  # the row's, and the form's about it
        elif loc[0] == "funds":
            rate = percent(result.funds.rate)
            out.append(f"执行率 {rate}  资金得分 {fmt(result.funds.score)}  ")
            findings = [f for f in result.findings if f.loc[:1] == ("funds",)]
        else:
            findings = [f for f in result.findings if f.loc[: len(loc)] == loc]
        out.append(f"总分 {fmt(result.total)}  等级 {result.grade or NO_GRADE}")
        for f in [f for f in findings if f.severity != "info"][:2]:
            out.append(f"\n[{SEVERITY_ZH[f.severity]}] ", style="bold red" if f.severity == "error" else "bold yellow")
            out.append(visible(f.message))
        return out

    def _tier_labels(self, index: int) -> dict[str, str]:
        """Each tier with the point range the rule set gives it for this row's weight."""
        assert self.result is not None
        weight = self.result.indicators[index].weight
        q = self.result.rules.qualitative
        labels = {}
        for short, tier in (("达成", "achieved"), ("部分达成", "partial"), ("未达成", "failed")):
            low, high, inclusive = tier_range(tier, weight, q.achieved, q.partial)
            labels[short] = f"{short} — {TIERS[tier]}（得分区间 [{fmt(low)}, {fmt(high)}{']' if inclusive else ')'}）"
        return labels

    def _apply(self, loc: Loc, value: str | None) -> None:
        if value is None:
            return
        question = self.approved.question(self.doc.form, loc, value) if self.approved and self.doc.form else None
        if question is not None:  # an approved target or weight: ask, and record the change when confirmed
            from .targets_view import record_change

            def done(choice: str | None) -> None:
                if choice == "y" and self.apply_text(loc, value):
                    record_change(self.doc, loc, question[0], value)
                    self.say("已修改并记录（与批复不一致，检查时列为错误）。", severity="warning")

            choices = [("y", "修改并记录", "error"), ("n", "取消", "default")]
            self.push_screen(ChoiceModal("修改批复的值", question[1], choices, cancel="n"), done)
            return
        changed = self.apply_text(loc, value)
        if changed and loc[-1] == "tier" and value in ("部分达成", "未达成"):
            # below the top tier the unit judges the score itself: ask for it straight away
            self.say("该档次须在“填报得分”中填写档次区间内的分数。")
            self.edit_loc(("indicators", loc[1], "claimed"))

    def apply_text(self, loc: Loc, text: str) -> bool:
        """Apply one edit, re-score and refresh.  A bad value is reported and its editor reopened."""
        if loc == ("rules",):
            try:
                self._rules_for(text.strip())
            except FormError as exc:
                self.say("；".join(p.message for p in exc.problems), title="规则集无法读取，未修改", severity="error")
                return False
        try:
            changed = self.doc.set_text(loc, text)
        except EditError as exc:
            self.say(str(exc), title="未修改", severity="error")
            if loc[-1] not in ("tier",):
                self.edit_loc(loc, text)  # let the user correct what they typed
            return False
        if changed:
            self.rescore()
            self.refresh_views()
            if loc[:1] == ("indicators",) and loc[-1] == "category" and self.result is not None:
                for f in self.result.findings:
                    if f.code == "category-looks-like-value" and f.loc[:2] == loc[:2]:
                        self.say(f.message, title="请检查一级指标", severity="warning")
        return changed

    def action_edit_note(self) -> None:
        tab = self.active_tab()
        if tab == "funds":
            self.edit_loc(("funds", "note"))
            return
        index = self.current_indicator()
        if index is None:
            self.say("请先在“指标”页选中一个指标（资金页按 n 编辑执行率偏低原因）。", severity="warning")
            return
        self.edit_loc(("indicators", index, "note"))

    def action_pick_tier(self) -> None:
        index = self.current_indicator()
        if index is None or self.result is None:
            self.say("请先在“指标”页选中一个定性指标。", severity="warning")
            return
        row = self.result.indicators[index]
        if row.method != "qualitative":
            self.say(f"“{row.name}”不是定性指标（年度指标值写成文字的才是），无须选择档次。", severity="warning")
            return
        self.edit_loc(("indicators", index, "tier"))

    def action_add_indicator(self) -> None:
        if self.active_tab() != "indicators":
            self.action_show_tab("indicators")
        table = self.query_one(IndicatorTable)
        after = table.cursor_row if table.row_count else None
        index = self.doc.add_indicator(after)
        self.rescore()
        self.refresh_views()
        table.move_cursor(row=index, column=table.column_index("name"), animate=False)
        table.focus()
        self.say(f"已新增第{index + 1}项指标。请填写名称、年度指标值、实际完成值和分值。")

    def action_remove_indicator(self) -> None:
        index = self.current_indicator()
        if index is None:
            self.say("请先在“指标”页选中要删除的指标。", severity="warning")
            return
        name = self.doc.get_text(("indicators", index, "name"))

        def done(choice: str | None) -> None:
            if choice != "y":
                return
            self.doc.remove_indicator(index)
            self.rescore()
            self.refresh_views()
            self.say(f"已删除第{index + 1}项指标“{name}”。")

        self.push_screen(
            ChoiceModal(
                "删除指标",
                f"删除第{index + 1}项指标“{name}”？",
                [("y", "删除", "error"), ("n", "取消", "default")],
                cancel="n",
            ),
            done,
        )

    def _move(self, delta: int) -> None:
        index = self.current_indicator()
        if index is None:
            self.say("请先在“指标”页选中要移动的指标。", severity="warning")
            return
        table = self.query_one(IndicatorTable)
        column = table.cursor_column
        new = self.doc.move_indicator(index, delta)
        if new != index:
            self.rescore()
            self.refresh_views()
            table.move_cursor(row=new, column=column, animate=False)

    def action_move_up(self) -> None:
        self._move(-1)

    def action_move_down(self) -> None:
        self._move(+1)

    # ---------------------------------------------------------------- findings and details

    def action_focus_findings(self) -> None:
        panel = self.query_one(FindingsPanel)
        panel.focus()
        if panel.highlighted is None and panel.option_count:
            panel.highlighted = 0

    def on_findings_panel_jump(self, message: FindingsPanel.Jump) -> None:
        self.jump_to(message.loc)

    def jump_to(self, loc: Loc) -> None:
        """Show the field a finding is about, with the cursor on it."""
        head = loc[0] if loc else ""
        if head == "indicators":
            self.action_show_tab("indicators")
            table = self.query_one(IndicatorTable)
            if not table.row_count:
                table.focus()
                return
            row = loc[1] if len(loc) > 1 else 0
            key = loc[2] if len(loc) > 2 else ("name" if len(loc) > 1 else "weight")
            key = INDICATOR_COLUMN_FOR.get(key, key)
            column = table.column_index(key if key in INDICATOR_LABELS else "name")
            table.move_cursor(row=row, column=column, animate=False)
            table.focus()
        elif head == "funds":
            self.action_show_tab("funds")
            if loc[1:2] == ("note",):
                self.query_one("#funds-note", FieldsTable).focus()
                return
            table = self.query_one(FundsTable)
            if len(loc) == 3:
                row, key = list(FUNDS_ROW_LABELS).index(loc[1]), loc[2]
            elif len(loc) == 2 and loc[1] in ("claimed", "weight"):
                row, key = 0, loc[1]
            else:
                row, key = 0, "annual"
            table.move_cursor(row=row, column=table.column_index(key if key in FUNDS_LABELS else "annual"), animate=False)
            table.focus()
        elif head == "goal":
            self._jump_field("goal", loc)
        else:
            self._jump_field("info", loc)
        self.update_detail()

    def _jump_field(self, tab: str, loc: Loc) -> None:
        self.action_show_tab(tab)
        table = self.query_one(f"#{tab}", FieldsTable)
        row = table.row_of(loc)
        if row is None:
            row = next((i for i, l in enumerate(table.locs) if l[: len(loc)] == loc), 0)
        table.move_cursor(row=row, animate=False)
        table.focus()

    def action_show_tab(self, tab: str) -> None:
        """Show a page and put the keyboard focus on its table (a hidden widget must not keep it)."""
        if not self.doc.editable:
            return
        self.query_one(TabbedContent).active = TABS[tab]
        main = {"indicators": "#indicators", "funds": "#funds", "goal": "#goal", "info": "#info"}[tab]
        self.query_one(main).focus()

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        self.update_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.update_detail()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.update_detail()
        self.call_after_refresh(self._focus_visible)

    def _focus_visible(self) -> None:
        """After a page change by mouse, a widget on the hidden page must not keep the focus."""
        focused = self.focused
        if focused is None or any(not w.display for w in focused.ancestors_with_self):
            self.action_show_tab(self.active_tab())

    def update_detail(self) -> None:
        if not self.doc.editable or self.result is None:
            return
        self.query_one(DetailPanel).show(self._detail_text())

    def _detail_text(self) -> Text:
        result = self.result
        assert result is not None
        text = Text()
        tab = self.active_tab()
        findings: list[Any] = []
        if tab == "indicators":
            index = self.current_indicator()
            if index is None:
                return Text("还没有指标。按 a 新增指标。")
            r = result.indicators[index]
            text.append(f"第{index + 1}项  ", style="bold")
            text.append(visible(f"{r.category} / {r.subcategory or '—'} / "))
            text.append(visible(r.name), style="bold")
            if self.approved is not None:  # 已批复: the approved target and weight (tui/targets_view.py)
                text.append(self.approved.detail(result.form, index))
            text.append("\n" + visible(f"年度指标值 {r.target or '—'}  实际完成值 {r.actual or '—'}  分值 {fmt(r.weight)}  "))
            text.append(f"复算得分 {fmt(r.score)}", style="bold")
            text.append(f"  填报得分 {fmt(r.claimed) if r.claimed is not None else '—'}  方法 {METHOD_ZH.get(r.method, r.method)}")
            if r.method == "qualitative":
                text.append(f"  档次 {TIERS.get(r.tier, r.tier or '未选择')}")
            if r.standard.strip():
                text.append("\n评价标准：" + visible(r.standard.replace("\n", " ")))
            text.append("\n计算过程：", style="bold")
            text.append(visible(r.explain))
            text.append("\n偏差原因：" + (visible(r.note.replace("\n", " ")) if r.note.strip() else "（未填写）"))
            findings = [f for f in result.findings if f.loc[:2] == ("indicators", index)]
        elif tab == "funds":
            funds = result.funds
            rate = percent(funds.rate)
            text.append(f"资金执行率 {rate}  分值 {fmt(funds.weight)}  ")
            text.append(f"得分 {fmt(funds.score)}", style="bold")
            text.append(f"  填报得分 {fmt(funds.claimed) if funds.claimed is not None else '—'}")
            text.append("\n计算过程：", style="bold")
            text.append(funds.explain)
            text.append("\n执行率偏低原因说明：" + (visible(funds.note.replace("\n", " ")) if funds.note.strip() else "（未填写）"))
            findings = [f for f in result.findings if f.loc[:1] == ("funds",)]
        else:
            table = self.query_one(f"#{tab}", FieldsTable)
            loc = table.loc_at(table.cursor_row)
            if loc is not None:
                text.append(f"{FIELD_LABELS.get(loc, loc_label(loc))}：", style="bold")
                text.append(visible(self.doc.get_text(loc), multiline=True) or "（未填写）")
                findings = [f for f in result.findings if f.loc[: len(loc)] == loc]
        for f in findings[:2]:
            style = {"error": "bold red", "warning": "bold yellow"}.get(f.severity, "dim")
            text.append(f"\n[{SEVERITY_ZH[f.severity]}] ", style=style)
            text.append(visible(f.message))
        if len(findings) > 2:
            text.append(f"\n……另有 {len(findings) - 2} 条，见下方发现项", style="dim")
        return text

    # ---------------------------------------------------------------- saving, reloading, quitting

    def action_save(self) -> None:
        self.save()

    def action_save_refused(self) -> None:
        self.save()  # the file did not load: the document refuses, with the reason

    def save(self, *, force: bool = False, then_exit: bool = False) -> None:
        existed = self.doc.path.exists()
        try:
            self.doc.save(force=force)
        except SaveRefused as exc:
            self.say(str(exc), title="未保存", severity="error")
            return
        except ChangedOnDisk:

            def done(choice: str | None) -> None:
                if choice == "o":
                    self.save(force=True, then_exit=then_exit)
                elif choice == "r":
                    self.run_worker(self.reload(), exclusive=True)

            self.push_screen(
                ChoiceModal(
                    "文件已在别处被修改",
                    f"“{self.file_name}”在打开之后已被其他程序修改（或删除）。\n"
                    "覆盖：用本窗口的内容覆盖它（原文件备份为 文件名~）；\n"
                    "重新载入：放弃本窗口的修改，读取磁盘上的新内容；\n"
                    "取消：什么也不做。",
                    [("o", "覆盖", "warning"), ("r", "重新载入", "primary"), ("c", "取消", "default")],
                    cancel="c",
                ),
                done,
            )
            return
        except OSError as exc:
            self.say(f"保存失败：{exc.strerror or exc}。原文件未改动。", title="未保存", severity="error")
            return
        backup = f"（原文件备份为 {self.file_name}~）" if existed else ""
        self.say(f"已保存 {self.file_name}{backup}", title="已保存")
        self.refresh_views()
        if then_exit:
            self.exit(0)

    async def reload(self) -> None:
        self.doc.reload()
        self._rules.clear()
        self._prepare()
        await self.recompose()
        self.refresh_views()
        if self.doc.editable:
            self.query_one(IndicatorTable).focus()
            self.say(f"已重新载入 {self.file_name}")

    def action_reload_shown(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        if not self.doc.dirty or self.doc.is_new:
            if self.doc.is_new:
                self.say("新建的表单尚未保存，没有可重新载入的文件。", severity="warning")
                return
            self.run_worker(self.reload(), exclusive=True)
            return

        def done(choice: str | None) -> None:
            if choice == "r":
                self.run_worker(self.reload(), exclusive=True)

        self.push_screen(
            ChoiceModal(
                "重新载入",
                "有未保存的修改。重新载入会放弃这些修改。",
                [("r", "放弃修改并重新载入", "warning"), ("c", "取消", "default")],
                cancel="c",
            ),
            done,
        )

    async def action_quit(self) -> None:
        if not (self.doc.editable and self.doc.dirty):
            self.exit(0 if self.doc.editable else 2)  # 2: the input could not be read, as for jixiao score
            return

        def done(choice: str | None) -> None:
            if choice == "s":
                self.save(then_exit=True)
            elif choice == "d":
                self.exit(0)

        self.push_screen(
            ChoiceModal(
                "退出",
                f"“{self.file_name}”有未保存的修改。",
                [("s", "保存并退出", "primary"), ("d", "不保存，退出", "error"), ("c", "取消", "default")],
                cancel="c",
            ),
            done,
        )

    # ---------------------------------------------------------------- printing

    def action_print(self) -> None:
        if self.result is None:
            self.say("表单未能读取，无法打印。", severity="error")
            return
        from jixiao.reports.form_pdf import render_form  # ReportLab is imported only when printing

        default = str(self.doc.path.with_suffix(".pdf"))

        def done(value: str | None) -> None:
            if value and value.strip():
                self.print_to(Path(value.strip()), render_form)

        self.push_screen(
            CellEditModal("导出 PDF 的文件名", default, "回车导出，Esc取消。", cursor_blink=self.cursor_blink), done
        )

    def print_to(self, out: Path, render_form: Callable[..., list[str]]) -> None:
        assert self.result is not None
        try:
            warnings = render_form(self.result, out, font=None)  # the submission copy (jixiao pdf FORM)
        except OSError as exc:
            self.say(f"无法写入 {out}：{exc.strerror or exc}", title="打印失败", severity="error")
            return
        except Exception as exc:  # the PDF module's own error: report it, keep the editor running
            self.say(f"{exc}", title="打印失败", severity="error")
            return
        for w in warnings or []:
            self.say(str(w), severity="warning")
        self.say(f"已导出 {out}", title="已打印")

    def say(self, message: str, *, title: str = "", severity: Any = "information") -> None:
        """A notification; user text (names, typed values) is never read as markup."""
        self.notify(visible(message, multiline=True), title=visible(title), severity=severity, markup=False)

    # ---------------------------------------------------------------- help and the command palette

    def action_help(self) -> None:
        from .components.help_screen import HelpScreen  # Markdown is slow to import: only when asked

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if len(self.screen_stack) > 1 and action in EDIT_ACTIONS | {"save", "reload", "show_tab", "help", "quit"}:
            return False  # a dialog is open
        if not self.doc.editable and action in EDIT_ACTIONS | {"show_tab", "save"}:
            return False  # nothing to edit or save: the file did not load
        if action in ("reload_shown", "save_refused"):
            return not self.doc.editable
        return True

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for a in ACTIONS:
            if a.name == "command_palette":
                continue
            if not self.doc.editable and a.name in EDIT_ACTIONS | {"save"}:
                continue
            key = a.key.split(",")[0].replace("ctrl+", "Ctrl+").replace("question_mark", "?")
            yield SystemCommand(f"{a.title}（{key}）", a.help, self._runner(a.name))
        for tab, title in (("indicators", "指标"), ("funds", "资金"), ("goal", "总体目标"), ("info", "基本信息")):
            if self.doc.editable:
                yield SystemCommand(f"转到：{title}", f"显示“{title}”页", self._runner(f"show_tab('{tab}')"))

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder="输入文字查找命令……"))

    def _runner(self, action: str) -> Callable[[], Any]:
        async def run() -> None:
            await self.run_action(action)

        return run
