"""The record's option (``--db``) shared by ``review``, ``history`` and ``desk``, and opening it.

Only the standard library at module level: SQLAlchemy is imported when the
record is opened.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

DB_HELP = (
    "复核记录（数据库）：SQLite 文件路径，或 postgresql://用户@主机/数据库；"
    "默认取环境变量 JIXIAO_DB，否则为用户数据目录下的 jixiao/复核记录.db"
)


def add_db_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="数据库", help=DB_HELP)


def open_from_args(args: argparse.Namespace, create: bool = True) -> Any:
    """The record named by ``--db`` (or the default), opened; None after printing why not (exit status 2).

    ``create=False``: a record that does not exist yet is not made (history, desk only read it)."""
    from jixiao.store import StoreError, open_store

    try:
        return open_store(args.db, create)
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return None
    except OSError as exc:  # the default folder cannot be made
        from jixiao.indicators.safe_files import os_error_text

        print(f"无法创建复核记录所在的文件夹（{os_error_text(exc)}）。请用 --db 指定一个路径。", file=sys.stderr)
        return None
