"""Edit a long text (a deviation note, the overall goal) in a multi-line editor."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from ..terminal import visible
from .type_ahead import TypeAhead


class TextEditModal(TypeAhead, ModalScreen[str | None]):
    """Ctrl+S keeps the text, Esc cancels; Enter is a new line; Ctrl+A selects all."""

    BINDINGS = [
        Binding("ctrl+s", "keep", "确定", priority=True),
        Binding("escape", "cancel", "取消"),
        Binding("ctrl+a", "select_all", "全选", show=False, priority=True),
    ]

    def __init__(self, label: str, value: str, *, cursor_blink: bool = True):
        super().__init__()
        self.label = label
        self.value = value
        self.cursor_blink = cursor_blink

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog dialog-wide"):
            yield Static(f"编辑：{visible(self.label)}", classes="dialog-title", markup=False)
            area = TextArea(visible(self.value, multiline=True), id="text-area", soft_wrap=True, show_line_numbers=False)
            area.cursor_blink = self.cursor_blink
            yield area
            yield Static("Ctrl+S 确定，Esc取消；回车换行；Ctrl+A 全选。", classes="dialog-hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        self.type_ahead_ready()

    def typing_field(self) -> TextArea:
        return self.query_one(TextArea)

    def action_keep(self) -> None:
        self.later_keep()

    def later_keep(self) -> None:
        # after the keys typed before Ctrl+S that are still on their way to this dialog
        self.call_later(self._close, keep=True)

    def _close(self, keep: bool) -> None:
        if self.is_current:  # not twice (Ctrl+S pressed twice in a burst)
            self.dismiss(self.query_one(TextArea).text if keep else None)

    def later_cancel(self) -> None:
        self.call_later(self._close, keep=False)

    def action_select_all(self) -> None:
        self.query_one(TextArea).select_all()

    def action_cancel(self) -> None:
        self.later_cancel()
