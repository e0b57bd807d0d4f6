"""PDF with a text layer (as Excel, WPS, Word, LibreOffice and the provincial systems print it) -> grids.

One :class:`Grid` per form found, named by its pages (``第 31–32 页``), every
cell addressed ``第 31 页``.  How a page is read:

- **Which pages.**  A 部门决算 has 30 pages of report and tables and the
  自评表 at the end.  The text of every page is taken first with PDFium (fast,
  no layout), and only pages whose text has a form's words (自评表, 三级指标,
  绩效指标...) are laid out with pdfplumber.  Once a form has started, the
  next pages are read until it ends (the sign-off or 备注 below its table, a
  page with no table, or a page that starts another form), so a table
  continued on the next page is joined, whether its header row repeats or
  not (a repeated header is dropped).
- **Tables from their ruling lines.**  ``find_tables`` with the lines
  strategy, on the page without its fill-only background rectangles (a
  shaded header row is not a ruling line; thin filled rectangles, as Excel
  and WPS draw borders, are).  The cells pdfplumber finds are laid on the grid
  of the distinct x and y edges; a cell that covers several becomes a merged
  range.  The columns of every part of a form (its tables on every page) are
  put on one set of x edges, so that a continued table keeps its columns.
  A character belongs to the cell where the string it is drawn in starts
  (a text too long for its cell, clipped at the border, stays in its cell);
  a label turned a quarter reads along its direction; a row that breaks
  across the page is put back together; characters drawn twice (fake bold)
  read once.
- **Text outside the tables**, in reading order with them: each line a row,
  cut into cells where the words are far apart (``部门：某某中学`` and
  ``金额单位：万元`` on one line are two cells).  Lines that look like one
  table (three or more lines of three or more cells) are put into columns by
  the positions of their words: this is the reading of a table drawn with
  no lines.  Page numbers in the margins are left out.
- **jixiao's own PDF** prints a computed score with the claimed one below it
  (``10.00（填报 9.50）``); such a cell is read as the claimed score (the unit's
  own form), with a note.

Scans (no text layer) are refused, OCR is not done; encrypted, broken or
truncated files get a message, never a traceback.  Pages are closed as soon
as they are read, and at most :data:`MAX_FORM_PAGES` pages are laid out, so
a 500-page document costs bounded time and memory.
"""

from __future__ import annotations

import bisect
import contextlib
import io
import logging
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ..grid import Cell, Grid
from ..numbers import parse_number
from . import ReaderError
from .pdf_page import _cluster, _index, _join_lines, _Line, _Part, page_items, precheck

__all__ = ["read_pdf", "page_texts", "KEYWORDS", "MAX_FORM_PAGES"]

