"""Hard layouts of real published forms, and hostile files, against the import.

Each layout is the seed (株洲市社会保险服务中心 2021, indicators/examples/seed-2021.toml) or the MOF
project form (tests/fixtures/project-2023.toml) printed the way real units print it: WPS merges, a 序号
column, the 二级 name repeated on every row, units inside the cells, a 部门决算 table before the form...
Each must score as its source.  The seed by hand: funds 1387.53 / 1387.53 = 100% → 10; indicators
4 × 12.5 + 4 × 7.5 + 10 = 90 computed (满意度 大于95% ≥ 95% → 10); computed 100.00 (优); claimed
10 + 50 + 30 + 9.5 = 99.50.

Hostile files (huge shared strings, 16,384 columns, a zip bomb, 50 nested tables, a 50 MB line...)
are run through ``python -m tui.cli import`` in a subprocess with a timeout: a Chinese message or a
result, exit 0/1/2, never a traceback.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jixiao.indicators.importing import import_grids
from jixiao.indicators.importing.numbers import parse_number
from jixiao.indicators.importing.recognise import Recognised
from jixiao.reports.fonts import find_cjk_font

from tests.import_scoring import assert_scores_as, rows_of, score, score_file

from .conftest import ROOT, SEED
from .fixtures.office_docs import SEED_GOAL, SEED_ROWS, SEED_UNIT, Row, Sheet, draw_pdf, merge_down, write_docx

D = Decimal
PROJECT = ROOT / "tests" / "fixtures" / "project-2023.toml"
needs_font = pytest.mark.skipif(find_cjk_font() is None, reason="no TrueType CJK font (fonts-wqy-zenhei) to draw the PDFs")


def assert_seed(rec: Recognised) -> None:
    got = score(rec)
    assert (got.total, got.claimed_total, got.claimed_grade) == (D("100.00"), D("99.50"), "优")  # by hand, above
    assert_scores_as(got, score_file(SEED))


def only_form(path: Path) -> Recognised:
    _grids, found = import_grids(path)
    assert len(found) == 1, [r.range_text for r in found]
    return found[0]


def problems(rec: Recognised) -> list[str]:
    return [f"{n.address} {n.message}" for n in rec.notes if n.kind == "problem"]


def to_xlsx(path: Path, sheets: list[tuple[str, Sheet]], *, numbers: bool = True, formats: dict[Any, str] | None = None,
            values: dict[Any, Any] | None = None) -> Path:
    """Sheets to a workbook with openpyxl: texts that are numbers become numbers (``numbers``), merges as drawn;
    ``values`` {(sheet, r, c): value} and ``formats`` {(sheet, r, c): number_format} override single cells."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, sheet in sheets:
        ws = wb.create_sheet(name)
        for r, row in enumerate(sheet.rows):
            for c, text in enumerate(row):
                v: Any = text
                key = (name, r, c)
                if values and key in values:
                    v = values[key]
                elif numbers and text:
                    n, pct = parse_number(text)
                    if n is not None and not pct and text.isascii() and "," not in text:
                        v = int(n) if n == n.to_integral_value() and "." not in text else float(text)
                if v != "":
                    cell = ws.cell(row=r + 1, column=c + 1, value=v)
                    if isinstance(v, str) and v.startswith("="):  # "=100%" typed as text, not a formula
                        cell.data_type = "s"
                if formats and key in formats:
                    ws.cell(row=r + 1, column=c + 1).number_format = formats[key]
        for top, left, bottom, right in sheet.spans:
            ws.merge_cells(start_row=top + 1, start_column=left + 1, end_row=bottom + 1, end_column=right + 1)
    wb.save(path)
    return path


# ------------------------------------------------------------------ the seed, printed in many ways

HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]


