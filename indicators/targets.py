"""The approved 绩效目标表 as its own file: indicator definitions apart from actual values.

A definitions file is format-1 TOML with ``kind = "targets"`` and the form's
own key names, without what only the year's end knows (``actual``,
``claimed``, ``note``, ``tier``, ``applicable``, ``[claimed]``, ``[signoff]``,
funds ``executed``, goal ``achieved``)::

    format = 1
    kind = "targets"
    year = 2024
    [unit]
    name = "某某单位"
    project = "某某项目"
    [funds.total]
    initial = 100
    [goal]
    expected = "……"
    [[indicators]]
    category = "产出指标"
    subcategory = "数量指标"
    name = "培训人数"
    target = "≥500人"
    weight = 20

See ``docs/targets.md``.  :func:`form_text` starts a year-end form from it
(``jixiao new --from-targets``); ``scoring/targets.py`` compares a form with it.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from .loader import FormError, Problem, parse_toml_text, read_toml, validate_model
from .schema import _STRICT, FUNDS_ROW_NAMES, Dec, OptDec, Unit, Weight, Year, _shallow
from .values import Text, parse_value

__all__ = [
    "Targets",
    "TargetsFunds",
    "TargetsFundsRow",
    "TargetsNamedFundsRow",
    "TargetsGoal",
    "TargetIndicator",
    "YEAR_END_KEYS",
    "load_targets",
    "load_targets_text",
    "targets_digest",
    "form_kind",
    "norm_name",
    "match_key",
    "form_text",
]

VERSION = "jixiao-targets-v1"


class TargetsFundsRow(BaseModel):
    model_config = _STRICT
    initial: OptDec = None  # 年初预算数 (the approved amount)
    annual: OptDec = None  # 全年预算数, when known
    adjusted: OptDec = None  # 调整后预算


class TargetsNamedFundsRow(TargetsFundsRow):
    name: str


class TargetsFunds(BaseModel):
    model_config = _STRICT
    unit: Literal["万元", "元"] = "万元"
    weight: Weight = Decimal(10)
    total: TargetsFundsRow | None = None
    appropriation: TargetsFundsRow | None = None
    carryover: TargetsFundsRow | None = None
    other: TargetsFundsRow | None = None
    rows: list[TargetsNamedFundsRow] = Field(default_factory=list)


class TargetsGoal(BaseModel):
    model_config = _STRICT
    expected: str = ""  # 预期目标 (年度绩效目标)


class TargetIndicator(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    category: str
    subcategory: str = ""
    name: str
    target: str = ""
    weight: Weight
    standard: str = ""
    method: Literal[
        "auto", "higher", "lower", "equal", "qualitative", "manual", "step_deduct", "bands", "checklist", "criteria"
    ] = "auto"
    params: Annotated[dict[str, Any], AfterValidator(_shallow)] = Field(default_factory=dict)


class Targets(BaseModel):
    model_config = _STRICT
    format: Literal[1]
    kind: Literal["targets"]
    year: Year | None = None
    rules: str = "central-2020"
    unit: Unit
    categories: dict[str, Dec] = Field(default_factory=dict)
    funds: TargetsFunds = Field(default_factory=TargetsFunds)
    goal: TargetsGoal = Field(default_factory=TargetsGoal)
    indicators: list[TargetIndicator] = Field(default_factory=list)


_SECTIONS: dict[tuple[str, ...], type[BaseModel]] = {
    (): Targets,
    ("unit",): Unit,
    ("funds",): TargetsFunds,
    ("funds", "total"): TargetsFundsRow,
    ("funds", "appropriation"): TargetsFundsRow,
    ("funds", "carryover"): TargetsFundsRow,
    ("funds", "other"): TargetsFundsRow,
    ("funds", "rows"): TargetsNamedFundsRow,
    ("goal",): TargetsGoal,
    ("indicators",): TargetIndicator,
}

# what only the year's end knows: named as such when written in a definitions file
YEAR_END_KEYS = {
    "actual": "实际完成值",
    "claimed": "自评得分",
    "note": "偏差原因分析",
    "tier": "定性档次",
    "applicable": "是否适用",
    "signoff": "填表人、负责人等签署信息",
    "executed": "全年执行数",
    "achieved": "实际完成情况",
    "targets": "批复目标的来源",
}


def _year_end_message(problem: Problem) -> Problem:
    last = re.split(r"[.\[\]]", problem.key)[-1] if problem.key else ""
    if last in YEAR_END_KEYS and problem.message.startswith("未知的键"):
        message = (
            f"“{last}”（{YEAR_END_KEYS[last]}）是年末自评时才填写的内容，绩效目标表中不写。请删去这一项"
            "（年末用 jixiao new --from-targets 生成自评表后在自评表中填写）"
        )
        return Problem(problem.file, problem.key, problem.line, message)
    return problem


def _validate(data: dict[str, Any], text: str, source: str) -> Targets:
    if data.get("kind") in ("department", "project"):  # a whole form: one problem, not one per year-end key
        from .loader import key_lines

        message = (
            f"这是自评表（kind = \"{data['kind']}\"），不是绩效目标表。绩效目标表写 kind = \"targets\"，"
            "只含年初批复的指标值和分值（jixiao new --kind targets 生成模板）"
        )
        raise FormError([Problem(source, "kind", key_lines(text).get(("kind",)), message)])
    try:
        return validate_model(Targets, data, text, source, _SECTIONS)
    except FormError as exc:
        raise FormError([_year_end_message(p) for p in exc.problems]) from None


def load_targets_text(text: str, source: str = "<文本>") -> Targets:
    return _validate(parse_toml_text(text, source), text, source)


def load_targets(path: str | Path) -> Targets:
    """Load a definitions file, or raise :class:`FormError` naming every problem (file, key, line)."""
    data, text = read_toml(path)
    return _validate(data, text, str(path))


def targets_digest(targets: Targets) -> str:
    """SHA-256 of the definitions' canonical content (comments, key order and number spelling do not count)."""
    from .digest import canonical_value

    data = canonical_value(targets.model_dump(mode="python"))
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((VERSION + "\n" + text).encode("utf-8")).hexdigest()


