"""Reading untrusted files safely, and never writing an output over an input.

A submitted file may be a named pipe, a device (``/dev/zero``), a symlink to
one, or enormous.  :func:`read_regular_file` opens without blocking, accepts
only regular files, and reads at most ``max_bytes + 1`` bytes whatever the
size the file system reports.  :func:`same_file` compares device and inode,
so ``a.toml`` and ``./link-to-a.toml`` are the same file.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

__all__ = ["UnsafeFile", "read_regular_file", "same_file", "output_is_input", "os_error_text", "cut_to_bytes",
           "NAME_BYTES", "MADE_NAME_BYTES"]

NAME_BYTES = 255  # a file name's length on the usual file systems (ext4, APFS, NTFS in UTF-16 units): in bytes
# a name jixiao makes (from a unit's name): room left for "-12", ".toml" and the ".NAME.xxxxxxxx.tmp" of a save
MADE_NAME_BYTES = 200


def cut_to_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, never inside a character."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


class UnsafeFile(Exception):
    """A path that cannot be read as a regular file; ``message`` is Chinese, for the user."""

    def __init__(self, path: str | Path, message: str):
        self.path = str(path)
        self.message = message
        super().__init__(f"{path}: {message}")


_ERRNO_ZH = {
    getattr(errno, name): text
    for name, text in (
        ("EACCES", "没有权限"),
        ("EPERM", "没有权限"),
        ("ENOENT", "文件或文件夹不存在"),
        ("ENOTDIR", "路径中的某一级不是文件夹"),
        ("EISDIR", "这是一个文件夹"),
        ("ENOSPC", "磁盘空间不足"),
        ("EROFS", "所在的磁盘是只读的"),
        ("ENAMETOOLONG", "文件名或路径过长"),
        ("EIO", "读写出错（磁盘或网络故障）"),
        ("EMFILE", "同时打开的文件过多"),
        ("EEXIST", "文件已存在"),
        ("ELOOP", "符号链接构成循环"),
        ("EBUSY", "文件正被占用"),
        ("ETXTBSY", "文件正被占用"),
        ("EDQUOT", "超出磁盘配额"),
        ("EFBIG", "文件过大"),
    )
    if hasattr(errno, name)  # not every system has every code
}


def os_error_text(exc: OSError) -> str:
    """The reason of an OS error in Chinese (the system's own English only when it is not known here)."""
    known = _ERRNO_ZH.get(exc.errno) if exc.errno is not None else None
    return known or str(exc.strerror or exc)


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "这是一个文件夹，不是表单文件。请给出表单文件的路径。"
    if stat.S_ISFIFO(mode):
        return "这是一个命名管道（FIFO），不是普通文件，不会读取。请给出普通文件的路径。"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "这是一个设备文件，不是普通文件，不会读取。请给出普通文件的路径。"
    if stat.S_ISSOCK(mode):
        return "这是一个套接字，不是普通文件，不会读取。请给出普通文件的路径。"
    return "不是普通文件，不会读取。请给出普通文件的路径。"


def read_regular_file(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; anything else raises :class:`UnsafeFile`."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        if os.path.islink(path):
            raise UnsafeFile(path, "这是一个指向不存在位置的符号链接。请检查链接或给出实际文件的路径。") from None
        raise UnsafeFile(path, "文件不存在。请检查路径是否正确。") from None
    except IsADirectoryError:
        raise UnsafeFile(path, _kind_of(stat.S_IFDIR)) from None
    except PermissionError:
        if os.path.isdir(path):
            raise UnsafeFile(path, _kind_of(stat.S_IFDIR)) from None
        raise UnsafeFile(path, "没有读取权限。请检查文件权限。") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeFile(path, "符号链接构成循环（链接指向自己或互相指向），无法读取。请给出实际文件的路径。") from None
        raise UnsafeFile(path, f"无法读取文件：{os_error_text(exc)}。") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFile(path, _kind_of(st.st_mode))
        if st.st_size > max_bytes:
            raise UnsafeFile(path, _too_large(st.st_size, max_bytes))
        chunks: list[bytes] = []
        remaining = max_bytes + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        if len(data) > max_bytes:
            raise UnsafeFile(path, _too_large(len(data), max_bytes))
        return data
    except OSError as exc:
        raise UnsafeFile(path, f"无法读取文件：{os_error_text(exc)}。") from None
    finally:
        os.close(fd)


def _too_large(size: int, max_bytes: int) -> str:
    return (
        f"文件过大（{size / 1024 / 1024:.1f} MB 以上），超过上限 {max_bytes / 1024 / 1024:g} MB。"
        "请确认选择了正确的文件。"
    )


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when both paths exist and are the same file (device and inode), under any name."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def output_is_input(output: str | Path, inputs: Iterable[str | Path]) -> str | None:
    """The input that ``output`` would overwrite, or None.

    Compares device and inode when both exist, else the resolved paths (an
    output that does not exist yet cannot be an existing input).
    """
    out = Path(output)
    for item in inputs:
        if same_file(out, item):
            return str(item)
        try:
            if out.resolve() == Path(item).resolve():
                return str(item)
        except (OSError, RuntimeError):
            continue
    return None
