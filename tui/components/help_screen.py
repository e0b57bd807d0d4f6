"""The help screen: the keys and what they do (text in ``tui/help.md``).

The Markdown is shown by a small renderer of its own (headings, paragraphs and
tables) rather than Textual's Markdown widget: the key column of each table is
never wrapped (it is as wide as its widest key), only the explanation column
wraps, and no Markdown parser is imported when the help opens.
"""

from __future__ import annotations

from importlib import resources

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def help_text() -> str:
    return (resources.files("jixiao.tui") / "help.md").read_text(encoding="utf-8")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _table(lines: list[str]) -> Table:
    header, rows = _cells(lines[0]), [_cells(line) for line in lines[2:]]  # lines[1] is |---|---|
    table = Table(show_edge=False, box=None, padding=(0, 2, 0, 0), header_style="bold", expand=False)
    for i, name in enumerate(header):
        last = i == len(header) - 1
        # every column but the last keeps its words on one line; the last wraps
        table.add_column(name, no_wrap=not last, overflow="fold" if last else "ellipsis", ratio=1 if last else None)
    for row in rows:
        table.add_row(*row)
    return table


def render_help(markdown: str) -> RenderableType:
    """The help text as Rich renderables: ``#`` headings, paragraphs (joined lines), ``|`` tables."""
    parts: list[RenderableType] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            title = line.lstrip("#").strip()
            parts.append(Text(title, style="bold underline" if level == 1 else "bold", justify="left"))
            parts.append(Text())
            i += 1
            continue
        if line.lstrip().startswith("|"):
            block = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                block.append(lines[i])
                i += 1
            parts.append(_table(block))
            parts.append(Text())
            continue
        paragraph = []
        while i < len(lines) and lines[i].strip() and not lines[i].startswith(("#", "|")):
            paragraph.append(lines[i].strip())
            i += 1
        parts.append(Text("".join(paragraph)))  # Chinese lines join without a space
        parts.append(Text())
    return Group(*parts)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "关闭"),
        Binding("q,question_mark,f1", "close", "关闭", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            with VerticalScroll(id="help-scroll"):
                yield Static(render_help(help_text()), id="help-text")
            yield Static("Esc 或 q 关闭帮助；↑↓ 翻看。", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
