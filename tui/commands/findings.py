"""``jixiao findings``: every finding code and what it means (from the catalogue)."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import EXIT_OK

__all__ = ["register", "cmd_findings"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("findings", help="列出所有发现项代码及含义", description="列出所有发现项代码及含义")
    p.set_defaults(func=cmd_findings)


def cmd_findings(args: argparse.Namespace) -> int:
    from jixiao.scoring.findings import CATALOG, SEVERITY_ZH

    for code, rule in CATALOG.items():
        print(f"{code}  [{SEVERITY_ZH[rule.severity]}] {rule.title}")
        print(f"    {rule.meaning}")
    return EXIT_OK
