"""Reading TOML files into pydantic models, with errors people can act on.

Every problem becomes a :class:`Problem` (file, dotted key, line where
known, Chinese message) and all problems of a file are reported together in
one :class:`FormError`.  Line numbers come from a small index built from the
TOML text only when there is an error to report, so loading a good file
costs one ``tomli`` parse and one pydantic validation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin

import tomli
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .safe_files import UnsafeFile, read_regular_file
from .schema import (
    YEAR_MAX,
    YEAR_MIN,
    Claimed,
    Form,
    Funds,
    FundsLine,
    FundsRow,
    Goal,
    Indicator,
    NamedFundsRow,
    Signoff,
    TargetChange,
    TargetsRef,
    Unit,
)

__all__ = [
    "Problem",
    "FormError",
    "MAX_BYTES",
    "read_toml",
    "read_bytes",
    "decode_bytes",
    "decode_form_bytes",
    "parse_toml_text",
    "load_form",
    "load_form_text",
    "validate_model",
    "key_lines",
]

MAX_BYTES = 5 * 1024 * 1024  # a real form is a few KB
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    file: str
    key: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
        if self.key:
            where += f": [{self.key}]"
        return f"{where}: {self.message}"


class FormError(Exception):
    """A file that could not be read; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# ---------------------------------------------------------------- reading


def decode_bytes(data: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), or GBK/GB18030 with a notice (:mod:`indicators.encodings`);
    anything else is a clear error."""
    text, encoding = decode_form_bytes(data, source)
    if encoding:
        from .encodings import notice

        notice(source, encoding)
    return text


def decode_form_bytes(data: bytes, source: str) -> tuple[str, str]:
    """(text, "GB18030" when read as GBK/GB18030 else ""): UTF-8 with or without BOM, or GB18030
    text (no NUL); anything else is a clear error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    wide = _wide_encoding(data)
    if wide:  # checked first: UTF-16 text of ASCII letters is valid UTF-8 (with NULs between the letters)
        raise FormError(
            [
                Problem(
                    source,
                    "",
                    None,
                    f"文件是 {wide} 编码{'（记事本的“Unicode”格式）' if wide.startswith('UTF-16') else ''}，"
                    "不是 UTF-8。请另存为 UTF-8 后重试："
                    f"用记事本“另存为”并选择 UTF-8，或运行 iconv -f {wide} -t UTF-8 {source} -o 新文件.toml",
                )
            ]
        )
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if b"\x00" in data[:4096]:  # no text has NULs: converting it as GBK would only garble it more
            message = "文件不是文本文件（含有 NUL 字节，可能是 Excel、Word、PDF 或图片文件）。请给出 TOML 格式的表单文件。"
            raise FormError([Problem(source, "", None, message)]) from None
        hint = "文件既不是 UTF-8 编码，也不是 GBK/GB18030 编码"
        try:  # what Windows Notepad and Excel save in China: read it, with a notice
            return data.decode("gb18030"), "GB18030"
        except UnicodeDecodeError:
            pass
        raise FormError(
            [
                Problem(
                    source,
                    "",
                    line,
                    hint
                    + "。请转换为 UTF-8 后重试：用记事本“另存为”并选择 UTF-8，"
                    f"或运行 iconv -f GBK -t UTF-8 {source} -o 新文件.toml",
                )
            ]
        ) from None


