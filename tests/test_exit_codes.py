"""The exit statuses are defined in one module (jixiao.tui.exit_codes), and every command uses it."""

from __future__ import annotations

import ast
from pathlib import Path

from jixiao.tui import exit_codes

ROOT = Path(__file__).resolve().parent.parent


def test_the_three_statuses() -> None:
    assert (exit_codes.EXIT_OK, exit_codes.EXIT_FINDINGS, exit_codes.EXIT_UNREADABLE) == (0, 1, 2)
    assert exit_codes.EXIT_PROBLEMS == exit_codes.EXIT_FAILED == exit_codes.EXIT_FINDINGS
    assert exit_codes.EXIT_UNUSABLE == exit_codes.EXIT_UNREADABLE


def test_no_other_module_defines_an_exit_status() -> None:
    defined = []
    for folder in ("tui", "reports", "scoring", "indicators"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == ROOT / "tui" / "exit_codes.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.Assign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
                    defined += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.startswith("EXIT_")]
    assert defined == []
