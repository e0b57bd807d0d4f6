"""The bureau's record: every submission read and every review decision, kept across years.

SQLite by default (a file, nothing to install), PostgreSQL by URL, through
SQLAlchemy Core with Alembic migrations (``migrations/``, run when the record
is opened).  Layers: tui -> reports -> store -> scoring -> indicators; the
engine never imports this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .db import ENV, StoreError, default_location, shown

if TYPE_CHECKING:
    from .record import Store

__all__ = ["open_store", "StoreError", "default_location", "ENV", "shown"]


def open_store(target: str | None = None, create: bool = True) -> Store:
    """The record at ``target`` (a path or a postgresql:// URL; default :func:`default_location`), opened and migrated.

    ``create=False`` (the commands that only read it: history, desk): a SQLite file that does not
    exist is not made, :class:`StoreError` says so.
    """
    from pathlib import Path

    from .record import Store

    if not target:
        target = default_location()
        if "://" not in target and create:
            Path(target).expanduser().parent.mkdir(parents=True, exist_ok=True)
    if not create and "://" not in target and not Path(target).expanduser().exists():
        raise StoreError(f"复核记录 {target} 不存在。请先用 jixiao review 复核一批表单（会建立记录），或用 --db 指定已有的记录。")
    return Store.open(target)
