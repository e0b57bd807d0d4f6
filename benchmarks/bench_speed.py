"""Issue 14's table in one run: each place where users wait, as a ratio against its floor.

| row | what | floor | goal |
|---|---|---|---|
| 1 | ``jixiao review DIR --out X.xlsx`` | a bare single-process ``tomli`` parse of the same files | ≥ 0.35× |
| 2 | ``jixiao review --format json`` / ``--out X.json`` | the same bare parse | ≥ 0.6× |
| 3 | ``jixiao score FORM --format json``, cold | ``python -c "import tomli; from pydantic import BaseModel; tomli.load(f)"`` | ≤ 1.25× |
| 4 | ``jixiao pdf DIR``, 1,000 forms | forms per second (LibreOffice printing the same form from Excel: 20/s) | ≥ 100/s |
| 5 | ``jixiao review DIR --out X.csv`` (the terminal table printed too) | the same bare parse | ≥ 0.7× (issue 17) |
| 6 | ``score_form`` of the seed, in one process | microseconds of CPU, best of seven rounds | ≤ 45 µs (issue 17) |

Issue 17's own bars for rows 1–3 are lower: ≥ 0.25× (xlsx), ≥ 0.5× (JSON), ≤ 1.5× (cold); the goal
column shows both.

Rows 3 and 6 are measured here; rows 1, 2, 4 and 5 by ``benchmarks/bench_review.py`` and
``benchmarks/bench_pdf.py``, run as commands: their lines are forwarded and
their ratios picked out for the summary at the end.

Row 3 runs each command 15 times, interleaved with the floor, and reports
the best wall time and the best CPU time (user + system of the child: less
sensitive than wall time to the other load of a shared machine). Our modules
run from bytecode, as an installed copy's do (a temporary
``PYTHONPYCACHEPREFIX``, warmed once).

    python benchmarks/bench_speed.py                     # 2,000 review forms, 1,000 PDFs
    python benchmarks/bench_speed.py -n 10000 --pdf-batch 1000
    python benchmarks/bench_speed.py --only cold
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"


def _child_cpu(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def cold_start(runs: int = 15) -> dict[str, float]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as cache:
        env["PYTHONPYCACHEPREFIX"] = cache
        floor = [sys.executable, "-c", f"import tomli; from pydantic import BaseModel; tomli.load(open({str(SEED)!r}, 'rb'))"]
        score = [sys.executable, "-m", "jixiao.tui.cli", "score", str(SEED), "--format", "json"]
        for cmd in (floor, score):  # warm: bytecode written, files in the page cache
            _child_cpu(cmd, env)
        f_wall, f_cpu, s_wall, s_cpu = [], [], [], []
        for _ in range(runs):
            w, c = _child_cpu(floor, env)
            f_wall.append(w)
            f_cpu.append(c)
            w, c = _child_cpu(score, env)
            s_wall.append(w)
            s_cpu.append(c)
    return {"floor_wall": min(f_wall), "floor_cpu": min(f_cpu), "score_wall": min(s_wall), "score_cpu": min(s_cpu)}


def seed_score(rounds: int = 7, n: int = 2000) -> float:
    """CPU microseconds of one ``score_form`` of the seed (already loaded), best of ``rounds``."""
    from jixiao.indicators.loader import load_form
    from jixiao.scoring.engine import score_form
    from jixiao.scoring.rules import load_rules

    form = load_form(SEED)
    rules = load_rules(form.rules)
    for _ in range(200):  # warm: caches of parsed values, patterns
        score_form(form, rules)
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(n):
            score_form(form, rules)
        best = min(best, (time.process_time() - start) / n)
    return best * 1e6


def forward(cmd: list[str], prefix: str) -> list[str]:
    """Run a benchmark script, print its lines as they come, return them."""
    lines = []
    with subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip("\n")
            lines.append(line)
            print(f"{prefix} {line}", flush=True)
    return lines


def _ratio_of(lines: list[str], marker: str) -> str:
    """The wall-time ratio bench_review prints for one output, and the same from CPU time per form.

    The CPU figure (tomli's CPU per form ÷ the review's, all processes, times
    the cores) is what idle cores would give: an estimate, less disturbed by
    the other load of a shared machine than the wall time.
    """
    tomli_ms = next((float(m.group(1)) for line in lines if (m := re.search(r"tomli.*?每份 ([\d.]+) ms", line))), None)
    for line in lines:
        if marker in line:
            m = re.search(r"与 tomli 之比\s*([\d.]+)", line)
            cpu = re.search(r"CPU 时间 [\d.]+ 秒（每份 ([\d.]+) ms）", line)
            if m:
                shown = m.group(1)
                if cpu and tomli_ms:
                    shown += f" (by CPU time, {os.cpu_count()} idle cores: {tomli_ms / float(cpu.group(1)) * (os.cpu_count() or 1):.2f})"
                return shown
    return "—"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=2000, help="forms for the review rows (default 2000)")
    ap.add_argument("--pdf-batch", type=int, default=1000, help="forms for the pdf row (default 1000)")
    ap.add_argument("--only", choices=["review", "cold", "pdf", "seed"], action="append", help="run only these rows")
    args = ap.parse_args()
    only = set(args.only or ["review", "cold", "pdf", "seed"])
    print(f"CPU 核数 {os.cpu_count()}，负载（1 分钟平均）{os.getloadavg()[0]:.2f}")
    summary: list[tuple[str, str, str]] = []

    if "review" in only:
        lines = forward([sys.executable, "benchmarks/bench_review.py", "-n", str(args.n), "--outputs", "xlsx,json,stdout,csv"],
                        "[review]")
        summary.append(("1 review --out X.xlsx ÷ bare tomli parse", _ratio_of(lines, "--out .xlsx"), "≥ 0.35 (17: 0.25)"))
        summary.append(("2 review --out X.json ÷ bare tomli parse", _ratio_of(lines, "--out .json"), "≥ 0.6 (17: 0.5)"))
        summary.append(("2 review --format json ÷ bare tomli parse", _ratio_of(lines, "--format json"), "≥ 0.6 (17: 0.5)"))
        summary.append(("5 review --out X.csv + table ÷ bare tomli parse", _ratio_of(lines, "--out .csv"), "≥ 0.7"))

    if "cold" in only:
        c = cold_start()
        print(f"[cold] 下限（tomli + pydantic 导入并解析）：墙钟 {c['floor_wall'] * 1000:.0f} ms，CPU {c['floor_cpu'] * 1000:.0f} ms")
        print(f"[cold] jixiao score SEED --format json   ：墙钟 {c['score_wall'] * 1000:.0f} ms，CPU {c['score_cpu'] * 1000:.0f} ms")
        summary.append(("3 score --format json, cold ÷ floor (CPU)", f"{c['score_cpu'] / c['floor_cpu']:.2f}", "≤ 1.25 (17: 1.5)"))
        summary.append(("3 score --format json, cold ÷ floor (wall)", f"{c['score_wall'] / c['floor_wall']:.2f}", "≤ 1.25 (17: 1.5)"))

    if "seed" in only:
        us = seed_score()
        print(f"[seed] score_form(种子表)：CPU {us:.1f} µs（七轮各 2,000 次，取最好）")
        summary.append(("6 score_form of the seed (CPU)", f"{us:.1f} µs", "≤ 45 µs"))

    if "pdf" in only and args.pdf_batch:
        lines = forward([sys.executable, "benchmarks/bench_pdf.py", "--forms", "20", "--batch", str(args.pdf_batch)], "[pdf]")
        rate = "—"
        for line in lines:
            m = re.search(r"并行打印.*?([\d.]+) 份/秒", line)
            if m:
                rate = m.group(1)
        shown = f"{rate} forms/s" + (f" = {float(rate) / 100:.2f}× the goal, {float(rate) / 20:.1f}× LibreOffice" if rate != "—" else "")
        summary.append((f"4 pdf DIR, {args.pdf_batch} forms", shown, "≥ 100 forms/s"))

    print()
    print("| row | measured | goal |")
    print("|---|---|---|")
    for what, value, goal in summary:
        print(f"| {what} | {value} | {goal} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
