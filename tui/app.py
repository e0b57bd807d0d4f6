"""``jixiao edit``: fill in a 绩效自评表 in the terminal.

The app holds a :class:`~indicators.document.FormDocument` (the file, its
edits, saving) and the engine's latest :class:`~scoring.engine.Result`.
Every edit goes to the document, then the whole form is re-scored with
``score_form`` and every widget is shown the new result: no number on the
screen is computed here.

The app is made of parts: :mod:`tui.actions` (keys and names),
:mod:`tui.app_views` (showing the result, the cursor's place, the detail line),
:mod:`tui.app_editing` (the dialogs, adding and moving indicators) and this
module (layout, saving, reloading, quitting, printing, help, command palette).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from jixiao.indicators.document import ChangedOnDisk, FormDocument, SaveRefused
from jixiao.scoring.engine import Result
from jixiao.scoring.rules import RuleSet
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane

from .actions import ACTIONS, EDIT_ACTIONS, TABS, Action
from .adopt import ADOPT_BINDINGS, AdoptActions
from .app_editing import FormEditing
from .app_views import Loc
from .components.detail_panel import DetailBox, DetailPanel
from .components.fields_table import FieldsTable
from .components.findings_panel import FindingsPanel
from .components.form_header import FormHeader
from .components.funds_table import FundsTable
from .components.indicator_table import IndicatorTable
from .components.key_footer import KeyFooter
from .components.problems_view import ProblemsView
from .components.summary_bar import SummaryBar
from .components.type_ahead import TypeAheadKeys

__all__ = ["ACTIONS", "MIN_SIZE", "Action", "JixiaoApp", "Loc"]

# below this (columns, rows) the form cannot be shown: the screen says so instead
MIN_SIZE = (60, 18)
# below this many rows the detail and the findings get less room (app.tcss: App.-short)
SHORT_HEIGHT = 30
# below this many rows, the least: two lines of detail, two of findings (App.-tiny)
TINY_HEIGHT = 22


class JixiaoApp(TypeAheadKeys, AdoptActions, FormEditing, App[int]):
    """The form editor."""

    CSS_PATH = "app.tcss"
    TITLE = "jixiao 绩效自评表"
    ENABLE_COMMAND_PALETTE = True
    # the first focus goes straight to the indicator table (one focus change, one footer rebuild, at start-up)
    AUTO_FOCUS = "#indicators"
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
        self.approved: Any = None  # the approved 绩效目标表 the form came from, if any (tui/targets_view.py)
        self.approved_notice = ""
        form = self.doc.form
        if form is not None and form.targets is not None and form.targets.file:  # (imported only for such a form)
            from .targets_view import load_approved

            self.approved, self.approved_notice = load_approved(self.doc)
        self._prepare()

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
            with DetailBox(id="detail-box"):
                yield DetailPanel(id="detail")
            yield FindingsPanel(id="findings")
            yield SummaryBar(id="summary")
        else:
            yield ProblemsView(id="problems")
        yield Static(id="too-small")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.fit_size(self.size.width, self.size.height)
        self.refresh_views()
        notices = []  # one notification, with each notice in it
        if self.doc.encoding:
            notices.append(f"“{self.file_name}”是 GBK/GB18030 编码（不是 UTF-8），已正确读取；保存时将写成 UTF-8。")
        if self.approved_notice:
            notices.append(self.approved_notice)
        if notices:
            self.say("\n".join(notices), severity="warning" if self.approved_notice else "information")

    def on_resize(self, event: Any) -> None:
        self.fit_size(event.size.width, event.size.height)

    def fit_size(self, width: int, height: int) -> None:
        """Less room for the detail and the findings on a short terminal; below the minimum, only a message."""
        small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        if small != self.has_class("-too-small"):
            self.query_one("#too-small", Static).update(
                f"窗口太小（现在 {width}×{height}），请把终端窗口放大到至少 {MIN_SIZE[0]}×{MIN_SIZE[1]}。按 q 退出。"
            )
        self.set_class(small, "-too-small")
        self.set_class(height < SHORT_HEIGHT, "-short")
        self.set_class(height < TINY_HEIGHT, "-tiny")

    # ---------------------------------------------------------------- saving, reloading, quitting

    def action_save(self) -> None:
        self.save()

    def action_save_refused(self) -> None:
        self.save()  # the file did not load: the document refuses, with the reason

    def save(self, *, force: bool = False, then_exit: bool = False) -> None:
        from .components.choice_modal import ChoiceModal

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
        encoding = ""
        if self.doc.encoding:  # read as GBK/GB18030: written as UTF-8, said once
            encoding = f"，编码由 {self.doc.encoding} 改为 UTF-8"
            self.doc.encoding = ""
        self.say(f"已保存 {self.file_name}{backup}{encoding}", title="已保存")
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
        from .components.choice_modal import ChoiceModal

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
        from .components.choice_modal import ChoiceModal

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

        from .components.cell_edit_modal import CellEditModal

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
        lines = [f"已导出 {out}"] + [str(w) for w in warnings or []]  # one notification, the warnings in it
        self.say("\n".join(lines), title="已打印", severity="warning" if len(lines) > 1 else "information")


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

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]  # Textual asks for App[object]; App is invariant
            self.push_screen(CommandPalette(id="--command-palette", placeholder="输入文字查找命令……"))

    def _runner(self, action: str) -> Callable[[], Any]:
        async def run() -> None:
            await self.run_action(action)

        return run
