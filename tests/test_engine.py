"""The engine on whole forms: every rule and finding with hand-computed values."""

from decimal import Decimal

import pytest
from jixiao.scoring.findings import CATALOG
from jixiao.scoring.loading import score_file

from .conftest import codes, form_toml, row, score_rows, score_text

D = Decimal


# ------------------------------------------------------------------ the seed


def test_seed_scores_as_the_rules_say(seed_path):
    r = score_file(seed_path)
    assert r.total == D("100.00")
    assert r.claimed_total == D("99.50")
    assert r.grade == "优" and r.claimed_grade == "优"
    assert r.funds.score == D("10.00") and r.funds.rate == D(1)
    sat = r.indicators[-1]
    assert sat.name == "参保人满意度"
    assert sat.score == D("10.00") and sat.claimed == D("9.5")
    assert codes(r, len(r.indicators) - 1) == ["score-mismatch", "missing-deviation-note"]
    errors = [f for f in r.findings if f.severity == "error"]
    assert [(f.code, f.where) for f in errors] == [("score-mismatch", "indicators[9] 参保人满意度")]
    # every finding has a line in the file
    assert all(f.line for f in r.findings)
    assert next(f for f in r.findings if f.code == "score-mismatch").line == 120


def test_seed_json_shape(seed_path):
    data = score_file(seed_path).to_dict()
    assert data["rules"]["id"] == "central-2020" and len(data["rules"]["sha256"]) == 64
    # issue 10 added "denominator" and "explain" (the arithmetic in words): 1387.53 ÷ 1387.53 = 100%, × 10 = 10.00
    assert data["funds"] == {
        "weight": "10.00", "rate": "1.000000", "score": "10.00", "claimed": "10.00", "denominator": "annual",
        "explain": "执行率 1387.53 ÷ 1387.53（全年预算数） = 100.00%，× 10 = 10.00",
    }
    assert data["total"]["score"] == "100.00" and data["total"]["claimed"] == "99.50"
    assert data["total"]["explain"] == "资金执行率 10.00 + 各项指标 90.00 = 100.00；等级 优（100.00 ≥ 90）"
    assert data["grade"] == {"computed": "优", "claimed": "优"}
    assert [i["name"] for i in data["indicators"]][0] == "全市企业养老保险离退休人数"
    assert data["indicators"][-1]["score"] == "10.00" and data["indicators"][-1]["claimed"] == "9.50"
    assert set(data["findings"][0]) == {"code", "severity", "where", "line", "message"}


# ------------------------------------------------------------------ funds


def funds(annual, executed, initial=None, claimed=None, **extra):
    row_ = {"initial": initial if initial is not None else annual, "annual": annual, "executed": executed}
    out = {"weight": 10, "appropriation": row_}
    if claimed is not None:
        out["claimed"] = claimed
    out.update(extra)
    return out


def test_execution_rate_known_mistake():
    # 43.2 budget, 37.24 executed: rate 86.2%, printed 9; right is 8.62
    r = score_rows(row(), funds=funds(D("43.2"), D("37.24"), claimed=9))
    assert r.funds.score == D("8.62")
    assert "score-mismatch" in codes(r)


def test_execution_rate_capped():
    r = score_rows(row(), funds=funds(100, 120, claimed=10))
    assert r.funds.rate == D("1.2")
    assert r.funds.score == D("10.00")
    assert "score-mismatch" not in codes(r)


def test_execution_rate_from_unrounded_rate():
    # 10 × 2/3 = 6.666… → 6.67 (not 10 × 0.67 = 6.70)
    r = score_rows(row(), funds=funds(3, 2))
    assert r.funds.score == D("6.67")


def test_zero_budget_is_a_finding():
    r = score_rows(row(), funds=funds(0, 0))
    assert r.funds.score == 0
    assert "funds-zero-budget" in codes(r)