def _wide_encoding(data: bytes) -> str:
    """The encoding's name for iconv when the bytes are UTF-16 or UTF-32 text, else "".

    Known by the byte-order mark, or (without one) by NULs, which TOML allows
    nowhere: in UTF-16 text mostly ASCII every other byte is NUL, the odd ones
    for little-endian (Windows), the even ones for big-endian.
    """
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = data[:4096]
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if (odd + even) * 4 < len(head):  # fewer than a quarter of the bytes: not wide text
        return ""
    name = "UTF-16LE" if odd >= even else "UTF-16BE"
    try:
        text = head[: len(head) // 2 * 2].decode(name)
    except UnicodeDecodeError:
        return ""  # a cut surrogate pair is rare; a binary file (an image renamed .toml) is likelier
    readable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    return name if readable >= 0.95 * len(text) else ""  # else binary: not text at all


_TOML_MESSAGES = [
    ("Expected newline or end of document", "值后面还有多余内容（文本需要用英文双引号括起来，例如 \"4.55万人\"）"),
    ("Invalid value", "值无效（文本需要用英文双引号括起来，例如 \"≥95%\"）"),
    ("Expected '=' after a key", "键后面缺少 “=”"),
    ("Invalid statement", "无法识别的语句（每行应为 键 = 值，或 [表名]）"),
    ("Cannot declare", "重复定义了同一个表或键"),
    ("Cannot overwrite a value", "重复定义了同一个键"),
    ("Unclosed array", "数组缺少右方括号 “]”"),
    ("Unclosed inline table", "内联表缺少右花括号 “}”"),
    ("Unterminated string", "字符串缺少结尾的引号"),
    ("Illegal character", "字符串中有不允许的控制字符"),
    ("Invalid initializer", "键值对格式错误"),
    ("Cannot mutate immutable namespace", "不能在内联表 {…} 之外再给它添加键"),
    ("Cannot redefine namespace", "重复定义了同一个表"),
    ("Duplicate inline table key", "内联表中有重复的键"),
    ("Expected ']' at the end of a table declaration", "表名缺少右方括号 “]”"),
    ("Expected ']]' at the end of an array declaration", "表名缺少右方括号 “]]”"),
    ("Expected", "缺少应有的符号"),
    ("Found invalid character", "有不允许的字符"),
    ("Invalid date or datetime", "日期或时间无效（应写成 2023-01-31 这样）"),
    ("Invalid hex value", "字符串中的 \\u 转义无效"),
    ("Escaped character is not a Unicode scalar value", "字符串中的 \\u 转义无效"),
    ("Invalid initial character for a key part", "键名的开头有不允许的字符（中文键名需要用英文双引号括起来）"),
    ("Unescaped '\\' in a string", "字符串中的反斜杠 “\\” 需要写成 “\\\\”，或改用单引号字符串"),
]


def parse_toml_text(text: str, source: str) -> dict[str, Any]:
    try:
        return tomli.loads(text, parse_float=Decimal)
    except tomli.TOMLDecodeError as exc:
        msg = getattr(exc, "msg", str(exc))
        chinese = next((zh for en, zh in _TOML_MESSAGES if msg.startswith(en)), "格式错误")
        line = getattr(exc, "lineno", None)
        hint = _fullwidth_hint(text, line)
        # the parser's English is not shown: the Chinese and the line say it
        raise FormError([Problem(source, "", line, f"TOML 语法错误：{chinese}。{hint}请修改该行后重试。")]) from None
    except RecursionError:  # nesting or a dotted key deeper than the parser allows
        line = _deep_line(text)
        message = "TOML 语法错误：数组、内联表或带点的键嵌套过深（数百层以上），不是绩效自评表的内容。请检查该文件。"
        raise FormError([Problem(source, "", line, message)]) from None
    except ValueError:  # an integer of more than 4,300 digits (Python's int conversion limit)
        found = _LONG_DIGITS.search(text)
        if found:
            line = text.count("\n", 0, found.start()) + 1
            message = "数字位数过多（数千位），不是有效的数值。请检查该行的数字。"
        else:
            line, message = None, "TOML 语法错误：有无法读取的值。请检查文件中的数字和日期。"
        raise FormError([Problem(source, "", line, message)]) from None


_LONG_DIGITS = re.compile(r"[0-9_]{4000,}")


def _deep_line(text: str) -> int | None:
    """The first line that opens very many arrays/tables or has very many dotted parts (best effort)."""
    for lineno, line in enumerate(text.split("\n"), start=1):
        if line.count("[") + line.count("{") > 200 or line.count(".") > 500:
            return lineno
    return None


def _shown(value: Any, limit: int = 40) -> str:
    """A value as quoted in a message, cut when very long."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + f"…（共 {len(text)} 个字符）"


_FULLWIDTH = {"\u3000": "全角空格", "＝": "全角等号 ＝", "“": "中文引号 “", "”": "中文引号 ”", "：": "全角冒号 ：", "，": "全角逗号 ，", "［": "全角方括号 ［", "］": "全角方括号 ］"}


def _fullwidth_hint(text: str, line: int | None) -> str:
    """Name full-width look-alikes outside strings on the line: a common cause, and invisible."""
    if not line:
        return ""
    lines = text.split("\n")
    if line > len(lines):
        return ""
    code = re.sub(r'"[^"]*"', "", lines[line - 1])  # ignore what is inside ASCII quotes
    found = [name for ch, name in _FULLWIDTH.items() if ch in code]
    if not found:
        return ""
    return f"该行在引号外有{'、'.join(found)}：TOML 只认半角符号，请改为半角（或删去全角空格）。"


def read_bytes(path: str | Path, *, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of an untrusted file: regular files only, at most ``max_bytes`` (else FormError)."""
    try:
        return read_regular_file(path, max_bytes)
    except UnsafeFile as exc:
        message = exc.message
        if message.startswith("文件过大"):
            message += "绩效自评表文件通常只有几 KB。"
        elif message.startswith("这是一个文件夹"):
            message = "这是一个文件夹，不是表单文件。请给出 .toml 文件的路径。"
        raise FormError([Problem(str(path), "", None, message)]) from None


def read_toml(path: str | Path, *, max_bytes: int = MAX_BYTES) -> tuple[dict[str, Any], str]:
    """Read and parse a TOML file; returns (data, text)."""
    source = str(path)
    data = read_bytes(path, max_bytes=max_bytes)
    text = decode_bytes(data, source)
    return parse_toml_text(text, source), text


# ---------------------------------------------------------------- line index

_HEADER_RE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def _split_dotted(key: str) -> list[str]:
    parts = re.findall(r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_\-]+)", key)
    return [a or b or c for a, b, c in parts]


