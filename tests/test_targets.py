"""Issue 24: the approved 绩效目标表 as its own TOML, forms started from it, and every form checked against it."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from jixiao.indicators import template_text
from jixiao.indicators.digest import form_digest
from jixiao.indicators.loader import FormError, load_form, load_form_text
from jixiao.indicators.targets import load_targets, load_targets_text, norm_name, targets_digest
from jixiao.scoring.findings import CATALOG, NOT_FROM_A_FORM, catalog_markdown
from jixiao.scoring.targets import EXAMPLES, compare, lowered, same_target
from jixiao.tui.cli import main

from .conftest import ROOT, SEED

TARGETS = """\
format = 1
kind = "targets"
year = 2024
[unit]
name = "某市城乡居民养老保险服务中心"
project = "城乡居民基本养老保险经办专项"
[funds]
weight = 10
[funds.total]
initial = 48
[goal]
expected = "完成参保登记和待遇发放"

[[indicators]]
category = "产出指标"
subcategory = "数量指标"
name = "参保人数"
target = "≥12万人"
weight = 20

[[indicators]]
category = "产出指标"
subcategory = "质量指标"
name = "待遇按时足额发放率"
target = "=100%"
weight = 30

[[indicators]]
category = "效益指标"
subcategory = "社会效益指标"
name = "老有所养保障水平"
target = "稳步提高"
weight = 30

