"""Hostile files made in the tests (issue 18, item 7): each small on disk, each one that held or killed a review.

Each builder writes one file at a size that broke the reader before its
limits (the sizes of the issue, or the smallest that still did) and returns
its path.  The tests read them in a subprocess under an rlimit
(``tests/test_hostile_bombs.py``), so a regression fails the test instead of
taking the machine.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

__all__ = ["BUILDERS", "xlsx_parts", "minimal_xlsx"]

_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}"
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{shared}"
    "</Types>"
)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="{n}">{xfs}</cellXfs></styleSheet>'
)
_XF = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'


def _sheet(rows: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>{rows}</sheetData></worksheet>'


def xlsx_parts(sheets: list[tuple[str, str, str]], styles: str | None = None, shared: str | None = None,
               shared_part: str = "xl/sharedStrings.xml") -> dict[str, bytes | str]:
    """The parts of a workbook: ``sheets`` are (name, target relative to xl/, sheet XML)."""
    rels = "".join(
        f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="{t}"/>'
        for i, (_, t, _) in enumerate(sheets)
    )
    rels += '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    if shared is not None:
        target = shared_part[3:] if shared_part.startswith("xl/") else "/" + shared_part
        rels += f'<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="{target}"/>'
    book = "".join(f'<sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, (n, _, _) in enumerate(sheets))
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": _CT.format(
            sheets="".join(
                f'<Override PartName="/xl/{t}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for _, t, _ in sheets
            ),
            shared=(f'<Override PartName="/{shared_part}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                    if shared is not None else ""),
        ),
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS}><sheets>{book}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + rels + "</Relationships>",
        "xl/styles.xml": styles if styles is not None else _STYLES.format(n=1, xfs=_XF),
    }
    for _, target, xml in sheets:
        parts[str(Path("xl") / target) if not target.startswith("../") else _norm("xl/" + target)] = xml
    if shared is not None:
        parts[shared_part] = shared
    return parts


def _norm(path: str) -> str:
    out: list[str] = []
    for piece in path.split("/"):
        if piece == "..":
            out.pop()
        elif piece not in ("", "."):
            out.append(piece)
    return "/".join(out)


def _write_zip(path: Path, parts: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in parts.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


def minimal_xlsx(path: Path) -> Path:
    return _write_zip(path, xlsx_parts([("Sheet1", "worksheets/sheet1.xml", _sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'))]))


# ------------------------------------------------------------------ the bombs


def styles_bomb(path: Path) -> Path:
    """styles.xml with 3 million style records (the issue: 67 s, 5.2 GB)."""
    n = 3_000_000
    return _write_zip(path, xlsx_parts([("Sheet1", "worksheets/sheet1.xml", _sheet(""))], styles=_STYLES.format(n=n, xfs=_XF * n)))


def entity_bomb(path: Path) -> Path:
    """Internal entities under expat's 100x amplification guard, in the sheet (the issue: 72 s, 5.1 GB)."""
    doctype = '<!DOCTYPE worksheet [<!ENTITY a "' + "x" * 1000 + '">]>'
    cell = '<c r="A{r}" t="inlineStr"><is><t>' + "&a;" * 90 + "</t></is></c>"
    rows = "".join(f'<row r="{r}">' + cell.format(r=r) + "</row>" for r in range(1, 5001))
    xml = f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet {_NS}><sheetData>{rows}</sheetData></worksheet>'
    return _write_zip(path, xlsx_parts([("Sheet1", "worksheets/sheet1.xml", xml)]))


def many_sheets(path: Path) -> Path:
    """30 sheets each at the per-sheet caps: 5000 rows x 64 columns of numbers (the issue: 98 s, 3.6 GB)."""
    # cells without an address follow one another (as the format allows): every row alike, so it packs small
    rows = ("<row>" + "<c><v>1</v></c>" * 64 + "</row>") * 5000
    sheet = _sheet(rows)
    return _write_zip(path, xlsx_parts([(f"S{i}", f"worksheets/sheet{i}.xml", sheet) for i in range(1, 31)]))


def many_sheets_claiming_a1(path: Path) -> Path:
    """The same 30 sheets, each claiming ``<dimension ref="A1"/>``: openpyxl opens them at once, the reading is what
    must be bounded (the cells over all sheets)."""
    rows = ("<row>" + "<c><v>1</v></c>" * 64 + "</row>") * 5000
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><dimension ref="A1"/><sheetData>{rows}</sheetData></worksheet>'
    return _write_zip(path, xlsx_parts([(f"S{i}", f"worksheets/sheet{i}.xml", sheet) for i in range(1, 31)]))


