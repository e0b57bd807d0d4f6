"""The findings of the current result; selecting one jumps to its field."""

from __future__ import annotations

from typing import Any

from jixiao.scoring.findings import CATALOG
from jixiao.scoring.locations import finding_place, place
from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..terminal import visible
from .labels import SEVERITY_ZH

STYLE = {"error": "bold red", "warning": "bold yellow", "info": "dim"}


def where(loc: tuple[Any, ...], names: dict[int, str]) -> str:
    """Short Chinese location: 第9项 参保人满意度, 资金, 填报总分... (the printed outputs use the same)."""
    return place(loc, names)


def finding_text(f: Any, names: dict[int, str]) -> Text:
    """One finding as a clerk reads it: severity, place, message, and the finding's Chinese title
    (never its code: codes are for the command line's listing and --format json)."""
    text = Text()
    text.append(f"[{SEVERITY_ZH[f.severity]}]", style=STYLE[f.severity])
    text.append(f" {visible(finding_place(f, names))}：", style="bold")
    text.append(visible(f.message))
    rule = CATALOG.get(f.code)
    if rule is not None:
        text.append(f"（{rule.title}）", style="dim")
    return text


class FindingsPanel(OptionList):
    class Jump(Message):
        def __init__(self, loc: tuple[Any, ...]):
            super().__init__()
            self.loc = loc

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.locs: list[tuple[Any, ...]] = []
        self._prompts: list[Any] = []

    def show(self, result: Any) -> None:
        highlighted = self.highlighted
        names = {r.index: r.name for r in result.indicators}
        options = []
        self.locs = []
        for i, f in enumerate(result.findings):
            options.append(Option(finding_text(f, names), id=f"finding-{i}"))
            self.locs.append(f.loc)
        prompts = [o.prompt for o in options]
        if prompts != self._prompts:  # rebuilding the list is the slow part: only when it changed
            self.set_options(options)
            self._prompts = prompts
        errors, warnings = result.errors, result.warnings
        infos = len(result.findings) - errors - warnings
        self.border_title = f"发现项 {len(result.findings)} 条（错误 {errors}，警告 {warnings}，提示 {infos}）"
        if not result.findings:
            self.border_title = "发现项：无"
        if highlighted is not None and self.option_count:
            self.highlighted = min(highlighted, self.option_count - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.locs):
            self.post_message(self.Jump(self.locs[event.option_index]))
