"""One page of a PDF: its ruled tables (parts) and its lines of text, in reading order.

The seam with :mod:`.pdf`: this module turns one pdfplumber page into
:class:`_Part` and :class:`_Line` items and knows nothing of forms; ``pdf``
opens the document, picks the pages and joins their items into forms.

Only what a person sees on the page is read (:func:`visible_page`): text
drawn invisibly (render mode 3 or 7, the layer under a scanned image) never
reaches pdfplumber, and characters covered by a filled shape or an image
drawn after them (a white box with other figures painted on top) are left
out; both are counted, for the form's notes.  The work per page is bounded
(:mod:`jixiao.indicators.limits`): characters, and the duplicate
characters of fake bold are removed in one pass (pdfplumber's own
``dedupe_chars`` compares each character with its neighbours, superlinear
on a page of 40,000 one-point characters).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ... import limits
from . import ReaderError

_CELL_GAP = 1.0  # a gap wider than one character (at its size) between words of a line of text separates two cells
_EDGE_TOLERANCE = 2.0  # points: edges closer than this are one edge
_TABLE_SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}
_FURNITURE = re.compile(
    r"^[-—–\s]*\d{1,4}[-—–\s]*$|^第\s*\d+\s*页(\s*[,，/／]?\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$|^共\s*\d+\s*页.*第\s*\d+\s*页$"
)


# ---------------------------------------------------------------------------------------------------------
# text from characters


def _is_wide(ch: str) -> bool:
    """A CJK character or full-width punctuation: lines and words join around it without a space."""
    return bool(ch) and unicodedata.east_asian_width(ch[0]) in ("W", "F")


def _line_text(chars: Sequence[dict[str, Any]]) -> str:
    """One line of characters (sorted by x) as text: a space where the source had one or a gap between narrow characters."""
    out: list[str] = []
    prev: dict[str, Any] | None = None
    for ch in chars:
        t = ch["text"]
        if t.isspace():
            if out and out[-1] != " ":
                out.append(" ")
            continue
        if prev is not None and out and out[-1] != " ":
            gap = ch["x0"] - prev["x1"]
            if gap > 0.3 * max(ch["size"], 1.0) and not (_is_wide(t) and _is_wide(prev["text"])):
                out.append(" ")
        out.append(t)
        prev = ch
    return "".join(out).strip()


def _lines(chars: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Characters grouped into lines (by their vertical middle), top to bottom, each sorted left to right."""
    ordered = sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"]))
    lines: list[list[dict[str, Any]]] = []
    mid = 0.0
    for ch in ordered:
        m = (ch["top"] + ch["bottom"]) / 2
        if lines and abs(m - mid) <= 0.45 * max(ch["size"], 1.0):
            lines[-1].append(ch)
        else:
            lines.append([ch])
            mid = m
    for line in lines:
        line.sort(key=lambda c: c["x0"])
    return lines


def _join_lines(lines: Sequence[str]) -> str:
    """Wrapped lines of one cell back into one text: joined as they are, with a space only between two Latin words."""
    out = ""
    for line in lines:
        if not line:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and line[0].isascii() and line[0].isalpha():
            out += " "  # an English word wrapped at its space; Chinese, numbers (1387.\n53) join as they are
        out += line
    return out


def _rotated_text(chars: Sequence[dict[str, Any]]) -> str:
    """Text turned a quarter (a label written up or down a narrow cell): read along its own direction.

    Turned anticlockwise (matrix b > 0) it reads bottom to top and its lines follow left to right; turned
    clockwise it reads top to bottom and its lines follow right to left.
    """
    up = sum(1 for c in chars if c["matrix"][1] > 0) * 2 >= len(chars)
    columns: list[list[dict[str, Any]]] = []
    for ch in sorted(chars, key=lambda c: (c["x0"] + c["x1"]) / 2):
        mid = (ch["x0"] + ch["x1"]) / 2
        if columns and abs(mid - (columns[-1][0]["x0"] + columns[-1][0]["x1"]) / 2) <= 0.5 * max(ch["size"], 1.0):
            columns[-1].append(ch)
        else:
            columns.append([ch])
    if not up:
        columns.reverse()
    lines = []
    for col in columns:
        col.sort(key=lambda c: c["top"], reverse=up)
        lines.append("".join(c["text"] for c in col).strip())
    return _join_lines(lines)


