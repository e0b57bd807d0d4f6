"""``jixiao demo``: score the bundled example (株洲市社会保险服务中心 2021 年度自评表)."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import EXIT_OK

__all__ = ["register", "cmd_demo"]


def register(subparsers: Any) -> None:
    help_text = "对内置示例（株洲市社会保险服务中心 2021 年度自评表）评分"
    p = subparsers.add_parser("demo", help=help_text, description=help_text)
    p.set_defaults(func=cmd_demo, rules=None, format="table")


def cmd_demo(args: argparse.Namespace) -> int:
    from jixiao.indicators import example_path

    from .score import score_command

    args.form = str(example_path())
    args.display_name = "seed-2021.toml（内置示例）"
    print("示例：株洲市社会保险服务中心 2021 年度部门整体支出绩效自评表（据公开决算转录）\n")
    score_command(args)
    print(
        "\n说明：印刷件上“参保人满意度”目标为“大于等于95%”、完成“大于95%”，按规则应得满分 10 分，"
        "却填了 9.5 分且未写偏差原因，所以复算总分为 100.00，而非印刷的 99.50。"
    )
    print(f"示例文件位置：{args.form}（可复制后用 jixiao score 评分）")
    return EXIT_OK
