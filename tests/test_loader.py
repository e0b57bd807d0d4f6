"""Bad input gets a clear Chinese message naming the file and the line."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jixiao.indicators.loader import MAX_BYTES, FormError, key_lines, load_form

from .conftest import SEED, form_toml, row


def problems(path):
    with pytest.raises(FormError) as exc:
        load_form(path)
    return exc.value.problems


def write(tmp_path, text, name="form.toml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_good_file_loads_with_decimals():
    form = load_form(SEED)
    assert form.indicators[0].weight == Decimal("12.5")
    assert isinstance(form.funds.total.annual, Decimal)


def test_broken_toml_names_file_and_line(tmp_path):
    text = SEED.read_text(encoding="utf-8").replace('target = "4.55万人"', "target = 4.55万人")
    p = write(tmp_path, text)
    line = text.splitlines().index("target = 4.55万人") + 1
    [prob] = problems(p)
    assert prob.file == str(p)
    assert prob.line == line
    assert "TOML 语法错误" in prob.message
    assert f"{p}:{line}" in str(prob)


def test_wrong_types_all_reported_with_lines(tmp_path):
    text = form_toml([row(weight="十二"), row(name="b", weight=1)]).replace("year = 2023", 'year = "二〇二三"')
    text += '[signoff]\nphone = 123\n'
    p = write(tmp_path, text)
    probs = problems(p)
    keys = {pr.key: pr for pr in probs}
    assert "year" in keys and keys["year"].line == 3 and "整数" in keys["year"].message
    weight = keys["indicators[1].weight"]
    assert "应为数字" in weight.message and "十二" in weight.message
    assert weight.line == text.splitlines().index('weight = "十二"') + 1
    assert "signoff.phone" in keys and "文本" in keys["signoff.phone"].message


def test_missing_required_key(tmp_path):
    text = form_toml([row()]).replace('name = "指标"\n', "")
    p = write(tmp_path, text)
    [prob] = problems(p)
    assert prob.key == "indicators[1].name"
    assert "缺少必填项" in prob.message
    assert prob.line == text.splitlines().index("[[indicators]]") + 1  # the table's line


def test_unknown_key_did_you_mean(tmp_path):
    text = form_toml([row()]).replace('target = "≥100"', 'taget = "≥100"')
    p = write(tmp_path, text)
    [prob] = problems(p)
    assert prob.key == "indicators[1].taget"
    assert "未知的键" in prob.message and "是否想写 “target”" in prob.message
    assert prob.line == text.splitlines().index('taget = "≥100"') + 1


def test_unknown_top_level_key(tmp_path):
    p = write(tmp_path, form_toml([row()]) + "\n[fund]\nweight = 10\n")
    [prob] = problems(p)
    assert "是否想写 “funds”" in prob.message
    assert prob.line is not None


def test_bad_literal(tmp_path):
    p = write(tmp_path, form_toml([row()]).replace('kind = "department"', 'kind = "部门"'))
    [prob] = problems(p)
    assert prob.key == "kind" and prob.line == 2 and "department" in prob.message


def test_gbk_file_is_read_with_a_notice(tmp_path):
    from jixiao.indicators.encodings import EncodingNotice

    p = tmp_path / "gbk.toml"
    p.write_bytes(form_toml([row()]).encode("gbk"))  # what Notepad and Excel save in China
    with pytest.warns(EncodingNotice, match="GBK/GB18030") as seen:
        form = load_form(p)
    assert form.indicators[0].name == "指标" and form.indicators[0].category == "产出指标"
    assert seen[0].message.source == str(p) and seen[0].message.encoding == "GB18030"


def test_neither_utf8_nor_gbk_says_how_to_convert(tmp_path):
    p = tmp_path / "latin.toml"
    p.write_bytes(form_toml([row()]).encode("utf-8").replace("单位".encode(), b"\xff\xfe\xff"))
    [prob] = problems(p)
    assert prob.file == str(p)
    assert "GBK" in prob.message and "UTF-8" in prob.message and "iconv" in prob.message
    assert prob.line is not None


def test_bom_simply_loads(tmp_path):
    p = tmp_path / "bom.toml"
    p.write_bytes(b"\xef\xbb\xbf" + SEED.read_bytes())
    assert load_form(p).unit.name == "株洲市社会保险服务中心"


def test_too_large(tmp_path):
    p = tmp_path / "big.toml"
    with open(p, "wb") as fh:
        fh.truncate(MAX_BYTES + 1)
    [prob] = problems(p)
    assert "文件过大" in prob.message and prob.file == str(p)


def test_fifty_megabytes(tmp_path):
    p = tmp_path / "huge.toml"
    with open(p, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    [prob] = problems(p)
    assert "50.0 MB" in prob.message


def test_missing_file_and_folder(tmp_path):
    [prob] = problems(tmp_path / "nope.toml")
    assert "不存在" in prob.message
    [prob] = problems(tmp_path)
    assert "文件夹" in prob.message


def test_markup_in_text_is_kept_verbatim(tmp_path):
    p = write(tmp_path, form_toml([row(note='<img src="/etc/passwd"/> & <b>x</b>')]))
    assert load_form(p).indicators[0].note == '<img src="/etc/passwd"/> & <b>x</b>'


def test_key_lines_index():
    text = 'a = 1\n[funds]\nweight = 10\n[funds.total]\nannual = 1\n[[indicators]]\nname = "x"\n[[indicators]]\nname = """\nz = 1\n"""\nweight = 2\n[indicators.params]\nstep = 1\n'
    lines = key_lines(text)
    assert lines[("a",)] == 1
    assert lines[("funds", "weight")] == 3
    assert lines[("funds", "total", "annual")] == 5
    assert lines[("indicators", 0, "name")] == 7
    assert lines[("indicators", 1, "name")] == 9
    assert ("indicators", 1, "z") not in lines  # inside a multi-line string
    assert lines[("indicators", 1, "weight")] == 12
    assert lines[("indicators", 1, "params", "step")] == 14


def test_messages_say_what_to_do(tmp_path):
    text = form_toml([row(claimed="14.21分")]).replace('kind = "department"\n', "").replace("year = 2023", 'year = "2023年"')
    probs = {p.key: p for p in problems(write(tmp_path, text))}
    assert "可选：department、project" in probs["kind"].message
    assert "请只写数字（如 2023），去掉 “年”" in probs["year"].message
    assert "去掉 “分”" in probs["indicators[1].claimed"].message


def test_full_width_characters_outside_quotes_are_named(tmp_path):
    text = form_toml([row()]).replace("weight = 10\n", "weight = 10\u3000\n", 1)
    [prob] = problems(write(tmp_path, text))
    assert "全角空格" in prob.message and prob.line == text.splitlines().index("weight = 10\u3000") + 1
    [prob] = problems(write(tmp_path, form_toml([row()]).replace("weight = 90", "weight ＝ 90"), "b.toml"))
    assert "全角等号" in prob.message


NUMBER_CASES = [  # (TOML value of a claimed score, its value or the start of its message)
    ("999999999999.99", Decimal("999999999999.99")),
    ("-999999999999.99", Decimal("-999999999999.99")),
    ("999999999999", Decimal("999999999999")),
    ("0e20", Decimal("0E+20")),
    ("-0.0", Decimal("-0.0")),
    ('"1,387.50"', Decimal("1387.50")),
    ('""', None),
    ("1e12", "数值过大（“1E+12”）"),
    ("-1000000000000.0", "数值过大"),
    ("1000000000000", "数值过大（“1000000000000”）"),
    ("nan", "应为数字，现在是 “NaN”"),
    ("inf", "应为数字，现在是 “Infinity”"),
    ("true", "应为数字，现在是 “True”"),
]


@pytest.mark.parametrize("value, expected", NUMBER_CASES)
def test_numbers_at_the_limits(value, expected):
    """The validators' cheap first tests agree with the full checks at the edges."""
    from jixiao.indicators.loader import load_form_text

    text = form_toml([row(weight=90)]).replace("weight = 90\n", f"weight = 90\nclaimed = {value}\n")
    if isinstance(expected, str):
        with pytest.raises(FormError) as exc:
            load_form_text(text)
        [prob] = exc.value.problems
        assert prob.key == "indicators[1].claimed"
        assert prob.message.startswith(expected)
    else:
        claimed = load_form_text(text).indicators[0].claimed
        assert claimed == expected and str(claimed) == str(expected)


