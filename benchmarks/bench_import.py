"""Benchmark importing spreadsheets against a bare ``openpyxl.load_workbook``.

1. One-page form (the department layout of the seed, tests/import_fixtures.py),
   in one process: the least CPU time of N passes of

   - ``openpyxl``: ``openpyxl.load_workbook(BytesIO(data), data_only=True)``
     of the same bytes (the reference: what opening the file costs at the least);
   - ``read``: ``read_grids`` (safe read, the look at the sheet XML for
     formulas without cached values, load, cells as shown, merged ranges);
   - ``import``: ``import_file`` (read + recognise) and ``import + TOML``
     (the generated TOML text as well);

   and prints each as a ratio to the bare load (the bar: import ≤ 3×).

2. ``.xls``: xlrd (``formatting_info=True``) against python-calamine on the
   same workbook converted by LibreOffice (when ``soffice`` is installed).

3. ``jixiao review`` over N xlsx submissions (default 1,000, all cores) as a
   real command, wall time, forms/s against the bare ``openpyxl`` load of the
   same files in one process.

    python benchmarks/bench_import.py             # 1,000 submissions
    python benchmarks/bench_import.py -n 200 --jobs 2
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best(fn: Callable[[], object], passes: int) -> float:
    """The least CPU time of ``passes`` calls (CPU, not wall time: other load on the machine moves it less)."""
    times = []
    for _ in range(passes):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return min(times)


def one_page(folder: Path, passes: int) -> None:
    import openpyxl
    from jixiao.indicators.importing import import_file
    from jixiao.indicators.importing.readers import read_grids
    from jixiao.indicators.importing.toml_writer import form_toml

    from tests.import_fixtures import DEPT, department, write_book

    path = write_book(folder / "form.xlsx", [("部门", [(department, DEPT)])])
    data = path.read_bytes()
    bare = best(lambda: openpyxl.load_workbook(io.BytesIO(data), data_only=True), passes)
    read = best(lambda: read_grids(path), passes)
    imp = best(lambda: import_file(path), passes)
    full = best(lambda: [form_toml(r) for r in import_file(path)], passes)
    print(f"一页自评表 xlsx（{len(data)} 字节），CPU 时间，{passes} 次取最少：")
    print(f"  openpyxl.load_workbook   {bare * 1000:8.2f} ms   1.00×")
    print(f"  read_grids               {read * 1000:8.2f} ms   {read / bare:.2f}×")
    print(f"  import_file              {imp * 1000:8.2f} ms   {imp / bare:.2f}×  （要求 ≤ 3×）")
    print(f"  import_file + TOML       {full * 1000:8.2f} ms   {full / bare:.2f}×")


def xls_readers(folder: Path, passes: int) -> None:
    if shutil.which("soffice") is None:
        print("\n.xls：未安装 LibreOffice（soffice），跳过。")
        return
    from tests.import_fixtures import DEPT, PROJECT, department, mof_project, write_book

    src = write_book(folder / "forms.xlsx", [("部门", [(department, DEPT)]), ("项目", [(mof_project, PROJECT)])])
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xls", "--outdir", str(folder), str(src)],
        check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(folder)},
    )
    data = (folder / "forms.xls").read_bytes()
    import xlrd

    try:  # not a dependency of jixiao (see the README): measured when installed
        import python_calamine
    except ImportError:
        python_calamine = None

    def with_xlrd() -> None:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
        for s in book.sheets():
            [[s.cell_value(r, c) for c in range(s.ncols)] for r in range(s.nrows)]
            s.merged_cells  # noqa: B018

    def with_calamine() -> None:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in book.sheet_names:
            s = book.get_sheet_by_name(name)
            s.to_python()
            s.merged_cell_ranges  # noqa: B018

    from jixiao.indicators.importing.readers import read_grids

    a = best(with_xlrd, passes)
    ours = best(lambda: read_grids(folder / "forms.xls"), passes)
    print(f"\n.xls（两张表，{len(data)} 字节）：")
    print(f"  xlrd formatting_info=True   {a * 1000:8.2f} ms（有数字格式：执行率显示为 100%）")
    if python_calamine is not None:
        b = best(with_calamine, passes)
        sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("部门").to_python()
        rate = next(row[6] for row in sheet if len(row) > 6 and row[1] == "合计")
        print(f"  python-calamine             {b * 1000:8.2f} ms（无数字格式：执行率读出为 {rate!r}）")
    print(f"  read_grids（xlrd）          {ours * 1000:8.2f} ms")


def review(folder: Path, n: int, jobs: int) -> None:
    import openpyxl

    from tests.import_fixtures import DEPT, PROJECT, Spec, department, mof_project, write_book

    subs = folder / "submissions"
    subs.mkdir()
    for i in range(n):
        base = DEPT if i % 2 else PROJECT
        spec = Spec(**{**base.__dict__, "unit": f"测试单位{i:05d}", "project": f"项目{i:05d}" if base.project else ""})
        layout = department if i % 2 else mof_project
        write_book(subs / f"{i:05d}.xlsx", [("自评表", [(layout, spec)])])
    files = sorted(subs.iterdir())
    t, c = time.perf_counter(), time.process_time()
    for f in files:
        openpyxl.load_workbook(io.BytesIO(f.read_bytes()), data_only=True)
    bare, bare_cpu = time.perf_counter() - t, time.process_time() - c
    cmd = [sys.executable, "-m", "jixiao.tui.cli", "review", str(subs), "--format", "json"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    with open(folder / "out.json", "w") as out:
        done = subprocess.run(cmd, cwd=ROOT, stdout=out, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)  # the command and its workers
    if done.returncode not in (0, 1):
        print(done.stderr)
        raise SystemExit("review failed")
    cores = jobs or os.cpu_count() or 1
    print(f"\njixiao review：{n} 份 xlsx，{cores} 个进程：")
    print(f"  openpyxl.load_workbook（单进程）   {n / bare:8.1f} 份/秒   CPU {bare_cpu / n * 1000:.1f} ms/份")
    print(f"  jixiao review（导入+评分+复核）    {n / wall:8.1f} 份/秒   CPU {cpu / n * 1000:.1f} ms/份（含启动）   "
          f"{(n / wall) / (n / bare):.2f}× 裸加载")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1000, help="review 的份数（默认 1000）")
    ap.add_argument("--jobs", type=int, default=0, help="review 的进程数（默认 CPU 核数）")
    ap.add_argument("--passes", type=int, default=20, help="单份测量的次数（取最快）")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        one_page(folder, args.passes)
        xls_readers(folder, args.passes)
        if args.n:
            review(folder, args.n, args.jobs)


if __name__ == "__main__":
    main()