def _cell_text(chars: Sequence[dict[str, Any]]) -> str:
    """The text of one cell: its lines joined, or read along a turned label when most of it is turned."""
    upright = [c for c in chars if c.get("upright", True)]
    turned = [c for c in chars if not c.get("upright", True) and not c["text"].isspace()]
    text = _join_lines([_line_text(line) for line in _lines(upright)])
    if not turned:
        return text
    other = _rotated_text(turned)
    return _join_lines([other, text] if len(turned) > len(upright) else [text, other])


def _segments(line: Sequence[dict[str, Any]]) -> list[tuple[float, float, str]]:
    """A line of text cut where the words are far apart: (x0, x1, text) for each piece."""
    pieces: list[list[dict[str, Any]]] = []
    prev: dict[str, Any] | None = None
    for ch in line:
        if ch["text"].isspace():
            if pieces:
                pieces[-1].append(ch)
            continue
        if prev is None or ch["x0"] - prev["x1"] > _CELL_GAP * max(ch["size"], 1.0):
            pieces.append([ch])
        else:
            pieces[-1].append(ch)
        prev = ch
    out = []
    for p in pieces:
        visible = [c for c in p if not c["text"].isspace()]
        text = _line_text(p)
        if text:
            out.append((visible[0]["x0"], visible[-1]["x1"], text))
    return out


# ---------------------------------------------------------------------------------------------------------
# one page: table parts and text lines, in reading order


@dataclass
class _Part:
    """A ruled table on one page: cells on the grid of its distinct edges."""

    page: int
    top: float
    xs: list[float]  # column edges (absolute x), sorted
    rows: int
    cells: list[tuple[int, int, int, int, str]]  # top row, left col, bottom row, right col (inclusive), text


@dataclass
class _Line:
    page: int
    top: float
    bottom: float
    segments: list[tuple[float, float, str]]

    @property
    def text(self) -> str:
        return " ".join(s[2] for s in self.segments)


def _cluster(values: Iterable[float], tolerance: float = _EDGE_TOLERANCE) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tolerance:
            continue
        out.append(v)
    return out


def _index(edges: Sequence[float], v: float) -> int:
    """The index of the edge nearest to v."""
    i = bisect.bisect_left(edges, v)
    if i == len(edges):
        return i - 1
    if i > 0 and v - edges[i - 1] < edges[i] - v:
        return i - 1
    return i


def _keep(obj: dict[str, Any]) -> bool:
    """Ruling lines only: a fill-only rectangle is a ruling line when it is thin, else a background."""
    if obj.get("object_type") != "rect":
        return True
    if obj.get("stroke"):
        return True
    w, h = obj["x1"] - obj["x0"], obj["bottom"] - obj["top"]
    # a long thin bar is a border (Excel and WPS draw them so); a shaded block or a QR code's modules are not
    return min(w, h) <= 1.5 and max(w, h) >= 12.0


