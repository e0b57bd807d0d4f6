"""Word (.docx; .doc through LibreOffice when it is installed) -> one grid for the document.

The body is read in document order: each paragraph with text is a row (cut
into cells at tabs and runs of spaces, as in the text reader: ``部门：某某中学``
and ``金额单位：万元`` on one line are two cells), each table row a row.  The
merges are read from the XML, not from python-docx's cell objects (which
repeat a merged cell once per grid column it covers): ``w:gridSpan`` is the
number of grid columns a ``w:tc`` covers, ``w:vMerge`` without
``val="restart"`` continues the cell above, ``w:gridBefore`` skips grid
columns at the start of a row, and the old ``w:hMerge`` continues the cell
to the left.  A table inside a cell is read as its own table right after the
one that holds it (a one-cell table used as a frame round the whole form is
read as its contents).  Addresses: ``表 2 第 3 行第 4 列``, ``第 5 段``.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ... import limits
from ..grid import Cell, Grid, Range
from ..numbers import parse_number
from . import ReaderError

__all__ = ["read_docx", "read_doc", "CONVERT_TIMEOUT"]

CONVERT_TIMEOUT = 120  # seconds for LibreOffice to turn a .doc into a .docx
MAX_UNPACKED = 200 << 20  # bytes of the unpacked parts at most: a zip bomb is refused before it is parsed
MAX_ROWS = 20_000  # rows of a grid at most (paragraphs and table rows): a form is a few hundred
_SPLIT = re.compile(r"\t| {2,}|\u3000+")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _tag(el: Any) -> str:
    t = el.tag
    return t[len(_W) :] if isinstance(t, str) and t.startswith(_W) else ""


def _val(el: Any, name: str) -> str | None:
    """The w:val of child ``name`` of el (None when there is no such child; "" when it has no w:val)."""
    if el is None:
        return None
    child = el.find(_W + name)
    if child is None:
        return None
    return child.get(_W + "val", "")


def _int(text: str | None, default: int) -> int:
    try:
        return max(int(text or ""), 0) if text not in (None, "") else default
    except ValueError:
        return default


def _paragraph_text(p: Any) -> str:
    """A paragraph's text: runs, tabs as tab, line breaks as newline, fields' shown text (not their codes)."""
    out: list[str] = []
    for el in p.iter():
        tag = _tag(el)
        if tag == "t":
            out.append(el.text or "")
        elif tag == "tab":
            out.append("\t")
        elif tag in ("br", "cr"):
            out.append("\n")
        elif tag == "noBreakHyphen":
            out.append("-")
    return "".join(out)


def _children(el: Any) -> Iterator[Any]:
    """Block-level children, looking through content controls (w:sdt) and custom XML."""
    for child in el:
        tag = _tag(child)
        if tag in ("sdt", "customXml"):
            content = child.find(_W + "sdtContent") if tag == "sdt" else child
            if content is not None:
                yield from _children(content)
        else:
            yield child


@dataclass
class _TableCell:
    row: int
    col: int
    span: int
    text: str
    vmerge: str | None  # None: not merged; "restart"; "continue"
    hmerge: str | None
    nested: list[Any] = field(default_factory=list)  # w:tbl elements inside the cell


@dataclass
class _Builder:
    source: str
    rows: list[list[Cell]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    tables: int = 0
    paragraphs: int = 0
    cut: bool = False

    def full(self) -> bool:
        if len(self.rows) >= MAX_ROWS:
            self.cut = True
        return self.cut

    def paragraph(self, p: Any) -> None:
        self.paragraphs += 1
        text = _paragraph_text(p)
        if not text.strip() or self.full():
            return
        address = f"第 {self.paragraphs} 段"
        parts = [s.strip() for s in _SPLIT.split(text.replace("\n", "\t").strip(" \u3000\t"))]
        row = [_cell(s, address) for s in parts if s]
        if row:
            self.rows.append(row)

    def body(self, el: Any) -> None:
        for child in _children(el):
            tag = _tag(child)
            if tag == "p":
                self.paragraph(child)
            elif tag == "tbl":
                self.table(child)

    def table(self, tbl: Any, holder: str = "") -> None:
        trs = [tr for tr in _children(tbl) if _tag(tr) == "tr"]
        cells: list[_TableCell] = []
        for r, tr in enumerate(trs):
            col = _int(_val(tr.find(_W + "trPr"), "gridBefore"), 0)
            for tc in _children(tr):
                if _tag(tc) != "tc":
                    continue
                pr = tc.find(_W + "tcPr")
                span = max(_int(_val(pr, "gridSpan"), 1), 1)
                vm = _val(pr, "vMerge")
                hm = _val(pr, "hMerge")
                paras, nested = [], []
                for child in _children(tc):
                    if _tag(child) == "p":
                        paras.append(_paragraph_text(child).strip())
                    elif _tag(child) == "tbl":
                        nested.append(child)
                text = "\n".join(t for t in paras if t)
                cells.append(
                    _TableCell(
                        row=r,
                        col=col,
                        span=span,
                        text=text,
                        vmerge=None if vm is None else ("restart" if vm == "restart" else "continue"),
                        hmerge=None if hm is None else ("restart" if hm == "restart" else "continue"),
                        nested=nested,
                    )
                )
                col += span
        if len(trs) == 1 and len(cells) == 1 and cells[0].nested:
            self.frame(trs[0])  # a one-cell table round the form: its contents are the document
            return
        self.tables += 1
        number = self.tables
        if holder:
            self.notes.append((f"表 {number}", f"表 {number} 在{holder}的单元格里，作为单独的表格读在外层表格之后"))
        self.place(number, len(trs), cells)
        for c in cells:
            for inner in c.nested:
                self.table(inner, holder=f"表 {number} 第 {c.row + 1} 行第 {c.col + 1} 列")

    def frame(self, tr: Any) -> None:
        tc = next(tc for tc in _children(tr) if _tag(tc) == "tc")
        self.body(tc)

    def place(self, number: int, height: int, cells: list[_TableCell]) -> None:
        """Table cells laid on the grid of the table's columns, with merged ranges."""
        if height == 0 or self.full():
            return
        width = max((c.col + c.span for c in cells), default=0)
        if width == 0:
            return
        base = len(self.rows)
        # anchors: (row, col) of the top-left -> [bottom, right, text]
        anchor_at: dict[tuple[int, int], list[Any]] = {}
        owner: dict[tuple[int, int], tuple[int, int]] = {}  # grid position -> anchor
        for c in cells:
            if c.vmerge == "continue" and c.row > 0:
                above = owner.get((c.row - 1, c.col))
                if above is not None and above[1] == c.col and anchor_at[above][1] == c.col + c.span - 1:
                    a = anchor_at[above]
                    a[0] = c.row
                    if c.text and not a[2]:
                        a[2] = c.text
                    for k in range(c.col, c.col + c.span):
                        owner[(c.row, k)] = above
                    continue
            if c.hmerge == "continue" and c.col > 0:
                left = owner.get((c.row, c.col - 1))
                if left is not None and anchor_at[left][0] == c.row:
                    anchor_at[left][1] = c.col + c.span - 1
                    for k in range(c.col, c.col + c.span):
                        owner[(c.row, k)] = left
                    continue
            anchor_at[(c.row, c.col)] = [c.row, c.col + c.span - 1, c.text]
            for k in range(c.col, c.col + c.span):
                owner[(c.row, k)] = (c.row, c.col)
        block = [[Cell(address=f"表 {number} 第 {r + 1} 行第 {k + 1} 列") for k in range(width)] for r in range(height)]
        for (r0, c0), (r1, c1, text) in anchor_at.items():
            merged: Range | None = (base + r0, c0, base + r1, c1) if (r1 > r0 or c1 > c0) else None
            for r in range(r0, r1 + 1):
                for k in range(c0, c1 + 1):
                    address = f"表 {number} 第 {r + 1} 行第 {k + 1} 列"
                    if (r, k) == (r0, c0):
                        block[r][k] = _cell(text, address, merged)
                    else:
                        block[r][k] = Cell(merged=merged, address=address)
        self.rows.extend(block[: max(MAX_ROWS - base, 0)])

    def grid(self) -> Grid:
        width = max((len(r) for r in self.rows), default=0)
        for row in self.rows:
            if len(row) < width:
                address = row[0].address if row else ""
                row.extend(Cell(address=address) for _ in range(width - len(row)))
        notes = list(self.notes)
        if self.cut:
            notes.append(("", f"文档过长，只读取了前 {MAX_ROWS} 行（段落和表格行）"))
        return Grid(source=self.source, name="", rows=self.rows, kind="docx", notes=notes)


