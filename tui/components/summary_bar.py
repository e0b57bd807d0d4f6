"""Total and grade, always visible: computed, and what the form claims."""

from __future__ import annotations

from typing import Any

from jixiao.scoring.vocabulary import NO_GRADE, percent
from rich.text import Text
from textual.widgets import Static

from ..terminal import visible


class SummaryBar(Static):
    def show(self, result: Any, fmt: Any) -> None:
        text = Text()
        text.append(" 总分 ")
        text.append(fmt(result.total), style="bold")
        text.append("  等级 ")
        text.append(result.grade or NO_GRADE, style="bold")
        claimed_total = fmt(result.claimed_total) if result.claimed_total is not None else "—"
        text.append(f"（填报 {claimed_total}/{visible(result.claimed_grade) or '—'}）")
        rate = result.funds.rate
        rate_text = percent(rate)
        text.append(f"  执行率 {rate_text}")
        text.append(" │ ")
        errors, warnings = result.errors, result.warnings
        infos = len(result.findings) - errors - warnings
        text.append(f"错误{errors}", style="bold red" if errors else "")
        text.append("  ")
        text.append(f"警告{warnings}", style="bold yellow" if warnings else "")
        text.append(f"  提示{infos}")
        self.update(text)
