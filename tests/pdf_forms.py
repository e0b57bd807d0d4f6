"""Form files for the PDF tests and the benchmark, written as TOML text."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "indicators" / "examples" / "seed-2021.toml"


def _s(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a valid TOML basic string


def big_form_text(n: int = 200, note_chars: int = 2000, groups: int = 3) -> str:
    """A department form with ``n`` indicators, every one with a long note.

    Weights: output 50, effect 30, satisfaction 10 split evenly (exact decimals).
    """
    cats = [("产出指标", "数量指标", Decimal(50)), ("效益指标", "社会效益指标", Decimal(30)), ("满意度指标", "服务对象满意度指标", Decimal(10))][:groups]
    per = [n // len(cats) + (1 if i < n % len(cats) else 0) for i in range(len(cats))]
    out = [
        'format = 1\nkind = "department"\nyear = 2023\nrules = "central-2020"\n',
        '[unit]\nname = "长表测试单位"\n',
        "[categories]\n" + "".join(f"{_s(c)} = {w}\n" for c, _, w in cats),
        "[funds]\nweight = 10\nclaimed = 10\n[funds.appropriation]\ninitial = 100\nannual = 100\nexecuted = 100\n",
        f'[goal]\nexpected = {_s("完成年度各项工作。" * 20)}\nachieved = "全部完成"\n',
    ]
    k = 0
    for (cat, sub, w), count in zip(cats, per):
        # weights that add up exactly: 2-place decimals, the remainder on the last row
        each = (w / count).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
        weights = [each] * (count - 1) + [w - each * (count - 1)]
        for j, wt in enumerate(weights):
            k += 1
            sub_j = f"{sub}{j // 10 + 1}"
            note = (f"第{k}项偏差原因：" + "因客观原因未能完全按计划推进，已制定整改措施并落实到人。" * 80)[:note_chars]
            out.append(
                "[[indicators]]\n"
                f"category = {_s(cat)}\nsubcategory = {_s(sub_j)}\nname = {_s(f'长表指标{k:03d}')}\n"
                f'target = "≥100人"\nactual = "{100 + k}人"\nweight = {wt}\nclaimed = {wt}\nnote = {_s(note)}\n'
            )
    return "\n".join(out)


INJECTIONS = [
    "A&B <b>粗体</b>",
    '<font name="x">字体</font>',
    '<img src="/etc/passwd"/>',
    "&amp; &lt; 5 < 6 > 4 & 1",
]


def injection_form_text() -> str:
    """The seed with markup in every free-text field."""
    text = SEED.read_text(encoding="utf-8")
    text = text.replace('name = "株洲市社会保险服务中心"', f"name = {_s('单位<b>甲</b>&乙')}")
    text = text.replace('name = "参保人满意度"', f"name = {_s('满意度<i>x</i>')}")
    text = text.replace('target = "大于等于95%"', 'target = "≥95%"')
    note = " / ".join(INJECTIONS)
    text = text.replace('claimed = 9.5\nnote = ""', f"claimed = 9.5\nnote = {_s(note)}")
    achieved = _s('完成<img src="/etc/passwd"/>')
    text = text.replace('achieved = "全部完成"', f"achieved = {achieved}")
    text = text.replace('filled_by = ""', f"filled_by = {_s('<u>张三</u>&李四')}")
    return text
