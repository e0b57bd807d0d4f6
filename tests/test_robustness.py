"""Any input either loads and scores, or gives FormError: never another exception."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jixiao.indicators.loader import FormError, load_form_text
from jixiao.scoring.engine import score_form

from tests.budget import examples

from .conftest import form_toml, row

scalars = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.text(max_size=12),
    st.booleans(),
    st.sampled_from(["nan", "inf", "-inf", "1e30", "1,387.53", "", "≥95%", "9月前", "1e-30", "0", "达成", "部分达成"]),
    st.sampled_from(["higher", "lower", "equal", "qualitative", "manual", "step_deduct", "bands", "checklist"]),
)


def toml_scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if v in ("nan", "inf", "-inf", "1e30", "1e-30"):
        return v  # bare TOML floats
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@settings(max_examples=examples(1500), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(["target", "actual", "weight", "claimed", "note", "tier", "method", "subcategory"]),
        scalars,
        max_size=6,
    ),
    st.dictionaries(st.sampled_from(["annual", "executed", "initial"]), scalars, max_size=3),
)
def test_never_crashes(fields, funds_row):
    ind = {"category": "产出指标", "name": "n", "weight": 90}
    ind.update(fields)
    lines = ["format = 1", 'kind = "department"', "year = 2023", "[unit]", 'name = "u"', "[funds.appropriation]"]
    lines += [f"{k} = {toml_scalar(v)}" for k, v in funds_row.items()]
    lines += ["[[indicators]]"] + [f"{k} = {toml_scalar(v)}" for k, v in ind.items()]
    try:
        form = load_form_text("\n".join(lines) + "\n", "fuzz.toml")
    except FormError as exc:
        assert all(p.file == "fuzz.toml" and p.message for p in exc.problems)
        return
    result = score_form(form)
    for r in result.indicators:
        assert 0 <= r.score <= max(r.weight, Decimal(0))


@pytest.mark.parametrize("value", ["nan", "inf", "1e30"])
def test_non_finite_and_huge_numbers_are_refused(value):
    text = form_toml([row()]).replace("weight = 90", f"weight = {value}")
    with pytest.raises(FormError) as exc:
        load_form_text(text, "x.toml")
    assert exc.value.problems[0].key == "indicators[1].weight"
