"""The readers, by file suffix: each turns the bytes of a file into grids.

A reader is ``read(path: str, data: bytes) -> list[Grid]`` and raises
:class:`ReaderError` with a Chinese message for a file it cannot read.
:func:`read_grids` reads the file safely (regular files only, at most
:data:`MAX_BYTES`), picks the reader by what the bytes are as well as by the
suffix (an .xls that is really an .xlsx, or a web page saved as .xls), and
turns every failure into :class:`ImportFailure`: never a traceback.

Adding a format is one line in :data:`READERS` (``"module:function"``,
imported only when a file of that kind is read, so that ``jixiao score``
does not pay for openpyxl).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from ..grid import Grid

__all__ = ["READERS", "MAX_BYTES", "ImportFailure", "ReaderError", "read_grids", "suffixes", "reader_for"]

MAX_BYTES = 50 * 1024 * 1024  # a real form is tens of KB; a workbook with many sheets a few MB

READERS: dict[str, str] = {
    ".xlsx": "jixiao.indicators.importing.readers.xlsx:read_xlsx",
    ".xlsm": "jixiao.indicators.importing.readers.xlsx:read_xlsx",
    ".xls": "jixiao.indicators.importing.readers.xls:read_xls",
    ".csv": "jixiao.indicators.importing.readers.csv:read_csv",
    ".txt": "jixiao.indicators.importing.readers.text:read_text",
    ".pdf": "jixiao.indicators.importing.readers.pdf:read_pdf",
    ".docx": "jixiao.indicators.importing.readers.docx:read_docx",
    ".doc": "jixiao.indicators.importing.readers.docx:read_doc",
}

Reader = Callable[[str, bytes], list[Grid]]


class ReaderError(Exception):
    """A reader could not read the file; the message is Chinese, for the user."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class ImportFailure(Exception):
    """A file that could not be imported: ``path`` and a Chinese ``message`` saying what to do."""

    def __init__(self, path: str | Path, message: str):
        self.path = str(path)
        self.message = message
        super().__init__(f"{path}: {message}")

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def suffixes() -> list[str]:
    return list(READERS)


def reader_for(suffix: str) -> Reader:
    module, _, name = READERS[suffix].partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def _kind_of_bytes(data: bytes) -> str:
    """What the bytes are, whatever the name says: zip | ole | ole-encrypted | html | pdf | other."""
    if data.startswith(_ZIP):
        return "zip"
    if data.startswith(_OLE):
        return "ole-encrypted" if _ENCRYPTED in data[: 1 << 20] or _ENCRYPTED in data[-(1 << 16) :] else "ole"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")) or b"<html" in head:
        return "html" if not head.startswith(b"<?xml") or b"<html" in head else "xml"
    if data.startswith(b"%PDF"):
        return "pdf"
    return "other"


def _suffix_by_content(suffix: str, data: bytes, path: str) -> str:
    """The reader to use: an .xls that is a zip is an .xlsx, an .xlsx that is an old OLE workbook is an .xls."""
    kind = _kind_of_bytes(data)
    spreadsheet = suffix in (".xlsx", ".xlsm", ".xls")
    if kind == "ole-encrypted" and spreadsheet:
        raise ImportFailure(
            path, "工作簿设有打开密码（已加密），无法读取。请在 Excel 或 WPS 中打开它，取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存，再重试。"
        )
    if suffix == ".xls" and kind == "zip":
        return ".xlsx"
    if suffix in (".xlsx", ".xlsm") and kind == "ole":
        return ".xls"
    if spreadsheet and kind == "html":
        raise ImportFailure(
            path,
            "文件其实是网页（HTML）格式，只是扩展名为 "
            f"{suffix}（一些系统导出的“Excel”就是这样）。请用 Excel 或 WPS 打开它，另存为 .xlsx 后再导入。",
        )
    if spreadsheet and kind not in ("zip", "ole"):
        what = "PDF 文件" if kind == "pdf" else "文本或其他格式"
        raise ImportFailure(path, f"文件扩展名是 {suffix}，但内容不是 Excel 工作簿（看起来是{what}）。请确认选择了正确的文件。")
    return suffix


def read_grids(path: str | Path) -> list[Grid]:
    """The grids of a spreadsheet or text file; raises :class:`ImportFailure` with a Chinese message."""
    from jixiao.indicators.safe_files import UnsafeFile, read_regular_file

    name = str(path)
    suffix = Path(name).suffix.lower()
    if suffix not in READERS:
        known = "、".join(READERS)
        raise ImportFailure(name, f"不支持的文件类型 “{suffix or '（无扩展名）'}”。可以导入的文件类型：{known}（以及 .toml 表单本身）。")
    try:
        data = read_regular_file(name, MAX_BYTES)
    except UnsafeFile as exc:
        raise ImportFailure(name, exc.message) from None
    if not data:
        raise ImportFailure(name, "文件是空的（0 字节）。请确认文件已完整保存或下载。")
    suffix = _suffix_by_content(suffix, data, name)
    try:
        reader = reader_for(suffix)
    except (ImportError, AttributeError) as exc:
        raise ImportFailure(name, f"读取 {suffix} 文件所需的组件未安装或不可用（{exc}）。请重新安装 jixiao。") from None
    try:
        return reader(name, data)
    except ReaderError as exc:
        raise ImportFailure(name, exc.message) from None
    except ImportFailure:
        raise
    except ImportError as exc:
        raise ImportFailure(name, f"读取 {suffix} 文件所需的组件未安装（{exc}）。请重新安装 jixiao（pip install jixiao）。") from None
    except MemoryError:
        raise ImportFailure(name, "文件内容过多，内存不足，无法读取。请只保留自评表所在的工作表后重试。") from None
    except Exception as exc:  # a reader's library failing on a malformed file: a message, never a traceback
        raise ImportFailure(
            name, f"无法读取文件（{type(exc).__name__}: {exc}）。文件可能已损坏；请用 Excel 或 WPS 打开后另存一份再试。"
        ) from None
