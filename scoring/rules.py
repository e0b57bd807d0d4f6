"""Rule sets: every provincial difference is a setting here, never a branch.

A rule set is a TOML file.  Bundled ones live in ``scoring/rulesets/`` and
are named by id (``central-2020``); a user's file is named by path and may
``extends = "central-2020"`` to override single settings.  Each loaded rule
set carries the SHA-256 of its merged content, so a result says exactly
which rules produced it.
"""

from __future__ import annotations

import hashlib
import json
import os
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from jixiao.indicators.digest import canonical_value
from jixiao.indicators.loader import FormError, Problem, key_lines, parse_toml_text, read_toml, validate_model
from jixiao.indicators.schema import Dec
from jixiao.indicators.values import FORMAT_CHARS, match_text
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

__all__ = [
    "RuleSet", "load_rules", "form_rules", "bundled_ids", "DEFAULT_RULES", "rule_text", "DEFAULT_SOURCES",
    "setting_keys", "setting_text",
]

DEFAULT_RULES = "central-2020"
_STRICT = ConfigDict(extra="forbid")


class RateCap(BaseModel):
    """Execution rate below ``below`` (a fraction) → the total is at most ``max``."""

    model_config = _STRICT
    below: Dec
    max: Dec


class FundsRules(BaseModel):
    model_config = _STRICT
    denominator: Literal["annual", "adjusted", "initial"] = "annual"
    # the column used when the denominator's column is blank (a form without 调整后预算 is
    # divided by 全年预算数, with the finding denominator-fallback); "" means no fallback
    denominator_fallback: Literal["annual", "initial", ""] = "annual"
    note_below: Dec = Decimal(0)
    cap: bool = True
    # a plausibility check, not a national rule: executed above this multiple of the budget is a warning
    over_budget_ratio: Dec = Decimal(2)
    total_caps: list[RateCap] = Field(default_factory=list)  # the strictest cap whose `below` the rate is under
    # rate-contradicts-funds: a row whose name has one of these words claims the execution rate; its actual
    # value may differ from the money block's rate by at most this many percentage points
    rate_row_keywords: list[str] = Field(default_factory=lambda: ["预算执行率", "资金执行率"])
    rate_row_tolerance: Dec = Decimal(1)

    def total_cap(self, rate: Decimal | None) -> RateCap | None:
        best = None
        if rate is not None:
            for cap in self.total_caps:
                if rate < cap.below and (best is None or cap.max < best.max):
                    best = cap
        return best


Operator = Literal["ge", "le", "eq"]


def _cost_at_most() -> dict[str, Operator]:
    return {"成本": "le"}


class ScoringRules(BaseModel):
    model_config = _STRICT
    bare_number_operator: Literal["ge", "le", "eq"] = "ge"
    reverse_formula: Literal["linear", "inverse"] = "linear"
    over_achievement_ratio: Dec = Decimal("1.2")
    # all-full-marks: a row counts as full marks when its score is at most this far below its weight
    full_marks_tolerance: Dec = Decimal(0)
    all_full_marks_min_rows: int = Field(default=3, ge=1)  # all-full-marks looks only at forms with this many rows
    # cost-direction: a row whose 二级指标 contains one of these words is a cost indicator (wants ≤ or =)
    cost_keywords: list[str] = Field(default_factory=lambda: ["成本"])
    # satisfaction-full: a row whose 一级 or 二级指标 contains one of these words is a satisfaction indicator
    satisfaction_keywords: list[str] = Field(default_factory=lambda: ["满意"])
    # rows marked 不适用: "zero" scores them 0; "rescale" leaves them out and rescales the
    # rest of their category to the category weight (× C ÷ (C − 不适用分值))
    not_applicable: Literal["zero", "rescale"] = "zero"
    # a bare number's operator by 二级指标 (a row whose 二级 contains the word): 成本 → le; else bare_number_operator
    bare_number_operators: dict[str, Operator] = Field(default_factory=_cost_at_most)
    # a count with an upper bound (≤ / <) whose actual says 无 / 零 / 没有 (无上访) is 0, with the info none-as-zero
    none_as_zero: bool = True
    # claimed scores are compared with the computed ones after rounding both to this many places
    score_precision: int = Field(default=2, ge=0, le=2)
    # rows of 评分细则 (method criteria) need a 偏差原因 when below full marks (false: the sheet has no such column)
    criteria_notes: bool = True


