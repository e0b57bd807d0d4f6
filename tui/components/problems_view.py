"""What is shown instead of the form when the file does not load."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from ..terminal import visible


class ProblemsView(Static):
    def show(self, problems: list[Any]) -> None:
        text = Text()
        text.append("无法读取表单，下列问题需要先改正：\n\n", style="bold red")
        for p in problems:
            text.append(f"• {visible(str(p))}\n")
        text.append(
            "\n本程序不会改写这个文件。请用文本编辑器改正以上问题，保存后按 Ctrl+R 重新载入；按 q 退出。",
            style="bold",
        )
        self.update(text)
