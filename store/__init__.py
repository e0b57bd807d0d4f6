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


def open_store(target: str | None = None) -> Store:
    """The record at ``target`` (a path or a postgresql:// URL; default :func:`default_location`), opened and migrated."""
    from pathlib import Path

    from .record import Store

    if not target:
        target = default_location()
        if "://" not in target:
            Path(target).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return Store.open(target)
