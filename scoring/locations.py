"""Where a finding is, in words people read: 第9项 参保人满意度, 资金·年度资金总额·全年预算数.

A finding carries two locations: ``loc``, a key path in the form file such
as ``("indicators", 8, "claimed")``, and ``where``, the machine text that
JSON output keeps (``indicators[9] 参保人满意度``, ``funds.total``).
:func:`finding_place` is the one place that turns them into Chinese for
everything printed: the terminal, the PDF's findings page, the review
report and the review spreadsheet's 位置 column, and the TUI's findings
panel.  Only the standard library is used here.
"""

from __future__ import annotations

import os
from typing import Any

from jixiao.indicators.schema import FUNDS_ROW_HEADINGS

__all__ = ["FIELD_LABELS", "INDICATOR_FIELDS", "FUNDS_ROW_NAMES", "FUNDS_COLUMN_NAMES", "loc_label", "place", "finding_place"]

# the full names of an indicator's fields (the glossary of docs/domain.md)
INDICATOR_FIELDS = {
    "no": "序号",
    "category": "一级指标",
    "subcategory": "二级指标",
    "name": "三级指标",
    "target": "年度指标值",
    "actual": "实际完成值",
    "weight": "分值",
    "score": "复算得分",
    "claimed": "填报得分",
    "tier": "档次",
    "note": "偏差原因分析及改进措施",
    "method": "评分方法",
    "params": "评分参数",
}
FUNDS_ROW_NAMES = FUNDS_ROW_HEADINGS  # as on the printed table (其中：当年财政拨款)
FUNDS_COLUMN_NAMES = {
    "initial": "年初预算数",
    "annual": "全年预算数",
    "executed": "全年执行数",
    "adjusted": "调整后预算",
    "weight": "分值",
    "rate": "执行率",
    "score": "得分",
    "claimed": "填报得分",
}

FIELD_LABELS: dict[tuple[Any, ...], str] = {
    ("unit", "name"): "单位名称",
    ("unit", "project"): "项目名称",
    ("unit", "supervisor"): "主管部门",
    ("unit", "implementer"): "实施单位",
    ("year",): "年度",
    ("rules",): "规则集",
    ("claimed", "total"): "填报总分",
    ("claimed", "grade"): "填报等级",
    ("signoff", "filled_by"): "填表人",
    ("signoff", "phone"): "联系电话",
    ("signoff", "head"): "单位负责人",
    ("signoff", "finance_head"): "财务负责人",
    ("signoff", "date"): "填报日期",
    ("goal", "expected"): "预期目标",
    ("goal", "achieved"): "实际完成情况",
    ("funds", "note"): "执行率偏低原因说明",
    ("funds", "weight"): "资金执行率分值",
    ("funds", "claimed"): "资金执行率填报得分",
}


def loc_label(loc: tuple[Any, ...], name: str = "") -> str:
    """A Chinese name for a location such as ('indicators', 3, 'claimed')."""
    if not loc:
        return "表单"
    head = loc[0]
    if head == "indicators":
        if len(loc) == 1:
            return "指标"
        where = f"第{loc[1] + 1}项指标" + (f"“{name}”" if name else "")
        if len(loc) > 2:
            where += "·" + INDICATOR_FIELDS.get(loc[2], str(loc[2]))
        return where
    if head == "funds":
        if len(loc) == 1:
            return "资金"
        if len(loc) == 3:
            return f"资金·{FUNDS_ROW_NAMES.get(loc[1], loc[1])}·{FUNDS_COLUMN_NAMES.get(loc[2], loc[2])}"
        if len(loc) == 2 and loc[1] in FUNDS_ROW_NAMES:
            return f"资金·{FUNDS_ROW_NAMES[loc[1]]}"
        return FIELD_LABELS.get(loc[:2], "资金")
    if head == "categories":
        return f"一级指标分值“{loc[1]}”" if len(loc) > 1 else "一级指标分值"
    if loc[:2] in FIELD_LABELS:
        return FIELD_LABELS[loc[:2]]
    return FIELD_LABELS.get(loc[:1], ".".join(str(x) for x in loc))


def place(loc: tuple[Any, ...], names: dict[int, str]) -> str:
    """Short Chinese location from a key path: 第9项 参保人满意度, 资金, 填报总分..."""
    if loc[:1] == ("indicators",) and len(loc) > 1:
        return f"第{loc[1] + 1}项 {names.get(loc[1], '')}".rstrip()
    if loc[:1] == ("funds",) and len(loc) == 1:
        return "资金"
    return loc_label(loc)


def finding_place(finding: Any, names: dict[int, str] | None = None) -> str:
    """Where a finding is, for people; ``names`` maps 0-based indicator index to its name.

    Uses the finding's ``loc``, and its ``where`` for what the key path does
    not say (the category of a weights finding, the review file).
    """
    address = getattr(finding, "address", "")
    if address:  # an imported form: its cell first, then the place in words
        where = str(finding.where or "")
        rest = where[len(address) :].lstrip() if where.startswith(address) else where
        inner = _place(finding.code, tuple(finding.loc), rest, names or {})
        return f"{address} {inner}" if finding.loc or rest else address
    if finding.code == "import-problem":  # what an import could not read: where is its cell
        return str(finding.where or "") or "表单"
    return _place(finding.code, tuple(finding.loc), str(finding.where or ""), names or {})


def _place(code: str, loc: tuple[Any, ...], where: str, names: dict[int, str]) -> str:
    if where.startswith("categories."):
        return f"一级指标“{where[len('categories.'):]}”"
    if where == "weights":
        return "分值合计"
    if loc[:1] == ("adjustments",) and len(loc) > 1:
        file, _, rest = where.partition(" adjustments[")
        indicator = rest.partition("] ")[2]
        file = os.path.basename(file)  # the form's path is in its own column or heading
        label = f"复核文件 {file} 第{loc[1] + 1}条调整" if file else f"复核文件第{loc[1] + 1}条调整"
        return label + (f"“{indicator}”" if indicator else "")
    if code == "review-invalid" or where.endswith(".review.toml"):
        return f"复核文件 {os.path.basename(where)}" if where else "复核文件"
    if loc[:1] == ("indicators",) and len(loc) > 1 and loc[1] not in names:
        # the name as the engine wrote it: "indicators[9] 参保人满意度"
        name = where.partition("] ")[2] if where.startswith("indicators[") else ""
        return f"第{loc[1] + 1}项 {name}".rstrip()
    return place(loc, names)