class ScaleTier(BaseModel):
    """One tier of a qualitative scale: its words and its share of the weight [min, max]."""

    model_config = _STRICT
    words: list[str]
    min: Dec
    max: Dec

    @model_validator(mode="after")
    def _range(self) -> ScaleTier:
        if not self.words or not all(w.strip() for w in self.words):
            raise ValueError("每一档须写出至少一个词（words）")
        if not (0 <= self.min <= self.max <= 1):
            raise ValueError("档次的比例应满足 0 ≤ min ≤ max ≤ 1")
        return self


class Scale(BaseModel):
    """A qualitative scale (优/良/中/低/差 …), best tier first.

    A tier's range is [min × w, max × w): inclusive at the top for the best tier and
    for a fixed tier (min = max, e.g. 是 = 1, 否 = 0).
    """

    model_config = _STRICT
    name: str
    tiers: list[ScaleTier]

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if not self.tiers:
            raise ValueError("定性等级须至少有一档")
        for better, worse in zip(self.tiers, self.tiers[1:]):
            if worse.max > better.min and worse.min != worse.max:
                raise ValueError(f"定性等级 “{self.name}” 的各档须自上而下排列，区间不重叠")
        return self


class QualitativeRules(BaseModel):
    model_config = _STRICT
    achieved: Dec = Decimal("0.8")
    partial: Dec = Decimal("0.6")
    scales: list[Scale] = Field(default_factory=list)  # more scales beside 达成/部分达成/未达成

    @model_validator(mode="after")
    def _ordered(self) -> QualitativeRules:
        if not (0 <= self.partial <= self.achieved <= 1):
            raise ValueError("定性档次下限应满足 0 ≤ partial ≤ achieved ≤ 1")
        return self


class AcrossYearsRules(BaseModel):
    """Comparing a unit's form with its form of the year before (scoring/across_years.py)."""

    model_config = _STRICT
    target_below_last_actual: bool = True  # a target (≥) below the same indicator's actual of the year before
    indicators_unchanged: bool = True  # the same indicators and targets as the year before (info)
    unchanged_min_rows: int = Field(default=3, ge=1)  # ... looked at only on forms with this many rows
    low_grades: list[str] = Field(default_factory=lambda: ["中", "差"])  # grade-repeated-low; [] to leave it out


class GradeBand(BaseModel):
    model_config = _STRICT
    min: Dec
    grade: str


class GradeRules(BaseModel):
    model_config = _STRICT
    bands: list[GradeBand] = Field(default_factory=list)

    @model_validator(mode="after")
    def _best_first(self) -> GradeRules:
        self.bands.sort(key=lambda b: b.min, reverse=True)
        return self


