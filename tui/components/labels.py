"""Chinese labels shared by the widgets (the glossary of docs/domain.md)."""

from __future__ import annotations

from jixiao.indicators.schema import FUNDS_ROW_HEADINGS
from jixiao.scoring import locations as _locations
from jixiao.scoring.vocabulary import KIND_ZH, NO_GRADE, SEVERITY_ZH  # noqa: F401  (re-exported for the widgets)

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

# the sources under 其中：, aligned with it
FUNDS_ROW_LABELS = {k: v if k in ("total", "appropriation") else "　　　" + v for k, v in FUNDS_ROW_HEADINGS.items()}
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

# the location names are shared with the printed outputs (scoring/locations.py)
FIELD_LABELS = _locations.FIELD_LABELS
loc_label = _locations.loc_label
