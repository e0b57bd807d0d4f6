"""``jixiao history --unit NAME``: a unit's forms in the record, per year and version.

Only the standard library at module level; the record (SQLAlchemy) is opened
inside :func:`run`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._common import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE

__all__ = ["register", "run", "HEADERS", "history_rows"]

HELP = "查看复核记录中一个单位历年的表单：各年各版本的填报、复算、复核总分，等级，发现项数和状态"

# (column, key of Store.history's rows)
COLUMNS = [
    ("年度", "year"), ("版本", "version"), ("项目", "project"), ("填报总分", "claimed_total"),
    ("复算总分", "computed_total"), ("复核总分", "reviewed_total"), ("等级", "grade"), ("发现项", "findings"),
    ("状态", "status"), ("文件", "file"),
]
HEADERS = [c for c, _ in COLUMNS]


def register(subparsers: Any) -> None:
    from ._store import add_db_argument

    p = subparsers.add_parser("history", help=HELP, description=HELP + "。数据来自 jixiao review 保存的复核记录。")
    p.add_argument("--unit", required=True, metavar="单位", help="单位名称（与表单中的单位名称一致）")
    p.add_argument("--project", metavar="项目", help="只看这个项目（项目支出表）；默认全部")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table", help="输出格式（默认 table）")
    add_db_argument(p)
    p.set_defaults(func=run)


def history_rows(rows: list[dict[str, Any]]) -> list[list[str]]:
    import os

    from jixiao.scoring.vocabulary import NONE_MARK

    here = os.getcwd() + os.sep
    out = []
    for r in rows:
        cells = []
        for _, key in COLUMNS:
            value = r.get(key)
            if key == "file" and isinstance(value, str) and value.startswith(here):  # shorter: below this folder
                value = value[len(here) :]
            cells.append(NONE_MARK if value in (None, "") and key not in ("project", "file") else str(value if value is not None else ""))
        out.append(cells)
    return out


def run(args: argparse.Namespace) -> int:
    from ._store import open_from_args

    store = open_from_args(args, create=False)
    if store is None:
        return EXIT_UNREADABLE
    try:
        rows = store.history(args.unit, args.project)
        if not rows:
            near = store.units_like(args.unit)
            hint = f"记录中相近的单位：{'、'.join(near)}。" if near else "请先用 jixiao review 复核该单位的表单。"
            what = f"单位 “{args.unit}”" + (f" 项目 “{args.project}”" if args.project else "")
            print(f"复核记录 {store.shown} 中没有{what}的表单。{hint}", file=sys.stderr)
            return EXIT_FINDINGS
    finally:
        store.close()
    if args.format == "json":
        import json

        from jixiao.tui.terminal import json_text

        text = json.dumps({"unit": args.unit, "project": args.project, "forms": rows}, ensure_ascii=False, indent=2)
        print(json_text(text) if sys.stdout.isatty() else text)
        return EXIT_OK
    if args.format == "csv":
        import csv

        from jixiao.reports.tables import csv_text

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["单位"] + HEADERS)
        for r, cells in zip(rows, history_rows(rows)):
            writer.writerow([csv_text(r["unit"])] + [csv_text(c) for c in cells])
        return EXIT_OK
    from jixiao.tui.textable import render_table

    print(f"{args.unit}" + (f" · {args.project}" if args.project else "") + f"：{len(rows)} 份表单（复核记录 {store.shown}）")
    print(render_table(HEADERS, history_rows(rows), ["right", "right", "left", "right", "right", "right", "left", "right", "left", "left"]))
    return EXIT_OK