_BARE_KEY_RE = re.compile(r"[A-Za-z0-9_\-]+")
# per line: the bare key of a "key = value" line, else "" ([^\S\n] is white space within the line)
_SIMPLE_KEY_LINE_RE = re.compile(r"^[^\S\n]*(?:([A-Za-z0-9_\-]+)[^\S\n]*=|[^\n]*)", re.M)
_DOTTED_KEY_RE = re.compile(
    r"(?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+))*"
)


def _parse_header(line: str) -> tuple[str, tuple[str, ...]] | None:
    """("[" or "[[", the dotted name's parts) of a header line."""
    header = _HEADER_RE.match(line)
    return (header.group(1), tuple(_split_dotted(header.group(2)))) if header else None


def _parse_key(key: str) -> tuple[str, ...] | None:
    """The parts of a key (``a``, ``"产出指标"``, ``a."b"``), None when it is not one."""
    if _BARE_KEY_RE.fullmatch(key):
        return (key,)
    if _DOTTED_KEY_RE.fullmatch(key):
        return tuple(_split_dotted(key))
    return None


# the same headers and quoted keys recur in every form of a batch: parsed once (short ones only,
# so that a hostile file's long lines are not kept)
_header_cached = lru_cache(maxsize=4096)(_parse_header)
_key_cached = lru_cache(maxsize=4096)(_parse_key)


def _header(line: str) -> tuple[str, tuple[str, ...]] | None:
    return _header_cached(line) if len(line) <= 200 else _parse_header(line)


def _key_parts(key: str) -> tuple[str, ...] | None:
    return _key_cached(key) if len(key) <= 200 else _parse_key(key)


