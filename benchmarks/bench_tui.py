"""How fast ``jixiao edit`` answers: one edit on a 60-indicator form, and start-up.

    python benchmarks/bench_tui.py [--rounds N]

Prints, for a generated 60-indicator form:

* one bare ``score_form`` of the form (the unit of the ratios below);
* one keystroke in the cell editor: the edit is previewed (the document copied
  along the edited path, validated and re-scored) and the preview line built;
* one edit as the app applies it (``apply_text``: the document edit,
  validation, ``score_form`` and refreshing every widget), as a ratio to one
  bare ``score_form``;
* one keystroke, Enter in the cell editor, until the screen is idle again
  (Textual's Pilot in a headless 120x40 terminal), same ratio; and, for
  comparison, a key that only moves the cursor (most of Pilot's time is its
  own waiting for the screen to settle);
* launch to first screen: a fresh ``python`` process that imports the app,
  opens the form and exits as soon as the first screen is composed and shown;
  as a ratio to a bare Textual app with the same widgets (and 60 plain rows),
  started the same way.

Numbers only; no assertion.  Run from the checkout (or with the package installed).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jixiao.indicators.document import FormDocument  # noqa: E402
from jixiao.scoring.engine import score_form  # noqa: E402
from jixiao.scoring.rules import load_rules  # noqa: E402

HEADER = """# 基准测试用：60 个指标的部门整体支出绩效自评表（自动生成）
format = 1
kind = "department"
year = 2024
rules = "central-2020"

[unit]
name = "基准测试单位"

[categories]
"产出指标" = 50
"效益指标" = 30
"满意度指标" = 10

[funds]                 # 万元
weight = 10
claimed = 10
note = ""

[funds.total]
initial = 1366.77
annual = 1387.53
executed = 1300.20

[funds.appropriation]
initial = 1366.77
annual = 1387.53
executed = 1300.20

