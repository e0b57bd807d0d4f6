"""Pick the judged tier (档次) of a qualitative indicator from a list."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..terminal import visible

# what the form's ``tier`` key is set to, and what the list shows
TIER_CHOICES = [
    ("达成", "达成 — 达成年度指标（分值的 80%–100%）"),
    ("部分达成", "部分达成 — 部分达成年度指标并具有一定效果（60%–80%）"),
    ("未达成", "未达成 — 未达成年度指标且效果较差（60% 以下）"),
    ("", "不选择（清空档次）"),
]


class TierModal(ModalScreen[str | None]):
    """Dismisses with the chosen short label ('' clears), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "取消")]

    def __init__(self, name: str, current: str, labels: dict[str, str] | None = None):
        """``labels``: the text shown for each short tier label (e.g. with the row's point range)."""
        super().__init__()
        self.indicator_name = name
        self.current = current
        self.labels = labels or {}

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog dialog-wide"):
            yield Static(f"选择档次：{visible(self.indicator_name)}", classes="dialog-title", markup=False)
            options = [
                Option(Text(self.labels.get(value, label)), id=f"tier-{i}") for i, (value, label) in enumerate(TIER_CHOICES)
            ]
            yield OptionList(*options, id="tier-list")
            yield Static("↑↓ 选择，回车确认，Esc取消。", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        values = [v for v, _ in TIER_CHOICES]
        current = self.current.strip()
        options.highlighted = values.index(current) if current in values else 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(TIER_CHOICES[event.option_index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)