class RuleSet(BaseModel):
    model_config = _STRICT
    id: str
    name: str = ""
    source: str
    extends: str = ""
    # "rules": a standard level-1 heading not in the form's [categories] takes [weights];
    # "form": the form's own weights (or its rows' sum); weights-sum then checks the overall 100
    category_weights: Literal["rules", "form"] = "rules"
    weights: dict[str, Dec] = Field(default_factory=dict)
    # short spellings of the standard level-1 headings real forms use
    category_aliases: dict[str, str] = Field(
        default_factory=lambda: {"产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标"}
    )
    # where a setting comes from when that differs from ``source``: "funds.over_budget_ratio" = "…"
    # (citations only: they are left out of the sha256, which names the rules that produce scores)
    sources: dict[str, str] = Field(default_factory=dict)
    funds: FundsRules = Field(default_factory=FundsRules)
    scoring: ScoringRules = Field(default_factory=ScoringRules)
    qualitative: QualitativeRules = Field(default_factory=QualitativeRules)
    grades: GradeRules = Field(default_factory=GradeRules)
    across_years: AcrossYearsRules = Field(default_factory=AcrossYearsRules)
    sha256: str = ""  # of the values in force (defaults included), not of the text: see ``_digest``
    _cites: dict[str, str] = PrivateAttr(default_factory=dict)  # setting -> the citation of the set that wrote it

    def canonical_category(self, name: str) -> str:
        """The level-1 heading a form's spelling stands for (产出 → 产出指标)."""
        plain = FORMAT_CHARS.sub("", name).strip()  # 产出\u200b指标 is 产出指标
        return self.category_aliases.get(plain) or self.category_aliases.get(match_text(plain), plain).strip()

    def grade_order(self) -> list[str]:
        """The grades best first, as the rule set's bands give them (优、良、中、差 for most sets)."""
        order: list[str] = []
        for band in self.grades.bands:
            if band.grade not in order:
                order.append(band.grade)
        return order

    def source_of(self, key: str) -> str:
        """The source of one setting ("funds.note_below"): the citation of the rule set that wrote it
        (its ``[sources]`` entry, else that set's ``source``), else the default's (``DEFAULT_SOURCES``)."""
        cited = self._cites.get(key)
        if cited is not None:
            return cited
        return DEFAULT_SOURCES.get(key, self.source)

    def settings(self) -> list[tuple[str, Any, str]]:
        """Every setting in force, as (dotted key, value, source): what ``jixiao rules show`` prints."""
        out = []
        for key in setting_keys():
            node: Any = self
            for part in key.split("."):
                node = getattr(node, part)
            out.append((key, node, self.source_of(key)))
        return out

    def grade_for(self, total: Decimal) -> str:
        for band in self.grades.bands:  # sorted best first when loaded
            if total >= band.min:
                return band.grade
        return ""

    def category_weight(self, category: str) -> Decimal | None:
        if self.category_weights == "form":
            return None
        return self.weights.get(category)


# the keys of a rule set that are not settings: its name, its citations, its digest
_META = frozenset(("id", "name", "source", "extends", "sources", "sha256"))
# the tables whose keys are settings one by one ([funds] note_below …); weights and category_aliases are one setting each
_TABLES = ("funds", "scoring", "qualitative", "grades", "across_years")


def setting_keys() -> list[str]:
    """Every setting's dotted key, in the order of the models ("category_weights", "funds.denominator" …)."""
    keys: list[str] = []
    for name in RuleSet.model_fields:
        if name in _META:
            continue
        if name in _TABLES:
            section = RuleSet.model_fields[name].annotation
            assert isinstance(section, type) and issubclass(section, BaseModel)
            keys.extend(f"{name}.{sub}" for sub in section.model_fields)
        else:
            keys.append(name)
    return keys


