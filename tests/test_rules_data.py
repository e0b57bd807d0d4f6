"""Rules that used to be decided in the engine by name are rule-set data (issue 12, item 4)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from jixiao.indicators.loader import FormError
from jixiao.scoring.rules import load_rules

from .conftest import codes, form_toml, row, score_rows, score_text


def rules_file(tmp_path: Path, body: str, name: str = "mine.toml") -> str:
    path = tmp_path / name
    path.write_text(f'id = "mine"\nsource = "测试"\nextends = "central-2020"\n{body}', encoding="utf-8")
    return str(path)


def test_central_defaults_are_the_old_hard_coded_words() -> None:
    r = load_rules("central-2020")
    assert r.scoring.cost_keywords == ["成本"] and r.scoring.satisfaction_keywords == ["满意"]
    assert r.scoring.all_full_marks_min_rows == 3
    assert r.category_aliases == {"产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标"}
    assert r.funds.denominator_fallback == "annual"
    assert r.grade_order() == ["优", "良", "中", "差"]
    assert load_rules("no-grade").grade_order() == []


def test_cost_keyword_comes_from_the_rule_set(tmp_path: Path) -> None:
    cost = row(target="≥5万元", actual="5万元", subcategory="经济成本指标", weight=90)
    assert "cost-direction" in codes(score_rows(cost), 0)
    mine = rules_file(tmp_path, '[scoring]\ncost_keywords = ["费用"]\n')
    assert "cost-direction" not in codes(score_rows(cost, rules=mine), 0)
    fee = row(target="≥5万元", actual="5万元", subcategory="费用指标", weight=90)
    assert "cost-direction" in codes(score_rows(fee, rules=mine), 0)


def test_satisfaction_keyword_comes_from_the_rule_set(tmp_path: Path) -> None:
    happy = row(target="≥90%", actual="100%", category="满意度指标", subcategory="服务对象满意度指标", weight=90)
    assert "satisfaction-full" in codes(score_rows(happy), 0)
    mine = rules_file(tmp_path, '[scoring]\nsatisfaction_keywords = ["认可"]\n')
    assert "satisfaction-full" not in codes(score_rows(happy, rules=mine), 0)


def test_all_full_marks_minimum_rows(tmp_path: Path) -> None:
    rows = [row(f"指标{i}", "≥100%", "100%", 30) for i in range(3)]
    assert "all-full-marks" in codes(score_rows(*rows))
    assert "all-full-marks" not in codes(score_rows(*rows[:2]))  # two rows: too few to say
    mine = rules_file(tmp_path, "[scoring]\nall_full_marks_min_rows = 4\n")
    assert "all-full-marks" not in codes(score_rows(*rows, rules=mine))


def test_full_marks_tolerance_counts_near_full_rows(tmp_path: Path) -> None:
    # every row 100%, one claiming 29.98 of 30: 0.02 below full marks, within a tolerance of 0.05
    rows = [row(f"指标{i}", "≥100%", "100%", 30) for i in range(2)] + [row("指标2", "≥100%", "100%", 30, claimed=29.98)]
    assert "all-full-marks" not in codes(score_rows(*rows))  # tolerance 0: 29.98 is not full marks
    mine = rules_file(tmp_path, "[scoring]\nfull_marks_tolerance = 0.05\n")
    assert "all-full-marks" in codes(score_rows(*rows, rules=mine))
    strict = rules_file(tmp_path, "[scoring]\nfull_marks_tolerance = 0.01\n", "strict.toml")
    assert "all-full-marks" not in codes(score_rows(*rows, rules=strict))


def test_category_aliases_come_from_the_rule_set(tmp_path: Path) -> None:
    text = form_toml([row(category="产出", weight=90)], categories={"产出指标": 90})
    assert "weights-sum" not in codes(score_text(text))  # 产出 is 产出指标 by the default aliases
    mine = rules_file(tmp_path, '[category_aliases]\n"产出类" = "产出指标"\n')
    result = score_text(form_toml([row(category="产出类", weight=90)], categories={"产出指标": 90}), mine)
    assert result.category_weights["产出指标"] == 90 and "weights-sum" not in codes(result)


def test_adjusted_budget_falls_back_with_a_finding(tmp_path: Path) -> None:
    funds = {"weight": 10, "total": {"annual": 80, "executed": 78.90}}
    text = form_toml([row(weight=90)], funds=funds, rules="sichuan")
    result = score_text(text)
    assert result.funds.denominator == "annual" and result.funds.rate == Decimal("0.98625")
    found = [f for f in result.findings if f.code == "denominator-fallback"]
    assert len(found) == 1 and found[0].severity == "info" and found[0].loc == ("funds", "total")
    assert "调整后预算" in found[0].message and "全年预算数" in found[0].message
    no_fallback = rules_file(tmp_path, '[funds]\ndenominator = "adjusted"\ndenominator_fallback = ""\n')
    result = score_text(text, no_fallback)
    assert result.funds.rate is None and "funds-zero-budget" in codes(result)
    assert "denominator-fallback" not in codes(result)


def test_adjusted_budget_given_is_used_without_a_finding() -> None:
    funds = {"weight": 10, "total": {"annual": 100, "adjusted": 80, "executed": 78.90}}
    result = score_text(form_toml([row(weight=90)], funds=funds, rules="sichuan"))
    assert result.funds.denominator == "adjusted" and result.funds.rate == Decimal("0.98625")
    assert "denominator-fallback" not in codes(result)


def test_sources_per_key_are_checked_and_left_out_of_the_digest(tmp_path: Path) -> None:
    plain = load_rules(rules_file(tmp_path, "", "a.toml"))
    cited = load_rules(rules_file(tmp_path, '[sources]\n"funds.over_budget_ratio" = "合理性检查，非国家规定"\n', "b.toml"))
    assert cited.source_of("funds.over_budget_ratio") == "合理性检查，非国家规定"
    assert cited.source_of("funds.note_below") == "测试"
    assert cited.sha256 == plain.sha256  # a citation does not change a score
    with pytest.raises(FormError) as err:
        load_rules(rules_file(tmp_path, '[sources]\n"funds.no_such" = "x"\n', "c.toml"))
    assert "funds.no_such" in str(err.value.problems)
