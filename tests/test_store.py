"""The bureau's record (jixiao.store): what ``jixiao review`` keeps, reuses and compares across years.

Every test runs against SQLite; the ones taking the ``record`` fixture run
against PostgreSQL too when ``JIXIAO_TEST_PG_URL`` names a database that may
be emptied (``.ci/run`` starts one).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jixiao.tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"
BATCH = ROOT / "tests" / "fixtures" / "review" / "batch"
PG_URL = os.environ.get("JIXIAO_TEST_PG_URL", "")


def _empty_pg(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def record(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Where the record is (a SQLite file, or the test PostgreSQL database emptied), also as JIXIAO_DB."""
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("PostgreSQL: set JIXIAO_TEST_PG_URL to a database that may be emptied (.ci/run does)")
        _empty_pg(PG_URL)
        target = PG_URL
    else:
        target = str(tmp_path / "记录.db")
    monkeypatch.setenv("JIXIAO_DB", target)
    return target


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def review_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[dict[str, Any], str]:
    _, out, err = run(capsys, "review", *argv, "--format", "json", "--jobs", "1")
    return json.loads(out), err


def forms_by_name(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {Path(f["file"]).name: f for f in data["forms"]}


def open_record(target: str) -> Any:
    from jixiao.store import open_store

    return open_store(target)


def table_rows(target: str, table: str) -> list[dict[str, Any]]:
    from jixiao.store import schema
    from sqlalchemy import select

    store = open_record(target)
    try:
        with store.engine.connect() as conn:
            t = getattr(schema, table)
            return [dict(r) for r in conn.execute(select(t).order_by(t.c[t.primary_key.columns.keys()[0]])).mappings()]
    finally:
        store.close()


def seed_copy(folder: Path, name: str = "a.toml", year: int | None = None, **replace: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = SEED.read_text(encoding="utf-8")
    if year is not None:
        text = text.replace("year = 2021", f"year = {year}", 1)
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ the schema


def test_the_migrations_make_the_tables_of_schema_py(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from jixiao.store.db import HEAD
    from jixiao.store.schema import metadata

    store = open_record(str(tmp_path / "r.db"))
    try:
        with store.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
            assert [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")] == [HEAD]
    finally:
        store.close()
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "store" / "migrations"))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD


def test_a_record_made_by_this_version_opens_again_without_migrating(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = str(tmp_path / "r.db")
    open_record(target).close()
    import alembic.command

    def no_upgrade(*a: Any, **k: Any) -> None:
        raise AssertionError("migrated again")

    monkeypatch.setattr(alembic.command, "upgrade", no_upgrade)
    store = open_record(target)
    assert store.counts()["submissions"] == 0
    store.close()


def test_a_record_made_by_the_first_schema_opens_upgraded_with_its_contents(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A record of an earlier version (revision 0001) is migrated when opened: nothing kept is lost."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    target = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{target}")
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "store" / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()
    conn = sqlite3.connect(target)
    assert "options_key" not in [r[1] for r in conn.execute("PRAGMA table_info(scorings)")]
    conn.close()
    form = seed_copy(tmp_path / "in")
    # the old record is used as it is by this version: reviewed into, read back
    code, _, err = run(capsys, "review", str(form), "--db", str(target), "--jobs", "1")
    assert code == 1, err
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0002",)]
    assert conn.execute("SELECT options_key, computed_total FROM scorings").fetchall() == [("", "100.00")]
    conn.close()
    code, out, _ = run(capsys, "history", "--unit", "株洲市社会保险服务中心", "--db", str(target), "--format", "json")
    assert code == 0 and json.loads(out)["forms"][0]["computed_total"] == "100.00"


def test_a_review_against_approved_targets_is_not_reused_without_them(record: str, tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from .test_targets import _submissions

    tdir, sub = _submissions(tmp_path)
    capsys.readouterr()  # what making the forms printed

    def codes(*extra: str) -> tuple[set[str], str]:
        data, err = review_json(capsys, str(sub), *extra)
        return {f["code"] for x in data["forms"] for f in x["findings"]}, err

    with_targets, _ = codes("--targets-dir", str(tdir))
    assert "target-changed" in with_targets
    without, err = codes()
    assert "target-changed" not in without and "沿用记录中未改变的 0 份" in err
    again, err = codes("--targets-dir", str(tdir))
    assert again == with_targets and "本次读取 0 份" in err  # the same approved tables: reused
    for f in tdir.iterdir():  # an approved table changed: read again
        f.write_text(f.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _, err = codes("--targets-dir", str(tdir))
    assert "沿用记录中未改变的 0 份" in err


# ------------------------------------------------------------------ what is kept


def test_review_keeps_each_submission_as_read(record: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    form = seed_copy(tmp_path / "in")
    data, err = review_json(capsys, str(form))
    assert "复核记录：" in err and "本次读取 1 份" in err
    [sub] = table_rows(record, "submissions")
    assert sub["sha256"] == hashlib.sha256(form.read_bytes()).hexdigest()
    assert (sub["unit"], sub["project"], sub["year"], sub["kind"], sub["version"]) == ("株洲市社会保险服务中心", "", 2021, "department", 1)
    assert sub["form_toml"] == form.read_text(encoding="utf-8")
    sources = json.loads(sub["sources_json"])
    line = form.read_text(encoding="utf-8").splitlines().index('name = "株洲市社会保险服务中心"') + 1
    assert sources["unit.name"] == f"第 {line} 行"
    assert json.loads(sub["claimed_json"])["total"] == "99.50"
    [sc] = table_rows(record, "scorings")
    from jixiao.scoring.rules import load_rules
    from jixiao.store.record import jixiao_version

    assert (sc["ruleset_id"], sc["ruleset_sha256"]) == ("central-2020", load_rules("central-2020").sha256)
    assert sc["jixiao_version"] == jixiao_version()
    assert (sc["claimed_total"], sc["computed_total"], sc["errors"]) == ("99.50", "100.00", 1)
    kept = json.loads(sc["result_json"])
    assert kept["total"]["score"] == "100.00" and [f["code"] for f in kept["findings"]] == [f["code"] for f in data["forms"][0]["findings"]]


def test_an_imported_spreadsheet_keeps_its_toml_and_cells(record: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from jixiao.reports.export_xlsx import export_form
    from jixiao.scoring.loading import score_file

    book = tmp_path / "seed.xlsx"
    export_form(score_file(SEED), book)
    review_json(capsys, str(book))
    [sub] = table_rows(record, "submissions")
    assert sub["form_toml"].startswith("#") or "format = 1" in sub["form_toml"]
    sources = json.loads(sub["sources_json"])
    assert any("!" in cell for cell in sources.values()), sources  # Sheet!A1 addresses
    [sc] = table_rows(record, "scorings")
    assert sc["origin"].startswith("工作表")


def test_a_resubmission_is_a_new_version_and_the_same_bytes_are_not(record: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    form = seed_copy(tmp_path / "in")
    review_json(capsys, str(form))
    review_json(capsys, str(form))
    assert len(table_rows(record, "submissions")) == 1
    text = form.read_text(encoding="utf-8").replace('actual = "32.66万人"', 'actual = "33.00万人"')
    form.write_text(text, encoding="utf-8")
    review_json(capsys, str(form))
    subs = table_rows(record, "submissions")
    assert [s["version"] for s in subs] == [1, 2]
    assert "33.00万人" in subs[1]["form_toml"] and "33.00万人" not in subs[0]["form_toml"]  # never overwritten
    _, out, _ = run(capsys, "history", "--unit", "株洲市社会保险服务中心", "--format", "json")
    assert [(f["year"], f["version"]) for f in json.loads(out)["forms"]] == [(2021, 1), (2021, 2)]


def test_a_review_file_is_recorded_as_a_decision(record: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(BATCH / "01-seed.toml", folder)
    reviews = tmp_path / "reviews"  # the bureau's review folder (a file beside a submission is never applied)
    reviews.mkdir()
    shutil.copy(BATCH / "01-seed.review.toml", reviews)
    review_json(capsys, str(folder), "--reviews", str(reviews))
    review_json(capsys, str(folder), "--reviews", str(reviews))  # the same review file again: not a second decision
    [d] = table_rows(record, "decisions")
    assert (d["source"], d["status"], d["adjusted_total"], d["reviewer"]) == ("file", "已复核", "97.00", "某市财政局绩效科")
    assert "满意度无调查资料" in d["reason"]
    _, out, _ = run(capsys, "history", "--unit", "株洲市社会保险服务中心（01-seed）", "--format", "json")
    [row] = json.loads(out)["forms"]
    assert (row["claimed_total"], row["computed_total"], row["reviewed_total"], row["status"]) == ("99.50", "100.00", "97.00", "已复核")


# ------------------------------------------------------------------ re-review


def _outputs(capsys: pytest.CaptureFixture[str], folder: Path, tmp_path: Path, tag: str, *extra: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _, out["json"], _ = run(capsys, "review", str(folder), "--format", "json", "--jobs", "1", *extra)
    csv_path = tmp_path / f"{tag}.csv"
    _, table, _ = run(capsys, "review", str(folder), "--jobs", "1", "--out", str(csv_path), *extra)
    out["table"] = table.replace(str(csv_path), "OUT")
    out["csv"] = csv_path.read_bytes()
    return out


def test_a_second_review_reuses_the_record_with_the_same_outputs(record: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "batch"
    shutil.copytree(BATCH, folder)
    without = _outputs(capsys, folder, tmp_path, "none", "--no-db")
    first = _outputs(capsys, folder, tmp_path, "first")
    assert first == without
    import jixiao.store.capture as capture

    def not_again(path: str, *a: Any) -> Any:
        if "04-broken" in path:  # an unreadable file is not kept: it is read each time
            return real(path, *a)
        raise AssertionError(f"read again: {path}")

    real = capture.process_form
    monkeypatch.setattr(capture, "process_form", not_again)
    _, _, err = run(capsys, "review", str(folder), "--jobs", "1")
    assert "本次读取 1 份，沿用记录中未改变的 8 份" in err
    second = _outputs(capsys, folder, tmp_path, "second")
    assert second == without


def test_a_moved_file_is_reused_under_its_new_name(record: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = seed_copy(tmp_path / "old", "a.toml")
    review_json(capsys, str(old))
    new = tmp_path / "new" / "b.toml"
    new.parent.mkdir()
    old.rename(new)
    data, err = review_json(capsys, str(new))
    assert "沿用记录中未改变的 1 份" in err
    assert data["forms"][0]["file"] == str(new)
    _, out, _ = run(capsys, "review", str(new), "--no-db", "--format", "json")
    assert json.loads(out) == data  # as if read under that name


def test_changed_bytes_review_file_or_rules_are_read_again(record: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    a = seed_copy(folder, "a.toml")
    b = seed_copy(folder, "b.toml", **{"株洲市社会保险服务中心": "另一单位"})
    rules = tmp_path / "my-rules.toml"
    rules.write_text('id = "my"\nsource = "测试"\nextends = "central-2020"\n', encoding="utf-8")
    _, err = review_json(capsys, str(folder), "--rules", str(rules))
    assert "本次读取 2 份" in err
    _, err = review_json(capsys, str(folder), "--rules", str(rules))
    assert "本次读取 0 份，沿用记录中未改变的 2 份" in err
    b.write_text(b.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # new bytes
    _, err = review_json(capsys, str(folder), "--rules", str(rules))
    assert "本次读取 1 份，沿用记录中未改变的 1 份" in err
    reviews = tmp_path / "reviews"
    reviews.mkdir()
    (reviews / "a.review.toml").write_text('reviewer = "科"\n[[adjustments]]\nindicator = "funds"\nscore = 9\nreason = "扣"\n', encoding="utf-8")
    data, err = review_json(capsys, str(folder), "--rules", str(rules), "--reviews", str(reviews))
    assert "本次读取 1 份" in err and forms_by_name(data)["a.toml"]["review"]["total"] == "99.00"
    data, err = review_json(capsys, str(folder), "--rules", str(rules), "--reviews", str(reviews))
    assert "本次读取 0 份" in err and forms_by_name(data)["a.toml"]["review"]["total"] == "99.00"
    (folder / "b.review.toml").write_text("reviewer = '某单位自己'\n", encoding="utf-8")  # beside a submission: reported
    data, err = review_json(capsys, str(folder), "--rules", str(rules), "--reviews", str(reviews))
    assert "本次读取 1 份" in err
    assert "review-beside-form" in [f["code"] for f in forms_by_name(data)["b.toml"]["findings"]]
    (folder / "b.review.toml").unlink()
    rules.write_text(rules.read_text(encoding="utf-8") + "[funds]\nnote_below = 0.9\n", encoding="utf-8")  # same id, new content
    from jixiao.scoring import rules as rules_module

    rules_module._load_cached.cache_clear()  # as a new process would (a rules file is read once per process)
    _, err = review_json(capsys, str(folder), "--rules", str(rules), "--reviews", str(reviews))
    assert "本次读取 2 份" in err
    _, err = review_json(capsys, str(folder), "--reviews", str(reviews))  # no --rules: another option, read again
    assert "本次读取 2 份" in err
    assert a.exists()


# ------------------------------------------------------------------ across years


@pytest.mark.parametrize("code", ["target-below-last-actual", "indicators-unchanged", "grade-repeated-low"])
def test_each_across_years_code_from_its_example(code: str) -> None:
    from jixiao.indicators.loader import load_form_text
    from jixiao.scoring.across_years import YearForm, across_years_findings, example_pair
    from jixiao.scoring.engine import score_form
    from jixiao.scoring.findings import CATALOG
    from jixiao.scoring.rules import load_rules

    forms = []
    for text in example_pair(code):
        form = load_form_text(text)
        result = score_form(form, load_rules(form.rules), "x.toml")
        forms.append(YearForm(form.year or 0, [i.model_dump() for i in form.indicators], result.grade))
    last, this = forms
    found = [f for f in across_years_findings(this, last, load_rules()) if f.code == code]
    assert len(found) == 1
    assert found[0].severity == CATALOG[code].severity
    assert found[0].message.startswith(CATALOG[code].messages[""].split("{", 1)[0])
    # two years apart, nothing is compared
    assert across_years_findings(YearForm(this.year + 1, this.indicators, this.grade), last, load_rules()) == []


def test_names_are_matched_normalised_and_only_at_least_targets_compared() -> None:
    from jixiao.scoring.across_years import YearForm, across_years_findings
    from jixiao.scoring.rules import load_rules

    last = YearForm(2022, [{"name": "参保 人数", "target": "≥90人", "actual": "120人"},
                           {"name": "单位成本", "target": "≤10元", "actual": "8元"},
                           {"name": "满意度", "target": "≥90%", "actual": "95%"}])
    this = YearForm(2023, [{"name": "《参保人数》", "target": "≥100人", "actual": ""},
                           {"name": "单位成本", "target": "≤9元", "actual": ""},  # a ≤ target lower than last year's: stricter
                           {"name": "满意度", "target": "≥95%", "actual": ""},  # equal: not below
                           {"name": "新指标", "target": "≥1人", "actual": ""}])
    found = across_years_findings(this, last, load_rules())
    assert [(f.code, f.loc) for f in found] == [("target-below-last-actual", ("indicators", 0, "target"))]


def test_the_rule_set_turns_the_across_years_checks_off(tmp_path: Path) -> None:
    from jixiao.scoring.across_years import YearForm, across_years_findings
    from jixiao.scoring.rules import load_rules

    rules = tmp_path / "off.toml"
    rules.write_text('id = "off"\nsource = "测试"\nextends = "central-2020"\n[across_years]\ntarget_below_last_actual = false\n'
                     "indicators_unchanged = false\nlow_grades = []\n", encoding="utf-8")
    rows = [{"name": f"指标{i}", "target": "≥1人", "actual": "5人"} for i in range(3)]
    assert across_years_findings(YearForm(2023, rows, "差"), YearForm(2022, rows, "中"), load_rules(str(rules))) == []
    assert {f.code for f in across_years_findings(YearForm(2023, rows, "差"), YearForm(2022, rows, "中"), load_rules())} == {
        "target-below-last-actual", "indicators-unchanged", "grade-repeated-low"}
    assert "across_years.target_below_last_actual" in load_rules().sources  # each setting has its source


def test_review_shows_findings_against_the_year_before(record: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_copy(tmp_path / "2020", "seed.toml", year=2020)
    review_json(capsys, str(tmp_path / "2020"))
    this = seed_copy(tmp_path / "2021", "seed.toml")
    data, err = review_json(capsys, str(this))
    codes = [f["code"] for f in data["forms"][0]["findings"]]
    assert codes.count("target-below-last-actual") == 2 and "indicators-unchanged" in codes
    assert data["summary"]["findings"]["target-below-last-actual"] == 2
    assert "跨年度发现项 3 条" in err
    # the terminal table counts them as warnings; a reused record gets them again, not twice
    _, out, _ = run(capsys, "review", str(this), "--jobs", "1")
    assert "target-below-last-actual" in out
    data2, err = review_json(capsys, str(this))
    assert "沿用记录中未改变的 1 份" in err and data2 == data
    # another unit, or another project, is not compared
    other = seed_copy(tmp_path / "other", "o.toml", **{"株洲市社会保险服务中心": "另一单位"})
    data3, _ = review_json(capsys, str(other))
    assert not {"target-below-last-actual", "indicators-unchanged"} & {f["code"] for f in data3["forms"][0]["findings"]}


def test_grade_repeated_low_in_a_review(record: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from jixiao.scoring.across_years import example_pair

    last, this = example_pair("grade-repeated-low")
    (tmp_path / "last.toml").write_text(last, encoding="utf-8")
    (tmp_path / "this.toml").write_text(this, encoding="utf-8")
    review_json(capsys, str(tmp_path / "last.toml"))
    data, _ = review_json(capsys, str(tmp_path / "this.toml"))
    [f] = [f for f in data["forms"][0]["findings"] if f["code"] == "grade-repeated-low"]
    assert f["message"] == "本年等级 “中”，2022 年等级 “中”，连续两年偏低。"


# ------------------------------------------------------------------ history


def test_history_per_year_and_version(record: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_copy(tmp_path / "y2020", "seed.toml", year=2020)
    seed_copy(tmp_path / "y2021", "seed.toml")
    review_json(capsys, str(tmp_path / "y2020"))
    review_json(capsys, str(tmp_path / "y2021"))
    code, out, _ = run(capsys, "history", "--unit", "株洲市社会保险服务中心")
    assert code == 0
    lines = [line for line in out.splitlines() if line.startswith("│ 20")]
    assert [line.split("│")[1].strip() for line in lines] == ["2020", "2021"]
    assert all("99.50" in line and "100.00" in line and "待复核" in line for line in lines)
    code, out, _ = run(capsys, "history", "--unit", "株洲市社会保险服务中心", "--format", "csv")
    rows = out.splitlines()
    assert rows[0] == "单位,年度,版本,项目,填报总分,复算总分,复核总分,等级,发现项,状态,文件"
    assert rows[1].startswith("株洲市社会保险服务中心,2020,1,,99.50,100.00,100.00,优,6,待复核,")
    code, out, err = run(capsys, "history", "--unit", "株洲市社保")
    assert code == 1 and "没有单位 “株洲市社保”" in err and "株洲市社会保险服务中心" in err


# ------------------------------------------------------------------ the desk's decisions


def test_desk_adjustments_statuses_and_review_file(record: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from jixiao.store.desk import adjust, desk_rows, set_status, write_review_file

    folder = tmp_path / "in"
    seed_copy(folder, "a.toml")
    review_json(capsys, str(folder))
    store = open_record(record)
    try:
        batch = store.latest_batch()
        [row] = desk_rows(store, batch["id"])
        assert (row.status, row.reviewed_total) == ("待复核", "100.00")
        review = adjust(store, row, "参保人满意度", Decimal("8"), "无调查资料", "张三")
        assert review.total == Decimal("98.00")
        [row] = desk_rows(store, batch["id"])
        adjust(store, row, "funds", Decimal("9.5"), "暂付款", "张三")
        [row] = desk_rows(store, batch["id"])
        assert (row.status, row.reviewed_total) == ("已复核", "97.50")
        set_status(store, row, "退回", "请补充满意度调查", "李四")
        [row] = desk_rows(store, batch["id"])
        assert (row.status, row.reviewed_total) == ("退回", "97.50")
        path = write_review_file(row, tmp_path / "reviews", "张三", "2026-12-07")
    finally:
        store.close()
    # the written review file is what jixiao review reads: the same review total
    data, _ = review_json(capsys, str(folder), "--reviews", str(path.parent))
    assert data["forms"][0]["review"]["total"] == "97.50"
    _, out, _ = run(capsys, "history", "--unit", "株洲市社会保险服务中心", "--format", "json")
    [h] = json.loads(out)["forms"]
    assert h["reviewed_total"] == "97.50" and h["status"] == "已复核"  # the review file, read after, is the newest decision
    assert len(table_rows(record, "decisions")) == 4


# ------------------------------------------------------------------ reliability


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.db"
    notes.write_bytes("这是一份说明，不是数据库。\n".encode() * 10)
    before = notes.read_bytes()
    form = seed_copy(tmp_path / "in")
    for argv in (["review", str(form), "--db", str(notes)], ["history", "--unit", "x", "--db", str(notes)]):
        code, out, err = run(capsys, *argv)
        assert code == 2 and "不是数据库文件" in err and str(notes) in err and "Traceback" not in err
    assert notes.read_bytes() == before
    assert not (tmp_path / "notes.db-wal").exists()


def test_another_programs_database_is_refused_and_left_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('甲')")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    code, _, err = run(capsys, "review", str(seed_copy(tmp_path / "in")), "--db", str(other))
    assert code == 2 and "另一个程序的数据库" in err
    assert other.read_bytes() == before
    conn = sqlite3.connect(other)
    assert conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall() == [("customers",)]
    conn.close()


def test_a_record_from_a_newer_version_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "r.db"
    open_record(str(target)).close()
    conn = sqlite3.connect(target)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    code, _, err = run(capsys, "history", "--unit", "x", "--db", str(target))
    assert code == 2 and "更新版本的 jixiao" in err
    code, _, err = run(capsys, "history", "--unit", "x", "--db", str(tmp_path / "none.db"))
    assert code == 2 and "不存在" in err and not (tmp_path / "none.db").exists()


def test_a_missing_folder_or_a_folder_as_the_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    form = str(seed_copy(tmp_path / "in"))
    code, _, err = run(capsys, "review", form, "--db", str(tmp_path / "nope" / "r.db"))
    assert code == 2 and "不存在" in err
    code, _, err = run(capsys, "review", form, "--db", str(tmp_path))
    assert code == 2 and "文件夹" in err


def test_postgresql_url_that_cannot_connect_is_a_message(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    code, _, err = run(capsys, "history", "--unit", "x", "--db", "postgresql://nobody:secret@127.0.0.1:1/none")
    assert code == 2 and "PostgreSQL" in err and "secret" not in err and "Traceback" not in err
