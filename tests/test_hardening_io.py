"""Issue 11, items 1-4, 14 and 15: hostile and mistaken input gives exit 2 and a Chinese message.

Every command that could hang on a named pipe or a device runs in a
subprocess with a timeout, so that a regression fails instead of hanging.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from decimal import Decimal
from pathlib import Path

import pytest
from jixiao.tui.cli import main

from .conftest import ROOT, SEED
from .pdf_text import pdf_text

POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and /dev/zero need a POSIX system")
TIMEOUT = 60  # seconds: far more than any of these commands needs; a hang fails the test


def jixiao(*args: str, cwd: Path | None = None, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tui.cli`` of this checkout; a command that hangs fails the test."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    try:
        return subprocess.run(
            [sys.executable, "-m", "jixiao.tui.cli", *args],
            cwd=cwd or ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"jixiao {' '.join(args)} did not finish in {timeout} s (it hangs)")


def seed_copy(folder: Path, name: str = "form.toml", edit: tuple[str, str] | None = None) -> Path:
    text = SEED.read_text(encoding="utf-8")
    if edit is not None:
        pattern, replacement = edit
        text, n = re.subn(pattern, replacement, text, count=1, flags=re.M)
        assert n == 1, pattern
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------ 1. outputs over inputs


def test_pdf_refuses_to_write_over_its_form(tmp_path, capsys):
    form = seed_copy(tmp_path)
    before = form.read_bytes()
    assert main(["pdf", str(form), "-o", str(form)]) == 2
    err = capsys.readouterr().err
    assert f"输出文件 {form} 与输入文件 {form} 是同一个文件" in err and "覆盖" in err
    assert form.read_bytes() == before


def test_pdf_refuses_a_link_to_its_form(tmp_path, capsys):
    form = seed_copy(tmp_path)
    before = form.read_bytes()
    (tmp_path / "other-name.toml").symlink_to(form)
    os.link(form, tmp_path / "hard.pdf")
    for out in ("other-name.toml", "hard.pdf"):
        assert main(["pdf", str(form), "-o", str(tmp_path / out)]) == 2
        err = capsys.readouterr().err
        assert str(tmp_path / out) in err and str(form) in err and "同一个文件" in err
    assert form.read_bytes() == before


def test_pdf_refuses_to_write_over_the_rules_file_or_font(tmp_path, capsys):
    (tmp_path / "my-rules.toml").write_text('id = "mine"\nsource = "s"\nextends = "central-2020"\n', encoding="utf-8")
    form = seed_copy(tmp_path, "a.toml", (r"^rules = .*$", 'rules = "my-rules.toml"'))
    font = tmp_path / "font.ttf"
    font.write_bytes(b"not really a font")
    saved = (tmp_path / "my-rules.toml").read_bytes()
    assert main(["pdf", str(form), "-o", str(tmp_path / "my-rules.toml")]) == 2  # named by the form
    assert "my-rules.toml" in capsys.readouterr().err
    assert main(["pdf", str(form), "--font", str(font), "-o", str(font)]) == 2
    assert "同一个文件" in capsys.readouterr().err
    assert (tmp_path / "my-rules.toml").read_bytes() == saved and font.read_bytes() == b"not really a font"


def test_pdf_folder_refuses_outputs_that_are_its_forms(tmp_path, capsys):
    src = tmp_path / "forms"
    src.mkdir()
    form = seed_copy(src, "a.toml")
    before = form.read_bytes()
    (src / "a.pdf").symlink_to("a.toml")  # the PDF of a.toml would be written through the link onto it
    assert main(["pdf", str(src)]) == 2
    err = capsys.readouterr().err
    assert f"{src / 'a.pdf'} 与输入文件 {form}" in err
    assert main(["pdf", str(src), "-o", str(form)]) == 2  # an output folder that is a form
    assert "同一个文件" in capsys.readouterr().err
    assert form.read_bytes() == before


@pytest.mark.parametrize("option", ["--out", "--pdf"])
def test_review_refuses_outputs_over_forms_and_review_files(tmp_path, capsys, option):
    form = seed_copy(tmp_path, "a.toml")
    review = tmp_path / "a.review.toml"
    review.write_text('reviewer = "局"\n', encoding="utf-8")
    (tmp_path / "out.json").symlink_to("a.toml")
    (tmp_path / "rv.csv").symlink_to("a.review.toml")
    saved = form.read_bytes(), review.read_bytes()
    targets = ["out.json", "rv.csv"] if option == "--out" else ["a.toml", "a.review.toml", "out.json"]
    for target in targets:
        assert main(["review", str(tmp_path), option, str(tmp_path / target)]) == 2
        err = capsys.readouterr().err
        assert str(tmp_path / target) in err and "同一个文件" in err and "Traceback" not in err
    assert (form.read_bytes(), review.read_bytes()) == saved


def test_refuse_overwrite_for_import_and_export(tmp_path):
    from jixiao.tui.commands._paths import refuse_overwrite

    form = seed_copy(tmp_path)
    (tmp_path / "alias.xlsx").symlink_to(form)
    message = refuse_overwrite(tmp_path / "alias.xlsx", [None, form])
    assert message is not None and str(form) in message and "alias.xlsx" in message
    assert refuse_overwrite(tmp_path / "new.xlsx", [form]) is None
    assert refuse_overwrite(None, [form]) is None


# ------------------------------------------------------------ 2/3. pipes, devices, links


@POSIX
def test_a_fifo_as_the_form_does_not_hang(tmp_path):
    fifo = tmp_path / "form.toml"
    os.mkfifo(fifo)
    for command in ("score", "review", "pdf"):
        done = jixiao(command, str(fifo))
        assert done.returncode in (1, 2) and "命名管道" in done.stderr + done.stdout, command
        assert "Traceback" not in done.stderr


@POSIX
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_as_the_form_is_refused(device):
    if not os.path.exists(device):
        pytest.skip(f"{device} is absent")
    done = jixiao("score", device)
    assert done.returncode == 2 and "设备文件" in done.stderr and "Traceback" not in done.stderr


@POSIX
def test_a_fifo_review_file_becomes_review_invalid(tmp_path):
    form = seed_copy(tmp_path, "a.toml")
    os.mkfifo(tmp_path / "a.review.toml")
    done = jixiao("review", str(form), "--format", "json", "--reviews", str(tmp_path))
    data = json.loads(done.stdout)
    found = [f for f in data["forms"][0]["findings"] if f["code"] == "review-invalid"]
    assert len(found) == 1 and "命名管道" in found[0]["message"]


@POSIX
def test_a_review_file_linked_to_dev_zero_becomes_review_invalid(tmp_path):
    form = seed_copy(tmp_path, "a.toml")
    (tmp_path / "a.review.toml").symlink_to("/dev/zero")
    done = jixiao("review", str(form), "--format", "json", "--reviews", str(tmp_path))
    form_out = json.loads(done.stdout)["forms"][0]
    assert "error" not in form_out  # the form itself is read and scored
    found = [f for f in form_out["findings"] if f["code"] == "review-invalid"]
    assert len(found) == 1 and "设备文件" in found[0]["message"]


@POSIX
@pytest.mark.parametrize("ref", ["/dev/zero", "pipe.toml"])
def test_rules_naming_a_device_or_a_fifo_is_refused_at_the_forms_line(tmp_path, ref):
    os.mkfifo(tmp_path / "pipe.toml")
    form = seed_copy(tmp_path, "a.toml", (r"^rules = .*$", f'rules = "{ref}"'))
    line = form.read_text(encoding="utf-8").split("\n").index(f'rules = "{ref}"') + 1
    for command in ("score", "review"):
        done = jixiao(command, str(form))
        out = done.stderr + done.stdout
        assert f"{form}:{line}: [rules]" in out, command
        if command == "review":  # a review takes only bundled rule sets from a form: nothing is opened
            assert "只能写内置规则集" in out
        elif ref.startswith("/"):  # outside the form's folder: refused before it is opened
            assert "不在表单所在的文件夹中" in out
        else:
            assert "命名管道" in out
        assert "Traceback" not in out


@POSIX
def test_the_editor_opening_a_fifo_does_not_hang(tmp_path):
    """``jixiao edit pipe.toml`` loads the document first: it must come back with the problem."""
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    code = (
        "import sys; from indicators.document import FormDocument; "
        "doc = FormDocument.open(sys.argv[1]); print(doc.problems[0].message)"
    )
    try:
        done = subprocess.run([sys.executable, "-c", code, str(fifo)], cwd=ROOT, capture_output=True, text=True,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail("opening a named pipe in the editor hangs")
    assert "命名管道" in done.stdout, done.stderr


def test_a_looping_review_link_is_review_invalid(tmp_path):
    form = seed_copy(tmp_path, "a.toml")
    (tmp_path / "a.review.toml").symlink_to("a.review.toml")
    done = jixiao("review", str(form), "--format", "json", "--reviews", str(tmp_path))
    found = [f for f in json.loads(done.stdout)["forms"][0]["findings"] if f["code"] == "review-invalid"]
    assert len(found) == 1 and "符号链接构成循环" in found[0]["message"]


def test_folder_discovery_keeps_regular_files_only(tmp_path):
    from jixiao.scoring.batch import discover_names

    seed_copy(tmp_path, "a.toml")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.toml")
        (tmp_path / "zero.toml").symlink_to("/dev/zero")
    files, missing = discover_names([tmp_path])
    assert [Path(f).name for f in files] == ["a.toml"] and missing == []


@pytest.mark.parametrize("command", ["score", "review", "pdf"])
def test_a_symlink_loop_given_directly_says_so(tmp_path, command):
    (tmp_path / "loop.toml").symlink_to("loop2.toml")
    (tmp_path / "loop2.toml").symlink_to("loop.toml")
    done = jixiao(command, str(tmp_path / "loop.toml"))
    out = done.stderr + done.stdout
    assert "符号链接构成循环" in out and "路径不存在" not in out and "文件不存在" not in out
    assert done.returncode in (1, 2) and "Traceback" not in out


def test_reading_is_bounded_for_a_file_that_grows(tmp_path):
    """read_toml goes through read_regular_file: no more than the limit plus one byte is read."""
    from jixiao.indicators.loader import FormError, read_toml

    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * 2000 + b"\n")
    with pytest.raises(FormError) as info:
        read_toml(big, max_bytes=1000)
    assert "文件过大" in info.value.problems[0].message


# ------------------------------------------------------------ 4. no tracebacks


def _score_problem(tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "f.toml"
    path.write_text(text, encoding="utf-8")
    done = jixiao("score", str(path))
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.returncode, done.stderr


NESTED = {
    "arrays": "deep = " + "[" * 1000 + "]" * 1000,
    "inline tables": "deep = " + "{a = " * 1000 + "1" + "}" * 1000,
}


@pytest.mark.parametrize("kind", list(NESTED))
def test_deep_nesting_is_a_message(tmp_path, kind):
    text = SEED.read_text(encoding="utf-8").replace("[unit]\n", NESTED[kind] + "\n[unit]\n", 1)
    line = text.split("\n").index(NESTED[kind]) + 1
    code, err = _score_problem(tmp_path, text)
    assert code == 2 and f"f.toml:{line}: " in err and "嵌套过深" in err


def test_a_table_header_of_20000_parts_is_a_message(tmp_path):
    text = SEED.read_text(encoding="utf-8") + "\n[" + ".".join(["a"] * 20000) + "]\n"
    code, err = _score_problem(tmp_path, text)
    assert code == 2 and "嵌套过深" in err


def test_params_nested_hundreds_deep_are_a_message(tmp_path):
    """Within the parser's limits (999 dotted parts) but deeper than anything that walks the form can go."""
    header = "[indicators.params." + ".".join(["a"] * 990) + "]"
    text = SEED.read_text(encoding="utf-8").replace("[[indicators]]\n", f"[[indicators]]\n{header}\nx = 1\n", 1)
    code, err = _score_problem(tmp_path, text)
    assert code == 2 and "params]: 嵌套过深" in err
    done = jixiao("pdf", str(tmp_path / "f.toml"), "-o", str(tmp_path / "f.pdf"))
    assert done.returncode == 2 and "嵌套过深" in done.stderr and "这是 jixiao 的错误" not in done.stderr