[[indicators]]
category = "满意度指标"
subcategory = "服务对象满意度指标"
name = "参保群众满意度"
target = "≥90%"
weight = 10
"""

ACTUALS = {"参保人数": "12.3万人", "待遇按时足额发放率": "100%", "老有所养保障水平": "基础养老金提高", "参保群众满意度": "93%"}


def year_end(tmp_path: Path, targets: str = TARGETS) -> tuple[Path, Path]:
    """(targets file, a year-end form made from it with `jixiao new --from-targets` and filled in: no findings)."""
    t = tmp_path / "targets.toml"
    t.write_text(targets, encoding="utf-8")
    f = tmp_path / "form.toml"
    assert main(["new", "--from-targets", str(t), "-o", str(f)]) == 0
    text = f.read_text(encoding="utf-8")
    for name, actual in ACTUALS.items():
        head, sep, rest = text.partition(f'name = "{name}"')
        rest = rest.replace('actual = ""', f'actual = "{actual}"', 1)
        if name == "老有所养保障水平":
            rest = rest.replace('note = ""', 'note = ""\ntier = "达成"', 1)
        text = head + sep + rest
    text = text.replace("# annual =", "annual = 48 #", 1).replace("# executed =", "executed = 48 #", 1)
    f.write_text(text, encoding="utf-8")
    return t, f


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()  # what came before (year_end's own jixiao new)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------ the definitions file


def test_the_template_is_a_valid_definitions_file_without_year_end_keys() -> None:
    text = template_text("targets")
    targets = load_targets_text(text, "targets.toml")
    assert targets.kind == "targets" and len(targets.indicators) == 4
    assert sum((i.weight for i in targets.indicators), targets.funds.weight) == 100
    for key in ("actual", "claimed", "note =", "tier", "[signoff]", "[claimed]", "executed", "achieved"):
        assert key not in "\n".join(line.split("#")[0] for line in text.splitlines()), key


def test_new_kind_targets_writes_the_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "t.toml"
    code, said, _ = run(capsys, "new", "--kind", "targets", "-o", str(out))
    assert code == 0 and "jixiao targets check" in said
    assert out.read_text(encoding="utf-8") == template_text("targets")


@pytest.mark.parametrize(
    ("line", "key", "words"),
    [
        ('actual = "12万人"', "indicators[1].actual", "实际完成值"),
        ("claimed = 20", "indicators[1].claimed", "自评得分"),
        ('tier = "达成"', "indicators[1].tier", "定性档次"),
    ],
)
def test_a_year_end_key_is_named_as_such_with_its_line(line: str, key: str, words: str) -> None:
    text = TARGETS.replace('weight = 20\n', f"weight = 20\n{line}\n", 1)
    with pytest.raises(FormError) as exc:
        load_targets_text(text, "t.toml")
    (problem,) = exc.value.problems
    assert problem.key == key
    assert problem.line == text.splitlines().index(line) + 1
    assert words in problem.message and "年末" in problem.message


def test_executed_and_achieved_are_year_end_keys_too() -> None:
    text = TARGETS.replace("initial = 48\n", "initial = 48\nexecuted = 40\n").replace(
        'expected = "完成参保登记和待遇发放"\n', 'expected = "完成参保登记和待遇发放"\nachieved = "完成"\n'
    )
    with pytest.raises(FormError) as exc:
        load_targets_text(text, "t.toml")
    keys = {p.key for p in exc.value.problems}
    assert keys == {"funds.total.executed", "goal.achieved"}


def test_a_misspelt_key_gets_did_you_mean_and_a_form_is_told_it_is_a_form() -> None:
    with pytest.raises(FormError) as exc:
        load_targets_text(TARGETS.replace("weight = 20", "wieght = 20"), "t.toml")
    assert any("weight" in p.message and p.line for p in exc.value.problems)
    with pytest.raises(FormError) as exc:
        load_targets(SEED)
    (problem,) = exc.value.problems
    kind_line = SEED.read_text(encoding="utf-8").splitlines().index('kind = "department"') + 1
    assert "自评表" in problem.message and problem.key == "kind" and problem.line == kind_line


def test_a_definitions_file_given_as_a_form_says_what_it_is(tmp_path: Path) -> None:
    t = tmp_path / "t.toml"
    t.write_text(TARGETS, encoding="utf-8")
    with pytest.raises(FormError) as exc:
        load_form(t)
    (problem,) = exc.value.problems
    assert "绩效目标表" in problem.message and "jixiao targets check" in problem.message


def test_the_content_hash_ignores_comments_and_number_spelling_but_not_values() -> None:
    a = load_targets_text(TARGETS, "a")
    b = load_targets_text("# 批复\n" + TARGETS.replace("weight = 20", "weight = 20.00"), "b")
    c = load_targets_text(TARGETS.replace("≥12万人", "≥11万人"), "c")
    assert targets_digest(a) == targets_digest(b) != targets_digest(c)


def test_a_form_without_targets_keeps_its_digest() -> None:
    # the digest of the seed as printed before [targets] existed (tests/test_pdf_digest.py pins the same value)
    text = SEED.read_text(encoding="utf-8")
    plain = load_form_text(text, "seed")
    with_ref = load_form_text(text + '\n[targets]\nfile = "t.toml"\nhash = "ab"\n', "seed")
    assert plain.targets is None and with_ref.targets is not None
    assert form_digest(plain) != form_digest(with_ref)
    assert form_digest(plain) == form_digest(load_form_text(text.replace("format = 1", "format = 1 # x"), "s"))


# ------------------------------------------------------------------ new --from-targets


def test_new_from_targets_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    t = tmp_path / "targets.toml"
    t.write_text(TARGETS, encoding="utf-8")
    f = tmp_path / "sub" / "form.toml"
    f.parent.mkdir()
    code, said, _ = run(capsys, "new", "--from-targets", str(t), "-o", str(f))
    assert code == 0 and "--targets" in said
    form = load_form(f)
    targets = load_targets(t)
    assert form.kind == "project" and form.year == 2024
    assert form.unit.name == targets.unit.name and form.unit.project == targets.unit.project
    assert [(i.category, i.subcategory, i.name, i.target, i.weight) for i in form.indicators] == [
        (i.category, i.subcategory, i.name, i.target, i.weight) for i in targets.indicators
    ]
    assert all(i.actual == "" and i.claimed is None and i.note == "" for i in form.indicators)
    assert form.funds.total is not None and form.funds.total.initial == Decimal(48)
    assert form.funds.total.annual is None and form.funds.total.executed is None
    assert form.goal.expected == "完成参保登记和待遇发放" and form.goal.achieved == ""
    assert form.targets is not None
    assert form.targets.file == "../targets.toml" and form.targets.hash == targets_digest(targets)
    # the form starts consistent with its definitions
    assert compare(form, targets) == []


def test_a_department_form_from_department_targets(tmp_path: Path) -> None:
    t = tmp_path / "t.toml"
    t.write_text(TARGETS.replace('project = "城乡居民基本养老保险经办专项"\n', ""), encoding="utf-8")
    f = tmp_path / "f.toml"
    assert main(["new", "--from-targets", str(t), "-o", str(f)]) == 0
    form = load_form(f)
    assert form.kind == "department" and form.unit.project == ""


def test_new_from_targets_refuses_a_bad_file_and_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "new", "--from-targets", str(SEED), "-o", str(tmp_path / "f.toml"))
    assert code == 2 and "无法读取绩效目标表" in err and "自评表" in err
    assert not (tmp_path / "f.toml").exists()
    t = tmp_path / "t.toml"
    t.write_text(TARGETS, encoding="utf-8")
    code, _, err = run(capsys, "new", "--from-targets", str(t), "-o", str(t), "--force")
    assert code == 2 and "同一个文件" in err
    assert t.read_text(encoding="utf-8") == TARGETS


def test_a_filled_form_from_its_targets_scores_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    t, f = year_end(tmp_path)
    code, out, _ = run(capsys, "score", str(f), "--targets", str(t))
    assert code == 0, out
    assert "target-changed" not in out and "indicator-" not in out


# ------------------------------------------------------------------ the comparison


def test_a_lowered_target_is_an_error_quoting_both(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    t, f = year_end(tmp_path)
    f.write_text(f.read_text(encoding="utf-8").replace('target = "≥12万人"', 'target = "≥10万人"'), encoding="utf-8")
    code, out, _ = run(capsys, "check", str(f), "--targets", str(t), "--format", "json")
    assert code == 1
    found = [x for x in json.loads(out)["findings"] if x["code"] == "target-changed"]
    assert len(found) == 1
    (x,) = found
    assert x["severity"] == "error"
    assert "“≥12万人”" in x["message"] and "“≥10万人”" in x["message"] and "降低" in x["message"]
    assert x["line"] == f.read_text(encoding="utf-8").splitlines().index(
        next(line for line in f.read_text(encoding="utf-8").splitlines() if line.startswith('target = "≥10万人"'))
    ) + 1
    # without --targets the same form has no error: the change is only seen against the definitions
    assert main(["check", str(f)]) == 0


def test_a_dropped_row_is_an_error_and_an_added_one_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    t, f = year_end(tmp_path)
    text = f.read_text(encoding="utf-8")
    start = text.index('[[indicators]]\ncategory = "满意度指标"')
    end = text.index("\n[signoff]\n") + 1
    f.write_text(text[:start] + text[end:], encoding="utf-8")  # the satisfaction row is gone
    code, out, _ = run(capsys, "check", str(f), "--targets", str(t))
    assert code == 1
    assert "indicator-dropped" in out and "“参保群众满意度”" in out and "“≥90%”" in out and "分值 10" in out
    form = load_form(f)
    renamed = form.model_copy(deep=True)
    renamed.indicators[0].name = "参保总人数"
    codes = sorted((x.code, x.severity) for x in compare(renamed, load_targets(t)))
    assert ("indicator-added", "warning") in codes
    assert codes.count(("indicator-dropped", "error")) == 2


def test_a_changed_weight_says_from_what_to_what() -> None:
    targets = load_targets_text(TARGETS, "t")
    form = load_form_text(
        TARGETS.replace('kind = "targets"', 'kind = "project"').replace("weight = 30\n", "weight = 25\n", 1), "f"
    )
    (x,) = compare(form, targets)
    assert (x.code, x.loc, x.severity) == ("target-changed", ("indicators", 1, "weight"), "error")
    assert "批复为 30" in x.message and "自评表为 25" in x.message


def test_names_match_after_nfkc_and_whitespace_and_targets_by_meaning() -> None:
    targets = load_targets_text(TARGETS, "t")
    text = TARGETS.replace('kind = "targets"', 'kind = "project"')
    text = text.replace('name = "参保人数"', 'name = "参保 人数"').replace('target = "≥12万人"', 'target = "大于等于12万人"')
    text = text.replace('target = "≥90%"', 'target = "≥９０％"')
    assert compare(load_form_text(text, "f"), targets) == []
    assert norm_name("参 保\u3000人数") == "参保人数"


@pytest.mark.parametrize(
    ("approved", "given", "down"),
    [("≥95%", "≥90%", True), ("≥95%", "≥98%", False), ("≤3天", "≤5天", True), ("≤3天", "≤2天", False),
     ("9月前", "10月前", True), ("12万人", "120000人", None), ("稳步提高", "有所提高", None)],
)  # fmt: skip
def test_lowered_knows_the_direction_of_each_operator(approved: str, given: str, down: bool | None) -> None:
    assert lowered(approved, given) is down


def test_same_target_reads_the_meaning() -> None:
    assert same_target("12万人", "120000人")
    assert same_target("≥95%", "不低于95%")
    assert not same_target("≥95%", "≤95%")
    assert not same_target("稳步提高", "有所提高")


def test_funds_weight_and_initial_budget_are_approved_values_too() -> None:
    targets = load_targets_text(TARGETS, "t")
    text = TARGETS.replace('kind = "targets"', 'kind = "project"').replace("initial = 48", "initial = 40")
    text = text.replace("[funds]\nweight = 10", "[funds]\nweight = 5")
    found = {x.loc: x.message for x in compare(load_form_text(text, "f"), targets)}
    assert "批复为 48 万元" in found[("funds", "total", "initial")]
    assert "批复为 10" in found[("funds", "weight")]


def test_a_change_confirmed_in_the_editor_is_still_an_error_and_says_so() -> None:
    targets = load_targets_text(TARGETS, "t")
    text = TARGETS.replace('kind = "targets"', 'kind = "project"').replace("≥12万人", "≥10万人")
    text += '\n[targets]\n[[targets.changes]]\nindicator = "参保人数"\nkey = "target"\napproved = "≥12万人"\nvalue = "≥10万人"\n'
    (x,) = compare(load_form_text(text, "f"), targets)
    assert x.severity == "error" and "已确认" in x.message


@pytest.mark.parametrize("code", list(EXAMPLES))
def test_each_example_raises_its_code_where_it_says(code: str) -> None:
    t, f, loc = EXAMPLES[code]
    found = [x for x in compare(load_form_text(f, "f"), load_targets_text(t, "t")) if x.code == code]
    assert found and loc in [x.loc for x in found]
    rule = CATALOG[code]
    for x in found:
        assert x.severity == rule.severity
        assert any(x.message.startswith(m.split("{", 1)[0]) for m in rule.messages.values())


def test_the_new_codes_are_in_the_catalogue_and_the_page() -> None:
    page = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    assert page == catalog_markdown()
    for code in ("target-changed", "indicator-added", "indicator-dropped", "targets-mismatch", "targets-not-found"):
        assert code in NOT_FROM_A_FORM and f"| `{code}` |" in page
    assert {CATALOG[c].severity for c in ("target-changed", "indicator-dropped")} == {"error"}
    assert CATALOG["indicator-added"].severity == "warning"


def test_definitions_of_another_year_are_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    t, f = year_end(tmp_path)
    t.write_text(TARGETS.replace("year = 2024", "year = 2023"), encoding="utf-8")
    code, out, _ = run(capsys, "check", str(f), "--targets", str(t))
    assert code == 0 and "targets-mismatch" in out and "2023 年度" in out


def test_score_targets_unreadable_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    t, f = year_end(tmp_path)
    t.write_text(TARGETS.replace("weight = 20", "weight = -1"), encoding="utf-8")
    code, _, err = run(capsys, "score", str(f), "--targets", str(t))
    assert code == 2 and "无法读取绩效目标表" in err and "t" in err


# ------------------------------------------------------------------ jixiao targets check


def test_targets_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    t = tmp_path / "t.toml"
    t.write_text(TARGETS, encoding="utf-8")
    code, out, _ = run(capsys, "targets", "check", str(t))
    assert code == 0 and "可以使用" in out and targets_digest(load_targets(t))[:16] in out
    t.write_text(TARGETS.replace("weight = 30\n", "weight = 20\n", 1), encoding="utf-8")
    code, out, _ = run(capsys, "targets", "check", str(t), "--format", "json")
    assert code == 1
    (report,) = json.loads(out)
    assert report["weights"] == "90.00" and "weights-sum" in {x["code"] for x in report["findings"]}
    code, _, err = run(capsys, "targets", "check", str(SEED))
    assert code == 2 and "自评表" in err


# ------------------------------------------------------------------ review: the reviewer's folder


def _submissions(tmp_path: Path) -> tuple[Path, Path]:
    t, f = year_end(tmp_path)
    tdir = tmp_path / "approved"
    tdir.mkdir()
    t.rename(tdir / "城乡居民.toml")
    sub = tmp_path / "submissions"
    sub.mkdir()
    lowered_text = f.read_text(encoding="utf-8").replace('target = "≥12万人"', 'target = "≥10万人"')
    # the submission points [targets] at a file of its own saying the same lowered target: never opened
    (sub / "forged.toml").write_text(TARGETS.replace("≥12万人", "≥10万人"), encoding="utf-8")
    assert 'file = "targets.toml"' in lowered_text
    (sub / "a.toml").write_text(lowered_text.replace('file = "targets.toml"', 'file = "../forged.toml"'), encoding="utf-8")
    other = f.read_text(encoding="utf-8").replace("某市城乡居民养老保险服务中心", "另一个单位")
    (sub / "b.toml").write_text(other, encoding="utf-8")
    (sub / "forged.toml").rename(tmp_path / "forged.toml")  # not a submission itself
    return tdir, sub


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_review_with_a_targets_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str) -> None:
    tdir, sub = _submissions(tmp_path)
    code, out, _ = run(capsys, "review", str(sub), "--targets-dir", str(tdir), "--format", "json", "--jobs", jobs)
    assert code == 1
    forms = {Path(x["file"]).name: [f["code"] for f in x["findings"]] for x in json.loads(out)["forms"]}
    assert forms["a.toml"].count("target-changed") == 1
    assert "targets-not-found" in forms["b.toml"] and "target-changed" not in forms["b.toml"]
    # without the folder nothing is compared
    code, out, _ = run(capsys, "review", str(sub), "--format", "json", "--jobs", "1")
    assert all("target-changed" not in [f["code"] for f in x["findings"]] for x in json.loads(out)["forms"])


def test_a_targets_folder_inside_the_submissions_is_not_reviewed_as_forms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tdir, sub = _submissions(tmp_path)
    inside = sub / "approved"
    tdir.rename(inside)
    code, out, _ = run(capsys, "review", str(sub), "--targets-dir", str(inside), "--format", "json", "--jobs", "1")
    names = sorted(Path(x["file"]).name for x in json.loads(out)["forms"])
    assert names == ["a.toml", "b.toml"]
    assert code == 1  # a.toml's lowered target


def test_review_targets_dir_must_hold_definitions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tdir, sub = _submissions(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, "review", str(sub), "--targets-dir", str(empty))
    assert code == 2 and "没有找到绩效目标表" in err
    code, _, err = run(capsys, "review", str(sub), "--targets-dir", str(tmp_path / "nope"))
    assert code == 2 and "不是文件夹" in err


# ------------------------------------------------------------------ docs/targets.md, followed literally


@pytest.mark.slow
def test_the_targets_guide_is_followed_literally(tmp_path: Path) -> None:
    from .test_guides import steps_of, test_guide_is_followed_literally

    guide = ROOT / "docs" / "targets.md"
    assert [s.command.split()[:2] for s in steps_of(guide.read_text(encoding="utf-8"))][:2] == [
        ["jixiao", "new"],
        ["jixiao", "targets"],
    ]
    test_guide_is_followed_literally(guide, tmp_path)


# ------------------------------------------------------------------ property: a form from its targets matches them


def _targets_strategy() -> object:
    from hypothesis import strategies as st

    from .form_strategies import texts

    weight = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
    row = st.fixed_dictionaries(
        {
            "category": texts(min_size=1, realistic=True),
            "subcategory": texts(breaks=True),
            "name": texts(min_size=1, breaks=True),
            "target": texts(breaks=True),
            "weight": weight,
        }
    )
    return st.fixed_dictionaries(
        {
            "unit": texts(min_size=1),
            "project": texts(),
            "year": st.integers(min_value=2000, max_value=2100),
            "expected": texts(breaks=True),
            "initial": st.none() | weight,
            "rows": st.lists(row, max_size=6),
        }
    )


def test_a_form_from_any_targets_matches_them_exactly() -> None:
    from hypothesis import given, settings
    from jixiao.indicators.targets import Targets, form_text

    @settings(deadline=None)
    @given(_targets_strategy())
    def check(spec: dict) -> None:
        targets = Targets.model_validate(
            {
                "format": 1,
                "kind": "targets",
                "year": spec["year"],
                "unit": {"name": spec["unit"], "project": spec["project"]},
                "funds": {"total": {"initial": spec["initial"]}} if spec["initial"] is not None else {},
                "goal": {"expected": spec["expected"]},
                "indicators": spec["rows"],
            }
        )
        form = load_form_text(form_text(targets, "t.toml", targets_digest(targets)), "f.toml")
        assert [(i.category, i.subcategory, i.name, i.target, i.weight) for i in form.indicators] == [
            (i.category, i.subcategory, i.name, i.target, i.weight) for i in targets.indicators
        ]
        assert (form.unit.name, form.unit.project, form.year, form.goal.expected) == (
            targets.unit.name, targets.unit.project, targets.year, targets.goal.expected
        )  # fmt: skip
        assert compare(form, targets) == []

    check()


def test_the_year_end_form_has_a_place_for_each_claimed_score_tier_and_total(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The header told the clerk to fill 自评得分 (claimed) and 档次 (tier), but the form had no line
    for either, nor for the total and grade: uncommenting them is all the clerk does, and
    ``score --adopt`` writes into the same lines."""
    t = tmp_path / "targets.toml"
    t.write_text(TARGETS, encoding="utf-8")  # one qualitative indicator: 稳步提高
    f = tmp_path / "form.toml"
    assert main(["new", "--from-targets", str(t), "-o", str(f)]) == 0
    text = f.read_text(encoding="utf-8")
    n = len(load_targets(t).indicators)
    assert text.count("# claimed =") == n + 1  # each indicator and the funds
    assert text.count('# tier = "达成"') == 1  # only the qualitative one
    assert "[claimed]" in text and "# total =" in text and "# grade =" in text
    filled = text.replace("# claimed =", "claimed = 1").replace('# tier = "达成"', 'tier = "达成"')
    filled = filled.replace("# total =", "total = 5")
    form = load_form_text(filled, "f")
    assert all(i.claimed == Decimal(1) for i in form.indicators)
    assert [i.tier for i in form.indicators].count("达成") == 1
    assert form.claimed.total == Decimal(5)


def test_targets_check_catches_a_total_budget_that_is_not_the_sum_of_its_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A clerk filled 年度资金总额 120.5 and 当年财政拨款 100 (the template has no other row):
    ``targets check`` said 可以使用, and the year-end form then failed on it."""
    t = tmp_path / "t.toml"
    t.write_text(TARGETS.replace("initial = 48\n", "initial = 120.5\n[funds.appropriation]\ninitial = 100\n"), encoding="utf-8")
    code, out, _ = run(capsys, "targets", "check", str(t))
    assert code == 1 and "funds-total-mismatch" in out and "120.50" in out and "100.00" in out
    t.write_text(TARGETS.replace("initial = 48\n", "initial = 100\n[funds.appropriation]\ninitial = 100\n"), encoding="utf-8")
    code, out, _ = run(capsys, "targets", "check", str(t))
    assert code == 0 and "funds-total-mismatch" not in out
