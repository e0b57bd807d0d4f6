"""``jixiao desk``: the review desk over the record (a Textual screen).

Only the standard library at module level; the record and Textual are
imported inside :func:`run`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ._common import EXIT_OK, EXIT_UNREADABLE

__all__ = ["register", "run"]

HELP = "复核台：在终端中查看一批表单（最差优先），调整得分、设置状态，保存到复核记录，写出复核文件"


def register(subparsers: Any) -> None:
    from ._store import add_db_argument

    p = subparsers.add_parser("desk", help=HELP, description=HELP + "。表单来自 jixiao review 保存的复核记录。")
    p.add_argument("--batch", type=int, metavar="N", help="第 N 批（jixiao review 结束时打印批次号）；默认最近一批")
    p.add_argument("--reviewer", metavar="复核人", help="记在每条决定上的复核人（默认取环境变量 JIXIAO_REVIEWER，否则为系统用户名）")
    p.add_argument("--reviews", metavar="文件夹", default="复核文件", help="按 w 写出的复核文件放在这个文件夹（默认 ./复核文件）")
    add_db_argument(p)
    p.set_defaults(func=run)


def _reviewer(given: str | None) -> str:
    if given:
        return given
    if os.environ.get("JIXIAO_REVIEWER"):
        return os.environ["JIXIAO_REVIEWER"]
    try:
        import getpass

        return getpass.getuser()
    except Exception:
        return ""


def run(args: argparse.Namespace) -> int:
    from ._store import open_from_args

    store = open_from_args(args, create=False)
    if store is None:
        return EXIT_UNREADABLE
    try:
        batch = store.batch(args.batch) if args.batch else store.latest_batch()
        if batch is None:
            which = f"第 {args.batch} 批" if args.batch else "任何一批"
            print(f"复核记录 {store.shown} 中没有{which}复核。请先用 jixiao review 复核一批表单。", file=sys.stderr)
            return EXIT_UNREADABLE
        if not sys.stdout.isatty() or not sys.stdin.isatty():
            print("jixiao desk 需要在终端中运行。", file=sys.stderr)
            return EXIT_UNREADABLE
        from jixiao.tui.components.desk_app import DeskApp

        DeskApp(store, int(batch["id"]), _reviewer(args.reviewer), Path(args.reviews)).run()
    finally:
        store.close()
    return EXIT_OK