def test_total_row_zero_while_rows_hold_money():
    # the real mistake: total row left at 0, appropriation 90 / 89.974
    f = {"weight": 10, "total": {"initial": 0, "annual": 0, "executed": 0}, "appropriation": {"initial": 90, "annual": 90, "executed": D("89.974")}}
    r = score_rows(row(), funds=f)
    assert codes(r).count("funds-total-mismatch") == 3
    assert r.funds.score == D("10.00")  # 10 × 89.974/90 = 9.997 → 10.00


def test_total_is_sum_of_rows():
    f = {
        "weight": 10,
        "appropriation": {"initial": 80, "annual": 80, "executed": 70},
        "carryover": {"initial": 20, "annual": 20, "executed": 10},
    }
    r = score_rows(row(), funds=f)
    assert r.funds.rows["total"]["annual"] == D(100)
    assert r.funds.score == D("8.00")
    assert "funds-total-mismatch" not in codes(r)


def test_rate_threshold_sichuan():
    f = funds(100, 85)
    f["appropriation"]["adjusted"] = 95
    r = score_rows(row(), funds=f, rules="sichuan")
    # denominator is the adjusted budget: 85/95
    assert r.funds.rate == D(85) / D(95)
    assert r.funds.score == D("8.95")
    assert "rate-below-threshold" in codes(r)
    assert "missing-deviation-note" in codes(r)
    r2 = score_rows(row(), funds=f)  # central: no threshold, annual denominator
    assert r2.funds.score == D("8.50")
    assert "rate-below-threshold" not in codes(r2)


# ------------------------------------------------------------------ indicators


def test_higher_partial_needs_note():
    r = score_rows(row(target="≥100人", actual="90人", weight=90))
    ind = r.indicators[0]
    assert ind.score == D("81.00")  # 90 × 90/100
    assert codes(r, 0) == ["missing-deviation-note"]
    r2 = score_rows(row(target="≥100人", actual="90人", weight=90, note="受疫情影响"))
    assert codes(r2, 0) == []


def test_units_reconcile_wan():
    r = score_rows(row(target="≥3万人", actual="29000人"))
    assert r.indicators[0].score == D("87.00")  # 90 × 29000/30000


def test_unit_mismatch():
    r = score_rows(row(target="≥95%", actual="90人"))
    assert r.indicators[0].score == 0
    assert "unit-mismatch" in codes(r, 0)


def test_unit_assumed():
    r = score_rows(row(target="72890", actual="﹦72890元"))
    assert "unit-assumed" in codes(r, 0)
    assert r.indicators[0].score == D("90.00")
    r2 = score_rows(row(target="≥95%", actual="95"))
    assert "unit-assumed" in codes(r2, 0)


def test_operator_assumed_and_setting():
    r = score_rows(row(target="100", actual="90"))
    assert "operator-assumed" in codes(r, 0)
    assert r.indicators[0].method == "higher"


def test_lower_is_better_linear_and_inverse():
    rows = [row(target="≤3天", actual="4天", weight=90, note="说明")]
    assert score_rows(*rows).indicators[0].score == D("60.00")  # 90 × (1 − 1/3)
    assert score_rows(*rows, rules="reverse-inverse").indicators[0].score == D("67.50")  # 90 × 3/4


def test_equal_target_zero():
    assert score_rows(row(target="=0", actual="0")).indicators[0].score == D("90.00")
    assert score_rows(row(target="=0", actual="1", note="x")).indicators[0].score == D(0)


def test_actual_as_bound_satisfies_target():
    r = score_rows(row(target="大于等于95%", actual="大于95%"))
    assert r.indicators[0].score == D("90.00")
    assert "actual-is-target" not in codes(r, 0)


def test_actual_is_target():
    r = score_rows(row(target="≥266米", actual="≥266米"))
    assert "actual-is-target" in codes(r, 0)
    assert r.indicators[0].score == D("90.00")


def test_over_achievement():
    r = score_rows(row(target="≥100", actual="130"))
    assert "over-achievement" in codes(r, 0)
    assert "missing-deviation-note" in codes(r, 0)
    assert r.indicators[0].score == D("90.00")  # no automatic cut
    assert "over-achievement" not in codes(score_rows(row(target="≥100", actual="120")), 0)  # 1.2 is not above 1.2
    assert "over-achievement" not in codes(score_rows(row(target="≥100", actual="125"), rules="reverse-inverse"), 0)


