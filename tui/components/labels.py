"""Chinese labels shared by the widgets (the glossary of docs/domain.md)."""

from __future__ import annotations

from typing import Any

KIND_ZH = {"department": "部门整体支出", "project": "项目支出"}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_MARK = {"error": "✖", "warning": "▲", "info": "·"}

INDICATOR_COLUMNS: list[tuple[str, str]] = [
    ("no", "序号"),
    ("category", "一级指标"),
    ("subcategory", "二级指标"),
    ("name", "三级指标"),
    ("target", "年度指标值"),
    ("actual", "实际完成值"),
    ("weight", "分值"),
    ("score", "得分"),
    ("claimed", "填报"),
    ("tier", "档次"),
    ("note", "偏差原因分析及改进措施"),
]
INDICATOR_LABELS = dict(INDICATOR_COLUMNS)
# full names for dialogs and messages (the table headers are shortened to fit)
INDICATOR_FIELD_NAMES = INDICATOR_LABELS | {"score": "复算得分", "claimed": "填报得分", "weight": "分值"}

FUNDS_ROW_LABELS = {
    "total": "年度资金总额",
    "appropriation": "其中：当年财政拨款",
    "carryover": "　　　上年结转资金",
    "other": "　　　其他资金",
}
FUNDS_COLUMNS: list[tuple[str, str]] = [
    ("row", "资金（万元）"),
    ("initial", "年初预算数"),
    ("annual", "全年预算数"),
    ("executed", "全年执行数"),
    ("weight", "分值"),
    ("rate", "执行率"),
    ("score", "得分"),
    ("claimed", "填报得分"),
]
FUNDS_LABELS = dict(FUNDS_COLUMNS)

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
            where += "·" + INDICATOR_FIELD_NAMES.get(loc[2], str(loc[2]))
        return where
    if head == "funds":
        if len(loc) == 1:
            return "资金"
        if len(loc) == 3:
            return f"资金·{FUNDS_ROW_LABELS.get(loc[1], loc[1]).strip('　')}·{FUNDS_LABELS.get(loc[2], loc[2])}"
        return FIELD_LABELS.get(loc[:2], "资金")
    if head == "categories":
        return f"一级指标分值“{loc[1]}”" if len(loc) > 1 else "一级指标分值"
    if loc[:2] in FIELD_LABELS:
        return FIELD_LABELS[loc[:2]]
    return FIELD_LABELS.get(loc[:1], ".".join(str(x) for x in loc))
