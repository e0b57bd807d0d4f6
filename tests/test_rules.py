from decimal import Decimal

import pytest
from jixiao.indicators.loader import FormError
from jixiao.scoring.rules import bundled_ids, load_rules

from .conftest import form_toml, row, score_text


def test_bundled_rule_sets_cite_their_source():
    ids = bundled_ids()
    assert {"central-2020", "sichuan", "grades-80-70-60", "no-grade", "qualitative-80-50", "reverse-inverse"} <= set(ids)
    for rid in ids:
        rules = load_rules(rid)
        assert rules.id == rid
        assert rules.source  # every rule set names its document
        assert len(rules.sha256) == 64


def test_central_defaults():
    r = load_rules("central-2020")
    assert r.weights == {"产出指标": 50, "效益指标": 30, "满意度指标": 10, "funds": 10}
    assert r.funds.denominator == "annual" and r.funds.cap
    assert r.scoring.reverse_formula == "linear"
    assert [(b.min, b.grade) for b in r.grades.bands] == [(90, "优"), (80, "良"), (60, "中"), (0, "差")]
    assert r.grade_for(Decimal("89.99")) == "良"
    assert r.grade_for(Decimal("90")) == "优"
    assert r.grade_for(Decimal("59.99")) == "差"


def test_user_file_extends_and_overrides_one_setting(tmp_path):
    p = tmp_path / "city.toml"
    p.write_text('id = "city"\nextends = "central-2020"\nsource = "某市通知"\n[scoring]\nover_achievement_ratio = 1.5\n', encoding="utf-8")
    rules = load_rules(str(p))
    assert rules.scoring.over_achievement_ratio == Decimal("1.5")
    assert rules.scoring.reverse_formula == "linear"  # inherited
    assert rules.qualitative.achieved == Decimal("0.8")
    assert rules.sha256 != load_rules("central-2020").sha256
    # chained: a file extending a variant
    q = tmp_path / "city2.toml"
    q.write_text('id = "city2"\nextends = "sichuan"\nsource = "x"\n', encoding="utf-8")
    assert load_rules(str(q)).funds.note_below == Decimal("0.9")


def test_form_names_its_rules_file_relative_to_itself(tmp_path):
    (tmp_path / "r.toml").write_text('id = "r"\nextends = "central-2020"\nsource = "x"\n[scoring]\nreverse_formula = "inverse"\n', encoding="utf-8")
    form = tmp_path / "f.toml"
    form.write_text(form_toml([row(target="≤3天", actual="4天", note="x")], rules="r.toml"), encoding="utf-8")
    from jixiao.scoring.loading import score_file

    assert score_file(form).indicators[0].score == Decimal("67.50")


def test_bad_rules_file_is_reported(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text('id = "bad"\nsource = "x"\n[scoring]\nreverse_formul = "inverse"\n', encoding="utf-8")
    with pytest.raises(FormError) as exc:
        load_rules(str(p))
    [prob] = exc.value.problems
    assert prob.line == 4 and "reverse_formula" in prob.message
    with pytest.raises(FormError) as exc:
        load_rules("no-such-rules")
    assert "central-2020" in exc.value.problems[0].message


def test_extends_cycle(tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(f'id = "a"\nsource = "x"\nextends = "{b}"\n', encoding="utf-8")
    b.write_text(f'id = "b"\nsource = "x"\nextends = "{a}"\n', encoding="utf-8")
    with pytest.raises(FormError) as exc:
        load_rules(str(a))
    assert "循环" in exc.value.problems[0].message


def test_result_records_rules_id_and_hash():
    r = score_text(form_toml([row()], rules="sichuan"))
    d = r.to_dict()["rules"]
    assert d["id"] == "sichuan" and d["sha256"] == load_rules("sichuan").sha256
