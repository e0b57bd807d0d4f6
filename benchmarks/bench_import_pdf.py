"""Benchmark: importing a whole 部门决算 PDF.

    python benchmarks/bench_import_pdf.py [--pages 50] [--repeat 3]

Draws a document of ``--pages`` pages as a 部门决算 is published (report text,
决算 tables with ruling lines, and at the end the 部门整体支出 form broken across
two pages and a project form), then, in the same process:

1. the floor: a bare ``pdfplumber.open`` and ``extract_text()`` of every page;
2. the PDF reader (``read_grids``: every form found, tables with merges);
3. the whole import (``import_grids``: reader and recogniser).

Prints pages per second for each and the ratios reader / floor and import /
floor (target: at least 0.5).  A fourth line measures the worst case, a
document where every page is a form (nothing can be skipped).  The best of
``--repeat`` runs is taken for each.
"""

from __future__ import annotations

import argparse
import gc
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def document(path: Path, pages: int) -> Path:
    from tests.fixtures.office_docs import (
        SIGNOFF,
        department_sheet,
        draw_pdf,
        project_sheet,
        split_sheet,
        unrelated_table,
    )

    first, rest = split_sheet(department_sheet(), 13, repeat=8)
    blocks: list[object] = ["# 某某中心 2021 年度部门决算"]
    for i in range(pages - 4):  # each a page: report text, or a 决算 table with some text
        if i % 3 == 2:
            blocks += [f"{i + 1}、收入支出决算表", unrelated_table(), ("narrative", 3)]
        else:
            blocks += [("narrative", 7)]
        blocks.append("<pagebreak>")
    blocks += ["附件：2021 年度部门整体支出绩效自评表", "# 2021 年度部门整体支出绩效自评表", first, "<pagebreak>"]
    blocks += [rest, "填表人：张三    单位负责人：李四", "<pagebreak>"]
    blocks += ["# 项目支出绩效自评表", "（2023年度）", project_sheet(), SIGNOFF, "<pagebreak>", ("narrative", 3)]
    return draw_pdf(path, blocks)


def all_forms(path: Path, pages: int) -> Path:
    from tests.fixtures.office_docs import SIGNOFF, draw_pdf, project_sheet

    blocks: list[object] = []
    for _ in range(pages):
        blocks += ["# 项目支出绩效自评表", "（2023年度）", project_sheet(), SIGNOFF, "<pagebreak>"]
    return draw_pdf(path, blocks[:-1])


def page_count(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def bare(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()


def best(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from jixiao.indicators.importing import import_grids
    from jixiao.indicators.importing.readers import read_grids

    with tempfile.TemporaryDirectory() as tmp:
        doc = document(Path(tmp) / "juesuan.pdf", args.pages)
        n = page_count(doc)
        found = import_grids(doc)[1]
        print(f"文档：{n} 页，找到 {len(found)} 张自评表（{'、'.join(g.name for g in read_grids(doc))}）")
        floor = best(lambda: bare(doc), args.repeat)
        reader = best(lambda: read_grids(doc), args.repeat)
        whole = best(lambda: import_grids(doc), args.repeat)
        print(f"pdfplumber 打开 + extract_text（基准）：{n / floor:8.1f} 页/秒")
        print(f"PDF 读取（read_grids）：            {n / reader:8.1f} 页/秒  比值 {floor / reader:.2f}")
        print(f"整个导入（import_grids）：          {n / whole:8.1f} 页/秒  比值 {floor / whole:.2f}（目标 ≥ 0.5）")

        worst = all_forms(Path(tmp) / "forms.pdf", min(args.pages, 20))
        m = page_count(worst)
        floor = best(lambda: bare(worst), args.repeat)
        whole = best(lambda: import_grids(worst), args.repeat)
        print(f"最坏情况：每页都是自评表（{m} 页）：  {m / whole:8.1f} 页/秒  比值 {floor / whole:.2f}（基准 {m / floor:.1f} 页/秒）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
