"""``jixiao demo``: score the bundled example (株洲市社会保险服务中心 2021 年度自评表)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ._common import EXIT_OK, EXIT_UNREADABLE

__all__ = ["register", "cmd_demo"]


def register(subparsers: Any) -> None:
    help_text = "对内置示例（株洲市社会保险服务中心 2021 年度自评表）评分"
    p = subparsers.add_parser("demo", help=help_text, description=help_text)
    p.add_argument("-o", "--output", metavar="文件",
                   help="另存一份示例表单到此文件（不覆盖已有文件），可用来试填、打印、签章")
    p.set_defaults(func=cmd_demo, rules=None, format="table")


def cmd_demo(args: argparse.Namespace) -> int:
    from jixiao.indicators import example_path

    from .score import score_command

    if getattr(args, "output", None):
        return _write_copy(example_path(), args.output)
    args.form = str(example_path())
    args.display_name = "seed-2021.toml（内置示例）"
    print("示例：株洲市社会保险服务中心 2021 年度部门整体支出绩效自评表（据公开决算转录）\n")
    score_command(args)
    print(
        "\n说明：印刷件上“参保人满意度”目标为“大于等于95%”、完成“大于95%”，按规则应得满分 10 分，"
        "却填了 9.5 分且未写偏差原因，所以复算总分为 100.00，而非印刷的 99.50。"
    )
    print(f"示例文件位置：{args.form}（jixiao demo -o 示例.toml 可另存一份来试用）")
    return EXIT_OK


def _write_copy(source: Path, output: str) -> int:
    """Write the bundled example to ``output``, never over an existing file."""
    from jixiao.indicators.atomic import atomic_write_text

    target = Path(output)
    if target.exists():
        print(f"{output}：文件已存在，未覆盖。请换一个文件名。", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        atomic_write_text(target, source.read_text(encoding="utf-8"))
    except OSError as exc:
        print(f"{output}：无法写入（{exc}）。请检查文件夹是否存在、是否有写权限。", file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"已另存示例表单：{output}（株洲市社会保险服务中心 2021 年度，可用 jixiao edit {output} 打开）")
    return EXIT_OK
