"""What eight more published forms showed the engine: totals, operators, 无, rounding conventions, and a form's
completeness (claimed-missing, goal-missing, template-text-left)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from jixiao.indicators import template_text
from jixiao.indicators.loader import load_form_text
from jixiao.scoring.engine import score_form

from .conftest import codes, form_toml, row, score_text

GOAL = '[goal]\nexpected = "全年服务 100 人"\nachieved = "服务 98 人"\n'


def with_goal(text: str) -> str:
    return text.replace("[funds]", GOAL + "[funds]", 1)


def found(result, code):
    return [f for f in result.findings if f.code == code]


# ------------------------------------------------------------------ item 1: a total that leaves the funds out


def test_a_claimed_total_without_the_funds_score_is_checked():
    # a Yunnan-like form: the rows weigh 100 and the funds 10 more; the funds 得分 blank (100% executed → 10),
    # the rows claim 60 + 30 + 8 = 98 and the printed total is 98
    rows = [
        row("产出", "≥100人", "100人", 60, category="产出指标", claimed=60),
        row("效益", "≥100人", "100人", 30, category="效益指标", claimed=30),
        row("满意度", "≥90%", "95%", 10, category="满意度指标", claimed=8, note="个别不满意"),
    ]
    r = score_text(with_goal(form_toml(rows, claimed={"total": 98})))
    # jixiao's total: 10 + 60 + 30 + 10 = 110; the form's 98 leaves the funds' 10 out of 10 + 60 + 30 + 8 = 108
    assert r.total == D("110.00")
    mismatch = found(r, "total-mismatch")
    assert len(mismatch) == 1 and "填报总分 98.00" in mismatch[0].message and "108.00" in mismatch[0].message
    assert "1 项未填得分" in mismatch[0].message
    missing = found(r, "claimed-missing")
    assert [f.loc for f in missing] == [("funds", "claimed")] and "分值 10.00" in missing[0].message
    # the funds 得分 filled in: 10 + 98 = 108 ≠ 98 still, without the blank's words and without claimed-missing
    r = score_text(with_goal(form_toml(rows, funds={"weight": 10, "claimed": 10, "total": {"annual": 100, "executed": 100}},
                                       claimed={"total": 108})))
    assert "total-mismatch" not in codes(r) and "claimed-missing" not in codes(r)


# ------------------------------------------------------------------ item 12: a row without a claimed score


def test_a_row_without_a_claim_where_the_others_claim():
    rows = [row("甲", weight=30, claimed=30), row("乙", weight=30), row("丙", weight=30, claimed=30)]
    r = score_text(with_goal(form_toml(rows)))
    assert [f.loc for f in found(r, "claimed-missing")] == [("indicators", 1, "claimed")]
    # none claimed: nothing is missing (a form scored by jixiao only)
    r = score_text(with_goal(form_toml([row("甲", weight=30), row("乙", weight=30), row("丙", weight=30)])))
    assert "claimed-missing" not in codes(r)


# ------------------------------------------------------------------ item 2: a cost row's unwritten operator


def test_cost_row_without_operator_is_read_as_at_most_and_not_warned():
    # Hubei-like: 成本指标 target “2万元”, actual “1.8万元”: ≤ 2万元 is met, full marks; no cost-direction
    r = score_text(form_toml([row("人均成本", "2万元", "1.8万元", 90, subcategory="成本指标")]))
    assert r.indicators[0].method == "lower" and r.indicators[0].score == D("90.00")
    assert "cost-direction" not in codes(r, 0)
    assumed = [f for f in r.indicators[0].findings if f.code == "operator-assumed"]
    assert len(assumed) == 1 and "≤" in assumed[0].message
    # the form wrote ≥ on a cost row: that is warned
    r = score_text(form_toml([row("人均成本", "≥2万元", "2万元", 90, subcategory="成本指标")]))
    assert "cost-direction" in codes(r, 0)
    # another 二级: a bare number is still ≥
    r = score_text(form_toml([row("服务人数", "100人", "90人", 90, subcategory="数量指标", note="略")]))
    assert r.indicators[0].method == "higher" and r.indicators[0].score == D("81.00")  # 90 × 90 ÷ 100


# ------------------------------------------------------------------ item 6: 无 as zero


def test_none_as_zero_for_an_upper_bounded_count(tmp_path: Path):
    # Guizhou-like: 安全事故 target “小于5次”, actual “无上访” → 0 次 < 5 次, full marks, with an info finding
    r = score_text(form_toml([row("群众上访次数", "小于5次", "无上访", 90, subcategory="社会效益指标")]))
    ind = r.indicators[0]
    assert ind.score == D("90.00") and ind.method == "lower"
    info = [f for f in ind.findings if f.code == "none-as-zero"]
    assert len(info) == 1 and info[0].severity == "info" and "按 0次 计" in info[0].message
    assert "not-a-number" not in codes(r, 0)
    # a lower bound (≥ 5次): 无 is not read as 0 but refused
    r = score_text(form_toml([row("培训次数", "≥5次", "无", 90, subcategory="数量指标")]))
    assert "not-a-number" in codes(r, 0) and "none-as-zero" not in codes(r, 0)
    # 无法统计 is not 无
    r = score_text(form_toml([row("上访次数", "小于5次", "无法统计", 90)]))
    assert "not-a-number" in codes(r, 0)
    # the rule set may turn it off
    off = tmp_path / "off.toml"
    off.write_text('id = "off"\nsource = "测试"\nextends = "central-2020"\n[scoring]\nnone_as_zero = false\n', encoding="utf-8")
    r = score_text(form_toml([row("上访次数", "小于5次", "无上访", 90)]), str(off))
    assert "not-a-number" in codes(r, 0) and r.indicators[0].score == 0


# ------------------------------------------------------------------ item 9: rounding conventions


def test_score_precision_whole_points():
    # 90 × 95.8 ÷ 100 = 86.22, claimed 86: an error under central-2020 (two places), not under whole points
    rows = [row("服务人数", "≥100人", "95.8人", 90, claimed=86, note="略")]
    r = score_text(form_toml(rows))
    assert r.indicators[0].score == D("86.22") and "score-mismatch" in codes(r, 0)
    r = score_text(form_toml(rows, rules="whole-points"))
    assert r.indicators[0].score == D("86.22") and "score-mismatch" not in codes(r, 0)
    # one decimal: 86.2 agrees, 86 does not (86.22 → 86.2)
    r = score_text(form_toml([row("服务人数", "≥100人", "95.8人", 90, claimed=86.2, note="略")], rules="one-decimal"))
    assert "score-mismatch" not in codes(r, 0)
    r = score_text(form_toml(rows, rules="one-decimal"))
    assert "score-mismatch" in codes(r, 0)
    # the total too: 10 + 86 claimed, total 96 — and 95.8 rounds to 96 under whole points
    r = score_text(form_toml(rows, funds={"weight": 10, "claimed": 10, "total": {"annual": 100, "executed": 100}},
                             claimed={"total": 95.8}, rules="whole-points"))
    assert "total-mismatch" not in codes(r)


# ------------------------------------------------------------------ items 10, 11: a form that is not complete


def test_goal_missing_names_the_empty_part():
    r = score_text(form_toml([row()]).replace("[funds]", '[goal]\nexpected = "全年服务 100 人"\n[funds]', 1))
    assert [f.loc for f in found(r, "goal-missing")] == [("goal", "achieved")]
    assert "实际完成情况" in found(r, "goal-missing")[0].message
    r = score_text(with_goal(form_toml([row()])))
    assert "goal-missing" not in codes(r)


def test_the_new_template_untouched_is_not_complete():
    form = load_form_text(template_text("project"), "new.toml")
    r = score_form(form)
    left = found(r, "template-text-left")
    places = {f.loc for f in left}
    assert ("unit", "name") in places and ("unit", "project") in places
    assert ("indicators", 0, "name") in places and ("indicators", 2, "target") in places
    assert all("模板" in f.message for f in left)
    assert {f.loc for f in found(r, "goal-missing")} == {("goal", "expected"), ("goal", "achieved")}
    # a filled form has none
    filled = with_goal(form_toml([row("服务人数", "≥100人", "100人", 90)]))
    assert "template-text-left" not in codes(score_text(filled))


# ------------------------------------------------------------------ item 5: “/” where a cell does not apply


def test_slash_in_weight_or_actual_is_not_applicable():
    # Jiangsu-like: 分值 “/” and 得分 “/” on a row that does not apply; another row's 完成值 “/”
    text = form_toml([
        row("服务人数", "≥100人", "100人", 90, claimed=90),
        row("新建项目数", "≥1个", "/", 0, claimed="/"),
    ]).replace("weight = 0\nclaimed = \"/\"", 'weight = "/"\nclaimed = "/"')
    assert 'weight = "/"' in text
    r = score_text(with_goal(text))
    left = r.indicators[1]
    assert not left.applicable and left.weight == 0 and left.claimed is None and left.score == 0
    assert "not-applicable" in codes(r, 1) and "not-a-number" not in codes(r) and "claimed-missing" not in codes(r)
    assert r.total == D("100.00")  # 10 + 90
    # a 完成值 “／” (full width) on a row with points: 不适用, 0 under central-2020, rescaled under provincial-manual
    rows = [row("甲", "≥100人", "100人", 45), row("乙", "≥100人", "／", 45)]
    r = score_text(form_toml(rows))
    assert not r.indicators[1].applicable and r.indicators[1].score == 0 and r.total == D("55.00")
    r = score_text(form_toml(rows, rules="provincial-manual"))
    assert r.indicators[0].score == D("90.00")  # 45 × 90 ÷ 45
    # a ratio is not a slash
    r = score_text(form_toml([row("比例", "≥1/2", "1/2", 90)]))
    assert r.indicators[0].applicable


# ------------------------------------------------------------------ item 7: criteria sheets without a deviation column


def test_criteria_rows_need_no_note_where_the_sheet_has_no_column():
    rows = [row("项目立项规范性", "", "", 90, method="criteria", claimed=80, standard="立项程序规范得 90 分")]
    r = score_text(form_toml(rows))
    assert "missing-deviation-note" in codes(r, 0)  # central-2020: below full marks needs a 偏差原因
    r = score_text(form_toml(rows, rules="sichuan"))
    assert r.indicators[0].score == D("80.00") and "missing-deviation-note" not in codes(r, 0)
    # a quantitative row on a Sichuan form still needs one
    r = score_text(form_toml([row("服务人数", "≥100人", "90人", 90)], rules="sichuan"))
    assert "missing-deviation-note" in codes(r, 0)


# ------------------------------------------------------------------ item 4: funds lines with their own points

LINES = """
[[funds.lines]]
name = "基本支出"
weight = 10
claimed = 9.29
annual = 500
executed = 464.35

