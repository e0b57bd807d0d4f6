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
from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["RuleSet", "load_rules", "form_rules", "bundled_ids", "DEFAULT_RULES", "rule_text"]

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

    def total_cap(self, rate: Decimal | None) -> RateCap | None:
        best = None
        if rate is not None:
            for cap in self.total_caps:
                if rate < cap.below and (best is None or cap.max < best.max):
                    best = cap
        return best


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
    sha256: str = ""

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
        """The source of one setting ("funds.note_below"): its own when given, else the set's."""
        return self.sources.get(key, self.source)

    def grade_for(self, total: Decimal) -> str:
        for band in self.grades.bands:  # sorted best first when loaded
            if total >= band.min:
                return band.grade
        return ""

    def category_weight(self, category: str) -> Decimal | None:
        if self.category_weights == "form":
            return None
        return self.weights.get(category)


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
) -> tuple[dict[str, Any], str, str]:
    """(data merged with its parents, source name, own text).

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
    parent = data.get("extends")
    if parent:
        if parent in seen:
            raise FormError([Problem(source, "extends", None, f"规则集循环继承：{' → '.join(seen + (parent,))}")])
        base, _, _ = _raw(str(parent), here, seen + (str(parent),), confine)
        base.pop("id", None)
        base.pop("name", None)
        base.pop("source", None)
        base.pop("sources", None)  # the parent's citations name the parent's settings
        data = _merge(base, data)
    return data, source, text


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
    data, source, text = _raw(ref, Path(base_dir) if base_dir else None, (ref,), confine)
    data.pop("sha256", None)
    cited = {k: v for k, v in data.items() if k != "sources"}  # citations do not change a score
    try:
        canonical = json.dumps(canonical_value(cited), ensure_ascii=False, sort_keys=True)
    except RecursionError:  # tables nested hundreds deep ([a.a.a...]): not a rule set
        raise FormError([Problem(source, "", None, "表或键嵌套过深（数百层），不是规则集的内容。请检查该文件。")]) from None
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    rules = validate_model(RuleSet, data, text, source, _SECTIONS)
    unknown = [key for key in rules.sources if not _names_setting(rules, key)]
    if unknown:
        line = key_lines(text).get(("sources", unknown[0])) if text else None
        raise FormError(
            [Problem(source, f"sources.{unknown[0]}", line,
                     f"[sources] 中的 “{unknown[0]}” 不是规则集的设置；请写成 funds.note_below 这样的键。")]
        )
    rules.sha256 = digest
    return rules


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