@pytest.mark.parametrize(
    "value, message",
    [
        ("-0", None),
        ("-0.5", "不能为负数，现在是 “-0.5”"),
        ("-3", "不能为负数，现在是 “-3”"),
        ('" -1,000 "', "不能为负数，现在是 “ -1,000 ”"),  # the value as written
        ('"-"', "应为数字，现在是 “-”"),
        ('""', "应为数字，现在是空的（单元格未填写）；请填写数值"),  # issue 10: an empty cell, not "None"
    ],
)
def test_negative_weights(value, message):
    from jixiao.indicators.loader import load_form_text

    text = form_toml([row(weight=90)], categories={"产出指标": 90}).replace("weight = 90\n", f"weight = {value}\n")
    if message is None:
        assert load_form_text(text).indicators[0].weight == 0
        return
    with pytest.raises(FormError) as exc:
        load_form_text(text)
    [prob] = exc.value.problems
    assert prob.key == "indicators[1].weight"
    assert prob.message == message


# The line-by-line reading key_lines had before its fast paths (a regular expression that finds the
# bare "key = value" lines in one pass; headers and quoted keys parsed once per distinct text):
# kept here as the reference it must agree with.
_REF_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_REF_BARE = re.compile(r"[A-Za-z0-9_\-]+")
_REF_DOTTED = re.compile(r"(?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+))*")


