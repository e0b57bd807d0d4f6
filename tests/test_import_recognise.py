"""The recogniser, the text reader and the TOML writer (issue 9): real layouts, built as grids or read from text."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import tomli
from hypothesis import given, settings
from hypothesis import strategies as st
from jixiao.indicators.importing.grid import Cell, Grid
from jixiao.indicators.importing.readers.text import read_text
from jixiao.indicators.importing.recognise import Note, Recognised, recognise
from jixiao.indicators.importing.toml_writer import form_toml
from jixiao.indicators.loader import load_form, load_form_text
from jixiao.indicators.schema import Funds
from jixiao.scoring.engine import Result, score_form
from jixiao.scoring.rules import load_rules

from tests.budget import examples
from tests.import_scoring import score as score_imported

from .conftest import ROOT, SEED

D = Decimal
FIXTURES = ROOT / "tests" / "fixtures" / "import"
SEED_TEXT = FIXTURES / "seed-2021.txt"


def import_text(path: Path) -> list[Recognised]:
    grids = read_text(path, path.read_bytes())
    assert len(grids) == 1
    return recognise(grids[0])


def load_imported(text: str):
    """load_form_text, before [funds] unit (the export branch adds it to the schema) without that one line."""
    if "unit" not in Funds.model_fields:
        text = text.replace('unit = "元"\n', "")
    return load_form_text(text)


def score(rec: Recognised) -> Result:
    assert tomli.loads(form_toml(rec), parse_float=Decimal) == rec.data  # the data is what the text says
    return score_imported(rec)


# ------------------------------------------------------------------ the seed: a whole 部门决算 with the form at the end


def test_seed_text_is_one_form_at_the_end():
    forms = import_text(SEED_TEXT)
    assert len(forms) == 1
    rec = forms[0]
    # title line to the 备注's last line; the 550 lines of prose above are not the form
    assert rec.range_text == "第 556–582 行"
    assert (rec.kind, rec.year, rec.unit) == ("department", 2021, "株洲市社会保险服务中心")
    assert rec.title == "2021 年度部门整体支出绩效自评表"


def test_seed_text_scores_as_the_bundled_example():
    rec = import_text(SEED_TEXT)[0]
    got = score(rec)
    expected_form = load_form(SEED)
    want = score_form(expected_form, load_rules(expected_form.rules), "imported.toml")

    def rows(result: Result) -> list[tuple]:
        return [(i.category, i.subcategory, i.name, i.target, i.actual, i.weight, i.claimed, i.tier) for i in result.indicators]

    assert rows(got) == rows(want)
    assert len(got.indicators) == 9  # 时效指标 and 成本指标 rows are empty and skipped
    assert got.total == D("100.00") and want.total == D("100.00")
    assert got.claimed_total == D("99.50")
    assert got.grade == got.claimed_grade == "优"
    assert (got.funds.score, got.funds.rate, got.funds.claimed) == (D("10.00"), D(1), D(10))
    assert [(f.code, f.severity, f.where, f.message) for f in got.findings] == [
        (f.code, f.severity, f.where, f.message) for f in want.findings
    ]
    assert got.form.categories == expected_form.categories
    assert got.form.funds.total == expected_form.funds.total
    assert got.form.funds.appropriation == expected_form.funds.appropriation
    assert got.form.goal == expected_form.goal


def test_seed_text_repairs_are_notes_with_their_line():
    rec = import_text(SEED_TEXT)[0]
    notes = {(n.kind, n.address) for n in rec.notes}
    messages = " ".join(n.message for n in rec.notes)
    # 效益指标 (30分) shifted into the 二级 column: the row is read one column to the right
    assert ("assumed", "第 573 行") in notes and "右移 1 列" in messages
    # 经济效益指标 in the first column is a level-2 heading
    assert ("assumed", "第 574 行") in notes
    # the empty 当年财政拨款 执行数 is filled from the 合计 row, and said to be
    assert ("assumed", "第 561 行") in notes
    # qualitative rows get their tier from the score
    assert sum("定档为“达成”" in n.message for n in rec.notes) == 4
    # the empty 时效指标 / 成本指标 rows and the 备注 are ignored, and said to be
    assert ("ignored", "第 571 行") in notes and ("ignored", "第 572 行") in notes
    assert ("ignored", "第 581 行") in notes and ("ignored", "第 582 行") in notes
    text = form_toml(rec)
    assert text.startswith("# 2021 年度部门整体支出绩效自评表")
    assert "seed-2021.txt" in text.splitlines()[0] and "第 556–582 行" in text.splitlines()[0]
    assert "# [假定] 第 573 行" in text


def test_seed_text_targets_as_printed():
    data = import_text(SEED_TEXT)[0].data
    assert [i["target"] for i in data["indicators"]][:2] == ["31.88万人", "4.55万人"]  # pdftotext's space dropped
    assert data["indicators"][-1]["target"] == "大于等于95%"
    assert data["claimed"] == {"total": D("99.50"), "grade": "优"}
    assert data["funds"]["total"] == {"initial": D("1366.77"), "annual": D("1387.53"), "executed": D("1387.53")}


# ------------------------------------------------------------------ grids built in the tests


def _letters(c: int) -> str:
    out = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        out = chr(65 + rem) + out
    return out


def sheet(rows: list[list[object]], merges: tuple[tuple[int, int, int, int], ...] = (), name: str = "Sheet1") -> Grid:
    """A grid as a workbook reader gives it: numbers have a value, merged ranges on every covered cell."""
    width = max(len(r) for r in rows)
    cells: list[list[Cell]] = []
    for r, row in enumerate(rows):
        line = []
        for c in range(width):
            raw = row[c] if c < len(row) else ""
            text = "" if raw is None else str(raw)
            value: Decimal | None = None
            percent = False
            if isinstance(raw, (int, Decimal)):
                value = D(raw)
            elif text.endswith("%"):
                try:
                    value, percent = D(text[:-1]), True
                except ArithmeticError:
                    pass
            line.append(Cell(text=text, value=value, percent=percent, address=f"{name}!{_letters(c)}{r + 1}"))
        cells.append(line)
    for top, left, bottom, right in merges:
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                old = cells[r][c]
                keep = (r, c) == (top, left)
                cells[r][c] = Cell(
                    text=old.text if keep else "",
                    value=old.value if keep else None,
                    percent=old.percent if keep else False,
                    merged=(top, left, bottom, right),
                    address=old.address,
                )
    return Grid(source="提交.xlsx", name=name, rows=cells)


# The MOF 项目支出绩效自评表 (财预〔2020〕10号 附件): title with the year on the next row, merged cells.
MOF_ROWS: list[list[object]] = [
    ["项目支出绩效自评表"],
    ["（2022年度）"],
    ["项目名称", "乡村公路养护"],
    ["主管部门", "某县交通运输局", "", "", "", "实施单位", "某县公路养护中心"],
    ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["", "年度资金总额", 120, 120, 108, 10, "90%", 9],
    ["", "其中：当年财政拨款", 100, 100, 90, "—", "", "—"],
    ["", "上年结转资金", 20, 20, 18, "—", "", "—"],
    ["", "其他资金", "", "", "", "—", "", "—"],
    ["年度总体目标", "预期目标", "", "", "", "实际完成情况"],
    ["", "完成 120 公里农村公路日常养护。", "", "", "", "完成 126 公里，坑槽修补略有滞后。"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["", "产出指标", "数量指标", "养护里程", "≥120公里", "126公里", 20, 20, ""],
    ["", "", "", "修补坑槽", "≥300处", "280处", 20, D("18.67"), "雨季施工延误，已调整工期"],
    ["", "", "质量指标", "路面合格率", "≥95%", "96%", 10, 10, ""],
    ["", "", "时效指标", "", "", "", "", "", ""],
    ["", "效益指标", "社会效益指标", "道路通行条件", "明显改善", "明显改善", 30, 30, ""],
    ["", "满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "92%", 10, 10, ""],
    ["总分", "", "", "", "", "", 100, D("97.67"), "等级：优"],
    ["填表人", "张三", "联系电话", "0731-1234567", "项目负责人", "李四", "财务负责人", "王五", "填报日期", "2023年3月1日"],
    ["备注：本表金额保留两位小数。"],
]
MOF_MERGES = (
    (0, 0, 0, 9), (1, 0, 1, 9), (2, 1, 2, 9), (3, 1, 3, 4), (3, 6, 3, 9), (4, 0, 8, 0), (5, 5, 8, 5), (5, 7, 8, 7),
    (9, 0, 10, 0), (9, 1, 9, 4), (9, 5, 9, 9), (10, 1, 10, 4), (10, 5, 10, 9), (11, 0, 17, 0), (12, 1, 15, 1),
    (12, 2, 13, 2), (18, 0, 18, 5),
)  # fmt: skip


def test_mof_project_template():
    forms = recognise(sheet(MOF_ROWS, MOF_MERGES))
    assert len(forms) == 1
    rec = forms[0]
    assert (rec.kind, rec.year, rec.range_text) == ("project", 2022, "Sheet1!A1:J21")
    d = rec.data
    assert d["unit"] == {"name": "某县公路养护中心", "project": "乡村公路养护", "supervisor": "某县交通运输局", "implementer": "某县公路养护中心"}
    assert any(n.kind == "assumed" and "实施单位" in n.message for n in rec.notes)  # the unit's name is an assumption
    assert d["funds"] == {
        "weight": 10,
        "claimed": 9,
        "total": {"initial": 120, "annual": 120, "executed": 108},
        "appropriation": {"initial": 100, "annual": 100, "executed": 90},
        "carryover": {"initial": 20, "annual": 20, "executed": 18},
    }
    assert d["goal"] == {"expected": "完成 120 公里农村公路日常养护。", "achieved": "完成 126 公里，坑槽修补略有滞后。"}
    names = [(i["category"], i.get("subcategory"), i["name"]) for i in d["indicators"]]
    assert names == [
        ("产出指标", "数量指标", "养护里程"),
        ("产出指标", "数量指标", "修补坑槽"),  # merged 一级 and 二级 carry down
        ("产出指标", "质量指标", "路面合格率"),
        ("效益指标", "社会效益指标", "道路通行条件"),
        ("满意度指标", "服务对象满意度指标", "沿线群众满意度"),
    ]
    assert d["indicators"][1]["note"] == "雨季施工延误，已调整工期"
    assert d["indicators"][1]["claimed"] == D("18.67")
    assert d["indicators"][3]["tier"] == "达成"
    assert d["claimed"] == {"total": D("97.67"), "grade": "优"}
    assert d["signoff"] == {"filled_by": "张三", "phone": "0731-1234567", "head": "李四", "finance_head": "王五", "date": "2023年3月1日"}
    assert any(n.kind == "ignored" and n.address == "Sheet1!A21" for n in rec.notes)  # 备注
    r = score(rec)
    # funds 108 / 120 = 90% → 10 × 0.9 = 9.00; 修补坑槽 20 × 280 / 300 = 18.666… → 18.67; the rest full
    assert r.funds.score == D("9.00")
    assert [i.score for i in r.indicators] == [D("20.00"), D("18.67"), D("10.00"), D("30.00"), D("10.00")]
    assert r.total == D("97.67") == r.claimed_total  # 9 + 20 + 18.67 + 10 + 30 + 10
    assert r.grade == "优"


# The split-target layout (Sichuan, Yunnan): 指标性质 + 指标值 + 度量单位, 调整后预算数, 权重, 自评得分, 未完成原因分析.
SPLIT_HEAD: list[list[object]] = [
    ["2022年度项目支出绩效自评表"],
    ["项目名称", "职业技能培训补贴"],
    ["主管部门：某市人力资源和社会保障局", "", "", "", "", "实施单位：某市职业技能培训中心"],
    ["金额单位：万元"],
    ["资金情况", "", "年初预算数", "调整后预算数", "预算执行数", "权重", "执行率", "得分"],
    ["", "合计", 50, 60, 57, 10, "95%", D("9.5")],
    ["", "财政拨款", 50, 60, 57, "", "", ""],
    ["年度总体目标", "预期目标", "", "", "", "实际完成情况"],
    ["", "培训 735 人次以上。", "", "", "", "培训 800 人次。"],
]
SPLIT_TABLE: list[list[object]] = [
    ["产出指标", "数量指标", "培训人次", "≥", "735", "人次", "800人次", 20, 20, ""],
    ["", "质量指标", "培训合格率", "≥", "95", "%", "97%", 20, 20, ""],
    ["", "成本指标", "人均培训成本", "≤", "500", "元", "480元", 10, 10, ""],
    ["效益指标", "社会效益指标", "就业能力提升", "定性", "明显提升", "", "有所提升", 30, 21, "部分学员未结业，下年跟踪"],
    ["满意度指标", "服务对象满意度指标", "学员满意度", "≥", "90", "%", "93%", 10, 10, ""],
    ["合计", "", "", "", "", "", "", 100, D("90.5"), ""],
    ["自评等级", "优"],
]
ONE_ROW_HEADER = [["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "全年实际值", "权重", "自评得分", "未完成原因分析"]]
TWO_ROW_HEADER = [
    ["一级指标", "二级指标", "三级指标", "年度指标值", "", "", "全年实际值", "权重", "自评得分", "未完成原因分析"],
    ["", "", "", "指标性质", "指标值", "度量单位", "", "", "", ""],
]


def split_sheet(two_rows: bool, name: str = "Sheet1") -> Grid:
    header = TWO_ROW_HEADER if two_rows else ONE_ROW_HEADER
    merges = [(0, 0, 0, 9), (1, 1, 1, 9)]
    h = len(SPLIT_HEAD)
    if two_rows:  # 年度指标值 over its three parts; the other headings over both rows
        merges += [(h, 3, h, 5)] + [(h, c, h + 1, c) for c in (0, 1, 2, 6, 7, 8, 9)]
    return sheet(SPLIT_HEAD + header + SPLIT_TABLE, tuple(merges), name)


@pytest.mark.parametrize("two_rows", [False, True], ids=["one-header-row", "two-header-rows"])
def test_split_target_layout(two_rows):
    (rec,) = recognise(split_sheet(two_rows))
    d = rec.data
    assert (rec.kind, rec.year) == ("project", 2022)
    assert d["unit"]["supervisor"] == "某市人力资源和社会保障局" and d["unit"]["implementer"] == "某市职业技能培训中心"
    assert [i["target"] for i in d["indicators"]] == ["≥735人次", "≥95%", "≤500元", "明显提升", "≥90%"]
    assert [i["actual"] for i in d["indicators"]] == ["800人次", "97%", "480元", "有所提升", "93%"]
    assert d["indicators"][3]["tier"] == "部分达成"  # 21 of 30 is in [0.6, 0.8)
    assert d["indicators"][3]["note"] == "部分学员未结业，下年跟踪"
    # 调整后预算数 is the 全年预算数 of this layout, and that is said to be
    assert d["funds"]["total"] == {"initial": 50, "annual": 60, "executed": 57}
    assert any(n.kind == "assumed" and "调整后预算数" in n.message for n in rec.notes)
    assert d["claimed"] == {"total": D("90.5"), "grade": "优"}
    r = score(rec)
    # funds 57 / 60 = 0.95 → 9.50; 就业能力提升 部分达成 with 21 in [18, 24); the rest full: 9.5 + 20 + 20 + 10 + 21 + 10
    assert r.funds.score == D("9.50")
    assert [i.score for i in r.indicators] == [D(20), D(20), D(10), D(21), D(10)]
    assert r.total == D("90.50") and r.grade == "优"
    assert not [f for f in r.findings if f.severity == "error"]


# The department-wide template of the seed, as a sheet: money in 元, numbers stored as text with thousands separators.
DEPT_ROWS: list[list[object]] = [
    ["2023年度部门整体支出绩效自评表"],
    ["部门：某某中学", "", "", "", "", "", "金额单位：元"],
    ["资金情况", "年度资金总额", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["", "合计", "1,200,000.00", "1,250,000.00", "1,187,500.00", "10", "95%", "9.5"],
    ["", "其中：财政拨款", "1,200,000.00", "1,250,000.00", "1,187,500.00", "", "", ""],
    ["", "上年结转资金", "", "", "", "", "", ""],
    ["年度总体目标", "预期目标", "", "", "实际完成情况"],
    ["", "完成全年教学任务。", "", "", "已完成。"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["", "产出指标(50分)", "数量指标", "在校生人数", "≥1,200人", "1,236人", "25", "25"],
    ["", "", "质量指标", "学业水平考试合格率", "≥98%", "99%", "25", "25"],
    ["", "效益指标（30分）", "社会效益指标", "升学率", "≥60%", "62%", "30", "30"],
    ["", "满意度指标（10分）", "服务对象满意度指标", "家长满意度", "≥90%", "95%", "10", "10"],
    ["", "合计", "", "", "", "", "100", "99.5", "优"],
    [],
    ["填表人：赵六  联系电话：13800000000  单位负责人：钱七  填报日期：2024-03-01"],
]


def test_department_template_money_in_yuan_numbers_as_text():
    (rec,) = recognise(sheet(DEPT_ROWS))
    d = rec.data
    assert (rec.kind, rec.year, rec.unit) == ("department", 2023, "某某中学")
    assert d["categories"] == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert d["funds"]["unit"] == "元"  # never divided: the amounts stay in 元
    assert d["funds"]["total"] == {"initial": D("1200000.00"), "annual": D("1250000.00"), "executed": D("1187500.00")}
    assert d["indicators"][0]["target"] == "≥1,200人" and d["indicators"][0]["actual"] == "1,236人"  # texts verbatim
    assert d["claimed"] == {"total": D("99.5"), "grade": "优"}
    assert d["signoff"] == {"filled_by": "赵六", "phone": "13800000000", "head": "钱七", "date": "2024-03-01"}
    text = form_toml(rec)
    assert 'unit = "元"' in text
    form = load_imported(text)
    r = score_form(form, load_rules(form.rules))
    # 1,187,500 / 1,250,000 = 95% → 9.50; indicators full: 9.5 + 25 + 25 + 30 + 10 = 99.50
    assert r.funds.score == D("9.50") and r.total == D("99.50") and r.claimed_total == D("99.5")


def test_two_forms_stacked_in_one_sheet():
    first = sheet(MOF_ROWS, MOF_MERGES)
    second = split_sheet(True)
    width = max(first.width, second.width)
    blank = [[Cell()] * width, [Cell()] * width]

    def pad(rows: list[list[Cell]]) -> list[list[Cell]]:
        return [row + [Cell()] * (width - len(row)) for row in rows]

    offset = first.height + 2
    moved = [
        [
            Cell(c.text, c.value, c.percent, c.merged and (c.merged[0] + offset, c.merged[1], c.merged[2] + offset, c.merged[3]),
                 f"Sheet1!{_letters(j)}{i + offset + 1}")
            for j, c in enumerate(row)
        ]
        for i, row in enumerate(second.rows)
    ]
    grid = Grid("两张表.xlsx", "Sheet1", pad(first.rows) + blank + pad(moved))
    forms = recognise(grid)
    assert [f.data["unit"]["project"] for f in forms] == ["乡村公路养护", "职业技能培训补贴"]
    assert forms[0].bottom < forms[1].top == offset
    assert forms[1].range_text == f"Sheet1!A{offset + 1}:J{grid.height}"
    assert [len(f.data["indicators"]) for f in forms] == [5, 5]
    assert score(forms[0]).total == D("97.67") and score(forms[1]).total == D("90.50")


def test_no_form_in_the_grid():
    prose = sheet([["2021 年度部门决算"], ["一、部门基本情况"], ["收入合计", 1387.53], ["三级指标说明见附件"]])
    assert recognise(prose) == []
    assert recognise(Grid("空.xlsx")) == []
    assert recognise(Grid("空.xlsx", rows=[[Cell()] * 5] * 5)) == []


def test_seed_as_space_separated_text_scores_the_same(tmp_path):
    # pdftotext -layout style: no tabs, cells apart by runs of spaces, leading blanks gone (every column shifts)
    lines = [re.sub(r"\t+", "    ", line).strip() for line in SEED_TEXT.read_text(encoding="utf-8").splitlines()]
    path = tmp_path / "seed-spaces.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    (rec,) = import_text(path)
    got, want = score(rec), score(import_text(SEED_TEXT)[0])
    assert [(i.category, i.subcategory, i.name, i.target, i.actual, i.weight, i.claimed) for i in got.indicators] == [
        (i.category, i.subcategory, i.name, i.target, i.actual, i.weight, i.claimed) for i in want.indicators
    ]
    assert (got.total, got.claimed_total, got.claimed_grade) == (D("100.00"), D("99.50"), "优")
    assert got.form.goal == want.form.goal and got.form.funds == want.form.funds
    assert [f.message for f in got.findings] == [f.message for f in want.findings]
    shifted = [n for n in rec.notes if n.kind == "assumed" and "错位" in n.message]
    assert {n.address for n in shifted} >= {"第 560 行", "第 565 行", "第 568 行", "第 579 行"}


# ------------------------------------------------------------------ what could not be read is a problem, never a 0


def with_cell(grid: Grid, r: int, c: int, **changes: object) -> Grid:
    old = grid.rows[r][c]
    fields = {"text": old.text, "value": old.value, "percent": old.percent, "merged": old.merged, "address": old.address, "problem": old.problem}
    fields.update(changes)
    grid.rows[r][c] = Cell(**fields)  # type: ignore[arg-type]
    return grid


def test_formula_without_cached_value_is_a_problem_with_its_cell():
    grid = sheet(MOF_ROWS, MOF_MERGES)
    problem = "公式没有缓存的计算结果（请在 Excel 中打开并保存后再导入）"
    with_cell(grid, 13, 7, text="", value=None, problem=problem)  # 修补坑槽 得分 H14
    with_cell(grid, 14, 6, text="", value=None, problem=problem)  # 路面合格率 分值 G15
    with_cell(grid, 5, 4, text="", value=None, problem=problem)  # 年度资金总额 全年执行数 E6
    (rec,) = recognise(grid)
    problems: dict[str, str] = {}
    for n in rec.notes:
        if n.kind == "problem":
            problems[n.address] = problems.get(n.address, "") + n.message
    assert set(problems) >= {"Sheet1!H14", "Sheet1!G15", "Sheet1!E6"}
    assert all(problem in problems[a] for a in ("Sheet1!H14", "Sheet1!G15", "Sheet1!E6"))
    d = rec.data
    repair = next(i for i in d["indicators"] if i["name"] == "修补坑槽")
    assert "claimed" not in repair  # not 0
    assert "路面合格率" not in [i["name"] for i in d["indicators"]]  # a weight is required: the row is left out, and said to be
    assert any(n.address == "Sheet1!G15" and "未读入" in n.message for n in rec.notes)
    assert "executed" not in d["funds"]["total"]
    load_form_text(form_toml(rec))  # still a loadable form


# ------------------------------------------------------------------ adversarial grids


def test_adversarial_grids_do_not_crash():
    assert recognise(Grid("x")) == []
    huge = "三级指标" * 250_000 + "一级指标"
    assert recognise(Grid("x", rows=[[Cell(text=huge, address="A1")]])) == []
    assert recognise(Grid("x", rows=[[Cell(text=huge), Cell(text="一级指标"), Cell(text="三级指标"), Cell(text="分值")]])) != []
    # a header with no rows under it: a form with nothing in it, and a problem saying so
    (rec,) = recognise(sheet([["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]]))
    assert rec.data["indicators"] == [] and any(n.kind == "problem" and "没有读到任何指标行" in n.message for n in rec.notes)
    load_form_text(form_toml(rec))
    # the header 5,000 times: one form, its ignored rows counted rather than listed one by one
    (rec,) = recognise(sheet([["一级指标", "三级指标", "分值"]] * 5000))
    assert len(rec.notes) < 210 and "另有 4798 处" in rec.notes[-1].message


def test_ten_thousand_rows_of_noise():
    import random

    rng = random.Random(9)
    words = ["三级指标", "一级指标", "二级指标", "分值", "得分", "合计", "总分", "产出指标（50分）", "数量指标", "12.5", "≥95%",
             "年初预算数", "全年执行数", "填表人：", "备注", "绩效自评表", "2021年度", "", "", "", "—", "等级：优", "部门："]
    rows = [[rng.choice(words) for _ in range(9)] for _ in range(10_000)]
    forms = recognise(sheet(rows))
    for rec in forms:  # whatever was found is a loadable form with its notes
        assert rec.top <= rec.bottom
        load_imported(form_toml(rec))
    assert forms  # the noise contains header rows, so forms are found (and each says what it lacks)
    assert all(any(n.kind == "problem" for n in rec.notes) for rec in forms)


# ------------------------------------------------------------------ the text reader


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: s.encode("utf-8"),
        lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"),
        lambda s: s.encode("utf-16"),  # with its BOM
        lambda s: b"\xfe\xff" + s.encode("utf-16-be"),
        lambda s: s.encode("gb18030"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be", "gb18030"],
)
def test_text_encodings(encode, tmp_path):
    text = SEED_TEXT.read_text(encoding="utf-8").replace("\n", "\r\n")
    (grid,) = read_text(tmp_path / "x.txt", encode(text))
    assert grid.kind == "text" and grid.height == 582
    assert grid.cell(557, 1).text == "株洲市社会保险服务中心" and grid.cell(557, 1).address == "第 558 行"
    (rec,) = recognise(grid)
    assert score(rec).claimed_total == D("99.50")


def test_text_cells_and_values(tmp_path):
    data = "一级指标\t二级\t 1,387.53 \t96%\n标题  在此   有三格\n单格 内有一个空格\n".encode()
    (grid,) = read_text(tmp_path / "x.txt", data)
    assert [c.text for c in grid.rows[0]] == ["一级指标", "二级", "1,387.53", "96%"]
    assert grid.rows[0][2].value == D("1387.53") and not grid.rows[0][2].percent
    assert grid.rows[0][3].value == D(96) and grid.rows[0][3].percent
    assert [c.text for c in grid.rows[1]] == ["标题", "在此", "有三格", ""]  # rectangular
    assert [c.text for c in grid.rows[2]][:1] == ["单格 内有一个空格"]
    assert {c.address for c in grid.rows[1]} == {"第 2 行"}


@pytest.mark.slow
def test_long_text_and_wide_lines(tmp_path):
    lines = [f"第{i}段\t说明文字\t{i}" for i in range(100_000)] + ["\t".join(["x"] * 1000)]
    (grid,) = read_text(tmp_path / "x.txt", "\n".join(lines).encode())
    assert grid.height == 100_001 and grid.width == 64  # a line of 1000 cells keeps the rest in its last cell
    assert grid.rows[-1][-1].text.count("x") == 1000 - 63
    assert recognise(grid) == []


# ------------------------------------------------------------------ the TOML writer


@given(
    texts=st.lists(st.text(min_size=1, max_size=30), min_size=5, max_size=5),
    weight=st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False),
    note=st.text(max_size=60),
)
@settings(max_examples=examples(150), deadline=None)
def test_writer_round_trips_any_text(texts, weight, note):
    name, target, actual, unit, remark = texts
    data = {
        "format": 1,
        "kind": "department",
        "year": 2021,
        "unit": {"name": unit},
        "indicators": [{"category": "产出指标", "name": name, "target": target, "actual": actual, "weight": weight, "note": remark}],
        "claimed": {"total": D("99.50"), "grade": "优"},
    }
    rec = Recognised(data=data, grid=Grid(source="a\nb.txt"), top=0, bottom=0, notes=[Note(note, note, "assumed")])
    text = form_toml(rec)
    assert tomli.loads(text, parse_float=Decimal) == data
    form = load_form_text(text)
    assert form.indicators[0].target == target and form.indicators[0].name == name


def test_writer_keeps_printed_digits():
    data = {"format": 1, "kind": "project", "year": 2022, "unit": {"name": "某\"单位\"\\"},
            "funds": {"weight": 10, "total": {"initial": D("1387.53"), "annual": D("1E+2"), "executed": D("0.50")}}}
    text = form_toml(Recognised(data=data, grid=Grid(source="x.txt"), top=0, bottom=0))
    assert "initial = 1387.53" in text and "executed = 0.50" in text and "annual = 100" in text
    assert tomli.loads(text, parse_float=Decimal)["funds"]["total"]["executed"] == D("0.50")


def test_department_text_in_yuan_with_points_written_as_fen():
    # unit line above the title, 元, thousands separators, 分 after every number, 等级 on its own row, spaced 填 表 人
    (rec,) = import_text(FIXTURES / "department-yuan.txt")
    d = rec.data
    assert rec.range_text == "第 2–20 行"
    assert (rec.kind, rec.year, rec.unit) == ("department", 2022, "某县第一中学")
    assert d["funds"]["unit"] == "元" and d["funds"]["weight"] == 10 and d["funds"]["claimed"] == 9
    assert d["funds"]["carryover"] == {"initial": D("200000.00"), "annual": D("200000.00"), "executed": D("180000.00")}
    assert d["categories"] == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert [i["claimed"] for i in d["indicators"]] == [20, D("14.68"), 15, 30, 10]
    assert d["claimed"] == {"total": D("98.68"), "grade": "优"}
    assert d["signoff"] == {"filled_by": "孙八", "phone": "0731-7654321", "head": "周九", "date": "2023年2月15日"}
    # each one said: funds 分值 and 得分, five rows' 分值 and 得分, the total's 得分 (its 100分 is not read)
    assert sum("去掉“分”字" in n.message for n in rec.notes) == 2 + 10 + 1
    assert any(n.kind == "ignored" and n.address == "第 1 行" for n in rec.notes) is False  # 附件3 is outside the form
    form = load_imported(form_toml(rec))
    r = score_form(form, load_rules(form.rules))
    # 3,150,000 / 3,500,000 = 90% → 9.00; 教学质量合格率 15 × 93 / 95 = 14.684… → 14.68
    # total 9 + 20 + 14.68 + 15 + 30 + 10 = 98.68
    assert r.funds.score == D("9.00") and r.indicators[1].score == D("14.68")
    assert r.total == D("98.68") == r.claimed_total and r.grade == "优"
    assert "funds-total-mismatch" not in [f.code for f in r.findings]


def test_page_break_inside_the_table_and_prose_after_a_table_without_total(tmp_path):
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    header = lines[565]
    # a page break after line 570: the page number and the header printed again
    broken = lines[:570] + ["", "— 31 —", "", header] + lines[570:]
    path = tmp_path / "broken.txt"
    path.write_text("\n".join(broken), encoding="utf-8")
    (rec,) = import_text(path)
    assert len(rec.data["indicators"]) == 9 and score(rec).total == D("100.00")
    assert any(n.address == "第 574 行" and "重复的指标表表头" in n.message for n in rec.notes)
    assert any(n.address == "第 572 行" and n.kind == "ignored" for n in rec.notes)  # the page number, said to be skipped
    # no 总分 row, no 备注, and the report goes on: the form ends with its last indicator row
    cut = lines[:578] + ["", "三、下一步工作计划", "继续做好养老保险经办服务工作。", "四、其他说明", "无"]
    path.write_text("\n".join(cut), encoding="utf-8")
    (rec,) = import_text(path)
    assert rec.range_text == "第 556–578 行" and len(rec.data["indicators"]) == 9
    assert "claimed" not in rec.data
    assert not [n for n in rec.notes if "下一步" in n.message or "继续做好" in n.message]


def test_every_value_names_its_cell():
    (rec,) = recognise(sheet(MOF_ROWS, MOF_MERGES))
    cells = rec.cells
    assert cells[("indicators", 1, "claimed")] == "Sheet1!H14" and cells[("indicators", 1)] == "Sheet1!D14"
    assert cells[("indicators", 1, "note")] == "Sheet1!I14"
    assert cells[("funds", "total", "executed")] == "Sheet1!E6" and cells[("funds", "claimed")] == "Sheet1!H6"
    assert cells[("claimed", "total")] == "Sheet1!H19" and cells[("claimed", "grade")] == "Sheet1!I19"
    assert cells[("unit", "name")] == "Sheet1!F4" and cells[("year",)] == "Sheet1!A2"
    assert ("funds", "other") not in cells  # the 其他资金 row is empty, so it is not in the form
    (seed,) = import_text(SEED_TEXT)
    assert seed.cells[("indicators", 4, "weight")] == "第 573 行" and seed.cells[("categories", "效益指标")] == "第 573 行"


# ------------------------------------------------------------------ generated forms in the three layouts

NAMES = ["养护里程", "修补坑槽", "培训人次", "发放率", "参保人数", "完工时间", "受益人口", "覆盖率", "达标率", "群众满意度"]
TARGETS = ["≥95%", "31.88万人", "确保发放到位", "≤3天", "100%", "12月31日前", "=100%", "≥120公里", "明显改善"]
SUBS = {"产出指标": ["数量指标", "质量指标", "时效指标", "成本指标"], "效益指标": ["经济效益指标", "社会效益指标"],
        "满意度指标": ["服务对象满意度指标"]}  # fmt: skip

money = st.decimals(min_value=0, max_value=99999, places=2, allow_nan=False, allow_infinity=False)
points = st.decimals(min_value=1, max_value=40, places=1, allow_nan=False, allow_infinity=False)


CUSTOM = {"项目决策": ["项目立项", "绩效目标"], "项目过程": ["资金管理", "组织实施"], "项目产出": ["产出数量", "产出质量"],
          "项目效益": ["项目效益"]}  # fmt: skip


@st.composite
def forms(draw):
    rows = []
    for cat, subs in draw(st.sampled_from([SUBS, CUSTOM])).items():
        for sub in draw(st.lists(st.sampled_from(subs), min_size=1, max_size=3, unique=True)):
            for _ in range(draw(st.integers(1, 2))):
                weight = draw(points)
                rows.append({
                    "category": cat, "subcategory": sub, "name": f"{draw(st.sampled_from(NAMES))}{len(rows) + 1}",
                    "target": draw(st.sampled_from(TARGETS)), "actual": draw(st.sampled_from(TARGETS)),
                    "weight": weight, "claimed": draw(st.none() | st.decimals(min_value=0, max_value=weight, places=2)),
                    "note": draw(st.sampled_from(["", "", "雨季延误，已调整"])),
                })  # fmt: skip
    annual = draw(money)
    funds = {"initial": draw(money), "annual": annual, "executed": draw(money)}
    return {
        "kind": draw(st.sampled_from(["department", "project"])),
        "year": draw(st.integers(2019, 2030)),
        "unit": "某县第二中学",
        "funds": funds,
        "indicators": rows,
        "total": draw(st.decimals(min_value=0, max_value=100, places=2)),
        "grade": draw(st.sampled_from(["优", "良", "中", "差"])),
        "layout": draw(st.sampled_from(["mof", "split", "department"])),
        "merge": draw(st.booleans()),
        "blank": draw(st.booleans()),  # 一级/二级 written once, the rows below blank (merged or not)
        "text_numbers": draw(st.booleans()),
        "blank_rows": draw(st.lists(st.integers(0, 12), max_size=3)),
    }


def shown(value: Decimal, as_text: bool) -> object:
    return f"{value:,}" if as_text else value


def render(form: dict) -> tuple[Grid, dict]:
    """The form drawn in one of the three layouts; returns the grid and the form data the import must give back."""
    layout, kind, t = form["layout"], form["kind"], form["text_numbers"]
    what = "项目支出" if kind == "project" else "部门整体支出"
    rows: list[list[object]] = []
    merges: list[tuple[int, int, int, int]] = []
    if layout == "mof":
        rows += [[f"{what}绩效自评表"], [f"（{form['year']}年度）"]]
    else:
        rows += [[f"{form['year']}年度{what}绩效自评表"]]
    rows.append(["部门名称" if layout != "split" else "单位名称", form["unit"]])
    f = form["funds"]
    initial_word, annual_word = "年初预算数", ("调整后预算数" if layout == "split" else "全年预算数")
    rows.append(["资金情况（万元）", "", initial_word, annual_word, "全年执行数", "分值", "执行率", "得分"])
    rows.append(["", "年度资金总额", shown(f["initial"], t), shown(f["annual"], t), shown(f["executed"], t), 10, "", ""])
    rows.append(["年度总体目标", "预期目标", "", "", "实际完成情况"])
    rows.append(["", "完成年度任务。", "", "", "已完成。"])
    if layout == "split":
        rows.append(["绩效指标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "实际完成值", "分值", "得分",
                     "未完成原因分析"])  # fmt: skip
    else:
        rows.append(["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
    start = len(rows)
    prev_cat = prev_sub = ""
    for i, ind in enumerate(form["indicators"]):
        if i in form["blank_rows"]:
            rows.append([])
        once = form["merge"] or form["blank"]
        cat = ind["category"] if ind["category"] != prev_cat or not once else ""
        sub = ind["subcategory"] if (ind["subcategory"], ind["category"]) != (prev_sub, prev_cat) or not once else ""
        if layout == "department" and cat:
            weight = sum(x["weight"] for x in form["indicators"] if x["category"] == ind["category"])
            cat = f"{cat}（{weight}分）"
        if layout == "split":
            target = ind["target"]
            nature, value = ("定性", target) if not target[:1].isdigit() and target[:1] not in "≥≤=" else ("", target)
            if target[:1] in "≥≤=":
                nature, value = target[0], target[1:]
            line = ["", cat, sub, ind["name"], nature, value, "", ind["actual"]]
        else:
            line = ["", cat, sub, ind["name"], ind["target"], ind["actual"]]
        line += [shown(ind["weight"], t), "" if ind["claimed"] is None else shown(ind["claimed"], t), ind["note"]]
        rows.append(line)
        prev_cat, prev_sub = ind["category"], ind["subcategory"]
    rows.append(["", "总分", "", "", "", "", "", "", ""] if layout != "split" else ["", "合计"] + [""] * 9)
    total_row = rows[-1]
    wcol = 8 if layout == "split" else 6
    total_row[wcol], total_row[wcol + 1], total_row[wcol + 2] = 100, shown(form["total"], t), f"等级：{form['grade']}"
    rows.append(["备注：本表由系统生成。"])
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    if form["merge"]:  # 一级 and 二级 over their rows, as a template merges them
        for col in (1, 2):
            r = start
            while r < len(rows) - 2:
                if rows[r][col] != "":
                    end = r
                    while end + 1 < len(rows) - 2 and rows[end + 1][col] == "" and rows[end + 1][3] != "":
                        end += 1
                    if end > r:
                        merges.append((r, col, end, col))
                    r = end + 1
                else:
                    r += 1
    want = {
        "indicators": [
            (i["category"], i["subcategory"], i["name"], i["target"], i["actual"], i["weight"], i["claimed"], i["note"])
            for i in form["indicators"]
        ],
        "funds": {k: v for k, v in form["funds"].items()},
        "claimed": {"total": form["total"], "grade": form["grade"]},
        "year": form["year"],
        "kind": kind,
    }
    return sheet(rows, tuple(merges)), want


@given(forms())
@settings(max_examples=examples(60), deadline=None)
def test_generated_forms_in_every_layout_import_as_drawn(form):
    grid, want = render(form)
    (rec,) = recognise(grid)
    d = rec.data
    got = [
        (i["category"], i.get("subcategory", ""), i["name"], i["target"], i["actual"], i["weight"], i.get("claimed"), i.get("note", ""))
        for i in d["indicators"]
    ]
    assert got == want["indicators"]
    assert d["funds"]["total"] == want["funds"]
    assert d["claimed"] == want["claimed"]
    assert (d["year"], rec.unit) == (want["year"], "某县第二中学")
    assert d["kind"] == want["kind"]
    text = form_toml(rec)
    assert tomli.loads(text, parse_float=Decimal) == d
    load_form_text(text)


def test_subtotals_and_a_review_column_are_not_the_units_scores():
    rows = [
        ["2023年度部门整体支出绩效自评表"],
        ["单位名称（盖章）", "某某局"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "自评得分", "复核得分", "备注"],
        ["产出指标", "数量指标", "办件量", "≥1000件", "1200件", 50, 50, 45, "抽查"],
        ["小计", "", "", "", "", 50, 50, 45, ""],
        ["效益指标", "社会效益指标", "群众办事时间", "≤3天", "2天", 50, 48, 50, ""],
        ["合计", "", "", "", "", 100, 98, 95, ""],
    ]
    (rec,) = recognise(sheet(rows))
    d = rec.data
    assert rec.unit == "某某局"
    assert [(i["name"], i["claimed"]) for i in d["indicators"]] == [("办件量", 50), ("群众办事时间", 48)]
    assert d["claimed"] == {"total": 98}
    ignored = {n.address: n.message for n in rec.notes if n.kind == "ignored"}
    assert "复核得分“45”" in ignored["Sheet1!H4"] and "抽查" in ignored["Sheet1!I4"]
    assert "小计" in ignored["Sheet1!A5"]
    assert any(n.kind == "problem" and "资金" in n.message for n in rec.notes)  # no funds block: said, not invented


def test_a_bare_title_and_a_money_line_are_not_guessed_silently():
    rows = [
        ["绩效自评表（2023年度）"],
        ["单位：万元"],
        ["项目名称", "老旧小区改造"],
        ["实施单位", "某区住建局"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "改造小区数", "≥12个", "12个", 90, 90],
        ["总分", "", "", "", "", 90, 90],
    ]
    (rec,) = recognise(sheet(rows))
    assert (rec.kind, rec.year, rec.unit) == ("project", 2023, "某区住建局")  # 万元 is not the unit's name
    assert any(n.kind == "assumed" and "表题未写明" in n.message and "项目名称" in n.message for n in rec.notes)
    assert any(n.kind == "found" and n.message == "金额单位：万元" for n in rec.notes)


def test_an_unreadable_funds_cell_is_not_filled_from_the_total():
    (grid,) = read_text(SEED_TEXT, SEED_TEXT.read_bytes())
    with_cell(grid, 560, 4, problem="公式没有缓存的计算结果")  # 当年财政拨款 全年执行数, blank in the seed
    (rec,) = recognise(grid)
    assert rec.data["funds"]["appropriation"] == {"initial": D("1366.77"), "annual": D("1387.53")}
    assert any(n.kind == "problem" and n.address == "第 561 行" for n in rec.notes)
    assert not any(n.kind == "assumed" and "按合计行填写" in n.message for n in rec.notes)


def test_empty_template_rows_do_not_end_the_table():
    rows = [list(r) for r in MOF_ROWS]
    empty = [["", "", "", f"指标{i}：", "", "", "", "", ""] for i in range(1, 6)]
    rows[15:16] = empty  # the empty 时效指标 row becomes five empty "指标n：" rows of the MOF template
    (rec,) = recognise(sheet(rows, tuple(m for m in MOF_MERGES if m[0] < 15)))  # the merges above the inserted rows
    names = [i["name"] for i in rec.data["indicators"]]
    assert names == ["养护里程", "修补坑槽", "路面合格率", "道路通行条件", "沿线群众满意度"]
    assert sum("行没有指标值、分值和得分，跳过" in n.message for n in rec.notes) == 5
    assert rec.data["claimed"]["total"] == D("97.67")


PROJECT = ROOT / "tests" / "fixtures" / "project-2023.toml"


@pytest.mark.parametrize(
    "layout, original",
    [
        ("seed-2021-layout.txt", SEED),
        ("project-2023-layout.txt", PROJECT),
        ("pdf-department-layout.txt", SEED),
        ("pdf-project-layout.txt", PROJECT),
        ("pdf-split-layout.txt", PROJECT),
    ],
)
def test_text_laid_out_with_spaces_is_rebuilt(layout, original):
    # `pdftotext -layout` of printed forms: jixiao's own PDF (`jixiao pdf FORM --claimed`, *-2023/2021-layout) and
    # ruled forms drawn with ReportLab in the three layouts (pdf-*-layout: MOF project, split target, department).
    # No tabs; names wrapped over two or three lines; merged 一级/二级 printed once in the middle of their rows;
    # 资金情况 printed downwards or wrapped in the margin; headings wrapped above and below the header line.
    (grid,) = read_text(FIXTURES / layout, (FIXTURES / layout).read_bytes())
    assert [(a, kind) for a, _, kind in grid.notes] == [("全文", "assumed")]  # type: ignore[misc]
    assert "直接导入 PDF" in grid.notes[0][1]
    (rec,) = recognise(grid)
    form = load_form(original)
    got = score(rec)
    want = score_form(form, load_rules(form.rules))

    def rows(result: Result) -> list[tuple]:
        return [(i.category, i.subcategory, i.name, i.target, i.actual, i.weight, i.claimed) for i in result.indicators]

    assert rows(got) == rows(want)
    assert (got.total, got.claimed_total, got.claimed_grade) == (want.total, want.claimed_total, want.claimed_grade)
    assert got.form.funds.total == form.funds.total and got.form.funds.appropriation == form.funds.appropriation
    assert got.form.goal == form.goal and got.form.unit == form.unit
    if "pdf-" not in layout:  # the drawn forms carry a sign-off of their own
        assert got.form.signoff.filled_by == form.signoff.filled_by and got.form.signoff.date == form.signoff.date
    assert [f.code for f in got.findings] == [f.code for f in want.findings]
    (plain,) = read_text(SEED_TEXT, SEED_TEXT.read_bytes())
    assert plain.notes == []  # the tab-separated text is read line by line


TOKENS = ["三级指标", "一级指标", "二级指标", "年度指标值", "实际完成值", "分值", "得分", "权重", "指标性质", "指标值", "度量单位",
          "合计", "总分", "小计", "产出指标（50分）", "效益指标(30分)", "数量指标", "指", "12.5", "1,387.53", "96%", "≥", "定性",
          "年初预算数", "全年预算数", "调整后预算数", "全年执行数", "执行率", "年度资金总额", "其中：当年财政拨款", "年度总体目标",
          "预期目标", "实际完成情况", "填表人：张三", "联系电话", "备注：无", "2021年度部门整体支出绩效自评表", "（2022年度）",
          "部门：某中学", "金额单位：元", "单位：万元", "等级：优", "优", "—", "", "", "", "x" * 300, "12.5分", "1387.53万元"]  # fmt: skip


@given(st.lists(st.lists(st.sampled_from(TOKENS) | st.text(max_size=8), min_size=1, max_size=10), min_size=1, max_size=40),
       st.lists(st.tuples(st.integers(0, 39), st.integers(0, 9), st.integers(0, 3), st.integers(0, 3)), max_size=4))
@settings(max_examples=examples(200), deadline=None)
def test_any_grid_gives_loadable_forms_or_none(rows, merges):
    width = max(len(r) for r in rows)
    merged = []
    for top, left, down, right in merges:  # non-overlapping merges inside the grid
        box = (top, left, min(top + down, len(rows) - 1), min(left + right, width - 1))
        if top < len(rows) and left < width and all(
            box[0] > m[2] or box[2] < m[0] or box[1] > m[3] or box[3] < m[1] for m in merged
        ):
            merged.append(box)
    for rec in recognise(sheet(rows, tuple(merged))):
        text = form_toml(rec)
        assert tomli.loads(text, parse_float=Decimal) == rec.data
        load_imported(text)
        assert 0 <= rec.top <= rec.bottom < len(rows)
        assert all(n.kind in ("found", "assumed", "ignored", "problem") and n.address for n in rec.notes)


@given(st.binary(max_size=2000) | st.text(max_size=500).map(lambda s: s.encode("utf-8")))
@settings(max_examples=examples(200), deadline=None)
def test_text_reader_takes_any_bytes(data):
    (grid,) = read_text(Path("任意.txt"), data)
    widths = {len(row) for row in grid.rows}
    assert len(widths) <= 1  # rectangular
    assert all(cell.address.startswith("第 ") for row in grid.rows for cell in row)
    for rec in recognise(grid):
        load_imported(form_toml(rec))


def test_funds_broken_down_otherwise_keep_only_the_total():
    rows = [
        ["2022年度部门整体支出绩效自评表"],
        ["部门（单位）名称", "某县教育局"],
        ["资金情况（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", 500, 600, 540, 10, "90%", 9],
        ["按收入性质分", "一般公共预算财政拨款", 400, 450, 405, "", "", ""],
        ["", "政府性基金预算财政拨款", 50, 100, 90, "", "", ""],
        ["", "纳入专户管理的非税收入拨款", 50, 50, 45, "", "", ""],
        ["按支出性质分", "基本支出", 300, 300, 300, "", "", ""],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "学校数", "≥20所", "20所", 90, 90],
        ["总分", "", "", "", "", 100, 99],
    ]
    (rec,) = recognise(sheet(rows))
    funds = rec.data["funds"]
    assert funds == {"weight": 10, "claimed": 9, "total": {"initial": 500, "annual": 600, "executed": 540}}
    assert any(n.kind == "assumed" and "只写入年度资金总额" in n.message for n in rec.notes)
    r = score_form(load_imported(form_toml(rec)))
    assert r.funds.score == D("9.00")  # 540 / 600 = 90%: the total's rate, not a partial sum's
    assert "funds-total-mismatch" not in [f.code for f in r.findings]


@given(st.lists(st.lists(st.tuples(st.integers(2, 12), st.sampled_from(TOKENS[:40] + ["（50分）", "资", "金", "名 称"])),
                         min_size=1, max_size=8), min_size=8, max_size=40))
@settings(max_examples=examples(150), deadline=None)
def test_any_layout_text_is_rebuilt_without_failing(lines):
    # indented lines with wide gaps: the layout path, with headers, labels and numbers in any order
    text = "\n".join("    " + "".join(" " * gap + token for gap, token in line) for line in lines)
    (grid,) = read_text(Path("版面.txt"), text.encode())
    assert len({len(row) for row in grid.rows}) <= 1
    for rec in recognise(grid):
        load_imported(form_toml(rec))


def test_indicator_name_ending_in_a_bracketed_number_is_not_a_category():
    # "（1）" numbers a batch in a 三级 name; only "（N分）", or a heading ending in 指标, is a 一级 weight.
    rows = [list(r) for r in MOF_ROWS]
    rows[12] = ["", "产出指标", "数量指标", "养护里程（1）", "≥120公里", "126公里", 20, 20, ""]
    rows[13] = ["", "", "", "修补坑槽(2)", "≥300处", "280处", 20, D("18.67"), "雨季施工延误，已调整工期"]
    rec = recognise(sheet(rows, MOF_MERGES))[0]
    names = [(i["category"], i["name"]) for i in rec.data["indicators"]]
    assert names[:2] == [("产出指标", "养护里程（1）"), ("产出指标", "修补坑槽(2)")]
    assert "养护里程" not in rec.data.get("categories", {}) and "修补坑槽" not in rec.data.get("categories", {})


def test_a_bare_reason_column_is_the_deviation_note():
    """A county's own layout heads the last column just 原因; its text was reported 未读入 and
    the form then got missing-deviation-note for a reason the clerk did write."""
    rows = [list(r) for r in MOF_ROWS]
    rows[11] = rows[11][:8] + ["原因"]
    rec = recognise(sheet(rows, MOF_MERGES))[0]
    notes = [i.get("note", "") for i in rec.data["indicators"]]
    assert "雨季施工延误，已调整工期" in notes
    assert not any("原因" in n.message and "未读入" in n.message for n in rec.notes)


@pytest.mark.parametrize("cells", [["执行率偏低原因", "雨季停工，部分资金结转下年"], ["执行率偏低原因：雨季停工，部分资金结转下年"]])
def test_the_low_rate_reason_row_is_the_funds_note(cells):
    """jixiao's own print has an 执行率偏低原因 row; importing that PDF reported it 未读入 and lost the note."""
    rows = [list(r) for r in MOF_ROWS]
    rows.insert(9, cells)
    merges = tuple((t + (t >= 9), l, b + (b >= 9), r) for t, l, b, r in MOF_MERGES)
    rec = recognise(sheet(rows, merges))[0]
    assert rec.data["funds"]["note"] == "雨季停工，部分资金结转下年"
    assert not any("执行率偏低原因" in n.message for n in rec.notes if n.kind == "ignored")
    assert ("funds", "note") in rec.cells