[[funds.lines]]
name = "项目支出"
weight = 10
claimed = 10
annual = 300
executed = 300
"""


def test_funds_lines_with_their_own_points():
    # Anhui-like: 基本支出 10 分 executed 464.35 ÷ 500 = 92.87% → 9.287 → 9.29; 项目支出 300 ÷ 300 → 10.00;
    # funds 19.29 of 20; the rows weigh 80: total 19.29 + 80 = 99.29
    text = form_toml([row("服务人数", "≥100人", "100人", 80, claimed=80)], funds={"weight": 20}).replace(
        "[[indicators]]", LINES + "\n[[indicators]]", 1)
    r = score_text(with_goal(text))
    lines = r.funds.lines
    assert [(x.name, x.weight, x.score) for x in lines] == [("基本支出", D(10), D("9.29")), ("项目支出", D(10), D("10.00"))]
    assert lines[0].rate == D("0.9287")
    assert r.funds.weight == D(20) and r.funds.score == D("19.29") and r.funds.claimed == D("19.29")
    assert r.total == D("99.29")
    assert "score-mismatch" not in codes(r) and "weights-sum" not in codes(r)
    assert "基本支出：执行率 92.87% × 10 = 9.29" in r.funds.explain and "合计 19.29" in r.funds.explain
    # the money of the lines is the form's when no other row gives it: 764.35 ÷ 800
    assert r.funds.rate == D("764.35") / D(800)
    assert r.to_dict()["funds"]["lines"][0]["score"] == "9.29"
    # a line's claim that does not agree is found on that line
    r = score_text(with_goal(text.replace("claimed = 9.29", "claimed = 10")))
    bad = [f for f in r.findings if f.code == "score-mismatch"]
    assert [f.loc for f in bad] == [("funds", "lines", 0, "claimed")] and "基本支出" in bad[0].message


def test_a_form_without_lines_scores_as_before():
    r = score_text(form_toml([row("服务人数", "≥100人", "100人", 90)]))
    assert r.funds.lines == [] and "lines" not in r.to_dict()["funds"] and r.funds.score == D("10.00")


# ------------------------------------------------------------------ item 8: 10万 in a 万元 block


def test_amounts_written_with_wan_in_a_wan_block():
    funds = {"weight": 10, "total": {"annual": "100万", "executed": "98万元"}}
    r = score_text(form_toml([row("服务人数", "≥100人", "100人", 90)], funds=funds))
    assert r.funds.rate == D("0.98") and r.funds.score == D("9.80")  # 10 × 98 ÷ 100
    info = [f for f in r.findings if f.code == "amount-with-unit"]
    assert [f.loc for f in info] == [("funds", "total", "annual"), ("funds", "total", "executed")]
    assert all(f.severity == "info" for f in info) and "全年预算数" in info[0].message
    # in a 元 block, “100万” is still refused (it would be 1,000,000 元, not 100)
    import pytest
    from jixiao.indicators.loader import FormError

    with pytest.raises(FormError):
        score_text(form_toml([row()], funds={"unit": "元", "weight": 10, "total": {"annual": "100万", "executed": 98}}))


# ------------------------------------------------------------------ item 3: a 预算执行率 row against the money block


def test_rate_row_contradicting_the_funds_block():
    # Sichuan-like: the row claims =98% against ≥95% (full marks); 全年执行数 ÷ 全年预算数 = 945.4 ÷ 1000 = 94.54%
    funds = {"weight": 10, "total": {"annual": 1000, "executed": 945.4}}
    rows = [row("预算执行率", "≥95%", "=98%", 90, subcategory="质量指标")]
    r = score_text(form_toml(rows, funds=funds))
    hit = [f for f in r.findings if f.code == "rate-contradicts-funds"]
    assert len(hit) == 1 and hit[0].loc == ("indicators", 0, "actual")
    assert "=98%" in hit[0].message and "94.54%" in hit[0].message
    # 95% against 94.54%: within one percentage point, no finding
    r = score_text(form_toml([row("预算执行率", "≥90%", "95%", 90)], funds=funds))
    assert "rate-contradicts-funds" not in codes(r)


# ------------------------------------------------------------------ item 13: templates and jixiao new --year


def test_new_form_has_no_preset_tier_and_says_its_year(tmp_path: Path):
    import datetime as dt

    from jixiao.indicators import default_year
    from jixiao.tui.cli import main

    assert default_year(dt.date(2027, 3, 1)) == 2026  # 自评在次年：2027 年春填 2026 年度的表
    out = tmp_path / "p.toml"
    assert main(["new", "--kind", "project", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    year_line = next(line for line in text.splitlines() if line.startswith("year = "))
    assert year_line.startswith(f"year = {default_year()} ") and f"默认为上一年度（{default_year()} 年）" in year_line
    assert 'tier = "达成"' not in text
    # untouched, its qualitative row scores 0, never full marks: no tier, no actual
    r = score_form(load_form_text(text, str(out)))
    qual = r.indicators[2]
    assert qual.score == 0 and "missing-tier" in codes(r, 2)
    assert r.total == 0
    # --year
    out2 = tmp_path / "d.toml"
    assert main(["new", "--kind", "department", "--year", "2023", "-o", str(out2)]) == 0
    assert load_form_text(out2.read_text(encoding="utf-8"), str(out2)).year == 2023
    assert main(["new", "--kind", "department", "--year", "1800", "-o", str(tmp_path / "x.toml")]) == 2
    assert not (tmp_path / "x.toml").exists()


# ------------------------------------------------------------------ item 15: 填报日期 accepts only dates


def test_signoff_date_accepts_only_dates(tmp_path: Path):
    import datetime as dt

    import pytest
    from jixiao.indicators.document import EditError, FormDocument
    from jixiao.indicators.values import parse_date

    assert parse_date("2022年8月1日") == dt.date(2022, 8, 1) == parse_date("2022/8/1") == parse_date("２０２２－０８－０１")
    assert parse_date("20220801") == dt.date(2022, 8, 1) and parse_date("  ") is None
    for bad in ("2022-02-30", "下周一", "8月1日", "2022-13-01"):
        with pytest.raises(ValueError, match="不是有效的日期"):
            parse_date(bad)
    path = tmp_path / "f.toml"
    path.write_text(template_text("project"), encoding="utf-8")
    doc = FormDocument.open(path)
    with pytest.raises(EditError, match="不是有效的日期"):
        doc.set_text(("signoff", "date"), "明天")
    assert doc.get_text(("signoff", "date")) == ""
    doc.set_text(("signoff", "date"), "2022年8月1日")
    assert doc.get_text(("signoff", "date")) == "2022-08-01"  # kept as 年-月-日
