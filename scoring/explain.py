"""The explanations: how the engine got every number, in words (``12.50 × 32.66 ÷ 31.88 = 12.81，封顶 12.50``).

A result keeps ``(formatter, *args)`` (its ``why``); the words are made only when
someone asks (``explain``), so scoring thousands of forms for a table does not
format text nobody reads.  The formatters are here; the engine and the checks
only choose one and its numbers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jixiao.indicators.schema import FUNDS_ROW_NAMES

from .methods import q2
from .vocabulary import fmt, percent, plain

ZERO = Decimal(0)

ROW_LABELS = FUNDS_ROW_NAMES
COLUMN_LABELS = {"initial": "年初预算数", "annual": "全年预算数", "executed": "全年执行数", "adjusted": "调整后预算"}


def num(value: Decimal) -> str:
    """A number in an explanation: two places ("31.88", "95.00"), more only when it has them ("0.955")."""
    rounded = q2(value)
    return str(rounded) if rounded == value else plain(value)


def explained(why: tuple[Any, ...]) -> str:
    return why[0](*why[1:]) if why else ""


def x_text(text: str) -> str:
    return text


def x_higher(w: Decimal, a: Decimal, b: Decimal, scale: Decimal = Decimal(1)) -> str:
    if scale != 1:  # the numbers as written: 31.88 (万人), not 318800
        a, b = a / scale, b / scale
    full = fmt(w)
    if b < 0:
        return f"实际完成值 {num(b)} 为负，按 0 计：{full} × 0 ÷ {num(a)} = 0.00"
    if a <= 0:
        return f"年度指标值 {num(a)} 不大于 0，实际完成值 {num(b)}：得满分 {full}"
    if b == a:
        return f"实际完成值 {num(b)} 等于年度指标值 {num(a)}：得满分 {full}"
    text = f"{full} × {num(b)} ÷ {num(a)} = {fmt(w * b / a)}"
    return text + f"，封顶 {full}" if b > a else text


def x_lower(w: Decimal, a: Decimal, b: Decimal, formula: str, scale: Decimal = Decimal(1)) -> str:
    if scale != 1:
        a, b = a / scale, b / scale
    full = fmt(w)
    if b <= a:
        return f"实际完成值 {num(b)} 不高于年度指标值 {num(a)}：得满分 {full}"
    if a <= 0:
        return f"年度指标值 {num(a)} 不大于 0，实际完成值 {num(b)} 高于它：得 0.00"
    if formula == "inverse":
        return f"越低越好（反比）：{full} × {num(a)} ÷ {num(b)} = {fmt(w * a / b)}"
    if b >= 2 * a:
        return f"实际完成值 {num(b)} 达到年度指标值 {num(a)} 的 2 倍：得 0.00"
    return f"越低越好：{full} × (1 − ({num(b)} − {num(a)}) ÷ {num(a)}) = {fmt(w * (1 - (b - a) / a))}"


def x_equal(w: Decimal, a: Decimal, b: Decimal, scale: Decimal = Decimal(1)) -> str:
    if scale != 1:
        a, b = a / scale, b / scale
    if a == 0:
        if b <= 0:
            return f"年度指标值为 0，实际完成值 {num(b)} 不大于 0：得满分 {fmt(w)}"
        return f"年度指标值为 0，实际完成值 {num(b)} 大于 0：得 0.00"
    return x_higher(w, a, b)  # already in the written unit


def x_tier(label: str, low: Decimal, high: Decimal, incl: bool, claimed: Decimal | None, score: Decimal, how: str) -> str:
    text = f"定性·{label}：区间 [{fmt(low)}, {fmt(high)}{']' if incl else ')'}"
    if how == "full":
        return text + f"，未填报得分，按满分 {fmt(score)}"
    if how == "fixed":
        return text + f"，本档得 {fmt(score)}"
    if how == "low":
        return text + f"，未填报得分，暂按下限 {fmt(score)}"
    text += f"，填报 {fmt(claimed)}"  # fmt rounds the score too
    if how == "clamped":
        text += f"，不在区间内（应在 [{fmt(low)}, {fmt(high)}{']' if incl else ')'} 之内），暂按 {fmt(score)} 计"
    return text


def x_claimed(kind: str, claimed: Decimal, w: Decimal) -> str:
    capped = "，封顶分值" if claimed > w else ("，按 0 计" if claimed < 0 else "")
    return f"{kind}：按填报得分 {fmt(claimed)} 计（分值 {fmt(w)}）{capped}"


def x_rescaled(inner: tuple[Any, ...], whole: Decimal, applicable: Decimal, raw: Decimal, score: Decimal) -> str:
    text = f"{explained(inner)}；本一级指标有不适用的指标，按 {plain(whole)} ÷ {plain(applicable)} 折算：= {fmt(raw)}"
    return text + (f"，封顶 {fmt(score)}" if score < q2(raw) else "")


def x_funds(executed: Decimal, denominator: Decimal, label: str, w: Decimal, capped: bool) -> str:
    rate = executed / denominator
    text = f"执行率 {num(executed)} ÷ {num(denominator)}（{label}） = {percent(rate)}"
    if w == 0:
        return text + "，资金执行率分值为 0，不计分"
    raw = w * max(rate, ZERO)
    text += f"，× {plain(w)} = {fmt(raw)}"
    return text + f"，封顶 {fmt(w)}" if capped and raw > w else text


def x_total(
    funds: Decimal, scores: Decimal, summed: Decimal, cap: Any, rate: Decimal | None, total: Decimal, grade: str, bands: Any
) -> str:
    band = next((b.min for b in bands if total >= b.min), None)
    text = f"资金执行率 {fmt(funds)} + 各项指标 {fmt(scores)} = {fmt(summed)}"
    if cap is not None and rate is not None:
        text += f"；执行率 {percent(rate)} 低于 {plain(cap.below * 100)}%，总分不超过 {plain(cap.max)}"
        text += f"，按 {fmt(total)} 计" if total < summed else "，未超过"
    if grade:
        text += f"；等级 {grade}（{fmt(total)} ≥ {plain(band)}）" if band is not None else f"；等级 {grade}"
    else:
        text += "；不评等级"
    return text


def x_score(score: Decimal, reason: str = "") -> str:
    """A score with no arithmetic to show (``得 0.00：实际完成值为空…``)."""
    return f"得 {fmt(score)}：{reason}" if reason else f"得 {fmt(score)}"


def x_lines(parts: list[Any], score: Decimal) -> str:
    """Funds lines with their own points: ``基本支出 92.87% × 10 = 9.29；项目支出 100.00% × 10 = 10.00；合计 19.29``."""
    texts = []
    for p in parts:
        if p.rate is None:
            texts.append(f"{p.name}：无法计算执行率（{p.denominator_label}或全年执行数未填），得 0.00")
        else:
            texts.append(f"{p.name}：执行率 {percent(p.rate)} × {plain(p.weight)} = {fmt(p.score)}")
    return "；".join(texts) + f"；合计 {fmt(score)}"


def x_no_rate(label: str, w: Decimal, executed_missing: bool) -> str:
    text = "未填写全年执行数，无法计算执行率" if executed_missing else f"{label}为 0 或未填写，无法计算执行率"
    return text + ("，得 0.00" if w > 0 else "")


def x_step(
    w: Decimal, b: Decimal, reference: Decimal, step: Decimal, per: Decimal, direction: str, count: str,
    raw: Decimal, beyond: Decimal, steps: Decimal,
) -> str:
    side = "高于" if direction == "above" else "低于"
    if beyond <= 0:
        return f"实际 {num(b)} 不{side}参照值 {num(reference)}：得满分 {fmt(w)}"
    text = f"每{side}参照值 {num(reference)} {plain(per)} 扣 {plain(step)} 分：{side} {num(beyond)}，"
    if count == "continuous":
        text += f"{fmt(w)} − {plain(step)} × {num(beyond)} ÷ {plain(per)} = {fmt(w - step * steps)}"
    else:
        how = "满一档计一档" if count == "full" else "不满一档按一档计"
        text += f"{how}，计 {plain(steps)} 档，{fmt(w)} − {plain(step)} × {plain(steps)} = {fmt(w - step * steps)}"
    if raw != w - step * steps:
        text += f"，按 {fmt(raw)} 计（不低于 0）"
    return text


def x_band(b: Decimal, bands: Any, points: Decimal) -> str:
    from .methods import _in_interval, parse_interval

    spec = next(
        (bd["range"] if isinstance(bd, dict) else bd[0])
        for bd in bands
        if _in_interval(b, parse_interval(bd["range"] if isinstance(bd, dict) else bd[0]))
    )
    return f"分档：实际 {num(b)} 落在 {spec}，得 {plain(points)} 分"


def x_checklist(w: Decimal, b: Decimal, points: Decimal, mode: str, raw: Decimal) -> str:
    if mode == "violation":
        text = f"逐项扣分：{fmt(w)} − {plain(b)} 项 × {plain(points)} = {fmt(w - points * b)}"
    else:
        text = f"逐项计分：{plain(b)} 项 × {plain(points)} = {fmt(points * b)}"
    if raw != (w - points * b if mode == "violation" else points * b):
        text += f"，按 {fmt(raw)} 计（0 到分值 {fmt(w)} 之间）"
    return text


def x_deadline(actual: str, target: str, w: Decimal, claimed: Decimal | None, late: bool) -> str:
    if not late:
        return f"时效：完成时间 {actual} 不晚于期限 {target}，得满分 {fmt(w)}"
    if claimed is None:
        return f"时效：完成时间 {actual} 晚于期限 {target}，未填报得分，暂按 0.00"
    return f"时效：完成时间 {actual} 晚于期限 {target}，按填报得分 {fmt(claimed)} 计"