def test_a_rules_file_nested_hundreds_deep_is_a_message(tmp_path):
    (tmp_path / "deep-rules.toml").write_text(
        'id = "x"\nsource = "s"\n[' + ".".join(["a"] * 999) + "]\nx = 1\n", encoding="utf-8"
    )
    seed_copy(tmp_path, "f.toml", (r"^rules = .*$", 'rules = "deep-rules.toml"'))
    done = jixiao("score", str(tmp_path / "f.toml"))
    assert done.returncode == 2 and "嵌套过深" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("key", ["weight", "year"])
def test_an_integer_of_5000_digits_is_a_message(tmp_path, key):
    text = SEED.read_text(encoding="utf-8")
    text = re.sub(rf"(?m)^{key} = \S+", f"{key} = " + "9" * 5000, text, count=1)
    line = next(i for i, t in enumerate(text.split("\n"), 1) if t.startswith(f"{key} = 999"))
    code, err = _score_problem(tmp_path, text)
    assert code == 2 and f"f.toml:{line}: " in err and "位数过多" in err


@pytest.mark.parametrize("value", ['"1e999999999"', "1e999999999", '"-1e999999999"', '"1e-999999999"'])
def test_a_claimed_score_of_1e999999999_is_a_message(tmp_path, value):
    text = re.sub(r"(?m)^claimed = \S+", f"claimed = {value}", SEED.read_text(encoding="utf-8"), count=1)
    code, err = _score_problem(tmp_path, text)
    assert code == 2 and "[funds.claimed]" in err and ("数值过大" in err or "数值过小" in err)