# The source of each setting's default in Python, for a rules file that does not write it and has no
# ``extends`` (central-2020.toml writes every setting out, so its values are never these defaults).
_NATIONAL = "财政部《项目支出绩效评价管理办法》（财预〔2020〕10号）"
_TOOL = "本工具的合理性检查，不是国家规定"
DEFAULT_SOURCES: dict[str, str] = {
    "category_weights": f"{_NATIONAL}附件2 项目支出绩效评价指标体系框架：一级指标分值由规则集给出",
    "weights": f"{_NATIONAL}附件2：一级指标权重由各地各部门确定；无规则集时不设默认值",
    "category_aliases": "各地自评表的通行写法：“产出”“效益”“满意度”即一级指标“产出指标”“效益指标”“满意度指标”",
    "funds.denominator": f"{_NATIONAL}：预算执行率 = 实际支出数 ÷ 全年预算数",
    "funds.denominator_fallback": f"{_NATIONAL}：全年预算数为执行率的通行分母；调整后预算一栏未填时按全年预算数计",
    "funds.note_below": f"{_NATIONAL}未规定执行率须说明原因的下限：0 表示不要求",
    "funds.cap": f"{_NATIONAL}：预算执行率得分 = 执行率 × 分值，最高不超过分值",
    "funds.over_budget_ratio": _TOOL + "：执行数超过预算数 2 倍多半是单位（元/万元）或数字填错",
    "funds.total_caps": f"{_NATIONAL}未规定以执行率封顶总分：无封顶",
    "scoring.bare_number_operator": "各地自评表的通行理解：只写数字的指标值按“不低于”（≥）理解",
    "scoring.reverse_formula": f"{_NATIONAL}附件：反向指标按实际值与目标值之比线性计分",
    "scoring.over_achievement_ratio": _TOOL + "：完成值超过目标值 1.2 倍提示“超额完成”，须写偏差原因",
    "scoring.full_marks_tolerance": _TOOL + "：“全部满分”只看得分等于分值的指标",
    "scoring.all_full_marks_min_rows": _TOOL + "：指标不少于 3 项才检查“全部满分”",
    "scoring.cost_keywords": f"{_NATIONAL}附件2：产出指标下的二级指标“成本指标”",
    "scoring.satisfaction_keywords": f"{_NATIONAL}附件2：一级指标“满意度指标”、二级指标“服务对象满意度指标”",
    "scoring.not_applicable": f"{_NATIONAL}未规定不适用指标另行折算：按 0 分计",
    "scoring.bare_number_operators": f"{_NATIONAL}附件2：成本指标为控制上限的指标，只写数字的按“不高于”（≤）理解",
    "scoring.none_as_zero": "各地自评表的通行写法：上限指标（如“小于5次”）的完成值写“无”“零”“没有”即为 0",
    "scoring.score_precision": f"{_NATIONAL}未规定得分的小数位：按两位小数四舍五入",
    "scoring.criteria_notes": f"{_NATIONAL}附件：未完成目标的须说明偏差原因",
    "funds.rate_row_keywords": _TOOL + "：名称含“预算执行率”“资金执行率”的指标即资金执行率",
    "funds.rate_row_tolerance": _TOOL + "：指标所填执行率与资金表算出的执行率相差超过 1 个百分点即矛盾",
    "qualitative.achieved": f"{_NATIONAL}附件：定性指标达成年度指标的，得分不低于分值的 80%",
    "qualitative.partial": f"{_NATIONAL}附件：部分达成年度指标并具有一定效果的，得分为分值的 60%（含）—80%",
    "qualitative.scales": "各地自评表的通行定性等级用词：无规则集时只认达成/部分达成/未达成",
    "across_years.target_below_last_actual": "财政部《中央部门项目支出核心绩效目标和指标设置及取值指引（试行）》（财预〔2021〕101号）：指标值参考历史标准（上年实际完成值等）确定",
    "across_years.indicators_unchanged": "财预〔2021〕101号：绩效指标应随年度工作任务设置；本工具的提示（照搬上年指标），不扣分",
    "across_years.unchanged_min_rows": _TOOL + "：指标不少于 3 项才比对“与上年相同”",
    "across_years.low_grades": "本工具的提示：连续两年评价等级为中、差的单位，各地通常列为重点关注、督促整改",
    "grades.bands": f"{_NATIONAL}：90（含）—100 分为优、80（含）—90 分为良、60（含）—80 分为中、60 分以下为差；无规则集时不评等级",
}


_SECTIONS: dict[tuple[str, ...], type[BaseModel]] = {
    (): RuleSet,
    ("funds",): FundsRules,
    ("funds", "total_caps"): RateCap,
    ("scoring",): ScoringRules,
    ("qualitative",): QualitativeRules,
    ("qualitative", "scales"): Scale,
    ("qualitative", "scales", "tiers"): ScaleTier,
    ("grades",): GradeRules,
    ("grades", "bands"): GradeBand,
    ("across_years",): AcrossYearsRules,
}


def _bundled_dir() -> Any:
    return Path(__file__).resolve().parent / "rulesets"


def bundled_ids() -> list[str]:
    return sorted(p.name[:-5] for p in _bundled_dir().iterdir() if p.name.endswith(".toml"))


