"""Shared helpers: build small forms as TOML text and score them."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from jixiao.indicators.loader import load_form_text
from jixiao.scoring.engine import Result, score_form
from jixiao.scoring.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _own_record(tmp_path_factory: Any, monkeypatch: Any) -> None:
    """Each test's `jixiao review` keeps its record in a fresh file, never in the user's data folder."""
    if not os.environ.get("JIXIAO_TEST_KEEP_DB"):
        monkeypatch.setenv("JIXIAO_DB", str(tmp_path_factory.mktemp("record") / "复核记录.db"))
SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def form_toml(
    indicators: list[dict[str, Any]],
    *,
    funds: dict[str, Any] | None = None,
    categories: dict[str, Any] | None = None,
    claimed: dict[str, Any] | None = None,
    rules: str = "central-2020",
    year: int = 2023,
) -> str:
    """A format-1 form.  Funds default to a fully executed 100 万元 budget."""
    lines = [
        "format = 1",
        'kind = "department"',
        f"year = {year}",
        f'rules = "{rules}"',
        "[unit]",
        'name = "测试单位"',
    ]
    if categories is None:  # consistent weights unless a test says otherwise
        categories = {}
        for ind in indicators:
            cat = ind["category"]
            try:
                categories[cat] = categories.get(cat, Decimal(0)) + Decimal(str(ind["weight"]))
            except ArithmeticError:  # a test of a bad weight
                pass
    if categories:
        lines.append("[categories]")
        lines += [f'"{k}" = {v}' for k, v in categories.items()]
    funds = funds if funds is not None else {"weight": 10, "appropriation": {"initial": 100, "annual": 100, "executed": 100}}
    lines.append("[funds]")
    for key, value in funds.items():
        if not isinstance(value, dict):
            lines.append(f"{key} = {toml_value(value)}")
    for key, value in funds.items():
        if isinstance(value, dict):
            lines.append(f"[funds.{key}]")
            lines += [f"{k} = {toml_value(v)}" for k, v in value.items()]
    for ind in indicators:
        lines.append("[[indicators]]")
        lines += [f"{k} = {toml_value(v)}" for k, v in ind.items()]
    if claimed:
        lines.append("[claimed]")
        lines += [f"{k} = {toml_value(v)}" for k, v in claimed.items()]
    return "\n".join(lines) + "\n"


def row(name: str = "指标", target: str = "≥100", actual: str = "100", weight: Any = 90, **extra: Any) -> dict[str, Any]:
    base = {"category": extra.pop("category", "产出指标"), "subcategory": extra.pop("subcategory", "数量指标")}
    base.update({"name": name, "target": target, "actual": actual, "weight": weight})
    base.update(extra)
    return base


def score_text(text: str, rules: str | None = None) -> Result:
    form = load_form_text(text, "test.toml")
    return score_form(form, load_rules(rules or form.rules), "test.toml")


def score_rows(*rows: dict[str, Any], rules: str | None = None, **kw: Any) -> Result:
    return score_text(form_toml(list(rows), **kw), rules)


def codes(result: Result, index: int | None = None) -> list[str]:
    if index is None:
        return [f.code for f in result.findings]
    return [f.code for f in result.indicators[index].findings]


@pytest.fixture
def seed_path() -> Path:
    return SEED


# ------------------------------------------------------------ system packages


# ------------------------------------------------------------ everyday run and full run
#
# ``python -m pytest`` runs the everyday set: tests marked ``slow`` are skipped and
# the property tests use the small ``dev`` hypothesis profile.  ``--runslow`` (what
# ``.ci/run`` passes) runs every test with the full ``ci`` profile;
# ``HYPOTHESIS_PROFILE=ci|dev`` chooses the profile explicitly.

settings.register_profile("ci", max_examples=100, deadline=None)
settings.register_profile("dev", max_examples=10, deadline=None)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--runslow",
        action="store_true",
        default=False,
        help="run the tests marked slow too, with the full hypothesis profile (what CI runs)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow"):
        return
    named = {arg.split("::", 1)[1] for arg in config.args if "::" in arg}  # a test named on the command line runs

    def deselected(item: pytest.Item) -> bool:
        return "slow" in item.keywords and not any(item.nodeid.split("::", 1)[-1].startswith(n) for n in named)

    slow = [item for item in items if deselected(item)]
    if slow:  # deselected, not skipped: pytest's summary says how many ("N deselected")
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not deselected(item)]


def pytest_configure(config: pytest.Config) -> None:
    profile = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if config.getoption("--runslow") else "dev")
    settings.load_profile(profile)
    config.addinivalue_line(
        "markers",
        "slow: takes seconds (a big PDF, a subprocess, a TUI pilot, LibreOffice); deselected unless --runslow",
    )
    config.addinivalue_line(
        "markers",
        "needs_cjk_font: needs a TrueType Chinese font (fonts-wqy-zenhei); skipped when none is found, "
        "unless JIXIAO_TEST_REQUIRE_FONTS=1 (CI), where its absence fails the test",
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("needs_cjk_font") is None:
        return
    from jixiao.reports.fonts import FONT_PATH_ENV, usable_cjk_font

    if usable_cjk_font() is not None:
        return
    reason = (
        "没有找到可嵌入的 TrueType 中文字体（如 fonts-wqy-zenhei：sudo apt-get install fonts-wqy-zenhei）"
        f"{'，且 ' + FONT_PATH_ENV + ' 限定了查找范围' if FONT_PATH_ENV in os.environ else ''}；"
        "no TrueType CJK font found"
    )
    if os.environ.get("JIXIAO_TEST_REQUIRE_FONTS") == "1":
        pytest.fail(reason + " (JIXIAO_TEST_REQUIRE_FONTS=1)")
    pytest.skip(reason)
