"""More import cases: targets typed as Excel formulas (``=100%``), odd layouts of the previous rounds."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from jixiao.indicators.importing.readers import read_grids
from jixiao.indicators.submission import load_submission
from jixiao.scoring.loading import score_file

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


def test_a_constant_formula_without_cached_value_is_its_own_value(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"] = "=100%"  # openpyxl never computes: no cached value, but the constant is its value
    ws["A2"] = "=B2*2"  # a real expression without cached value stays a problem, never a 0
    wb.save(tmp_path / "o.xlsx")
    grid = read_grids(str(tmp_path / "o.xlsx"))[0]
    a1, a2 = _cell(grid, "S!A1"), _cell(grid, "S!A2")
    assert (a1.text, a1.value, a1.percent, a1.formula, a1.problem) == ("100%", Decimal("100"), True, "=100%", "")
    assert a2.value is None and "缓存值" in a2.problem


# ------------------------------------------------------------------ odd heads: 项目编码, 目标1 / 目标2 lines, a CSV export


def _project_rows() -> list[list[str]]:
    return [
        ["项目支出绩效自评表", "", "", "", "", "", "", "", ""],
        ["（2022年度）", "", "", "", "", "", "", "", ""],
        ["项目名称", "农村学校营养改善计划", "", "", "项目编码", "43020012345", "", "", ""],
        ["主管部门", "某县教育局", "", "", "", "", "", "", ""],
        ["项目资金（万元）", "", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", "", "100.00", "120.00", "108.00", "10", "90%", "9.00"],
        ["", "其中：当年财政拨款", "", "100.00", "120.00", "108.00", "", "", ""],
        ["年度总体目标", "预期目标", "", "", "", "实际完成情况", "", "", ""],
        ["", "目标1：为全县农村学生提供营养餐补助。", "", "", "", "目标1：全年完成补助发放。", "", "", ""],
        ["", "目标2：改善学生营养状况。", "", "", "", "目标2：学生营养状况明显改善。", "", "", ""],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        ["", "产出指标（60分）", "数量指标", "受益学生人数", "≥735人次", "802人次", "30", "30", ""],
        ["", "", "质量指标", "补助标准执行率", "=100%", "98%", "30", "29.4", ""],
        ["", "满意度指标（30分）", "服务对象满意度指标", "家长满意度", "≥90%", "95%", "30", "30", ""],
        ["总分", "", "", "", "", "", "100", "98.40", "等级：优"],
    ]


def test_a_provincial_csv_with_quoted_cells_a_project_code_and_numbered_goals(tmp_path):
    import csv

    path = tmp_path / "省级导出.csv"
    with path.open("w", newline="", encoding="gb18030") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL).writerows(_project_rows())
    form, _text, notes = load_submission(path)
    assert form.unit.project == "农村学校营养改善计划" and form.unit.implementer == ""
    assert form.unit.code == ""  # 项目编码 is no unit code: said, not read
    assert any("项目编码“43020012345”未读入" in n.message and n.kind == "ignored" for n in notes)
    assert form.goal.expected == "目标1：为全县农村学生提供营养餐补助。\n目标2：改善学生营养状况。"
    assert form.goal.achieved == "目标1：全年完成补助发放。\n目标2：学生营养状况明显改善。"
    assert not any("未读入：目标2" in n.message for n in notes)
    result = score_file(path)
    # funds 108 / 120 = 90% -> 10 x 0.9 = 9.00; "=100%" typed as text against 98%: 30 x 98 / 100 = 29.40;
    # 30 + 29.40 + 30 = 89.40; total 9.00 + 89.40 = 98.40
    assert result.funds.score == Decimal("9.00")
    assert [i.score for i in result.indicators] == [Decimal("30.00"), Decimal("29.40"), Decimal("30.00")]
    assert result.total == Decimal("98.40") and result.claimed_total == Decimal("98.40")