def rule_text(ref: str) -> str:
    """The TOML text of a bundled rule set or a rules file."""
    bundled = _bundled_dir() / f"{ref}.toml"
    if bundled.is_file():
        return bundled.read_text(encoding="utf-8")
    return read_toml(ref)[1]


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _cites_of(data: dict[str, Any]) -> dict[str, str]:
    """The settings one rule set's own TOML writes, each with its citation: [sources] entry, else its ``source``."""
    own = data.get("sources")
    own = own if isinstance(own, dict) else {}
    source = str(data.get("source", ""))
    out: dict[str, str] = {}
    for key, value in data.items():
        if key in _META:
            continue
        if key in _TABLES and isinstance(value, dict):
            for sub in value:
                dotted = f"{key}.{sub}"
                out[dotted] = str(own.get(dotted, source))
        else:
            out[key] = str(own.get(key, source))
    out.update((str(k), str(v)) for k, v in own.items())  # a citation for an inherited setting names it here
    return out


def _inside(path: str, root: str) -> bool:
    """Whether ``path`` (resolved, links followed) lies in the folder ``root`` (resolved).  Opens nothing."""
    real = os.path.realpath(path)
    return real.startswith(root.rstrip(os.sep) + os.sep)


def _refused(ref: str, source: str) -> FormError:
    """A rules file outside the form's folder: refused before it is opened, its name kept short."""
    return FormError(
        [
            Problem(
                source,
                "rules",
                None,
                "表单指定的规则文件不在表单所在的文件夹中，不予读取。表单的 rules 只能写内置规则集的 ID"
                f"（{'、'.join(bundled_ids())}），或与表单同一文件夹中的规则文件。",
            )
        ]
    )


def _raw(
    ref: str, base_dir: Path | None, seen: tuple[str, ...], confine: str = ""
) -> tuple[dict[str, Any], str, str, dict[str, str]]:
    """(data merged with its parents, source name, own text, each written setting's citation).

    ``confine``: a resolved folder that every rules file of the chain (the
    file and the ones it ``extends``) must lie in; checked before opening.
    """
    bundled = _bundled_dir() / f"{ref}.toml"
    if bundled.is_file() and not ref.endswith(".toml"):
        source = f"规则集 {ref}"
        text = bundled.read_text(encoding="utf-8")
        data = parse_toml_text(text, source)
        here = None
    else:
        path = Path(ref)
        if confine:  # a form's own rules: only relative to its folder, never the working directory
            path = path if path.is_absolute() else (base_dir or Path(confine)) / path
            if not _inside(str(path), confine):
                raise _refused(ref, ref)
        elif not path.is_absolute() and base_dir is not None and not path.exists():
            path = base_dir / path
        if not path.exists():
            ids = bundled_ids()
            import difflib  # only for the message about an unknown rule set

            guess = difflib.get_close_matches(ref, ids, n=1, cutoff=0.6)
            hint = f"是否想写 “{guess[0]}”？" if guess else ""
            raise FormError(
                [
                    Problem(
                        ref,
                        "rules",
                        None,
                        f"找不到规则集 “{ref}”。{hint}可用的内置规则集：{'、'.join(ids)}；或给出规则文件的路径。",
                    )
                ]
            )
        data, text = read_toml(path)
        source = str(path)
        here = path.parent
    cites = _cites_of(data)
    parent = data.get("extends")
    if parent:
        if parent in seen:
            raise FormError([Problem(source, "extends", None, f"规则集循环继承：{' → '.join(seen + (parent,))}")])
        base, _, _, inherited = _raw(str(parent), here, seen + (str(parent),), confine)
        cites = inherited | cites
        base.pop("id", None)
        base.pop("name", None)
        base.pop("source", None)
        base.pop("sources", None)  # the parent's citations name the parent's settings
        data = _merge(base, data)
    return data, source, text, cites


def _names_setting(rules: RuleSet, key: str) -> bool:
    """Whether a dotted key ("funds.note_below", "weights") names a setting of the rule set."""
    node: Any = rules
    for part in key.split("."):
        if not isinstance(node, BaseModel) or part not in type(node).model_fields:
            return False
        node = getattr(node, part)
    return True


