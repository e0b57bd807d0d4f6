"""``jixiao desk``: the reviewer's screen over the record (Textual).

The batch's forms in a table, worst first; Enter opens a form read-only (the
editor's indicator table, findings and explanation); ``a`` gives the
highlighted indicator a review score with a reason, ``s`` sets a form's status,
``w`` writes its review file.  Every decision is appended to the record at
once (``jixiao.store.desk``).
"""

from __future__ import annotations

import datetime
import json
import os
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from jixiao.scoring.findings import Finding
from jixiao.scoring.vocabulary import NO_GRADE, fmt
from jixiao.store.desk import (
    DeskRow,
    across_years,
    adjust,
    current_adjustments,
    desk_rows,
    form_result,
    set_status,
    with_detail,
    write_review_file,
)
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Static

from ..terminal import visible
from ..textable import truncate
from .choice_modal import ChoiceModal
from .detail_panel import DetailPanel
from .findings_panel import FindingsPanel
from .indicator_table import IndicatorTable
from .summary_bar import SummaryBar

STATUS_KEYS = [("1", "待复核", "default"), ("2", "已复核", "primary"), ("3", "退回", "error"), ("4", "通过", "success")]
STATUS_STYLE = {"退回": "bold red", "待复核": "yellow", "已复核": "cyan", "通过": "green"}
# what decides first (totals, errors, status) fits 80 columns; the project and the file follow
COLUMNS = [("no", "序号"), ("unit", "单位"), ("year", "年度"), ("claimed", "填报"), ("computed", "复算"), ("reviewed", "复核"),
           ("grade", "等级"), ("errors", "错误"), ("status", "状态"), ("project", "项目"), ("file", "文件")]
UNIT_WIDTH, PROJECT_WIDTH = 16, 14

DESK_CSS = """
#desk-title { height: 1; background: $primary-background; padding: 0 1; }
#desk-table { height: 1fr; }
#desk-status { height: 2; padding: 0 1; color: $text-muted; }
#form-title { height: 2; background: $primary-background; padding: 0 1; }
#form-review { height: 1; padding: 0 1; }
#form-screen #indicators { height: 1fr; }
#form-screen #detail { height: 6; border-top: solid $primary-darken-2; padding: 0 1; }
#form-screen #findings { height: 7; }
#form-screen #summary { height: 1; }
#form-screen.-short #detail { height: 5; }
#form-screen.-short #findings { height: 5; }
AdjustModal { align: center middle; }
#adjust-error { color: $error; height: auto; }
"""


def _cell(text: str, width: int) -> Text:
    return Text(truncate(visible(text), width))


def row_cells(no: int, r: DeskRow) -> list[Any]:
    adjusted = r.reviewed_total != r.computed_total
    return [
        Text(str(no), justify="right"),
        _cell(r.unit, UNIT_WIDTH),
        Text(str(r.year or "—")),
        Text(r.claimed_total or "—", justify="right"),
        Text(r.computed_total, justify="right"),
        Text(r.reviewed_total, justify="right", style="bold" if adjusted else ""),
        Text(r.grade or NO_GRADE),
        Text(str(r.errors), justify="right", style="bold red" if r.errors else ""),
        Text(r.status, style=STATUS_STYLE.get(r.status, "")),
        _cell(r.project, PROJECT_WIDTH),
        _cell(os.path.basename(r.file), 24),
    ]


def kept_findings(row: DeskRow, result: Any) -> list[Any]:
    """The form's findings: the engine's (with their places), then those the record kept beside them (the review file's)."""
    out = list(result.findings)
    seen = {(f.code, f.message) for f in out}
    for line in json.loads(row.data["record_json"]).get("findings", []):
        if (line["code"], line["message"]) not in seen:
            f = Finding(line["code"], line["message"], line["place"], (), line["line"], line["severity"])
            f.address = line["place"]  # shown as the record says where it is
            out.append(f)
    return out


class DeskTable(DataTable[Any]):
    """The batch's forms; Enter (shown in the footer) opens the highlighted one."""

    BINDINGS = [Binding("enter", "select_cursor", "查看表单")]


