"""绩效目标表 (approved targets) drawn in two layouts, as workbooks, Word files and PDFs, for tests/test_targets*.py.

- :func:`project_declaration`: the MOF 项目支出绩效目标申报表 with a 分值 column: title, ``（2024年度）``,
  项目名称 / 主管部门 / 实施单位, ``项目资金（万元）`` with the amounts to the right of their labels,
  年度绩效目标 beside its label, and the indicator table under a 绩效指标 label column;
- :func:`department_targets`: a 部门整体支出绩效目标表: ``部门（单位）名称：…`` and ``金额单位：万元`` on one line,
  the funds as a header row (资金总额 / 财政拨款 / 其他资金) with the amounts below, 年度总体目标 as a
  heading with the text on the next row, 一级 headings with their points (``产出指标（50分）``), a 指标解释
  column, and a 合计 row.

Both are :class:`~tests.fixtures.office_docs.Sheet`, written as xlsx (openpyxl, with the merges), docx
or a ruled PDF (ReportLab) by the office_docs helpers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from tests.fixtures.office_docs import Sheet, merge_down


@dataclass
class TRow:
    category: str
    subcategory: str
    name: str
    target: str
    weight: str
    note: str = ""


PROJECT_UNIT = "某市城乡居民养老保险服务中心"
PROJECT_NAME = "城乡居民基本养老保险经办专项"
PROJECT_GOAL = "完成城乡居民养老保险参保登记、待遇发放和个人权益记录工作，参保率不低于95%。"
PROJECT_TARGETS = [
    TRow("产出指标", "数量指标", "城乡居民养老保险参保人数", "≥12万人", "20"),
    TRow("产出指标", "质量指标", "待遇按时足额发放率", "=100%", "15"),
    TRow("产出指标", "时效指标", "年度个人权益记录寄送完成时间", "12月31日前", "15"),
    TRow("效益指标", "社会效益指标", "城乡居民老有所养保障水平", "稳步提高", "30"),
    TRow("满意度指标", "服务对象满意度指标", "参保群众满意度", "≥90%", "10"),
]

DEPT_UNIT = "某市第一中学"
DEPT_GOAL = "保障学校正常运转，完成全年教育教学任务，办学质量稳步提升。"
DEPT_TARGETS = [
    TRow("产出指标（50分）", "数量指标", "在校学生人数", "≥1800人", "20", "按学籍系统年末人数"),
    TRow("产出指标（50分）", "质量指标", "学业水平考试合格率", "≥95%", "15", "合格人数÷参考人数"),
    TRow("产出指标（50分）", "成本指标", "生均公用经费", "≤1200元", "15"),
    TRow("效益指标（30分）", "社会效益指标", "办学质量社会评价", "稳步提升", "30"),
    TRow("满意度指标（10分）", "服务对象满意度指标", "家长满意度", "≥90%", "10", "问卷调查"),
]


def project_declaration(rows: list[TRow] = PROJECT_TARGETS, year: int = 2024) -> Sheet:
    s = Sheet(widths=[1.4, 1.6, 2.0, 3.6, 1.6, 1.0])
    s.add(["项目支出绩效目标申报表"], spans=[(0, 5)])
    s.add([f"（{year}年度）"], spans=[(0, 5)])
    s.add(["项目名称", PROJECT_NAME], spans=[(1, 5)])
    s.add(["主管部门", "某市人力资源和社会保障局", "", "实施单位", PROJECT_UNIT], spans=[(1, 2), (4, 5)])
    h = s.add(["项目资金（万元）", "年度资金总额", "48"], spans=[(2, 5)])
    s.add(["", "其中：财政拨款", "48"], spans=[(2, 5)])
    e = s.add(["", "其他资金", "0"], spans=[(2, 5)])
    s.merge(h, 0, e, 0)
    s.add(["年度绩效目标", PROJECT_GOAL], spans=[(1, 5)])
    top = s.add(["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "分值"])
    start = len(s.rows)
    for r in rows:
        s.add(["", r.category, r.subcategory, r.name, r.target, r.weight])
    s.merge(top, 0, len(s.rows) - 1, 0)
    merge_down(s, rows, start, ((1, "category"), (2, "subcategory")))  # type: ignore[arg-type]
    return s


def department_targets(rows: list[TRow] = DEPT_TARGETS, year: int = 2024) -> Sheet:
    s = Sheet(widths=[2.0, 2.2, 3.4, 1.8, 1.0, 2.6])
    s.add([f"{year}年度部门整体支出绩效目标表"], spans=[(0, 5)])
    s.add([f"部门（单位）名称：{DEPT_UNIT}", "", "", "", "金额单位：万元"], spans=[(0, 3), (4, 5)])
    h = s.add(["年度预算", "资金总额", "财政拨款", "其他资金"], spans=[(3, 5)])
    s.add(["", "1366.77", "1300", "66.77"], spans=[(3, 5)])
    s.merge(h, 0, h + 1, 0)
    s.add(["年度总体目标"], spans=[(0, 5)])
    s.add([DEPT_GOAL], spans=[(0, 5)])
    s.add(["一级指标", "二级指标", "三级指标", "年度指标值", "分值", "指标解释"])
    start = len(s.rows)
    for r in rows:
        s.add([r.category, r.subcategory, r.name, r.target, r.weight, r.note])
    merge_down(s, rows, start, ((0, "category"), (1, "subcategory")))  # type: ignore[arg-type]
    total = sum(int(r.weight) for r in rows)
    s.add(["合计", "", "", "", str(total)], spans=[(0, 3)])
    return s


def write_xlsx(path: Path, sheet: Sheet, name: str = "绩效目标表", *, formulas: bool = False) -> Path:
    """The sheet as a workbook (openpyxl): numbers written as numbers, merges as merged ranges, columns as wide
    as the sheet's widths (so that LibreOffice prints each cell on its own).  With ``formulas`` a text such as
    ``=100%`` is written as Excel keeps it when typed (a formula); else as text."""
    import openpyxl
    from openpyxl.styles import Alignment, Border, Side
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = name
    ws.page_setup.orientation = "landscape"  # printed as the forms are: landscape, one page wide
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    for c, width in enumerate(sheet.widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width * 10
    thin = Side(style="thin")
    ruled = Border(left=thin, right=thin, top=thin, bottom=thin)
    body = next((i for i, row in enumerate(sheet.rows) if sum(1 for t in row if t) > 1), 0)  # below the title lines
    for r, row in enumerate(sheet.rows, start=1):
        for c, text in enumerate(row, start=1):
            if r > body:  # the table is ruled, as printed forms are
                ws.cell(row=r, column=c).border = ruled
            if not text:
                continue
            value: object = int(text) if text.isdigit() else Decimal(text) if text.replace(".", "", 1).isdigit() else text
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("=") and not formulas:
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    for top, left, bottom, right in sheet.spans:
        ws.merge_cells(f"{get_column_letter(left + 1)}{top + 1}:{get_column_letter(right + 1)}{bottom + 1}")
    wb.save(str(path))
    return path


MOF_GOAL_MID = "三年内实现城乡居民养老保险应保尽保。"


def mof_midterm(rows: list[TRow] = PROJECT_TARGETS, year: int = 2024) -> Sheet:
    """The MOF 2015 申报表's head: 中期 and 年度 side by side (资金 and 总体目标), 主管部门及代码, a 分值 column."""
    s = Sheet(widths=[1.4, 1.6, 2.0, 3.6, 1.6, 1.0])
    s.add(["项目支出绩效目标申报表"], spans=[(0, 5)])
    s.add([f"（{year}年度）"], spans=[(0, 5)])
    s.add(["项目名称", PROJECT_NAME], spans=[(1, 5)])
    s.add(["主管部门及代码", "某市人力资源和社会保障局", "", "实施单位", PROJECT_UNIT], spans=[(1, 2), (4, 5)])
    h = s.add(["项目资金（万元）", "中期资金总额：", "150", "年度资金总额：", "48"], spans=[(4, 5)])
    s.add(["", "其中：财政拨款", "140", "其中：财政拨款", "48"], spans=[(4, 5)])
    e = s.add(["", "其他资金", "10", "其他资金", "0"], spans=[(4, 5)])
    s.merge(h, 0, e, 0)
    g = s.add(["总体目标", "中期目标（2024年—2026年）", "", "年度目标"], spans=[(1, 2), (3, 5)])
    s.add(["", MOF_GOAL_MID, "", PROJECT_GOAL], spans=[(1, 2), (3, 5)])
    s.merge(g, 0, g + 1, 0)
    top = s.add(["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "分值"])
    start = len(s.rows)
    for r in rows:
        s.add(["", r.category, r.subcategory, r.name, r.target, r.weight])
    s.merge(top, 0, len(s.rows) - 1, 0)
    merge_down(s, rows, start, ((1, "category"), (2, "subcategory")))  # type: ignore[arg-type]
    return s
