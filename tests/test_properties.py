"""Property tests: bounds, totals and monotonicity for any input."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from jixiao.indicators.schema import Form, Indicator
from jixiao.scoring.engine import score_form
from jixiao.scoring.methods import q2
from jixiao.scoring.rules import load_rules

from tests.budget import examples

decimals = st.decimals(min_value=-1000, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
weights = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
ops = st.sampled_from(["≥", "≤", "=", ">", "<", ""])
units = st.sampled_from(["", "%", "人", "万人", "天"])
RULES = [load_rules(r) for r in ("central-2020", "reverse-inverse", "sichuan")]


@st.composite
def indicators(draw):
    a, b = draw(decimals), draw(decimals)
    qualitative = draw(st.booleans()) and draw(st.booleans())
    w = draw(weights)
    if qualitative:
        return Indicator(
            category="效益指标",
            name="q",
            target="保障老有所养",
            actual=draw(st.sampled_from(["", "已保障"])),
            weight=w,
            tier=draw(st.sampled_from(["", "达成", "部分达成", "未达成", "乱写"])),
            claimed=draw(st.one_of(st.none(), decimals)),
        )
    return Indicator(
        category="产出指标",
        name="n",
        target=f"{draw(ops)}{a}{draw(units)}",
        actual=f"{draw(st.sampled_from(['', '≥', '大于']))}{b}{draw(units)}",
        weight=w,
        claimed=draw(st.one_of(st.none(), decimals)),
    )


@st.composite
def forms(draw):
    rows = draw(st.lists(indicators(), min_size=0, max_size=8))
    annual, executed = draw(decimals), draw(decimals)
    return Form(
        format=1,
        kind="department",
        year=2023,
        unit={"name": "u"},
        funds={"weight": draw(weights), "appropriation": {"annual": annual, "executed": executed}},
        indicators=rows,
    )


@settings(max_examples=examples(300), deadline=None)
@given(forms(), st.sampled_from(RULES))
def test_scores_within_bounds_and_total_is_sum(form, rules):
    r = score_form(form, rules)
    for ind in r.indicators:
        assert 0 <= ind.score <= ind.weight
        assert ind.score == q2(ind.score)
    assert 0 <= r.funds.score <= r.funds.weight
    assert r.total == r.funds.score + sum((i.score for i in r.indicators), Decimal(0))


@settings(max_examples=examples(300), deadline=None)
@given(
    a=st.decimals(min_value=Decimal("0.01"), max_value=10000, places=2),
    b1=st.decimals(min_value=-100, max_value=20000, places=2),
    b2=st.decimals(min_value=-100, max_value=20000, places=2),
    w=weights,
    op=st.sampled_from(["≥", ">", "大于等于", "="]),
)
def test_higher_actual_never_lowers_a_higher_is_better_score(a, b1, b2, w, op):
    lo, hi = sorted([b1, b2])

    def score(b):
        form = Form(
            format=1,
            kind="department",
            year=2023,
            unit={"name": "u"},
            indicators=[Indicator(category="产出指标", name="n", target=f"{op}{a}", actual=f"{b}", weight=w)],
        )
        return score_form(form, RULES[0]).indicators[0].score

    assert score(lo) <= score(hi)


@settings(max_examples=examples(200), deadline=None)
@given(
    a=st.decimals(min_value=Decimal("0.01"), max_value=10000, places=2),
    b1=st.decimals(min_value=0, max_value=20000, places=2),
    b2=st.decimals(min_value=0, max_value=20000, places=2),
    rules=st.sampled_from(RULES[:2]),
)
def test_higher_actual_never_raises_a_lower_is_better_score(a, b1, b2, rules):
    lo, hi = sorted([b1, b2])

    def score(b):
        form = Form(
            format=1, kind="department", year=2023, unit={"name": "u"},
            indicators=[Indicator(category="产出指标", name="n", target=f"≤{a}", actual=f"{b}", weight=10)],
        )
        return score_form(form, rules).indicators[0].score

    assert score(lo) >= score(hi)