class AdjustModal(ModalScreen[tuple[Decimal, str] | None]):
    """A review score (0 to the weight) and its reason; Enter in the reason keeps them, Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "取消")]

    def __init__(self, label: str, weight: Decimal, current: Decimal):
        super().__init__()
        self.label, self.weight, self.current = label, weight, current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(f"调整得分：{visible(self.label)}", classes="dialog-title", markup=False)
            yield Static(f"分值 {fmt(self.weight)}，现在的得分 {fmt(self.current)}。输入复核得分和理由，回车确定，Esc 取消。",
                         classes="dialog-message", markup=False)
            yield Input(value=fmt(self.current), id="adjust-score", placeholder="复核得分")
            yield Input(id="adjust-reason", placeholder="理由（扣分时必填）")
            yield Static("", id="adjust-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#adjust-score", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "adjust-score":
            self.query_one("#adjust-reason", Input).focus()
            return
        error = self.query_one("#adjust-error", Static)
        raw = self.query_one("#adjust-score", Input).value.strip()
        try:
            score = Decimal(raw)
        except InvalidOperation:
            error.update(f"复核得分 “{visible(raw)}” 不是数字。")
            self.query_one("#adjust-score", Input).focus()
            return
        if not score.is_finite() or not (0 <= score <= self.weight):
            error.update(f"复核得分须在 0 到 {fmt(self.weight)} 之间。")
            self.query_one("#adjust-score", Input).focus()
            return
        reason = self.query_one("#adjust-reason", Input).value.strip()
        if score < self.current and not reason:
            error.update("扣分须写明理由。")
            return
        self.dismiss((score, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)


class FormScreen(Screen[None]):
    """One form, read-only: its indicators, the explanation of the highlighted one, its findings."""

    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("a", "adjust", "调整得分"),
        Binding("f", "adjust_funds", "调整资金得分"),
        Binding("s", "status", "设置状态"),
        Binding("w", "write", "写出复核文件"),
    ]

    def __init__(self, row: DeskRow, store: Any):
        super().__init__(id="form-screen")
        self.row = with_detail(store, row)
        self.result = form_result(row)
        self.across: list[Any] = []  # against the year before: set when mounted

    def compose(self) -> ComposeResult:
        yield Static(id="form-title", markup=False)
        yield IndicatorTable(id="indicators")
        yield DetailPanel(id="detail")
        yield FindingsPanel(id="findings")
        yield SummaryBar(id="summary")
        yield Static(id="form-review")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        app: DeskApp = self.app  # type: ignore[assignment]
        self.across = across_years(app.store, self.row, self.result)
        self.set_class(self.app.size.height < 30, "-short")
        self.refresh_view()
        self.query_one(IndicatorTable).focus()

    def on_resize(self, event: Any) -> None:
        self.set_class(event.size.height < 30, "-short")

    def _weight(self, category: str) -> Decimal | None:
        return self.result.category_weights.get(self.result.rules.canonical_category(category))

    def refresh_view(self) -> None:
        r = self.row
        self.query_one("#form-title", Static).update(
            visible(f"{r.unit}{' · ' + r.project if r.project else ''}  {r.year or ''} 年  第 {r.version} 版（只读）", multiline=True)
            + "\n" + visible(r.file)
        )
        self.query_one(IndicatorTable).show(self.result, fmt, self._weight)
        shown = SimpleNamespace(**{k: getattr(self.result, k) for k in ("total", "grade", "claimed_total", "claimed_grade", "funds", "indicators")})
        shown.findings = kept_findings(self.row, self.result) + self.across
        shown.errors = sum(1 for f in shown.findings if f.severity == "error")
        shown.warnings = sum(1 for f in shown.findings if f.severity == "warning")
        self.query_one(FindingsPanel).show(shown)
        self.query_one(SummaryBar).show(shown, fmt)
        review = Text(" 复核总分 ")
        review.append(r.reviewed_total, style="bold")
        review.append(f"  等级 {r.grade or NO_GRADE}  状态 ")
        review.append(r.status, style=STATUS_STYLE.get(r.status, ""))
        if r.decision is not None and r.decision.get("reviewer"):
            review.append(visible(f"  复核人 {r.decision['reviewer']}"))
        self.query_one("#form-review", Static).update(review)
        self._show_detail()

    def current_index(self) -> int | None:
        table = self.query_one(IndicatorTable)
        if not table.row_count:
            return None
        return int(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def _show_detail(self) -> None:
        index = self.current_index()
        text = Text()
        if index is None:
            self.query_one(DetailPanel).show(Text("这份表单没有指标。"))
            return
        ind = self.result.indicators[index]
        text.append(f"第{index + 1}项  ", style="bold")
        text.append(visible(ind.name), style="bold")
        text.append(visible(f"  指标值 {ind.target or '—'}  实际 {ind.actual or '—'}  分值 {fmt(ind.weight)}  "))
        text.append(f"复算 {fmt(ind.score)}", style="bold")
        text.append(f"  填报 {fmt(ind.claimed) if ind.claimed is not None else '—'}")
        text.append("\n计算过程：", style="bold")
        text.append(visible(ind.explain))
        standing = {a["indicator"]: a for a in current_adjustments(self.row)}
        adj = standing.get(ind.name)
        if adj is not None:
            text.append(f"\n复核：{'得分 ' + adj['score'] if 'score' in adj else '扣 ' + adj['deduct']}", style="bold")
            text.append(visible(f"，理由：{adj.get('reason') or '—'}"))
        funds = self.result.funds
        text.append(f"\n资金执行率得分 {fmt(funds.score)}：{visible(funds.explain)}")
        if "funds" in standing:
            text.append(visible(f"；复核得分 {standing['funds'].get('score', '—')}，理由：{standing['funds'].get('reason') or '—'}"))
        self.query_one(DetailPanel).show(text)

    def on_data_table_cell_highlighted(self, event: Any) -> None:
        self._show_detail()

    def on_findings_panel_jump(self, message: FindingsPanel.Jump) -> None:
        loc = message.loc
        if loc[:1] == ("indicators",) and len(loc) > 1 and isinstance(loc[1], int):
            table = self.query_one(IndicatorTable)
            table.move_cursor(row=loc[1])
            table.focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def _ask_score(self, indicator: str, label: str, weight: Decimal, current: Decimal) -> None:
        def done(answer: tuple[Decimal, str] | None) -> None:
            if answer is None:
                return
            app: DeskApp = self.app  # type: ignore[assignment]
            review = adjust(app.store, self.row, indicator, answer[0], answer[1], app.reviewer)
            app.reload(keep=self.row.scoring_id)
            self.row = with_detail(app.store, app.row_by_id(self.row.scoring_id) or self.row)
            self.refresh_view()
            notes = "；".join(f.message for f in review.findings)
            self.notify(visible(f"已保存：复核总分 {fmt(review.total)}。{notes}"), timeout=4)

        self.app.push_screen(AdjustModal(label, weight, current), done)

    def action_adjust(self) -> None:
        index = self.current_index()
        if index is None:
            return
        ind = self.result.indicators[index]
        self._ask_score(ind.name, f"第{index + 1}项 {ind.name}", ind.weight, self._standing(ind.name, ind.score))

    def action_adjust_funds(self) -> None:
        funds = self.result.funds
        self._ask_score("funds", "资金执行率", funds.weight, self._standing("funds", funds.score))

    def _standing(self, indicator: str, computed: Decimal) -> Decimal:
        from jixiao.store.desk import current_adjustments

        for a in current_adjustments(self.row):
            if a["indicator"] == indicator and "score" in a:
                return Decimal(a["score"])
        return computed

    def action_status(self) -> None:
        app: DeskApp = self.app  # type: ignore[assignment]
        app.action_status()

    def action_write(self) -> None:
        app: DeskApp = self.app  # type: ignore[assignment]
        app.action_write()


class DeskApp(App[None]):
    """The batch's forms, worst first."""

    CSS_PATH = "../app.tcss"
    CSS = DESK_CSS
    TITLE = "jixiao 复核台"
    BINDINGS = [
        Binding("s", "status", "设置状态"),
        Binding("w", "write", "写出复核文件"),
        Binding("q", "quit", "退出"),
    ]

    def __init__(self, store: Any, batch_id: int, reviewer: str, reviews_dir: Path, **kwargs: Any):
        super().__init__(**kwargs)
        self.store, self.batch_id, self.reviewer, self.reviews_dir = store, batch_id, reviewer, reviews_dir
        self.rows: list[DeskRow] = []

    def compose(self) -> ComposeResult:
        yield Static(id="desk-title", markup=False)
        table = DeskTable(id="desk-table", cursor_type="row", zebra_stripes=True)
        for key, label in COLUMNS:
            table.add_column(label, key=key)
        yield table
        yield Static(id="desk-status")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.reload()
        self.query_one(DataTable).focus()

    def row_by_id(self, scoring_id: int) -> DeskRow | None:
        return next((r for r in self.rows if r.scoring_id == scoring_id), None)

    def reload(self, keep: int | None = None) -> None:
        self.rows = desk_rows(self.store, self.batch_id)
        table = self.query_one(DataTable)
        table.clear()
        for no, r in enumerate(self.rows, start=1):
            table.add_row(*row_cells(no, r), key=str(r.scoring_id))
        if keep is not None:
            at = next((i for i, r in enumerate(self.rows) if r.scoring_id == keep), 0)
            table.move_cursor(row=at)
        done = sum(1 for r in self.rows if r.status in ("已复核", "通过"))
        self.query_one("#desk-title", Static).update(
            visible(f"复核台 · 第 {self.batch_id} 批 · {len(self.rows)} 份（已复核或通过 {done} 份） · 复核人 {self.reviewer or '—'}")
        )
        self._status_line()

    def current(self) -> DeskRow | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.row_by_id(int(str(key)))

    def _status_line(self) -> None:
        r = self.current()
        if r is None:
            self.query_one("#desk-status", Static).update("这一批没有可复核的表单。")
            return
        d = r.decision
        said = f"最近的决定：{d['status']}，{d['decided_at']}，{d['reviewer'] or '—'}：{d['reason'] or '（无理由）'}" if d else "尚无复核决定"
        self.query_one("#desk-status", Static).update(visible(f"{r.file}\n{said}", multiline=True))

    def on_data_table_row_highlighted(self, event: Any) -> None:
        self._status_line()

    def on_data_table_row_selected(self, event: Any) -> None:
        self.action_open()

    def action_open(self) -> None:
        r = self.current()
        if r is None or not isinstance(self.screen, Screen) or isinstance(self.screen, FormScreen):
            return
        try:
            screen = FormScreen(r, self.store)
        except Exception as exc:  # the kept text no longer scores (a rule set file gone): said, not a crash
            self.notify(visible(f"无法打开这份表单：{exc}"), severity="error")
            return
        self.push_screen(screen)

    def action_status(self) -> None:
        r = self.current() if not isinstance(self.screen, FormScreen) else self.screen.row
        if r is None:
            return

        def done(key: str | None) -> None:
            status = next((label for k, label, _ in STATUS_KEYS if k == key), None)
            if status is None or r is None:
                return
            set_status(self.store, r, status, "", self.reviewer)
            self.reload(keep=r.scoring_id)
            if isinstance(self.screen, FormScreen):
                self.screen.row = with_detail(self.store, self.row_by_id(r.scoring_id) or r)
                self.screen.refresh_view()
            self.notify(f"已保存：状态 {status}", timeout=3)

        self.push_screen(ChoiceModal("设置状态", visible(f"{r.unit} {r.year or ''}：现在是“{r.status}”"),
                                     [(k, label, v) for k, label, v in STATUS_KEYS]), done)

    def action_write(self) -> None:
        r = self.current() if not isinstance(self.screen, FormScreen) else self.screen.row
        if r is None:
            return
        try:
            self.reviews_dir.mkdir(parents=True, exist_ok=True)
            path = write_review_file(r, self.reviews_dir, self.reviewer, datetime.date.today().isoformat())
        except OSError as exc:
            self.notify(visible(f"无法写出复核文件：{exc}"), severity="error")
            return
        self.notify(visible(f"已写出复核文件：{path}"), timeout=4)
