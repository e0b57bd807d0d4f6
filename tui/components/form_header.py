"""The form header: year, kind, unit (and project), rule set, file."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from ..terminal import visible
from .labels import KIND_ZH


class FormHeader(Static):
    def show(self, result: Any, file_name: str, dirty: bool, is_new: bool) -> None:
        form = result.form
        text = Text()
        year = f"{form.year}年度" if form.year else ""  # a form may print no year: never "None年度"
        text.append(f"{year}{KIND_ZH.get(form.kind, form.kind)}绩效自评表", style="bold")
        text.append("  单位：")
        text.append(visible(form.unit.name) or "（未填写）", style="bold")
        if form.kind == "project":
            text.append("  项目：")
            text.append(visible(form.unit.project) or "（未填写）", style="bold")
        text.append(visible(f"  规则集：{result.rules.id}（{result.rules.name}）"))
        text.append(visible(f"  文件：{file_name}"))
        if is_new:
            text.append("  [新建，未保存]", style="bold yellow")
        elif dirty:
            text.append("  [已修改]", style="bold yellow")
        self.update(text)

    def show_plain(self, message: str) -> None:
        self.update(Text(visible(message, multiline=True), style="bold"))
