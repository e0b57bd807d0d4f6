"""The help screen: the keys and what they do (text in ``tui/help.md``)."""

from __future__ import annotations

from importlib import resources

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static


def help_text() -> str:
    return (resources.files("tui") / "help.md").read_text(encoding="utf-8")


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "关闭"),
        Binding("q,question_mark,f1", "close", "关闭", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            with VerticalScroll(id="help-scroll"):
                yield Markdown(help_text(), id="help-text")
            yield Static("Esc 或 q 关闭帮助；↑↓ 翻看。", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