# A page with one of these (whitespace removed) may hold a form; others are skipped without layout.
KEYWORDS = ("自评表", "绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "指标值", "绩效目标")
MAX_FORM_PAGES = 300  # pages laid out per document at most (a form is one to three pages)
_TITLE = "自评表"
_SIGNOFF = re.compile(r"填表人|填报人|单位负责人|项目负责人|财务负责人|填报日期|联系电话|备注")
_CLAIMED = re.compile(r"^(?P<shown>.*?)\s*[（(]\s*填报\s*(?P<claimed>[^（）()]*?)\s*[）)]\s*$", re.S)


# ---------------------------------------------------------------------------------------------------------
# opening the document


def _scan_message(pages: int) -> str:
    return (
        f"这是扫描件（共 {pages} 页，页面只有图像，没有文字层），不做文字识别（OCR），无法读取其中的表格。"
        "请使用单位导出的电子版 PDF、Excel 或 Word 文件；若只有纸质件，请按原表录入（jixiao new 可生成模板）。"
    )


def _open_message(exc: BaseException) -> str:
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        return "PDF 文件已加密（设有打开密码），无法读取。请用密码打开后另存一份不加密的 PDF，或向报送单位索取未加密的文件。"
    return (
        "PDF 文件已损坏或不完整（可能下载或复制未完成），无法读取。"
        "请重新下载或导出一份；能用阅读器正常打开并复制出文字的 PDF 才能导入。"
    )


def page_texts(data: bytes) -> tuple[list[str], list[int]]:
    """The text of every page, without layout (PDFium): cheap enough to look at every page of a long document;
    and the pages (1-based) with no text that show an image (scanned pages)."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]
    import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

    texts: list[str] = []
    images: list[int] = []
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ReaderError(_open_message(exc)) from None
    try:
        for i in range(len(doc)):
            page = doc[i]
            try:
                textpage = page.get_textpage()
                try:
                    texts.append(textpage.get_text_range())
                finally:
                    textpage.close()
                if not texts[-1].strip():
                    shown = page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3)
                    if next(shown, None) is not None:
                        images.append(i + 1)
            finally:
                page.close()
    except pdfium.PdfiumError as exc:  # a page that cannot be loaded
        raise ReaderError(_open_message(exc)) from None
    finally:
        doc.close()
    return texts, images


def _squeeze(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _has_keyword(text: str) -> bool:
    s = _squeeze(text)
    return any(k in s for k in KEYWORDS)


@dataclass
class _Form:
    first: int
    last: int
    items: list[_Part | _Line] = field(default_factory=list)
    closed: bool = False
    notes: list[tuple[str, str]] = field(default_factory=list)
    repeated: set[tuple[str, ...]] = field(default_factory=set)  # header rows dropped as repeats


# ---------------------------------------------------------------------------------------------------------
# pages into forms


def _first_table(items: Sequence[_Part | _Line]) -> int:
    return next((i for i, it in enumerate(items) if isinstance(it, _Part)), len(items))


def _continues(form: _Form, items: Sequence[_Part | _Line]) -> bool:
    """Does this page carry on the form being read (a table continued from the page before)?"""
    if form.closed:
        return False
    first = _first_table(items)
    if first == len(items):
        return False
    if any(isinstance(it, _Line) and _TITLE in _squeeze(it.text) for it in items[:first]):
        return False  # a new form's title above the table
    new = items[first]
    assert isinstance(new, _Part)
    old = [it for it in form.items if isinstance(it, _Part)]
    if not old:
        return True  # the title was at the foot of the page before
    edges = _cluster(x for p in old for x in p.xs)
    near = sum(1 for x in new.xs if abs(edges[_index(edges, x)] - x) <= 3.0)
    return near * 2 >= len(new.xs)


def _signoff_lines(items: Sequence[_Part | _Line]) -> int:
    """How many lines at the top of a page with no table are the form's sign-off (填表人..., 备注...)."""
    n = 0
    for it in items[:6]:
        if isinstance(it, _Line) and _SIGNOFF.search(it.text):
            n += 1
        else:
            break
    return n


def _ended(items: Sequence[_Part | _Line]) -> bool:
    last = max((i for i, it in enumerate(items) if isinstance(it, _Part)), default=-1)
    if last < 0:
        return False
    return any(isinstance(it, _Line) and _SIGNOFF.search(it.text) for it in items[last + 1 :])


def _row_key(part: _Part, r: int) -> tuple[str, ...]:
    return tuple(_squeeze(text) for r0, _c0, _r1, _c1, text in sorted(part.cells, key=lambda c: c[1]) if r0 == r and text)


def _is_number(text: str) -> bool:
    return parse_number(text)[0] is not None


def _join_split_row(form: _Form, part: _Part) -> _Part:
    """A row that breaks across the page (Word lets rows break by default): its rest at the top of the next page
    is put back into the cells of the row it came from.

    The first row of the page is the rest of the last row of the page before when every text in it sits in a
    column where that row has text too, none of its texts is a number, and that row has a number (a weight or
    a score) in a column this one leaves blank: a row of its own would have its numbers.
    """
    old = next((it for it in reversed(form.items) if isinstance(it, _Part)), None)
    if old is None or part.rows < 1 or not old.rows:
        return part
    edges = _cluster(x for p in form.items if isinstance(p, _Part) for x in p.xs)

    def columns(p: _Part, r: int) -> dict[tuple[int, int], tuple[int, str]]:
        out = {}
        for k, (r0, c0, r1, c1, text) in enumerate(p.cells):
            if r0 <= r <= r1:
                out[(_index(edges, p.xs[c0]), _index(edges, p.xs[c1 + 1]))] = (k, text)
        return out

    last, first = columns(old, old.rows - 1), columns(part, 0)
    texts = {span: t for span, (_k, t) in first.items() if t}
    if not texts or any(_is_number(t) for t in texts.values()):
        return part
    if any(span not in last or not last[span][1] for span in texts):
        return part
    if not any(_is_number(t) and not texts.get(span) for span, (_k, t) in last.items()):
        return part
    cells = list(old.cells)
    for span, text in texts.items():
        k = last[span][0]
        r0, c0, r1, c1, was = cells[k]
        cells[k] = (r0, c0, r1, c1, _join_lines([was, text]))
    old.cells = cells
    rest = [(r0 - 1, c0, r1 - 1, c1, t) for r0, c0, r1, c1, t in part.cells if r1 >= 1]
    rest = [(max(r0, 0), c0, r1, c1, t if r0 >= 0 else "") for r0, c0, r1, c1, t in rest]
    form.notes.append((f"第 {part.page} 页", "表格的一行跨页断开，第二页顶部的余下文字已并回该行"))
    return _Part(page=part.page, top=part.top, xs=part.xs, rows=part.rows - 1, cells=rest)


def _drop_repeated_header(form: _Form, part: _Part) -> _Part:
    """A continued table that repeats its header row(s) at the top of the page: the repeat is dropped.

    Only a header that the part it continues (the last table of the page before) has is a repeat: a second
    form's header on the next page, after the first form's, is that form's own.
    """
    last = next((it for it in reversed(form.items) if isinstance(it, _Part)), None)
    seen = {_row_key(last, r) for r in range(last.rows)} if last is not None else set()
    seen |= form.repeated  # dropped from the page before (the header of a table over three pages)
    drop = 0
    while drop < min(3, part.rows - 1):
        key = _row_key(part, drop)
        if not key or key not in seen or not any(_has_keyword(t) or t in ("分值", "得分") for t in key):
            break
        drop += 1
    if not drop:
        return part
    form.repeated |= {_row_key(part, r) for r in range(drop)}
    cells = [(r0 - drop, c0, r1 - drop, c1, t) for r0, c0, r1, c1, t in part.cells if r0 >= drop]
    form.notes.append((f"第 {part.page} 页", f"续表重复的表头 {drop} 行已略去"))
    return _Part(page=part.page, top=part.top, xs=part.xs, rows=part.rows - drop, cells=cells)


# ---------------------------------------------------------------------------------------------------------
# a form into a grid


def _cell(text: str, address: str, merged: tuple[int, int, int, int] | None) -> Cell:
    value, percent = parse_number(text) if text else (None, False)
    return Cell(text=text, value=value, percent=percent, merged=merged, address=address)


def _claimed_text(text: str) -> str | None:
    """``10.00（填报 9.50）`` -> ``9.50``; ``等级：优（填报 良）`` -> ``等级：良``; None when the cell is not like that."""
    m = _CLAIMED.match(text)
    if not m:
        return None
    shown, claimed = m.group("shown").strip(), m.group("claimed").strip()
    if parse_number(shown)[0] is not None and parse_number(claimed)[0] is not None:
        return claimed
    g = re.match(r"^(等级\s*[:：]\s*)\S{1,8}$", shown)
    if g and claimed and len(claimed) <= 8:
        return g.group(1) + claimed
    return None


def _aligned(lines: Sequence[_Line]) -> list[list[tuple[int, str]]]:
    """Text lines as rows of (column, text): by word position when they look like a table, else cells in order.

    The table is the run from the first to the last line of three or more cells; the lines around it (title,
    year, sign-off) keep their cells in order from the first column.
    """
    wide = [i for i, ln in enumerate(lines) if len(ln.segments) >= 3]
    plain = [[(i, s[2]) for i, s in enumerate(ln.segments)] for ln in lines]
    if len(wide) < 3:
        return plain
    first, last = wide[0], wide[-1]
    size = 6.0
    starts = _cluster((s[0] for ln in lines[first : last + 1] for s in ln.segments), tolerance=size)
    body: list[dict[int, str]] = []
    for ln in lines[first : last + 1]:
        row: dict[int, str] = {}
        for x0, _x1, text in ln.segments:
            c = max(bisect.bisect_right(starts, x0 + size) - 1, 0)
            while c in row or (row and c < max(row)):
                c = max(row) + 1
            row[c] = text
        body.append(row)
    # A cell whose text wraps has its other lines above and below its row: a short line (fewer than three cells)
    # close to a full one goes into that row's empty cells, in the order of the lines.
    block = lines[first : last + 1]
    mids = [(ln.top + ln.bottom) / 2 for ln in block]
    full = [k for k, ln in enumerate(block) if len(ln.segments) >= 3]
    pieces: dict[tuple[int, int], list[tuple[int, str]]] = {}  # (row, column) -> (line, text) of its lines
    for k, ln in enumerate(block):
        if len(ln.segments) >= 3:
            continue
        height = max(ln.bottom - ln.top, 1.0)
        near = min(full, key=lambda f: abs(mids[f] - mids[k]))
        if abs(mids[near] - mids[k]) > 1.6 * height:
            continue  # a short row of its own (其他资金 with nothing filled in), not the rest of a wrapped cell
        for c, text in body[k].items():
            here = pieces.setdefault((near, c), [(near, body[near][c])] if c in body[near] else [])
            here.append((k, text))
        body[k] = {}
    for (near, c), texts in pieces.items():
        body[near][c] = "".join(t for _, t in sorted(texts))
    rows = plain[:first]
    rows += [sorted(r.items()) for r in body if r]
    return rows + plain[last + 1 :]


def _grid(source: str, form: _Form) -> Grid:
    parts = [it for it in form.items if isinstance(it, _Part)]
    edges = _cluster(x for p in parts for x in p.xs)
    rows: list[list[Cell | None]] = []
    notes = list(form.notes)
    pending: list[_Line] = []

    def flush() -> None:
        for ln, cells in zip(pending, _aligned(pending)):
            address = f"第 {ln.page} 页"
            row: list[Cell | None] = []
            for c, text in cells:
                row.extend([None] * (c - len(row)))
                row.append(_cell(text, address, None))
            rows.append(row)
        pending.clear()

    for it in form.items:
        if isinstance(it, _Line):
            pending.append(it)
            continue
        flush()
        address = f"第 {it.page} 页"
        base = len(rows)
        width = len(edges) - 1
        block: list[list[Cell | None]] = [[None] * width for _ in range(it.rows)]
        for r0, c0, r1, c1, text in it.cells:
            g0, g1 = _index(edges, it.xs[c0]), _index(edges, it.xs[c1 + 1]) - 1
            g1 = max(g0, g1)
            merged = (base + r0, g0, base + r1, g1) if (r1 > r0 or g1 > g0) else None
            claimed = _claimed_text(text)
            if claimed is not None:
                notes.append((address, f"“{text}”印有复算值和填报值，按填报值 {claimed} 读入"))
                text = claimed
            for r in range(r0, r1 + 1):
                for c in range(g0, g1 + 1):
                    if 0 <= r < it.rows and block[r][c] is None:
                        if (r, c) == (r0, g0):
                            block[r][c] = _cell(text, address, merged)
                        else:
                            block[r][c] = Cell(merged=merged, address=address)
        rows.extend(block)
    flush()
    width = max((len(r) for r in rows), default=0)
    out: list[list[Cell]] = []
    for row in rows:
        address = next((c.address for c in row if c is not None), "")
        out.append([c if c is not None else Cell(address=address) for c in row] + [Cell(address=address)] * (width - len(row)))
    name = f"第 {form.first} 页" if form.first == form.last else f"第 {form.first}–{form.last} 页"
    return Grid(source=source, name=name, rows=out, kind="pdf", notes=notes)


# ---------------------------------------------------------------------------------------------------------


def read_pdf(path: str, data: bytes) -> list[Grid]:
    """Every form in a PDF, one grid each, named by its pages; raises :class:`ReaderError` for what cannot be read."""

    if b"%PDF" not in data[:1024]:
        raise ReaderError("文件不是 PDF（开头没有 %PDF 标记）。请确认选择了正确的文件，或按实际格式修改扩展名。")
    precheck(data)  # every page bounded before PDFium or pdfminer draws it
    texts, scanned = page_texts(data)
    if not texts:
        raise ReaderError("PDF 文件没有页面。")
    if not any(t.strip() for t in texts):
        if scanned:
            raise ReaderError(_scan_message(len(texts)))
        raise ReaderError(f"PDF 的 {len(texts)} 页上都没有文字（空白页或只有图形），找不到自评表。请确认选择了正确的文件。")
    candidates = {i for i, t in enumerate(texts) if _has_keyword(t)}
    if not candidates:
        scans = f"；其中 {len(scanned)} 页（{_pages(scanned)}）是扫描图像，没有文字层（不做文字识别）" if scanned else ""
        raise ReaderError(
            f"在全部 {len(texts)} 页中没有找到绩效自评表（查找了“自评表”“绩效指标”“三级指标”“年度指标值”等字样）{scans}。"
            "请确认文件中含有自评表，且是可以复制出文字的电子版 PDF。"
        )
    with _quiet("pdfminer"):
        return _read_forms(path, data, texts, candidates, scanned)


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    """pdfminer logs a warning in English for every damaged operator; the user gets one message in Chinese instead."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _read_forms(path: str, data: bytes, texts: list[str], candidates: set[int], scanned: list[int]) -> list[Grid]:
    import pdfplumber

    forms: list[_Form] = []
    current: _Form | None = None
    laid_out = 0
    cut: tuple[str, str] | None = None
    unseen: dict[int, list[tuple[str, str, str]]] = {}  # page -> what it hides (invisible or covered text)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer's own errors (password, syntax, EOF) come wrapped
        raise ReaderError(_open_message(exc)) from None
    try:
        pages = pdf.pages
        for index, page in enumerate(pages):
            if current is None and index not in candidates:
                continue
            if laid_out >= MAX_FORM_PAGES:
                cut = (f"第 {index + 1} 页", f"只读取了前 {MAX_FORM_PAGES} 个可能含自评表的页面，从第 {index + 1} 页起未读取")
                break
            laid_out += 1
            try:
                items, hidden = page_items(page, index + 1)
            finally:
                page.close()
            if hidden:
                unseen[index + 1] = hidden
            if current is not None and _continues(current, items):
                first = _first_table(items)
                for k, it in enumerate(items):
                    if k == first and isinstance(it, _Part):
                        it = _join_split_row(current, _drop_repeated_header(current, it))
                        if not it.rows:
                            continue
                    current.items.append(it)
                current.last = index + 1
            elif current is not None and not current.closed and _signoff_lines(items) and _first_table(items) == len(items):
                n = _signoff_lines(items)
                current.items.extend(items[:n])
                current.last = index + 1
                current.closed = True
            else:
                if current is not None:
                    forms.append(current)
                    current = None
                if index in candidates and items:
                    current = _Form(first=index + 1, last=index + 1, items=list(items))
            if current is not None and _ended(current.items):
                current.closed = True
            if current is not None and current.closed:
                forms.append(current)
                current = None
        if current is not None:
            forms.append(current)
    except ReaderError:
        raise
    except Exception as exc:  # a damaged page in the middle of the document
        raise ReaderError(_open_message(exc)) from None
    finally:
        try:
            pdf.close()
        except Exception:  # noqa: S110 - closing touches every page again: a damaged MediaBox raises there too
            pass
    grids = []
    for f in forms:
        if _worth_reading(f):
            grid = _grid(path, f)
            for number in range(f.first, f.last + 1):  # what a person cannot see on its pages: said, not read
                grid.notes.extend(unseen.get(number, ()))  # type: ignore[arg-type]
            grids.append(grid)
    if not grids:
        mentioned = _pages(sorted(i + 1 for i in candidates))
        scans = f"；{_pages(scanned)}是扫描图像，没有文字层，不做文字识别（OCR），其中的表格无法读取" if scanned else ""
        scans += "".join(f"；{message}" for notes in list(unseen.values())[:3] for _a, message, _k in notes)
        raise ReaderError(
            f"没有找到绩效自评表：{mentioned}提到了自评表或绩效指标，但那里没有表格{scans}。"
            "请确认文件中含有自评表，且是可以复制出文字的电子版 PDF。"
        )
    for g in grids:
        if cut is not None:
            g.notes.append(cut)
        if scanned:  # a form attached as a scan to a report with text: say so if nothing is found
            g.notes.append((_pages(scanned), f"{_pages(scanned)}是扫描图像，没有文字层，不做文字识别（OCR）；其中的表格无法读取"))
    return grids


def _pages(numbers: Sequence[int]) -> str:
    """第 3、7–9 页."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    text = "、".join(f"{a}" if a == b else f"{a}–{b}" for a, b in spans[:10])
    return f"第 {text}{'…' if len(spans) > 10 else ''} 页"


def _worth_reading(form: _Form) -> bool:
    """A ruled table, or lines with a form's indicator header (a table drawn without lines); not a page of report text."""
    if any(isinstance(it, _Part) for it in form.items):
        return True
    text = _squeeze("".join(it.text for it in form.items if isinstance(it, _Line)))
    return any(k in text for k in ("三级指标", "一级指标", "年度指标值"))