def _cell(text: str, address: str, merged: Range | None = None) -> Cell:
    value, percent = parse_number(text) if text else (None, False)
    return Cell(text=text, value=value, percent=percent, merged=merged, address=address)


def _save_as_docx() -> str:
    return "请在 Word 或 WPS 中打开它，“另存为” Word 文档（.docx）后再导入。"


def read_docx(path: str, data: bytes) -> list[Grid]:
    """The document as one grid (paragraphs and tables in order); raises :class:`ReaderError`."""
    if data.startswith(_OLE):
        if _ENCRYPTED in data[: 1 << 20] or _ENCRYPTED in data[-(1 << 16) :]:
            raise ReaderError("Word 文档设有打开密码（已加密），无法读取。请在 Word 或 WPS 中打开它，取消密码后另存，再重试。")
        return read_doc(path, data)
    if not data.startswith(b"PK"):
        raise ReaderError(f"文件不是 Word 文档（.docx 应是 zip 格式）。{_save_as_docx()}")
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
            # every part by its content (document.xml however named), and no entity declarations
            limits.check_package(z, "Word 文档")
            limits.refuse_entities(z, "Word 文档")
    except limits.PackageError as exc:
        raise ReaderError(exc.message) from None
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise ReaderError(f"Word 文档已损坏或不完整（不是完整的 zip 包），无法读取。{_save_as_docx()}") from None
    if unpacked > MAX_UNPACKED:
        raise ReaderError(
            f"Word 文档解压后有 {unpacked // (1 << 20)} MB，超过 {MAX_UNPACKED // (1 << 20)} MB 的上限，不予读取"
            "（自评表一般不到 1 MB）。请只保留自评表所在的部分另存后再导入。"
        )

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, zipfile.BadZipFile, ValueError) as exc:
        raise ReaderError(f"Word 文档已损坏或不完整（{type(exc).__name__}），无法读取。{_save_as_docx()}") from None
    except Exception as exc:  # lxml's XMLSyntaxError and the like from a damaged part
        raise ReaderError(f"Word 文档内容无法解析（{type(exc).__name__}: {exc}）。{_save_as_docx()}") from None
    builder = _Builder(source=path)
    builder.body(document.element.body)
    return [builder.grid()]