def huge_cell(path: Path) -> Path:
    """One cell of 1,020 MB of text (the issue: 2.1 GB), compressed to about 1 MB."""
    body = b"A" * (1020 << 20)
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'.encode()
    tail = b"</t></is></c></row></sheetData></worksheet>"
    parts = xlsx_parts([("Sheet1", "worksheets/sheet1.xml", "")])
    parts["xl/worksheets/sheet1.xml"] = _deflated_marker
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in parts.items():
            if data is _deflated_marker:
                with zf.open(name, "w", force_zip64=True) as fh:
                    fh.write(head)
                    chunk = b"A" * (16 << 20)
                    for _ in range(len(body) // len(chunk)):
                        fh.write(chunk)
                    fh.write(tail)
            else:
                zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


_deflated_marker = b"\x00marker"


def dotdot_sheet(path: Path) -> Path:
    """A sheet addressed through ``../`` (outside xl/), 200 MB unpacked: the old size check looked it up by name."""
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>' + "B" * 40_000 + "</t></is></c></row>" for r in range(1, 5001))
    return _write_zip(path, xlsx_parts([("Sheet1", "../evil/sheet1.xml", _sheet(rows))]))


def renamed_shared_strings(path: Path) -> Path:
    """Shared strings in a part not named sharedStrings.xml, 400 MB unpacked (openpyxl loads them all)."""
    strings = "".join("<si><t>" + "C" * 80_000 + "</t></si>" for _ in range(5000))
    shared = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="5000" uniqueCount="5000">{strings}</sst>'
    sheet = _sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    return _write_zip(path, xlsx_parts([("Sheet1", "worksheets/sheet1.xml", sheet)], shared=shared, shared_part="xl/strings.bin.xml"))


def docx_bomb(path: Path) -> Path:
    """A docx of 190 MB of empty paragraphs (the issue: 4.3 GB)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "<w:p/>" * ((190 << 20) // 6)
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>',
    }
    return _write_zip(path, parts)


def _letters(col: int) -> str:
    s = ""
    col += 1
    while col:
        col, r = divmod(col - 1, 26)
        s = chr(65 + r) + s
    return s


# ------------------------------------------------------------------ PDF


# a ToUnicode map for Helvetica's codes 1-4: the text 三级指标, so that the page is taken for a form's and laid out
_CMAP = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<00> <FF>
endcodespacerange
4 beginbfchar
<01> <4E09>
<02> <7EA7>
<03> <6307>
<04> <6807>
endbfchar
endcmap
CMapName currentdict /CMap defineresource pop
end
end"""
KEYWORD = b"BT /F1 12 Tf 50 810 Td (\001\002\003\004) Tj ET\n"


def _pdf(path: Path, objects: list[bytes], page_content: bytes, resources: bytes = b"") -> Path:
    """A one-page PDF: objects 1 (catalog), 2 (pages), 3 (page), 4 (its content stream, 三级指标 first), 5 (the
    font), 6 (its ToUnicode map), then ``objects`` from 7 on."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>"
    comp = zlib.compress(KEYWORD + page_content, 9)
    heads = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> "
        + resources + b" >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(comp) + comp + b"\nendstream",
        font,
        b"<< /Length %d >>\nstream\n" % len(_CMAP) + _CMAP + b"\nendstream",
        *objects,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    offsets = []
    for n, body in enumerate(heads, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(heads) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(heads) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


def nested_xobjects(path: Path, levels: int = 24) -> Path:
    """Form XObjects doubling at each level: 2^24 draws of one character (the issue: 198 s, 3.9 GB)."""
    objects: list[bytes] = []
    first = 7
    for k in range(levels):
        n = first + k
        if k == levels - 1:
            content = b"BT /F1 12 Tf 10 10 Td (x) Tj ET"
            res = b"<< /Font << /F1 5 0 R >> >>"
        else:
            content = b"/X Do /X Do"
            res = b"<< /XObject << /X %d 0 R >> >>" % (n + 1)
        objects.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources " + res
                       + b" /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    return _pdf(path, objects, b"/X Do", b"/XObject << /X %d 0 R >>" % first)


def tiny_chars(path: Path, n: int = 40_000) -> Path:
    """40,000 one-point characters on one page (the issue: 88 s, superlinear in the duplicate-character pass)."""
    lines = []
    for i in range(n):
        x, y = 20 + (i % 500) * 1.1, 20 + (i // 500) * 1.2
        lines.append(b"1 0 0 1 %.1f %.1f Tm (%s) Tj" % (x, y, bytes([65 + i % 26])))
    return _pdf(path, [], b"BT /F1 1 Tf " + b" ".join(lines) + b" ET")


def big_content(path: Path, megabytes: int = 40) -> Path:
    """A 40 MB content stream (the issue: 77 s): path operators, compressed to a few hundred KB."""
    unit = b"10 10 m 20 20 l S\n"
    return _pdf(path, [], b"BT /F1 12 Tf 50 800 Td (x) Tj ET\n" + unit * ((megabytes << 20) // len(unit)))


BUILDERS = {
    "styles.xlsx": styles_bomb,
    "entities.xlsx": entity_bomb,
    "sheets.xlsx": many_sheets,
    "sheets-a1.xlsx": many_sheets_claiming_a1,
    "cell.xlsx": huge_cell,
    "dotdot.xlsx": dotdot_sheet,
    "shared.xlsx": renamed_shared_strings,
    "paragraphs.docx": docx_bomb,
    "nested.pdf": nested_xobjects,
    "chars.pdf": tiny_chars,
    "content.pdf": big_content,
}
