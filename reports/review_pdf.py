"""The review report PDF (复核报告) of ``jixiao review --pdf``.

Landscape A4: the batch summary, a bar chart of the grade distribution
(claimed vs computed vs reviewed), the commonest findings, then one section
per form that needs attention (cannot be read, or has rows where the
claimed, computed and review scores differ, or error/warning findings), worst
first, with those rows and the findings.  Findings are named by their Chinese
title and their place on the form, never by code or by a line of the file.  Every user string is escaped
before it reaches a Paragraph.  Written atomically.
"""

from __future__ import annotations

import datetime as _dt
import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from jixiao.indicators.atomic import atomic_write_bytes
from jixiao.scoring.vocabulary import KIND_SHORT_ZH
from jixiao.scoring.vocabulary import fmt as fmt_plain

from .fonts import register_cjk_font

__all__ = ["write_review_pdf", "build_review_pdf", "rank_piece", "RANK_PIECE", "report_title"]

KIND_ZH = KIND_SHORT_ZH
SERIES = (("填报", "claimed"), ("复算", "computed"), ("复核", "review"))


def rank_piece(records: list[Any]) -> list[tuple[Any, ...]]:
    """Each readable form's line of the ranking (in the workers): (review total, file, unit, kind, grade, rate, claimed, gap)."""
    from decimal import Decimal

    return [
        (Decimal(r.review_total), rec.path, r.unit, r.kind, r.review_grade, r.rate, r.claimed_total, r.claimed_gap)
        for rec in records
        if not (r := rec.row).error
    ]


RANK_PIECE = ("rank", rank_piece)


def report_title(title: str, year: int | None) -> str:
    """The heading: the reviewing body (``--title``) and the batch's year, ``某市财政局 2023 年度预算绩效自评复核报告``."""
    head = f"{year} 年度预算绩效自评复核报告" if year else "预算绩效自评复核报告"
    return f"{title.strip()} {head}" if title.strip() else head


def _title(code: str) -> str:
    """A finding's Chinese title (its code only when the catalogue does not know it)."""
    from jixiao.scoring.findings import CATALOG

    rule = CATALOG.get(code)
    return rule.title if rule is not None else code


def _styles(font: str) -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4, keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=base, fontSize=11, leading=15, spaceBefore=8, spaceAfter=2, keepWithNext=1),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "head": ParagraphStyle("head", parent=base, fontSize=8, leading=10),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor="#444444"),
    }


