"""Whether a PDF shows a form: ``jixiao verify FORM PDF`` re-prints the form and compares.

The form is scored with the rule set the check is made with (the form's own,
or ``--rules``) and printed again the way the PDF says it was printed (its
keywords: submission copy or review print, and their switches); then every
page of the PDF is compared with the fresh print:

- **exactly** when the same font is at hand: each page's drawing
  instructions and the footer's QR code are the same, so every number, name,
  grade, line and box on the page is what jixiao prints for this form;
- else **by text**: each page's text (numbers, names, grade; spaces ignored)
  is the same; the drawing is then not compared, and the result says so.

Pages jixiao would not print (an extra page, a missing one) are failures;
so are annotations other than signature fields, pictures and invisible text
on a page.  The rule set's id and hash printed in the PDF are compared with
the rule set used.  What could not be checked is listed, never passed over.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ContentCheck", "check_content", "MAX_VERIFY_PAGES"]

MAX_VERIFY_PAGES = 200  # a form prints a few pages; a PDF with many more is not one, and is not read through


@dataclass
class ContentCheck:
    problems: list[str] = field(default_factory=list)  # failures (Chinese)
    checked: list[str] = field(default_factory=list)  # what was compared and agreed
    not_checked: list[str] = field(default_factory=list)  # what could not be compared
    mode: str = ""  # "exact" or "text" or ""

    @property
    def ok(self) -> bool:
        return not self.problems


def _keywords(reader: Any) -> list[str]:
    meta: Any = reader.metadata or {}
    return str(meta.get("/Keywords") or "").replace(",", " ").split()


def _pages(reader: Any) -> list[Any]:
    return list(reader.pages)


def _content(page: Any) -> bytes:
    contents = page.get_contents()
    return contents.get_data() if contents is not None else b""


def _xobjects(page: Any) -> dict[str, Any]:
    res = page.get("/Resources")
    xo = res.get_object().get("/XObject") if res is not None else None
    return {str(k): v.get_object() for k, v in xo.get_object().items()} if xo is not None else {}


def _fonts(page: Any) -> set[str]:
    res = page.get("/Resources")
    fonts = res.get_object().get("/Font") if res is not None else None
    if fonts is None:
        return set()
    out = set()
    for f in fonts.get_object().values():
        name = str(f.get_object().get("/BaseFont") or "")
        out.add(re.sub(r"^[A-Z]{6}\+", "", name))
    return out


def _text(page: Any) -> str:
    return re.sub(r"\s+", "", page.extract_text() or "")


def _where(a: str, b: str) -> str:
    """The first place two texts differ, shown in each."""
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    lo = max(0, i - 12)
    return f"打印件为“…{a[lo:i + 16]}…”，按表单应为“…{b[lo:i + 16]}…”"


def _page_list(numbers: list[int]) -> str:
    return "第 " + "、".join(str(n) for n in numbers) + " 页"


def _foreign(reader_pages: list[Any]) -> list[str]:
    """What a jixiao page never carries: annotations other than signature fields, pictures,
    invisible text."""
    problems: list[str] = []
    for n, page in enumerate(reader_pages, 1):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Widget" or annot.get("/FT") not in (None, "/Sig"):
                kind = str(annot.get("/Subtype") or "?").lstrip("/")
                problems.append(f"第 {n} 页有 jixiao 不会打印的批注（{kind}）")
                break
        for name, obj in _xobjects(page).items():
            if obj.get("/Subtype") == "/Image":
                problems.append(f"第 {n} 页有图片（{name.lstrip('/')}），jixiao 打印的页面没有图片")
                break
        if re.search(rb"(^|\s)3\s+Tr\b", _content(page)):
            problems.append(f"第 {n} 页有不可见的文字（文字渲染模式 3）")
    return problems


def check_content(result: Any, pdf: bytes, *, font: str | None = None) -> ContentCheck:
    """Compare every page of ``pdf`` with a fresh print of ``result`` (see the module's doc)."""
    import logging

    from pypdf import PdfReader

    from .form_pdf import PrintOptions, render_form_parts

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    out = ContentCheck()
    reader = PdfReader(io.BytesIO(pdf))
    words = _keywords(reader)
    given = dict(w.split(":", 1) for w in words if ":" in w)
    rid, rsha = given.get("rules"), given.get("rules-sha256")
    if rid is None or rsha is None:
        out.not_checked.append("打印件没有记录规则集（PDF 元数据中无规则集 ID 和 SHA-256），未核对规则集")
    elif (rid, rsha) != (result.rules.id, result.rules.sha256):
        out.problems.append(
            f"打印件记录的规则集为 {rid}（SHA-256 {rsha[:16]}…），核对所用规则集为 {result.rules.id}"
            f"（SHA-256 {result.rules.sha256[:16]}…）：打印件不是按这个规则集评分的"
        )
    else:
        out.checked.append(f"规则集 {rid}（SHA-256 {rsha[:16]}…）")
    recorded = any(w.startswith("jixiao-sha256:") for w in words)
    options = PrintOptions.from_keywords(words)
    if options is None:
        out.not_checked.append("打印件没有记录打印方式，按报送件和复核件的常用打印方式逐一比较")
        candidates = [PrintOptions(), PrintOptions(digest=False), PrintOptions(review=True),
                      PrintOptions(review=True, findings=False), PrintOptions(review=True, explain=True)]
    else:
        candidates = [options]
    total = len(reader.pages)
    if total > MAX_VERIFY_PAGES:
        out.problems.append(f"PDF 有 {total} 页，不是 jixiao 打印的自评表（一张表只有几页），未逐页比较")
        out.mode = "too-many-pages"
        return out
    got = _pages(reader)
    texts: dict[int, str] = {}  # page index -> its text, read once and only as far as compared

    def got_text(n: int) -> str:
        if n not in texts:
            texts[n] = _text(got[n])
        return texts[n]

    best: tuple[int, list[str], str, PrintOptions] | None = None
    for opt in candidates:
        fresh, _, _ = render_form_parts(result, opt, font=font)
        want = _pages(PdfReader(io.BytesIO(fresh)))
        problems: list[str] = []
        if len(want) != len(got):
            problems.append(f"打印件有 {len(got)} 页，按表单重新打印应为 {len(want)} 页（有 jixiao 没有打印的页，或缺页）")
        same_font = all(_fonts(g) == _fonts(w) for g, w in zip(got, want))
        exact = same_font and len(want) == len(got)
        if exact:
            for g, w in zip(got, want):
                if _content(g) != _content(w):
                    exact = False
                    break
                gx, wx = _xobjects(g), _xobjects(w)
                if gx.keys() != wx.keys() or any(gx[k].get_data() != wx[k].get_data() for k in wx):
                    exact = False
                    break
        mode = "exact" if exact else "text"
        if not exact:
            want_text = [_text(p) for p in want]
            pages = min(len(got), len(want) + 1)  # one page past the print's end is enough to tell
            differ = [n + 1 for n in range(min(pages, len(want))) if got_text(n) != want_text[n]]
            if differ and len(got) == len(want) and "".join(got_text(n) for n in range(len(got))) == "".join(want_text):
                differ = []  # the same text, paged otherwise (another font): said below
            for n in differ[:5]:
                problems.append(f"第 {n} 页的文字与表单不符：{_where(got_text(n - 1), want_text[n - 1])}")
            if len(differ) > 5:
                problems.append(f"另有 {len(differ) - 5} 页的文字与表单不符")
        score = len(problems)
        if best is None or score < best[0] or (score == best[0] and mode == "exact" and best[2] != "exact"):
            best = (score, problems, mode, opt)
        if not problems and exact:
            break
    assert best is not None
    _, problems, mode, opt = best
    if problems and not recorded:
        out.problems.append("PDF 中没有 jixiao 的打印记录（元数据中没有内容摘要），不是 jixiao 打印的，或经其他程序重新生成")
    out.problems += problems
    out.problems += _foreign(got)
    out.mode = mode
    kind = "复核件" if opt.review else "报送件"
    if not problems:
        if mode == "exact":
            out.checked.append(f"全部 {len(got)} 页与按表单重新打印的{kind}逐页相同（文字、数字、线条、二维码的绘制指令完全一致）")
        else:
            out.checked.append(f"全部 {len(got)} 页的文字（数字、名称、等级）与按表单重新打印的{kind}相同")
            out.not_checked.append(
                "本机的字体与打印件所用字体不同（或 PDF 经其他程序重新生成），只比较了文字，未比较图形（线条、色块、二维码）"
            )
    return out
