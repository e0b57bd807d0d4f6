"""Atomic file writes: a failed save leaves the old file intact.

Write to a temporary file in the same folder, fsync it, then rename it over
the target (``os.replace`` is atomic on POSIX and Windows), then fsync the
folder so the rename itself survives a crash.  The new file keeps the old
file's permissions, or gets the umask's (as ``open`` would) when it is new.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, Any

__all__ = ["AtomicOutput", "atomic_write_bytes", "atomic_write_text", "publish"]


def _fsync_folder(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:  # e.g. Windows: folders cannot be opened
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def publish(tmp: str | Path, path: Path, *, backup: bool = False) -> None:
    """Rename a finished temporary file over ``path``.

    Mode: the old file's, or the umask's for a new file (``mkstemp`` makes
    0600).  With ``backup=True`` the previous version is first copied to
    ``path~``, so the backup exists even if the rename fails.
    """
    if path.exists():
        mode = path.stat().st_mode & 0o777
        if backup:
            shutil.copy2(path, path.with_name(path.name + "~"))
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        os.chmod(tmp, mode)
    except OSError:
        pass
    os.replace(tmp, path)
    _fsync_folder(path.parent if str(path.parent) else Path("."))


class AtomicOutput:
    """A file written in place of ``path`` only when everything went well.

    Streams into a temporary file in the same folder; on success fsyncs and
    renames it over ``path``; on failure removes it, leaving ``path`` as it was.
    Use as a context manager (``with AtomicOutput(p, "w", encoding="utf-8") as fh``).
    """

    def __init__(self, path: str | Path, mode: str = "w", *, backup: bool = False, **kw: Any):
        self.path = Path(path)
        self.backup = backup
        folder = self.path.parent if str(self.path.parent) else Path(".")
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        self.fh: IO[Any] = os.fdopen(fd, mode, **kw)

    def __enter__(self) -> IO[Any]:
        return self.fh

    def commit(self) -> None:
        try:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
            publish(self.tmp, self.path, backup=self.backup)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        try:
            self.fh.close()
        finally:
            try:
                os.unlink(self.tmp)
            except OSError:
                pass

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def atomic_write_bytes(path: str | Path, data: bytes, *, backup: bool = False) -> None:
    """Replace ``path`` with ``data`` atomically (``backup`` keeps ``path~``)."""
    with AtomicOutput(path, "wb", backup=backup) as fh:
        fh.write(data)


def atomic_write_text(path: str | Path, text: str, *, backup: bool = False) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), backup=backup)
