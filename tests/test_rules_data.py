"""Rules that used to be decided in the engine by name are rule-set data (issue 12, item 4)."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from jixiao.indicators.loader import FormError
from jixiao.scoring.rules import bundled_ids, load_rules

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
    assert cited.source_of("funds.note_below") == load_rules("central-2020").source  # inherited: the parent's citation
    written = load_rules(rules_file(tmp_path, "[funds]\nnote_below = 0.5\n", "d.toml"))
    assert written.source_of("funds.note_below") == "测试"  # written here: this file's source
    assert cited.sha256 == plain.sha256  # a citation does not change a score
    with pytest.raises(FormError) as err:
        load_rules(rules_file(tmp_path, '[sources]\n"funds.no_such" = "x"\n', "c.toml"))
    assert "funds.no_such" in str(err.value.problems)


# ------------------------------------------------------------------ the digest over the values in force (issue 17.3)


def test_central_2020_writes_every_setting_and_every_one_cites_a_source() -> None:
    from jixiao.scoring.rules import DEFAULT_SOURCES, rule_text, setting_keys

    text = rule_text("central-2020")
    data = tomllib.loads(text)
    for key in setting_keys():
        node = data
        for part in key.split("."):
            assert part in node, f"central-2020.toml leaves {key} to a Python default"
            node = node[part]
        assert DEFAULT_SOURCES[key].strip(), key  # a rules file without extends: the default's citation
    for rid in bundled_ids():
        for key, _, source in load_rules(rid).settings():
            assert source.strip(), (rid, key)
    assert set(DEFAULT_SOURCES) == set(setting_keys())


def test_digest_moves_when_a_python_default_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao.scoring import rules as r

    path = tmp_path / "bare.toml"  # no extends: every setting is a Python default
    path.write_text('id = "bare"\nsource = "测试"\n', encoding="utf-8")
    r._load_cached.cache_clear()
    before = load_rules(str(path))
    assert before.scoring.all_full_marks_min_rows == 3
    assert before.source_of("scoring.all_full_marks_min_rows") == r.DEFAULT_SOURCES["scoring.all_full_marks_min_rows"]
    field = r.ScoringRules.model_fields["all_full_marks_min_rows"]
    monkeypatch.setattr(field, "default", 4)
    try:
        r.ScoringRules.model_rebuild(force=True)
        r.RuleSet.model_rebuild(force=True)
        r._load_cached.cache_clear()
        after = load_rules(str(path))
        assert after.scoring.all_full_marks_min_rows == 4
        assert after.sha256 != before.sha256  # the same text, another default: another digest
    finally:
        monkeypatch.undo()
        r.ScoringRules.model_rebuild(force=True)
        r.RuleSet.model_rebuild(force=True)
        r._load_cached.cache_clear()
    assert load_rules(str(path)).sha256 == before.sha256


def test_digest_is_of_values_not_text(tmp_path: Path) -> None:
    # writing central-2020's own value out does not change the digest; changing it does
    same = load_rules(rules_file(tmp_path, '[scoring]\ncost_keywords = ["成本"]\n', "same.toml"))
    plain = load_rules(rules_file(tmp_path, "", "plain.toml"))
    other = load_rules(rules_file(tmp_path, '[scoring]\ncost_keywords = ["成本", "费用"]\n', "other.toml"))
    assert same.sha256 == plain.sha256 != other.sha256


def test_rules_show_prints_each_setting_with_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    from jixiao.tui.cli import main

    assert main(["rules", "show", "sichuan"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    i = lines.index('funds.denominator = "adjusted"')
    assert "四川省财政厅" in lines[i + 1]
    i = lines.index('scoring.cost_keywords = ["成本"]')
    assert "成本指标" in lines[i + 1] and "财预〔2020〕10号" in lines[i + 1]
    assert load_rules("sichuan").sha256 in out
