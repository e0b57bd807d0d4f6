"""What every subcommand shares: the exit statuses and how unreadable input is reported.

Only the standard library is imported here (the loader's ``Problem`` only for
type checking), so importing a command module costs nothing.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jixiao.indicators.loader import Problem

from jixiao.tui.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE

__all__ = ["EXIT_OK", "EXIT_FINDINGS", "EXIT_UNREADABLE", "print_problems"]


def print_problems(problems: list[Problem], stream: Any = None, title: str = "无法读取表单：") -> None:
    stream = stream or sys.stderr
    print(title, file=stream)
    for p in problems:
        print(f"  {p}", file=stream)


# --kind: the form's type, in English as in the file or in Chinese as people say it
KIND_WORDS = {
    "department": "department",
    "部门": "department",
    "部门整体": "department",
    "部门整体支出": "department",
    "project": "project",
    "项目": "project",
    "项目支出": "project",
}
# jixiao new --kind targets: the approved 绩效目标表's template (not a form: only new takes it)
TARGETS_WORDS = {"targets": "targets", "绩效目标表": "targets", "目标表": "targets"}
KIND_CHOICES = list(dict.fromkeys(["部门", "项目", *KIND_WORDS]))  # what argparse accepts (after kind_arg: department or project)
KIND_HELP = "表单类型：部门（部门整体支出）或 项目（项目支出），也可写 department / project"


def kind_arg(text: str) -> str:
    """``--kind``'s value: 部门/部门整体/部门整体支出 -> department, 项目/项目支出 -> project; other text
    is left as it is for argparse to refuse (with the choices)."""
    word = text.strip().lower()
    return KIND_WORDS.get(word) or TARGETS_WORDS.get(word) or text