def test_1e999999999_in_a_review_file_is_review_invalid_for_that_review_only(tmp_path):
    form = seed_copy(tmp_path, "a.toml")
    (tmp_path / "a.review.toml").write_text(
        '[[adjustments]]\nindicator = "funds"\ndeduct = "1e999999999"\nreason = "r"\n', encoding="utf-8"
    )
    done = jixiao("review", str(form), "--format", "json", "--reviews", str(tmp_path))
    form_out = json.loads(done.stdout)["forms"][0]
    assert "error" not in form_out and "内部错误" not in done.stdout
    found = [f for f in form_out["findings"] if f["code"] == "review-invalid"]
    assert len(found) == 1 and found[0]["line"] == 3 and "数值过大" in found[0]["message"]
    assert form_out["review"]["total"] == form_out["total"]["score"] == "100.00"  # no adjustment applied


def _big_batch(folder: Path, n: int) -> None:
    folder.mkdir()
    text = SEED.read_text(encoding="utf-8")
    for i in range(n):
        (folder / f"f{i:05}.toml").write_text(text, encoding="utf-8")


# The driver interrupts itself with a real SIGINT at a chosen point of the run:
# while the sheets' header rows are written, while the rows stream in (the third
# chunk the workers made) or while the workbook is being zipped.
DRIVER = textwrap.dedent(
    """
    import os, signal, sys
    import xlsxwriter.worksheet as worksheet
    import zipfile
    where = sys.argv[1]
    if where == "rows":  # the third chunk of rows the workers made, as it is being joined
        from jixiao.reports.tables import XlsxWriter
        original_add = XlsxWriter.add
        chunks = [0]
        def add(self, chunk):
            chunks[0] += 1
            if chunks[0] == 3:
                os.kill(os.getpid(), signal.SIGINT)
            return original_add(self, chunk)
        XlsxWriter.add = add
    elif where == "header":
        original = worksheet.Worksheet.write_string
        count = [0]
        at = 20  # a header cell of the second sheet
        def write_string(self, *a, **k):
            count[0] += 1
            if count[0] == at:
                os.kill(os.getpid(), signal.SIGINT)
            return original(self, *a, **k)
        worksheet.Worksheet.write_string = write_string
    else:
        count = [0]
        def stop_at_fourth(original):
            def member(self, *a, **k):
                count[0] += 1
                if count[0] == 4:
                    os.kill(os.getpid(), signal.SIGINT)
                return original(self, *a, **k)
            return member
        zipfile.ZipFile.write = stop_at_fourth(zipfile.ZipFile.write)
        zipfile.ZipFile.writestr = stop_at_fourth(zipfile.ZipFile.writestr)
    from jixiao.tui.cli import main
    sys.exit(main(sys.argv[2:]))
    """
)


