"""Workbooks in the layouts real 自评表 use, made in the tests (xlsxwriter or openpyxl).

Each layout writes one form (given as a small spec) at a row of a sheet
and returns the next free row, so that a sheet can hold two forms and a
workbook one form per sheet.  The layouts:

- :func:`mof_project`: the MOF project template (财预〔2020〕10号 附件):
  title, ``（2022年度）`` on the next row, 项目名称 / 主管部门 / 实施单位,
  ``项目资金（万元）`` with 年度资金总额 / 其中：当年财政拨款 / 上年结转资金 /
  其他资金, 年度总体目标, the indicator table with merged 一级 and 二级
  cells, 总分, 备注;
- :func:`split_target`: the Yunnan / Sichuan template with 指标性质 /
  指标值 / 度量单位 and money in 元 (``金额单位：元``), 未完成原因分析;
- :func:`department`: the department-wide layout of the seed
  (部门名称, ``资金情况 (万元)``, ``产出指标 (50分)``, 总分 with ``等级: 优``).

Money and scores are written as numbers, some as text (``"1,387.53"``),
and the 得分 of the funds row as a formula with its cached value
(xlsxwriter writes the value given).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Spec", "Ind", "XlsxSheet", "OpenpyxlSheet", "mof_project", "split_target", "department", "PROJECT", "SPLIT", "DEPT", "write_book", "write_book_openpyxl"]


@dataclass
class Ind:
    category: str
    subcategory: str
    name: str
    target: str
    actual: str
    weight: Any
    claimed: Any
    note: str = ""
    # split-target layout: 指标性质, 指标值, 度量单位
    split: tuple[str, str, str] | None = None


@dataclass
class Spec:
    kind: str
    year: int
    unit: str
    project: str = ""
    supervisor: str = ""
    implementer: str = ""
    funds: dict[str, tuple[Any, Any, Any]] = field(default_factory=dict)  # row -> (initial, annual, executed)
    funds_weight: Any = 10
    funds_claimed: Any = 10
    rate_text: str = "100%"
    expected: str = ""
    achieved: str = ""
    categories: dict[str, int] = field(default_factory=dict)
    indicators: list[Ind] = field(default_factory=list)
    total: Any = None
    grade: str = ""
    filled_by: str = ""
    phone: str = ""


# ------------------------------------------------------------------ sheets


class XlsxSheet:
    """Cells of an xlsxwriter worksheet (0-based rows and columns)."""

    def __init__(self, book: Any, ws: Any):
        self.book, self.ws = book, ws
        self._formats: dict[str, Any] = {}

    def fmt(self, num_format: str | None) -> Any:
        if not num_format:
            return None
        if num_format not in self._formats:
            self._formats[num_format] = self.book.add_format({"num_format": num_format})
        return self._formats[num_format]

    def put(self, r: int, c: int, value: Any, num_format: str | None = None) -> None:
        if value is None:
            return
        if isinstance(value, tuple) and value[0] == "=":  # ("=", formula, cached value)
            self.ws.write_formula(r, c, "=" + value[1], self.fmt(num_format), value[2])
        elif isinstance(value, str):
            self.ws.write_string(r, c, value)
        else:
            self.ws.write_number(r, c, float(value), self.fmt(num_format))

    def merge(self, r1: int, c1: int, r2: int, c2: int, value: Any, num_format: str | None = None) -> None:
        if (r1, c1) == (r2, c2):
            self.put(r1, c1, value, num_format)
            return
        if isinstance(value, str) or value is None:
            self.ws.merge_range(r1, c1, r2, c2, value or "", self.fmt(num_format))
        else:
            self.ws.merge_range(r1, c1, r2, c2, "", self.fmt(num_format))
            self.put(r1, c1, value, num_format)


class OpenpyxlSheet:
    """Cells of an openpyxl worksheet; a formula has no cached value (openpyxl never computes)."""

    def __init__(self, ws: Any):
        self.ws = ws

    def put(self, r: int, c: int, value: Any, num_format: str | None = None) -> None:
        if value is None:
            return
        cell = self.ws.cell(row=r + 1, column=c + 1)
        if isinstance(value, tuple) and value[0] == "=":
            cell.value = "=" + value[1]
        else:
            cell.value = value if isinstance(value, str) else float(value)
        if num_format:
            cell.number_format = num_format

    def merge(self, r1: int, c1: int, r2: int, c2: int, value: Any, num_format: str | None = None) -> None:
        self.put(r1, c1, value, num_format)
        if (r1, c1) != (r2, c2):
            self.ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)


def _cell(col: int, row: int) -> str:
    return f"{chr(65 + col)}{row + 1}"


# ------------------------------------------------------------------ indicator blocks


def _indicator_rows(sheet: Any, spec: Spec, r: int, first_col: int, split: bool) -> int:
    """The indicator rows from row r, with merged 一级 and 二级 cells; returns the next row."""
    inds = spec.indicators
    i = 0
    while i < len(inds):
        cat = inds[i].category
        j = i
        while j < len(inds) and inds[j].category == cat:
            j += 1
        weight = spec.categories.get(cat)
        label = f"{cat}（{weight}分）" if weight is not None else cat
        sheet.merge(r + i, first_col, r + j - 1, first_col, label)
        k = i
        while k < j:
            sub = inds[k].subcategory
            m = k
            while m < j and inds[m].subcategory == sub:
                m += 1
            sheet.merge(r + k, first_col + 1, r + m - 1, first_col + 1, sub)
            k = m
        i = j
    for n, ind in enumerate(inds):
        row = r + n
        c = first_col + 2
        sheet.put(row, c, ind.name)
        if split:
            assert ind.split is not None
            nature, value, unit = ind.split
            sheet.put(row, c + 1, nature)
            sheet.put(row, c + 2, value)
            sheet.put(row, c + 3, unit)
            c += 3
        else:
            sheet.put(row, c + 1, ind.target)
            c += 1
        sheet.put(row, c + 1, ind.actual)
        sheet.put(row, c + 2, ind.weight)
        sheet.put(row, c + 3, ind.claimed)
        sheet.put(row, c + 4, ind.note or None)
    return r + len(inds)


def _funds_rows(sheet: Any, spec: Spec, r: int, label_col: int, first: int, money_format: str | None) -> int:
    labels = {"total": "年度资金总额", "appropriation": "其中：当年财政拨款", "carryover": "上年结转资金", "other": "其他资金"}
    for n, (key, label) in enumerate(labels.items()):
        sheet.merge(r + n, label_col, r + n, first - 1, label)
        initial, annual, executed = spec.funds.get(key, (None, None, None))
        sheet.put(r + n, first, initial, money_format)
        sheet.put(r + n, first + 1, annual, money_format)
        sheet.put(r + n, first + 2, executed, money_format)
        if key == "total":
            sheet.put(r + n, first + 3, spec.funds_weight)
            sheet.put(r + n, first + 4, spec.rate_text)
            sheet.put(r + n, first + 5, spec.funds_claimed, "0.00")
    return r + 4


# ------------------------------------------------------------------ layouts


def mof_project(sheet: Any, spec: Spec, r: int = 0) -> int:
    """The MOF project template; columns A-I, returns the next free row."""
    sheet.merge(r, 0, r, 8, "项目支出绩效自评表")
    sheet.merge(r + 1, 0, r + 1, 8, f"（{spec.year}年度）")
    r += 2
    sheet.put(r, 0, "项目名称")
    sheet.merge(r, 1, r, 8, spec.project)
    sheet.put(r + 1, 0, "主管部门")
    sheet.merge(r + 1, 1, r + 1, 3, spec.supervisor)
    sheet.merge(r + 1, 4, r + 1, 5, "实施单位")
    sheet.merge(r + 1, 6, r + 1, 8, spec.implementer)
    r += 2
    sheet.merge(r, 0, r + 4, 0, "项目资金（万元）")
    sheet.merge(r, 1, r, 2, "")
    for k, head in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]):
        sheet.put(r, 3 + k, head)
    r = _funds_rows(sheet, spec, r + 1, 1, 3, "0.00")
    sheet.merge(r, 0, r + 1, 0, "年度总体目标")
    sheet.merge(r, 1, r, 4, "预期目标")
    sheet.merge(r, 5, r, 8, "实际完成情况")
    sheet.merge(r + 1, 1, r + 1, 4, spec.expected)
    sheet.merge(r + 1, 5, r + 1, 8, spec.achieved)
    r += 2
    heads = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    n = len(spec.indicators)
    sheet.merge(r, 0, r + n, 0, "绩效指标")
    for k, head in enumerate(heads):
        sheet.put(r, 1 + k, head)
    r = _indicator_rows(sheet, spec, r + 1, 1, split=False)
    sheet.merge(r, 0, r, 5, "总分")
    sheet.put(r, 6, 100)
    sheet.put(r, 7, spec.total, "0.00")
    if spec.grade:
        sheet.put(r, 8, f"等级：{spec.grade}")
    r += 1
    sheet.merge(r, 0, r, 8, f"填表人：{spec.filled_by}    联系电话：{spec.phone}    填报日期：2023年3月1日")
    sheet.merge(r + 1, 0, r + 1, 8, "备注：1. 执行率=全年执行数/全年预算数；2. 总分 100 分。")
    return r + 3  # a blank row after


def split_target(sheet: Any, spec: Spec, r: int = 0) -> int:
    """The split-target template (指标性质 / 指标值 / 度量单位), money in 元; columns A-J."""
    sheet.merge(r, 0, r, 9, f"{spec.year}年度项目支出绩效自评表")
    sheet.merge(r + 1, 0, r + 1, 9, "金额单位：元")
    r += 2
    sheet.put(r, 0, "项目名称")
    sheet.merge(r, 1, r, 9, spec.project)
    sheet.put(r + 1, 0, "主管部门")
    sheet.merge(r + 1, 1, r + 1, 4, spec.supervisor)
    sheet.merge(r + 1, 5, r + 1, 6, "实施单位")
    sheet.merge(r + 1, 7, r + 1, 9, spec.implementer)
    r += 2
    sheet.merge(r, 0, r + 4, 0, "项目资金")
    sheet.merge(r, 1, r, 3, "")
    for k, head in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]):
        sheet.put(r, 4 + k, head)
    r = _funds_rows(sheet, spec, r + 1, 1, 4, "#,##0.00")
    sheet.merge(r, 0, r + 1, 0, "年度总体目标")
    sheet.merge(r, 1, r, 5, "预期目标")
    sheet.merge(r, 6, r, 9, "实际完成情况")
    sheet.merge(r + 1, 1, r + 1, 5, spec.expected)
    sheet.merge(r + 1, 6, r + 1, 9, spec.achieved)
    r += 2
    heads = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "实际完成值", "分值", "得分", "未完成原因分析"]
    for k, head in enumerate(heads):
        sheet.put(r, k, head)
    r = _indicator_rows(sheet, spec, r + 1, 0, split=True)
    sheet.merge(r, 0, r, 6, "合计")
    sheet.put(r, 7, 100)
    sheet.put(r, 8, spec.total, "0.00")
    r += 1
    sheet.merge(r, 0, r, 9, "备注：指标性质填写 ≥、≤、＝ 或 定性。")
    return r + 2


def department(sheet: Any, spec: Spec, r: int = 0) -> int:
    """The department-wide layout of the seed; columns A-I."""
    sheet.merge(r, 0, r, 8, f"{spec.year} 年度部门整体支出绩效自评表")
    r += 1
    sheet.put(r, 0, "部门名称")
    sheet.merge(r, 1, r, 8, spec.unit)
    r += 1
    sheet.merge(r, 0, r + 4, 0, "资金情况 (万元)")
    for k, head in enumerate(["年度资金总额", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分(分值×执行率)"]):
        sheet.put(r, 1 + k, head)
    labels = {"total": "合计", "appropriation": "其中：当年财政拨款", "carryover": "上年结转资金", "other": "其他资金"}
    for n, (key, label) in enumerate(labels.items()):
        row = r + 1 + n
        sheet.put(row, 1, label)
        initial, annual, executed = spec.funds.get(key, (None, None, None))
        sheet.put(row, 2, initial)
        sheet.put(row, 3, annual)
        sheet.put(row, 4, executed)
        if key == "total":
            sheet.put(row, 5, spec.funds_weight)
            sheet.put(row, 6, ("=", f"{_cell(4, row)}/{_cell(3, row)}", 1.0), "0%")
            sheet.put(row, 7, ("=", f"{_cell(5, row)}*{_cell(6, row)}", float(spec.funds_claimed)), "0.00")
    r += 5
    sheet.merge(r, 0, r + 1, 0, "年度总体目标")
    sheet.merge(r, 1, r, 4, "预期目标")
    sheet.merge(r, 5, r, 8, "实际完成情况")
    sheet.merge(r + 1, 1, r + 1, 4, spec.expected)
    sheet.merge(r + 1, 5, r + 1, 8, spec.achieved)
    r += 2
    heads = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    n = len(spec.indicators)
    sheet.merge(r, 0, r + n + 1, 0, "绩效指标")
    for k, head in enumerate(heads):
        sheet.put(r, 1 + k, head)
    r = _indicator_rows(sheet, spec, r + 1, 1, split=False)
    sheet.merge(r, 1, r, 5, "总分")
    sheet.put(r, 6, 100)
    sheet.put(r, 7, spec.total, "0.00")
    sheet.put(r, 8, f"等级: {spec.grade}" if spec.grade else None)
    r += 2  # a blank row
    sheet.merge(r, 0, r, 8, "备注： 1. “执行率” = “全年执行数” / “全年预算数”；")
    return r + 2


# ------------------------------------------------------------------ the forms

# A project: 120 万元 budget, 108 executed -> rate 90%, funds 10 x 0.9 = 9.00.
# Indicators: 30 + 20 + 20 + 10 + 10 = 90, all achieved -> 90; total 9 + 90 = 99.00.
PROJECT = Spec(
    kind="project",
    year=2022,
    unit="某县教育局",
    project="农村学校营养改善计划",
    supervisor="某县教育局",
    implementer="某县第一中学",
    funds={"total": (100, 120, 108), "appropriation": (100, 120, 108)},
    funds_weight=10,
    funds_claimed=9,
    rate_text="90%",
    expected="为全县农村学生提供营养餐补助。",
    achieved="全年完成补助发放。",
    categories={"产出指标": 50, "效益指标": 30, "满意度指标": 10},
    indicators=[
        Ind("产出指标", "数量指标", "受益学生人数", "≥735人次", "802人次", 30, 30, split=("≥", "735", "人次")),
        Ind("产出指标", "质量指标", "补助标准执行率", "=100%", "100%", 20, 20, split=("＝", "100", "%")),
        Ind("效益指标", "社会效益指标", "学生营养状况", "明显改善", "明显改善", 20, 20, split=("定性", "明显改善", "")),
        Ind("效益指标", "可持续影响指标", "长效机制", "建立", "已建立", 10, 10, split=("定性", "建立", "")),
        Ind("满意度指标", "服务对象满意度指标", "家长满意度", "≥90%", "95%", 10, 10, split=("≥", "90", "%")),
    ],
    total="99.00",
    grade="优",
    filled_by="张三",
    phone="0731-1234567",
)

# The split-target template with money in 元: 1,200,000 元 budget, 1,080,000 executed -> 90%, 9.00.
SPLIT = Spec(**{**PROJECT.__dict__, "funds": {"total": (1000000, 1200000, 1080000), "appropriation": (1000000, 1200000, "1,080,000.00")}})

# The seed's department-wide form: funds 10, indicators 90 with 参保人满意度 claimed 9.5 of 10 -> claimed 99.50.
DEPT = Spec(
    kind="department",
    year=2021,
    unit="株洲市社会保险服务中心",
    funds={"total": (1366.77, 1387.53, 1387.53), "appropriation": (1366.77, 1387.53, 1387.53)},
    funds_weight=10,
    funds_claimed=10,
    expected="为养老保险提供服务保障。",
    achieved="全部完成",
    categories={"产出指标": 50, "效益指标": 30, "满意度指标": 10},
    indicators=[
        Ind("产出指标", "数量指标", "全市企业养老保险离退休人数", "31.88万人", "32.66万人", 12.5, 12.5),
        Ind("产出指标", "数量指标", "全市机关养老保险离退休人数", "4.55万人", "4.63万人", 12.5, 12.5),
        Ind("产出指标", "质量指标", "全市企业养老保险离退休人员养老金发放率", "100%", "100%", 12.5, 12.5),
        Ind("产出指标", "质量指标", "全市机关养老保险离退休人员养老金发放率", "100%", "100%", 12.5, 12.5),
        Ind("效益指标", "经济效益指标", "企业职工养老待遇发放", "确保养老金发放到位", "已发放到位", 7.5, 7.5),
        Ind("效益指标", "经济效益指标", "机关事业单位离退休人员养老待遇发放", "确保养老金发放到位", "已发放到位", 7.5, 7.5),
        Ind("效益指标", "社会效益指标", "企业职工退休金", "保障老有所养", "保障老有所养", 7.5, 7.5),
        Ind("效益指标", "社会效益指标", "机关事业单位离退休人员退休金", "保障老有所养", "保障老有所养", 7.5, 7.5),
        Ind("满意度指标", "服务对象满意度指标", "参保人满意度", "大于等于95%", "大于95%", 10, 9.5),
    ],
    total=99.5,
    grade="优",
)


def write_book(path: str | Path, sheets: list[tuple[str, list[tuple[Any, Spec]]]]) -> Path:
    """An xlsx with the given sheets, each holding forms (layout, spec) one below the other."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    for name, forms in sheets:
        sheet = XlsxSheet(book, book.add_worksheet(name))
        r = 0
        for layout, spec in forms:
            r = layout(sheet, spec, r)
    book.close()
    return Path(path)


def write_book_openpyxl(path: str | Path, sheets: list[tuple[str, list[tuple[Any, Spec]]]]) -> Path:
    """The same with openpyxl: formulas carry no cached value."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, forms in sheets:
        sheet = OpenpyxlSheet(wb.create_sheet(name))
        r = 0
        for layout, spec in forms:
            r = layout(sheet, spec, r)
    wb.save(str(path))
    return Path(path)
