"""Bounded work for every file: the limits of the readers, in one place.

A real 自评表 is a few hundred cells on one to three pages: tens of KB.  A
submission is written by the unit under review, so every part a reader
parses is bounded by its *content* (what it unpacks to, what it draws),
never by its name: a sheet named through ``../`` or a renamed
``sharedStrings`` part is measured like any other.  Each limit below is a
named constant with the reason for its size; a file over one is refused
with a Chinese message (or, for a page of a PDF, that page is not read and
the form says so).  The review's workers add a time and memory limit per
file on top (``jixiao.scoring.batch``): whatever these miss, one file still
cannot hold or kill a review.
"""

from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree

__all__ = [
    "MAX_PART_BYTES",
    "MAX_PACKAGE_BYTES",
    "MAX_PARTS",
    "MAX_STYLE_RECORDS",
    "MAX_SHEETS",
    "MAX_UNDIMENSIONED_BYTES",
    "MAX_SHEET_CELLS_TOTAL",
    "MAX_XLS_CELLS",
    "MAX_XLS_SHEETS",
    "MAX_PDF_PAGES",
    "MAX_PAGE_CONTENT_BYTES",
    "MAX_XOBJECT_DEPTH",
    "MAX_XOBJECT_DRAWS",
    "MAX_PAGE_CHARS",
    "MAX_PAGE_COVERS",
    "MAX_COMPRESSION_RATIO",
    "PER_FILE_SECONDS",
    "PER_FILE_MEMORY",
    "PackageError",
    "check_package",
    "count_style_records",
    "read_part",
    "refuse_entities",
]

# ---------------------------------------------------------------- zip packages (.xlsx, .xlsm, .docx)

MAX_PART_BYTES = 32 << 20  # one unpacked part (a sheet, styles.xml, sharedStrings, document.xml): a form's is < 1 MB
MAX_PACKAGE_BYTES = 256 << 20  # all unpacked parts together
MAX_PARTS = 2_000  # entries in the package: a workbook of 30 sheets has about 80
MAX_COMPRESSION_RATIO = 500  # unpacked / packed of a part over 4 MB: XML packs 10-100 times, deflate at most about 1000
MAX_STYLE_RECORDS = 100_000  # <xf>, <font>, <fill>, <border>, <numFmt> ... of styles.xml: Excel's own cap is 64,000 cell styles
MAX_SHEETS = 100  # worksheets of a workbook read at most
MAX_UNDIMENSIONED_BYTES = 8 << 20  # sheets without <dimension> (openpyxl parses each whole on opening, ~2 MB/s)
MAX_SHEET_CELLS_TOTAL = 200_000  # cells kept over all sheets of a workbook (each sheet is also cut at 5000 x 64)

# ---------------------------------------------------------------- old Excel (.xls)

MAX_XLS_SHEETS = 100  # sheets of an .xls read at most
MAX_XLS_CELLS = 1_000_000  # cells over all sheets (rows x their own length: xlrd reads ragged rows, nothing padded)

# ---------------------------------------------------------------- PDF

MAX_PDF_PAGES = 2_000  # pages of a PDF at most: a 部门决算 with its 自评表 is 30-300
MAX_PAGE_CONTENT_BYTES = 8 << 20  # a page's content streams, decoded: a printed form page is 20-200 KB
MAX_XOBJECT_DEPTH = 12  # form XObjects inside form XObjects: printers nest two or three
MAX_XOBJECT_DRAWS = 5_000  # XObjects drawn on one page, nested ones counted each time they are drawn
MAX_PAGE_CHARS = 20_000  # characters drawn on one page: a dense A4 page of 8-point text is about 6,000
MAX_PAGE_COVERS = 5_000  # filled shapes and images that may cover text, looked at per page

# ---------------------------------------------------------------- per file, in the review's workers

PER_FILE_SECONDS = 60  # CPU seconds for one file (read, recognise, score): a form takes well under one
PER_FILE_MEMORY = 1536 << 20  # address space of a worker while it reads one file (bytes)


