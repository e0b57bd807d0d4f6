"""Editing: the dialog that fits each field, the live preview, adding, removing and moving indicators.

A part of :class:`tui.app.JixiaoApp` (a mixin).  The dialogs are imported when
first opened, not at start-up.
"""

from __future__ import annotations

from jixiao.indicators.document import EditError, field_kind
from jixiao.indicators.loader import FormError
from jixiao.scoring.engine import fmt, score_form
from jixiao.scoring.methods import TIERS, tier_range
from jixiao.scoring.vocabulary import NO_GRADE, percent
from rich.text import Text
from textual.widgets import DataTable

from .actions import LONG_TEXT_KEYS
from .app_views import FormViews, Loc
from .components.indicator_table import IndicatorTable
from .components.labels import SEVERITY_ZH, loc_label
from .terminal import visible


class FormEditing(FormViews):
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
        self._hand_over()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()
        self._hand_over()

    def _hand_over(self) -> None:
        """Type-ahead: the keys typed while Enter's dialog opened go to it (components/type_ahead.py, TypeAheadKeys)."""

    def _label(self, loc: Loc) -> str:
        name = ""
        if loc[0] == "indicators" and len(loc) > 1:
            name = self.doc.get_text(("indicators", loc[1], "name"))
        return loc_label(loc, name)

    def edit_loc(self, loc: Loc, text: str | None = None) -> None:
        """Open the editor that fits the field at ``loc``."""
        from .components.cell_edit_modal import CellEditModal  # the dialogs: imported when first opened
        from .components.text_edit_modal import TextEditModal
        from .components.tier_modal import TierModal

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
            from .components.choice_modal import ChoiceModal
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
        from .components.choice_modal import ChoiceModal

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
