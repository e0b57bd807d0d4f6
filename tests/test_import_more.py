"""More import cases: targets typed as Excel formulas (``=100%``), odd layouts of the previous rounds."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from indicators.importing import load_submission
from indicators.importing.readers import read_grids
from scoring.engine import score_file
from tests.import_fixtures import PROJECT, Ind, mof_project, write_book


def _cell(grid, address):
    for row in grid.rows:
        for c in row:
            if c.address == address:
                return c
    raise AssertionError(address)


# ------------------------------------------------------------------ `=100%` typed in Excel is a formula


def _formula_project(tmp_path: Path) -> Path:
    inds = list(PROJECT.indicators)
    # 补助标准执行率: typed "=100%" in Excel (a formula whose cached value is 1, shown General "1"), actual 98%;
    # 家长满意度: typed "=6" (cached 6) against an actual "=6" as well.
    inds[1] = Ind("产出指标", "质量指标", "补助标准执行率", ("=", "100%", 1), "98%", 20, 19.6)
    inds[4] = Ind("满意度指标", "服务对象满意度指标", "投诉次数", ("=", "0", 0), ("=", "0", 0), 10, 10)
    spec = replace(PROJECT, indicators=inds, total="98.60")
    return write_book(tmp_path / "formula.xlsx", [("自评表", [(mof_project, spec)])])


def test_a_constant_formula_keeps_its_text_in_the_reader(tmp_path):
    import xlsxwriter

    path = tmp_path / "f.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("S")
    pct = book.add_format({"num_format": "0%"})
    ws.write_formula("A1", "=95%", pct, 0.95)
    ws.write_formula("A2", "=6", None, 6)
    ws.write_formula("A3", "=B3/C3", pct, 0.5)
    ws.write_number("B3", 1)
    ws.write_number("C3", 2)
    book.close()
    grid = read_grids(str(path))[0]
    a1, a2, a3 = (_cell(grid, f"S!A{n}") for n in (1, 2, 3))
    assert (a1.text, a1.value, a1.percent, a1.formula) == ("95%", Decimal("95"), True, "=95%")
    assert (a2.text, a2.value, a2.formula) == ("6", Decimal("6"), "=6")
    assert (a3.text, a3.formula) == ("50%", "")  # a real expression: only its cached value


def test_a_target_typed_as_equal_formula_keeps_its_equal_sign(tmp_path):
    path = _formula_project(tmp_path)
    form, _text, notes = load_submission(path)
    by_name = {i.name: i for i in form.indicators}
    assert by_name["补助标准执行率"].target == "=100%"  # not "1" (the cached value shown General)
    assert by_name["投诉次数"].target == "=0" and by_name["投诉次数"].actual == "=0"
    said = [n for n in notes if "公式“=100%”" in n.message]
    assert len(said) == 1 and said[0].address.startswith("自评表!") and said[0].kind == "assumed"
    result = score_file(path)
    scores = {i.name: i.score for i in result.indicators}
    # "=100%" against 98%: an equal target scored in proportion, 20 x 98 / 100 = 19.60
    assert scores["补助标准执行率"] == Decimal("19.60")
    # "=0" against "=0": met, 10.00
    assert scores["投诉次数"] == Decimal("10.00")
    # funds: the 得分 formula keeps its cached value: 108 / 120 = 90%, 10 x 0.9 = 9.00 (claimed 9)
    assert result.funds.score == Decimal("9.00") and result.funds.claimed == Decimal("9")