def key_lines(text: str) -> dict[tuple[Any, ...], int]:
    """Map key paths such as ``('indicators', 2, 'weight')`` to 1-based lines.

    A best-effort index: tables, arrays of tables and ``key =`` lines; text
    inside multi-line strings is skipped.  Unknown paths are simply absent,
    since a wrong line number is worse than none.
    """
    index: dict[tuple[Any, ...], int] = {}
    counters: dict[tuple[Any, ...], int] = {}
    current: tuple[Any, ...] = ()
    in_multiline: str | None = None
    lines = text.split("\n")
    # Most lines are "bare_key = value": one regular-expression pass (in C) finds their keys, so
    # that the loop below does nothing else for them. Only without multi-line strings: then no
    # line is inside one, and a bare key line opens none.
    simple: list[str] | None = None
    if '"""' not in text and "\'\'\'" not in text:
        simple = _SIMPLE_KEY_LINE_RE.findall(text)
        if len(simple) != len(lines):  # one match a line, always; the slow reading if ever not
            simple = None
    setdefault = index.setdefault
    for lineno, (line, bare) in enumerate(zip(lines, simple or [""] * len(lines)), start=1):
        if bare:
            setdefault(current + (bare,), lineno)
            continue
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        stripped = line.lstrip()
        if not stripped or stripped[0] == "#":
            continue
        if stripped[0] == "[":
            header = _header(stripped)
            if header is None:
                continue
            opener, parts = header
            if opener == "[[":
                base = _resolve(parts, counters)
                n = counters.get(base, -1) + 1
                counters[base] = n
                current = base + (n,)
                index.setdefault(base, lineno)
            else:
                current = _resolve(parts, counters)
            index[current] = lineno
            continue
        key, eq, rest = stripped.partition("=")
        if not eq:
            continue
        key_parts = _key_parts(key.rstrip())
        if key_parts is None:  # e.g. a line inside a multi-line array
            continue
        setdefault(current + key_parts, lineno)
        if '"""' in rest or "\'\'\'" in rest:
            for quote in ('"""', "\'\'\'"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
    return index


def _resolve(parts: tuple[str, ...], counters: dict[tuple[Any, ...], int]) -> tuple[Any, ...]:
    """Insert array-of-table indices: [indicators.params] -> ('indicators', n, 'params')."""
    out: tuple[Any, ...] = ()
    for i, part in enumerate(parts):
        out = out + (part,)
        if i < len(parts) - 1 and out in counters:
            out = out + (counters[out],)
    return out


def _line_for(loc: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> int | None:
    for n in range(len(loc), 0, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


# ---------------------------------------------------------------- validation

_SECTIONS: dict[tuple[str, ...], type[BaseModel]] = {
    (): Form,
    ("unit",): Unit,
    ("funds",): Funds,
    ("funds", "total"): FundsRow,
    ("funds", "appropriation"): FundsRow,
    ("funds", "carryover"): FundsRow,
    ("funds", "other"): FundsRow,
    ("funds", "rows"): NamedFundsRow,
    ("funds", "lines"): FundsLine,
    ("goal",): Goal,
    ("indicators",): Indicator,
    ("claimed",): Claimed,
    ("signoff",): Signoff,
    ("targets",): TargetsRef,
    ("targets", "changes"): TargetChange,
}

_TYPE_MESSAGES = {
    "missing": "缺少必填项",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "value_error": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为文本（用英文双引号括起来）",
    "dict_type": "应为一个表（[表名] 或 {…}）",
    "model_type": "应为一个表（[表名] 或 {…}）",
    "model_attributes_type": "应为一个表（[表名] 或 {…}）",
    "list_type": "应为数组",
    "bool_type": "应为 true 或 false",
    "date_type": "应为日期",
    "greater_than_equal": "不能为负数",
}


def _message(err: ErrorDetails, model: type[BaseModel], sections: dict[tuple[str, ...], type[BaseModel]]) -> str:
    loc = err["loc"]
    kind = err["type"]
    if kind == "extra_forbidden":
        section = tuple(x for x in loc[:-1] if isinstance(x, str))
        keys = list(sections.get(section, model).model_fields)
        import difflib  # only for a message about an unknown key: not at every start

        guess = difflib.get_close_matches(str(loc[-1]), keys, n=1, cutoff=0.5)
        hint = f"，是否想写 “{guess[0]}”？" if guess else f"。此处可用的键：{', '.join(keys)}"
        return f"未知的键 “{loc[-1]}”{hint}"
    if kind == "literal_error" and tuple(loc) == ("kind",) and err.get("input") == "targets" and model is Form:
        return "这是绩效目标表（kind = \"targets\"），不是自评表。检查它用 jixiao targets check；据它生成年末自评表用 jixiao new --from-targets"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"取值 “{err.get('input')}” 无效，只能是 {expected}"
    if kind == "value_error" and "too large" in str(err.get("msg", "")):
        return f"数值过大（“{_shown(err.get('input'))}”），请检查金额单位（万元或元，默认万元）"
    if kind == "value_error" and "too small" in str(err.get("msg", "")):
        return f"数值过小（“{_shown(err.get('input'))}”，绝对值小于 10 的 -12 次方），不是有效的金额或分数；请写 0 或实际数值"
    base = _TYPE_MESSAGES.get(kind, err.get("msg", "值无效"))
    if kind == "missing":
        allowed = _literal_choices(loc, model, sections)
        if allowed:
            base += f"，可选：{allowed}"
        return base
    if kind == "value_error" and "nested too deep" in str(err.get("msg", "")):
        return "嵌套过深（评分参数只需要几层表或数组），请检查该处"
    if kind == "value_error" and "year out of range" in str(err.get("msg", "")):
        return f"年度应在 {YEAR_MIN} 到 {YEAR_MAX} 之间，现在是 “{_shown(err.get('input'))}”。请填写四位数的年度，如 2023（不知道年度时可以不写 year）"
    if "input" in err and not isinstance(err["input"], (dict, list)):
        value = err["input"]
        if value is None or (isinstance(value, str) and not value.strip()):
            return base + "，现在是空的（单元格未填写）；请填写数值"  # a blank cell ("") is read as no value
        base += f"，现在是 “{_shown(value)}”"
        if base.startswith("应为") and isinstance(value, str):
            number = re.match(r"^\s*[+-]?\d+(?:\.\d+)?", value)
            if number and number.end() < len(value.rstrip()):
                base += f"。请只写数字（如 {number.group().strip()}），去掉 “{value[number.end():].strip()}”"
    return base


def _literal_choices(loc: tuple[Any, ...], model: type[BaseModel], sections: dict[tuple[str, ...], type[BaseModel]]) -> str:
    section = tuple(x for x in loc[:-1] if isinstance(x, str))
    field = sections.get(section, model).model_fields.get(str(loc[-1]))
    if field is None or get_origin(field.annotation) is not Literal:
        return ""
    return "、".join(str(v) for v in get_args(field.annotation))


def validate_model(
    model: type[M],
    data: dict[str, Any],
    text: str,
    source: str,
    sections: dict[tuple[str, ...], type[BaseModel]] | None = None,
) -> M:
    """Validate parsed TOML; on failure raise FormError with every problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = key_lines(text)
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            key = ".".join(str(x) if isinstance(x, str) else f"[{x + 1}]" for x in loc).replace(".[", "[")
            problems.append(Problem(source, key, _line_for(loc, lines), _message(err, model, sections or {(): model})))
        raise FormError(problems) from None


def load_form_text(text: str, source: str = "<文本>") -> Form:
    data = parse_toml_text(text, source)
    return validate_model(Form, data, text, source, _SECTIONS)


def load_form(path: str | Path) -> Form:
    """Load a format-1 form, or raise :class:`FormError` naming every problem."""
    data, text = read_toml(path)
    return validate_model(Form, data, text, str(path), _SECTIONS)
