"""``jixiao rules list|show ID``: the bundled rule sets and their text."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ._common import EXIT_OK, EXIT_UNREADABLE, print_problems

__all__ = ["register", "cmd_rules"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "rules", help="查看规则集", description="查看规则集：jixiao rules 列出内置规则集，jixiao rules show ID 显示其内容"
    )
    p.set_defaults(func=cmd_rules)
    p.add_argument("action", choices=["list", "show"], nargs="?", default="list", help="list 列出（默认）；show 显示一个规则集")
    p.add_argument("id", nargs="?", help="规则集 ID 或文件路径")


def cmd_rules(args: argparse.Namespace) -> int:
    from jixiao.indicators.loader import FormError
    from jixiao.scoring.rules import bundled_ids, load_rules, setting_text
    from jixiao.tui.textable import render_table

    if args.action == "list":
        rows = []
        for rid in bundled_ids():
            rules = load_rules(rid)
            rows.append([rid, rules.name, rules.extends or "—", rules.sha256[:12]])
        print(render_table(["规则集", "名称", "继承自", "SHA-256"], rows, max_width=30))
        return EXIT_OK
    if not args.id:
        print("请给出规则集：jixiao rules show central-2020", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        rules = load_rules(args.id, Path.cwd())
    except FormError as exc:
        print_problems(exc.problems, title="无法读取规则集：")
        return EXIT_UNREADABLE
    print(f"# 规则集 {rules.id}（{rules.name}）" + (f"，继承自 {rules.extends}" if rules.extends else ""))
    print(f"# 出处：{rules.source}")
    print("# 以下为生效的每一项设置（含继承与默认值）及其出处\n")
    for key, value, source in rules.settings():
        print(f"{key} = {setting_text(value)}")
        print(f"    # 出处：{source}")
    print(f"\n# 生效取值的摘要 sha256 = {rules.sha256}")
    return EXIT_OK