@lru_cache(maxsize=64)
def _load_cached(ref: str, base_dir: str, confine: str = "") -> RuleSet:
    data, source, text, cites = _raw(ref, Path(base_dir) if base_dir else None, (ref,), confine)
    data.pop("sha256", None)
    try:
        canonical_value(data)  # tables nested hundreds deep ([a.a.a...]) are refused before validation
    except RecursionError:
        raise FormError([Problem(source, "", None, "表或键嵌套过深（数百层），不是规则集的内容。请检查该文件。")]) from None
    rules = validate_model(RuleSet, data, text, source, _SECTIONS)
    unknown = [key for key in rules.sources if not _names_setting(rules, key)]
    if unknown:
        line = key_lines(text).get(("sources", unknown[0])) if text else None
        raise FormError(
            [Problem(source, f"sources.{unknown[0]}", line,
                     f"[sources] 中的 “{unknown[0]}” 不是规则集的设置；请写成 funds.note_below 这样的键。")]
        )
    rules.sha256 = _digest(rules)
    rules._cites = cites
    return rules


def setting_text(value: Any) -> str:
    """A setting's value as TOML-like text for ``jixiao rules show`` (0.8, "annual", ["成本"], { min = 90, grade = "优" })."""
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {setting_text(v)}" for k, v in value.items()) + " }" if value else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(setting_text(v) for v in value) + "]"
    return str(value)


def _key(key: str) -> str:
    return key if key.isascii() and key.replace("_", "").isalnum() else json.dumps(key, ensure_ascii=False)


def _digest(rules: RuleSet) -> str:
    """SHA-256 of the values in force, Python defaults included (a changed default changes it);
    citations (``sources``) and ``extends`` are left out: they do not change a score."""
    values = rules.model_dump(mode="json", exclude={"sha256", "sources", "extends"})
    canonical = json.dumps(values, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


@lru_cache(maxsize=256)
def _is_bundled(ref: str) -> bool:  # the bundled files do not change while we run: one stat per id
    return not ref.endswith(".toml") and (_bundled_dir() / f"{ref}.toml").is_file()


def load_rules(ref: str | None = None, base_dir: str | Path | None = None) -> RuleSet:
    """Load a bundled rule set by id, or a rules file by path (relative to base_dir).

    Loaded once per process: a bundled id does not depend on base_dir, so forms in
    many folders share one copy.
    """
    ref = ref or DEFAULT_RULES
    return _load_cached(ref, "" if _is_bundled(ref) or not base_dir else str(base_dir))


def form_rules(ref: str | None, form_dir: str | Path, *, bundled_only: bool = False) -> RuleSet:
    """The rule set a form names in its ``rules``: a submission's choice, so it is bounded.

    A bundled id is always fine.  With ``bundled_only`` (a bureau's review) a
    rules file is refused: there the rules file is the reviewer's ``--rules``.
    Otherwise a rules file must lie in the form's folder (links resolved), and
    so must every file it ``extends``; one outside is refused without being
    opened.  Problems inside the file are told by file and line only: no
    message quotes the file's keys or text (``jixiao rules show`` shows them).
    """
    ref = ref or DEFAULT_RULES
    if _is_bundled(ref):
        return load_rules(ref)
    if bundled_only:
        raise FormError(
            [
                Problem(
                    ref,
                    "rules",
                    None,
                    "复核时表单的 rules 只能写内置规则集的 ID"
                    f"（{'、'.join(bundled_ids())}）；表单所带的规则文件不予使用。"
                    "如须按某个规则文件复核，请由复核人用 --rules 指定。",
                )
            ]
        )
    root = os.path.realpath(str(form_dir) or ".")
    try:
        return _load_cached(ref, root, root)
    except FormError as exc:
        raise FormError([_quiet(p) for p in exc.problems]) from None


def _quiet(p: Problem) -> Problem:
    """A problem of a form's own rules file without keys or quoted text: the file, the line, what to do."""
    if p.key in ("", "rules") and p.line is None:  # not found, refused, not a regular file: no content in it
        return p
    where = f"第 {p.line} 行" if p.line else "中"
    return Problem(
        p.file, "", p.line, f"规则文件{where}有错误，无法使用。请用 jixiao rules show 该文件 查看详情并改正。"
    )
