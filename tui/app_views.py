"""What the editor shows: the result in every widget, where the cursor is, the detail line, jumping to a finding.

A part of :class:`tui.app.JixiaoApp` (a mixin): the app holds the document and
the engine's latest result; nothing on the screen is computed here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from jixiao.indicators.document import FormDocument
from jixiao.indicators.loader import FormError
from jixiao.scoring.engine import Result, fmt, score_form
from jixiao.scoring.methods import TIERS
from jixiao.scoring.rules import RuleSet, form_rules
from jixiao.scoring.vocabulary import NO_GRADE, percent
from rich.text import Text
from textual.app import App
from textual.widgets import DataTable, TabbedContent

from .actions import INDICATOR_COLUMN_FOR, METHOD_ZH, TABS
from .components.detail_panel import DetailPanel
from .components.fields_table import FieldsTable
from .components.findings_panel import FindingsPanel
from .components.form_header import FormHeader
from .components.funds_table import FundsTable
from .components.indicator_table import IndicatorTable
from .components.labels import FIELD_LABELS, FUNDS_LABELS, FUNDS_ROW_LABELS, INDICATOR_LABELS, SEVERITY_ZH, loc_label
from .components.problems_view import ProblemsView
from .components.summary_bar import SummaryBar
from .terminal import visible

Loc = tuple[Any, ...]

if TYPE_CHECKING:
    _AppBase = App[int]
else:
    _AppBase = object


class FormViews(_AppBase):
    """Scoring the document and showing the result; the cursor's place; the detail line."""

    doc: FormDocument
    result: Result | None
    cursor_blink: bool
    _rules: dict[str, RuleSet]
    approved: Any  # the approved 绩效目标表 the form came from (tui/targets_view.py), or None

    # ---------------------------------------------------------------- scoring

    def _rules_for(self, ref: str) -> RuleSet:
        if ref not in self._rules:
            self._rules[ref] = form_rules(ref, self.doc.path.parent)  # a form's rules file: only from its folder
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
            funds = self.query_one(FundsTable)
            row, column = funds.cursor_coordinate
            row_key = list(FUNDS_ROW_LABELS)[row]
            key = funds.column_key_at(column)
            if key in ("initial", "annual", "executed"):
                return ("funds", row_key, key)
            if key in ("rate", "score"):
                return "执行率和得分由引擎计算，不能修改；请修改预算数、执行数或填报得分。"
            if key in ("weight", "claimed") and row_key == "total":
                return ("funds", key)
            return "请把光标移到年初预算数、全年预算数、全年执行数或合计行的分值、填报得分上。"
        if tab in ("goal", "info"):
            fields = self.query_one(f"#{tab}", FieldsTable)
            loc = fields.loc_at(fields.cursor_row)
            return loc if loc is not None else "没有可编辑的栏目。"
        return "没有可编辑的栏目。"
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
            funds = self.query_one(FundsTable)
            if len(loc) == 3:
                row, key = list(FUNDS_ROW_LABELS).index(loc[1]), loc[2]
            elif len(loc) == 2 and loc[1] in ("claimed", "weight"):
                row, key = 0, loc[1]
            else:
                row, key = 0, "annual"
            funds.move_cursor(row=row, column=funds.column_index(key if key in FUNDS_LABELS else "annual"), animate=False)
            funds.focus()
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
    def say(self, message: str, *, title: str = "", severity: Any = "information") -> None:
        """A notification, one at a time (a new one replaces the last, never piles over the findings);
        user text (names, typed values) is never read as markup."""
        self.clear_notifications()
        self.notify(visible(message, multiline=True), title=visible(title), severity=severity, markup=False)