def _ref_split(key: str) -> list[str]:
    return [a or b or c for a, b, c in re.findall(r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_\-]+)", key)]


def _ref_resolve(parts: tuple, counters: dict) -> tuple:
    out: tuple = ()
    for i, part in enumerate(parts):
        out = out + (part,)
        if i < len(parts) - 1 and out in counters:
            out = out + (counters[out],)
    return out


def reference_key_lines(text: str) -> dict:
    index: dict = {}
    counters: dict = {}
    current: tuple = ()
    in_multiline = None
    for lineno, line in enumerate(text.split("\n"), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        stripped = line.lstrip()
        if not stripped or stripped[0] == "#":
            continue
        if stripped[0] == "[":
            header = _REF_HEADER.match(stripped)
            if not header:
                continue
            parts = _ref_split(header.group(2))
            if header.group(1) == "[[":
                base = _ref_resolve(tuple(parts), counters)
                n = counters.get(base, -1) + 1
                counters[base] = n
                current = base + (n,)
                index.setdefault(base, lineno)
            else:
                current = _ref_resolve(tuple(parts), counters)
            index[current] = lineno
            continue
        key, eq, rest = stripped.partition("=")
        if not eq:
            continue
        key = key.rstrip()
        if _REF_BARE.fullmatch(key):
            path = current + (key,)
        elif _REF_DOTTED.fullmatch(key):
            path = current + tuple(_ref_split(key))
        else:
            continue
        index.setdefault(path, lineno)
        for quote in ('"""', "'''"):
            if rest.count(quote) % 2 == 1:
                in_multiline = quote
    return index


_SPACE = st.sampled_from(["", " ", "  ", "\t", "\r", "\u3000", "\x0b"])
_KEY = st.sampled_from(["a", "weight", "b-c_1", '"x y"', "'q'", '"a=b"', "a.b", 'a . "b"', "a..b", "", "[x", "#c", "名", "a b"])
_VALUE = st.sampled_from(["1", ' "s"', '"""', "'''", '"""x"""', '""" """ """', "= 2", "[1, 2]", " # c", "x]", ""])
_LINE = st.one_of(
    st.builds(lambda s1, k, s2, v: f"{s1}{k}{s2}={v}", _SPACE, _KEY, _SPACE, _VALUE),
    st.builds(lambda s1, o, k, c, t: f"{s1}{o}{k}{c}{t}", _SPACE, st.sampled_from(["[", "[[", "[ "]),
              st.sampled_from(["funds", "indicators", "indicators.params", 'a."b"', "x]y", ""]),
              st.sampled_from(["]", "]]", " ] ", ""]), st.sampled_from(["", " # c", "x", "\r"])),
    st.sampled_from(["", "# comment", '"""', "'''", "z = 1", "  ", "text", '""" """', "a =", "=1"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=25), st.sampled_from(["\n", "\r\n"]))
def test_key_lines_agrees_with_the_line_by_line_reading(lines: list[str], newline: str) -> None:
    text = newline.join(lines)
    assert key_lines(text) == reference_key_lines(text)


def test_key_lines_agrees_on_every_bundled_and_fixture_form() -> None:
    root = Path(__file__).resolve().parent
    paths = [*root.parent.glob("indicators/**/*.toml"), *root.glob("fixtures/**/*.toml"), *root.parent.glob("scoring/rulesets/*.toml")]
    assert len(paths) > 10
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert key_lines(text) == reference_key_lines(text), path
