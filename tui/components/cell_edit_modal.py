"""Edit one short value (a number, a target, a name) in an input box.

With a ``preview`` function the modal re-scores while the user types: each
keystroke shows what the row, the total and the grade would become.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..terminal import visible
from .type_ahead import TypeAhead


class CellEditModal(TypeAhead, ModalScreen[str | None]):
    """Enter keeps the text, Esc cancels (dismisses with None); Ctrl+A selects all of it."""

    BINDINGS = [
        Binding("escape", "cancel", "取消"),
        Binding("ctrl+a", "select_all", "全选", show=False, priority=True),
    ]

    def __init__(
        self,
        label: str,
        value: str,
        hint: str = "",
        *,
        cursor_blink: bool = True,
        preview: Callable[[str], Text] | None = None,
        placeholder: str = "",
    ):
        super().__init__()
        self.placeholder = placeholder
        self.label = label
        self.value = value
        self.hint = hint
        self.cursor_blink = cursor_blink
        self.preview = preview

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(f"编辑：{visible(self.label)}", classes="dialog-title", markup=False)
            field = Input(value=visible(self.value), id="cell-input", placeholder=self.placeholder)  # what is shown is what is kept
            field.cursor_blink = self.cursor_blink
            yield field
            if self.preview is not None:
                yield Static(id="preview", classes="dialog-preview")
            yield Static(self.hint or "回车确认，Esc取消。", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._show_preview(visible(self.value))
        self.type_ahead_ready()

    def typing_field(self) -> Input:
        return self.query_one(Input)

    def later_submit(self) -> None:
        self.call_later(self._close, keep=True)

    def _close(self, keep: bool) -> None:
        if self.is_current:  # not twice (Enter pressed twice in a burst)
            self.dismiss(self.query_one(Input).value if keep else None)

    def later_cancel(self) -> None:
        self.call_later(self._close, keep=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show_preview(event.value)

    def _show_preview(self, text: str) -> None:
        if self.preview is not None:
            self.query_one("#preview", Static).update(self.preview(text))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_select_all(self) -> None:
        self.query_one(Input).select_all()

    def action_cancel(self) -> None:
        self.later_cancel()
