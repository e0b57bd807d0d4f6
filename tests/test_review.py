"""The review file: applying a finance bureau's adjustments (scoring/review.py)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from jixiao.indicators.loader import FormError
from jixiao.scoring.loading import score_file
from jixiao.scoring.review import load_review, review_path_for, review_result

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"
BATCH = ROOT / "tests" / "fixtures" / "review" / "batch"


@pytest.fixture
def form(tmp_path: Path) -> Path:
    """The seed form (claimed 99.50, computed 100.00; satisfaction claimed 9.5 of 10)."""
    path = tmp_path / "seed.toml"
    shutil.copy(SEED, path)
    return path


def review_of(form: Path, text: str):
    review_path_for(form).write_text(text, encoding="utf-8")
    result = score_file(form)
    return result, review_result(result, reviews_dir=form.parent)  # the reviewer names the folder it is in


def codes(review) -> list[str]:
    return [f.code for f in review.findings]


def test_review_path_sits_beside_the_form():
    assert review_path_for("/a/b/X.toml") == Path("/a/b/X.review.toml")


def test_no_review_file_means_review_total_is_the_computed_total(form: Path):
    result = score_file(form)
    review = review_result(result)
    assert review.total == Decimal("100.00") == result.total
    assert review.grade == "优"
    assert review.adjustments == [] and review.findings == [] and review.file == ""
    assert review.to_dict() == {"total": "100.00", "grade": "优", "reviewer": "", "date": "", "file": None, "adjustments": []}


def test_valid_deduction_and_score_are_applied(form: Path):
    result, review = review_of(
        form,
        'reviewer = "某市财政局绩效科"\ndate = 2022-08-01\n'
        '[[adjustments]]\nindicator = "参保人满意度"\ndeduct = 2\nreason = "无调查资料"\n'
        '[[adjustments]]\nindicator = "funds"\nscore = 9\nreason = "执行数含暂付款"\n',
    )
    assert review.findings == []
    # 100.00 - (10 - 8) - (10 - 9) = 97.00
    assert review.total == Decimal("97.00")
    assert review.grade == "优"
    assert review.reviewer == "某市财政局绩效科" and review.date == "2022-08-01"
    assert [a.to_dict() for a in review.adjustments] == [
        {"indicator": "参保人满意度", "index": 9, "computed": "10.00", "review": "8.00", "deduct": "2.00",
         "reason": "无调查资料", "applied": True},
        {"indicator": "funds", "index": 0, "computed": "10.00", "review": "9.00", "deduct": "1.00",
         "reason": "执行数含暂付款", "applied": True},
    ]
    assert review.scores == {8: Decimal("8.00")} and review.funds == Decimal("9.00")
    assert result.total == Decimal("100.00")  # the engine's result is not changed


def test_two_adjustments_of_one_row_add_up(form: Path):
    _, review = review_of(
        form,
        '[[adjustments]]\nindicator = "企业职工退休金"\ndeduct = 1\nreason = "佐证不足"\n'
        '[[adjustments]]\nindicator = "企业职工退休金"\ndeduct = 0.25\nreason = "口径不一"\n',
    )
    assert [a.review for a in review.adjustments] == [Decimal("6.50"), Decimal("6.25")]
    assert [a.deduct for a in review.adjustments] == [Decimal("1.00"), Decimal("0.25")]
    assert review.total == Decimal("98.75")


def test_review_score_is_clamped_to_zero_and_weight(form: Path):
    _, review = review_of(
        form,
        '[[adjustments]]\nindicator = "企业职工退休金"\ndeduct = 20\nreason = "无佐证材料，按 0 分计"\n'
        '[[adjustments]]\nindicator = "全市企业养老保险离退休人数"\nscore = 15\nreason = "复核"\n',
    )
    assert review.adjustments[0].review == Decimal("0.00")
    assert review.adjustments[1].review == Decimal("12.50")  # weight 12.5
    # 15 is above the claimed 12.5: a finding, and the score stays within the weight
    assert codes(review) == ["review-above-self"]
    assert review.total == Decimal("92.50")


def test_review_above_the_claimed_self_score_is_a_finding(form: Path):
    # computed 10, claimed 9.5: 10 - 0.2 = 9.8 is above what the unit claimed
    _, review = review_of(form, '[[adjustments]]\nindicator = "参保人满意度"\ndeduct = 0.2\nreason = "样本少"\n')
    assert codes(review) == ["review-above-self"]
    f = review.findings[0]
    assert f.severity == "error"
    assert f.line == 3  # the deduct line of the review file
    assert "seed.review.toml" in f.where and "9.80" in f.message and "9.50" in f.message
    # held at the self score: a review never raises a score above what the unit claimed
    assert review.adjustments[0].review == Decimal("9.50")
    assert review.total == Decimal("99.50")


def test_self_score_is_the_computed_one_when_nothing_was_claimed(tmp_path: Path):
    path = tmp_path / "values.toml"
    shutil.copy(BATCH / "sub" / "06-values.toml", path)  # no claimed scores; 合格率 computes to 5 of 5
    _, review = review_of(path, '[[adjustments]]\nindicator = "合格率"\nscore = 5\nreason = "维持"\n')
    assert review.findings == []
    _, review = review_of(path, '[[adjustments]]\nindicator = "培训人次"\nscore = 3\nreason = "补交了记录"\n')
    assert codes(review) == ["review-above-self"]  # computed 0, nothing claimed
    assert "复算得分" in review.findings[0].message
    assert review.adjustments[0].review == Decimal("0.00")


def test_deduction_without_reason_is_a_finding_but_applied(form: Path):
    _, review = review_of(form, '[[adjustments]]\nindicator = "企业职工退休金"\ndeduct = 1.5\n')
    assert codes(review) == ["missing-reason"]
    assert review.findings[0].line == 1  # the [[adjustments]] header: there is no reason line
    assert review.total == Decimal("98.50")


def test_lowering_by_score_needs_a_reason_keeping_does_not(form: Path):
    _, review = review_of(form, '[[adjustments]]\nindicator = "企业职工退休金"\nscore = 7\nreason = " "\n')
    assert codes(review) == ["missing-reason"]
    _, review = review_of(form, '[[adjustments]]\nindicator = "企业职工退休金"\nscore = 7.5\n')
    assert review.findings == []


def test_unknown_indicator_is_a_finding_and_not_applied(form: Path):
    _, review = review_of(form, '[[adjustments]]\nindicator = "不存在的指标"\ndeduct = 3\nreason = "x"\n')
    assert codes(review) == ["unknown-indicator"]
    assert review.adjustments[0].applied is False and review.adjustments[0].index is None
    assert review.total == Decimal("100.00")
    assert "不存在的指标" in review.findings[0].message


def test_a_name_two_rows_share_names_neither_and_is_not_applied(form: Path):
    # rows 7 and 8 of the seed both called 企业职工退休金: which one the reviewer meant cannot be known
    text = form.read_text(encoding="utf-8").replace('name = "机关事业单位离退休人员退休金"', 'name = "企业职工退休金"')
    form.write_text(text, encoding="utf-8")
    result, review = review_of(
        form,
        '[[adjustments]]\nindicator = "企业职工退休金"\ndeduct = 2\nreason = "佐证不足"\n'
        '[[adjustments]]\nindicator = "参保人满意度"\ndeduct = 1\nreason = "无调查资料"\n',
    )
    assert [r.name for r in result.indicators].count("企业职工退休金") == 2
    assert codes(review) == ["unknown-indicator"]
    f = review.findings[0]
    assert "2 项同名（第 7、8 项）" in f.message and f.line == 2
    assert [a.applied for a in review.adjustments] == [False, True]
    assert review.scores == {8: Decimal("9.00")}  # only the unambiguous adjustment: 10 - 1
    assert review.total == Decimal("99.00")  # 100.00 - 1


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[[adjustments]]\nindicator = "参保人满意度"\ndeduction = 2\nreason = "x"\n', 3, "deduct"),
        ('[[adjustments]]\nindicator = "参保人满意度"\ndeduct = 2\nscore = 8\nreason = "x"\n', 4, "只能写一个"),
        ('[[adjustments]]\nindicator = "参保人满意度"\nreason = "x"\n', 1, "之一"),
        ('[[adjustments]]\nindicator = "参保人满意度"\ndeduct = -2\nreason = "x"\n', 3, "不能为负数"),
        ('[[adjustments]]\nindicator = "参保人满意度"\ndeduct = "两分"\nreason = "x"\n', 3, "应为数字"),
        ('reviewer = 某局\n', 1, "TOML 语法错误"),
    ],
)
def test_unusable_review_file_is_review_invalid_and_nothing_is_applied(form: Path, text: str, line: int, words: str):
    # a valid first adjustment must not be applied either
    good = '[[adjustments]]\nindicator = "funds"\nscore = 5\nreason = "ok"\n'
    result, review = review_of(form, text + ("" if text.startswith("reviewer") else good))
    assert codes(review) == ["review-invalid"]
    f = review.findings[0]
    assert f.line == line and words in f.message and "seed.review.toml" in f.message
    assert review.total == result.total == Decimal("100.00")
    assert review.adjustments == []


def test_review_file_in_gbk_is_read_with_a_notice(form: Path):
    from jixiao.indicators.encodings import EncodingNotice

    review_path_for(form).write_bytes('reviewer = "财政局"\n'.encode("gbk"))  # what Notepad saves in China
    with pytest.warns(EncodingNotice):
        review = review_result(score_file(form), reviews_dir=form.parent)
    assert codes(review) == [] and review.reviewer == "财政局"


def test_review_file_neither_utf8_nor_gbk_is_review_invalid(form: Path):
    review_path_for(form).write_bytes(b'reviewer = "\xff\xfe"\n')
    review = review_result(score_file(form), reviews_dir=form.parent)
    assert codes(review) == ["review-invalid"] and "UTF-8" in review.findings[0].message


def test_load_review_names_every_problem():
    # both problems of the file are reported together, each with its line
    text = '[[adjustments]]\nindicator = "a"\n[[adjustments]]\nindicator = "b"\ndeduct = 1\nscore = 2\n'
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "x.review.toml"
        p.write_text(text, encoding="utf-8")
        with pytest.raises(FormError) as exc:
            load_review(p)
    assert [(pr.key, pr.line) for pr in exc.value.problems] == [("adjustments[1].deduct", 1), ("adjustments[2].score", 6)]
