"""``jixiao edit`` on the command line: arguments, messages, and a fast start for the other commands."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jixiao.tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"


def test_edit_is_registered_and_imports_no_textual_up_front() -> None:
    code = (
        "import sys; from tui.cli import build_parser; p = build_parser(); "
        "a = p.parse_args(['edit', 'x.toml']); "
        "assert a.func.__module__ == 'jixiao.tui.commands.edit', a.func; "
        "assert 'textual' not in sys.modules, 'textual imported'; "
        "assert 'jixiao.indicators.document' not in sys.modules; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


def test_edit_a_missing_file_says_how_to_create_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["edit", str(tmp_path / "nope.toml")]) == 2
    err = capsys.readouterr().err
    assert "文件不存在" in err and "jixiao edit --new --kind department" in err


def test_edit_new_refuses_an_existing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "f.toml"
    shutil.copy(SEED, path)
    before = path.read_bytes()
    assert main(["edit", "--new", "--kind", "project", str(path)]) == 2
    assert "文件已存在" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_edit_new_in_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["edit", "--new", str(tmp_path / "no" / "f.toml")]) == 2
    assert "不存在" in capsys.readouterr().err


def test_edit_runs_the_app_with_the_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao.tui.app import JixiaoApp

    seen = {}

    def fake_run(self: JixiaoApp) -> int:
        seen["doc"] = self.doc
        return 0

    monkeypatch.setattr(JixiaoApp, "run", fake_run)
    path = tmp_path / "new.toml"
    assert main(["edit", "--new", "--kind", "project", str(path)]) == 0
    assert seen["doc"].is_new and seen["doc"].form.kind == "project"
    assert not path.exists()  # nothing is written until the user saves


def test_edit_rejects_an_unknown_kind(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["edit", "--new", "--kind", "school", "x.toml"])
    assert exc.value.code == 2
