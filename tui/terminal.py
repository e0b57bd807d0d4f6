"""What reaches the terminal: control characters in user text are shown, never obeyed.

A submitted form can hold any character in its unit name, targets or notes:
``\\x1b[2J`` (clear the screen), ``\\x1b]0;title\\x07`` (set the window title),
a carriage return that overwrites the start of a line, the 8-bit CSI
``\\x9b``, or a right-to-left override (U+202E) that makes ``100`` read ``001``.
Printed raw, they would let the form clear a reviewer's screen or spoof what
it shows.  :func:`visible` is the one function that turns them into visible,
harmless text; it is applied where text leaves for the terminal:

* :func:`guard` wraps ``sys.stdout`` and ``sys.stderr`` for the length of a
  command (``tui.cli.main``), so every ``print`` of every command passes
  through :func:`visible` (line breaks and tabs kept);
* the table renderer (``tui.textable``) makes every cell single-line;
* ``--format json`` output goes through :func:`json_text` (the same
  characters as JSON escapes: the data is unchanged, the terminal safe);
* the TUI builds its ``Text`` through :func:`vtext` (Textual draws a string's
  control characters raw).

Rich consoles (progress bars) write their own escape codes unchanged; user
text they print must go through :func:`visible`.

Only the standard library: ``jixiao score`` imports this.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

__all__ = ["visible", "json_text", "vtext", "guard", "VisibleStream", "UNSAFE"]

# Control characters (C0, DEL, C1), surrogates, and the format characters and
# separators of Unicode (categories Cf, Zl, Zp: bidi embeddings, overrides and
# isolates, zero-width characters, soft hyphen, BOM, tags...).  The Cf ranges
# are those of Unicode 14 (Python 3.11's unicodedata), written out so that
# importing this costs nothing.
_C0 = "\x00-\x1f"
_REST = (
    "\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
UNSAFE = _C0 + _REST
_PATTERNS = {
    "all": f"[{UNSAFE}]",
    "multiline": f"[\x00-\x08\x0b-\x1f{_REST}]",  # keeps \t and \n
    "json": f"[{_REST}]",  # json.dumps escapes C0 itself
}


@cache
def unsafe(which: str) -> re.Pattern[str]:
    """The compiled pattern (``all``, ``multiline`` or ``json``), made when first needed: usually a
    start never needs one (printable text is checked by ``str.isprintable``), and each costs 0.3 ms."""
    return re.compile(_PATTERNS[which])


def _picture(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures: ␛ ␇ ␍ ␀ ...
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def visible(text: str, *, multiline: bool = False) -> str:
    """``text`` with every control or format character replaced by a visible form.

    ESC becomes ``␛`` (so ``\\x1b[2J`` shows as ``␛[2J``), BEL ``␇``, CR ``␍``,
    any other C0 control its Control Picture, DEL ``␡``; C1 controls, bidi
    overrides and other invisible format characters ``<U+202E>``.  With
    ``multiline`` a line break and a tab are kept (a message of several lines);
    otherwise they too are shown (``␊``, ``␉``: one table cell, one line).
    """
    if text.isprintable():  # the usual case, checked in C
        return text
    if multiline:
        return _by_line(text, "multiline", _picture)
    return unsafe("all").sub(_picture, text)


def _by_line(text: str, which: str, replace: Callable[[re.Match[str]], str]) -> str:
    """``unsafe(which).sub(replace, text)`` for a pattern without ``\\n``: only the lines that need it are searched.

    ``str.isprintable`` (in C) is false for every character of :data:`UNSAFE`,
    so a printable line is safe as it is; the regular expression, much slower
    over long text (a review's JSON), sees only the rest.
    """
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if not line.isprintable():
            lines[i] = unsafe(which).sub(replace, line)
    return "\n".join(lines)


def _json_escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code > 0xFFFF:  # a UTF-16 surrogate pair, as JSON writes it
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_text(text: str) -> str:
    """JSON text (as ``json.dumps(..., ensure_ascii=False)`` writes it) with the
    characters :func:`visible` would replace written as ``\\uXXXX`` escapes.

    ``json.dumps`` already escapes C0 controls; the others (C1, bidi, format)
    can only be inside strings there, where an escape means the same
    character: a program reading the JSON gets exactly the form's text.
    """
    if text.isprintable():
        return text
    return _by_line(text, "json", _json_escape)


def vtext(text: str, style: str = "", **kwargs: Any) -> Any:
    """A ``rich.text.Text`` of user text for the TUI, single-line, controls visible."""
    from rich.text import Text

    return Text(visible(str(text)), style=style, **kwargs)


class VisibleStream:
    """A text stream that writes through :func:`visible` (line breaks and tabs kept).

    Everything written to it is made visible. A rich Console that draws a
    progress bar (its cursor and colour codes are meant for the terminal) writes
    to the stream underneath instead: ``Console(file=unguarded(sys.stderr))``;
    user text printed through such a console must be made visible by the caller
    (``tui.commands.pdf`` does).
    """

    def __init__(self, stream: Any):
        self.raw = stream

    def write(self, text: str) -> int:
        self.raw.write(visible(text, multiline=True))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding...
        return getattr(self.raw, name)


def unguarded(stream: Any) -> Any:
    """The terminal under a :class:`VisibleStream` (for a rich Console's own drawing), else ``stream``."""
    return stream.raw if isinstance(stream, VisibleStream) else stream


@contextmanager
def guard() -> Iterator[None]:
    """``sys.stdout`` and ``sys.stderr`` write through :func:`visible` inside the block."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = VisibleStream(out) if out is not None else out  # type: ignore[assignment]
    sys.stderr = VisibleStream(err) if err is not None else err  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
