"""``jixiao review``: a folder of forms, every output checked row by row.

The fixture folder ``tests/fixtures/review/batch`` holds nine forms (one of
them broken) and three review files; together they raise every finding code
of the catalogue.  Expected values below are computed by hand from the files
(see the comment at the top of each fixture).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from jixiao.scoring.findings import CATALOG
from jixiao.tui.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "review" / "batch"
# import-problem and printed-mismatch need a spreadsheet submission: tests/test_import_cli.py and
# tests/test_import_classes.py review and check one; review-beside-form: tests/test_hostile_reviews.py
TOML_ONLY_UNSEEN = {"import-problem", "printed-mismatch", "review-beside-form"}
# seen only against approved definitions (--targets-dir): tests/test_targets.py
TOML_ONLY_UNSEEN |= {"target-changed", "indicator-added", "indicator-dropped", "targets-mismatch", "targets-not-found"}
# the across-years codes need a year before in the record: tests/test_store.py sees them in a review
TOML_ONLY_UNSEEN |= {"target-below-last-actual", "indicators-unchanged", "grade-repeated-low"}

# name -> (claimed total, computed total, review total, grades claimed/computed/review, errors, warnings)
# (05, 08, 09 have no [goal]: goal-missing twice; 06 and 07 claim some rows only: claimed-missing on each blank)
EXPECTED = {
    "01-seed.toml": ("99.50", "100.00", "97.00", ("优", "优", "优"), 1, 1),
    "02-bad-review.toml": ("99.50", "100.00", "98.00", ("优", "优", "优"), 4, 1),
    "03-invalid-review.toml": ("99.50", "100.00", "100.00", ("优", "优", "优"), 2, 1),
    "05-arith.toml": ("85.00", "104.00", "104.00", ("优", "优", "优"), 11, 5),
    "06-values.toml": ("", "83.00", "83.00", ("", "良", "良"), 4, 21),
    "07-qualitative.toml": ("", "41.00", "41.00", ("", "差", "差"), 7, 12),
    "08-hollow.toml": ("100.00", "100.00", "100.00", ("优", "优", "优"), 0, 3),
    "09-sichuan.toml": ("98.00", "98.00", "98.00", ("优", "优", "优"), 0, 3),
}
# worst first: unreadable, then most errors, then the biggest claimed-review gap, then warnings, then name
WORST_FIRST = [
    "04-broken.toml",
    "05-arith.toml",
    "07-qualitative.toml",
    "02-bad-review.toml",
    "06-values.toml",
    "03-invalid-review.toml",
    "01-seed.toml",
    "08-hollow.toml",
    "09-sichuan.toml",
]
PATH_ORDER = sorted(WORST_FIRST[1:] + ["04-broken.toml"], key=lambda n: ("sub/" if n[:2] >= "06" else "") + n)


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    folder = tmp_path / "batch"
    shutil.copytree(FIXTURES, folder)
    reviews = tmp_path / REVIEWS  # the bureau's review folder, apart from the submissions
    reviews.mkdir()
    for path in folder.glob("*.review.toml"):
        path.rename(reviews / path.name)
    return folder


REVIEWS = "复核"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``jixiao review ARGS``, with ``--reviews`` the review folder beside the batch folder when there is one."""
    folders = {parent / REVIEWS for a in args for parent in Path(a).parents if (parent / REVIEWS).is_dir()}
    extra = ["--reviews", str(folders.pop())] if len(folders) == 1 else []
    code = main(["review", *args, *extra])
    out, err = capsys.readouterr()
    return code, out, err


