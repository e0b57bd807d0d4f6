"""The printed self-evaluation form (绩效自评表) as a PDF, with ReportLab: two prints.

``render_form(result, out_path)`` prints the **submission copy**: the form as
the unit filled it, its own (claimed) scores, nothing about rule sets or
re-computation, no tool name on the page; the funds note under the funds
block, the sign-off lines and the 单位（盖章） box, and empty PDF signature
fields over them (``jixiao sign`` fills them).  ``review=True`` prints the
**review print**: the engine's scores with the unit's marked where they
differ, the rule set named, the findings page (and ``explain``'s 计算过程),
and a 复核 box and field.  Neither computes a score: both print what the
engine computed.

Layout (``docs/domain.md``, "The printed form"): landscape A4; title with
year; unit (project forms: 项目名称, 主管部门, 实施单位); the funds block;
年度总体目标; the indicator table (:mod:`form_indicators`); 总分 and 等级;
the grading note; the sign-off (:mod:`form_blocks`).  Every page carries
``第 N 页 共 M 页`` and, unless ``digest=False``, the short SHA-256 digest of
the form's content (``indicators.digest``) and its QR code; the full digest
and how the PDF was printed are stored in the PDF metadata (keywords).

Every user string is escaped before it reaches a Paragraph, so a note with
``<img src=...>`` or ``&`` prints literally and pulls in nothing.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.indicators.atomic import atomic_write_bytes
from jixiao.indicators.digest import canonical_json, form_digest, short_digest
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import LayoutError

from .fonts import FontChoice, missing_glyphs, missing_glyphs_message, register_cjk_font
from .form_blocks import (
    REVIEW_FIELD,
    SEAL_FIELD,
    FieldBox,
    bottom_block,
    explain_block,
    findings_block,
    funds_block,
    funds_note_block,
    goal_block,
    grading_note,
    unit_block,
)
from .form_indicators import IndicatorRows, indicator_rows, totals_block, totals_row
from .form_style import (
    CLAIMED_COLOUR,
    FRAME_HEIGHT,
    FUNDS_LABELS,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PAGE_SIZE,
    WIDTH,
    _esc,
    _Marks,
    _styles,
    form_title,
)
from .page_canvas import numbered_canvas

if TYPE_CHECKING:
    from jixiao.scoring.engine import Result

__all__ = [
    "render_form",
    "render_form_bytes",
    "PrintOptions",
    "PAGE_SIZE",
    "MARGIN_X",
    "CLAIMED_COLOUR",
    "FUNDS_LABELS",
    "form_title",
    "grading_note",
    "qr_payload",
    "qr_rects",
    "printed_qr_rects",
    "print_keywords",
    "QR_FORM_NAME",
    "SEAL_FIELD",
    "REVIEW_FIELD",
    "FieldBox",
]

QR_FORM_NAME = "jixiaoDigestQR"  # the form XObject of the footer's QR code (drawn once, shown on every page)

def _qr_modules(text: str, best_mask: bool = False) -> list[list[bool]]:
    """The QR code of ``text`` as rows of dark/light modules (top row first).

    Encoded by ReportLab's ``QrCodeWidget`` (error correction level M).  Any
    of the eight mask patterns gives a valid code (the pattern is written in
    the code's format bits); choosing the "best" one by the standard's penalty
    rules (``best_mask=True``) takes ReportLab ~15 ms, more than the rest of a
    one-page form, so pattern 0 is used.
    """
    widget = QrCodeWidget(text, barLevel="M")
    qr = widget.qr
    if best_mask:
        qr.make()
    else:
        if qr.version is None:
            qr.version = qr.calculate_version()
        qr.makeImpl(False, 0)
    return [[bool(m) for m in row] for row in qr.modules]


def qr_rects(modules: list[list[bool]], quiet: int = 2) -> list[tuple[int, int, int]]:
    """The dark modules as runs: (x, y, width) in module units, y up from the bottom,
    with a ``quiet`` zone; how :func:`_draw_qr` draws them and ``jixiao verify`` reads them back."""
    n = len(modules)
    out: list[tuple[int, int, int]] = []
    for r, row in enumerate(modules):
        y = n + quiet - 1 - r
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                out.append((start + quiet, y, c - start))
            else:
                c += 1
    return out


def printed_qr_rects(digest: str) -> list[frozenset[tuple[int, int, int]]]:
    """The rectangles of the QR code jixiao draws for ``digest`` (mask 0, and the standard's best
    mask): what the footer of every page of a PDF printed for that digest must show."""
    text = qr_payload(digest)
    return [frozenset(qr_rects(_qr_modules(text))), frozenset(qr_rects(_qr_modules(text, best_mask=True)))]


def _draw_qr(canv: Canvas, modules: list[list[bool]], size: float, quiet: int = 2) -> None:
    """Draw the modules as one filled path: runs of dark modules as rectangles
    in module units (integers, written straight into the content stream under
    one scaling transform: a few hundred ``re`` operators cost next to nothing)."""
    n = len(modules)
    box = size / (n + 2 * quiet)
    ops = [f"{x} {y} {w} 1 re" for x, y, w in qr_rects(modules, quiet)]
    canv.saveState()
    canv.setFillColor(colors.black)
    canv.transform(box, 0, 0, box, 0, 0)
    canv.addLiteral("\n".join(ops) + "\nf")
    canv.restoreState()


def qr_payload(digest: str) -> str:
    """What the footer's QR code says: the full digest, tagged.  Upper case, so
    the code uses the QR alphanumeric mode: version 4 (33×33 modules) instead
    of 5, larger modules at the same printed size.  ``jixiao verify`` accepts it
    as scanned."""
    return f"JIXIAO:SHA256:{digest.upper()}"


def _footer(font: str, digest: str, rules_id: str, running_title: str, *, review: bool, with_digest: bool) -> Any:
    """The footer drawn on every page once the count is known: page N of M; unless
    ``with_digest`` is off, the short digest and the QR code (the review print adds how to
    check it and the rule set; the submission copy names no tool)."""
    short = short_digest(digest)
    qr_size = 15 * mm
    qr_text = qr_payload(digest)
    qr_ready = [False]

    def draw(canv: Canvas, page: int, total: int) -> None:
        w, _ = PAGE_SIZE
        y = 8 * mm
        canv.saveState()
        canv.setFillColor(colors.black)
        canv.setFont(font, 9)
        canv.drawCentredString(w / 2, y, f"第 {page} 页 共 {total} 页")
        if with_digest:
            if not qr_ready[0]:
                canv.beginForm(QR_FORM_NAME)
                _draw_qr(canv, _qr_modules(qr_text), qr_size)
                canv.endForm()
                qr_ready[0] = True
            canv.setFont(font, 7.5)
            canv.setFillColor(colors.HexColor("#444444"))
            canv.drawString(MARGIN_X, y + 3.2 * mm, f"内容摘要 SHA-256：{short}")
            if review:
                canv.drawString(MARGIN_X, y, f"核对：jixiao verify 表单文件 {short}    规则集：{rules_id}    由 jixiao 生成")
            canv.translate(w - MARGIN_X - qr_size, 3.5 * mm)
            canv.doForm(QR_FORM_NAME)
        canv.restoreState()
        if page > 1:
            canv.saveState()
            canv.setFont(font, 8)
            canv.setFillColor(colors.HexColor("#444444"))
            canv.drawString(MARGIN_X, PAGE_SIZE[1] - MARGIN_TOP + 3.5 * mm, f"{running_title}（续）")
            canv.restoreState()

    return draw


# --------------------------------------------------------------- public


def _frame() -> Frame:
    # no padding: the tables are exactly WIDTH wide and FRAME_HEIGHT is the real space
    return Frame(
        MARGIN_X, MARGIN_BOTTOM, WIDTH, FRAME_HEIGHT, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body"
    )


class PrintOptions:
    """How a form was printed, as written in the PDF's keywords (``print:...``) and read back by ``verify``."""

    def __init__(self, review: bool = False, findings: bool = True, explain: bool = False, digest: bool = True):
        self.review = review
        self.findings = findings and review  # the appendices belong to the review print
        self.explain = explain and review
        self.digest = digest

    def keywords(self) -> list[str]:
        return [
            "print:" + ("review" if self.review else "submission"),
            f"findings:{int(self.findings)}",
            f"explain:{int(self.explain)}",
            f"digest:{int(self.digest)}",
        ]

    @classmethod
    def from_keywords(cls, words: list[str]) -> PrintOptions | None:
        """The options a PDF's keywords name; None when they name none (not a print of this version)."""
        found = dict(w.split(":", 1) for w in words if ":" in w)
        if found.get("print") not in ("review", "submission"):
            return None
        return cls(found["print"] == "review", found.get("findings") == "1", found.get("explain") == "1",
                   found.get("digest", "1") == "1")


def print_keywords(result: Any, options: PrintOptions) -> list[str]:
    """The PDF keywords of a print: the form's digest, the rule set's id and hash, how it was printed."""
    return [
        f"jixiao-sha256:{form_digest(result.form)}",
        f"rules:{result.rules.id}",
        f"rules-sha256:{result.rules.sha256}",
        *options.keywords(),
    ]


def render_form_parts(
    result: Result, options: PrintOptions, *, font: str | None = None
) -> tuple[bytes, list[FieldBox], list[str]]:
    """The PDF of one scored form (without signature fields), where its signature fields go,
    and the warnings to show (font fallback)."""
    choice: FontChoice = register_cjk_font(font)
    warnings = [choice.warning] if choice.warning else []
    form = result.form
    review = options.review
    # every character printed must have a glyph, or it prints as a box: the
    # form's own text (all of it is in its canonical JSON), the rule set's
    # name and grades, the findings
    printed = [canonical_json(form), result.rules.id, result.rules.name or "", *grading_note(result.rules)]
    if options.findings:
        printed += [f"{f.where}{f.message}" for f in result.findings]
    lacking = missing_glyphs(choice, printed)
    if lacking:
        raise ValueError(missing_glyphs_message(str(choice.path), lacking))
    s = _styles(choice.name)
    marks = _Marks(not review, s)
    digest = form_digest(form)
    title = form_title(form)
    who = form.unit.project if form.kind == "project" and form.unit.project else form.unit.name

    story: list[Flowable] = [Paragraph(_esc(title), s.title)]
    mode = (
        f"本表得分为按规则集 {_esc(result.rules.id)} 复算的得分；"
        f'与单位填报不同之处以<font color="{CLAIMED_COLOUR}">（填报 …）</font>标出。'
        if review
        else ""
    )
    head = Table(
        [[Paragraph(mode, s.sub), Paragraph(f"金额单位：{form.funds.unit}", s.sub)]],
        colWidths=[WIDTH - 90, 90],
        style=TableStyle([("ALIGN", (1, 0), (1, 0), "RIGHT"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                          ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]),
    )
    story.append(head)
    story.append(unit_block(form, s))
    story.append(funds_block(result, s, marks))
    note = funds_note_block(form, s)
    if note is not None:
        story.append(note)
    story.append(goal_block(form, s))
    rows = indicator_rows(result, s, marks)
    if rows:
        story.append(IndicatorRows(rows, s, tail=totals_row(result, s, marks)))
    else:
        story.append(totals_block(result, s, marks))
    story.append(Spacer(1, 2))
    boxes: list[FieldBox] = []
    story.append(bottom_block(result, s, review=review, sink=boxes))
    if options.explain:
        story.extend(explain_block(result, s))
    if options.findings:
        story.extend(findings_block(result, s))

    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        pageTemplates=[PageTemplate("form", [_frame()])],
        title=f"{title} · {who}",
        author=form.unit.name,
        subject=f"jixiao form sha256={digest}",
        keywords=print_keywords(result, options),
        creator="jixiao",
    )
    footer = _footer(choice.name, digest, result.rules.id, f"{title} · {who}", review=review, with_digest=options.digest)
    try:
        doc.build(story, canvasmaker=numbered_canvas(footer))
    except LayoutError as exc:  # should not happen: every block can break across pages
        raise RuntimeError(f"{result.file or who}：排版失败，无法生成 PDF（{exc}）。这是 jixiao 的错误，请报告。") from exc
    return buf.getvalue(), boxes, warnings


def render_form_bytes(
    result: Result,
    *,
    review: bool = False,
    font: str | None = None,
    findings: bool = True,
    explain: bool = False,
    digest: bool = True,
    fields: bool = True,
) -> tuple[bytes, list[str]]:
    """The PDF of one scored form (submission copy, or ``review`` print), and the warnings to show.

    With ``fields`` (the default) the PDF carries empty signature fields over its
    sign-off places (``reports.signing.add_signature_fields``)."""
    options = PrintOptions(review, findings, explain, digest)
    data, boxes, warnings = render_form_parts(result, options, font=font)
    if fields:
        from .signing import add_signature_fields

        data = add_signature_fields(data, boxes)
    return data, warnings


def render_form(
    result: Result,
    out_path: str | Path,
    *,
    review: bool = False,
    font: str | None = None,
    findings: bool = True,
    explain: bool = False,
    digest: bool = True,
    fields: bool = True,
) -> list[str]:
    """Render one scored form (a ``scoring.engine.Result``) to ``out_path``: the submission
    copy, or with ``review`` the reviewer's print (``findings``, ``explain``: its appendices).

    The file is written atomically: a failure leaves any previous file intact.
    Returns the warnings to show the user (e.g. the font fallback); raises
    ``ValueError`` with a Chinese message when ``font`` cannot be used, and
    ``OSError`` when the file cannot be written.
    """
    data, warnings = render_form_bytes(
        result, review=review, font=font, findings=findings, explain=explain, digest=digest, fields=fields
    )
    atomic_write_bytes(out_path, data)
    return warnings
