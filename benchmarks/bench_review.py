"""Benchmark ``jixiao review`` end to end against a bare ``tomli`` parse.

Generates N seed-sized forms (``indicators/examples/seed-2021.toml`` with
varied unit names, actual values, claimed scores and funds; one in ten with
a review file beside it; one in a thousand broken) into a temporary folder,
then measures:

- ``tomli``: a bare ``tomli.load`` of every form file, in one process (the
  reference: what reading the files costs at the very least; CPU time of
  the best of three passes);
- ``jixiao review DIR --out X`` run as a real command (``python -m jixiao.tui.cli``),
  once per output kind (``.json``, ``.csv``, ``.xlsx``: the terminal table is
  printed too, to /dev/null), and ``jixiao review DIR --format json`` with
  standard output sent to a file (``stdout``: no table is kept); wall time
  from start to exit, including start-up, discovery, scoring in parallel
  and writing the output (our modules run from bytecode, as an installed
  copy's do: see :func:`command_env`);

and prints forms per second, the CPU time per form (user + system, all
processes: less sensitive than wall time to other load on the machine), the ratio review ÷ tomli (forms per second;
≥ 1.0 means the whole batch review keeps up with merely parsing the files in
one process), the peak total RSS of the command's process tree (parent + workers) and
the peak RSS of its largest process, both sampled from /proc every 20 ms.

    python benchmarks/bench_review.py            # 10,000 forms
    python benchmarks/bench_review.py -n 2000 --jobs 2 --outputs json
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"


def make_form(seed_text: str, i: int, rng: random.Random) -> str:
    """A seed-sized form with varied values."""
    text = seed_text.replace('name = "株洲市社会保险服务中心"', f'name = "测试单位{i:05d}"')
    annual = Decimal(rng.randint(50_000, 500_000)) / 100
    executed = (annual * Decimal(rng.randint(70, 100)) / 100).quantize(Decimal("0.01"))
    text = re.sub(r"annual = 1387.53", f"annual = {annual}", text)
    text = re.sub(r"executed = 1387.53", f"executed = {executed}", text)
    text = re.sub(r"initial = 1366.77", f"initial = {annual}", text)
    # quantities: actual a little below or above the target
    text = text.replace('actual = "32.66万人"', f'actual = "{rng.randint(2900, 3400) / 100}万人"')
    text = text.replace('actual = "4.63万人"', f'actual = "{rng.randint(400, 480) / 100}万人"')
    text = text.replace('actual = "大于95%"', f'actual = "{rng.randint(90, 100)}%"')
    # claimed scores: mostly full, sometimes marked down
    if rng.random() < 0.3:
        text = text.replace("claimed = 9.5", f"claimed = {rng.choice(['8', '9', '9.5', '10'])}")
    if rng.random() < 0.2:
        text = text.replace('total = 99.50', f"total = {rng.choice(['95', '98.5', '100'])}")
    return text


def make_review(i: int, rng: random.Random) -> str:
    out = ['reviewer = "某市财政局绩效科"', "date = 2022-08-01"]
    for name in rng.sample(["参保人满意度", "企业职工退休金", "funds", "全市机关养老保险离退休人数"], 2):
        out += ["[[adjustments]]", f'indicator = "{name}"', f"deduct = {rng.choice(['0.5', '1', '2'])}"]
        if rng.random() < 0.9:
            out.append('reason = "佐证材料不足，按复核口径扣分"')
    return "\n".join(out) + "\n"


def generate(folder: Path, n: int) -> list[Path]:
    rng = random.Random(20261128)
    seed_text = SEED.read_text(encoding="utf-8")
    files = []
    for i in range(n):
        sub = folder / f"批次{i // 1000:02d}"
        sub.mkdir(exist_ok=True)
        path = sub / f"form-{i:05d}.toml"
        if i % 1000 == 999:
            path.write_text('format = 1\nkind = "department"\n[unit\nname = "坏文件"\n', encoding="utf-8")
        else:
            path.write_text(make_form(seed_text, i, rng), encoding="utf-8")
        if i % 10 == 0:
            (sub / f"form-{i:05d}.review.toml").write_text(make_review(i, rng), encoding="utf-8")
        files.append(path)
    return files


def bare_tomli(files: list[Path]) -> float:
    start = time.process_time()
    for f in files:
        with open(f, "rb") as fh:
            try:
                tomli.load(fh)
            except tomli.TOMLDecodeError:
                pass
    return time.process_time() - start


def _tree_rss(root: int) -> tuple[int, int]:
    """(total, largest) RSS in bytes of ``root`` and its descendants (Linux /proc).

    Walks the tree through ``/proc/PID/task/TID/children``: a few reads per
    sample, so that the sampling takes next to nothing from the measured
    command.  Kernels without those files get a scan of every process.
    """
    if not os.path.exists(f"/proc/{root}/task/{root}/children"):
        return _tree_rss_scan(root)
    page = os.sysconf("SC_PAGE_SIZE")
    total, largest, todo = 0, 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm", "rb") as fh:
                rss = int(fh.read().split()[1]) * page
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children", "rb") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (OSError, IndexError, ValueError):  # the process has just ended
            continue
        total += rss
        largest = max(largest, rss)
    return total, largest


def _tree_rss_scan(root: int) -> tuple[int, int]:
    """:func:`_tree_rss` by reading every process's parent from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{entry}/statm", "rb") as fh:
                rss[int(entry)] = int(fh.read().split()[1]) * page
            parents[int(entry)] = int(stat[1])
        except (OSError, IndexError, ValueError):
            continue
    total, largest, todo = 0, 0, [root]
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        largest = max(largest, rss.get(pid, 0))
        todo += children.get(pid, [])
    return total, largest


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def command_env(cache: str) -> dict[str, str]:
    """The environment of the measured command, as a user's installed copy runs.

    pip compiles ``.pyc`` files at install time; a checkout run with
    ``PYTHONDONTWRITEBYTECODE`` set (as on some CI images) would recompile our
    modules on every start.  So the command may write bytecode, into a
    temporary ``PYTHONPYCACHEPREFIX``, and it runs once on one form before timing.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def run_review(folder: Path, out: Path, jobs: int, env: dict[str, str]) -> tuple[float, int, int, int, float]:
    """(seconds, exit status, peak tree RSS, peak single-process RSS, CPU seconds) of the real command."""
    cmd = [sys.executable, "-m", "jixiao.tui.cli", "review", str(folder)]
    stdout: Any = subprocess.DEVNULL
    if out.suffix == ".stdout":  # JSON streamed to standard output: no table is kept
        cmd += ["--format", "json"]
        stdout = open(out, "wb")
    else:
        cmd += ["--out", str(out)]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    cpu_before = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=stdout, stderr=subprocess.PIPE)
    peak = single = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, single
        while not done.is_set():
            total, largest = _tree_rss(proc.pid)
            peak, single = max(peak, total), max(single, largest)
            done.wait(0.02)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    t.join()
    if stdout is not subprocess.DEVNULL:
        stdout.close()
    if proc.returncode not in (0, 1):
        sys.stderr.write(err.decode("utf-8", "replace"))
    return seconds, proc.returncode, peak, single, _children_cpu() - cpu_before


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=10_000, help="number of forms (default 10000)")
    ap.add_argument("--jobs", type=int, default=0, help="worker processes (default: all cores)")
    ap.add_argument(
        "--outputs",
        default="json,stdout,csv,xlsx",
        help="what to measure, comma separated: json, csv, xlsx (--out FILE, terminal table too), stdout (--format json)",
    )
    ap.add_argument("--keep", help="generate into this folder and keep it")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp) / "forms"
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        files = generate(folder, args.n)
        print(f"生成 {len(files)} 份表单（{sum(1 for _ in folder.rglob('*.review.toml'))} 份带复核文件）："
              f"{time.perf_counter() - t0:.1f} 秒，CPU 核数 {os.cpu_count()}")
        bare_tomli(files[:200])  # warm the page cache
        tomli_s = min(bare_tomli(files) for _ in range(3))
        tomli_rate = len(files) / tomli_s
        print(f"tomli 单进程解析：CPU {tomli_s:.2f} 秒（每份 {tomli_s / len(files) * 1000:.3f} ms），{tomli_rate:,.0f} 份/秒")
        print(f"负载（1 分钟平均）：{os.getloadavg()[0]:.2f}；其他进程占用 CPU 时，墙钟时间会偏长，CPU 时间不受影响")
        env = command_env(str(Path(tmp) / "pycache"))
        subprocess.run([sys.executable, "-m", "jixiao.tui.cli", "review", str(SEED), "--out", str(Path(tmp) / "warm.xlsx")],
                       cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        ratios = []
        for kind in [k.strip() for k in args.outputs.split(",") if k.strip()]:
            out = Path(tmp) / f"result.{kind}"
            seconds, status, tree, single, cpu = run_review(folder, out, args.jobs, env)
            rate = len(files) / seconds
            how = "--format json > 文件" if kind == "stdout" else f"--out .{kind}"
            print(
                f"jixiao review {how}：{seconds:.2f} 秒，{rate:,.0f} 份/秒，"
                f"与 tomli 之比 {rate / tomli_rate:.2f}，"
                f"内存峰值（进程树合计）{tree / 2**20:.0f} MB，（单个进程最大）{single / 2**20:.0f} MB，"
                f"CPU 时间 {cpu:.2f} 秒（每份 {cpu / len(files) * 1000:.2f} ms），"
                f"退出状态 {status}，输出 {out.stat().st_size / 2**20:.1f} MB"
            )
            ratios.append((kind, rate / tomli_rate, tree))
        # issue 14's table, one stable line per row (read by other scripts): name, ratio, floor, goal
        goals = {"xlsx": "0.35", "json": "0.6", "stdout": "0.6", "csv": "0.7"}
        for kind, ratio, tree in ratios:
            print(f"RATIO review-{kind} {ratio:.3f} floor=tomli goal>={goals.get(kind, '-')} rss_mb={tree / 2**20:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
