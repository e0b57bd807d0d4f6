"""The readers: every spreadsheet becomes a grid of cells as Excel shows them, or a Chinese message."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jixiao.indicators.importing.readers import MAX_BYTES, ImportFailure, read_grids
from jixiao.indicators.importing.readers.numfmt import show_number
from jixiao.indicators.importing.readers.xlsx import MAX_ROWS

from tests.budget import examples
from tests.import_fixtures import (
    DEPT,
    PROJECT,
    SPLIT,
    department,
    mof_project,
    split_target,
    write_book,
    write_book_openpyxl,
)

ROOT = Path(__file__).resolve().parent.parent


def texts(grid):
    return [[c.text for c in row] for row in grid.rows]


def find(grid, text):
    for row in grid.rows:
        for c in row:
            if c.text == text:
                return c
    raise AssertionError(f"{text!r} not in grid")


# ------------------------------------------------------------------ numbers as shown


@pytest.mark.parametrize(
    "value, fmt, text, shown, percent",
    [
        (12.5, "General", "12.5", "12.5", False),
        (1387.53, "General", "1387.53", "1387.53", False),
        (1387.5299999999999, "0.00", "1387.53", "1387.53", False),  # the float nearest 1387.53
        (0.1 + 0.2, "General", "0.3", "0.3", False),  # Excel shows 15 significant digits
        (12.0, "General", "12", "12", False),
        (12.5, "0.00", "12.50", "12.50", False),
        (0.96, "0%", "96%", "96", True),
        (0.9612, "0.00%", "96.12%", "96.12", True),
        (1234567.891, "#,##0.00", "1,234,567.89", "1234567.89", False),
        (2.675, "0.00", "2.68", "2.68", False),  # half up on the shown digits (the float is 2.67499...)
        (-5.25, "0.0", "-5.3", "-5.3", False),
        (12.5, '0.00"万元"', "12.50万元", "12.50", False),
        (0.5, "0.0#", "0.5", "0.5", False),
        (100, "#,##0_);[Red](#,##0)", "100", "100", False),
    ],
)
def test_numbers_are_what_excel_shows(value, fmt, text, shown, percent):
    got = show_number(value, fmt)
    assert got.text == text
    assert got.value == Decimal(shown) and str(got.value) == shown  # the digits shown, never 1387.5299999
    assert got.percent is percent


# ------------------------------------------------------------------ xlsx


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("books")
    return write_book(
        folder / "forms.xlsx",
        [
            ("项目", [(mof_project, PROJECT)]),
            ("云南", [(split_target, SPLIT)]),
            ("部门", [(department, DEPT)]),
            ("两张", [(mof_project, PROJECT), (department, DEPT)]),
        ],
    )


def test_one_grid_per_sheet_with_sheet_names_in_addresses(book):
    grids = read_grids(book)
    assert [g.name for g in grids] == ["项目", "云南", "部门", "两张"]
    assert all(g.kind == "sheet" and g.source == str(book) for g in grids)
    title = grids[0].rows[0][0]
    assert title.text == "项目支出绩效自评表" and title.address == "项目!A1"
    assert grids[1].rows[2][1].address == "云南!B3"
    # every row is as wide as the grid
    for g in grids:
        assert len({len(r) for r in g.rows}) == 1


def test_merged_ranges_on_every_covered_cell_text_on_the_anchor(book):
    grid = read_grids(book)[0]
    title = grid.rows[0]
    assert title[0].merged == (0, 0, 0, 8)
    assert all(c.merged == (0, 0, 0, 8) and c.blank for c in title[1:9])
    # 绩效指标 runs down column A over the header and the five indicator rows
    label = find(grid, "绩效指标")
    top, left, bottom, right = label.merged
    assert (left, right) == (0, 0) and bottom - top == len(PROJECT.indicators)
    assert grid.anchor(bottom, 0) is label
    # 产出指标（50分） merged over its two rows in column B
    cat = find(grid, "产出指标（50分）")
    assert cat.merged[2] - cat.merged[0] == 1


def test_numbers_percent_and_text_numbers(book):
    grids = read_grids(book)
    rate = find(grids[0], "90%")
    assert rate.value == Decimal("90") and rate.percent  # typed as text "90%" in the template
    split = grids[1]
    money = find(split, "1,200,000.00")  # a number with format #,##0.00
    assert money.value == Decimal("1200000.00") and not money.percent
    as_text = [c for row in split.rows for c in row if c.text == "1,080,000.00"]
    assert len(as_text) == 2  # one number, one text "1,080,000.00": the same value either way
    assert {c.value for c in as_text} == {Decimal("1080000.00")}
    dept = grids[2]
    assert find(dept, "1387.53").value == Decimal("1387.53")
    assert find(dept, "12.5").value == Decimal("12.5")
    assert find(dept, "99.50").value == Decimal("99.50")


def test_formulas_give_their_cached_values(book):
    dept = read_grids(book)[2]
    row = next(r for r in dept.rows if r[1].text == "合计")
    assert row[6].text == "100%" and row[6].value == 100 and row[6].percent  # =E4/D4 with format 0%
    assert row[7].text == "10.00" and row[7].value == Decimal("10.00")  # =F4*G4
    assert not any(c.problem for r in dept.rows for c in r)


def test_formula_without_cached_value_is_a_problem_at_its_cell(tmp_path):
    path = write_book_openpyxl(tmp_path / "nocache.xlsx", [("部门", [(department, DEPT)])])
    grid = read_grids(path)[0]
    problems = [c for r in grid.rows for c in r if c.problem]
    assert [c.address for c in problems] == ["部门!G4", "部门!H4"]
    assert all(c.value is None and "缓存值" in c.problem for c in problems)
    # an empty cell is not a problem
    assert not grid.rows[4][5].problem and grid.rows[4][5].blank


def test_hidden_sheet_is_not_read_and_noted(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "封面"
    hidden = wb.create_sheet("底稿")
    hidden["A1"] = "某单位"
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "h.xlsx")
    grids = read_grids(tmp_path / "h.xlsx")
    assert [g.name for g in grids] == ["封面"]  # a person cannot see it: not read
    assert [n[:1] + n[2:] for n in grids[0].notes] == [("底稿!A1", "ignored")] and "隐藏" in grids[0].notes[0][1]


def test_xlsm_reads_as_xlsx(book, tmp_path):
    target = tmp_path / "forms.xlsm"
    shutil.copy(book, target)
    assert [g.name for g in read_grids(target)] == ["项目", "云南", "部门", "两张"]


@pytest.mark.slow
def test_big_sheet_bounded(tmp_path):
    """100,000 rows: streamed, the first MAX_ROWS kept and said so (in a subprocess with a timeout)."""
    import xlsxwriter

    path = tmp_path / "big.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("数据")
    for r in range(100_000):
        ws.write_row(r, 0, [f"项目{r}", r, r * 1.5, "说明文字"])
    wb.close()
    code = (
        "import sys; from indicators.importing.readers import read_grids\n"
        f"g = read_grids({str(path)!r})[0]\n"
        "print(g.height, g.width, g.rows[10][2].text, g.notes[0][1])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    height, width, text, note = out.stdout.split(" ", 3)
    assert int(height) == MAX_ROWS and int(width) == 4 and text == "15"
    assert f"只读取了前 {MAX_ROWS} 行" in note
    cli = subprocess.run(
        [sys.executable, "-m", "jixiao.tui.cli", "import", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert cli.returncode == 2 and "没有找到绩效自评表" in cli.stderr and f"只读取了前 {MAX_ROWS} 行" in cli.stderr


# ------------------------------------------------------------------ xls


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_xls_keeps_merges_and_formats(book, tmp_path):
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(book)],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )
    grids = read_grids(tmp_path / "forms.xls")
    assert [g.name for g in grids] == ["项目", "云南", "部门", "两张"]
    dept = grids[2]
    row = next(r for r in dept.rows if r[1].text == "合计")
    assert row[6].text == "100%" and row[6].percent and row[6].value == 100
    assert row[3].text == "1387.53" and row[3].value == Decimal("1387.53")
    assert row[7].text == "10.00"
    assert grids[0].rows[0][0].merged == (0, 0, 0, 8) and grids[0].rows[0][0].address == "项目!A1"
    assert find(grids[1], "1,200,000.00").value == Decimal("1200000.00")


# ------------------------------------------------------------------ csv


@pytest.mark.parametrize(
    "encoding, delimiter",
    [("utf-8", ","), ("utf-8-sig", ","), ("gb18030", ","), ("gb18030", "\t"), ("utf-8", ";"), ("utf-16", "\t")],
)
def test_csv_encodings_and_delimiters(tmp_path, encoding, delimiter):
    rows = [["部门名称", "株洲市社会保险服务中心", ""], ["三级指标", "分值", "得分"], ["参保人满意度", "10", "9.5"], ["执行率", "96%", "1,387.53"]]
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows(rows)  # as Excel writes it: "1,387.53" quoted
    path = tmp_path / "f.csv"
    path.write_bytes(buf.getvalue().encode(encoding))
    (grid,) = read_grids(path)
    assert texts(grid) == rows
    assert grid.rows[2][2].value == Decimal("9.5") and grid.rows[2][2].address == "C3"
    assert grid.rows[3][1].value == 96 and grid.rows[3][1].percent
    assert grid.rows[3][2].value == Decimal("1387.53")


# ------------------------------------------------------------------ failures: a message, never a traceback


def _fails(path) -> str:
    with pytest.raises(ImportFailure) as info:
        read_grids(path)
    assert info.value.path == str(path)
    return info.value.message


def test_unknown_suffix_lists_the_supported(tmp_path):
    p = tmp_path / "form.ods"
    p.write_bytes(b"x")
    message = _fails(p)
    assert "不支持的文件类型" in message and ".xlsx" in message and ".xls" in message and ".csv" in message


def test_encrypted_workbook(tmp_path):
    # an encrypted xlsx is an OLE compound file holding an EncryptedPackage stream
    p = tmp_path / "locked.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 1024)
    message = _fails(p)
    assert "密码" in message and "取消密码" in message


def test_truncated_and_corrupt_workbooks(book, tmp_path):
    data = book.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    assert "不完整" in _fails(cut)
    # flip bytes inside a member: the zip is whole but a member fails its check
    broken = bytearray(data)
    info = zipfile.ZipFile(book).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    broken[start : start + 20] = b"\x00" * 20
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bytes(broken))
    message = _fails(bad)
    assert "损坏" in message or "不完整" in message


def test_not_really_a_spreadsheet(tmp_path):
    text = tmp_path / "notes.xlsx"
    text.write_text("这只是一个文本文件", encoding="utf-8")
    assert "不是 Excel 工作簿" in _fails(text)
    web = tmp_path / "export.xls"
    web.write_text("<html><body><table><tr><td>项目名称</td></tr></table></body></html>", encoding="utf-8")
    assert "网页" in _fails(web) and "另存为 .xlsx" in _fails(web)
    other_zip = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(other_zip, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert "不是 Excel 工作簿" in _fails(other_zip)
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert "空的" in _fails(empty)


def test_folder_missing_and_oversized(tmp_path):
    folder = tmp_path / "d.xlsx"
    folder.mkdir()
    assert "文件夹" in _fails(folder)
    assert "不存在" in _fails(tmp_path / "none.xlsx")
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as fh:
        fh.truncate(MAX_BYTES + 1)
    assert "过大" in _fails(huge) and "50 MB" in _fails(huge)


def test_misnamed_workbooks_are_read_by_what_they_are(book, tmp_path):
    as_xls = tmp_path / "really-xlsx.xls"
    shutil.copy(book, as_xls)
    assert [g.name for g in read_grids(as_xls)][:1] == ["项目"]


def test_cli_import_failure_is_a_chinese_message_exit_2(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    out = subprocess.run(
        [sys.executable, "-m", "jixiao.tui.cli", "import", str(bad)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and str(bad) in out.stderr and "损坏" in out.stderr
    assert out.stdout == ""


# ------------------------------------------------------------------ damaged files: a message or grids, never anything else

_SAMPLE = None


def _sample() -> bytes:
    global _SAMPLE
    if _SAMPLE is None:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            _SAMPLE = write_book(Path(tmp) / "s.xlsx", [("部门", [(department, DEPT)])]).read_bytes()
    return _SAMPLE


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cut=st.integers(min_value=0, max_value=10_000),
    flips=st.lists(st.tuples(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=255)), max_size=8),
    suffix=st.sampled_from([".xlsx", ".xls", ".csv"]),
)
def test_damaged_workbooks_never_raise_anything_else(tmp_path, cut, flips, suffix):
    data = bytearray(_sample())
    for pos, byte in flips:
        data[pos % len(data)] = byte
    if cut:
        data = data[: max(1, len(data) - cut)]
    path = tmp_path / f"damaged{suffix}"
    path.write_bytes(bytes(data))
    try:
        grids = read_grids(path)
    except ImportFailure as exc:
        assert exc.message and exc.path == str(path)
    else:
        assert all(len({len(r) for r in g.rows}) <= 1 for g in grids)  # rectangular whatever was read


def test_a_wrong_dimension_does_not_hide_cells(book, tmp_path):
    """Some programs write <dimension ref="A1"/> whatever the sheet holds; the streaming reader must not trust it."""
    import re

    damaged = tmp_path / "dimension.xlsx"
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', data)
            zout.writestr(info, data)
    assert [(g.height, g.width) for g in read_grids(damaged)] == [(g.height, g.width) for g in read_grids(book)]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_formulas_computed_by_libreoffice(tmp_path):
    """openpyxl writes formulas without results; saved again by LibreOffice they carry them."""
    src = write_book_openpyxl(tmp_path / "raw.xlsx", [("部门", [(department, DEPT)])])
    out = tmp_path / "lo"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(src)],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )
    grid = read_grids(out / "raw.xlsx")[0]
    row = grid.rows[3]
    assert [c.text for c in row[1:8]] == ["合计", "1366.77", "1387.53", "1387.53", "10", "100%", "10.00"]
    assert not any(c.problem for r in grid.rows for c in r)
    assert grid.rows[0][0].merged == (0, 0, 0, 8)


@settings(max_examples=examples(300), deadline=None)
@given(
    st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["General", "0.00", "#,##0.00"]),
)
def test_any_two_decimal_amount_stored_as_float_shows_its_digits(amount, fmt):
    """What a user typed into Excel (stored as the nearest float) comes back with the digits typed."""
    shown = show_number(float(amount), fmt)
    assert shown.value == amount
    if fmt != "General":
        assert shown.value.as_tuple().exponent == -2 and shown.text.replace(",", "") == f"{amount + 0:.2f}"  # + 0: no "-0.00"