@POSIX
@pytest.mark.parametrize("where", ["header", "rows", "save"])
def test_ctrl_c_during_review_out_xlsx_leaves_nothing(tmp_path, where):
    forms = tmp_path / "forms"
    _big_batch(forms, 300)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "out" / "x.xlsx"
    out.parent.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmp))
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, where, "review", str(forms), "--out", str(out), "--jobs", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT * 3,
    )
    assert done.returncode == 130 and "已中断。" in done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr[-3000:]
    assert list(out.parent.iterdir()) == []  # neither x.xlsx nor a temporary file
    assert list(tmp.iterdir()) == []  # XlsxWriter's temporary files are gone too


@POSIX
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigint_from_outside_during_review_out_xlsx(tmp_path, jobs):
    """A real Ctrl+C from the terminal (to the whole process group, workers included),
    sent once the workbook's temporary files exist (the rows are streaming)."""
    forms = tmp_path / "forms"
    _big_batch(forms, 1500)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "out" / "x.xlsx"
    out.parent.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmp))
    proc = subprocess.Popen(
        [sys.executable, "-m", "jixiao.tui.cli", "review", str(forms), "--out", str(out), "--jobs", jobs],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    deadline = time.monotonic() + TIMEOUT
    while not list(tmp.iterdir()) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # the xlsx writer makes its temporary folder when it opens
    assert proc.poll() is None, "the batch finished before it could be interrupted: make it bigger"
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl+C in a terminal does
    try:  # a worker left waiting for ever keeps the pipes open: that is a hang too
        _, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("after Ctrl+C a process of the review is still running (a worker left behind)")
    assert proc.returncode == 130 and "已中断。" in err
    assert "Traceback" not in err and "Exception ignored" not in err, err[-3000:]
    assert list(out.parent.iterdir()) == []


# ------------------------------------------------------------ 15. missing checks


@pytest.mark.parametrize("year", ["-5", "9" * 401, "1948", "2101"], ids=["-5", "401-digits", "1948", "2101"])
def test_a_year_outside_1949_to_2100_is_refused(tmp_path, year):
    from jixiao.indicators.loader import FormError, load_form

    path = seed_copy(tmp_path, edit=(r"^year = \S+", f"year = {year}"))
    with pytest.raises(FormError) as info:
        load_form(path)
    (p,) = info.value.problems
    assert p.key == "year" and p.line == 7 and "1949 到 2100" in p.message
    assert len(p.message) < 200  # a 401-digit year is quoted cut short


@pytest.mark.parametrize("year", ["1949", "2100"])
def test_the_ends_of_the_year_range_are_accepted(tmp_path, year):
    from jixiao.indicators.loader import load_form

    assert load_form(seed_copy(tmp_path, edit=(r"^year = \S+", f"year = {year}"))).year == int(year)


def test_a_negative_executed_amount_is_an_error():
    from .conftest import codes, row, score_rows

    # rate = -7 / 100 = -7 %: the funds score is 10 × max(-0.07, 0) = 0
    r = score_rows(row(weight=90), funds={"weight": 10, "appropriation": {"annual": 100, "executed": -7}})
    assert r.funds.score == 0 and r.funds.rate == Decimal("-0.07")
    found = [f for f in r.findings if f.code == "funds-negative-executed"]
    assert len(found) == 1 and found[0].severity == "error" and found[0].loc == ("funds", "appropriation", "executed")
    assert "-7.00" in found[0].message and "当年财政拨款" in found[0].message
    assert "funds-over-budget" not in codes(r)


def test_an_executed_amount_far_above_the_budget_is_a_warning():
    from .conftest import codes, row, score_rows

    # 72 times the budget (as in the issue): rate 7200 / 100 = 72 > 2; capped, the score is the weight, 10
    r = score_rows(row(weight=90), funds={"weight": 10, "appropriation": {"annual": 100, "executed": 7200}})
    assert r.funds.score == 10
    found = [f for f in r.findings if f.code == "funds-over-budget"]
    assert len(found) == 1 and found[0].severity == "warning" and "72.00 倍" in found[0].message
    # exactly twice the budget is not above the line; a little more is
    at_line = score_rows(row(weight=90), funds={"weight": 10, "appropriation": {"annual": 100, "executed": 200}})
    assert "funds-over-budget" not in codes(at_line)
    above = score_rows(row(weight=90), funds={"weight": 10, "appropriation": {"annual": 100, "executed": "200.01"}})
    assert "funds-over-budget" in codes(above)


def test_the_over_budget_line_is_a_rule_set_setting(tmp_path):
    from jixiao.scoring.engine import score_form
    from jixiao.scoring.rules import load_rules

    from .conftest import codes, form_toml, row

    assert load_rules("central-2020").funds.over_budget_ratio == 2
    (tmp_path / "loose.toml").write_text(
        'id = "loose"\nsource = "test"\nextends = "central-2020"\n[funds]\nover_budget_ratio = 0\n', encoding="utf-8"
    )
    from jixiao.indicators.loader import load_form_text

    form = load_form_text(form_toml([row(weight=90)], funds={"weight": 10, "appropriation": {"annual": 1, "executed": 99}}))
    assert "funds-over-budget" in codes(score_form(form, load_rules("central-2020")))
    assert "funds-over-budget" not in codes(score_form(form, load_rules(str(tmp_path / "loose.toml"))))


@pytest.mark.parametrize(
    "encoding, named",
    [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE"), ("utf-32", "UTF-32")],
)
def test_a_utf16_file_gets_utf16_advice(tmp_path, encoding, named):
    from jixiao.indicators.loader import FormError, load_form

    path = tmp_path / "wide.toml"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode(encoding))
    with pytest.raises(FormError) as info:
        load_form(path)
    message = info.value.problems[0].message
    assert f"{named} 编码" in message and f"iconv -f {named} -t UTF-8" in message
    assert "GBK" not in message


def test_a_binary_file_is_not_given_encoding_advice(tmp_path):
    from jixiao.indicators.loader import FormError, load_form

    path = tmp_path / "image.toml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    with pytest.raises(FormError) as info:
        load_form(path)
    message = info.value.problems[0].message
    assert "不是文本文件" in message and "iconv" not in message and "UTF-16" not in message


def test_the_utf16_advice_converts_the_file(tmp_path):
    """The iconv command the message gives turns the file into one that loads."""
    if shutil.which("iconv") is None:
        pytest.skip("iconv is absent")
    from jixiao.indicators.loader import FormError, load_form

    path = tmp_path / "wide.toml"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode("utf-16-le"))
    with pytest.raises(FormError) as info:
        load_form(path)
    command = re.search(r"iconv .* -o 新文件\.toml", info.value.problems[0].message).group()
    subprocess.run(command.replace("新文件.toml", str(tmp_path / "fixed.toml")).split(), check=True)
    assert load_form(tmp_path / "fixed.toml").unit.name == load_form(SEED).unit.name


