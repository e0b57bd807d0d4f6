"""The full text of the highlighted row or field, and its findings."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class DetailPanel(Static):
    def show(self, text: Text) -> None:
        self.update(text)
