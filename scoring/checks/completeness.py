"""A form scored as complete when it is not: a blank 得分 where the form claims the others (claimed-missing),
an empty 年度总体目标 (goal-missing), the placeholders of ``jixiao new`` left in (template-text-left).

Runs once per form (``on_form``): a few attribute reads, one pass over the rows' claims and substring tests
over the unit's fields and the rows' names (joined once per form, ``_Scorer.row_names``); a qualitative target left as the template wrote it (请用文字写明预期效果) is found by ``qualitative.py``,
which reads that target anyway.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..vocabulary import fmt
from .base import EXAMPLE_HEAD, FUNDS_OK, Check, row

if TYPE_CHECKING:
    from ..engine import Result, _Scorer

# the placeholders of indicators/templates/*.toml (jixiao new)
PLACEHOLDERS = ("某某", "请填写", "请用文字写明")
PLACEHOLDER_RE = re.compile("|".join(PLACEHOLDERS))
_UNIT_FIELDS = (("name", "单位名称"), ("project", "项目名称"), ("supervisor", "主管部门"), ("implementer", "实施单位"))
_ROW_FIELDS = (("name", "三级指标名称"), ("actual", "实际完成值"), ("note", "偏差原因"))


def on_form(s: _Scorer, result: Result) -> None:
    form = s.form
    funds = result.funds
    # claimed-missing: the funds 得分 blank on a form that claims a total; a row's blank where others claim
    if result.claimed_total is not None and funds.claimed is None and funds.weight > 0:
        s.add("claimed-missing", "funds", ("funds", "claimed"), "funds", weight=fmt(funds.weight), score=fmt(funds.score))
    rows = result.indicators
    blank = claimed = False
    for r in rows:
        if r.claimed is None:
            blank = blank or r.applicable
        else:
            claimed = True
    if blank and claimed:
        for r in rows:
            if r.claimed is None and r.applicable:
                s.add("claimed-missing", r.where, ("indicators", r.index, "claimed"))
    goal = form.goal
    if not goal.expected.strip():
        s.add("goal-missing", "goal.expected", ("goal", "expected"), part="预期目标")
    if not goal.achieved.strip():
        s.add("goal-missing", "goal.achieved", ("goal", "achieved"), part="实际完成情况")
    unit = form.unit
    inds = form.indicators
    # the common path: one join and two substring tests (a placeholder's target is found on the row, by qualitative.py)
    names = s.row_names()
    if "某某" not in names and "请" not in names:
        for text in (unit.name, unit.project, unit.supervisor, unit.implementer):
            if "某某" in text or "请" in text:
                break
        else:
            return
    for key, label in _UNIT_FIELDS:
        _placeholder(s, getattr(unit, key), f"unit.{key}", ("unit", key), label)
    for i, ind in enumerate(inds):
        for key, label in _ROW_FIELDS:
            _placeholder(s, getattr(ind, key), f"indicators[{i + 1}] {ind.name}", ("indicators", i, key), label)


def _placeholder(s: _Scorer, text: str, where: str, loc: tuple[object, ...], label: str) -> None:
    if PLACEHOLDER_RE.search(text):
        s.add("template-text-left", where, loc, field=label, text=text.strip())


_GOAL = '[goal]\nexpected = "为 100 人提供服务"\nachieved = "服务 100 人"\n'

CHECK = Check(
    codes=("claimed-missing", "goal-missing", "template-text-left"),
    examples={
        "claimed-missing": (
            _GOAL + "[claimed]\ntotal = 90\n\n" + FUNDS_OK + row(extra="claimed = 90\n"),
            ("funds", "claimed"),
        ),
        "goal-missing": ('[goal]\nexpected = "为 100 人提供服务"\n' + FUNDS_OK + row(), ("goal", "achieved")),
        "template-text-left": (
            EXAMPLE_HEAD.replace('name = "某单位"', 'name = "某某单位"') + FUNDS_OK + _GOAL + row(),
            ("unit", "name"),
        ),
    },
    on_form=on_form,
)
