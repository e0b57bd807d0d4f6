"""Hypothesis strategies for whole format-1 forms (the export and round-trip tests).

The forms are what a unit could write: texts without leading or trailing
blanks (a spreadsheet reader trims them), some starting with ``= + - @``,
some with line breaks inside; money with at most two places and fewer than
13 digits in all (Excel keeps 15 significant digits); weights and scores
with at most two places.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from jixiao.indicators.schema import Form

_LETTERS = "指标值完成率人次万元天月日年≥≤=%.0123456789abcXYZ（）、，。：-+@#&<>\"'"
_CHARS = st.sampled_from(list(_LETTERS + " "))
_PLAIN_CHARS = st.sampled_from(list(_LETTERS))
_SAFE_WORDS = ["产出", "效益", "满意度", "数量", "质量", "时效", "成本", "经济", "社会", "服务对象", "参保人数", "发放率",
               "保障老有所养", "=1+1", "@SUM(A1)", "=HYPERLINK(\"x\")"]
_WORDS = st.sampled_from(_SAFE_WORDS + ["+86 123", "-5", "响\x07铃"])  # (a control character TOML allows)


@st.composite
def texts(draw: Any, min_size: int = 0, max_size: int = 30, breaks: bool = False, realistic: bool = False) -> str:
    """Texts; ``realistic``: no blanks inside, and not a number ("-5" as an indicator's name)."""
    if realistic:  # (a 三级 name that is a bare 一级 word, "效益", reads as a shifted row)
        piece = st.one_of(st.sampled_from(_SAFE_WORDS[3:]), st.text(_PLAIN_CHARS, min_size=1, max_size=8))
        parts = draw(st.lists(piece, min_size=0, max_size=4))
        if parts and re.match(r"^[\d.+\-]", parts[0]):
            parts[0] = "指标" + parts[0]
    else:
        parts = draw(st.lists(st.one_of(_WORDS, st.text(_CHARS, min_size=1, max_size=8)), min_size=0, max_size=4))
    sep = draw(st.sampled_from(["", "\n"] if breaks else [""]))
    text = sep.join(parts).strip()[:max_size].strip()
    if len(text) < min_size:
        text = (text + "指标名称")[: max(min_size, 4)]
    return text


amounts = st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2)
money = st.one_of(st.none(), amounts)
two_places = st.decimals(min_value=0, max_value=100, places=2)


def targets(realistic: bool = False) -> Any:
    return st.one_of(
        texts(realistic=realistic),
        st.builds(lambda op, n, u: f"{op}{n}{u}", st.sampled_from(["≥", "≤", "=", "", "大于等于"]),
                  st.decimals(min_value=0, max_value=100000, places=1), st.sampled_from(["", "%", "人", "万人", "天"])),
    )


@st.composite
def indicator(draw: Any, category: str, subcategory: str, realistic: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {
        "category": category,
        "subcategory": subcategory,
        "name": draw(texts(min_size=1, realistic=realistic)),
        "target": draw(targets(realistic)),
        "actual": draw(targets(realistic)),
        "weight": draw(two_places),
        "claimed": draw(st.one_of(st.none(), two_places)),
        "note": draw(texts(max_size=60, breaks=True, realistic=realistic)),
    }
    method = draw(st.sampled_from(["auto", "auto", "qualitative", "manual", "higher", "step_deduct"]))
    if method != "auto":
        row["method"] = method
    if method == "qualitative" or draw(st.booleans()):
        row["tier"] = draw(st.sampled_from(["达成", "部分达成", "未达成"]))
    if method == "step_deduct":
        row["params"] = {"reference": 0, "step": draw(st.sampled_from([Decimal("0.5"), Decimal(1)]))}
    return row


@st.composite
def form_data(draw: Any, realistic: bool = False) -> dict[str, Any]:
    """A form.  ``realistic``: as real forms are, which a reader of the visible sheet alone can tell
    apart: no text that reads as a number where a name belongs, no blank inside a text, no blank 二级
    under a named one in the same 一级 (it reads as carried down), a funds row filled in all three columns."""
    kind = draw(st.sampled_from(["department", "project"]))
    unit: dict[str, Any] = {"name": draw(texts(min_size=1, realistic=realistic))}
    if kind == "project":
        unit["project"] = draw(texts(min_size=1, realistic=realistic))
        unit["supervisor"] = draw(texts(realistic=realistic))
        unit["implementer"] = draw(st.one_of(st.just(""), texts(min_size=1, realistic=realistic)))
    if draw(st.booleans()):
        unit["code"] = draw(st.sampled_from(["101001", "A-7"]))
    rows: list[dict[str, Any]] = []
    cats = draw(st.lists(st.sampled_from(["产出指标", "效益指标", "满意度指标", "项目管理"]), min_size=0, max_size=3,
                         unique=True))
    for cat in cats:
        subs = draw(st.lists(st.sampled_from(["数量指标", "质量指标", "社会效益指标", ""]), min_size=1, max_size=2,
                             unique=True))
        if realistic:
            subs.sort(key=bool)  # a blank 二级 only first in its group
        for sub in subs:
            for _ in range(draw(st.integers(min_value=1, max_value=3))):
                rows.append(draw(indicator(cat, sub, realistic)))
    funds: dict[str, Any] = {"weight": draw(two_places)}
    if draw(st.booleans()):
        funds["unit"] = draw(st.sampled_from(["万元", "元"]))
    claimed = draw(st.one_of(st.none(), two_places))
    if claimed is not None:
        funds["claimed"] = claimed
    if draw(st.booleans()):
        funds["note"] = draw(texts(min_size=1, realistic=realistic))
    for key in ("total", "appropriation", "carryover", "other"):
        if draw(st.booleans()):
            values = {c: draw(amounts if realistic else money)
                      for c in ("initial", "annual", "executed")}
            if key != "total" and draw(st.integers(0, 5)) == 0:
                values["adjusted"] = draw(money)
            funds[key] = {k: v for k, v in values.items() if v is not None}
    data: dict[str, Any] = {
        "format": 1,
        "kind": kind,
        "year": draw(st.integers(min_value=2015, max_value=2035)),
        "unit": unit,
        "funds": funds,
        "goal": {"expected": draw(texts(max_size=80, breaks=True, realistic=realistic)),
                 "achieved": draw(texts(max_size=80, realistic=realistic))},
        "indicators": rows,
        "claimed": {"total": draw(st.one_of(st.none(), two_places)),
                    "grade": draw(st.sampled_from(["", "优", "良", "中", "差"]))},
        "signoff": {"filled_by": draw(texts(max_size=6, realistic=realistic)),
                    "phone": draw(st.sampled_from(["", "0731-12345678"])),
                    "head": draw(texts(max_size=6, realistic=realistic)),
                    "date": draw(st.sampled_from(["", "2024-03-15", "2024年3月"]))},
    }
    if kind == "project" or draw(st.integers(0, 4)) == 0:
        data["signoff"]["finance_head"] = draw(texts(max_size=6, realistic=realistic))
    if draw(st.booleans()):
        data["rules"] = draw(st.sampled_from(["central-2020", "sichuan", "no-grade"]))
    if cats and draw(st.booleans()):
        data["categories"] = {c: draw(two_places) for c in cats}
    return data


def forms(realistic: bool = False) -> Any:
    return form_data(realistic).map(Form.model_validate)
