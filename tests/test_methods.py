"""Each scoring formula with hand-computed values."""

from decimal import Decimal

import pytest
from jixiao.scoring import methods as m

D = Decimal


def test_round_half_up():
    assert m.q2(D("8.625")) == D("8.63")
    assert m.q2(D("8.615")) == D("8.62")
    assert m.q2(D("0.005")) == D("0.01")


@pytest.mark.parametrize(
    "w, a, b, expected",
    [
        ("10", "95", "95", "10"),
        ("10", "95", "99", "10"),
        ("10", "100", "90", "9"),  # 10 × 90/100
        ("12.5", "31.88", "30", "11.76"),  # 12.5 × 30/31.88 = 11.763...
        ("10", "100", "-5", "0"),  # negative B counts as 0
        ("10", "0", "0", "10"),
    ],
)
def test_higher_is_better(w, a, b, expected):
    assert m.q2(m.higher_is_better(D(w), D(a), D(b))) == D(expected)


@pytest.mark.parametrize(
    "a, b, linear, inverse",
    [
        ("3", "3", "10", "10"),
        ("3", "2", "10", "10"),
        ("3", "4", "6.67", "7.50"),  # linear 10×(1−1/3); inverse 10×3/4
        ("3", "6", "0", "5"),  # B = 2A → 0 (linear)
        ("3", "9", "0", "3.33"),
        ("0", "1", "0", "0"),  # A = 0, any B over it
    ],
)
def test_lower_is_better(a, b, linear, inverse):
    assert m.q2(m.lower_is_better(D(10), D(a), D(b), "linear")) == D(linear)
    assert m.q2(m.lower_is_better(D(10), D(a), D(b), "inverse")) == D(inverse)


@pytest.mark.parametrize(
    "a, b, expected",
    [("0", "0", "10"), ("0", "-1", "10"), ("0", "1", "0"), ("100", "100", "10"), ("100", "120", "10"), ("100", "80", "8")],
)
def test_equal(a, b, expected):
    assert m.q2(m.equal_to(D(10), D(a), D(b))) == D(expected)


def test_step_deduct_hunan():
    # 三公经费变动率 ≤0 → 5, −0.5 per point over
    assert m.step_deduct(D(5), D(-3), D(0), D("0.5")) == D(5)
    assert m.step_deduct(D(5), D(4), D(0), D("0.5")) == D(3)
    assert m.step_deduct(D(5), D(20), D(0), D("0.5")) == D(0)
    # 财政供养人员控制率 ≤100% → 5, −0.5 per point over
    assert m.step_deduct(D(5), D(102), D(100), D("0.5")) == D(4)


ADJUSTMENT_BANDS = [["=0", 3], ["(0,10]", 2], ["(10,20]", 1], ["(20,30]", "0.5"], [">30", 0]]
KEY_SPENDING_BANDS = [[">=90", 5], ["[80,90)", 4], ["[70,80)", 3], ["[60,70)", 2], ["<60", 0]]


@pytest.mark.parametrize(
    "b, expected",
    [("0", "3"), ("0.1", "2"), ("10", "2"), ("10.01", "1"), ("20", "1"), ("25", "0.5"), ("30", "0.5"), ("31", "0")],
)
def test_bands_budget_adjustment(b, expected):
    assert m.band_score(D(b), ADJUSTMENT_BANDS) == D(expected)


@pytest.mark.parametrize("b, expected", [("95", "5"), ("90", "5"), ("89.99", "4"), ("80", "4"), ("70", "3"), ("60", "2"), ("59", "0")])
def test_bands_key_spending(b, expected):
    assert m.band_score(D(b), KEY_SPENDING_BANDS) == D(expected)


def test_bands_table_form_and_gap():
    assert m.band_score(D(5), [{"range": "[0,10)", "score": 2}]) == D(2)
    assert m.band_score(D(50), [["[0,10)", 2]]) is None
    with pytest.raises(ValueError):
        m.parse_interval("about 10")


def test_checklist():
    assert m.checklist(D(5), D(3), D(1), "met") == D(3)
    assert m.checklist(D(5), D(9), D(1), "met") == D(5)
    assert m.checklist(D(5), D(2), D(1), "violation") == D(3)
    assert m.checklist(D(5), D(8), D(1), "violation") == D(0)


def test_tiers():
    assert m.tier_of("达成") == "achieved"
    assert m.tier_of("部分达成年度指标并具有一定效果") == "partial"
    assert m.tier_of("未达成") == "failed"
    assert m.tier_of("很好") is None
    assert m.tier_range("achieved", D(10), D("0.8"), D("0.6")) == (D(8), D(10), True)
    assert m.tier_range("partial", D(10), D("0.8"), D("0.6")) == (D(6), D(8), False)
    assert m.tier_range("failed", D(10), D("0.8"), D("0.5")) == (D(0), D(5), False)


def test_step_deduct_directions_and_counts():
    # above (the default, as before): reference 0, 0.5 per point, 4 over → 5 − 0.5 × 4 = 3
    assert m.step_deduct(D(5), D(4), D(0), D("0.5")) == D(3)
    # below: 100%计满分，每低于5%扣2分; 93% is 7 below
    assert m.step_deduct(D(10), D(93), D(100), D(2), D(5), "below") == D("7.2")  # 10 − 2 × 7/5
    assert m.step_deduct(D(10), D(93), D(100), D(2), D(5), "below", "full") == D(8)  # 1 full step
    assert m.step_deduct(D(10), D(93), D(100), D(2), D(5), "below", "started") == D(6)  # 2 started steps
    assert m.step_deduct(D(10), D(105), D(100), D(2), D(5), "below") == D(10)  # above the reference: full
    assert m.step_deduct(D(10), D(50), D(100), D(2), D(5), "below", "started") == D(0)  # 10 steps: floored at 0
    assert m.step_steps(D(90), D(100), D(5), "below", "full") == (D(10), D(2))
    with pytest.raises(ValueError):
        m.step_steps(D(90), D(100), D(5), "sideways")
    with pytest.raises(ValueError):
        m.step_steps(D(90), D(100), D(0), "below")


def test_scales_from_rules():
    from jixiao.scoring.rules import load_rules

    scales = m.scales_for(load_rules("central-2020").qualitative)
    assert scales[0].default and [t[0] for t in scales[0].tiers] == ["achieved", "partial", "failed"]
    you = next(s for s in scales if s.name == "优良中低差")
    # 优 is full marks: [1, 1], inclusive; 良 [0.8, 1)
    assert you.tiers[you.find("优")][2:] == (D(1), D(1), True)
    assert you.tiers[you.find("良")][2:] == (D("0.8"), D(1), False)
