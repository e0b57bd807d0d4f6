"""Every finding code of the catalogue, like a ruff rule: one minimal form raises it, where it says.

Each catalogue entry's example (``scoring.findings.example_form``) is scored; the test checks that
the code is raised and points to the example's location, and that its message is the catalogue's
template (no message is written outside the catalogue).
"""

from __future__ import annotations

import pytest
from jixiao.indicators.loader import load_form_text
from jixiao.scoring.checks import EXAMPLES as _EXAMPLES
from jixiao.scoring.engine import score_form
from jixiao.scoring.findings import CATALOG, NOT_FROM_A_FORM, catalog_markdown, example_form
from jixiao.scoring.rules import load_rules

FROM_A_FORM = [code for code in CATALOG if code not in NOT_FROM_A_FORM]


def test_every_code_has_an_example_or_is_raised_outside_the_engine() -> None:
    assert set(_EXAMPLES) == set(FROM_A_FORM)
    assert NOT_FROM_A_FORM <= set(CATALOG)


@pytest.mark.parametrize("code", FROM_A_FORM)
def test_the_example_raises_its_code_where_it_says(code: str) -> None:
    text = example_form(code)
    form = load_form_text(text, f"{code}.toml")
    result = score_form(form, load_rules(form.rules), f"{code}.toml")
    found = [f for f in result.findings if f.code == code]
    assert found, (code, [f.code for f in result.findings])
    at = _EXAMPLES[code][1]
    assert at in [f.loc for f in found], (code, [f.loc for f in found])
    rule = CATALOG[code]
    for f in found:
        assert f.severity == rule.severity
        # the message is one of the catalogue's templates, filled in
        prefixes = [template.split("{", 1)[0] for template in rule.messages.values()]
        assert any(f.message.startswith(p) for p in prefixes), (code, f.message)


@pytest.mark.parametrize("code", list(CATALOG))
def test_each_code_is_in_the_generated_page(code: str) -> None:
    assert f"| `{code}` |" in catalog_markdown()


def test_every_code_has_a_check_and_every_check_code_is_catalogued() -> None:
    from jixiao.scoring.checks import BY_CODE

    assert sorted(set(CATALOG) - set(BY_CODE)) == [], "codes in the catalogue that no check raises"
    assert sorted(set(BY_CODE) - set(CATALOG)) == [], "codes a check declares that the catalogue lacks"


def test_each_example_sits_beside_a_check_that_raises_its_code() -> None:
    from jixiao.scoring.checks import CHECKS

    for name, check in CHECKS.items():
        assert set(check.examples) <= set(check.codes), (name, set(check.examples) - set(check.codes))
        assert set(check.example_rules) <= set(check.examples), name
    # the review's and the import's codes, and those comparing two years (their examples are pairs of forms)
    assert set(CHECKS["outside"].codes) | set(CHECKS["across_years"].codes) == NOT_FROM_A_FORM


def test_every_check_module_is_registered_once() -> None:
    from pathlib import Path

    from jixiao.scoring import checks

    files = {p.stem for p in Path(checks.__file__).parent.glob("*.py")} - {"__init__", "base"}
    assert sorted(checks.MODULES) == sorted(files)
    assert len(set(checks.MODULES)) == len(checks.MODULES)

