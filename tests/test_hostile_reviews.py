"""Review adjustments come from the bureau (issue 18, item 5).

A ``X.review.toml`` lying among the submissions may have been put there by
anyone who could drop a file: it is reported (``review-beside-form``), never
applied.  The reviewer names the review folder with ``--reviews DIR``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from jixiao.scoring.review import load_reviews, review_file_in
from jixiao.tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"
LOWER = ('reviewer = "某市财政局绩效科"\n[[adjustments]]\nindicator = "参保人满意度"\nscore = 0\nreason = "降分"\n'
         '[[adjustments]]\nindicator = "funds"\nscore = 0\nreason = "降分"\n')


def _review(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    code = main(["review", *args, "--format", "json", "--jobs", "1"])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else {}, err


def test_a_review_file_among_the_submissions_is_reported_not_applied(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    inbox = tmp_path / "收件"
    inbox.mkdir()
    shutil.copy(SEED, inbox / "B.toml")
    (inbox / "B.review.toml").write_text(LOWER, encoding="utf-8")  # dropped there by another unit
    _, data, _ = _review(capsys, str(inbox))
    form = data["forms"][0]
    assert form["review"]["total"] == form["total"]["score"] == "100.00"
    assert form["review"]["file"] is None and data["summary"]["reviewed"] == 0
    beside = [f for f in form["findings"] if f["code"] == "review-beside-form"]
    assert len(beside) == 1 and beside[0]["severity"] == "warning" and "未应用" in beside[0]["message"]
    assert "--reviews" in beside[0]["message"]


def test_the_review_folder_the_reviewer_names_is_applied_at_the_forms_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    inbox = tmp_path / "收件"
    (inbox / "乙县").mkdir(parents=True)
    shutil.copy(SEED, inbox / "乙县" / "B.toml")
    shutil.copy(SEED, inbox / "B.toml")  # same name elsewhere: its review is another file
    (inbox / "乙县" / "B.review.toml").write_text('[[adjustments]]\nindicator = "funds"\nscore = 5\nreason = "假"\n',
                                                 encoding="utf-8")
    reviews = tmp_path / "复核"
    (reviews / "乙县").mkdir(parents=True)
    (reviews / "乙县" / "B.review.toml").write_text(LOWER, encoding="utf-8")
    _, data, _ = _review(capsys, str(inbox), "--reviews", str(reviews))
    forms = {str(Path(f["file"]).relative_to(inbox)): f for f in data["forms"]}
    sub = forms[str(Path("乙县") / "B.toml")]
    assert sub["review"]["file"] == str(reviews / "乙县" / "B.review.toml")
    assert sub["review"]["total"] == "80.00"  # 100 - 10 (满意度 to 0) - 10 (funds to 0)
    assert [f["code"] for f in sub["findings"]].count("review-beside-form") == 1  # the one in the inbox is still told
    top = forms["B.toml"]
    assert top["review"]["file"] is None and top["review"]["total"] == "100.00"


def test_a_missing_review_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    shutil.copy(SEED, tmp_path / "a.toml")
    code = main(["review", str(tmp_path / "a.toml"), "--reviews", str(tmp_path / "无")])
    assert code == 2 and "复核文件夹不存在" in capsys.readouterr().err


def test_load_reviews_is_reusable(tmp_path: Path):
    reviews = tmp_path / "r"
    reviews.mkdir()
    assert load_reviews(reviews, "/somewhere/a.xlsx") == []
    (reviews / "a.review.toml").write_text(LOWER, encoding="utf-8")
    [loaded] = load_reviews(reviews, "/somewhere/a.xlsx")
    assert loaded.review is not None and loaded.review.reviewer == "某市财政局绩效科" and loaded.problems == []
    (reviews / "a.review.toml").write_text("oops =", encoding="utf-8")
    [bad] = load_reviews(reviews, "/somewhere/a.xlsx")
    assert bad.review is None and bad.problems
    roots = (str(tmp_path / "in"),)
    assert review_file_in(reviews, tmp_path / "in" / "x" / "a.toml", roots) == str(reviews / "x" / "a.review.toml")
