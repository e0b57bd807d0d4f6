"""``jixiao export FORM -o X.xlsx``: the form in the official layout as an Excel workbook.

Only the standard library is imported at module level; openpyxl and the
engine are imported when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from jixiao.tui.exit_codes import EXIT_OK, EXIT_UNREADABLE

__all__ = ["register", "cmd_export"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "export",
        help="导出为官方表式的 Excel 自评表（.xlsx），可再用 jixiao import 读回",
        description=(
            "把自评表导出为官方表式的 Excel 工作簿（横向 A4，按页宽缩放，指标表头每页重复）："
            "第一张工作表“自评表”为表单本身，得分默认为单位填报的得分；第二张“复算”列出每项的填报与复算得分、"
            "总分、等级和发现项。导出的文件可用 jixiao import 读回同一张表单。"
        ),
    )
    p.add_argument("form", help="表单文件（.toml，格式 1；或 .xlsx/.xls/.csv/.txt，导入后按官方表式导出）")
    p.add_argument("-o", "--output", help="输出的 Excel 文件（.xlsx；默认与表单同名 .xlsx）")
    p.add_argument("--rules", help="规则集 ID 或规则文件路径（默认用表单中 rules 指定的）")
    p.add_argument(
        "--scores",
        choices=["claimed", "computed"],
        default="claimed",
        help="“自评表”中得分一栏填什么：claimed 单位填报的得分（默认，即单位自己的表），computed 复算得分",
    )
    p.add_argument("--force", action="store_true", help="输出文件已存在时覆盖")
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from jixiao.indicators.loader import FormError
    from jixiao.indicators.safe_files import output_is_input
    from jixiao.scoring.loading import score_file

    src = Path(args.form)
    out = Path(args.output) if args.output else src.with_suffix(".xlsx")
    if out.is_dir():
        out = out / (src.stem + ".xlsx")
    if out.suffix.lower() != ".xlsx":
        print(f"{out}：输出文件应以 .xlsx 结尾（导出的是 Excel 工作簿）。", file=sys.stderr)
        return EXIT_UNREADABLE
    clash = output_is_input(out, [src])
    if clash:
        print(f"{out}：这是输入的表单文件本身，不会覆盖。请用 -o 给出另一个输出文件。", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        result = score_file(src, args.rules)
    except FormError as exc:
        from jixiao.tui.cli import print_problems

        form_only = all(p.file == str(src) for p in exc.problems)
        print_problems(exc.problems, title="无法读取表单：" if form_only else "无法读取：")
        return EXIT_UNREADABLE
    if out.exists() and not args.force:
        print(f"{out}：文件已存在，未覆盖。如确需覆盖，请加 --force。", file=sys.stderr)
        return EXIT_UNREADABLE
    from jixiao.reports.export_xlsx import export_form

    try:
        warnings = export_form(result, out, scores=args.scores)
    except OSError as exc:
        folder = out.parent
        advice = f"所在的文件夹 {folder} 不存在，请先创建或换一个路径" if not folder.is_dir() else "请检查路径和写入权限"
        print(f"{out}：无法写入（{exc.strerror or exc}）：{advice}。", file=sys.stderr)
        return EXIT_UNREADABLE
    for line in warnings:
        print(f"提示：{line}", file=sys.stderr)
    what = "填报得分" if args.scores == "claimed" else "复算得分"
    msg = f"已导出：{out}（“自评表”中为{what}；“复算”工作表：复算总分 {_fmt(result.total)}"
    msg += f"，发现项 {len(result.findings)} 条，其中错误 {result.errors} 条）" if result.findings else "，没有发现项）"
    print(msg)
    return EXIT_OK


def _fmt(value: Any) -> str:
    from jixiao.scoring.engine import fmt

    return fmt(value)