def by_name(forms: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {Path(f["file"]).name: f for f in forms}


# ------------------------------------------------------------------ JSON


def test_json_forms_match_hand_computed_values(batch: Path, capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(capsys, str(batch), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert [Path(f["file"]).name for f in data["forms"]] == PATH_ORDER  # file order; review files are not forms
    forms = by_name(data["forms"])
    for name, (claimed, total, review, grades, errors, warnings) in EXPECTED.items():
        f = forms[name]
        assert (f["total"]["score"], f["total"]["claimed"]) == (total, claimed or None), name
        assert f["review"]["total"] == review, name
        assert (f["grade"]["claimed"] or "", f["grade"]["computed"], f["review"]["grade"]) == grades, name
        severities = [x["severity"] for x in f["findings"]]
        assert (severities.count("error"), severities.count("warning")) == (errors, warnings), name
    broken = forms["04-broken.toml"]
    assert set(broken) == {"file", "error"}
    assert "04-broken.toml:5" in broken["error"] and "TOML 语法错误" in broken["error"]


def test_json_form_is_the_score_object_plus_review(batch: Path, capsys: pytest.CaptureFixture[str]):
    _, out, _ = run(capsys, str(batch), "--format", "json")
    seed = by_name(json.loads(out)["forms"])["01-seed.toml"]
    assert main(["score", str(batch / "01-seed.toml"), "--format", "json"]) == 1
    alone = json.loads(capsys.readouterr().out)
    review = seed.pop("review")
    assert seed == alone  # no review findings here, so the object is exactly `jixiao score`'s
    assert review == {
        "total": "97.00",
        "grade": "优",
        "reviewer": "某市财政局绩效科",
        "date": "2022-08-01",
        "file": str(batch.parent / REVIEWS / "01-seed.review.toml"),
        "adjustments": [
            {"indicator": "参保人满意度", "index": 9, "computed": "10.00", "review": "8.00", "deduct": "2.00",
             "reason": "满意度无调查资料，按复核口径扣分", "applied": True},
            {"indicator": "funds", "index": 0, "computed": "10.00", "review": "9.00", "deduct": "1.00",
             "reason": "执行数含暂付款，按复核口径计", "applied": True},
        ],
    }


def test_every_finding_code_of_the_catalogue_is_seen(batch: Path, capsys: pytest.CaptureFixture[str]):
    provincial = FIXTURES.parent / "provincial" / "10-provincial.toml"  # issue 10's codes
    no_adjusted = FIXTURES.parent / "provincial" / "11-no-adjusted.toml"  # denominator-fallback
    sense = FIXTURES.parent / "sense"  # issue 20's codes, and a copy of a form (duplicate-submission)
    _, out, _ = run(capsys, str(batch), str(provincial), str(no_adjusted), str(sense), "--format", "json")
    data = json.loads(out)
    seen = {f["code"] for form in data["forms"] for f in form.get("findings", [])}
    seen |= {f["code"] for f in data["summary"]["batch_findings"]}  # the batch's own: duplicate-submission, year-outlier
    assert seen == set(CATALOG) - TOML_ONLY_UNSEEN
    assert set(data["summary"]["findings"]) == set(CATALOG) - TOML_ONLY_UNSEEN


def test_review_findings_name_the_review_file_and_its_lines(batch: Path, capsys: pytest.CaptureFixture[str]):
    _, out, _ = run(capsys, str(batch), "--format", "json")
    forms = by_name(json.loads(out)["forms"])
    bad = [f for f in forms["02-bad-review.toml"]["findings"] if f["where"].startswith(str(batch.parent / REVIEWS / "02-bad-review.review.toml"))]
    assert [(f["code"], f["line"]) for f in bad] == [("review-above-self", 7), ("missing-reason", 10), ("unknown-indicator", 15)]
    assert [a["applied"] for a in forms["02-bad-review.toml"]["review"]["adjustments"]] == [True, True, False]
    invalid = [f for f in forms["03-invalid-review.toml"]["findings"] if f["code"] == "review-invalid"]
    assert len(invalid) == 1 and invalid[0]["line"] == 7 and "deduction" in invalid[0]["message"]
    assert forms["03-invalid-review.toml"]["review"]["adjustments"] == []


def test_summary_counts_and_grade_distribution(batch: Path, capsys: pytest.CaptureFixture[str]):
    _, out, _ = run(capsys, str(batch), "--format", "json")
    s = json.loads(out)["summary"]
    assert (s["forms"], s["unreadable"], s["with_errors"], s["reviewed"]) == (9, 1, 6, 3)
    assert s["grades"] == {
        "claimed": {"优": 6, "未填": 2},
        "computed": {"优": 6, "良": 1, "差": 1},
        "review": {"优": 6, "良": 1, "差": 1},
    }
    # operator-assumed: 4 in each seed copy + 1 in 06-values
    assert s["findings"]["operator-assumed"] == 13
    # claimed-missing: 11 blank 得分 in 06-values + 5 in 07-qualitative; goal-missing: 2 in each of 05, 06, 07, 08, 09
    assert s["findings"]["claimed-missing"] == 16 and s["findings"]["goal-missing"] == 10
    assert list(s["findings"])[:4] == ["claimed-missing", "operator-assumed", "goal-missing", "missing-deviation-note"]


def test_json_out_file_equals_stdout_and_parallel_equals_serial(batch: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out_file = tmp_path / "out.json"
    code, parallel_out, _ = run(capsys, str(batch), "--format", "json", "--jobs", "2", "--out", str(out_file))
    assert code == 1
    _, serial_out, _ = run(capsys, str(batch), "--format", "json", "--jobs", "1")
    serial = json.loads(serial_out)
    assert len(serial["forms"]) == 9
    assert json.loads(parallel_out) == serial
    assert json.loads(out_file.read_text(encoding="utf-8")) == serial


_PARENT = os.getpid()


def _files_or_die(records: list[Any]) -> list[str]:
    if os.getpid() != _PARENT:  # in a worker: die as a killed or out-of-memory worker would
        os._exit(3)
    return [rec.row.file for rec in records]


def test_forms_of_dying_workers_are_unreadable_rows_in_order(batch: Path):
    """Every worker dies (as killed for its memory): each file it was on is an unreadable row, made by the
    parent without reading it; the order holds (tests/test_hostile_bombs.py: one bad file among good ones)."""
    from jixiao.scoring.batch import Options, discover_names, run_batch

    files, _ = discover_names([batch])
    chunks = list(run_batch(files, Options(pieces=(("files", _files_or_die),)), jobs=2))
    assert [name for c in chunks for name in c.pieces["files"]] == files
    assert sum(c.summary.forms for c in chunks) == len(files) == sum(c.summary.unreadable for c in chunks) == 9


# ------------------------------------------------------------------ terminal


def table_rows(out: str) -> list[list[str]]:
    rows = []
    for line in out.splitlines():
        if line.startswith("│"):
            rows.append([c.strip() for c in line.strip("│").split("│")])
    return rows


def test_terminal_table_is_worst_first_with_hand_computed_rows(batch: Path, capsys: pytest.CaptureFixture[str]):
    code, out, err = run(capsys, str(batch))
    assert code == 1
    assert "复核中" not in err  # no progress bar when stderr is not a terminal
    rows = table_rows(out)
    header, body = rows[0], rows[1:10]
    assert header == ["序号", "文件", "单位", "类型", "规则集 摘要", "填报总分", "复算总分", "复核总分", "等级 填报/复算/复核", "错误", "警告"]
    assert [r[0] for r in body] == [str(i) for i in range(1, 10)]
    names = [r[1].rsplit("/", 1)[-1] for r in body]
    assert names == WORST_FIRST
    assert body[0][2:] == ["无法读取", "", "", "—", "—", "—", "—", "1", "0"]
    for r, name in zip(body[1:], WORST_FIRST[1:]):
        claimed, total, review, grades, errors, warnings = EXPECTED[name]
        assert r[4].startswith("central-2020 ") or r[4].startswith("sichuan "), name
        assert r[5:] == [claimed or "—", total, review, "/".join(g or "—" for g in grades), str(errors), str(warnings)], name
    assert body[1][2:4] == ["某县教育局 · 校舍维修项目", "项目"]
    assert body[4][2:4] == ["某区人力资源和社会保障局", "部门整体"]
    assert "无法读取的文件：" in out and "04-broken.toml:5: TOML 语法错误" in out
    assert "共 9 份表单：可读 8 份，无法读取 1 份；有错误的 6 份；有复核文件的 3 份。" in out


def test_terminal_summary_tables(batch: Path, capsys: pytest.CaptureFixture[str]):
    _, out, _ = run(capsys, str(batch))
    rows = table_rows(out)
    start = rows.index(["等级", "填报", "复算", "复核"])
    assert rows[start + 1 : start + 5] == [["优", "6", "6", "6"], ["良", "0", "1", "1"], ["差", "0", "1", "1"], ["未填", "2", "0", "0"]]
    start = rows.index(["代码", "严重程度", "名称", "条数", "涉及表单"])
    assert rows[start + 1] == ["claimed-missing", "警告", "未填得分", "16", "2"]
    assert rows[start + 2] == ["operator-assumed", "提示", "比较方式按默认推定", "13", "4"]
    assert rows[start + 4] == ["missing-deviation-note", "警告", "缺少偏差原因", "10", "6"]
    assert len(rows) == start + 11  # the ten commonest codes


def test_limit_shows_only_the_worst(batch: Path, capsys: pytest.CaptureFixture[str]):
    _, out, _ = run(capsys, str(batch), "--limit", "2")
    body = table_rows(out)[1:3]
    assert [r[1].rsplit("/", 1)[-1] for r in body] == WORST_FIRST[:2]
    assert "只显示最差的 2 份，共 9 份" in out


# ------------------------------------------------------------------ CSV and XLSX


def test_csv_has_bom_and_one_row_per_form(batch: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    target = tmp_path / "结果.csv"
    assert run(capsys, str(batch), "--out", str(target))[0] == 1
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["文件", "单位", "类型", "年度", "规则集", "规则集摘要", "填报总分", "复算总分", "复核总分", "填报等级",
                       "复算等级",
                       "复核等级", "错误数", "警告数", "复核人", "复核日期", "复核调整数", "无法读取原因", "执行率（%）", "填报−复核"]
    body = {Path(r[0]).name: r for r in rows[1:]}
    assert [Path(r[0]).name for r in rows[1:]] == PATH_ORDER
    for name, (claimed, total, review, grades, errors, warnings) in EXPECTED.items():
        r = body[name]
        assert r[6:14] == [claimed, total, review, *grades, str(errors), str(warnings)], name
    assert body["01-seed.toml"][1:5] == ["株洲市社会保险服务中心（01-seed）", "部门整体", "2021", "central-2020"]
    from jixiao.scoring.rules import load_rules

    assert body["01-seed.toml"][5] == load_rules("central-2020").sha256  # the rule set's effective hash, whole
    assert body["01-seed.toml"][14:17] == ["某市财政局绩效科", "2022-08-01", "2"]
    assert body["02-bad-review.toml"][16] == "2"  # the unknown indicator is not applied
    assert body["09-sichuan.toml"][4] == "sichuan"
    assert body["04-broken.toml"][1:12] == [""] * 11 and "TOML 语法错误" in body["04-broken.toml"][17]
    # 执行率 1387.53 ÷ 1387.53 = 100.00%; 填报 99.50 − 复核 97.00 = 2.50; 07 claims no total: blank
    assert body["01-seed.toml"][18:20] == ["100.00", "2.50"]
    assert body["07-qualitative.toml"][19] == "" and body["04-broken.toml"][18:20] == ["", ""]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_xlsx_sheets_rows_and_layout(batch: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from openpyxl import load_workbook

    target = tmp_path / "结果.xlsx"
    # with the provincial-manual form (issue 10's finding codes: caps, 不适用, no year, an unreadable target)
    provincial = FIXTURES.parent / "provincial" / "10-provincial.toml"
    no_adjusted = FIXTURES.parent / "provincial" / "11-no-adjusted.toml"  # denominator-fallback
    sense = FIXTURES.parent / "sense"  # issue 20's codes and a duplicate
    assert run(capsys, str(batch), str(provincial), str(no_adjusted), str(sense), "--out", str(target))[0] == 1
    wb = load_workbook(target)
    assert wb.sheetnames == ["表单", "发现项", "指标"]
    forms, findings, indicators = wb["表单"], wb["发现项"], wb["指标"]
    for ws in (forms, findings, indicators):
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
        assert ws.column_dimensions["A"].width == 40
    rows = {Path(r[0]).name: r for r in forms.iter_rows(min_row=2, values_only=True)}
    assert forms.max_row == 14  # a header, nine batch forms, the two provincial ones, the two of sense/
    for name, (claimed, total, review, grades, errors, warnings) in EXPECTED.items():
        r = rows[name]
        numbers = [None if x is None else f"{x:.2f}" for x in r[6:9]]
        assert numbers == [claimed or None, total, review], name
        assert [x or "" for x in r[9:12]] == list(grades), name
        assert r[12:14] == (errors, warnings), name
    assert rows["01-seed.toml"][3] == 2021 and rows["04-broken.toml"][12] == 1

    # 发现项: one row per finding plus one for the unreadable file
    frows = list(findings.iter_rows(min_row=2, values_only=True))
    per_form = {}
    for r in frows:
        per_form.setdefault(Path(r[0]).name, []).append(r[2])
    # 4 operator-assumed, mismatch, note; and year-outlier (a 2021 form in a batch of mostly 2023), after the forms'
    assert {n: len(c) for n, c in per_form.items()}["01-seed.toml"] == 7
    assert frows[-1][2] in ("year-outlier", "duplicate-submission") and frows[-1][5] == "本批次"
    assert per_form["04-broken.toml"] == [None]  # an empty cell
    assert {c for cs in per_form.values() for c in cs if c} == set(CATALOG) - TOML_ONLY_UNSEEN
    above = next(r for r in frows if r[2] == "review-above-self")
    assert above[3:5] == ("错误", "复核得分高于自评") and above[6] == 7

    # 指标: the funds row and every indicator with claimed / computed / review score
    irows = [r for r in indicators.iter_rows(min_row=2, values_only=True) if Path(r[0]).name == "01-seed.toml"]
    assert len(irows) == 10
    funds, satisfaction = irows[0], irows[9]
    assert (funds[2], funds[5]) == (0, "资金执行率")
    assert [f"{x:.2f}" for x in funds[6:11]] == ["10.00", "10.00", "10.00", "9.00", "-1.00"]
    assert funds[11] == "执行数含暂付款，按复核口径计"
    assert satisfaction[2:6] == (9, "满意度指标", "服务对象满意度指标", "参保人满意度")
    assert [f"{x:.2f}" for x in satisfaction[6:11]] == ["10.00", "9.50", "10.00", "8.00", "-2.00"]
    assert all(r[9] == r[8] for r in irows[1:9])  # rows not adjusted keep the computed score


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from openpyxl import load_workbook

    src = (FIXTURES / "01-seed.toml").read_text(encoding="utf-8")
    (tmp_path / "x.toml").write_text(src.replace("株洲市社会保险服务中心（01-seed）", '=HYPERLINK(\\"http://x\\")'), encoding="utf-8")
    run(capsys, str(tmp_path / "x.toml"), "--out", str(tmp_path / "r.xlsx"))
    cell = load_workbook(tmp_path / "r.xlsx")["表单"]["B2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")
    run(capsys, str(tmp_path / "x.toml"), "--out", str(tmp_path / "r.csv"))
    row = list(csv.reader((tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()))[1]
    assert row[1] == "'=HYPERLINK(\"http://x\")"


# ------------------------------------------------------------------ exit status and bad input


def test_clean_forms_exit_zero(batch: Path, capsys: pytest.CaptureFixture[str]):
    # 08 and 09 have warnings only
    assert run(capsys, str(batch / "sub" / "08-hollow.toml"), str(batch / "sub" / "09-sichuan.toml"))[0] == 0


def test_no_existing_path_exits_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code, out, err = run(capsys, str(tmp_path / "nope"), str(tmp_path / "nope.toml"))
    assert code == 2 and out == ""
    assert "nope：路径不存在" in err and "Traceback" not in err


def test_a_missing_path_among_others_is_an_unreadable_row(batch: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(capsys, str(batch / "sub" / "09-sichuan.toml"), str(tmp_path / "gone.toml"), "--format", "json")
    assert code == 1
    forms = json.loads(out)["forms"]
    assert forms[1] == {"file": str(tmp_path / "gone.toml"), "error": f"{tmp_path / 'gone.toml'}: 路径不存在。请检查文件或文件夹的路径。"}
    assert forms[0]["total"]["score"] == "98.00"


def test_empty_folder_is_not_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code, out, err = run(capsys, str(tmp_path))
    assert code == 0 and "没有找到表单文件" in err and "共 0 份表单" in out


def test_bad_output_name_exits_two_before_any_work(batch: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code, _, err = run(capsys, str(batch), "--out", str(tmp_path / "x.docx"))
    assert code == 2 and "不支持的输出格式" in err
    code, _, err = run(capsys, str(batch), "--out", str(tmp_path / "no" / "x.csv"))
    assert code == 2 and "文件夹不存在" in err


def test_a_broken_form_does_not_stop_the_batch_and_bad_bytes_are_rows(batch: Path, capsys: pytest.CaptureFixture[str]):
    (batch / "gbk.toml").write_bytes(b'format = 1\n[unit]\nname = "\xff\xfe"\n')  # neither UTF-8 nor GBK
    (batch / "wrong.toml").write_text('format = 1\nkind = "部门"\nyear = 2023\n[unit]\nname = "x"\n', encoding="utf-8")
    code, out, _ = run(capsys, str(batch), "--format", "json")
    forms = by_name(json.loads(out)["forms"])
    assert code == 1 and len(forms) == 11
    assert "UTF-8" in forms["gbk.toml"]["error"]
    assert "wrong.toml:2: [kind]" in forms["wrong.toml"]["error"]
    assert forms["09-sichuan.toml"]["review"]["total"] == "98.00"


def test_rules_option_applies_to_every_form(batch: Path, capsys: pytest.CaptureFixture[str]):
    _, out, _ = run(capsys, str(batch), "--rules", "no-grade", "--format", "json")
    forms = [f for f in json.loads(out)["forms"] if "error" not in f]
    assert {f["rules"]["id"] for f in forms} == {"no-grade"}
    assert {f["review"]["grade"] for f in forms} == {""}


def test_unusable_rules_option_exits_two_before_any_work(batch: Path, capsys: pytest.CaptureFixture[str]):
    code, out, err = run(capsys, str(batch), "--rules", "no-such-rules")
    assert code == 2 and out == ""
    assert "找不到规则集 “no-such-rules”" in err


# ------------------------------------------------------------------ PDF


def test_pdf_report_has_summary_chart_and_form_sections(batch: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from pypdf import PdfReader

    target = tmp_path / "复核报告.pdf"
    assert run(capsys, str(batch), "--pdf", str(target))[0] == 1
    text = "\n".join(page.extract_text() for page in PdfReader(target).pages)
    assert "预算绩效自评复核报告" in text
    assert "共 9 份表单" in text
    assert "复核得分高于自评" in text and "04-broken.toml" in text  # review-above-self, by its title
    assert "满意度无调查资料，按复核口径扣分" in text
    # a form with only a warning still needs attention: 09 has rate-below-threshold
    assert "某县水利局" in text and "执行率低于要求" in text
    # on paper: titles and places, never a finding code or a line of the form file
    squeezed = text.replace(" ", "").replace("\n", "")
    assert "review-above-self" not in squeezed and "rate-below-threshold" not in squeezed
    assert not re.search(r"第\d+行", squeezed)


def test_pdf_escapes_markup_in_user_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from pypdf import PdfReader

    src = (FIXTURES / "01-seed.toml").read_text(encoding="utf-8")
    (tmp_path / "x.toml").write_text(src.replace("（01-seed）", "<b>&</b><img src='/etc/passwd'/>"), encoding="utf-8")
    (tmp_path / "x.review.toml").write_text(
        '[[adjustments]]\nindicator = "参保人满意度"\ndeduct = 1\nreason = "<i>无 & 佐证</i>"\n', encoding="utf-8"
    )
    target = tmp_path / "r.pdf"
    run(capsys, str(tmp_path / "x.toml"), "--pdf", str(target), "--reviews", str(tmp_path))
    text = "".join(p.extract_text() for p in PdfReader(target).pages)
    assert "<b>&</b><img src='/etc/passwd'/>" in text and "<i>无 & 佐证</i>" in text


def test_pdf_forms_keeps_only_the_worst_sections(batch: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from pypdf import PdfReader

    target = tmp_path / "r.pdf"
    assert run(capsys, str(batch), "--pdf", str(target), "--pdf-forms", "2")[0] == 1
    text = "".join(p.extract_text() for p in PdfReader(target).pages)
    assert "需要关注的表单共 9 份，以下只列出最差的 2 份" in text
    sections = text[text.index("三、逐份说明"):]  # the ranking before it names every form
    assert "04-broken.toml" in sections and "某县教育局" in sections  # the two worst
    assert "某镇人民政府" not in sections and "某县水利局" not in sections


def test_new_output_files_follow_the_umask(batch: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    import os

    old = os.umask(0o022)
    try:
        for name in ("r.csv", "r.json", "r.xlsx"):
            run(capsys, str(batch / "sub" / "09-sichuan.toml"), "--out", str(tmp_path / name))
        run(capsys, str(batch / "sub" / "09-sichuan.toml"), "--pdf", str(tmp_path / "r.pdf"))
    finally:
        os.umask(old)
    assert {p.name: p.stat().st_mode & 0o777 for p in tmp_path.glob("r.*")} == {
        "r.csv": 0o644, "r.json": 0o644, "r.xlsx": 0o644, "r.pdf": 0o644,
    }


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch):
    import io
    import sys

    from jixiao.scoring.batch import Chunk
    from jixiao.tui.commands.review import _progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, shown in ((Terminal(), True), (io.StringIO(), False)):
        monkeypatch.setattr(sys, "stderr", stream)
        chunks = [Chunk(count=2), Chunk(count=1)]
        assert list(_progress(3, iter(chunks))) == chunks
        assert ("复核中" in stream.getvalue()) is shown
        if shown:  # the bar counts forms, not chunks
            assert "3/3" in stream.getvalue()


def test_unusable_pdf_font_exits_two_before_any_work(batch: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    bad = tmp_path / "font.otf"
    bad.write_bytes(b"not a font")
    code, out, err = run(capsys, str(batch), "--pdf", str(tmp_path / "r.pdf"), "--font", str(bad))
    assert code == 2 and out == "" and "无法使用该字体" in err
    assert not (tmp_path / "r.pdf").exists()