def _p(text: Any, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(escape("" if text is None else str(text)).replace("\n", "<br/>"), style)


def _table(headers: list[str], rows: list[list[Any]], widths: list[float], st: dict[str, Any], align_right: tuple[int, ...] = ()) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    data = [[_p(h, st["head"]) for h in headers]]
    data += [[_p(c, st["cell"]) for c in row] for row in rows]
    t = Table(data, colWidths=widths, repeatRows=1, splitInRow=1, hAlign="LEFT")
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    t.setStyle(TableStyle(style))
    return t


def _chart(summary: Any, font: str) -> Any:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    grades = summary.grades() or ["—"]
    data = [[getattr(summary, attr)[g] for g in grades] for _, attr in SERIES]
    palette = [colors.HexColor("#9db4d0"), colors.HexColor("#3f6fa8"), colors.HexColor("#c0504d")]
    d = Drawing(330, 230)
    d.add(String(10, 215, "等级分布（份）：填报 / 复算 / 复核", fontName=font, fontSize=10))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 30, 230, 170
    chart.data = data
    chart.categoryAxis.categoryNames = grades
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 9
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.valueMin = 0
    top = max([max(s) for s in data] + [1])
    step = max(1, -(-top // 5))
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = step * (-(-top // step) + 1)  # a step of headroom for the bar labels
    chart.barSpacing = 1
    chart.groupSpacing = 10
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    chart.barLabelFormat = "%d"
    for i, colour in enumerate(palette):
        chart.bars[i].fillColor = colour
        chart.bars[i].strokeColor = colour
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = 275, 180
    legend.fontName = font
    legend.fontSize = 9
    legend.alignment = "right"
    legend.colorNamePairs = [(palette[i], name) for i, (name, _) in enumerate(SERIES)]
    d.add(legend)
    return d


def build_review_pdf(
    summary: Any, sections: list[dict[str, Any]], font_path: str | None = None, attention: int | None = None,
    title: str = "", ranking: list[tuple[Any, ...]] | None = None,
) -> tuple[bytes, str]:
    """(PDF bytes, font warning).

    ``sections`` come from the batch workers, worst first; ``attention`` is
    how many forms needed one (more than ``len(sections)`` when the caller
    kept only the worst).
    """
    attention = len(sections) if attention is None else attention
    from jixiao.scoring.findings import CATALOG, SEVERITY_ZH
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, PageBreak, SimpleDocTemplate, Spacer

    font = register_cjk_font(font_path)
    st = _styles(font.name)
    heading = report_title(title, getattr(summary, "year", None))
    buf = io.BytesIO()
    page = landscape(A4)
    doc = SimpleDocTemplate(
        buf, pagesize=page, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=14 * mm, bottomMargin=14 * mm,
        title=heading, author="jixiao",
    )
    width = page[0] - 28 * mm

    def footer(canvas: Any, doc_: Any) -> None:
        canvas.saveState()
        canvas.setFont(font.name, 8)
        canvas.drawString(14 * mm, 8 * mm, f"{heading} · jixiao")
        canvas.restoreState()

    from .page_canvas import numbered_canvas

    def page_count(canvas: Any, number: int, total: int) -> None:
        """第 N 页 共 M 页 on each page, once the count is known."""
        canvas.saveState()
        canvas.setFont(font.name, 8)
        canvas.drawRightString(page[0] - 14 * mm, 8 * mm, f"第 {number} 页 共 {total} 页")
        canvas.restoreState()

    NumberedCanvas = numbered_canvas(page_count)

    story: list[Any] = [_p(heading, st["title"])]
    story.append(_p(f"生成时间：{_dt.datetime.now().strftime('%Y-%m-%d %H:%M')}", st["small"]))
    story.append(Spacer(1, 4 * mm))
    story.append(_p("一、汇总", st["h2"]))
    story.append(
        _p(
            f"共 {summary.forms} 份表单：可读 {summary.forms - summary.unreadable} 份，无法读取 {summary.unreadable} 份；"
            f"有错误的 {summary.with_errors} 份；有复核文件的 {summary.reviewed} 份。"
            "以下逐份列出需要关注的表单（无法读取、填报/复算/复核得分不一致，或有错误、警告的），最差的在前。",
            st["body"],
        )
    )
    for (rid, sha), n in sorted(summary.rule_sets.items()):  # which rules produced the scores
        story.append(_p(f"规则集 {rid}（摘要 sha256 {sha}）：{n} 份。", st["small"]))
    from reportlab.platypus import Table

    left: list[Any] = []
    grades = summary.grades()
    if grades:
        left.append(_p("等级分布（份）", st["h3"]))
        rows = [[g, summary.claimed[g], summary.computed[g], summary.review[g]] for g in grades]
        left.append(_table(["等级", "填报", "复算", "复核"], rows, [30 * mm, 22 * mm, 22 * mm, 22 * mm], st))
    top = summary.top_codes(10)
    if top:
        left.append(_p("最常见的发现项", st["h3"]))
        # by title, as on every printed page: the codes are in the command line's listing and the JSON
        rows = [[CATALOG[code].title, SEVERITY_ZH[CATALOG[code].severity], n, k] for code, n, k in top]
        left.append(_table(["发现项", "严重程度", "条数", "涉及表单"], rows, [76 * mm, 30 * mm, 14 * mm, 18 * mm], st))
    if left:
        story.append(Spacer(1, 2 * mm))
        right = _chart(summary, font.name) if grades else ""
        story.append(Table([[left, right]], colWidths=[145 * mm, width - 145 * mm], hAlign="LEFT",
                           style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    batch = getattr(summary, "batch", [])
    if batch:
        story.append(_p("本批次的检查（重复报送、年度不符）", st["h3"]))
        story.append(_table(
            ["文件", "问题", "说明"], [[f.path, _title(f.code), f.message] for f in batch],
            [90 * mm, 40 * mm, width - 130 * mm], st,
        ))
    if ranking:
        ranked = sorted(ranking, key=lambda x: (-x[0], x[1]))
        story.append(PageBreak())
        story.append(_p("二、排名（全部可读表单，按复核总分从高到低）", st["h2"]))
        rows = []
        for n, (total, file, unit, kind, grade, rate, claimed, gap) in enumerate(ranked, start=1):
            rows.append([n, unit, KIND_ZH.get(kind, kind), fmt_plain(total), grade or "—",
                         f"{rate}%" if rate else "—", claimed or "—", gap or "—", Path(file).name])
        story.append(_table(
            ["名次", "单位", "类型", "复核总分", "复核等级", "执行率", "填报总分", "填报−复核", "文件"], rows,
            [12 * mm, 70 * mm, 16 * mm, 18 * mm, 16 * mm, 18 * mm, 18 * mm, 18 * mm, width - 186 * mm], st,
        ))
    if sections:
        story.append(PageBreak())
    story.append(_p("三、逐份说明" if ranking else "二、逐份说明", st["h2"]))
    if attention > len(sections):
        story.append(_p(
            f"需要关注的表单共 {attention} 份，以下只列出最差的 {len(sections)} 份（用 --pdf-forms 调整）；"
            "全部表单见 --out 生成的表格。",
            st["body"],
        ))
    if not sections:
        story.append(_p("没有需要关注的表单：所有表单的填报、复算、复核得分一致，且没有错误或警告。", st["body"]))
    for n, sec in enumerate(sections, start=1):
        if sec.get("error"):
            story.append(KeepTogether([_p(f"{n}. {Path(sec['file']).name}（无法读取）", st["h3"]),
                                       _p(f"文件：{sec['file']}", st["small"]), _p(sec["error"], st["body"])]))
            continue
        row = sec["row"]
        year = f"，{row['year']} 年度" if row["year"] else ""  # a form may print no year
        head = [
            _p(f"{n}. {row['unit']}（{KIND_ZH.get(row['kind'], row['kind'])}{year}）", st["h3"]),
            _p(f"文件：{sec['file']}    规则集：{row['rules']}（摘要 {row.get('rules_sha256', '')[:16]}）", st["small"]),
            _p(
                f"总分：填报 {row['claimed_total'] or '—'}，复算 {row['total']}，复核 {row['review_total']}；"
                f"等级：填报 {row['claimed_grade'] or '—'}，复算 {row['grade'] or '—'}，复核 {row['review_grade'] or '—'}；"
                f"错误 {row['errors']} 条，警告 {row['warnings']} 条"
                + (f"；复核人 {row['reviewer']}" if row["reviewer"] else "")
                + (f"，复核日期 {row['review_date']}" if row["review_date"] else "")
                + "。",
                st["body"],
            ),
        ]
        parts: list[Any] = []
        if sec["rows"]:
            parts.append(Spacer(1, 2 * mm))
            parts.append(_table(
                ["序号", "指标", "分值", "填报得分", "复算得分", "复核得分", "复核理由"],
                [[c if c != "" else "—" for c in r[:6]] + [r[6]] for r in sec["rows"]],
                [12 * mm, 75 * mm, 16 * mm, 18 * mm, 18 * mm, 18 * mm, width - 157 * mm],
                st,
            ))
        if sec["findings"]:
            parts.append(Spacer(1, 2 * mm))
            # the finding's title and its place on the form (第9项 参保人满意度, 资金·年度资金总额·全年执行数),
            # never its code nor a line of the form file, which mean nothing on paper
            parts.append(_table(
                ["严重程度", "发现项", "位置", "说明"],
                [[sev, _title(code), where, msg] for sev, code, where, _line, msg in sec["findings"]],
                [16 * mm, 38 * mm, 62 * mm, width - 116 * mm],
                st,
            ))
        story.append(KeepTogether(head + parts[:2]) if parts else KeepTogether(head))
        story.extend(parts[2:])
    doc.build(story, onFirstPage=footer, onLaterPages=footer, canvasmaker=NumberedCanvas)
    return buf.getvalue(), font.warning


def write_review_pdf(
    path: str | Path,
    summary: Any,
    sections: list[dict[str, Any]],
    font_path: str | None = None,
    attention: int | None = None,
    title: str = "",
    ranking: list[tuple[Any, ...]] | None = None,
) -> str:
    """Build the report and write it atomically; returns the font warning ("" if none)."""
    data, warning = build_review_pdf(summary, sections, font_path, attention, title, ranking)
    atomic_write_bytes(path, data)
    return warning
