"""One vocabulary for everything a user reads: numbers, labels and the words for "nothing".

The command line, the editor, the PDFs, the export and the review outputs all
format through here, so that one form shows the same figures everywhere (a
rate of 98.625% is 98.63% in every output: half up, never the float
formatter's half-even).  Only the standard library: importing it costs
nothing.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "CENT",
    "fmt",
    "plain",
    "percent",
    "year_label",
    "KIND_ZH",
    "KIND_SHORT_ZH",
    "SEVERITY_ZH",
    "NO_GRADE",
    "NOT_CLAIMED",
    "NONE_MARK",
]

CENT = Decimal("0.01")

KIND_ZH = {"department": "部门整体支出", "project": "项目支出"}  # in titles: 2021年度部门整体支出绩效自评表
KIND_SHORT_ZH = {"department": "部门整体", "project": "项目"}  # in table columns
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
NO_GRADE = "不评等级"  # the rule set gives no grades
NOT_CLAIMED = "未填"  # the form gives no claimed value (a grade, a score)
NONE_MARK = "—"  # an empty cell in a table: nothing to show


def fmt(value: Decimal | None) -> str:
    """A Decimal as plain text with two places, half up ("8.62"), or "" for None."""
    if value is None:
        return ""
    # str() of a Decimal with exponent -2 is its "f" format (never an exponent)
    return str(value.quantize(CENT, ROUND_HALF_UP))


def plain(d: Decimal) -> str:
    """A number as people write it: 50, 12.5, 0.96 (no exponent, no trailing zeros)."""
    text = format(d.normalize(), "f")
    return "0" if text == "-0" else text


def percent(rate: Decimal | None, empty: str = NONE_MARK) -> str:
    """A rate (a fraction) as a percentage with two places, half up: 0.98625 -> "98.63%"; None -> ``empty``."""
    if rate is None:
        return empty
    return f"{(rate * 100).quantize(CENT, ROUND_HALF_UP)}%"


def year_label(year: int | None) -> str:
    """"2023年度", or "" when the form prints no year (never "0年度")."""
    return f"{year}年度" if year else ""