def seed_sheet(*, serial: bool = False, repeat_l2: bool = False, vertical_label: bool = False, title_span: int = 0,
               weight_first: bool = False, review: bool = False, rows: list[Row] = SEED_ROWS,
               total_row: list[str] | None = None, after: list[list[str]] = (), funds: list[list[str]] | None = None,
               funds_header: list[str] | None = None, unit_line: str = "") -> Sheet:
    """The seed's department form with the variations real units print; every variation keeps the scores."""
    lead = 1 if serial else 0  # an extra 序号 column at the left
    s = Sheet(widths=[1.0] * (lead + 10))
    if title_span:
        s.add(["2021年度部门整体支出绩效自评表"], spans=[(0, title_span - 1)])
    else:
        s.add(["2021 年度部门整体支出绩效自评表"])
    if unit_line:
        s.add([unit_line])
    else:
        s.add([""] * lead + ["部门名称", SEED_UNIT], spans=[(lead + 1, lead + 8)])
    fh = funds_header or ["资金情况（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    h = s.add([""] * lead + fh)
    body = funds or [
        ["", "年度资金总额", "1366.77", "1387.53", "1387.53", "10", "100%", "10"],
        ["", "其中：当年财政拨款", "1366.77", "1387.53", "1387.53"],
        ["", "上年结转资金"],
        ["", "其他资金"],
    ]
    for b in body:
        e = s.add([""] * lead + b)
    s.merge(h, lead, e, lead)
    g = s.add([""] * lead + ["年度总体目标", "预期目标", "", "", "", "实际完成情况"], spans=[(lead + 1, lead + 4), (lead + 5, lead + 8)])
    s.add([""] * lead + ["", SEED_GOAL, "", "", "", "全部完成"], spans=[(lead + 1, lead + 4), (lead + 5, lead + 8)])
    s.merge(g, lead, g + 1, lead)
    header = list(HEADER)
    if weight_first:  # 指标权重 before 指标值
        header = ["一级指标", "二级指标", "三级指标", "指标权重", "年度指标值", "实际完成值", "得分", "偏差原因分析及改进措施"]
    if review:
        header = header[:7] + ["复核得分"] + header[7:]
    top = s.add((["序号"] if serial else []) + ["绩效指标"] + header)
    start = len(s.rows)
    for i, row in enumerate(rows):
        cells = [row.category, row.subcategory, row.name, row.target, row.actual, row.weight, row.score, row.note]
        if weight_first:
            cells = [row.category, row.subcategory, row.name, row.weight, row.target, row.actual, row.score, row.note]
        if review:
            cells = cells[:7] + [row.score] + cells[7:]
        s.add(([str(i + 1)] if serial else []) + [""] + cells)
    end = len(s.rows) - 1
    if vertical_label:  # 绩/效/指/标 one character a row, no merge
        for i, ch in enumerate("绩效指标"):
            s.rows[top + 1 + i][lead] = ch
        s.rows[top][lead] = ""
    else:
        s.rows[top][lead] = "绩效指标"
        s.merge(top, lead, end, lead)
    columns = ((lead + 1, "category"),) if repeat_l2 else ((lead + 1, "category"), (lead + 2, "subcategory"))
    merge_down(s, rows, start, columns)
    total = total_row or ([""] * lead + ["", "总分", "", "", "", "", "100", "99.50", "等级：优"])
    s.add(total, spans=[] if total_row else [(lead + 1, lead + 5)])
    for line in after:
        s.add(line)
    s.widths = [1.0] * max(len(r) for r in s.rows)
    for r in s.rows:
        r.extend([""] * (len(s.widths) - len(r)))
    return s


def test_wps_title_merged_across_ten_columns_with_serial_column(tmp_path):
    """序号 column at the left, the title merged across 10 columns (WPS), 二级 repeated on every row."""
    path = to_xlsx(tmp_path / "wps.xlsx", [("Sheet1", seed_sheet(serial=True, title_span=10, repeat_l2=True))])
    assert_seed(only_form(path))


def test_label_printed_vertically_one_character_a_row(tmp_path):
    path = to_xlsx(tmp_path / "v.xlsx", [("Sheet1", seed_sheet(vertical_label=True))])
    assert_seed(only_form(path))


def test_weight_column_before_the_target(tmp_path):
    """指标权重 before 年度指标值: the columns are found by their headers."""
    path = to_xlsx(tmp_path / "w.xlsx", [("Sheet1", seed_sheet(weight_first=True))])
    assert_seed(only_form(path))


def test_review_score_beside_the_self_score_is_not_the_claim(tmp_path):
    rows = [Row(*r.__dict__.values()) for r in SEED_ROWS]
    path = to_xlsx(tmp_path / "r.xlsx", [("Sheet1", seed_sheet(review=True, rows=rows))])
    rec = only_form(path)
    assert_seed(rec)
    assert any("复核得分" in n.message and n.kind == "ignored" for n in rec.notes)


def test_funds_sources_in_another_order_under_a_vertical_label_only_adjusted_budget(tmp_path):
    """资金来源 in a merged vertical cell, the rows in another order, 调整后预算数 and no 全年预算数."""
    fh = ["资金来源", "", "年初预算数", "调整后预算数", "全年执行数", "分值", "执行率", "得分"]
    body = [
        ["", "其他资金"],
        ["", "上年结转资金"],
        ["", "当年财政拨款", "1366.77", "1387.53", "1387.53"],
        ["", "合计", "1366.77", "1387.53", "1387.53", "10", "100%", "10"],
    ]
    path = to_xlsx(tmp_path / "f.xlsx", [("Sheet1", seed_sheet(funds=body, funds_header=fh))])
    rec = only_form(path)
    assert_seed(rec)
    assert rec.data["funds"]["total"] == {"initial": D("1366.77"), "annual": D("1387.53"), "executed": D("1387.53")}


def test_numbers_with_units_percent_formats_full_width_and_look_alike_signs(tmp_path):
    """``12.5分`` as text, ``1,387.53万元``, 0.96 with a percent format, ``９５％`` full width, ``≧95%``."""
    rows = [Row(*r.__dict__.values()) for r in SEED_ROWS]
    rows[0].weight, rows[0].score = "12.5分", "１２．５"
    rows[-1].target = "≧95%"
    body = [
        ["", "年度资金总额", "1,366.77万元", "1,387.53万元", "1387.53", "10", "", "10分"],
        ["", "其中：当年财政拨款", "1366.77", "1387.53", "1387.53"],
        ["", "上年结转资金"],
        ["", "其他资金"],
    ]
    sheet = seed_sheet(rows=rows, funds=body)
    rate_at = next((r, c) for r, row in enumerate(sheet.rows) for c, t in enumerate(row) if t == "执行率")
    path = to_xlsx(tmp_path / "u.xlsx", [("Sheet1", sheet)], values={("Sheet1", rate_at[0] + 1, rate_at[1]): 1.0},
                   formats={("Sheet1", rate_at[0] + 1, rate_at[1]): "0.00%"})
    rec = only_form(path)
    got = score(rec)
    assert (got.total, got.claimed_total) == (D("100.00"), D("99.50"))
    assert rec.data["indicators"][0]["weight"] == D("12.5")
    assert rec.data["funds"]["total"]["annual"] == D("1387.53")


def test_total_labelled_heji_grade_on_its_own_row_and_a_one_line_signoff(tmp_path):
    total = ["", "合计", "", "", "", "", "100", "99.50"]
    after = [["", "自评等级：优秀"], ["填表人：张三  联系电话：0731-12345678  填报日期：2023年3月1日"]]
    path = to_xlsx(tmp_path / "t.xlsx", [("Sheet1", seed_sheet(total_row=total, after=after))])
    rec = only_form(path)
    assert_seed(rec)
    assert rec.data["signoff"] == {"filled_by": "张三", "phone": "0731-12345678", "date": "2023年3月1日"}


def final_accounts() -> list[list[str]]:
    """部门决算 tables before the form: numbers everywhere, 合计 rows, 预算数 columns, no 指标 header."""
    rows = [["收入支出决算总表"], ["公开01表"], ["部门：株洲市社会保险服务中心", "", "", "金额单位：万元"],
            ["收入", "", "支出", ""], ["项目", "决算数", "项目", "决算数"]]
    for i, name in enumerate(["一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "事业收入", "其他收入"]):
        rows.append([name, f"{100 + i}.00", f"社会保障和就业支出{i}", f"{90 + i}.50"])
    rows += [["本年收入合计", "406.00", "本年支出合计", "366.00"], [],
             ["项目支出决算表"], ["项目", "年初预算数", "全年预算数", "全年执行数"],
             ["合计", "1366.77", "1387.53", "1387.53"], ["基本支出", "1000", "1000", "1000"], []]
    return rows


def test_final_accounts_tables_before_the_form_on_the_same_sheet(tmp_path):
    form = seed_sheet()
    s = Sheet(widths=form.widths)
    for row in final_accounts():
        s.add(row)
    off = len(s.rows)
    for row in form.rows:
        s.add(list(row))
    s.spans += [(a + off, b, c + off, d) for a, b, c, d in form.spans]
    path = to_xlsx(tmp_path / "d.xlsx", [("决算", s)])
    rec = only_form(path)
    assert_seed(rec)
    assert rec.top >= off - 1


def test_two_forms_on_one_sheet_separated_by_one_blank_row(tmp_path):
    a, b = seed_sheet(), seed_sheet()
    s = Sheet(widths=a.widths)
    for row in a.rows:
        s.add(list(row))
    s.add([])
    off = len(s.rows)
    for row in b.rows:
        s.add(list(row))
    s.spans = list(a.spans) + [(x + off, y, z + off, w) for x, y, z, w in b.spans]
    path = to_xlsx(tmp_path / "two.xlsx", [("Sheet1", s)])
    _g, found = import_grids(path)
    assert len(found) == 2
    for rec in found:
        assert_seed(rec)


# ------------------------------------------------------------------ reported bugs


def test_total_row_with_a_blank_score_leaves_the_claimed_total_absent(tmp_path):
    """(a) 总分 | 100 (分值) | (得分 blank): 100 is the sum of the weights, not the claim."""
    total = ["", "总分", "", "", "", "", "100", "", ""]
    path = to_xlsx(tmp_path / "a.xlsx", [("Sheet1", seed_sheet(total_row=total))])
    rec = only_form(path)
    assert "total" not in rec.data.get("claimed", {})
    assert any("得分为空" in n.message for n in rec.notes)
    assert score(rec).total == D("100.00")


@pytest.mark.parametrize("name", ["-5", "+86 123", "效益", "2023"])
def test_a_name_that_reads_as_a_number_or_a_category_word_stays_in_place(tmp_path, name):
    """(b) the 三级 name ``-5`` / ``+86 123`` / ``效益`` with 分值 and 得分 in place: the row is not shifted."""
    rows = [Row(*r.__dict__.values()) for r in SEED_ROWS]
    rows[1].name = name
    path = to_xlsx(tmp_path / "b.xlsx", [("Sheet1", seed_sheet(rows=rows))], numbers=False)
    rec = only_form(path)
    ind = rec.data["indicators"][1]
    assert (ind["category"], ind["name"], ind["target"], ind["weight"]) == ("产出指标", name, "4.55万人", D("12.5"))
    assert not any("错位" in n.message for n in rec.notes)
    got = score(rec)
    assert (got.total, got.claimed_total) == (D("100.00"), D("99.5"))


@pytest.mark.parametrize(("total", "claimed"), [
    (["", "总分", "", "", "", "", "100", "99.50", "等级："], D("99.5")),
    (["", "总分", "", "", "", "", "100", "99.50", "自评等级：", ""], D("99.5")),
    (["", "总分", "", "", "", "", "100", "等级：", ""], None),  # the grade's label under 得分, no score
])
def test_a_blank_grade_is_no_problem(tmp_path, total, claimed):
    """(c) ``等级：`` with nothing after it: no claimed grade and no "不是数字" problem."""
    path = to_xlsx(tmp_path / "c.xlsx", [("Sheet1", seed_sheet(total_row=total, after=[["", "等级："]]))])
    rec = only_form(path)
    assert "grade" not in rec.data.get("claimed", {})
    assert rec.data.get("claimed", {}).get("total") == claimed
    assert problems(rec) == []


# ------------------------------------------------------------------ project forms


def test_criteria_rows_with_a_scoring_standard_and_no_actual(tmp_path):
    """项目支出绩效评价 style: 项目决策 / 项目过程 / 项目产出 / 项目效益 with 评分标准, 分值 and 自评得分, no 完成值.

    By hand: 决策 5 + 4 (立项程序 claimed 4 with a note) + 过程 10 + 项目产出 数量 30 + 效益 10 (criteria rows: the
    claim is the score) = 5 + 4 + 10 + 30 + 10 = 59 of 60."""
    s = Sheet(widths=[1.0] * 8)
    s.add(["2023年度项目支出绩效自评表"], spans=[(0, 7)])
    s.add(["项目名称：农村饮水安全巩固提升工程", "", "", "", "实施单位：某县水利局"], spans=[(0, 3), (4, 7)])
    s.add(["一级指标", "二级指标", "三级指标", "分值", "评分标准", "自评得分", "偏差原因分析及改进措施"])
    s.add(["项目决策（10分）", "项目立项", "立项依据充分性", "5", "符合规划与部门职责的得5分，否则酌情扣分", "5"])
    s.add(["", "", "立项程序规范性", "5", "按规定程序申请设立、审批文件齐全的得5分；每缺一项扣1分", "4", "缺少专家论证意见"])
    s.add(["项目过程（10分）", "资金管理", "资金使用合规性", "10", "资金使用符合财务制度的得10分", "10"])
    s.add(["项目产出（30分）", "数量指标", "新建集中供水工程", "30", "完成计划数的得满分，按比例扣分", "30"])
    s.add(["项目效益（10分）", "社会效益指标", "农村自来水普及率提高", "10", "达到目标的得满分", "10"])
    s.add(["合计", "", "", "60", "", "59"], spans=[(0, 2)])
    s.merge(3, 0, 4, 0)
    s.merge(3, 1, 4, 1)
    path = to_xlsx(tmp_path / "criteria.xlsx", [("Sheet1", s)])
    rec = only_form(path)
    inds = rec.data["indicators"]
    assert [i["category"] for i in inds] == ["项目决策", "项目决策", "项目过程", "项目产出", "项目效益"]
    assert all(i.get("method") == "criteria" and i["standard"] for i in inds)
    assert inds[1]["standard"].startswith("按规定程序") and inds[1]["claimed"] == 4
    assert rec.data["unit"]["project"] == "农村饮水安全巩固提升工程"
    got = score(rec)
    assert [i.score for i in got.indicators] == [D(5), D(4), D(10), D(30), D(10)]  # the claims, by hand
    assert got.claimed_total == D(59)
    assert not [n for n in rec.notes if n.kind == "problem" and "得分" in n.message]


def project_variant(empty_rows: bool = True) -> Sheet:
    """The MOF project form (tests/fixtures/project-2023.toml) with 主管部门 and 实施单位 on one line of text,
    an empty 时效指标 row, and 项目名称 as ``项目名称：…`` in one cell."""
    s = Sheet(widths=[1.0] * 9)
    s.add(["项目支出绩效自评表"], spans=[(0, 8)])
    s.add(["（2023年度）"], spans=[(0, 8)])
    s.add(["项目名称：城乡居民基本养老保险经办专项"], spans=[(0, 8)])
    s.add(["主管部门：某市人力资源和社会保障局    实施单位：某市城乡居民养老保险服务中心"], spans=[(0, 8)])
    h = s.add(["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    s.add(["", "年度资金总额", "48", "53.79", "48.4", "10", "89.98%", "9"])
    s.add(["", "其中：当年财政拨款", "48", "48", "44.2", "—", "—", "—"])
    s.add(["", "上年结转资金", "0", "5.79", "4.2", "—", "—", "—"])
    e = s.add(["", "其他资金", "", "", "", "—", "—", "—"])
    s.merge(h, 0, e, 0)
    g = s.add(["年度总体目标", "预期目标", "", "", "实际完成情况"], spans=[(1, 3), (4, 8)])
    s.add(["", "完成城乡居民养老保险参保登记、待遇发放和个人权益记录工作，参保率不低于95%。", "", "",
           "参保登记和待遇发放按时完成，参保率96.3%。"], spans=[(1, 3), (4, 8)])
    s.merge(g, 0, g + 1, 0)
    s.add(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
    t = s.add(["产出指标", "数量指标", "城乡居民养老保险参保人数", "≥12万人", "12.4万人", "20", "20"])
    s.add(["", "质量指标", "待遇按时足额发放率", "=100%", "100%", "15", "15"])
    s.add(["", "时效指标", "年度个人权益记录寄送完成时间", "12月31日前", "2023年11月", "15", "15"])
    u = t + 2
    if empty_rows:
        s.add(["", "时效指标", "", "", "", "", ""])  # a 时效指标 row left empty: skipped
        u = s.add(["", "成本指标", "", "", "", "", ""])
    s.merge(t, 0, u, 0)
    s.add(["效益指标", "社会效益指标", "城乡居民老有所养保障水平", "稳步提高", "基础养老金标准提高至每月150元", "30", "30"])
    s.add(["满意度指标", "服务对象满意度指标", "参保群众满意度", "≥90%", "93%", "10", "10"])
    s.add(["总分", "", "", "", "", "100", "99", "等级：优"], spans=[(0, 4)])
    return s


def test_project_with_supervisor_and_implementer_on_one_line_and_empty_rows(tmp_path):
    path = to_xlsx(tmp_path / "p.xlsx", [("Sheet1", project_variant())])
    rec = only_form(path)
    unit = rec.data["unit"]
    assert unit["supervisor"] == "某市人力资源和社会保障局"
    assert unit["implementer"] == "某市城乡居民养老保险服务中心"
    assert unit["project"] == "城乡居民基本养老保险经办专项"
    got = score(rec)
    want = score_file(PROJECT)
    # by hand: funds 48.4 / 53.79 = 89.98% → 10 × 0.8998 = 9.00; indicators 20 + 15 + 15 + 30 + 10 = 90; 99.00
    assert (got.total, got.claimed_total) == (want.total, want.claimed_total) == (D("99.00"), D("99"))
    assert rows_of(got) == rows_of(want)


def test_cost_indicator_with_a_value_is_read(tmp_path):
    s = project_variant()
    r = next(i for i, row in enumerate(s.rows) if row[1] == "成本指标")
    s.rows[r] = ["", "成本指标", "人均经办成本", "≤50元", "48元", "0", "0"] + [""] * 2
    path = to_xlsx(tmp_path / "c.xlsx", [("Sheet1", s)])
    inds = only_form(path).data["indicators"]
    assert [i["subcategory"] for i in inds][:4] == ["数量指标", "质量指标", "时效指标", "成本指标"]
    assert inds[3]["target"] == "≤50元"


def four_level_header(sheet_rows: list[Row] = SEED_ROWS) -> Sheet:
    """绩效指标 spanning 一级 / 二级 / 三级 on a second header row; the other headings merged down both rows."""
    s = Sheet(widths=[1.0] * 8)
    s.add(["2021年度部门整体支出绩效自评表"], spans=[(0, 7)])
    s.add(["部门名称", SEED_UNIT], spans=[(1, 7)])
    h = s.add(["资金情况（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    s.add(["", "年度资金总额", "1366.77", "1387.53", "1387.53", "10", "100%", "10"])
    e = s.add(["", "其中：当年财政拨款", "1366.77", "1387.53", "1387.53"])
    s.merge(h, 0, e, 0)
    a = s.add(["绩效指标", "", "", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"], spans=[(0, 2)])
    s.add(["一级指标", "二级指标", "三级指标"])
    for c in range(3, 8):
        s.merge(a, c, a + 1, c)
    start = len(s.rows)
    for row in sheet_rows:
        s.add([row.category, row.subcategory, row.name, row.target, row.actual, row.weight, row.score])
    for col, key in ((0, "category"), (1, "subcategory")):
        r = start
        while r < len(s.rows):
            k = r
            while k + 1 < len(s.rows) and getattr(sheet_rows[k + 1 - start], key) == getattr(sheet_rows[r - start], key):
                k += 1
                s.rows[k][col] = ""
            s.merge(r, col, k, col)
            r = k + 1
    s.add(["总分", "", "", "", "", "100", "99.50", "等级：优"], spans=[(0, 4)])
    return s


def test_four_level_header_xlsx(tmp_path):
    path = to_xlsx(tmp_path / "h.xlsx", [("Sheet1", four_level_header())])
    assert_seed(only_form(path))


def test_docx_title_in_a_paragraph_and_the_form_in_a_table_with_vmerge(tmp_path):
    path = write_docx(tmp_path / "f.docx", ["附件2", "2021年度部门整体支出绩效自评表", four_level_header(),
                                            "填表人：张三  联系电话：0731-12345678  填报日期：2022年3月1日"])
    rec = only_form(path)
    assert_seed(rec)
    assert rec.data["signoff"]["filled_by"] == "张三"


def long_rows() -> list[Row]:
    """55 indicators: 25 产出 × 2 = 50, 20 效益 × 1.5 = 30, 10 满意度 × 1 = 10 (90 in all); the last claims 0.5."""
    rows = [Row("产出指标（50分）", "数量指标", f"培训人次第{i + 1}期", "≥100人次", "120人次", "2", "2") for i in range(25)]
    rows += [Row("效益指标（30分）", "社会效益指标", f"服务质量提升第{i + 1}项", "有效提升", "有效提升", "1.5", "1.5")
             for i in range(20)]
    rows += [Row("满意度指标（10分）", "服务对象满意度指标", f"满意度调查第{i + 1}次", "≥90%", "95%", "1", "1") for i in range(10)]
    rows[-1].score = "0.5"
    return rows


@needs_font
def test_pdf_55_indicators_over_three_pages_with_repeated_headers(tmp_path):
    """By hand: funds 10; 25 × 2 + 20 × 1.5 + 10 × 1 = 90 computed (every target met) → 100.00;
    claimed 10 + 50 + 30 + 9 + 0.5 = 99.50."""
    from .fixtures.office_docs import department_sheet, split_sheet

    sheet = department_sheet(long_rows(), ("100", "99.50"))
    header = next(i for i, r in enumerate(sheet.rows) if "一级指标" in r)
    first, rest = split_sheet(sheet, header + 16, repeat=header)
    second, third = split_sheet(rest, 21, repeat=0)
    path = draw_pdf(tmp_path / "long.pdf", ["# 2021 年度部门整体支出绩效自评表", first, "<pagebreak>", second,
                                            "<pagebreak>", third, "填表人：张三"])
    rec = only_form(path)
    got = score(rec)
    assert len(got.indicators) == 55
    assert (got.total, got.claimed_total) == (D("100.00"), D("99.50"))
    assert rec.range_text == "第 1–3 页"
    out = subprocess.run([sys.executable, "-m", "jixiao.tui.cli", "import", str(path), "-o", str(tmp_path / "long.toml")],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    where = next(line for line in (out.stdout + out.stderr).splitlines() if "位置" in line)
    assert where.count("第 1") == 1, where  # (d) the pages are named once


# ------------------------------------------------------------------ hostile files: a message or a result, bounded


def cli_import(path: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """``jixiao import`` in a subprocess, its memory capped at 2 GB (a runaway reader fails instead of the machine)."""
    import resource

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run([sys.executable, "-m", "jixiao.tui.cli", "import", str(path), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=cap)


def assert_clean(done: subprocess.CompletedProcess[str], codes: tuple[int, ...] = (0, 1, 2)) -> None:
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.returncode in codes, (done.returncode, done.stderr[-2000:])
    if done.returncode == 2:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in done.stderr), done.stderr  # a Chinese message


_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
       '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
       '</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
       '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            '</Relationships>')
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def raw_xlsx(path: Path, sheet: Any, shared: Any = "", head: str = "", tail: str = "") -> Path:
    """A workbook written part by part: ``sheet`` and ``shared`` are the <sheetData> body and the <sst> body, as
    strings or as iterables of chunks (streamed into the zip, so that a huge part costs no memory here)."""
    import zipfile

    def put(zf: zipfile.ZipFile, name: str, start: str, body: Any, end: str) -> None:
        with zf.open(name, "w", force_zip64=True) as fh:
            fh.write(start.encode())
            for chunk in [body] if isinstance(body, str) else body:
                fh.write(chunk.encode())
            fh.write(end.encode())

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WB)
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        put(zf, "xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS}>', shared, "</sst>")
        put(zf, "xl/worksheets/sheet1.xml", f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}>{head}<sheetData>',
            sheet, f"</sheetData>{tail}</worksheet>")
    return path


def test_hostile_huge_shared_strings(tmp_path):
    """300 MB of shared strings (a few MB compressed) behind a one-cell sheet."""
    strings = (f"<si><t>{i:09d}{'字' * 200}</t></si>" for i in range(500_000))
    path = raw_xlsx(tmp_path / "sst.xlsx", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', strings)
    done = cli_import(path)
    assert_clean(done, (2,))
    assert "sharedStrings.xml" in done.stderr and "上限" in done.stderr  # the part, measured by its content


def test_hostile_zip_bomb_sheet(tmp_path):
    """1.2 GB of sheet XML compressed to a few MB: refused before it is parsed."""
    row = '<row r="{}"><c r="A{}" t="inlineStr"><is><t>x</t></is></c></row>'
    chunk = "".join(row.format(1, 1) for _ in range(20000))
    path = raw_xlsx(tmp_path / "bomb.xlsx", (chunk for _ in range(int(1.2e9) // len(chunk))))
    done = cli_import(path)
    assert_clean(done, (2,))


def test_hostile_one_cell_of_100000_characters_and_16384_columns(tmp_path):
    cells = "".join(f'<c r="{_letters(c)}1" t="inlineStr"><is><t>{c}</t></is></c>' for c in range(16384))
    big = '<row r="2"><c r="A2" t="inlineStr"><is><t>' + "绩效自评表三级指标" * 11112 + "</t></is></c></row>"
    path = raw_xlsx(tmp_path / "wide.xlsx", f'<row r="1">{cells}</row>' + big)
    assert_clean(cli_import(path), (2,))


def _letters(col: int) -> str:
    s, col = "", col + 1
    while col:
        col, r = divmod(col - 1, 26)
        s = chr(65 + r) + s
    return s


def test_hostile_merged_range_covering_the_whole_sheet_and_a_lying_dimension(tmp_path):
    """The seed's form in a sheet whose <dimension> says A1:A1, with 2,000 merges of the whole sheet."""
    from openpyxl import load_workbook

    src = to_xlsx(tmp_path / "seed.xlsx", [("Sheet1", seed_sheet())])
    ws = load_workbook(src).active
    rows = []
    for row in ws.iter_rows():
        cells = "".join(f'<c r="{c.coordinate}" t="inlineStr"><is><t>{c.value}</t></is></c>' if isinstance(c.value, str)
                        else f'<c r="{c.coordinate}"><v>{c.value}</v></c>' for c in row if c.value is not None)
        rows.append(f'<row r="{row[0].row}">{cells}</row>')
    merges = '<mergeCells count="2000">' + '<mergeCell ref="A1:XFD1048576"/>' * 2000 + "</mergeCells>"
    path = raw_xlsx(tmp_path / "lying.xlsx", "".join(rows), head='<dimension ref="A1:A1"/>', tail=merges)
    assert_clean(cli_import(path))
    lying = raw_xlsx(tmp_path / "lying2.xlsx", "".join(rows), head='<dimension ref="A1:XFD1048576"/>')
    done = cli_import(lying)
    assert_clean(done, (0, 1))  # the dimension is not trusted: the form is read
    assert "株洲市社会保险服务中心" in done.stdout


def test_hostile_csv_with_a_50_mb_single_line(tmp_path):
    path = tmp_path / "line.csv"
    path.write_bytes(b"a," * (24 * 1024 * 1024) + b"\n")
    assert_clean(cli_import(path), (2,))
    one = tmp_path / "cell.csv"
    one.write_bytes(b"x" * (48 * 1024 * 1024))
    done = cli_import(one)
    assert_clean(done, (2,))
    assert "超过" in done.stderr and "个字符的单元格" in done.stderr
    txt = tmp_path / "line.txt"
    txt.write_bytes(b"ab  " * (12 * 1024 * 1024))
    assert_clean(cli_import(txt), (2,))


def test_hostile_docx_nested_50_tables_deep(tmp_path):
    import docx

    d = docx.Document()
    parent: Any = d
    for depth in range(50):
        t = parent.add_table(rows=1, cols=2)
        t.cell(0, 0).text = f"第{depth}层"
        parent = t.cell(0, 1)
    parent.add_paragraph("三级指标")
    d.save(str(tmp_path / "deep.docx"))
    assert_clean(cli_import(tmp_path / "deep.docx"), (2,))


@needs_font
def test_hostile_pdf_with_1000_tiny_tables_on_a_page(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from .fixtures.office_docs import _font

    c = Canvas(str(tmp_path / "tiny.pdf"), pagesize=A4)
    c.setFont(_font(), 3)
    for i in range(1000):
        x, y = 20 + (i % 25) * 22, 20 + (i // 25) * 20
        for k in range(3):
            c.line(x, y + k * 5, x + 20, y + k * 5)
            c.line(x + k * 10, y, x + k * 10, y + 10)
        c.drawString(x + 1, y + 1, "三级指标" if i % 7 == 0 else "分值")
    c.save()
    assert_clean(cli_import(tmp_path / "tiny.pdf"), (2,))


# ------------------------------------------------------------------ more layouts


def doubled(sheet: Sheet) -> Sheet:
    """Every column printed as two merged columns (a WPS export: every cell merged across, oddly)."""
    s = Sheet(widths=[1.0] * (2 * len(sheet.widths)))
    for row in sheet.rows:
        s.rows.append([x for t in row for x in (t, "")])
    covered = set()
    for top, left, bottom, right in sheet.spans:
        s.spans.append((top, 2 * left, bottom, 2 * right + 1))
        covered |= {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
    for r, row in enumerate(sheet.rows):
        for c in range(len(row)):
            if (r, c) not in covered:
                s.spans.append((r, 2 * c, r, 2 * c + 1))
    return s


def test_wps_every_cell_merged_across_two_columns(tmp_path):
    path = to_xlsx(tmp_path / "wps2.xlsx", [("Sheet1", doubled(seed_sheet()))])
    assert_seed(only_form(path))


def test_no_merges_at_all_every_row_repeats_its_levels(tmp_path):
    """A system export: 一级 and 二级 repeated on every row, no merged cells anywhere."""
    s = seed_sheet(repeat_l2=True)
    first = next(i for i, r in enumerate(s.rows) if "一级指标" in r) + 1
    for i, row in enumerate(SEED_ROWS):
        s.rows[first + i][1] = row.category
    s.spans = []
    s.rows[0] = ["2021 年度部门整体支出绩效自评表"] + [""] * (len(s.widths) - 1)
    path = to_xlsx(tmp_path / "flat.xlsx", [("Sheet1", s)])
    assert_seed(only_form(path))


def test_percent_cells_as_numbers_with_a_percent_format_and_as_text(tmp_path):
    """实际完成值 0.96 formatted 0% reads 96%, and "96%" as text; 96% ≥ 95% → full 10 for 满意度: computed 100.00."""
    sheet = seed_sheet()
    r = next(i for i, row in enumerate(sheet.rows) if "参保人满意度" in row)
    c = sheet.rows[r].index("大于95%")
    path = to_xlsx(tmp_path / "pct.xlsx", [("Sheet1", sheet)], values={("Sheet1", r, c): 0.96},
                   formats={("Sheet1", r, c): "0%"})
    rec = only_form(path)
    assert rec.data["indicators"][-1]["actual"] == "96%"
    assert score(rec).total == D("100.00")
    sheet.rows[r][c] = "96%"
    rec = only_form(to_xlsx(tmp_path / "pct2.xlsx", [("Sheet1", sheet)]))
    assert rec.data["indicators"][-1]["actual"] == "96%"
    assert score(rec).total == D("100.00")


def test_text_of_a_pdf_with_tabs_and_the_form_after_report_text(tmp_path):
    """The seed's form as tab-separated text after lines of report prose, 二级 repeated, sign-off on one line."""
    s = seed_sheet(repeat_l2=True, after=[["填表人：张三  联系电话：0731-12345678  填报日期：2022年3月1日"]])
    prose = ["某某中心2021年度部门决算", "一、部门基本情况", "本单位主要职责是为养老保险提供服务保障。" * 5, ""]
    path = tmp_path / "seed.txt"
    path.write_text("\n".join(prose + ["\t".join(r) for r in s.rows]), encoding="utf-8")
    rec = only_form(path)
    assert_seed(rec)
    assert rec.data["signoff"]["date"] == "2022年3月1日"


def test_a_folder_text_that_holds_no_form_is_told_apart_cheaply(tmp_path):
    """(e) looks_like_form_text: a README or a data CSV is no form; the seed's text and a spaced header are."""
    from jixiao.indicators.importing import looks_like_form_text, not_a_form_notice

    readme = tmp_path / "README.txt"
    readme.write_text("本文件夹是 2023 年各单位报送的自评表。\n请勿改动。\n", encoding="utf-8")
    data = tmp_path / "data.csv"
    data.write_text("单位,金额\n甲,100\n乙,200\n", encoding="gb18030")
    spaced = tmp_path / "spaced.txt"
    spaced.write_text("一 级 指 标\t二 级 指 标\t三 级 指 标\t分值\t得分\n", encoding="gb18030")
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (2 << 20))  # over 1 MB: not judged here, the import decides
    assert not looks_like_form_text(readme) and not looks_like_form_text(data)
    assert looks_like_form_text(ROOT / "tests" / "fixtures" / "import" / "seed-2021.txt")
    assert looks_like_form_text(spaced) and looks_like_form_text(big)
    assert looks_like_form_text(tmp_path / "x.xlsx")  # other suffixes: always imported
    assert "README.txt" in not_a_form_notice(readme)


needs_soffice = pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def soffice(path: Path, to: str) -> Path:
    out = path.parent / "converted"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{path.parent}/lo-profile", "--convert-to", to,
                    "--outdir", str(out), str(path)], capture_output=True, timeout=300, check=True)
    return out / (path.stem + "." + to.split(":")[0])


@needs_soffice
@pytest.mark.parametrize("to", ["xls", "pdf", "layout"])
def test_a_workbook_saved_as_xls_and_printed_to_pdf_by_libreoffice(tmp_path, to):
    """The WPS-style workbook (序号 column, title across 10 columns) as a real office suite saves and prints it;
    ``layout``: the text ``pdftotext -layout`` gives of that print (numbers right-aligned, names wrapped and
    centred in their cells), without the 序号 column."""
    sheet = seed_sheet(serial=to != "layout", title_span=10 if to != "layout" else 9)
    src = to_xlsx(tmp_path / "wps.xlsx", [("Sheet1", sheet)])
    from openpyxl import load_workbook

    wb = load_workbook(src)
    ws = wb.active
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    from openpyxl.styles import Alignment, Border, Side

    thin = Side(style="thin")
    for row in ws.iter_rows(min_row=2, max_row=ws.max_row, max_col=10):  # ruled and wrapped, as forms are printed
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    for col in "ABCDEFGHIJ":
        ws.column_dimensions[col].width = 16
    for r in range(1, ws.max_row + 1):  # openpyxl sets no heights and the converter does not grow them: room for 3 lines
        ws.row_dimensions[r].height = 36
    wb.save(src)
    if to == "layout":
        if __import__("shutil").which("pdftotext") is None:
            pytest.skip("poppler-utils (pdftotext) is not installed")
        pdf = soffice(src, "pdf")
        subprocess.run(["pdftotext", "-layout", str(pdf), str(tmp_path / "print.txt")], check=True, timeout=120)
        rec = only_form(tmp_path / "print.txt")
    else:
        rec = only_form(soffice(src, to))
    assert_seed(rec)


def test_money_in_yuan_with_thousands_separators_as_text(tmp_path):
    """金额单位：元, amounts as text with separators: 1366.77万元 = 13,667,700.00 元; the rate is the same 100%."""
    body = [
        ["", "年度资金总额", "13,667,700.00", "13,875,300.00", "13,875,300.00", "10", "100%", "10"],
        ["", "其中：当年财政拨款", "13,667,700.00", "13,875,300.00", "13,875,300.00"],
        ["", "上年结转资金", "0.00", "0.00", "0.00"],
        ["", "其他资金"],
    ]
    sheet = seed_sheet(funds=body, funds_header=["资金情况", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
                       unit_line="部门名称：株洲市社会保险服务中心        金额单位：元")
    rec = only_form(to_xlsx(tmp_path / "yuan.xlsx", [("Sheet1", sheet)], numbers=False))
    funds = rec.data["funds"]
    assert funds["unit"] == "元"
    assert funds["total"] == {"initial": D("13667700.00"), "annual": D("13875300.00"), "executed": D("13875300.00")}
    assert rec.data["unit"]["name"] == SEED_UNIT
    got = score(rec)
    assert (got.total, got.claimed_total) == (D("100.00"), D("99.50"))


def test_category_printed_downwards_inside_its_merged_cell(tmp_path):
    """The 一级 text written one character a line inside its merged cell (产\\n出\\n指\\n标\\n（50分）)."""
    rows = [Row(*r.__dict__.values()) for r in SEED_ROWS]
    for r in rows:
        r.category = "\n".join(r.category[:-5]) + "\n" + r.category[-5:]
    rec = only_form(to_xlsx(tmp_path / "down.xlsx", [("Sheet1", seed_sheet(rows=rows))]))
    assert rec.data["categories"] == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert_seed(rec)


def test_criteria_form_in_a_docx_table(tmp_path):
    s = Sheet(widths=[1.0] * 6)
    s.add(["一级指标", "二级指标", "三级指标", "分值", "评价标准", "自评得分"])
    s.add(["项目决策", "项目立项", "立项依据充分性", "10", "符合规划的得10分", "10"])
    s.add(["项目管理", "资金管理", "资金使用合规性", "10", "合规的得10分，每发现一处违规扣2分", "8"])
    s.add(["项目产出", "数量指标", "新建供水工程", "30", "完成计划的得满分", "30"])
    s.add(["合计", "", "", "50", "", "48"], spans=[(0, 2)])
    path = write_docx(tmp_path / "c.docx", ["2023年度项目支出绩效自评表", "项目名称：农村饮水安全巩固提升工程",
                                            "主管部门：某县水利局    实施单位：某县农村供水站", s])
    rec = only_form(path)
    assert [i.get("method") for i in rec.data["indicators"]] == ["criteria"] * 3
    assert rec.data["unit"]["implementer"] == "某县农村供水站"
    got = score(rec)
    assert [i.score for i in got.indicators] == [D(10), D(8), D(30)]  # the claims: 10 + 8 + 30 = 48
    assert got.claimed_total == D(48)


def test_four_level_header_as_tab_separated_text(tmp_path):
    """The two-row header with no merges (copied out of a PDF): 年度指标值 … 得分 on the row of 绩效指标."""
    s = four_level_header()
    path = tmp_path / "four.txt"
    path.write_text("\n".join("\t".join(r) for r in s.rows), encoding="utf-8")
    assert_seed(only_form(path))


@needs_soffice
@pytest.mark.parametrize("to", ["pdf", "layout"])
def test_project_form_centred_and_printed_by_libreoffice(tmp_path, to):
    """The MOF project form with every cell centred and wrapped (labels wrap around their numbers), printed to PDF
    by LibreOffice, and that print as ``pdftotext -layout`` text.  Scores as tests/fixtures/project-2023.toml."""
    if to == "layout" and __import__("shutil").which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Border, Side

    src = to_xlsx(tmp_path / "proj.xlsx", [("Sheet1", project_variant(empty_rows=to == "pdf"))])
    wb = load_workbook(src)
    ws = wb.active
    thin = Side(style="thin")
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=9):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for i in range(9):
        ws.column_dimensions[chr(65 + i)].width = 14
    for r in range(1, ws.max_row + 1):
        ws.row_dimensions[r].height = 40
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(src)
    pdf = soffice(src, "pdf")
    if to == "layout":
        subprocess.run(["pdftotext", "-layout", str(pdf), str(tmp_path / "print.txt")], check=True, timeout=120)
        pdf = tmp_path / "print.txt"
    rec = only_form(pdf)
    got, want = score(rec), score_file(PROJECT)
    # by hand: funds 48.4 / 53.79 = 89.98% → 9.00; 20 + 15 + 15 + 30 + 10 = 90; computed 99.00, claimed 99
    assert (got.total, got.claimed_total) == (D("99.00"), D("99"))
    assert rows_of(got) == rows_of(want)
    assert (got.funds.rate, got.funds.score) == (want.funds.rate, want.funds.score)