def test_missing_values():
    r = score_rows(row(target="", actual="5"), row(name="b", target="≥5", actual="", weight=0))
    assert "missing-value" in codes(r, 0) and r.indicators[0].score == 0
    assert "missing-value" in codes(r, 1)


def test_full_marks_with_blank_target_is_caught():
    r = score_rows(row(target="", actual="", claimed=90))
    assert r.indicators[0].score == 0
    assert {"missing-value", "score-mismatch"} <= set(codes(r, 0))


def test_not_a_number():
    r = score_rows(row(target="≥95%", actual="基本完成"))
    assert "not-a-number" in codes(r, 0)
    assert r.indicators[0].score == 0


def test_cost_direction():
    r = score_rows(row(subcategory="成本指标", target="≥10万元", actual="10万元"))
    assert "cost-direction" in codes(r, 0)
    assert "cost-direction" not in codes(score_rows(row(subcategory="成本指标", target="≤10万元", actual="9万元")), 0)


def test_deadlines():
    ok = score_rows(row(subcategory="时效指标", target="11月底前", actual="2023年10月"))
    assert ok.indicators[0].score == D("90.00") and codes(ok, 0) == []
    late = score_rows(row(subcategory="时效指标", target="9月前", actual="10月", claimed=80, note="设备延期到货"))
    assert "deadline-missed" in codes(late, 0)
    assert late.indicators[0].score == D("80.00")
    late_no_claim = score_rows(row(subcategory="时效指标", target="9月前", actual="10月"))
    assert late_no_claim.indicators[0].score == 0
    assert {"deadline-missed", "missing-deviation-note"} <= set(codes(late_no_claim, 0))
    text = score_rows(row(subcategory="时效指标", target="9月前", actual="按时完成"))
    assert "not-a-number" in codes(text, 0)


def test_claimed_above_weight_and_negative():
    r = score_rows(row(claimed=95))
    assert {"score-above-weight", "score-mismatch"} <= set(codes(r, 0))
    r2 = score_rows(row(claimed=-1))
    assert "score-negative" in codes(r2, 0)


# ------------------------------------------------------------------ qualitative


def qual(**kw):
    base = dict(category="效益指标", subcategory="社会效益指标", target="保障老有所养", actual="已保障")
    base.update(kw)
    return row(**base)


def test_qualitative_tiers():
    assert score_rows(qual(tier="达成")).indicators[0].score == D("90.00")
    r = score_rows(qual(tier="部分达成", claimed=60, note="部分街道未覆盖"))
    assert r.indicators[0].score == D("60.00") and codes(r, 0) == []
    below = score_rows(qual(tier="部分达成", claimed=60))
    assert "missing-deviation-note" in codes(below, 0)


def test_qualitative_out_of_tier():
    # 部分达成 range for w=90 is [54, 72)
    r = score_rows(qual(tier="部分达成", claimed=80, note="x"))
    assert "qualitative-out-of-tier" in codes(r, 0)
    assert r.indicators[0].score == D("71.99")
    # the finding says the tier's range (0.6 × 90 = 54, 0.8 × 90 = 72, open at the top), not "应为 71.99"
    assert "score-mismatch" not in codes(r, 0)
    out = next(f for f in r.indicators[0].findings if f.code == "qualitative-out-of-tier")
    assert "应在 [54.00, 72.00) 之内" in out.message and "71.99" not in out.message
    assert "应在 [54.00, 72.00) 之内" in r.indicators[0].explain
    r2 = score_rows(qual(tier="部分达成", claimed=54, note="x"), rules="qualitative-80-50")
    assert codes(r2, 0) == []


