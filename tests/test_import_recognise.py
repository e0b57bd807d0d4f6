"""The recogniser, the text reader and the TOML writer (issue 9): real layouts, built as grids or read from text."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import tomli

from indicators.importing.grid import Cell, Grid
from indicators.importing.readers.text import read_text
from indicators.importing.recognise import Recognised, recognise
from indicators.importing.toml_writer import form_toml
from indicators.loader import load_form, load_form_text
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