[goal]
expected = "完成年度目标"
achieved = "基本完成"
"""

ROWS = [
    # (category, subcategory, target, actual, tier)
    ("产出指标", "数量指标", "≥{n}万人", "{m}万人", ""),
    ("产出指标", "质量指标", "≥95%", "93.5%", ""),
    ("产出指标", "时效指标", "9月前", "8月", ""),
    ("产出指标", "成本指标", "≤{n}万元", "{m}万元", ""),
    ("产出指标", "数量指标", "{n}个", "{m}个", ""),
]


def make_form(path: Path) -> None:
    """25 output rows × 2, 25 effect rows × 1.2, 10 satisfaction rows × 1: 60 rows, weights sum to 100."""
    parts = [HEADER]
    for i in range(25):
        cat, sub, target, actual, _ = ROWS[i % len(ROWS)]
        n, m = 10 + i, 9 + i
        parts.append(
            f'\n[[indicators]]\ncategory = "{cat}"\nsubcategory = "{sub}"\nname = "产出指标{i + 1}"\n'
            f'target = "{target.format(n=n, m=m)}"\nactual = "{actual.format(n=n, m=m)}"\nweight = 2\nnote = "说明{i + 1}"\n'
        )
    for i in range(25):
        if i % 2:
            parts.append(
                f'\n[[indicators]]\ncategory = "效益指标"\nsubcategory = "社会效益指标"\nname = "效益指标{i + 1}"\n'
                f'target = "保障老有所养"\nactual = "已保障"\nweight = 1.2\ntier = "达成"\nclaimed = 1.2\n'
            )
        else:
            parts.append(
                f'\n[[indicators]]\ncategory = "效益指标"\nsubcategory = "经济效益指标"\nname = "效益指标{i + 1}"\n'
                f'target = "≥{80 + i}%"\nactual = "{85 + i}%"\nweight = 1.2\nclaimed = 1.2\n'
            )
    for i in range(10):
        parts.append(
            f'\n[[indicators]]\ncategory = "满意度指标"\nsubcategory = "服务对象满意度指标"\nname = "满意度{i + 1}"\n'
            f'target = "≥90%"\nactual = "{91 + i}%"\nweight = 1\nclaimed = 1\n'
        )
    path.write_text("".join(parts), encoding="utf-8")


def per_call(fn, rounds: int) -> float:  # type: ignore[no-untyped-def]
    """Median seconds per call over ``rounds`` batches."""
    times = []
    for _ in range(rounds):
        n = 20
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        times.append((time.perf_counter() - t0) / n)
    return statistics.median(times)


def bench_in_app(path: Path, rounds: int) -> tuple[float, float, float, float]:
    from jixiao.tui.app import JixiaoApp
    from jixiao.tui.components.indicator_table import IndicatorTable
    from textual.widgets import Input

    app = JixiaoApp(FormDocument.open(path), cursor_blink=False)
    handler: list[float] = []
    keystroke: list[float] = []
    navigation: list[float] = []
    typing: list[float] = []

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            table = app.query_one(IndicatorTable)
            for i in range(rounds):  # a keystroke in the cell editor: preview re-score + message
                t0 = time.perf_counter()
                text = app.preview_text(("indicators", 1, "actual"), f"{80 + i % 9}%")
                typing.append(time.perf_counter() - t0)
                assert "总分" in str(text)
            for i in range(rounds):
                value = f"{90 + i % 9}%"
                t0 = time.perf_counter()
                app.apply_text(("indicators", 1, "actual"), value)
                handler.append(time.perf_counter() - t0)
                await pilot.pause()
            table.focus()
            for i in range(rounds):  # Pilot's own cost: a key that moves the cursor and edits nothing
                t0 = time.perf_counter()
                await pilot.press("down" if i % 2 == 0 else "up")
                await pilot.pause()
                navigation.append(time.perf_counter() - t0)
            for i in range(rounds):
                table.focus()
                table.move_cursor(row=1, column=table.column_index("actual"))
                await pilot.press("enter")
                await pilot.pause()
                app.screen.query_one(Input).value = f"{80 + i % 9}.5%"
                t0 = time.perf_counter()
                await pilot.press("enter")  # the keystroke that commits the edit
                await pilot.pause()
                keystroke.append(time.perf_counter() - t0)
                assert app.result is not None and app.result.indicators[1].actual == f"{80 + i % 9}.5%"

    asyncio.run(main())
    return (
        statistics.median(typing),
        statistics.median(handler),
        statistics.median(keystroke),
        statistics.median(navigation),
    )


LAUNCH = """
import asyncio, sys, time
sys.path.insert(0, {root!r})
from jixiao.indicators.document import FormDocument
from jixiao.tui.app import JixiaoApp
async def main():
    app = JixiaoApp(FormDocument.open({path!r}), cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
asyncio.run(main())
"""


# The baseline for start-up: a Textual app with the same widgets (header, four pages
# with their tables, detail, findings list, summary, footer) and 60 plain rows, no jixiao.
BARE_TEXTUAL = """
import asyncio
from textual.app import App
from textual.widgets import DataTable, Footer, OptionList, Static, TabbedContent, TabPane
class Bare(App):
    def compose(self):
        yield Static("header")
        with TabbedContent():
            with TabPane("指标"):
                yield DataTable()
            with TabPane("资金"):
                yield DataTable()
                yield DataTable()
            with TabPane("总体目标"):
                yield DataTable()
            with TabPane("基本信息"):
                yield DataTable()
        yield Static("detail")
        yield OptionList(*[f"发现项 {{i}}" for i in range(10)])
        yield Static("summary")
        yield Footer()
    def on_mount(self):
        table = self.query(DataTable).first()
        table.add_columns(*[f"列{{i}}" for i in range(11)])
        for r in range({rows}):
            table.add_row(*[f"{{r}}-{{c}}" for c in range(11)])
async def main():
    async with Bare().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
asyncio.run(main())
"""


def bench_launch(path: Path, rounds: int) -> tuple[float, float, float]:
    """Median seconds: jixiao edit's first screen, the bare Textual app's (as many rows), an empty python process."""
    code = LAUNCH.format(root=str(ROOT), path=str(path))
    doc = FormDocument.open(path)
    rows = len(doc.form.indicators) if doc.form is not None else 0
    bare_app = BARE_TEXTUAL.format(rows=rows)
    times: list[float] = []
    textual: list[float] = []
    bare: list[float] = []
    cpu: dict[int, list[float]] = {id(times): [], id(textual): [], id(bare): []}
    for _ in range(rounds):
        for out, source in ((times, code), (textual, bare_app), (bare, "pass")):
            before = _children_cpu()
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", source], check=True)
            out.append(time.perf_counter() - t0)
            cpu[id(out)].append(_children_cpu() - before)
    global LAST_CPU
    LAST_CPU = tuple(statistics.median(cpu[id(x)]) for x in (times, textual, bare))  # type: ignore[assignment]
    return statistics.median(times), statistics.median(textual), statistics.median(bare)


LAST_CPU: tuple[float, float, float] = (0.0, 0.0, 0.0)  # the CPU seconds of the last bench_launch (same order)


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes: steadier than wall time on a busy machine."""
    try:
        import resource
    except ImportError:  # Windows: wall time only
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--launch-only", action="store_true", help="只测启动（与空 Textual 应用对照）")
    parser.add_argument("--form", help="启动时打开的表单（默认生成的 60 个指标的表单）；对照应用的行数与之相同")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench-60.toml"
        make_form(path)
        if args.launch_only:
            launch, textual, python = bench_launch(Path(args.form) if args.form else path, args.rounds)
            print(f"启动到第一屏：jixiao edit {launch * 1e3:.1f} ms，同样部件的空 Textual 应用 {textual * 1e3:.1f} ms，"
                  f"比值 {launch / textual:.2f}×（空 python 进程 {python * 1e3:.1f} ms）")
            own, bare_cpu, _ = LAST_CPU
            if bare_cpu:
                print(f"  CPU 时间：jixiao edit {own * 1e3:.1f} ms，空 Textual 应用 {bare_cpu * 1e3:.1f} ms，比值 {own / bare_cpu:.2f}×")
            return
        doc = FormDocument.open(path)
        assert doc.form is not None and len(doc.form.indicators) == 60, doc.problems
        rules = load_rules(doc.form.rules)
        result = score_form(doc.form, rules)
        weights = sum((r.weight for r in result.indicators), Decimal(0)) + result.funds.weight
        bare = per_call(lambda: score_form(doc.form, rules), args.rounds)  # type: ignore[arg-type]
        typing, handler, keystroke, navigation = bench_in_app(path, args.rounds)
        launch, textual, python = bench_launch(path, max(3, args.rounds // 3))
    print(f"表单：60 个指标（分值合计 {weights}），总分 {result.total}，发现项 {len(result.findings)} 条")
    print(f"score_form 一次（基准）：            {bare * 1e3:8.3f} ms   1.0×")
    print(f"编辑框内一次按键（实时复算预览）：   {typing * 1e3:8.3f} ms   {typing / bare:6.1f}×")
    print(f"一次修改：重新评分并刷新所有部件：   {handler * 1e3:8.3f} ms   {handler / bare:6.1f}×")
    print(f"一次按键（回车确认）到屏幕空闲：     {keystroke * 1e3:8.3f} ms   {keystroke / bare:6.1f}×")
    print(f"  对照：移动光标的一次按键（Pilot）：{navigation * 1e3:8.3f} ms   {navigation / bare:6.1f}×")
    print(f"启动到第一屏（新进程，无终端）：     {launch * 1e3:8.1f} ms   （空 python 进程 {python * 1e3:.1f} ms）")
    print(f"  对照：同样部件的空 Textual 应用：  {textual * 1e3:8.1f} ms   jixiao edit 为其 {launch / textual:.2f}×")


if __name__ == "__main__":
    main()
