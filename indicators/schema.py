"""The form file, format 1 (see ``docs/form-format.md``): pydantic models.

Key names are a contract: add keys where needed, rename none.  Every model
forbids unknown keys, because a misspelt key is the commonest mistake.
Money and scores are :class:`decimal.Decimal`: TOML numbers are read with
``parse_float=Decimal``; strings such as ``"1,387.53"`` are accepted too.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator
from pydantic_core import PydanticKnownError

__all__ = [
    "Dec",
    "OptDec",
    "FundsRow",
    "NamedFundsRow",
    "FundsLine",
    "amounts_with_unit",
    "Funds",
    "Unit",
    "Goal",
    "Indicator",
    "Claimed",
    "Signoff",
    "TargetChange",
    "TargetsRef",
    "Form",
    "FUNDS_ROWS",
    "FUNDS_COLUMNS",
    "FUNDS_ROW_NAMES",
    "FUNDS_ROW_HEADINGS",
    "YEAR_MIN",
    "YEAR_MAX",
    "MONEY_UNITS",
    "DEFAULT_MONEY_UNIT",
]


_LIMIT_DIGITS = 12
_INT_LIMIT = 10**_LIMIT_DIGITS


def _checked(value: Decimal) -> Decimal:
    # by the exponent, not abs(value) >= 10**12: abs() rounds in the context and
    # overflows on 1e999999999 (decimal.Overflow); a finite non-zero value lies in
    # [10**adjusted, 10**(adjusted+1)), so adjusted() >= 12 means |value| >= 10**12
    if not value.is_finite():
        raise ValueError("not a number")
    if value and value.adjusted() >= _LIMIT_DIGITS:
        raise ValueError("too large")
    if value and value.adjusted() < -_LIMIT_DIGITS:  # 1e-999999999: arithmetic on it overflows
        raise ValueError("too small")
    return value


# a cell that does not apply, as forms write it: “/” (and its full-width spelling)
_SLASHES = frozenset(("/", "／", "//"))


def _to_decimal(value: Any) -> Any:
    """Accept int, Decimal and numeric strings; blank strings are None."""
    # The common cases first, as cheaply as Python allows (this runs for every number
    # of every form).  adjusted() < 12 means |value| < 10**12 (a finite non-zero value
    # lies in [10**adjusted, 10**(adjusted+1))); values it turns away are checked below.
    if type(value) is Decimal and value.is_finite() and -_LIMIT_DIGITS <= value.adjusted() < _LIMIT_DIGITS:
        return value  # a TOML number read with parse_float=Decimal
    if type(value) is int and -_INT_LIMIT < value < _INT_LIMIT:
        return Decimal(value)  # a TOML integer: what _checked(Decimal(value)) returns
    if value is None:
        return value
    if type(value) is Decimal:
        return _checked(value)
    if isinstance(value, bool):
        raise ValueError("bool")
    if isinstance(value, int):
        return _checked(Decimal(value))
    if isinstance(value, float):  # only when a caller bypassed parse_float
        return _checked(Decimal(str(value)))
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        if text == "" or text in _SLASHES:  # a “/” in an amount or a 得分 cell: nothing written there
            return None
        try:
            return _checked(Decimal(text))
        except InvalidOperation:
            raise ValueError("not a number") from None
    raise ValueError("not a number")


def _to_weight(value: Any) -> Any:
    """``_to_decimal`` and then ``ge=0``, in one call.

    The same checks, in the same order, with the same errors as
    ``Annotated[Decimal, BeforeValidator(_to_decimal), Field(ge=0)]``, which
    runs a second Python validator per weight (the input shown in the error is
    the value as written in both).
    """
    if (
        type(value) is Decimal
        and value.is_finite()
        and -_LIMIT_DIGITS <= value.adjusted() < _LIMIT_DIGITS
        and not value.is_signed()
    ):
        return value  # the common case (as in _to_decimal; not signed means ≥ 0)
    number = _to_decimal(value)
    if number is not None and not number >= 0:
        raise PydanticKnownError("greater_than_equal", {"ge": 0})
    return number


YEAR_MIN, YEAR_MAX = 1949, 2100  # a form's year: the budget system's years, with room ahead


def _year(value: int) -> int:
    if value != 0 and not YEAR_MIN <= value <= YEAR_MAX:  # 0: not given, as an import writes it (missing-year)
        raise ValueError("year out of range")
    return value


Year = Annotated[int, AfterValidator(_year)]
MAX_DEPTH = 20  # params of a scoring method are a few levels deep; hundreds break whatever walks them


def _shallow(value: dict[str, Any]) -> dict[str, Any]:
    """``params`` nested at most MAX_DEPTH levels (walked without recursion)."""
    todo: list[tuple[Any, int]] = [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if depth > MAX_DEPTH:
            raise ValueError("nested too deep")
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        todo.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return value
Dec = Annotated[Decimal, BeforeValidator(_to_decimal)]
OptDec = Annotated[Decimal | None, BeforeValidator(_to_decimal)]
Weight = Annotated[Decimal, BeforeValidator(_to_weight), Field(json_schema_extra={"ge": 0})]

# how an indicator row is scored (the form's rows and a definitions file's rows alike)
Method = Literal[
    "auto", "higher", "lower", "equal", "qualitative", "manual", "step_deduct", "bands", "checklist", "criteria"
]

_STRICT = ConfigDict(extra="forbid")

FUNDS_ROWS = ("total", "appropriation", "carryover", "other")
FUNDS_COLUMNS = ("initial", "annual", "executed")
#: the funds rows' names, as the 2020 form (财预〔2020〕10号 附件) names them; the one definition
FUNDS_ROW_NAMES = {"total": "年度资金总额", "appropriation": "当年财政拨款", "carryover": "上年结转资金", "other": "其他资金"}
#: the same names heading the rows of the printed table, where the three sources are part of the total
FUNDS_ROW_HEADINGS = {k: "其中：" + v if k == "appropriation" else v for k, v in FUNDS_ROW_NAMES.items()}


class FundsRow(BaseModel):
    model_config = _STRICT
    initial: OptDec = None
    annual: OptDec = None
    executed: OptDec = None
    adjusted: OptDec = None  # 调整后预算, used by rule sets whose denominator is "adjusted"


MONEY_UNITS = ("万元", "元")
DEFAULT_MONEY_UNIT = "万元"


class NamedFundsRow(FundsRow):
    """A named source of funds beside the four fixed rows (四川：财政专户管理资金、单位资金 …)."""

    name: str


def amounts_with_unit(funds: Funds) -> tuple[str, ...]:
    """The amounts of a 万元 block written with their unit ("10万"), as "total.annual": read from the model's
    ``__pydantic_private__`` dict (pydantic's documented store of private attributes), since ``funds._with_unit``
    goes through ``BaseModel.__getattr__`` and costs about 2 µs, on every form."""
    private = funds.__pydantic_private__
    return private.get("_with_unit", ()) if private else ()


def _has_text_amount(data: dict[str, Any]) -> bool:
    """Whether an amount of the funds block is written as text (the common form has numbers only: no copy then)."""
    if data.get("rows") or data.get("lines"):
        return True
    for key in FUNDS_ROWS:
        row = data.get(key)
        if type(row) is dict:
            for value in row.values():
                if type(value) is str:
                    return True
    return False


def _strip_wan(row: dict[str, Any], key: str, written: list[str]) -> dict[str, Any]:
    """A funds row with "10万" / "10万元" read as 10 (the block is in 万元); the columns so written go to ``written``."""
    out = row
    for col, value in row.items():
        if type(value) is str:
            text = value.strip()
            for suffix in ("万元", "万"):
                if text.endswith(suffix) and text[: -len(suffix)].strip():
                    if out is row:
                        out = dict(row)
                    out[col] = text[: -len(suffix)].strip()
                    written.append(f"{key}.{col}")
                    break
    return out


class FundsLine(FundsRow):
    """A line of the money block with its own points (基本支出 10 分、项目支出 10 分): its 分值, 得分 and amounts.

    When a form has lines, the funds score is the sum of theirs (each 分值 × its own execution rate, capped by the
    rule set) and the funds weight the sum of their weights.
    """

    name: str
    weight: Weight
    claimed: OptDec = None


class Funds(BaseModel):
    model_config = _STRICT
    unit: Literal["万元", "元"] = "万元"  # 金额单位 of every amount in [funds]; never converted
    weight: Weight = Decimal(10)
    claimed: OptDec = None
    note: str = ""
    total: FundsRow | None = None
    appropriation: FundsRow | None = None
    carryover: FundsRow | None = None
    other: FundsRow | None = None
    rows: list[NamedFundsRow] = Field(default_factory=list)  # named extra rows, summed with the fixed ones
    lines: list[FundsLine] = Field(default_factory=list)  # lines with their own points (基本支出, 项目支出)
    # amounts written with their unit in a 万元 block ("10万", "10万元"): read as the number, each named here
    # ("total.annual", "rows[0].executed") for the engine's info finding amount-with-unit
    _with_unit: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _amounts_with_unit(cls, data: Any, handler: Any) -> Any:
        written: list[str] = []
        if type(data) is dict and _has_text_amount(data) and data.get("unit", DEFAULT_MONEY_UNIT) == "万元":
            data = dict(data)
            for key in FUNDS_ROWS:
                row = data.get(key)
                if type(row) is dict:
                    data[key] = _strip_wan(row, key, written)
            for many in ("rows", "lines"):
                rows = data.get(many)
                if type(rows) is list:
                    data[many] = [_strip_wan(r, f"{many}[{i}]", written) if type(r) is dict else r for i, r in enumerate(rows)]
        funds = handler(data)
        if written:
            funds._with_unit = tuple(written)
        return funds


class Unit(BaseModel):
    model_config = _STRICT
    name: str
    code: str = ""
    project: str = ""
    supervisor: str = ""  # 主管部门
    implementer: str = ""  # 实施单位


class Goal(BaseModel):
    model_config = _STRICT
    expected: str = ""
    achieved: str = ""


class Indicator(BaseModel):
    # target/actual written as bare TOML numbers (target = 100) are read as text
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    category: str
    subcategory: str = ""
    name: str
    target: str = ""
    actual: str = ""
    weight: Weight
    claimed: OptDec = None
    note: str = ""
    tier: str = ""
    standard: str = ""  # 评价标准 (criteria rows of 项目决策 / 项目管理 and 评分细则)
    applicable: bool = True  # false: 不适用 (how it counts is the rule set's not_applicable)
    method: Method = "auto"
    params: Annotated[dict[str, Any], AfterValidator(_shallow)] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _slash_weight(cls, data: Any) -> Any:
        """分值 “/”: the row does not apply (0 points, ``applicable = false``), as a form means it."""
        if type(data) is dict and type(data.get("weight")) is str and data["weight"].strip() in _SLASHES:
            data = {**data, "weight": Decimal(0), "applicable": False}
        return data


class Claimed(BaseModel):
    model_config = _STRICT
    total: OptDec = None
    grade: str = ""


class Signoff(BaseModel):
    model_config = _STRICT
    filled_by: str = ""  # 填表人
    phone: str = ""  # 联系电话
    head: str = ""  # 单位负责人 / 项目负责人
    finance_head: str = ""  # 财务负责人 (projects)
    date: Annotated[str, BeforeValidator(lambda v: v.isoformat() if isinstance(v, _dt.date) else v)] = ""


class TargetChange(BaseModel):
    """A change to an approved target or weight, confirmed in ``jixiao edit`` (see docs/targets.md)."""

    model_config = _STRICT
    indicator: str  # the 三级指标 name
    key: Literal["target", "weight"]
    approved: str  # the value in the approved 绩效目标表
    value: str  # what the form says instead
    date: Annotated[str, BeforeValidator(lambda v: v.isoformat() if isinstance(v, _dt.date) else v)] = ""


class TargetsRef(BaseModel):
    """``[targets]``: the approved 绩效目标表 this form was started from (``jixiao new --from-targets``).

    Informational: a review never opens ``file`` (the definitions come from the
    reviewer's own folder); ``hash`` is the definitions' content hash.
    """

    model_config = _STRICT
    file: str = ""
    hash: str = ""
    changes: list[TargetChange] = Field(default_factory=list)


class Form(BaseModel):
    model_config = _STRICT
    format: Literal[1]
    kind: Literal["department", "project"]
    year: Year | None = None  # may be left out when the form does not print it (an info finding); else 1949..2100
    rules: str = "central-2020"
    unit: Unit
    categories: dict[str, Dec] = Field(default_factory=dict)
    funds: Funds = Field(default_factory=Funds)
    goal: Goal = Field(default_factory=Goal)
    indicators: list[Indicator] = Field(default_factory=list)
    claimed: Claimed = Field(default_factory=Claimed)
    signoff: Signoff = Field(default_factory=Signoff)
    targets: TargetsRef | None = None  # the approved definitions it came from (optional)
