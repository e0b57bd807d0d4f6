"""Words a clerk understands: no finding code and no file key in what the editor and the printed pages show.

Codes stay in the command line's listing, ``--format json`` and ``jixiao findings``; the editor,
the PDFs and the messages speak of the form's boxes (全年预算数, 得分, 档次).
"""

from __future__ import annotations

import re

import pytest
from jixiao.indicators.loader import load_form_text
from jixiao.scoring.engine import score_form
from jixiao.scoring.findings import CATALOG, NOT_FROM_A_FORM, example_form
from jixiao.scoring.rules import load_rules
from jixiao.tui.components.findings_panel import finding_text

# a file key or a code: two or more ASCII letters/underscores, or a dotted/bracketed key path
ASCII_KEY = re.compile(r"[A-Za-z_]{2,}|\[[a-z_.]+\]")
CODES = re.compile("|".join(re.escape(c) for c in sorted(CATALOG, key=len, reverse=True)))
FORM_CODES = sorted(c for c in CATALOG if c not in NOT_FROM_A_FORM)


def without_fields(template: str) -> str:
    return re.sub(r"\{[^}]*\}", "", template)


@pytest.mark.parametrize("code", sorted(CATALOG))
def test_catalogue_messages_name_no_key(code: str) -> None:
    rule = CATALOG[code]
    for variant, template in rule.messages.items():
        assert not ASCII_KEY.search(without_fields(template)), (code, variant, template)
    assert not ASCII_KEY.search(rule.title), rule.title


@pytest.mark.parametrize("code", FORM_CODES)
def test_the_editor_shows_titles_and_places_not_codes(code: str) -> None:
    form = load_form_text(example_form(code), f"{code}.toml")
    result = score_form(form, load_rules(form.rules))
    names = {r.index: r.name for r in result.indicators}
    shown = [str(finding_text(f, names)) for f in result.findings]
    assert any(CATALOG[code].title in line for line in shown), shown
    for line in shown:
        assert not CODES.search(line), line
        assert not ASCII_KEY.search(line), line