def test_qualitative_blank_actual_and_tier_problems():
    r = score_rows(qual(tier="达成", actual=""))
    assert "missing-value" in codes(r, 0) and r.indicators[0].score == 0
    assert "unknown-tier" in codes(score_rows(qual(tier="很好")), 0)
    assert "missing-tier" in codes(score_rows(qual()), 0)
    assumed = score_rows(qual(claimed=70, note="x"))
    assert "tier-assumed" in codes(assumed, 0)
    assert assumed.indicators[0].tier == "partial"


def test_manual_needs_reason():
    r = score_rows(row(method="manual", claimed=80))
    assert r.indicators[0].score == D("80.00")
    assert "missing-reason" in codes(r, 0)
    assert "missing-reason" not in codes(score_rows(row(method="manual", claimed=80, note="专家评议")), 0)


# ------------------------------------------------------------------ common indicators


def test_step_deduct_bands_checklist():
    step = row(target="≤0", actual="4%", weight=90, method="step_deduct", params={"reference": 0, "step": D("0.5")}, note="x")
    assert score_rows(step).indicators[0].score == D("88.00")
    bands = row(actual="85%", weight=90, method="bands", params={"bands": [[">=90", 90], ["[80,90)", 72], ["<80", 0]]}, note="x")
    assert score_rows(bands).indicators[0].score == D("72.00")
    gap = row(actual="85%", method="bands", params={"bands": [[">=90", 90]]})
    assert "band-not-found" in codes(score_rows(gap), 0)
    check = row(actual="2", weight=90, method="checklist", params={"points": 30, "mode": "violation"}, note="x")
    assert score_rows(check).indicators[0].score == D("30.00")
    bad = row(actual="2", method="step_deduct", params={"step": 1})
    assert "bad-params" in codes(score_rows(bad), 0)


# ------------------------------------------------------------------ form level


def test_weights_sum():
    r = score_rows(row(weight=80))
    assert "weights-sum" in codes(r)  # 80 + 10 ≠ 100
    r2 = score_rows(row(weight=90), categories={"产出指标": 50})
    assert "weights-sum" in codes(r2)


def test_category_weight_assumed_for_custom_category():
    r = score_rows(row(category="项目管理", weight=90), categories={})
    assert "category-weight-assumed" in codes(r)
    assert "weights-sum" not in codes(r)


@pytest.mark.parametrize("category", ["≥95%", "31.88万人", "100", "<3天", "≤5%"])
def test_a_category_that_looks_like_a_value_is_a_warning(category):
    r = score_rows(row(weight=45), row(name="乙", category=category, weight=45), categories={})
    found = [f for f in r.findings if f.code == "category-looks-like-value"]
    assert len(found) == 1 and found[0].severity == "warning"
    assert found[0].loc == ("indicators", 1, "category") and category in found[0].message
    assert r.warnings >= 1


@pytest.mark.parametrize("category", ["项目管理", "满意度指标"])
def test_a_named_category_is_not_taken_for_a_value(category):
    r = score_rows(row(category=category, weight=90), categories={})
    assert "category-looks-like-value" not in codes(r)


def test_a_declared_category_with_digits_is_not_a_warning():
    r = score_rows(row(category="2023年重点任务", weight=90), categories={"2023年重点任务": 90})
    assert "category-looks-like-value" not in codes(r)


def test_total_and_grade_mismatch():
    r = score_rows(row(claimed=90), funds=funds(100, 100, claimed=10), claimed={"total": 99, "grade": "优"})
    assert "total-mismatch" in codes(r)
    r2 = score_rows(row(claimed=90), funds=funds(100, 100, claimed=10), claimed={"total": 100, "grade": "良"})
    assert "grade-mismatch" in codes(r2)
    # claimed grade consistent with claimed total but not with the computed total
    r3 = score_rows(row(actual="89", claimed=90), funds=funds(100, 100, claimed=10), claimed={"total": 100, "grade": "优"})
    assert r3.total == D("90.10") and r3.grade == "优"
    assert "grade-mismatch" not in codes(r3)
    r4 = score_rows(row(actual="70", claimed=90), funds=funds(100, 100, claimed=10), claimed={"total": 100, "grade": "优"})
    assert r4.total == D("73.00") and r4.grade == "中"
    assert "grade-mismatch" in codes(r4)


