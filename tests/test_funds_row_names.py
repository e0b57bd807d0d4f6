"""The funds rows' names are defined once (indicators.schema.FUNDS_ROW_NAMES); every output reads them."""

from __future__ import annotations

import ast
from pathlib import Path

from jixiao.indicators.schema import FUNDS_ROW_HEADINGS, FUNDS_ROW_NAMES, FUNDS_ROWS

ROOT = Path(__file__).resolve().parent.parent


def test_the_names_and_the_printed_headings() -> None:
    assert tuple(FUNDS_ROW_NAMES) == FUNDS_ROWS
    assert FUNDS_ROW_NAMES["total"] == "年度资金总额" and FUNDS_ROW_HEADINGS["appropriation"] == "其中：当年财政拨款"
    assert {k: v.removeprefix("其中：") for k, v in FUNDS_ROW_HEADINGS.items()} == FUNDS_ROW_NAMES


def test_no_other_module_writes_the_row_names_again() -> None:
    """A dict of the four rows' names (with or without 其中：) is a second copy of them (a row's words
    for matching an imported table, with their synonyms, are lists of pairs and do not count)."""
    copies = []
    for folder in ("indicators", "scoring", "reports", "tui", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == ROOT / "indicators" / "schema.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Dict) and all(isinstance(k, ast.Constant) for k in node.keys):
                    pairs = {k.value: v.value for k, v in zip(node.keys, node.values)
                             if isinstance(k, ast.Constant) and isinstance(v, ast.Constant) and isinstance(v.value, str)}
                    names = {k: v.removeprefix("其中：").strip(" \u3000") for k, v in pairs.items()}
                    if names == FUNDS_ROW_NAMES:  # short forms (资金总额 in a narrow table) are other words
                        copies.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert copies == []
