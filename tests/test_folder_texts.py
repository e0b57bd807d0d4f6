"""A folder's .txt and .csv files with no form in them are skipped with a notice, not made error rows."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from .conftest import ROOT, SEED


def run(*args: str, cwd=ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jixiao.tui.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_review_folder_skips_a_readme_but_reads_a_form_text(tmp_path):
    folder = tmp_path / "提交"
    folder.mkdir()
    shutil.copy(SEED, folder / "a.toml")
    (folder / "说明.txt").write_text("本文件夹为 2021 年度各单位报送材料。\n", encoding="utf-8")
    (folder / "名单.csv").write_text("单位,联系人\n某中学,张三\n", encoding="utf-8")
    shutil.copy(ROOT / "tests/fixtures/import/seed-2021.txt", folder / "决算.txt")
    proc = run("review", str(folder), "--format", "json", cwd=tmp_path)
    assert "Traceback" not in proc.stderr
    assert "跳过" in proc.stderr and "说明.txt" in proc.stderr and "名单.csv" in proc.stderr
    files = [f["file"] for f in json.loads(proc.stdout)["forms"]]
    assert len(files) == 2  # a.toml and 决算.txt: the two texts without a form are no rows
    assert not any("说明.txt" in f or "名单.csv" in f for f in files)


def test_a_text_named_on_the_command_line_is_still_read_and_says_what_it_lacks(tmp_path):
    readme = tmp_path / "说明.txt"
    readme.write_text("本文件夹为报送材料。\n", encoding="utf-8")
    proc = run("review", str(readme), "--format", "json", cwd=tmp_path)
    assert "Traceback" not in proc.stderr
    assert '"error"' in proc.stdout  # named explicitly: an unreadable row, not skipped