def _run_soffice(command: list[str], timeout: float | None = None) -> None:
    """Run LibreOffice in a process group of its own; on timeout the whole group is killed (soffice starts
    ``soffice.bin`` and may leave helpers behind) before the caller's temporary folder is removed."""
    timeout = CONVERT_TIMEOUT if timeout is None else timeout
    if os.name == "nt":
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0))
    else:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise
    except BaseException:  # Ctrl+C: nothing of it is left running
        _kill_group(proc)
        raise


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    if os.name == "nt":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True, check=False)
    else:
        import signal

        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the session leader's group: soffice and what it started
        except OSError:
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def read_doc(path: str, data: bytes) -> list[Grid]:
    """An old Word file: converted with LibreOffice when ``soffice`` is installed, else a message to save it as .docx."""
    if data.startswith(b"PK"):
        return read_docx(path, data)  # a .docx named .doc
    if not data.startswith(_OLE):
        raise ReaderError(f"文件不是 Word 文档。{_save_as_docx()}")
    if _ENCRYPTED in data[: 1 << 20]:
        raise ReaderError("Word 文档设有打开密码（已加密），无法读取。请在 Word 或 WPS 中打开它，取消密码后另存，再重试。")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ReaderError(f"这是旧版 Word 文档（.doc），不能直接读取。{_save_as_docx()}")
    with tempfile.TemporaryDirectory(prefix="jixiao-doc-", ignore_cleanup_errors=True) as tmp:
        source = os.path.join(tmp, "input.doc")
        with open(source, "wb") as f:
            f.write(data)
        profile = "file://" + os.path.join(tmp, "profile")
        command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore"]
        command += ["--convert-to", "docx", "--outdir", tmp, source]
        try:
            _run_soffice(command)
        except (OSError, subprocess.TimeoutExpired):
            raise ReaderError(f"这是旧版 Word 文档（.doc），用 LibreOffice 转换失败。{_save_as_docx()}") from None
        target = os.path.join(tmp, "input.docx")
        if not os.path.isfile(target):
            raise ReaderError(f"这是旧版 Word 文档（.doc），用 LibreOffice 转换没有成功（文件可能已损坏）。{_save_as_docx()}")
        with open(target, "rb") as f:
            converted = f.read()
    grids = read_docx(path, converted)
    for g in grids:
        g.notes.insert(0, ("", "这是旧版 Word 文档（.doc），已用 LibreOffice 转换为 .docx 后读取；如有出入，请在 Word 中另存为 .docx 再导入"))
    return grids
