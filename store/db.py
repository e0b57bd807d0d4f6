"""Opening the record: a SQLite file (the default) or a PostgreSQL URL, migrated to this version.

Nothing here is imported by a command that does not use the record: SQLAlchemy
and Alembic are loaded only when :func:`open_store` runs.

A path that is not a database, or a database of another program, is refused
with :class:`StoreError` before anything is written to it.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# the newest migration (migrations/versions); a test checks it is Alembic's head
HEAD = "0002"
SQLITE_MAGIC = b"SQLite format 3\x00"
ENV = "JIXIAO_DB"
BUSY_TIMEOUT_S = 60
MIGRATION_LOCK = 0x6A6978  # PostgreSQL advisory lock key held while migrating ("jix")


class StoreError(Exception):
    """The record cannot be opened or used: a Chinese message for the user (exit status 2)."""


def default_location() -> str:
    """Where the record is when no ``--db`` is given: ``$JIXIAO_DB``, else the user's data folder.

    ``$XDG_DATA_HOME/jixiao/复核记录.db`` (``~/.local/share/jixiao/…``) on Linux,
    ``%APPDATA%\\jixiao\\…`` on Windows, ``~/Library/Application Support/jixiao/…`` on macOS.
    """
    env = os.environ.get(ENV, "").strip()
    if env:
        return env
    if os.name == "nt":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif os.uname().sysname == "Darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return str(base / "jixiao" / "复核记录.db")


def is_url(target: str) -> bool:
    return "://" in target


def shown(target: str) -> str:
    """The record's name as printed: a URL without its password."""
    if not is_url(target):
        return target
    from sqlalchemy.engine import make_url

    try:
        return make_url(target).render_as_string(hide_password=True)
    except Exception:
        return target.split("://", 1)[0] + "://…"


@dataclass
class Opened:
    engine: Any
    target: str  # as given (path or URL)
    shown: str  # as printed
    sqlite: bool


def _check_sqlite_file(path: Path) -> bool:
    """Refuse what is not jixiao's record, reading only; True when the file is new (absent or empty)."""
    name = str(path)
    if path.is_dir():
        raise StoreError(f"{name}：这是一个文件夹，不是复核记录文件。请用 --db 指定一个文件名（如 复核记录.db）。")
    if not path.exists():
        if not path.parent.is_dir():
            raise StoreError(f"{name}：所在的文件夹 {path.parent} 不存在。请先创建文件夹，或用 --db 换一个路径。")
        return True
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"{name}：无法读取复核记录（{exc.strerror or exc}）。") from None
    if not head:
        return True
    if head != SQLITE_MAGIC:
        raise StoreError(
            f"{name}：不是数据库文件，不能作为复核记录（未写入任何内容）。"
            "请用 --db 指定 jixiao 的复核记录文件，或一个新的文件名。"
        )
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:
                return True
            app = None
            if "jixiao_meta" in tables:
                row = conn.execute("SELECT value FROM jixiao_meta WHERE key = 'application'").fetchone()
                app = row[0] if row else None
            if app != "jixiao":
                raise StoreError(
                    f"{name}：这是另一个程序的数据库，不是 jixiao 的复核记录（未写入任何内容）。"
                    "请用 --db 指定 jixiao 的复核记录文件，或一个新的文件名。"
                )
            _check_revision(name, conn.execute("SELECT version_num FROM alembic_version").fetchall()
                            if "alembic_version" in tables else [])
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{name}：数据库文件已损坏或无法读取（{exc}），未写入任何内容。") from None
    return False


def _known_revisions() -> set[str]:
    folder = Path(__file__).resolve().parent / "migrations" / "versions"
    return {p.name.split("_", 1)[0] for p in folder.glob("[0-9]*.py")}


def _check_revision(name: str, rows: list[Any]) -> None:
    for (rev,) in rows:
        if rev not in _known_revisions():
            raise StoreError(
                f"{name}：复核记录由更新版本的 jixiao 创建（数据库版本 {rev}），本版本无法使用。请升级 jixiao。"
            )


def _sqlite_engine(path: Path) -> Any:
    from sqlalchemy import create_engine, event

    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _connect(dbapi: Any, _record: Any) -> None:
        dbapi.isolation_level = None  # transactions begun below, not by the driver
        cur = dbapi.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer
        cur.execute("PRAGMA synchronous = NORMAL")  # WAL: a crash loses at most the last commits, never consistency
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # a write takes the lock at its start: two writers queue on the busy timeout
        # instead of failing when a read lock would have to become a write lock
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("jixiao_write") else "BEGIN")

    return engine


def _pg_engine(url: str) -> Any:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    try:
        u = make_url(url)
    except Exception:
        raise StoreError(f"{shown(url)}：不是有效的数据库地址。PostgreSQL 的写法：postgresql://用户@主机/数据库") from None
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    if not u.drivername.startswith("postgresql"):
        raise StoreError(f"{shown(url)}：只支持 SQLite 文件路径或 postgresql:// 地址。")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise StoreError("使用 PostgreSQL 需要安装 psycopg：pip install 'jixiao[postgres]'。") from None
    return create_engine(u, pool_pre_ping=True)


def migrate(engine: Any) -> None:
    """Bring the schema to :data:`HEAD` with Alembic (no alembic.ini: the configuration is made here)."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        if "alembic_version" in names:
            current = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
            if current == {HEAD}:
                return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).resolve().parent / "migrations"))
    with engine.connect().execution_options(jixiao_write=True) as conn:
        with conn.begin():
            if conn.dialect.name == "postgresql":
                # two reviewers opening a new record at once: one migrates, the other then finds it done
                # (SQLite: BEGIN IMMEDIATE has already made this transaction the only writer)
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


def open_engine(target: str) -> Opened:
    """Check, open and migrate the record at ``target`` (a path or a postgresql:// URL)."""
    from sqlalchemy.exc import SQLAlchemyError

    if is_url(target):
        engine = _pg_engine(target)
        try:
            with engine.connect() as conn:
                from sqlalchemy import inspect, text

                names = set(inspect(conn).get_table_names())
                if names and "jixiao_meta" not in names:
                    raise StoreError(f"{shown(target)}：这是另一个程序的数据库，不是 jixiao 的复核记录（未写入任何内容）。请换一个数据库。")
                if "jixiao_meta" in names:
                    row = conn.execute(text("SELECT value FROM jixiao_meta WHERE key = 'application'")).fetchone()
                    if not row or row[0] != "jixiao":
                        raise StoreError(f"{shown(target)}：这是另一个程序的数据库，不是 jixiao 的复核记录（未写入任何内容）。")
                if "alembic_version" in names:
                    _check_revision(shown(target), list(conn.execute(text("SELECT version_num FROM alembic_version"))))
            migrate(engine)
        except StoreError:
            engine.dispose()
            raise
        except SQLAlchemyError as exc:
            engine.dispose()
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise StoreError(f"{shown(target)}：无法连接或使用 PostgreSQL 数据库（{reason}）。") from None
        return Opened(engine, target, shown(target), False)
    path = Path(target).expanduser()
    _check_sqlite_file(path)
    engine = _sqlite_engine(path)
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"{target}：无法使用复核记录（{getattr(exc, 'orig', None) or exc}）。") from None
    return Opened(engine, target, str(path), True)