def form_kind(targets: Targets) -> str:
    """The kind of the year-end form: a project's targets make a project form."""
    return "project" if targets.unit.project.strip() else "department"


def norm_name(text: str) -> str:
    """A name as matched: NFKC (full-width letters and digits as half-width), whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def match_key(unit: str, project: str, year: int | None) -> tuple[str, str, int]:
    """What a form and its definitions are matched by in a review: unit, project and year."""
    return norm_name(unit), norm_name(project), year or 0


# ------------------------------------------------------------------ the year-end form


def _s(text: str) -> str:
    from .importing.toml_writer import toml_string

    return toml_string(text)


def _n(value: Any) -> str:
    from .importing.toml_writer import toml_value

    if isinstance(value, Decimal) and value == value.to_integral_value() and value.as_tuple().exponent == 0:
        return str(int(value))  # 50, as written, not 50.0
    return toml_value(value)


def _c(line: str, comment: str) -> str:
    """A line with its comment in the template's column."""
    return f"{line.ljust(31)} # {comment}"


def form_text(targets: Targets, file: str, digest: str) -> str:
    """The year-end form started from ``targets``: definitions filled, actuals empty, commented in Chinese.

    ``file`` is how the form names the definitions (informational), ``digest``
    their :func:`targets_digest`.
    """
    kind = form_kind(targets)
    what = "项目支出" if kind == "project" else "部门整体支出"
    out = [
        f"# {targets.year or ''}年度{what}绩效自评表（格式 1），由 jixiao new --from-targets 依据批复的绩效目标表生成。".replace(
            "# 年度", "# "
        ),
        "# 年度指标值和分值照批复填写，不要改动（改动会在检查时列为错误）；",
        "# 年末填写：实际完成值（actual）、自评得分（claimed）、偏差原因（note）、定性指标的档次（tier）、",
        "# 全年预算数和全年执行数（[funds]）、实际完成情况（[goal] achieved）和 [signoff]。",
        f"# 检查：jixiao check 本文件 --targets {file}",
        "format = 1",
        f"kind = {_s(kind)}",
    ]
    if targets.year:
        out.append(f"year = {targets.year}")
    out.append(f"rules = {_s(targets.rules)}")
    out += ["", "[unit]"]
    for key in ("name", "code", "project", "supervisor", "implementer"):
        value = getattr(targets.unit, key)
        if value or key == "name":
            out.append(f"{key} = {_s(value)}")
    if targets.categories:
        out += ["", "[categories]"]
        out += [f"{_s(k)} = {_n(v)}" for k, v in targets.categories.items()]
    funds = targets.funds
    out += ["", "[funds]"]
    if funds.unit != "万元":
        out.append(f"unit = {_s(funds.unit)}")
    out += [_c(f"weight = {_n(funds.weight)}", "资金执行率分值（批复）"), _c("# claimed =", "自评得分（分值 × 执行率）"), _c('note = ""', "执行率偏低时写明原因")]
    labels = FUNDS_ROW_NAMES
    for row in ("total", "appropriation", "carryover", "other"):
        given = getattr(funds, row)
        if given is None:
            continue
        out += ["", _c(f"[funds.{row}]", labels[row])]
        out += _funds_lines(given)
    for named in funds.rows:
        out += ["", "[[funds.rows]]", f"name = {_s(named.name)}"]
        out += _funds_lines(named)
    out += ["", _c("[goal]", "年度总体目标"), _c(f"expected = {_s(targets.goal.expected)}", "预期目标（批复）"), _c('achieved = ""', "实际完成情况（年末填写）")]
    for ind in targets.indicators:
        out += ["", "[[indicators]]", f"category = {_s(ind.category)}"]
        if ind.subcategory:
            out.append(f"subcategory = {_s(ind.subcategory)}")
        out.append(f"name = {_s(ind.name)}")
        out.append(_c(f"target = {_s(ind.target)}", "年度指标值（批复）"))
        out.append(_c('actual = ""', "实际完成值（年末填写）"))
        out.append(_c(f"weight = {_n(ind.weight)}", "分值（批复）"))
        out.append(_c("# claimed =", "自评得分（年末填写，不超过分值）"))
        if ind.method == "qualitative" or (ind.method == "auto" and isinstance(parse_value(ind.target), Text)):
            out.append(_c('# tier = "达成"', "定性指标的档次：达成 / 部分达成 / 未达成"))
        if ind.standard:
            out.append(f"standard = {_s(ind.standard)}")
        if ind.method != "auto":
            out.append(f"method = {_s(ind.method)}")
        if ind.params:
            out.append(f"params = {_n(ind.params)}")
        out.append(_c('note = ""', "偏差原因分析及改进措施"))
    out += ["", _c("[claimed]", "表上填写的总分和等级（可省略）"), "# total =", '# grade = "优"']
    out += [
        "",
        "[signoff]",
        'filled_by = ""                  # 填表人',
        'phone = ""                      # 联系电话',
        'head = ""                       # ' + ("项目负责人" if kind == "project" else "单位负责人"),
    ]
    if kind == "project":
        out.append('finance_head = ""               # 财务负责人')
    out.append('date = ""                       # 填报日期')
    out += ["", _c("[targets]", "本表依据的绩效目标表（仅作记录，勿改）"), f"file = {_s(file)}", f"hash = {_s(digest)}"]
    return "\n".join(out) + "\n"


def _funds_lines(row: TargetsFundsRow) -> list[str]:
    out = []
    if row.initial is not None:
        out.append(_c(f"initial = {_n(row.initial)}", "年初预算数（批复）"))
    if row.annual is not None:
        out.append(_c(f"annual = {_n(row.annual)}", "全年预算数"))
    else:
        out.append(_c("# annual =", "全年预算数（年末填写）"))
    if row.adjusted is not None:
        out.append(f"adjusted = {_n(row.adjusted)}")
    out.append(_c("# executed =", "全年执行数（年末填写）"))
    return out
