"""Rules belong to the bureau (issue 18, items 3 and 4).

A submission may name a bundled rule set; in a review it may name nothing
else (a rules file is the reviewer's ``--rules``).  For a single form a
rules file must lie in the form's folder: one outside is refused before it
is opened, and no message quotes a rules file's keys or text.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jixiao.scoring.rules import load_rules
from jixiao.tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"
CENTRAL = ROOT / "scoring" / "rulesets" / "central-2020.toml"


def _form(folder: Path, rules: str, name: str = "表.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = SEED.read_text(encoding="utf-8").replace('rules = "central-2020"', f"rules = {json.dumps(rules)}")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _lenient_rules(folder: Path, name: str = "mine.toml") -> Path:
    """A rules file labelled central-2020 that grades everything 优 from 0 points."""
    text = CENTRAL.read_text(encoding="utf-8")
    assert 'id = "central-2020"' in text
    path = folder / name
    path.write_text('extends = "central-2020"\nid = "central-2020"\nname = "宽松"\nsource = "单位自带"\n\n'
                    '[grades]\nbands = [{ min = 0, grade = "优" }]\n', encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_review_refuses_a_rules_file_the_form_brings(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    folder = tmp_path / "收件"
    _form(folder, "mine.toml")
    _lenient_rules(folder)
    _form(folder, "central-2020", "好.toml")
    code, out, err = _run(capsys, "review", str(folder), "--format", "json", "--jobs", "1")
    data = json.loads(out)
    by_name = {Path(f["file"]).name: f for f in data["forms"]}
    refused = by_name["表.toml"]
    assert "error" in refused and "只能写内置规则集" in refused["error"] and "--rules" in refused["error"]
    assert code == 1
    good = by_name["好.toml"]
    assert good["rules"] == {"id": "central-2020", "sha256": load_rules("central-2020").sha256}


def test_review_uses_a_rules_file_the_reviewer_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    folder = tmp_path / "收件"
    _form(folder, "central-2020")
    bureau = tmp_path / "局"
    bureau.mkdir()
    rules = _lenient_rules(bureau, "bureau.toml")
    code, out, _ = _run(capsys, "review", str(folder), "--rules", str(rules), "--format", "json", "--jobs", "1")
    form = json.loads(out)["forms"][0]
    lenient = load_rules(str(rules))
    assert form["rules"]["sha256"] == lenient.sha256 != load_rules("central-2020").sha256
    # the table shows the id and the start of the hash, the summary the whole hash
    code, out, _ = _run(capsys, "review", str(folder), "--rules", str(rules), "--jobs", "1")
    assert f"central-2020 {lenient.sha256[:12]}" in out
    assert f"规则集 central-2020（摘要 sha256 {lenient.sha256}）：1 份。" in out


@pytest.mark.parametrize("where", ["absolute", "dotdot", "link", "extends"])
def test_score_refuses_a_rules_file_outside_the_form_folder(where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    outside = tmp_path / "局内文件"
    outside.mkdir()
    secret = outside / "secret.toml"
    secret.write_text('password = "hunter2-口令"\n[db]\nhost = "10.0.0.1"\n', encoding="utf-8")
    folder = tmp_path / "单位" / "提交"
    folder.mkdir(parents=True)
    if where == "absolute":
        ref = str(secret)
    elif where == "dotdot":
        ref = "../../局内文件/secret.toml"
    elif where == "link":
        (folder / "rules.toml").symlink_to(secret)
        ref = "rules.toml"
    else:
        (folder / "rules.toml").write_text(f'extends = {json.dumps(str(secret))}\nid = "x"\nname = "x"\n', encoding="utf-8")
        ref = "rules.toml"
    form = _form(folder, ref)
    code, out, err = _run(capsys, "score", str(form))
    assert code == 2
    assert "不在表单所在的文件夹中，不予读取" in out + err
    for leaked in ("hunter2", "password", "10.0.0.1", "db"):
        assert leaked not in out + err


def test_a_rules_file_outside_is_not_opened(tmp_path: Path):
    """A FIFO outside the folder: opening it would block for ever; refusing it returns at once."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    form = _form(tmp_path / "f", str(fifo))
    proc = subprocess.run([sys.executable, "-m", "jixiao.tui.cli", "score", str(form)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2 and "不予读取" in proc.stdout + proc.stderr


def test_errors_in_a_form_own_rules_file_name_no_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "r.toml").write_text('extends = "central-2020"\nid = "x"\nname = "x"\nsource = "y"\nsecret_token = "abc123"\n',
                                   encoding="utf-8")
    form = _form(folder, "r.toml")
    code, out, err = _run(capsys, "score", str(form))
    assert code == 2
    assert "secret_token" not in out + err and "abc123" not in out + err
    assert "第 5 行" in out + err and "jixiao rules show" in out + err
    # the same file named by the user is told in full
    code, out, err = _run(capsys, "score", str(form), "--rules", str(folder / "r.toml"))
    assert code == 2 and "secret_token" in out + err


def test_a_rules_file_in_the_folder_still_works_for_one_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    folder = tmp_path / "f"
    folder.mkdir()
    _lenient_rules(folder)
    form = _form(folder, "mine.toml")
    code, out, _ = _run(capsys, "score", str(form), "--format", "json")
    assert json.loads(out)["rules"]["sha256"] == load_rules(str(folder / "mine.toml")).sha256
    # and from another working directory: the path is the form's folder's, not the working directory's
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        shutil.copy(folder / "mine.toml", tmp_path / "mine.toml")
        (tmp_path / "mine.toml").write_text("not toml [", encoding="utf-8")
        code, out, _ = _run(capsys, "score", str(form), "--format", "json")
        assert code in (0, 1) and json.loads(out)["rules"]["id"] == "central-2020"
    finally:
        os.chdir(cwd)


def test_pdf_and_edit_refuse_a_rules_file_outside_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from jixiao.indicators.document import FormDocument
    from jixiao.tui.app import JixiaoApp

    outside = tmp_path / "局" / "secret.toml"
    outside.parent.mkdir()
    outside.write_text('password = "hunter2"\n', encoding="utf-8")
    form = _form(tmp_path / "单位", str(outside))
    code, out, err = _run(capsys, "pdf", str(form), "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and "不予读取" in out + err and "hunter2" not in out + err
    assert not (tmp_path / "x.pdf").exists()
    app = JixiaoApp(FormDocument.open(form), cursor_blink=False)  # the editor scores on opening
    assert app.result is None
    said = " ".join(p.message for p in app.doc.problems)
    assert "不予读取" in said and "hunter2" not in said and "password" not in said
