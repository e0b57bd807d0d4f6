"""Benchmark: printing self-evaluation forms as PDF.

    python benchmarks/bench_pdf.py [--forms 200] [--batch 1000] [--jobs N]

1. Renders a batch of seed-sized forms (the bundled example with varied
   values) with ``reports.form_pdf`` and prints forms per second.
2. Renders the same cells as one bare ReportLab table per form (Paragraphs
   with the same CJK style, a grid, no merged cells, footer, QR code or page
   count), in the same process, and prints the ratio ours / bare (target:
   at most 1.5).
3. Writes ``--batch`` form files to a temporary folder and prints them with
   ``jixiao pdf FOLDER -o OUT`` (processes, all cores), printing the time.

Scoring is not timed in 1 and 2 (the engine has its own benchmark); it is in 3.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"


def variant(i: int) -> str:
    """The seed form with a different unit name and actual values."""
    text = SEED.read_text(encoding="utf-8")
    text = text.replace('name = "株洲市社会保险服务中心"', f'name = "第{i:04d}号社会保险服务中心"')
    text = text.replace('actual = "32.66万人"', f'actual = "{30 + i % 5}.{i % 100:02d}万人"')
    text = text.replace("executed = 1387.53", f"executed = {1300 + i % 87}.53")
    return text


def results(n: int) -> list:
    from jixiao.indicators.loader import load_form_text
    from jixiao.scoring.engine import score_form

    return [score_form(load_form_text(variant(i), f"bench-{i}.toml")) for i in range(n)]


def bare_table(result, font: str, plain: bool = False) -> bytes:
    """The same cells in one plain ReportLab table: the floor we compare against.

    Every text cell is a Paragraph, as a straightforward implementation does;
    with ``plain`` a text that fits on one line is a plain string instead (the
    trick ``reports.form_pdf`` uses), for a stricter floor.
    """
    from jixiao.scoring.engine import fmt
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    st = ParagraphStyle("b", fontName=font, fontSize=8.5, leading=10.5, wordWrap="CJK")
    stc = ParagraphStyle("bc", parent=st, alignment=TA_CENTER)

    from reportlab.pdfbase.pdfmetrics import stringWidth

    def p(text: str, style=st, width: float = 60):
        if plain and "\n" not in text and stringWidth(text, font, 8.5) <= width:
            return text
        return Paragraph(escape(text), style)

    form = result.form
    funds = result.funds
    rows: list[list] = [[p(f"{form.year}年度部门整体支出绩效自评表"), "", "", "", "", "", "", "", ""]]
    rows.append(["部门名称", p(form.unit.name), "", "", "", "", "", "", ""])
    rows.append(["资金情况", p("资金来源"), p("年初预算数"), p("全年预算数"), p("全年执行数"), p("分值"), p("执行率"), p("得分"), ""])
    from jixiao.indicators.schema import FUNDS_ROW_HEADINGS

    for key, label in FUNDS_ROW_HEADINGS.items():
        r = funds.rows.get(key) or {}
        rows.append(["", p(label)] + [fmt(r.get(c)) if r.get(c) is not None else "" for c in ("initial", "annual", "executed")] + ["", "", "", ""])
    rows.append(["年度总体目标", p("预期目标"), p("实际完成情况"), "", "", "", "", "", ""])
    rows.append(["", p(form.goal.expected), p(form.goal.achieved), "", "", "", "", "", ""])
    rows.append(["绩效指标"] + [p(h, stc) for h in ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")])
    for r in result.indicators:
        rows.append(["", p(r.category, stc), p(r.subcategory, stc), p(r.name), p(r.target, stc), p(r.actual, stc), fmt(r.weight), fmt(r.score), p(r.note) if r.note else ""])
    rows.append(["", p("总分"), "", "", "", "", "", fmt(result.total), p(f"等级：{result.grade}")])
    buf = io.BytesIO()
    widths = [24, 64, 74, 140, 84, 84, 42, 74]
    widths.append(landscape(A4)[0] - 24 * mm - sum(widths))
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm, topMargin=11 * mm, bottomMargin=19 * mm)
    table = Table(rows, colWidths=widths, style=TableStyle([("FONT", (0, 0), (-1, -1), font, 8.5), ("GRID", (0, 0), (-1, -1), 0.6, "#333333")]), repeatRows=0)
    doc.build([table])
    return buf.getvalue()


def timed(fn, items) -> float:
    t0 = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--forms", type=int, default=200, help="seed-sized forms for the in-process comparison")
    ap.add_argument("--batch", type=int, default=1000, help="forms for the parallel folder run (0 to skip)")
    ap.add_argument("--jobs", type=int, default=0, help="processes for the folder run (default: all cores)")
    args = ap.parse_args()

    from jixiao.reports.fonts import register_cjk_font
    from jixiao.reports.form_pdf import render_form_bytes

    choice = register_cjk_font(None)
    print(f"字体：{choice.path or choice.name}（{'嵌入' if choice.embedded else '不嵌入'}）  CPU 核：{os.cpu_count()}")
    items = results(args.forms)
    # warm up both (font subsetting tables, style caches)
    for r in items[:5]:
        render_form_bytes(r)
        bare_table(r, choice.name)

    rounds = 3
    # the review print (with its findings page), as measured before the submission copy became the default
    ours = min(timed(lambda r: render_form_bytes(r, review=True), items) for _ in range(rounds))
    bare = min(timed(lambda r: bare_table(r, choice.name), items) for _ in range(rounds))
    print(f"本程序（reports.form_pdf）：{args.forms / ours:8.1f} 份/秒  （每份 {ours / args.forms * 1000:.2f} ms）")
    print(f"裸 ReportLab 表格        ：{args.forms / bare:8.1f} 份/秒  （每份 {bare / args.forms * 1000:.2f} ms）")
    print(f"比值 本程序/裸表格       ：{ours / bare:8.2f}  （目标 ≤ 1.5）")
    # the same without the findings page, which the bare table does not have
    ours_nf = min(timed(lambda r: render_form_bytes(r, review=True, findings=False), items) for _ in range(rounds))
    print(f"比值（不附错误页）       ：{ours_nf / bare:8.2f}")
    ours_sub = min(timed(lambda r: render_form_bytes(r), items) for _ in range(rounds))
    print(f"比值（报送件）           ：{ours_sub / bare:8.2f}")
    bare_plain = min(timed(lambda r: bare_table(r, choice.name, plain=True), items) for _ in range(rounds))
    print(f"裸表格（能放下的文字用纯字符串）：{args.forms / bare_plain:8.1f} 份/秒，比值 {ours / bare_plain:.2f}（不附错误页 {ours_nf / bare_plain:.2f}）")

    if args.batch:
        from jixiao.tui.cli import main as cli

        with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
            src = Path(tmp) / "forms"
            out = Path(tmp) / "pdfs"
            src.mkdir()
            for i in range(args.batch):
                (src / f"form{i:05d}.toml").write_text(variant(i), encoding="utf-8")
            argv = ["pdf", str(src), "-o", str(out)]
            if args.jobs:
                argv += ["--jobs", str(args.jobs)]
            import resource

            def cpu() -> float:
                r, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
                return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime

            c0 = cpu()
            t0 = time.perf_counter()
            code = cli(argv)
            dt = time.perf_counter() - t0
            spent = cpu() - c0
            made = len(list(out.glob("*.pdf")))
        cores = args.jobs or os.cpu_count() or 1
        print(
            f"并行打印 {args.batch} 份（评分 + PDF，{cores} 个进程）：{dt:.2f} 秒，"
            f"{args.batch / dt:.1f} 份/秒，生成 {made} 份，退出码 {code}，"
            f"CPU 时间 {spent:.2f} 秒（每份 {spent / args.batch * 1000:.1f} ms），负载 {os.getloadavg()[0]:.2f}"
        )
        # issue 14's table, row 4 (a stable line read by other scripts): forms per second against the goal;
        # cpu_rate is what the CPU time per form allows on ``cores`` idle cores
        print(f"RATIO pdf-dir {args.batch / dt:.1f} floor=forms/s goal>=100 cpu_rate={cores * args.batch / spent:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
