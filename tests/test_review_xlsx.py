"""``jixiao review --out X.xlsx``: the rows the workers make, joined by the parent, are the workbook
XlsxWriter itself writes from the same cell values (reports.tables.XlsxWriter).

The reference here writes every cell with XlsxWriter's public API, as the
parent used to; the two files must agree part for part (all but the time
stamp in docProps/core.xml). A change in XlsxWriter's output fails here.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import xlsxwriter
from jixiao.reports import tables
from jixiao.reports.tables import FINDING_COLUMNS, FORM_COLUMNS, INDICATOR_COLUMNS, XlsxWriter, options_for
from jixiao.scoring.batch import Summary, make_chunk, process_form, unreadable_record

ROOT = Path(__file__).resolve().parent.parent
SEED = str(ROOT / "indicators" / "examples" / "seed-2021.toml")


def reference(path: Path, records: list) -> None:
    """The workbook as XlsxWriter writes it cell by cell (constant_memory, every text as text)."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    score = wb.add_format({"num_format": "0.00"})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    sheets = (("表单", FORM_COLUMNS), ("发现项", FINDING_COLUMNS), ("指标", INDICATOR_COLUMNS))
    rows = {
        "表单": [tables.form_row_values(r.row, numbers=True) for r in records],
        "发现项": [v for r in records for v in tables._finding_rows(r)],
        "指标": [v for r in records for v in tables._indicator_rows(r)],
    }
    scores = {title: {columns.index(c) for c in names if c in columns} for title, columns in sheets
              for names in [("填报总分", "复算总分", "复核总分", "分值", "填报得分", "复算得分", "复核得分", "复核调整",
                            "执行率（%）", "填报−复核")]}
    review_date = FORM_COLUMNS.index("复核日期")
    for title, columns in sheets:
        ws = wb.add_worksheet(title)
        ws.freeze_panes(1, 0)
        for i, width in enumerate(tables._WIDTHS[title]):
            ws.set_column(i, i, width - tables._PAD)
        for i, c in enumerate(columns):
            ws.write_string(0, i, c)
        for r, values in enumerate(rows[title], start=1):
            for k, v in enumerate(values):
                if v is None or v == "":
                    continue
                if title == "表单" and k == review_date and len(v) == 10:
                    ws.write_datetime(r, k, dt.date.fromisoformat(v), day)
                elif isinstance(v, str):
                    ws.write_string(r, k, v)
                else:
                    ws.write_number(r, k, v, score if k in scores[title] else None)
        ws.autofilter(0, 0, len(rows[title]), len(columns) - 1)
    wb.close()


def test_the_joined_rows_are_the_workbook_xlsxwriter_writes(tmp_path: Path) -> None:
    opts = options_for([".xlsx"])
    records = [process_form(SEED, opts) for _ in range(5)]
    records.append(unreadable_record("bad.toml", "bad.toml：第 3 行：缺少“]”。", opts))
    records[0].row.unit = "\x1b[2J _x0041_ {a} {{b}} <c>&\"\n  "  # controls, an escape-like text, braces, XML
    records[1].row.unit = "长" * 40_000  # longer than a cell holds: cut as XlsxWriter cuts it
    records[2].row.review_date = "2022-08-01"
    records[3].row.reviewer = " 张三"  # leading space kept
    ours, theirs = tmp_path / "ours.xlsx", tmp_path / "theirs.xlsx"
    w = XlsxWriter(ours)
    for i in range(0, len(records), 4):  # chunks: the row numbers continue across them
        w.add(make_chunk(records[i : i + 4], opts))
    w.close(Summary())
    reference(theirs, records)
    a, b = zipfile.ZipFile(ours), zipfile.ZipFile(theirs)
    assert a.namelist() == b.namelist()
    for name in a.namelist():
        if name != "docProps/core.xml":  # its time stamp
            assert a.read(name) == b.read(name), name
    sheet1 = a.read("xl/worksheets/sheet1.xml").decode()
    last = chr(ord("A") + len(FORM_COLUMNS) - 1)
    assert f'<dimension ref="A1:{last}7"/>' in sheet1 and "_x001B_[2J _x005F_x0041_ {a} {{b}} &lt;c&gt;&amp;" in sheet1


def test_an_empty_review_is_a_workbook_of_headers(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "empty.xlsx"
    w = XlsxWriter(target)
    w.close(Summary())
    wb = load_workbook(target)
    assert [ws.title for ws in wb.worksheets] == ["表单", "发现项", "指标"]
    assert [c.value for c in wb["表单"][1]] == FORM_COLUMNS and wb["表单"].max_row == 1
