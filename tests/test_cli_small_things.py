"""Small things that each cost a clerk minutes: `jixiao rules` alone, --kind 项目/部门, GBK files,
--help aligned by display width, shell completion."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jixiao.tui.cli import build_parser, main
from jixiao.tui.textable import cell_width

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------ rules, --kind


def test_rules_alone_lists_the_rule_sets(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "rules")
    assert code == 0 and "central-2020" in out and "缺少" not in err
    assert run(capsys, "rules", "list")[1] == out


@pytest.mark.parametrize(("word", "kind"), [("项目", "project"), ("项目支出", "project"), ("部门", "department"),
                                            ("部门整体支出", "department"), ("project", "project")])
def test_kind_in_chinese(word: str, kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.toml"
    assert run(capsys, "new", "--kind", word, "-o", str(out))[0] == 0
    assert f'kind = "{kind}"' in out.read_text(encoding="utf-8")
    assert build_parser().parse_args(["edit", "--new", "--kind", word, "y.toml"]).kind == kind


def test_a_wrong_kind_is_refused_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["new", "--kind", "部", "-o", str(tmp_path / "x.toml")])
    assert exc.value.code == 2
    assert "是否想输入 “部门”" in capsys.readouterr().err


# ------------------------------------------------------------------ GBK / GB18030


def test_a_gbk_form_is_read_with_a_notice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode("gbk"))
    code, out, err = run(capsys, "score", str(path))
    utf8 = run(capsys, "score", str(SEED))
    assert code == utf8[0] == 1  # the seed has its score-mismatch: read the same
    assert out.replace(str(path), "X") .splitlines()[-3:] == utf8[1].replace(str(SEED), "X").splitlines()[-3:]
    assert err.count("GBK/GB18030") == 1 and "UTF-8" in err


def test_a_gbk_csv_is_imported_with_a_notice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from jixiao.indicators.importing.readers.csv import read_csv

    data = "三级指标,年度指标值,实际完成值\n参保人满意度,≥95%,96%\n".encode("gbk")
    with pytest.warns(UserWarning, match="GBK/GB18030"):
        grids = read_csv("x.csv", data)
    assert "参保人满意度" in str(grids)


def test_the_editor_says_it_saves_a_gbk_form_as_utf8(tmp_path: Path) -> None:
    import asyncio

    from jixiao.indicators.document import FormDocument
    from jixiao.tui.app import JixiaoApp

    path = tmp_path / "gbk.toml"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode("gbk"))
    doc = FormDocument.open(path)
    assert doc.editable and doc.encoding == "GB18030"
    app = JixiaoApp(doc, cursor_blink=False)

    async def body() -> list[str]:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            first = [str(n.message) for n in app._notifications]
            await pilot.press("ctrl+s")
            await pilot.pause()
            return first + [str(n.message) for n in app._notifications]

    messages = asyncio.run(body())
    assert "GBK/GB18030" in messages[0] and "UTF-8" in messages[0]
    assert "改为 UTF-8" in messages[-1]
    assert path.read_text(encoding="utf-8") == SEED.read_text(encoding="utf-8")  # UTF-8 now, the same form


# ------------------------------------------------------------------ --help


def help_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    return capsys.readouterr().out


@pytest.mark.parametrize("command", [[], ["score"], ["import"], ["review"], ["edit"], ["new"]])
def test_help_is_aligned_by_display_width(command: list[str], capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    text = help_of(capsys, *command)
    lines = text.splitlines()
    assert max(cell_width(line) for line in lines) <= 80, [line for line in lines if cell_width(line) > 80]
    # every help text that starts on its option's line starts at the same display column
    starts = set()
    for line in lines:
        m = re.match(r"^(  +\S.*?\S?)  +(\S.*)$", line)
        if m and line.startswith("  ") and not line.startswith("   " * 4):
            starts.add(cell_width(line[: m.start(2)]))
    continuation = {cell_width(line) - cell_width(line.lstrip()) for line in lines if line.startswith(" " * 12)}
    assert len(starts | continuation) <= 2, (starts, continuation, text)


def test_cli_uses_no_private_argparse_action_list() -> None:
    source = (ROOT / "tui" / "cli.py").read_text(encoding="utf-8")
    assert "._actions" not in source and "._subparsers" not in source


# ------------------------------------------------------------------ completion


def test_completion_scripts(capsys: pytest.CaptureFixture[str]) -> None:
    code, bash, _ = run(capsys, "completion", "bash")
    assert code == 0 and "_shtab_jixiao" in bash and "complete" in bash
    code, zsh, _ = run(capsys, "completion", "zsh")
    assert code == 0 and zsh.startswith("#compdef jixiao")
    for command in ("score", "review", "import", "completion"):
        assert command in bash and command in zsh


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_and_options(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    script = tmp_path / "jixiao.bash"
    script.write_text(run(capsys, "completion", "bash")[1], encoding="utf-8")

    def complete(*words: str) -> set[str]:
        line = " ".join(words)
        probe = (f"source {script}; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; "
                 f"COMP_LINE='{line}'; COMP_POINT={len(line)}; _shtab_jixiao; printf '%s\\n' \"${{COMPREPLY[@]}}\"")
        done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True)
        return set(done.stdout.split())

    assert complete("jixiao", "sc") == {"score"}
    assert "review" in complete("jixiao", "re")
    assert complete("jixiao", "score", "--for") == {"--format"}
    assert complete("jixiao", "completion", "") == {"bash", "zsh"}


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_script_parses(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    script = tmp_path / "_jixiao"
    script.write_text(run(capsys, "completion", "zsh")[1], encoding="utf-8")
    subprocess.run(["zsh", "-n", str(script)], check=True)


def test_completion_command_runs_as_a_program() -> None:
    done = subprocess.run([sys.executable, "-m", "jixiao.tui.cli", "completion", "bash"], capture_output=True, text=True)
    assert done.returncode == 0 and "_shtab_jixiao" in done.stdout
