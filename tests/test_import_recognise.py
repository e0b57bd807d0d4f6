"""The recogniser, the text reader and the TOML writer (issue 9): real layouts, built as grids or read from text."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import tomli

from indicators.importing.grid import Cell, Grid
from indicators.importing.readers.text import read_text
from indicators.importing.recognise import Recognised, recognise
from indicators.importing.toml_writer import form_toml
from indicators.loader import load_form, load_form_text
from indicators.schema import Funds
from scoring.engine import Result, score_form
from scoring.rules import load_rules

from .conftest import ROOT, SEED

D = Decimal
FIXTURES = ROOT / "tests" / "fixtures" / "import"
SEED_TEXT = FIXTURES / "seed-2021.txt"


def import_text(path: Path) -> list[Recognised]:
    grids = read_text(path, path.read_bytes())
    assert len(grids) == 1
    return recognise(grids[0])


def score(rec: Recognised) -> Result:
    text = form_toml(rec)
    form = load_form_text(text, "imported.toml")
    assert tomli.loads(text, parse_float=Decimal) == rec.data  # the data is what the text says
    return score_form(form, load_rules(form.rules), "imported.toml")


# ------------------------------------------------------------------ the seed: a whole 部门决算 with the form at the end


def test_seed_text_is_one_form_at_the_end():
    forms = import_text(SEED_TEXT)
    assert len(forms) == 1
    rec = forms[0]
    assert rec.range_text == "第 556–581 行"  # title line to the 备注 line; the 550 lines of prose above are not the form
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
    assert ("ignored", "第 571 行") in notes and ("ignored", "第 572 行") in notes and ("ignored", "第 581 行") in notes
    text = form_toml(rec)
    assert text.startswith("# 2021 年度部门整体支出绩效自评表")
    assert "seed-2021.txt" in text.splitlines()[0] and "第 556–581 行" in text.splitlines()[0]
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
    if "unit" not in Funds.model_fields:  # [funds] unit comes with the export branch; score the rest meanwhile
        text = text.replace('unit = "元"\n', "")
    form = load_form_text(text)
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