# ------------------------------------------------------------ 14. messages


def _usage_error(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    assert info.value.code == 2
    return capsys.readouterr().err


def test_a_mistyped_command_gets_did_you_mean(capsys):
    err = _usage_error(capsys, "scroe")
    assert "未知的命令 “scroe”，是否想输入 “score”？" in err
    assert "invalid choice" not in err and "choose from" not in err


@pytest.mark.parametrize(
    "argv, chinese",
    [
        (["score"], "缺少必需的参数：form，即表单文件"),
        (["review"], "缺少必需的参数：路径"),
        (["new"], "缺少必需的参数：-o/--output"),
        (["score", "x.toml", "--format", "xml"], "参数 --format 的取值 “xml” 无效。可选：table、json"),
        (["rules", "lst"], "参数 action 的取值 “lst” 无效，是否想输入 “list”？"),
        (["pdf", "x.toml", "-j", "abc"], "参数 -j/--jobs 应为整数，现在是 “abc”"),
        (["score", "x.toml", "--rules"], "参数 --rules 后面缺少取值"),
        (["score", "x.toml", "--bogus"], "无法识别的参数：--bogus"),
        (["review", "x.toml", "--f", "json"], "选项 “--f” 不明确"),
    ],
)
def test_argparse_errors_are_chinese(capsys, argv, chinese):
    err = _usage_error(capsys, *argv)
    assert chinese in err
    english = ("the following arguments", "invalid choice", "invalid int", "expected one", "unrecognized", "ambiguous")
    assert not any(e in err for e in english), err


def test_an_unknown_rule_set_is_told_at_the_forms_rules_line(tmp_path, capsys):
    form = seed_copy(tmp_path, "a.toml", (r"^rules = .*$", 'rules = "central-2002"'))
    assert main(["score", str(form)]) == 2
    err = capsys.readouterr().err
    assert f"{form}:8: [rules]: 找不到规则集 “central-2002”。是否想写 “central-2020”？" in err


def test_the_toml_parsers_english_is_not_appended(tmp_path):
    from jixiao.indicators.loader import FormError, load_form

    path = tmp_path / "bad.toml"
    path.write_text('format = 1\nkind = "department"\nyear = 2021\n[unit]\nname = 株洲\n', encoding="utf-8")
    with pytest.raises(FormError) as info:
        load_form(path)
    (p,) = info.value.problems
    assert p.line == 5 and p.message.startswith("TOML 语法错误：值无效")
    assert not re.search(r"[A-Za-z]{4,}", p.message.replace("TOML", "")), p.message  # no English words left


@pytest.mark.parametrize(
    "text, chinese",
    [
        ('a = "x\\q"', "反斜杠"),
        ("d = 2023-02-30", "日期或时间无效"),
        ("a = {b = 1}\na.c = 2", "内联表"),
        ("[a\nx = 1", "右方括号 “]”"),
        ("[[a]\n", "右方括号 “]]”"),
        ('a = "\\uZZZZ"', "转义无效"),
        ("a = { b = 1, b = 2 }", "重复的键"),
        ("a = 1\na = 2", "重复定义"),
        ("a = [1, 2", "右方括号"),
        ('a = "abc', "引号"),
    ],
)
def test_toml_errors_are_said_in_chinese(text, chinese):
    from jixiao.indicators.loader import FormError, parse_toml_text

    with pytest.raises(FormError) as info:
        parse_toml_text(text, "t.toml")
    message = info.value.problems[0].message
    assert chinese in message and "格式错误" not in message, message


ARITH = ROOT / "tests" / "fixtures" / "review" / "batch" / "05-arith.toml"
# internal paths as locations ("[funds.total]" inside a message names the table to edit: that stays)
INTERNAL = re.compile(r"indicators\[\d+\]|(?<!\[)funds\.total|categories\.|claimed\.total|claimed\.grade")


def test_terminal_findings_say_where_in_chinese(capsys):
    assert main(["check", str(ARITH)]) == 1
    out = capsys.readouterr().out
    assert not INTERNAL.search(out), INTERNAL.search(out)
    assert "第1项 维修校舍间数：填报得分 32.00 高于分值 30.00。" in out
    assert "资金·年度资金总额·全年预算数：" in out and "一级指标“≥1项”：" in out and "填报总分：" in out


def test_json_keeps_the_machine_where(capsys):
    main(["check", str(ARITH), "--format", "json"])
    wheres = {f["where"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert "indicators[1] 维修校舍间数" in wheres and "funds.total" in wheres


def test_finding_place_covers_every_location_the_engine_and_review_give():
    from jixiao.scoring.findings import make
    from jixiao.scoring.locations import finding_place

    names = {8: "参保人满意度"}
    cases = [
        (make("score-mismatch", "", "indicators[9] 参保人满意度", ("indicators", 8, "claimed")), "第9项 参保人满意度"),
        (make("funds-total-mismatch", "", "funds.total", ("funds", "total", "annual")), "资金·年度资金总额·全年预算数"),
        (make("funds-negative-executed", "", "funds.other", ("funds", "other", "executed")), "资金·其他资金·全年执行数"),
        (make("missing-value", "", "funds", ("funds",)), "资金"),
        (make("weights-sum", "", "categories.产出指标", ("indicators",)), "一级指标“产出指标”"),
        (make("weights-sum", "", "weights", ("indicators",)), "分值合计"),
        (make("total-mismatch", "", "claimed.total", ("claimed", "total")), "填报总分"),
        (make("missing-reason", "", "/x/a.review.toml adjustments[2] 参保人满意度", ("adjustments", 1, "reason")),
         "复核文件 a.review.toml 第2条调整“参保人满意度”"),
        (make("review-invalid", "", "a.review.toml", ()), "复核文件 a.review.toml"),
    ]
    for finding, expected in cases:
        assert finding_place(finding, names) == expected
    # without the names (a report made from findings only), the name is taken from where
    assert finding_place(cases[0][0]) == "第9项 参保人满意度"
    # an imported form keeps its cell in front; what the import could not read is its cell
    imported = make("score-mismatch", "", "部门!H19 indicators[9] 参保人满意度", ("indicators", 8, "claimed"))
    imported.address = "部门!H19"
    assert finding_place(imported, names) == "部门!H19 第9项 参保人满意度"
    line = make("missing-value", "", "第 556 行 funds", ("funds",))
    line.address = "第 556 行"
    assert finding_place(line) == "第 556 行 资金"
    assert finding_place(make("import-problem", "", "部门!H4", ())) == "部门!H4"


def test_review_xlsx_position_column_is_chinese(tmp_path, capsys):
    from openpyxl import load_workbook

    batch = tmp_path / "batch"
    shutil.copytree(ROOT / "tests" / "fixtures" / "review" / "batch", batch)
    out = tmp_path / "r.xlsx"
    main(["review", str(batch), "--out", str(out), "--reviews", str(batch)])
    capsys.readouterr()
    ws = load_workbook(out)["发现项"]
    header = [c.value for c in ws[1]]
    col = header.index("位置")
    places = [r[col] for r in ws.iter_rows(min_row=2, values_only=True) if r[col]]
    assert places and not any(INTERNAL.search(p) or "adjustments[" in p for p in places)
    assert "第9项 参保人满意度" in places and "复核文件 02-bad-review.review.toml 第3条调整“不存在的指标”" in places


def _needs_cjk_font() -> None:
    from jixiao.reports.fonts import find_cjk_font

    if find_cjk_font() is None:
        pytest.skip("no TrueType CJK font installed (fonts-wqy-zenhei): the PDF's text cannot be extracted")


def test_pdf_findings_page_says_where_in_chinese(tmp_path, capsys):
    _needs_cjk_font()
    out = tmp_path / "arith.pdf"
    assert main(["pdf", str(ARITH), "-o", str(out), "--review"]) == 0
    capsys.readouterr()
    text = pdf_text(out, squeeze=True)
    assert "复算发现的错误" in text
    assert not INTERNAL.search(text), INTERNAL.search(text)
    assert "第1项维修校舍间数" in text and "资金·年度资金总额·全年预算数" in text


def test_review_report_pdf_says_where_in_chinese(tmp_path, capsys):
    _needs_cjk_font()
    batch = tmp_path / "batch"
    shutil.copytree(ROOT / "tests" / "fixtures" / "review" / "batch", batch)
    out = tmp_path / "report.pdf"
    main(["review", str(batch), "--pdf", str(out), "--reviews", str(batch)])
    capsys.readouterr()
    text = pdf_text(out, squeeze=True)
    assert not INTERNAL.search(text), INTERNAL.search(text)
    assert "第1项维修校舍间数" in text and "复核文件02-bad-review.review.toml第1条调整“参保人满意度”" in text


def test_os_errors_are_said_in_chinese(tmp_path, capsys):
    import errno

    from jixiao.indicators.safe_files import os_error_text

    assert os_error_text(OSError(errno.ENOSPC, "No space left on device")) == "磁盘空间不足"
    assert os_error_text(OSError(errno.EACCES, "Permission denied")) == "没有权限"
    form = seed_copy(tmp_path)
    assert main(["pdf", str(form), "-o", str(tmp_path / "no-such-folder" / "x.pdf")]) == 2
    err = capsys.readouterr().err
    assert "文件或文件夹不存在" in err and "No such file" not in err


ORPHAN_DRIVER = textwrap.dedent(
    """
    import multiprocessing, os, sys
    from jixiao.scoring.batch import Options, discover_names, run_batch
    files, _ = discover_names([sys.argv[1]])
    chunks = run_batch(files, Options(json=True), 2)  # big chunks: more than a pipe holds
    next(chunks)  # the workers are running and sending
    with open(sys.argv[2], "w") as fh:
        fh.write(" ".join(str(p.pid) for p in multiprocessing.active_children()))
    os._exit(0)  # the parent dies without closing anything (as when killed)
    """
)


@POSIX
def test_workers_end_when_the_review_process_dies(tmp_path):
    forms = tmp_path / "forms"
    _big_batch(forms, 400)
    pid_file = tmp_path / "pids"
    # no pipes to the driver: workers left behind would hold them open
    subprocess.run([sys.executable, "-c", ORPHAN_DRIVER, str(forms), str(pid_file)], cwd=ROOT, timeout=TIMEOUT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    pids = [int(p) for p in pid_file.read_text().split()]
    assert len(pids) == 2
    deadline = time.monotonic() + TIMEOUT
    alive = pids
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if _running(p)]
        time.sleep(0.1)
    for p in alive:  # do not leave them behind when the test fails
        os.kill(p, signal.SIGKILL)
    assert not alive, "workers wait for ever for a parent that is gone"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (ended, not yet reaped) is not running
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True