class PackageError(ValueError):
    """A zip package over a limit: ``message`` is Chinese, for the user."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def check_package(zf: zipfile.ZipFile, what: str) -> None:
    """Every entry of a zip package measured by its content, whatever its name; raises :class:`PackageError`.

    The sizes in the central directory are the writer's claims: a part is
    also refused when its compression ratio is a bomb's, and the readers read
    parts through :func:`read_part`, which stops at :data:`MAX_PART_BYTES`
    whatever the directory said.
    """
    infos = zf.infolist()
    if len(infos) > MAX_PARTS:
        raise PackageError(f"{what}中有 {len(infos)} 个部件，超过 {MAX_PARTS} 个的上限，可能是损坏或恶意构造的文件，未读取。")
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if size > MAX_PART_BYTES:
            raise PackageError(
                f"{what}中的部件 {info.filename[:80]} 解压后有 {size >> 20} MB，超过每个部件 {MAX_PART_BYTES >> 20} MB 的上限"
                "（自评表的部件不到 1 MB），可能是损坏或恶意构造的文件，未读取。请只把自评表复制到新文件中另存后再试。"
            )
        if size > (4 << 20) and info.compress_size and size / info.compress_size > MAX_COMPRESSION_RATIO:
            raise PackageError(
                f"{what}中的部件 {info.filename[:80]} 压缩比超过 {MAX_COMPRESSION_RATIO} 倍（解压后 {size >> 20} MB），"
                "是“压缩炸弹”式的构造，未读取。"
            )
    if total > MAX_PACKAGE_BYTES:
        raise PackageError(f"{what}解压后共有 {total >> 20} MB，超过 {MAX_PACKAGE_BYTES >> 20} MB 的上限，未读取。")


def read_part(zf: zipfile.ZipFile, name: str, what: str) -> bytes:
    """A part's bytes, at most :data:`MAX_PART_BYTES` whatever the directory claims; raises :class:`PackageError`."""
    with zf.open(name) as fh:
        data = fh.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise PackageError(f"{what}中的部件 {name[:80]} 解压后超过 {MAX_PART_BYTES >> 20} MB 的上限，未读取。")
    return data


def refuse_entities(zf: zipfile.ZipFile, what: str) -> None:
    """No XML part of an office file declares entities (a DOCTYPE): refused outright, before any parser sees it.

    Excel, WPS and Word never write a DOCTYPE; internal entities under the
    parser's expansion guard still grow a 30 KB part to gigabytes.  A
    declaration can only stand in the prolog, before the root element: that
    is all that is looked at (in UTF-16 too, which XML allows).
    """
    for info in zf.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        with zf.open(info) as fh:
            head = fh.read(_PROLOG)
        if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]:
            head = head.decode("utf-16", errors="ignore").encode("utf-8")
        root = _root_start(head)
        if root < 0 and len(head) >= _PROLOG:
            raise PackageError(f"{what}中的部件 {info.filename[:80]} 开头过长，不像 Excel、WPS 或 Word 写的 XML，未读取。")
        prolog = head if root < 0 else head[:root]
        if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
            raise PackageError(
                f"{what}中的部件 {info.filename[:80]} 声明了 XML 实体（DOCTYPE），Excel、WPS 和 Word 从不这样写，"
                "可能是恶意构造的文件，未读取。"
            )


_PROLOG = 1 << 16  # bytes of a part looked at for a DOCTYPE: a real prolog is one line


def _root_start(head: bytes) -> int:
    """Where the root element starts (a ``<`` not followed by ``?`` or ``!``); -1 when not in ``head``."""
    i = 0
    while True:
        i = head.find(b"<", i)
        if i < 0 or i + 1 >= len(head):
            return -1
        if head[i + 1 : i + 2] not in (b"?", b"!"):
            return i
        i += 1


def parse_xml(data: bytes) -> ElementTree.Element:
    """ElementTree of a part already checked by :func:`refuse_entities` and bounded by :func:`read_part`."""
    return ElementTree.fromstring(data)


def count_style_records(zf: zipfile.ZipFile, what: str) -> None:
    """A styles part (found by its root element ``styleSheet``, whatever its name) with more records than
    :data:`MAX_STYLE_RECORDS` is refused: openpyxl makes an object of each, eagerly, even in read-only mode."""
    for info in zf.infolist():
        if not info.filename.lower().endswith(".xml"):
            continue
        with zf.open(info) as fh:
            head = fh.read(4096)
            if b"styleSheet" not in head:
                continue
            count = _count_records(head)
            tail = head[-32:]
            while True:
                chunk = fh.read(1 << 20)
                if not chunk:
                    break
                count += _count_records(tail + chunk) - _count_records(tail)
                tail = chunk[-32:]
                if count > MAX_STYLE_RECORDS:
                    raise PackageError(
                        f"{what}的样式表（{info.filename[:80]}）有超过 {MAX_STYLE_RECORDS} 条样式记录"
                        "（自评表只有几十条），可能是损坏或恶意构造的文件，未读取。请只把自评表复制到新工作簿中另存后再试。"
                    )


_RECORDS = re.compile(rb"<(?:\w+:)?(?:xf|font|fill|border|numFmt|dxf|cellStyle|tableStyle)[\s/>]")


def _count_records(data: bytes) -> int:
    return len(_RECORDS.findall(data))
