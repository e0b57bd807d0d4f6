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
