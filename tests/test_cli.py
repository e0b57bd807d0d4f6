import json
import subprocess
import sys

import pytest
from jixiao.scoring.findings import catalog_markdown
from jixiao.tui.cli import main

from .conftest import ROOT, SEED, form_toml, row


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_score_table_side_by_side(capsys):
    code, out, _ = run(capsys, "score", str(SEED))
    assert code == 1  # the seed has a score-mismatch error
    assert "填报得分" in out and "复算得分" in out
    assert "总分：复算 100.00（填报 99.50）" in out
    assert "等级：复算 优（填报 优）" in out
    assert "score-mismatch" in out and "missing-deviation-note" in out
    assert "第120行" in out


def test_score_json(capsys):
    code, out, _ = run(capsys, "score", str(SEED), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert set(data) >= {"file", "rules", "funds", "indicators", "total", "grade", "findings"}
    # issue 10 added "explain" to the total: 10.00 + 90.00 = 100.00, grade 优
    assert data["total"] == {
        "score": "100.00", "claimed": "99.50", "explain": "资金执行率 10.00 + 各项指标 90.00 = 100.00；等级 优（100.00 ≥ 90）"
    }
    assert data["funds"]["rate"] == "1.000000"
    assert data["indicators"][0]["explain"] == "12.50 × 32.66 ÷ 31.88 = 12.81，封顶 12.50"
    assert all(isinstance(i["weight"], str) for i in data["indicators"])


def test_check_lists_findings_only(capsys):
    code, out, _ = run(capsys, "check", str(SEED))
    assert code == 1
    assert "score-mismatch" in out and "复算得分" not in out


def test_clean_form_exits_zero(tmp_path, capsys):
    p = tmp_path / "ok.toml"
    p.write_text(form_toml([row(target="≥100", actual="100")]), encoding="utf-8")
    code, out, _ = run(capsys, "score", str(p))
    assert code == 0


def test_unreadable_exits_two_with_message(tmp_path, capsys):
    p = tmp_path / "bad.toml"
    p.write_text("format = 1\nkind = \n", encoding="utf-8")
    code, out, err = run(capsys, "score", str(p))
    assert code == 2
    assert f"{p}:2" in err and "TOML 语法错误" in err
    assert "Traceback" not in err


def test_rules_option_overrides(tmp_path, capsys):
    p = tmp_path / "f.toml"
    p.write_text(form_toml([row(target="≥90", actual="75", note="x")]), encoding="utf-8")  # total 85
    _, out, _ = run(capsys, "score", str(p), "--rules", "grades-80-70-60", "--format", "json")
    data = json.loads(out)
    assert data["rules"]["id"] == "grades-80-70-60" and data["grade"]["computed"] == "优"


def test_demo(capsys):
    code, out, _ = run(capsys, "demo")
    assert code == 0
    assert "株洲市社会保险服务中心" in out and "100.00" in out


def test_demo_writes_a_copy_of_the_example_and_never_over_a_file(tmp_path, capsys):
    out = tmp_path / "示例.toml"
    code, stdout, _ = run(capsys, "demo", "-o", str(out))
    assert code == 0 and "已另存示例表单" in stdout
    assert out.read_bytes() == SEED.read_bytes()
    out.write_text("mine", encoding="utf-8")
    code, _, err = run(capsys, "demo", "-o", str(out))
    assert code == 2 and "已存在" in err
    assert out.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("kind", ["department", "project"])
def test_new_template_loads_and_is_commented(tmp_path, capsys, kind):
    p = tmp_path / f"{kind}.toml"
    code, out, _ = run(capsys, "new", "--kind", kind, "-o", str(p))
    assert code == 0 and p.exists()
    text = p.read_text(encoding="utf-8")
    assert text.count("#") > 10
    code, out, err = run(capsys, "check", str(p))
    assert code in (0, 1) and "无法读取" not in err  # it loads; blank actuals are findings
    # never overwrite
    code, _, err = run(capsys, "new", "--kind", kind, "-o", str(p))
    assert code == 2 and "已存在" in err


def test_rules_list_and_show(capsys):
    code, out, _ = run(capsys, "rules", "list")
    assert code == 0 and "central-2020" in out and "sichuan" in out
    code, out, _ = run(capsys, "rules", "show", "sichuan")
    assert code == 0 and "adjusted" in out and "sha256" in out


def test_findings_command_and_docs_page_are_current(capsys):
    code, out, _ = run(capsys, "findings")
    assert code == 0 and "score-mismatch" in out
    assert (ROOT / "docs" / "findings.md").read_text(encoding="utf-8") == catalog_markdown(), (
        "docs/findings.md is stale: run python -m jixiao.scoring.findings > docs/findings.md"
    )


def test_bad_arguments_exit_two(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["score"])
    assert exc.value.code == 2
    assert "参数错误" in capsys.readouterr().err


def test_score_path_does_not_import_textual_or_reportlab():
    code = (
        f"import sys; from tui.cli import main; main(['score', r'{SEED}', '--format', 'json']);"
        "bad = [m for m in ('textual', 'reportlab', 'openpyxl') if m in sys.modules]; print('LOADED', bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True).stdout
    assert "LOADED []" in out


def test_score_json_cold_start_imports_only_what_it_needs():
    """`jixiao score FORM --format json` as a user runs it: no TUI, PDF, Excel or rich, no plugin scan, no other command."""
    run_ = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "jixiao.tui.cli", "score", str(SEED), "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run_.returncode == 1, run_.stderr[-2000:]  # the seed's 9.5 of 10 is an error finding
    assert json.loads(run_.stdout)["total"]["score"] == "100.00"
    imported = {line.rsplit("|", 1)[1].strip() for line in run_.stderr.splitlines() if line.startswith("import time:")}
    assert "jixiao.scoring.engine" in imported  # the list is read right
    for name in ("textual", "reportlab", "rich", "openpyxl", "importlib.metadata", "difflib", "jixiao.tui.commands.pdf",
                 "jixiao.tui.commands.review", "sqlalchemy", "alembic", "sqlite3", "jixiao.store"):
        assert name not in imported, name


def test_commands_that_do_not_use_the_record_do_not_import_sqlalchemy(tmp_path):
    """`jixiao -h` registers every command (review, history, desk too): none loads the record's libraries."""
    for argv in (["-h"], ["check", str(SEED)], ["findings"]):
        run_ = subprocess.run([sys.executable, "-X", "importtime", "-m", "jixiao.tui.cli", *argv],
                              cwd=ROOT, capture_output=True, text=True)
        imported = {line.rsplit("|", 1)[1].strip() for line in run_.stderr.splitlines() if line.startswith("import time:")}
        assert "jixiao.tui.cli" in imported or "jixiao.tui.commands._common" in imported, argv
        for name in ("sqlalchemy", "alembic", "jixiao.store", "jixiao.store.db"):
            assert name not in imported, (argv, name)
    # and the record's commands do load it
    record = tmp_path / "r.db"
    subprocess.run([sys.executable, "-m", "jixiao.tui.cli", "review", str(SEED), "--db", str(record)], cwd=ROOT, capture_output=True)
    run_ = subprocess.run([sys.executable, "-X", "importtime", "-m", "jixiao.tui.cli", "history", "--unit", "x",
                           "--db", str(record)], cwd=ROOT, capture_output=True, text=True)
    assert run_.returncode == 1 and "sqlalchemy" in run_.stderr


def test_every_command_module_is_registered_and_listed(capsys):
    from jixiao.tui.cli import COMMANDS

    modules = {p.stem for p in (ROOT / "tui" / "commands").glob("*.py") if not p.stem.startswith("_")}
    assert {m.rsplit(".", 1)[1] for m in COMMANDS.values()} == modules
    with pytest.raises(SystemExit):
        main(["-h"])
    listed = capsys.readouterr().out
    for name in COMMANDS:
        assert f"    {name} " in listed, name


def test_readme_shows_the_real_demo_output(capsys):
    _, out, _ = run(capsys, "demo")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("`jixiao demo` 的输出（节选）：\n\n```\n", 1)[1].split("```", 1)[0]
    # an excerpt: every line it shows is a line of the real output, in the same order
    lines = out.splitlines()
    at = 0
    for shown in block.splitlines():
        assert shown in lines[at:], shown
        at = lines.index(shown, at) + 1
    assert len([line for line in block.splitlines() if line.strip()]) >= 10


def test_rules_errors_say_rules(capsys):
    code, _, err = run(capsys, "rules", "show", "nosuch")
    assert code == 2 and err.startswith("无法读取规则集：") and "central-2020" in err


def test_findings_are_listed_in_full(capsys):
    from jixiao.scoring.findings import CATALOG

    _, out, _ = run(capsys, "findings")
    for code, rule in CATALOG.items():
        assert code in out and rule.meaning in out
