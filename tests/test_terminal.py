"""tui.terminal's fast path: only lines that are not printable are searched, with the same result."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from jixiao.tui import terminal

# ordinary text, line breaks and tabs, a full-width space (safe, but not "printable"), and unsafe characters
_CHARS = st.sampled_from(["a", "株", " ", "\u3000", "\n", "\t", "\r", "\x1b", "\x9b", "\u202e", "\ufeff", "\xad",
                          "\u2028", "\U000e0041", "\ud800", "\x7f", '"', "\\"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_CHARS, max_size=40).map("".join))
def test_visible_and_json_text_equal_one_search_over_the_whole_text(text: str) -> None:
    assert terminal.visible(text, multiline=True) == terminal.unsafe("multiline").sub(terminal._picture, text)
    assert terminal.visible(text) == terminal.unsafe("all").sub(terminal._picture, text)
    assert terminal.json_text(text) == terminal.unsafe("json").sub(terminal._json_escape, text)


def test_a_line_with_an_override_is_escaped_and_the_others_kept() -> None:
    text = '{"unit": "株洲"},\n{"unit": "x\u202e001"}\n'
    assert terminal.json_text(text) == '{"unit": "株洲"},\n{"unit": "x\\u202e001"}\n'
    assert terminal.visible("a\tb\n\x1b[2J", multiline=True) == "a\tb\n␛[2J"
