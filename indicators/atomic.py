"""Atomic file writes: a failed save leaves the old file intact.

Write to a temporary file in the same folder, fsync it, then rename it over
the target (``os.replace`` is atomic on POSIX and Windows), then fsync the
folder so the rename itself survives a crash.  The new file keeps the old
file's permissions, or gets the umask's (as ``open`` would) when it is new.
Written through a symbolic link, the file the link points to is replaced
(the link stays a link, as with ``open``).

The backup ``FILE~`` is written the same way (copied into a temporary file,
fsynced, renamed over ``FILE~``), so a save killed at any moment leaves both
``FILE`` and ``FILE~`` complete.  Temporary files are named ``.FILE.*.tmp`` (FILE cut by bytes so that the name fits);
one left behind by a killed save is removed by the next save of the same
file.  A temporary file that is still being written is never removed: a
writer holds an exclusive ``flock`` on its temporary file (where the system
has ``flock``; elsewhere only files older than an hour are removed).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from .safe_files import NAME_BYTES, cut_to_bytes

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["AtomicOutput", "atomic_write_bytes", "atomic_write_text", "publish", "remove_stale_temps"]

STALE_WITHOUT_LOCKS = 3600  # seconds: where flock is missing, only temps older than this are removed


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


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


_TEMP_EXTRA = len(".") + len(".") + 8 + len(".tmp")  # what mkstemp adds round the name: ".NAME." + random + ".tmp"


def _temp_prefix(path: Path) -> str:
    """``.NAME.``, the name cut (by bytes) so that the temporary file's name fits where NAME fits."""
    return f".{cut_to_bytes(path.name, NAME_BYTES - _TEMP_EXTRA)}."


def _block_sigint() -> Any:
    """Hold SIGINT back (POSIX); returns what :func:`_restore_sigint` needs, or None where it cannot."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        return None
    try:
        return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    except (OSError, ValueError):
        return None


def _restore_sigint(old: Any) -> None:
    if old is None:
        return
    import signal

    signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _new_temp(path: Path) -> tuple[int, str]:
    """A new temporary file next to ``path``, locked against the cleaner: (fd, name)."""
    while True:
        fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=_folder(path))
        if fcntl is None:
            return fd, tmp
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:  # a file system without locks: the cleaner then goes by age alone
            return fd, tmp
        # a cleaner may have taken the file between mkstemp and flock: then it is gone, make another
        try:
            if os.stat(tmp).st_ino == os.fstat(fd).st_ino:
                return fd, tmp
        except OSError:
            pass
        os.close(fd)


def remove_stale_temps(path: str | Path) -> list[str]:
    """Remove the temporary files that killed saves of ``path`` left behind; returns their names.

    Only files named ``.NAME.*.tmp`` in the same folder, regular files, not
    being written (no writer holds their lock) are removed.
    """
    path = Path(path)
    folder, prefix = _folder(path), _temp_prefix(path)
    removed: list[str] = []
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(".tmp") and len(n) > len(prefix) + 4]
    except OSError:
        return removed
    for name in names:
        full = os.path.join(folder, name)
        try:
            fd = os.open(full, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue  # a symlink, gone already, or unreadable: not ours to judge
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                continue
            old = time.time() - st.st_mtime >= STALE_WITHOUT_LOCKS
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a save is writing it now
                except OSError:  # no locks on this file system: only by age
                    if not old:
                        continue
            elif not old:
                continue
            try:
                if os.lstat(full).st_ino == st.st_ino:
                    os.unlink(full)
                    removed.append(name)
            except OSError:
                pass
        finally:
            os.close(fd)
    return removed


def _write_backup(path: Path) -> None:
    """Copy ``path`` to ``path~`` atomically (temporary copy, fsync, rename).

    Only a regular file is copied: a named pipe or a device put in its place
    has nothing to keep, and opening it could block for ever."""
    try:
        src_fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return
    if not stat.S_ISREG(os.fstat(src_fd).st_mode):
        os.close(src_fd)
        return
    if hasattr(os, "set_blocking"):
        os.set_blocking(src_fd, True)
    fd, tmp = _new_temp(path)
    try:
        with os.fdopen(fd, "wb") as out, os.fdopen(src_fd, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
            try:
                shutil.copystat(path, tmp)
            except OSError:
                pass
            if fcntl is None:  # Windows cannot rename an open file
                out.close()
            os.replace(tmp, path.with_name(path.name + "~"))  # still locked: no cleaner can take it
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def publish(tmp: str | Path, path: Path, *, backup: bool = False) -> None:
    """Rename a finished temporary file over ``path``.

    Mode: the old file's, or the umask's for a new file (``mkstemp`` makes
    0600).  With ``backup=True`` the previous version is first copied to
    ``path~`` (atomically), so the backup exists even if the rename fails.
    """
    if path.exists():
        mode = path.stat().st_mode & 0o777
        if backup:
            _write_backup(path)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        os.chmod(tmp, mode)
    except OSError:
        pass
    os.replace(tmp, path)
    _fsync_folder(_folder(path))


class AtomicOutput:
    """A file written in place of ``path`` only when everything went well.

    Streams into a temporary file in the same folder; on success fsyncs and
    renames it over ``path``; on failure removes it, leaving ``path`` as it was.
    Temporary files of earlier, killed saves of ``path`` are removed first.
    Use as a context manager (``with AtomicOutput(p, "w", encoding="utf-8") as fh``).
    """

    def __init__(self, path: str | Path, mode: str = "w", *, backup: bool = False, **kw: Any):
        # through a symbolic link the file it points to is written (the link stays a link)
        self.path = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
        self.backup = backup
        remove_stale_temps(self.path)
        # Ctrl+C between making the temporary file and knowing its name would leave it behind:
        # SIGINT waits (blocked) until the name is kept, and is then raised where it can be cleaned up.
        blocked = _block_sigint()
        fd, self.tmp = -1, ""
        try:
            fd, self.tmp = _new_temp(self.path)
            _restore_sigint(blocked)
            blocked = None
            self.fh: IO[Any] = os.fdopen(fd, mode, **kw)
        except BaseException:
            _restore_sigint(blocked)
            if fd >= 0 and not hasattr(self, "fh"):
                try:
                    os.close(fd)
                except OSError:
                    pass
            if self.tmp:
                try:
                    os.unlink(self.tmp)
                except OSError:
                    pass
            raise

    def __enter__(self) -> IO[Any]:
        return self.fh

    def commit(self) -> None:
        try:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            if fcntl is None:  # Windows cannot rename an open file (and there is no lock to keep)
                self.fh.close()
            publish(self.tmp, self.path, backup=self.backup)  # the lock is kept until the rename is done
            self.fh.close()
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