@pytest.mark.parametrize(
    "rules, total, grade",
    [("central-2020", "85", "良"), ("grades-80-70-60", "85", "优"), ("grades-80-70-60", "75", "良"), ("no-grade", "85", "")],
)
def test_grade_bands(rules, total, grade):
    # funds 10; indicator 90 × (total − 10)/90 = total − 10
    r = score_rows(row(target="≥90", actual=str(int(total) - 10), weight=90, note="x"), rules=rules)
    assert r.total == D(total)
    assert r.grade == grade


def test_grade_boundary_on_rounded_total():
    # 90 × 89.995/100 = 80.9955 → 81.00; +10 = 91.00
    r = score_rows(row(target="≥100", actual="89.995", note="x"))
    assert r.indicators[0].score == D("81.00")


def test_duplicate_indicator_and_all_full_marks():
    rows = [
        row(name="发放率", target="=100%", actual="100%", weight=30, claimed=30),
        row(name="发放率", category="效益指标", subcategory="社会效益指标", target="=100%", actual="100%", weight=30, claimed=30),
        row(name="满意度", category="满意度指标", subcategory="服务对象满意度指标", target="≥95%", actual="100%", weight=30, claimed=30),
    ]
    r = score_rows(*rows)
    assert "duplicate-indicator" in codes(r)
    assert "all-full-marks" in codes(r)
    assert "satisfaction-full" in codes(r, 2)


def test_every_code_raised_is_catalogued():
    import re

    from .conftest import ROOT

    raised = set()
    sources = [ROOT / "scoring" / "review.py", ROOT / "scoring" / "loading.py", *sorted((ROOT / "scoring" / "checks").glob("*.py"))]
    for source in sources:
        text = source.read_text(encoding="utf-8")
        raised |= set(re.findall(r'(?:add|make)\(\s*"([a-z]+(?:-[a-z]+)+)"', text))
    assert len(raised) > 25
    assert raised <= set(CATALOG), raised - set(CATALOG)
    for rule in CATALOG.values():
        assert rule.severity in ("error", "warning", "info")
        assert rule.title and rule.meaning


def test_score_never_above_weight_or_below_zero_for_bad_inputs():
    text = form_toml([row(target="≥-5", actual="-10"), row(name="b", target="≤-1", actual="5", weight=0)])
    r = score_text(text)
    for ind in r.indicators:
        assert 0 <= ind.score <= ind.weight


def test_weight_precision():
    # 50 points over 67 rows of 0.7462: rounding each score can push the total past 100
    r = score_rows(row(weight=D("0.7462")), row(name="b", weight=D("89.2538")))
    assert codes(r).count("weight-precision") == 2
    assert "weight-precision" not in codes(score_rows(row(weight=D("90.00"))))


def test_percent_written_as_fraction_is_a_warning():
    r = score_rows(row(target="≥95%", actual="0.96", note="x"))
    assert "percent-as-fraction" in codes(r, 0) and "unit-assumed" not in codes(r, 0)
    assert r.indicators[0].score == D("0.91")  # 90 × 0.96/95, as written: the finding asks to fix it
    assert "96%" in r.indicators[0].findings[0].message
    assert "percent-as-fraction" not in codes(score_rows(row(target="≥95%", actual="96")), 0)


def test_explicit_method_with_a_bare_number_assumes_nothing():
    r = score_rows(row(target="3天", actual="4天", method="lower", note="x"))
    assert "operator-assumed" not in codes(r, 0)
    assert r.indicators[0].score == D("60.00")  # linear: 90 × (1 − 1/3)
    r2 = score_rows(row(subcategory="成本指标", target="10万元", actual="9万元", method="lower"))
    assert "cost-direction" not in codes(r2, 0)


@pytest.mark.parametrize("method", ["higher", "lower", "equal"])
def test_explicit_numeric_method_with_a_text_target(method):
    r = score_rows(row(target="确保养老金发放到位", actual="已发放", method=method))
    assert "not-a-number" in codes(r, 0) and r.indicators[0].score == 0
