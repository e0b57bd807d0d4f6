"""The full text of the highlighted row or field, and its findings.

It sits in a scrolling box of limited height (``#detail-box`` in app.tcss): what
does not fit scrolls (mouse wheel, or Tab to it and ↑↓) instead of being cut.
"""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static


class DetailBox(VerticalScroll, can_focus=True):
    """The scrolling box around the detail text."""


class DetailPanel(Static):
    def show(self, text: Text) -> None:
        self.update(text)
