"""``jixiao new -o FILE``: a blank, commented form to fill in.

``--kind targets`` writes the template of an approved 绩效目标表 (the
definitions); ``--from-targets T.toml`` starts the year-end form from one:
definitions filled, actuals empty, the definitions' content hash recorded in
``[targets]`` (see ``docs/targets.md``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ._common import EXIT_OK, EXIT_UNREADABLE, KIND_CHOICES, KIND_HELP, TARGETS_WORDS, kind_arg

__all__ = ["register", "cmd_new"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("new", help="生成一张带注释的空白表单", description="生成一张带注释的空白表单")
    p.set_defaults(func=cmd_new)
    p.add_argument(
        "--kind",
        type=kind_arg,
        choices=[*KIND_CHOICES, *TARGETS_WORDS],
        default="department",
        metavar="类型",
        help=KIND_HELP + "；或 绩效目标表（targets，年初批复的指标定义）",
    )
    p.add_argument("--from-targets", metavar="绩效目标表", help="依据批复的绩效目标表（.toml）生成年末自评表：指标值和分值照批复，完成值留空")
    p.add_argument("-o", "--output", required=True, help="输出文件")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    p.add_argument("--year", type=int, default=None, help="评价年度（默认为上一年度）")


def cmd_new(args: argparse.Namespace) -> int:
    from jixiao.indicators.atomic import atomic_write_text
    from jixiao.indicators.safe_files import os_error_text
    from jixiao.indicators.schema import YEAR_MAX, YEAR_MIN

    out = Path(args.output)
    source = getattr(args, "from_targets", None)
    if source:
        from ._paths import refuse_overwrite

        refused = refuse_overwrite(out, [source])
        if refused:
            print(refused, file=sys.stderr)
            return EXIT_UNREADABLE
    if out.exists() and not args.force:
        print(f"{out}：文件已存在，未覆盖。如确需覆盖，请加 --force。", file=sys.stderr)
        return EXIT_UNREADABLE
    year = getattr(args, "year", None)
    if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
        print(f"--year {year}：年度应在 {YEAR_MIN}—{YEAR_MAX} 之间。", file=sys.stderr)
        return EXIT_UNREADABLE
    if source:
        from jixiao.indicators.loader import FormError

        from ._common import print_problems

        try:
            text = _from_targets(Path(source), out)
        except FormError as exc:
            print_problems(exc.problems, title="无法读取绩效目标表：")
            return EXIT_UNREADABLE
    else:
        from jixiao.indicators import template_text

        text = template_text(args.kind, year)
    try:
        atomic_write_text(out, text)
    except OSError as exc:
        print(f"{out}：无法写入（{os_error_text(exc)}）。", file=sys.stderr)
        return EXIT_UNREADABLE
    if source:
        print(f"已依据绩效目标表 {source} 生成自评表：{out}。年末填写实际完成值后运行 jixiao check {out} --targets {source} 检查。")
    elif args.kind == "targets":
        print(f"已生成绩效目标表模板：{out}。填写后运行 jixiao targets check {out} 检查。")
    else:
        print(f"已生成模板：{out}。填写后运行 jixiao check {out} 检查。")
    return EXIT_OK


def _from_targets(source: Path, out: Path) -> str:
    """The year-end form's text; FormError (exit 2 with every problem) when the definitions cannot be read."""
    import os

    from jixiao.indicators.importing.targets import load_targets_file
    from jixiao.indicators.targets import form_text, targets_digest

    targets = load_targets_file(source)  # a .toml, or a 绩效目标表 imported from a workbook, Word file or PDF
    try:  # named from the form's folder, as the form's other paths are
        file = os.path.relpath(source.resolve(), out.resolve().parent)
    except ValueError:  # another drive (Windows)
        file = str(source.resolve())
    return form_text(targets, Path(file).as_posix(), targets_digest(targets))
