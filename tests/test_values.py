from decimal import Decimal

import pytest
from jixiao.indicators.values import Deadline, Quantity, Text, parse_value

D = Decimal


@pytest.mark.parametrize(
    "raw, op, value, unit",
    [
        ("≥95%", "ge", "95", "%"),
        (">=95%", "ge", "95", "%"),
        ("大于等于95%", "ge", "95", "%"),
        ("不低于95%", "ge", "95", "%"),
        ("不少于100人", "ge", "100", "人"),
        ("≤3天", "le", "3", "天"),
        ("<=3天", "le", "3", "天"),
        ("不高于5%", "le", "5", "%"),
        ("不超过10万元", "le", "100000", "元"),
        ("小于等于2", "le", "2", ""),
        (">90", "gt", "90", ""),
        ("大于95%", "gt", "95", "%"),
        ("超过3个", "gt", "3", "个"),
        ("<1%", "lt", "1", "%"),
        ("小于1%", "lt", "1", "%"),
        ("低于1%", "lt", "1", "%"),
        ("=100%", "eq", "100", "%"),
        ("等于100%", "eq", "100", "%"),
        ("31.88万人", None, "318800", "人"),
        ("1,387.53", None, "1387.53", ""),
        ("100百分比", None, "100", "%"),
        ("1.5亿元", None, "150000000", "元"),
        ("95%以上", "ge", "95", "%"),
        # look-alikes and full width
        ("≧95％", "ge", "95", "%"),
        ("≦3天", "le", "3", "天"),
        ("═100%", "eq", "100", "%"),
        ("﹦72890元", "eq", "72890", "元"),
        ("＝100%", "eq", "100", "%"),
        ("＞９０", "gt", "90", ""),
        ("＜５％", "lt", "5", "%"),
        ("１２３", None, "123", ""),
        (" ≥ 95 % ", "ge", "95", "%"),
    ],
)
def test_quantities(raw, op, value, unit):
    v = parse_value(raw)
    assert isinstance(v, Quantity), v
    assert v.op == op
    assert v.value == D(value)
    assert v.unit == unit


@pytest.mark.parametrize(
    "raw, year, month, day, before",
    [
        ("2023年12月", 2023, 12, None, False),
        ("9月前", None, 9, None, True),
        ("11月底前", None, 11, None, True),
        ("12月31日前", None, 12, 31, True),
        ("2023年10月", 2023, 10, None, False),
        ("7月", None, 7, None, False),
        ("2023-10-01", 2023, 10, 1, False),
    ],
)
def test_deadlines(raw, year, month, day, before):
    v = parse_value(raw)
    assert isinstance(v, Deadline), v
    assert (v.year, v.month, v.day, v.before) == (year, month, day, before)


@pytest.mark.parametrize("raw", ["确保养老金发放到位", "在项目计划完成时间内完成", "保障老有所养", "95%左右"])
def test_text(raw):
    assert isinstance(parse_value(raw), Text)


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_blank(raw):
    assert parse_value(raw) is None


def test_deadline_comparison_uses_month_end():
    target = parse_value("11月底前")
    on_time = parse_value("2023年11月")
    late = parse_value("12月")
    assert on_time.key(2023) <= target.key(2023)
    assert late.key(2023) > target.key(2023)


@pytest.mark.parametrize(
    ("raw", "value", "unit", "scale", "written"),
    [
        ("6万元", "60000", "元", "10000", "万元"),
        ("≤2亿元", "200000000", "元", "100000000", "亿元"),
        ("20千米", "20000", "米", "1000", "千米"),
        ("5‰", "0.5", "%", "0.1", "‰"),
        ("95%", "95", "%", "1", "%"),
        (">=98%(百分比)", "98", "%", "1", "%"),
        ("≥98%（百分比）", "98", "%", "1", "%"),
        ("6(万元)", "60000", "元", "10000", "万元"),
    ],
)
def test_scale_and_written_unit(raw, value, unit, scale, written):
    q = parse_value(raw)
    assert isinstance(q, Quantity)
    assert (q.value, q.unit, q.scale, q.unit_text) == (Decimal(value), unit, Decimal(scale), written)


def test_looks_quantitative():
    from jixiao.indicators.values import looks_quantitative

    assert looks_quantitative("≥98%左右") and looks_quantitative("不低于95分以上的水平")
    assert not looks_quantitative("达到国家标准") and not looks_quantitative("98%") and not looks_quantitative(None)
