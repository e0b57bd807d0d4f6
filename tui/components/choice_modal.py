"""A question with a few answers, each with its own key (save / discard / cancel...)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..terminal import visible


class ChoiceModal(ModalScreen[str]):
    """Dismisses with the key of the chosen answer; Esc gives ``cancel``."""

    BINDINGS = [Binding("escape", "choose('cancel')", "取消")]

    def __init__(self, title: str, message: str, choices: list[tuple[str, str, str]], cancel: str = "cancel"):
        """``choices``: (key, label, variant); the key is also the keyboard shortcut."""
        super().__init__()
        self.title_text = title
        self.message = message
        self.choices = choices
        self.cancel = cancel

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(visible(self.title_text), classes="dialog-title", markup=False)
            yield Static(visible(self.message, multiline=True), classes="dialog-message", markup=False)
            with Horizontal(classes="dialog-buttons"):
                for key, label, variant in self.choices:
                    yield Button(Text(f"{label}（{key}）"), id=f"choice-{key}", variant=variant)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        for key, _, _ in self.choices:
            if event.key == key:
                event.stop()
                self.dismiss(key)
                return

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("choice-"))

    def action_choose(self, key: str) -> None:
        self.dismiss(self.cancel if key == "cancel" else key)