def _runs(chars: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Characters in the order they are drawn, cut into runs: one string shown on one line.

    Glyphs of one string abut; the text of the next cell starts a padding away.  A run belongs to the cell where
    it starts.  A spreadsheet printed with a text too long for its cell draws the
    whole text and clips it at the cell's border: the hidden rest lies over the next cell, but it is drawn as part
    of the same string, so it stays with the cell it was typed into.
    """
    runs: list[list[dict[str, Any]]] = []
    prev: dict[str, Any] | None = None
    for ch in chars:
        size = max(ch["size"], 1.0)
        gap = ch["x0"] - prev["x1"] if prev is not None else 0.0
        # one string's glyphs abut (a space may be widened by word spacing); the next cell's text starts apart
        same = prev is not None and abs(ch["top"] - prev["top"]) <= 0.3 * size and ch["size"] == prev["size"]
        if not same or not (abs(gap) <= 0.15 * size or (prev is not None and prev["text"].isspace() and 0 <= gap <= size)):
            runs.append([ch])
        else:
            runs[-1].append(ch)
        prev = ch
    return runs


# ---------------------------------------------------------------------------------------------------------
# what a person sees, and the work a page may cost


class PageTooComplex(ReaderError):
    """A page over a limit of :mod:`..limits` (its message is Chinese)."""


class _Guard:
    """The work of the page being laid out, counted by the pdfminer hooks below (one page at a time per process)."""

    active = False
    page = 0
    chars = 0
    invisible = 0
    draws = 0
    depth = 0

    def start(self, number: int) -> None:
        self.active, self.page, self.chars, self.invisible, self.draws, self.depth = True, number, 0, 0, 0, 0


_GUARD = _Guard()
_HOOKED = False


def _too_complex(number: int, what: str) -> PageTooComplex:
    return PageTooComplex(
        f"PDF 第 {number} 页{what}，超过读取上限（自评表的一页远不到这么多），可能是损坏或恶意构造的文件，未读取。"
        "请向报送单位索取正常导出的 PDF，或改交 Excel 文件。"
    )


def _install_hooks() -> None:
    """Hooks in pdfminer (as pdfplumber drives it), active only while :func:`page_items` lays out a page:
    invisible text (render mode 3 or 7) is not rendered but counted; characters and XObjects drawn are
    counted, and nesting depth, each against its limit."""
    global _HOOKED
    if _HOOKED:
        return
    from pdfminer.converter import PDFLayoutAnalyzer
    from pdfminer.pdfdevice import PDFTextDevice
    from pdfminer.pdfinterp import PDFPageInterpreter

    render_string = PDFTextDevice.render_string
    render_char = PDFLayoutAnalyzer.render_char
    do_do = PDFPageInterpreter.do_Do

    def hooked_string(self: Any, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
        if _GUARD.active and getattr(textstate, "render", 0) in (3, 7):  # neither filled nor stroked: unseen
            _GUARD.invisible += sum(len(x) for x in seq if isinstance(x, bytes))
            return
        render_string(self, textstate, seq, ncs, graphicstate)

    def hooked_char(self: Any, *args: Any, **kwargs: Any) -> float:
        if _GUARD.active:
            _GUARD.chars += 1
            if _GUARD.chars > limits.MAX_PAGE_CHARS:
                raise _too_complex(_GUARD.page, f"的字符超过 {limits.MAX_PAGE_CHARS} 个")
        return render_char(self, *args, **kwargs)  # type: ignore[no-any-return]

    def hooked_do(self: Any, xobjid_arg: Any) -> None:
        if not _GUARD.active:
            do_do(self, xobjid_arg)
            return
        _GUARD.draws += 1
        if _GUARD.draws > limits.MAX_XOBJECT_DRAWS:
            raise _too_complex(_GUARD.page, f"绘制的对象（XObject）超过 {limits.MAX_XOBJECT_DRAWS} 次")
        _GUARD.depth += 1
        try:
            if _GUARD.depth > limits.MAX_XOBJECT_DEPTH:
                raise _too_complex(_GUARD.page, f"的对象（XObject）嵌套超过 {limits.MAX_XOBJECT_DEPTH} 层")
            do_do(self, xobjid_arg)
        finally:
            _GUARD.depth -= 1

    PDFTextDevice.render_string = hooked_string  # type: ignore[method-assign]
    PDFLayoutAnalyzer.render_char = hooked_char  # type: ignore[method-assign]
    PDFPageInterpreter.do_Do = hooked_do  # type: ignore[method-assign]
    _HOOKED = True


def _content_bytes(page: Any, number: int) -> int:
    """The decoded size of a page's content streams, measured without decoding more than the limit allows."""
    contents = getattr(getattr(page, "page_obj", None), "contents", None) or []
    return len(_decoded(contents, number))


_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do(?![A-Za-z])")


def _decoded(streams: Iterable[Any], number: int) -> bytes:
    """The content of ``streams`` (pdfminer objects), decoded, at most limits.MAX_PAGE_CONTENT_BYTES in all."""
    from pdfminer.pdftypes import resolve1

    out: list[bytes] = []
    total = 0
    for ref in streams:
        stream = resolve1(ref)
        raw = getattr(stream, "rawdata", None)
        if raw is None:
            data = getattr(stream, "data", None) or b""
        else:
            filters = stream.get_filters() if hasattr(stream, "get_filters") else []
            names = [getattr(f[0], "name", str(f[0])) for f in filters]
            if not names:
                data = raw
            elif names == ["FlateDecode"]:
                try:
                    data = zlib.decompressobj().decompress(raw, limits.MAX_PAGE_CONTENT_BYTES + 1 - total)
                except zlib.error:
                    data = b""
            else:  # other filters are rare in printed forms: measured by pdfminer itself, bounded by the raw size
                data = raw
        total += len(data)
        if total > limits.MAX_PAGE_CONTENT_BYTES:
            raise _too_complex(number, f"的内容流超过 {limits.MAX_PAGE_CONTENT_BYTES >> 20} MB")
        out.append(data)
    return b"\n".join(out)


def precheck(data: bytes) -> None:
    """Every page of a PDF measured before anything draws it (PDFium included): its content streams, and the
    XObjects it would draw, counted through their nesting without drawing them; raises :class:`PageTooComplex`.
    A document pdfminer cannot open is left to the readers, which say what is wrong."""
    import io

    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFStream, resolve1

    try:
        doc = PDFDocument(PDFParser(io.BytesIO(data)))
        pages = PDFPage.create_pages(doc)
    except Exception:  # noqa: BLE001 - damaged or encrypted: the readers' own messages say so
        return
    memo: dict[int, int] = {}

    def draws(body: bytes, resources: Any, depth: int, number: int) -> int:
        if depth > limits.MAX_XOBJECT_DEPTH:
            raise _too_complex(number, f"的对象（XObject）嵌套超过 {limits.MAX_XOBJECT_DEPTH} 层")
        names = _DO.findall(body)
        if not names:
            return 0
        xobjects = resolve1(resolve1(resources).get("XObject")) if isinstance(resolve1(resources), dict) else None
        total = 0
        for name in names:
            total += 1
            ref = xobjects.get(name.decode("latin-1")) if isinstance(xobjects, dict) else None
            obj = resolve1(ref)
            if isinstance(obj, PDFStream) and getattr(obj.get("Subtype"), "name", "") == "Form":
                key = getattr(ref, "objid", id(obj))
                if key not in memo:
                    memo[key] = -1  # being counted: a form that draws itself is as deep as the limit allows
                    memo[key] = draws(_decoded([obj], number), obj.get("Resources") or resources, depth + 1, number)
                elif memo[key] < 0:
                    raise _too_complex(number, "的对象（XObject）绘制自身")
                total += memo[key]
            if total > limits.MAX_XOBJECT_DRAWS:
                raise _too_complex(number, f"绘制的对象（XObject）超过 {limits.MAX_XOBJECT_DRAWS} 次")
        return total

    try:
        for number, page in enumerate(pages, start=1):
            if number > limits.MAX_PDF_PAGES:
                raise PageTooComplex(f"PDF 超过 {limits.MAX_PDF_PAGES} 页，超过读取上限，未读取。请只提交自评表所在的页。")
            contents = page.contents or []
            memo.clear()
            draws(_decoded(contents, number), page.resources, 0, number)
    except PageTooComplex:
        raise
    except Exception:  # noqa: BLE001 - a damaged object: the readers' own messages say so
        return


def _dedupe(chars: Sequence[dict[str, Any]]) -> set[int]:
    """The ids of characters drawn twice at (almost) the same place (fake bold) after the first: one pass with a
    hash of positions rounded to a point, each looked up with its eight neighbours (pdfplumber's own pass
    compares neighbours in sorted runs, superlinear on a page of tiny characters)."""
    first: dict[tuple[str, str, float, int, int], dict[str, Any]] = {}  # the first character at a rounded place
    drop: set[int] = set()
    for ch in chars:
        x, y = round(ch["x0"]), round(ch["top"])
        key = (ch["text"], ch.get("fontname", ""), round(ch["size"], 1))
        if any(_near(ch, first.get((*key, x0, y0))) for x0 in (x - 1, x, x + 1) for y0 in (y - 1, y, y + 1)):
            drop.add(id(ch))
            continue
        first.setdefault((*key, x, y), ch)
    return drop


def _near(ch: dict[str, Any], other: dict[str, Any] | None) -> bool:
    return other is not None and abs(ch["x0"] - other["x0"]) <= 1.0 and abs(ch["top"] - other["top"]) <= 1.0


def _covered(page: Any) -> set[int]:
    """Indexes (in ``page.chars``) of the characters a filled shape or an image drawn after them covers.

    The layout's objects are walked in drawing order; a cover is a filled
    rectangle or curve at least 2 points in each direction, or an image.  A
    character whose middle lies under a later cover cannot be seen.
    """
    from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage

    chars: list[tuple[int, float, float]] = []  # (order, x middle, y middle) of each LTChar, in page.chars order
    covers: list[tuple[int, float, float, float, float]] = []
    order = 0
    stack: list[Any] = [iter(page.layout)]
    while stack:
        obj = next(stack[-1], None)
        if obj is None:
            stack.pop()
            continue
        order += 1
        if isinstance(obj, LTChar):
            chars.append((order, (obj.x0 + obj.x1) / 2, (obj.y0 + obj.y1) / 2))
        elif isinstance(obj, LTImage) or (isinstance(obj, LTCurve) and getattr(obj, "fill", False)):
            if obj.width >= 2 and obj.height >= 2:
                covers.append((order, obj.x0, obj.y0, obj.x1, obj.y1))
                if len(covers) > limits.MAX_PAGE_COVERS:
                    raise _too_complex(_GUARD.page, f"的填充图形和图片超过 {limits.MAX_PAGE_COVERS} 个")
        if isinstance(obj, LTContainer) and not isinstance(obj, LTChar):
            stack.append(iter(obj))
    if not covers or not chars:
        return set()
    cell = 24.0
    buckets: dict[tuple[int, int], list[tuple[int, float, float, float, float]]] = {}
    for cv in covers:
        _, x0, y0, x1, y1 = cv
        for bx in range(int(x0 // cell), int(x1 // cell) + 1):
            for by in range(int(y0 // cell), int(y1 // cell) + 1):
                buckets.setdefault((bx, by), []).append(cv)
    out: set[int] = set()
    for k, (o, x, y) in enumerate(chars):
        for co, x0, y0, x1, y1 in buckets.get((int(x // cell), int(y // cell)), ()):
            if co > o and x0 <= x <= x1 and y0 <= y <= y1:
                out.add(k)
                break
    return out


def page_items(page: Any, number: int) -> tuple[list[_Part | _Line], list[tuple[str, str, str]]]:
    """The items of a page and the notes (address, message, kind) of what it hides: invisible or covered text."""
    _install_hooks()
    _content_bytes(page, number)
    _GUARD.start(number)
    try:
        chars = page.chars  # lays the page out, through the hooks
        hidden = _covered(page)
    except PageTooComplex:
        raise
    except Exception as exc:  # pdfplumber wraps what pdfminer raised (our limits too) in its own exception
        inner = exc.args[0] if exc.args else None
        if isinstance(inner, PageTooComplex):
            raise inner from None
        raise
    finally:
        _GUARD.active = False
    notes: list[tuple[str, str, str]] = []
    if _GUARD.invisible:
        notes.append((f"第 {number} 页", f"第 {number} 页有不可见的文字（约 {_GUARD.invisible} 字节，渲染模式为不显示，"
                      "如扫描图像下的文字层），页面上看不见，未读取、未计入评分。", "problem"))
    drop = {id(chars[k]) for k in hidden if k < len(chars)}
    if drop:
        sample = "".join(chars[k]["text"] for k in sorted(hidden)[:12] if k < len(chars))
        notes.append((f"第 {number} 页", f"第 {number} 页有 {len(drop)} 个字被其后画上的填充图形或图片遮住（如 “{sample}”），"
                      "页面上看不见，未读取、未计入评分。请核对页面上显示的内容。", "problem"))
    drop |= _dedupe([c for c in chars if id(c) not in drop])
    return _page_items(page, number, drop), notes


def _page_items(page: Any, number: int, drop: set[int] | None = None) -> list[_Part | _Line]:
    if drop is None:
        lined = page.filter(_keep).dedupe_chars()  # bold faked by drawing each character twice reads once
    else:  # covered characters and the duplicates of fake bold left out (see page_items)
        lined = page.filter(lambda obj: _keep(obj) and (obj.get("object_type") != "char" or id(obj) not in drop))
    tables = [t for t in lined.find_tables(_TABLE_SETTINGS) if len(t.cells) >= 2]
    parts: list[tuple[Any, list[float], list[float]]] = []
    for t in tables:
        xs = _cluster([c[0] for c in t.cells] + [c[2] for c in t.cells])
        ys = _cluster([c[1] for c in t.cells] + [c[3] for c in t.cells])
        if len(xs) < 2 or len(ys) < 2 or (len(xs) == 2 and len(ys) == 2):
            continue  # a frame round the page or one box: its text is read as text
        parts.append((t, xs, ys))

    chars = [c for c in lined.chars if c.get("upright", True) or not c["text"].isspace()]
    in_cell: list[list[list[dict[str, Any]]]] = [[[] for _ in t.cells] for t, _, _ in parts]
    slots: list[dict[tuple[int, int], int]] = []
    spans: list[list[tuple[int, int, int, int]]] = []
    for t, xs, ys in parts:
        owner: dict[tuple[int, int], int] = {}
        span = []
        for k, (x0, top, x1, bottom) in enumerate(t.cells):
            r0, r1 = _index(ys, top), _index(ys, bottom) - 1
            c0, c1 = _index(xs, x0), _index(xs, x1) - 1
            r1, c1 = max(r0, r1), max(c0, c1)
            span.append((r0, c0, r1, c1))
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    owner.setdefault((r, c), k)
        slots.append(owner)
        spans.append(span)
    loose: list[dict[str, Any]] = []
    for run in _runs(chars):
        head = next((c for c in run if not c["text"].isspace()), run[0])
        cx, cy = (head["x0"] + head["x1"]) / 2, (head["top"] + head["bottom"]) / 2
        for n, (t, xs, ys) in enumerate(parts):
            x0, top, x1, bottom = t.bbox
            if x0 <= cx <= x1 and top <= cy <= bottom:
                r = min(max(bisect.bisect_right(ys, cy) - 1, 0), len(ys) - 2)
                c = min(max(bisect.bisect_right(xs, cx) - 1, 0), len(xs) - 2)
                slot = slots[n].get((r, c))
                if slot is not None:
                    in_cell[n][slot].extend(run)
                    break
        else:
            loose.extend(run)

    items: list[_Part | _Line] = []
    for n, (t, xs, ys) in enumerate(parts):
        cells = []
        for k, (r0, c0, r1, c1) in enumerate(spans[n]):
            text = _cell_text(in_cell[n][k])
            cells.append((r0, c0, r1, c1, text))
        items.append(_Part(page=number, top=t.bbox[1], xs=xs, rows=len(ys) - 1, cells=cells))
    height = float(page.height) or 1.0
    for line in _lines(loose):
        segs = _segments(line)
        if not segs:
            continue
        top = min(c["top"] for c in line)
        bottom = max(c["bottom"] for c in line)
        text = " ".join(s[2] for s in segs)
        if (top < 0.1 * height or bottom > 0.9 * height) and _FURNITURE.match(text):
            continue  # a page number in the margin
        items.append(_Line(page=number, top=top, bottom=bottom, segments=segs))
    items.sort(key=lambda it: it.top)
    return items
