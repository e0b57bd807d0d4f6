"""The engine on published provincial forms: units and multipliers, provincial rules as data (denominators,
caps, scales, step deductions, criteria rows, named fund rows, 不适用 rows), and every score explained.

Each score is checked against arithmetic written out by hand in the comments.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from jixiao.indicators.loader import FormError, load_form_text
from jixiao.indicators.values import Quantity, parse_value
from jixiao.scoring.engine import score_form
from jixiao.scoring.rules import load_rules

from .conftest import codes, form_toml, row, score_rows, score_text
from .pdf_text import pdf_text

D = Decimal


# ------------------------------------------------------------------ 1. multipliers on a bare side


def test_bare_actual_takes_the_targets_multiplier():
    # =6万元 vs 6 → 6 is 6万元 = 60000 元: equal, full marks 90.00 (it used to compare 6 元 with 60000 元: 0.01)
    r = score_rows(row(target="=6万元", actual="6"))
    assert r.indicators[0].score == D("90.00")
    unit = [f for f in r.indicators[0].findings if f.code == "unit-assumed"]
    assert unit and "万元" in unit[0].message


def test_bare_actual_over_a_le_target_in_wan_fails():
    # ≤6万元 vs 7 → 7万元 > 6万元, linear: 90 × (1 − (7 − 6) ÷ 6) = 90 × 5/6 = 75.00
    r = score_rows(row(target="≤6万元", actual="7"))
    assert r.indicators[0].score == D("75.00")
    assert "missing-deviation-note" in codes(r, 0)


def test_bare_target_takes_the_actuals_multiplier():
    # ≥5 vs 4万人 → the target is 5万人 = 50000 人; 90 × 40000 ÷ 50000 = 72.00
    r = score_rows(row(target="≥5", actual="4万人"))
    assert r.indicators[0].score == D("72.00")


@pytest.mark.parametrize(
    ("target", "actual", "score"),
    [
        ("≥2亿元", "1", "45.00"),  # 1亿元 of 2亿元: 90 × 1 ÷ 2 = 45.00
        ("≥20千米", "15", "67.50"),  # 15千米 of 20千米: 90 × 15 ÷ 20 = 67.50
        ("≥4万人", "3", "67.50"),  # 3万人 of 4万人: 90 × 3 ÷ 4 = 67.50
    ],
)
def test_other_multipliers(target, actual, score):
    assert score_rows(row(target=target, actual=actual)).indicators[0].score == D(score)


def test_explain_shows_the_numbers_in_the_written_unit():
    # 31.88万人 target, 32.66万人 actual, weight 12.5: 12.50 × 32.66 ÷ 31.88 = 12.806… → 12.81, capped at 12.50
    r = score_rows(row(target="31.88万人", actual="32.66万人", weight=D("12.5")), row("b", weight=D("77.5")))
    assert r.indicators[0].explain == "12.50 × 32.66 ÷ 31.88 = 12.81，封顶 12.50"


# ------------------------------------------------------------------ 2. bracketed unit annotations


@pytest.mark.parametrize("target", [">=98%(百分比)", "≥98%（百分比）", "98(百分比)"])
def test_bracketed_unit_annotation_is_read(target):
    value = parse_value(target)
    assert isinstance(value, Quantity) and value.value == D(98) and value.unit == "%"
    # 97% of 98%: 90 × 97 ÷ 98 = 89.0816… → 89.08
    r = score_rows(row(target=target, actual="97%", method="higher"))
    assert r.indicators[0].method == "higher" and r.indicators[0].score == D("89.08")


def test_operator_and_number_never_silently_qualitative():
    r = score_rows(row(target="≥98%左右", actual="99%", claimed=90))
    res = r.indicators[0]
    assert res.method != "qualitative" and res.score == D("0.00")
    found = [f for f in res.findings if f.code == "unreadable-value"]
    assert found and found[0].severity == "error" and "≥98%左右" in found[0].message


def test_plain_words_stay_qualitative():
    r = score_rows(row(target="达到国家标准", actual="已达到", tier="达成"))
    assert r.indicators[0].method == "qualitative" and "unreadable-value" not in codes(r)


# ------------------------------------------------------------------ 3. funds weight 0


def test_funds_weight_zero_still_computes_the_rate_and_checks_the_total():
    # 80 budget, 64 executed: rate 64 ÷ 80 = 80.00%; weight 0 → score 0.00
    # rows claim 90 + 5 = 95 (weights 95 + 5 = 100); the printed total 96 ≠ 95: total-mismatch
    r = score_rows(
        row("a", weight=95, claimed=90, note="原因"),
        row("b", weight=5, claimed=5),
        funds={"weight": 0, "appropriation": {"initial": 80, "annual": 80, "executed": 64}},
        claimed={"total": 96},
    )
    assert r.funds.rate == D("0.8") and r.funds.score == D("0.00")
    assert "total-mismatch" in codes(r)
    assert r.funds.explain == "执行率 64.00 ÷ 80.00（全年预算数） = 80.00%，资金执行率分值为 0，不计分"
    # no funds finding: a money block with no points does not need its rate to score
    assert not [f for f in r.findings if f.loc[:1] == ("funds",)]


def test_funds_weight_zero_total_right():
    # 90 + 5 = 95 claimed on rows, total 95: no total-mismatch
    r = score_rows(
        row("a", weight=95, claimed=90, note="原因"),
        row("b", weight=5, claimed=5),
        funds={"weight": 0, "appropriation": {"initial": 80, "annual": 80, "executed": 64}},
        claimed={"total": 95},
    )
    assert "total-mismatch" not in codes(r)


# ------------------------------------------------------------------ 4. smaller ones


def test_blank_weight_says_the_cell_is_empty():
    with pytest.raises(FormError) as exc:
        load_form_text(form_toml([row(weight="")]), "x.toml")
    message = str(exc.value.problems[0])
    assert "None" not in message and "空" in message


def test_sichuan_denominator_is_reported():
    # adjusted 50, executed 45: 45 ÷ 50 = 90.00%, × 10 = 9.00 (annual 60 is not the denominator)
    r = score_rows(
        row(weight=90),
        funds={"weight": 10, "appropriation": {"initial": 60, "annual": 60, "adjusted": 50, "executed": 45}},
        rules="sichuan",
    )
    assert r.funds.denominator == "adjusted" and r.funds.denominator_label == "调整后预算"
    assert r.funds.score == D("9.00")
    assert r.funds.explain == "执行率 45.00 ÷ 50.00（调整后预算） = 90.00%，× 10 = 9.00"


def test_cli_table_prints_the_denominator_used(tmp_path):
    from jixiao.tui.commands.score import format_result_table

    r = score_rows(
        row(weight=90),
        funds={"weight": 10, "appropriation": {"initial": 60, "annual": 60, "adjusted": 50, "executed": 45}},
        rules="sichuan",
    )
    table = format_result_table(r)
    assert "调整后预算 50.00 万元" in table and "全年预算数 — 万元" not in table


def test_no_deviation_note_on_the_engines_own_missing_value():
    r = score_rows(row(actual=""))
    assert codes(r, 0) == ["missing-value"]
    # a row below full marks for a real reason still asks for the note: 90 × 50 ÷ 100 = 45.00
    r2 = score_rows(row(target="≥100", actual="50"))
    assert r2.indicators[0].score == D("45.00") and "missing-deviation-note" in codes(r2, 0)


def test_year_may_be_left_out():
    text = form_toml([row()]).replace("year = 2023\n", "")
    r = score_text(text)
    assert r.form.year is None and "missing-year" in codes(r)
    from jixiao.tui.commands.score import format_result_table

    table = format_result_table(r)
    assert "0年度" not in table and "None年度" not in table and "年度" not in table.splitlines()[0]


def test_deadline_without_a_form_year():
    text = form_toml([row(subcategory="时效指标", target="9月前", actual="2023年8月", weight=90)]).replace("year = 2023\n", "")
    assert score_text(text).indicators[0].score == D("90.00")


# ------------------------------------------------------------------ 5. sichuan level-1 weights


def test_sichuan_level1_weights_come_from_the_form():
    # 产出 67.5 + 效益 22.5 + 满意度 0 rows, funds 10: 67.5 + 22.5 + 10 = 100, no weights-sum
    rows = [row("a", weight=D("67.5")), row("b", weight=D("22.5"), category="效益指标")]
    r = score_text(form_toml(rows, categories={}, rules="sichuan"))
    assert "weights-sum" not in codes(r) and "category-weight-assumed" not in codes(r)
    # central-2020 imposes 50 / 30: both categories disagree
    r2 = score_text(form_toml(rows, categories={}))
    assert codes(r2).count("weights-sum") == 2


def test_sichuan_overall_hundred_still_checked():
    # 60 + 22.5 + 10 = 92.5 ≠ 100
    rows = [row("a", weight=60), row("b", weight=D("22.5"), category="效益指标")]
    r = score_text(form_toml(rows, categories={}, rules="sichuan"))
    assert codes(r).count("weights-sum") == 1


# ------------------------------------------------------------------ 6. qualitative scales


def test_you_on_youliangzhongdicha_is_full_marks():
    # 指标值 优良中低差, 完成值 优, no tier, no claim: 优 = [1w, 1w] = 90.00
    r = score_rows(row(target="优良中低差", actual="优", weight=90))
    res = r.indicators[0]
    assert res.method == "qualitative" and res.tier == "优" and res.score == D("90.00")
    assert "missing-deviation-note" not in codes(r, 0)


def test_liang_range_and_claim():
    # 良 = [0.8w, w) = [72.00, 90.00) with w 90; claimed 80 inside; a note is required below the top tier
    r = score_rows(row(target="优良中低差", actual="良", claimed=80, note="略有不足"))
    res = r.indicators[0]
    assert res.score == D("80.00") and codes(r, 0) == []
    assert res.explain == "定性·良：区间 [72.00, 90.00)，填报 80.00"
    # claimed 90 is outside [72, 90): clamped to 89.99
    r2 = score_rows(row(target="优良中低差", actual="良", claimed=90, note="x"))
    assert r2.indicators[0].score == D("89.99") and "qualitative-out-of-tier" in codes(r2, 0)


@pytest.mark.parametrize(
    ("target", "tier", "claimed", "score"),
    [
        ("好/较好/一般/差", "好", None, "90.00"),  # 好 [1w, 1w]
        ("好/较好/一般/差", "一般", 60, "60.00"),  # 一般 [0.6w, 0.8w) = [54, 72)
        ("完成/基本完成/未完成", "基本完成", 70, "70.00"),  # 基本完成 [0.6w, w) = [54, 90)
        ("是/否", "是", None, "90.00"),  # 是 = w
        ("是/否", "否", None, "0.00"),  # 否 = 0 (a fixed tier: no claim needed)
    ],
)
def test_other_scales(target, tier, claimed, score):
    extra = {"claimed": claimed} if claimed is not None else {}
    r = score_rows(row(target=target, actual=tier, tier=tier, note="说明", **extra))
    assert r.indicators[0].score == D(score)
    assert "missing-value" not in codes(r, 0) and "unknown-tier" not in codes(r, 0)


def test_partial_explained_as_in_the_issue():
    # w 10, 部分达成 [0.6w, 0.8w) = [6.00, 8.00), claimed 7
    r = score_rows(row(target="按计划完成", actual="部分完成", tier="部分达成", weight=10, claimed=7, note="x"),
                   row("b", weight=80))
    assert r.indicators[0].explain == "定性·部分达成：区间 [6.00, 8.00)，填报 7.00"


def test_scales_are_rule_set_data(tmp_path):
    rules = tmp_path / "mine.toml"
    rules.write_text(
        'id = "mine"\nextends = "central-2020"\nsource = "测试"\n'
        '[[qualitative.scales]]\nname = "甲乙"\ntiers = [{ words = ["甲"], min = 1, max = 1 }, { words = ["乙"], min = 0.5, max = 0.5 }]\n',
        encoding="utf-8",
    )
    form = load_form_text(form_toml([row(target="甲乙", actual="乙", weight=90, note="x")]), "t.toml")
    # 乙 = 0.5 × 90 = 45.00 (a fixed tier)
    r = score_form(form, load_rules(str(rules)))
    assert r.indicators[0].score == D("45.00")


def test_scale_tiers_must_be_ordered(tmp_path):
    rules = tmp_path / "bad.toml"
    rules.write_text(
        'id = "bad"\nsource = "x"\n[[qualitative.scales]]\nname = "乱"\n'
        'tiers = [{ words = ["低"], min = 0, max = 0.5 }, { words = ["高"], min = 0.5, max = 1 }]\n',
        encoding="utf-8",
    )
    with pytest.raises(FormError):
        load_rules(str(rules))


# ------------------------------------------------------------------ 7. step_deduct below a reference


@pytest.mark.parametrize(
    ("count", "score"),
    [
        ("continuous", "7.20"),  # 100 − 93 = 7 below; 10 − 2 × 7 ÷ 5 = 10 − 2.8 = 7.20
        ("full", "8.00"),  # 7 ÷ 5 = 1 full step: 10 − 2 × 1 = 8.00
        ("started", "6.00"),  # 7 ÷ 5 → 2 started steps: 10 − 2 × 2 = 6.00
    ],
)
def test_step_deduct_below(count, score):
    # 预算完成率 “100%计满分，每低于5%扣2分”, actual 93%
    params = {"reference": 100, "step": 2, "per": 5, "direction": "below", "count": count}
    r = score_rows(row("预算完成率", target="", actual="93%", weight=10, method="step_deduct", params=params, note="x"),
                   row("b", weight=80))
    assert r.indicators[0].score == D(score)


def test_step_deduct_below_at_reference_is_full():
    params = {"reference": 100, "step": 2, "per": 5, "direction": "below"}
    r = score_rows(row(target="", actual="100%", weight=10, method="step_deduct", params=params), row("b", weight=80))
    assert r.indicators[0].score == D("10.00")


def test_step_deduct_explain_and_bad_direction():
    params = {"reference": 100, "step": 2, "per": 5, "direction": "below", "count": "full"}
    r = score_rows(row(target="", actual="93%", weight=10, method="step_deduct", params=params, note="x"), row("b", weight=80))
    assert r.indicators[0].explain == "每低于参照值 100.00 5 扣 2 分：低于 7.00，满一档计一档，计 1 档，10.00 − 2 × 1 = 8.00"
    bad = score_rows(row(target="", actual="93%", weight=10, method="step_deduct",
                         params={"reference": 100, "step": 2, "direction": "under"}), row("b", weight=80))
    assert "bad-params" in codes(bad, 0)


# ------------------------------------------------------------------ 8. criteria rows


def test_criteria_row_takes_the_claim_and_asks_for_a_note_below_full():
    standard = "项目立项符合规定程序得 3 分，否则不得分"
    full = score_rows(row("立项程序规范性", target="", actual="", weight=3, claimed=3, method="criteria", standard=standard,
                          category="项目决策"), row("b", weight=87))
    res = full.indicators[0]
    assert res.score == D("3.00") and res.standard == standard and codes(full, 0) == []
    low = score_rows(row("立项程序规范性", target="", actual="", weight=3, claimed=2, method="criteria", category="项目决策"),
                     row("b", weight=87))
    assert low.indicators[0].score == D("2.00") and codes(low, 0) == ["missing-deviation-note"]
    assert low.indicators[0].explain == "按评价标准评分：按填报得分 2.00 计（分值 3.00）"
    missing = score_rows(row(target="", actual="", weight=3, method="criteria", category="项目决策"), row("b", weight=87))
    assert codes(missing, 0) == ["missing-value"]


# ------------------------------------------------------------------ 9. named fund rows


def test_named_fund_rows_count_in_the_total():
    text = form_toml(
        [row(weight=90)],
        funds={"weight": 10, "total": {"annual": 100, "executed": 90},
               "appropriation": {"annual": 60, "executed": 50}},
    )
    text += '[[funds.rows]]\nname = "财政专户管理资金"\nannual = 30\nexecuted = 30\n'
    text += '[[funds.rows]]\nname = "单位资金"\nannual = 10\nexecuted = 10\n'
    # 60 + 30 + 10 = 100 budget, 50 + 30 + 10 = 90 executed: the total row agrees; 90 ÷ 100 × 10 = 9.00
    r = score_text(text)
    assert "funds-total-mismatch" not in codes(r)
    assert r.funds.score == D("9.00") and r.funds.rows["单位资金"]["annual"] == D(10)
    # without the named rows the total row would disagree with 60 / 50
    bad = score_text(text.replace("annual = 10\nexecuted = 10", "annual = 5\nexecuted = 10"))
    assert "funds-total-mismatch" in codes(bad)


# ------------------------------------------------------------------ 10. provincial rules


@pytest.mark.parametrize(
    ("executed", "total", "cap"),
    [
        (75, "89.00", True),  # rate 75%: 7.50 + 90 = 97.50 → at most 89
        (65, "79.00", True),  # 65%: 6.50 + 90 = 96.50 → 79
        (55, "69.00", True),  # 55%: 5.50 + 90 = 95.50 → 69 (also below 60)
        (45, "59.00", True),  # 45%: 4.50 + 90 = 94.50 → 59 (the strictest)
        (85, "98.50", False),  # 85%: 8.50 + 90 = 98.50, no cap
    ],
)
def test_execution_rate_caps_the_total(executed, total, cap):
    r = score_rows(row(weight=90), funds={"weight": 10, "note": "原因",
                                          "appropriation": {"annual": 100, "executed": executed}},
                   rules="provincial-manual")
    assert r.total == D(total)
    assert ("total-capped" in codes(r)) is cap


def test_caps_explained():
    # 78.90 of 80: 98.625% → no cap; 60 of 80 = 75% → 7.50 + 90 = 97.50, capped 89
    r = score_rows(row(weight=90), funds={"weight": 10, "note": "x", "appropriation": {"annual": 80, "executed": 60}},
                   rules="provincial-manual")
    assert r.explain == "资金执行率 7.50 + 各项指标 90.00 = 97.50；执行率 75.00% 低于 80%，总分不超过 89，按 89.00 计；等级 良（89.00 ≥ 80）"
    ok = score_rows(row(weight=90), funds={"weight": 10, "appropriation": {"annual": 80, "executed": D("78.9")}})
    # 78.90 ÷ 80.00 = 98.625% → 98.63%, × 10 = 9.8625 → 9.86
    assert ok.funds.explain == "执行率 78.90 ÷ 80.00（全年预算数） = 98.63%，× 10 = 9.86"


def test_caps_are_absent_from_central():
    r = score_rows(row(weight=90), funds={"weight": 10, "appropriation": {"annual": 100, "executed": 45}})
    # 4.50 + 90 = 94.50
    assert r.total == D("94.50") and "total-capped" not in codes(r)


def test_claimed_total_may_follow_the_cap():
    # rows claim 90 + funds 7.5 = 97.5, capped at 89: a printed 89 is right
    r = score_rows(row(weight=90, claimed=90), funds={"weight": 10, "claimed": D("7.5"), "note": "x",
                                                      "appropriation": {"annual": 100, "executed": 75}},
                   claimed={"total": 89}, rules="provincial-manual")
    assert "total-mismatch" not in codes(r)


def test_over_130_percent_annotated_not_deducted():
    # 140 of 100 = 1.4 × > 1.3: full marks 90.00, over-achievement needs a note
    r = score_rows(row(target="≥100", actual="140"), rules="review-130")
    assert r.indicators[0].score == D("90.00")
    assert {"over-achievement", "missing-deviation-note"} <= set(codes(r, 0))
    # 125 of 100 is under 1.3: nothing
    assert codes(score_rows(row(target="≥100", actual="125"), rules="review-130"), 0) == []


def test_not_applicable_rows_rescaled():
    # 产出 50: rows a 20 (不适用), b 20, c 10 → the applicable 30 rescaled by 50 ÷ 30
    # b: 20 × 50 ÷ 100 (half) = 10 → 10 × 50 ÷ 30 = 16.666… → 16.67; c full: 10 × 50 ÷ 30 = 16.67
    rows = [
        row("a", weight=20, actual="不适用"),
        row("b", weight=20, actual="50", note="x"),
        row("c", weight=10),
        row("d", weight=40, category="效益指标", actual="100"),
    ]
    r = score_text(form_toml(rows, categories={"产出指标": 50, "效益指标": 40}), "provincial-manual")
    a, b, c, d = r.indicators
    assert a.score == D("0.00") and not a.applicable and "not-applicable" in codes(r, 0)
    assert b.score == D("16.67") and c.score == D("16.67") and d.score == D("40.00")
    assert "50 ÷ 30" in b.explain
    # 10.00 + 0 + 16.67 + 16.67 + 40.00 = 83.34
    assert r.total == D("83.34")


def test_not_applicable_with_central_is_zero():
    rows = [row("a", weight=45, applicable=False, actual=""), row("b", weight=45)]
    r = score_rows(*rows)
    assert r.indicators[0].score == D("0.00") and r.indicators[1].score == D("45.00")
    assert codes(r, 0) == ["not-applicable"]


# ------------------------------------------------------------------ 11. explain everywhere


def test_every_row_of_the_seed_is_explained(seed_path):
    from jixiao.scoring.loading import score_file

    r = score_file(seed_path)
    assert all(i.explain for i in r.indicators)
    data = r.to_dict()
    assert data["indicators"][0]["explain"] == "12.50 × 32.66 ÷ 31.88 = 12.81，封顶 12.50"
    assert data["funds"]["explain"] and data["total"]["explain"]


@pytest.mark.parametrize(
    ("target", "actual", "words"),
    [
        ("≤3天", "4天", "90.00 × (1 − (4.00 − 3.00) ÷ 3.00) = 60.00"),  # 90 × (1 − 1/3) = 60.00
        ("=0", "0", "年度指标值为 0，实际完成值 0.00 不大于 0：得满分 90.00"),
        ("≥100", "50", "90.00 × 50.00 ÷ 100.00 = 45.00"),
        ("9月前", "2023年10月", "时效：完成时间 2023年10月 晚于期限 9月前，未填报得分，暂按 0.00"),
    ],
)
def test_explain_words(target, actual, words):
    r = score_rows(row(target=target, actual=actual, note="x"))
    assert words in r.indicators[0].explain


def test_missing_value_explained():
    r = score_rows(row(actual=""))
    assert r.indicators[0].explain.startswith("得 0.00：实际完成值为空")


def test_tui_detail_panel_shows_the_arithmetic_and_the_criterion(tmp_path, monkeypatch):
    import asyncio

    from jixiao.indicators.document import FormDocument
    from jixiao.tui.app import JixiaoApp
    from jixiao.tui.components.detail_panel import DetailPanel
    from jixiao.tui.components.indicator_table import IndicatorTable

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    standard = "立项符合规定程序得 3 分"
    path = tmp_path / "f.toml"
    path.write_text(
        form_toml([
            row("立项程序", target="", actual="", weight=3, claimed=2, method="criteria", standard=standard,
                category="项目决策", note="材料不全"),
            row("b", target="≥100", actual="50", weight=87, note="x"),
        ]),
        encoding="utf-8",
    )
    app = JixiaoApp(FormDocument.open(path), cursor_blink=False)
    seen: list[str] = []

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            seen.append(str(app.query_one(DetailPanel).render()))
            table = app.query_one(IndicatorTable)
            table.focus()
            table.move_cursor(row=1)
            await pilot.pause()
            seen.append(str(app.query_one(DetailPanel).render()))

    asyncio.run(main())
    assert "评价标准：" + standard in seen[0] and "计算过程：按评价标准评分：按填报得分 2.00 计（分值 3.00）" in seen[0]
    # 87 × 50 ÷ 100 = 43.50
    assert "计算过程：87.00 × 50.00 ÷ 100.00 = 43.50" in seen[1]


PROVINCIAL = __import__("pathlib").Path(__file__).resolve().parent / "fixtures" / "review" / "provincial" / "10-provincial.toml"


def test_provincial_fixture_by_hand():
    from jixiao.scoring.loading import score_file

    r = score_file(PROVINCIAL)
    # funds 75 ÷ 100 = 75%, × 10 = 7.50
    # 产出 50 with 设备采购 (10) 不适用: 30 and 10 × 50 ÷ 40 → 37.50 and 12.50
    # 效益: 28 full, 技术到位率 “≥95%左右” unreadable → 0; 满意度 10
    # 7.50 + 37.50 + 12.50 + 0 + 28 + 0 + 10 = 95.50 → rate 75% < 80%: at most 89 → 89.00, grade 良
    assert [i.score for i in r.indicators] == [D("37.50"), D("12.50"), D("0.00"), D("28.00"), D("0.00"), D("10.00")]
    assert r.total == D("89.00") and r.grade == "良"
    # (the fixture has no 年度总体目标: goal-missing)
    assert set(codes(r)) == {"not-applicable", "unreadable-value", "score-mismatch", "missing-year", "total-capped", "goal-missing"}


def test_review_xlsx_has_the_arithmetic_column(tmp_path, capsys):
    from jixiao.tui.cli import main
    from openpyxl import load_workbook

    out = tmp_path / "r.xlsx"
    main(["review", str(PROVINCIAL), "--out", str(out)])
    capsys.readouterr()
    ws = load_workbook(out)["指标"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][-1] == "计算过程"
    assert rows[1][5] == "资金执行率" and rows[1][-1] == "执行率 75.00 ÷ 100.00（全年预算数） = 75.00%，× 10 = 7.50"
    # 产出 row 1: 30 × 50 ÷ 40 = 37.50
    assert "50 ÷ 40" in rows[2][-1] and "37.50" in rows[2][-1]
    assert rows[4][-1].startswith("不适用")


def test_json_output_has_explain(capsys):
    import json

    from jixiao.tui.cli import main

    main(["score", str(PROVINCIAL), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["year"] is None
    assert data["total"]["explain"] == (
        "资金执行率 7.50 + 各项指标 88.00 = 95.50；执行率 75.00% 低于 80%，总分不超过 89，按 89.00 计；等级 良（89.00 ≥ 80）"
    )
    assert data["indicators"][2]["applicable"] is False
    assert all(i["explain"] for i in data["indicators"])


def test_pdf_explain_appendix_criterion_and_named_fund_rows(tmp_path, capsys):
    from jixiao.tui.cli import main

    form = tmp_path / "f.toml"
    text = form_toml(
        [
            row("立项程序规范性", target="", actual="", weight=10, claimed=8, method="criteria",
                standard="审批文件齐全得10分", category="项目决策", note="缺少论证"),
            row("b", target="≥100", actual="50", weight=80, note="x"),
        ],
        funds={"weight": 10, "appropriation": {"annual": 60, "executed": 45}},
    ).replace("year = 2023\n", "")
    text += '[[funds.rows]]\nname = "财政专户管理资金"\nannual = 40\nexecuted = 30\n'
    form.write_text(text, encoding="utf-8")
    plain_pdf, explained_pdf = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert main(["pdf", str(form), "-o", str(plain_pdf), "--review"]) == 0
    assert main(["pdf", str(form), "-o", str(explained_pdf), "--review", "--explain"]) == 0
    capsys.readouterr()
    without, with_ = pdf_text(plain_pdf), pdf_text(explained_pdf)
    assert "计算过程" not in without and "计算过程" in with_
    flat = with_.replace("\n", "").replace(" ", "")
    # funds (45 + 30) ÷ (60 + 40) = 75%, × 10 = 7.50; b: 80 × 50 ÷ 100 = 40.00
    assert "执行率75.00÷100.00（全年预算数）=75.00%，×10=7.50" in flat
    assert "80.00×50.00÷100.00=40.00" in flat
    assert "按评价标准评分：按填报得分8.00计（分值10.00）" in flat
    # the criterion is printed in the form, the named fund row too, and no "0年度"/"None年度" title
    assert "审批文件齐全得10分" in without.replace("\n", "").replace(" ", "")
    assert "财政专户管理资金" in without
    assert "None年度" not in without and "0年度" not in without
