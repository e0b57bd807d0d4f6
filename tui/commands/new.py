"""``jixiao new -o FILE``: a blank, commented form to fill in."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ._common import EXIT_OK, EXIT_UNREADABLE

__all__ = ["register", "cmd_new"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("new", help="生成一张带注释的空白表单", description="生成一张带注释的空白表单")
    p.set_defaults(func=cmd_new)
    p.add_argument("--kind", choices=["department", "project"], default="department", help="部门整体 / 项目支出")
    p.add_argument("-o", "--output", required=True, help="输出文件")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    p.add_argument("--year", type=int, default=None, help="评价年度（默认为上一年度）")


def cmd_new(args: argparse.Namespace) -> int:
    from jixiao.indicators import template_text
    from jixiao.indicators.atomic import atomic_write_text
    from jixiao.indicators.safe_files import os_error_text
    from jixiao.indicators.schema import YEAR_MAX, YEAR_MIN

    out = Path(args.output)
    if out.exists() and not args.force:
        print(f"{out}：文件已存在，未覆盖。如确需覆盖，请加 --force。", file=sys.stderr)
        return EXIT_UNREADABLE
    year = getattr(args, "year", None)
    if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
        print(f"--year {year}：年度应在 {YEAR_MIN}—{YEAR_MAX} 之间。", file=sys.stderr)
        return EXIT_UNREADABLE
    text = template_text(args.kind, year)
    try:
        atomic_write_text(out, text)
    except OSError as exc:
        print(f"{out}：无法写入（{os_error_text(exc)}）。", file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"已生成模板：{out}。填写后运行 jixiao check {out} 检查。")
    return EXIT_OK
