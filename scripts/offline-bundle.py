#!/usr/bin/env python3
"""离线安装包：把 jixiao 及其全部依赖的 wheel 放进一个文件夹，拷到不能上网的电脑上安装。

Fill a folder with the wheels of jixiao and everything it needs, for an
offline install (a government intranet PC):

    python scripts/offline-bundle.py jixiao-wheels
    python scripts/offline-bundle.py jixiao-wheels-win --platform win_amd64 --python-version 3.11

then, on the offline machine (the same Python version and platform):

    pip install --no-index --find-links jixiao-wheels jixiao

Without --platform / --python-version the wheels are for this machine's
Python (``pip wheel``: a dependency published only as source is built here).
With them, ``pip download --only-binary=:all:`` fetches the target's wheels
(every dependency of jixiao publishes wheels for Windows, macOS and Linux).
jixiao itself is pure Python: one wheel serves every platform.

Standard library only; runs on Windows as on Linux (``python`` instead of
``python3`` there).  Exit status 0 when the folder is complete, 2 otherwise.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = "安装说明.txt"


def pip(*args: str) -> list[str]:
    return [sys.executable, "-m", "pip", *args]


def run(command: list[str], env: dict[str, str] | None = None) -> None:
    print("$ " + " ".join(command), flush=True)
    subprocess.run(command, check=True, env=env)


def check(folder: Path, platform: str | None, python_version: str | None) -> None:
    """Resolve an install of jixiao from ``folder`` alone, for the target, without installing anything
    (``pip install --dry-run --no-index``; pip's own configuration is left out, so that no other
    folder of wheels helps)."""
    with tempfile.TemporaryDirectory() as tmp:
        command = pip("install", "--dry-run", "--ignore-installed", "--no-index", "--find-links", str(folder))
        if platform or python_version:
            command += ["--only-binary=:all:", "--target", tmp]
            command += ["--platform", platform] if platform else []
            command += ["--python-version", python_version] if python_version else []
        run(command + ["jixiao"], env={**os.environ, "PIP_CONFIG_FILE": os.devnull})


def build_jixiao_wheel(source: Path, folder: Path) -> Path:
    """jixiao's own wheel (no dependencies), built from ``source`` into ``folder``."""
    with tempfile.TemporaryDirectory() as tmp:
        run(pip("wheel", "--no-deps", "-w", tmp, str(source)))
        [wheel] = Path(tmp).glob("jixiao-*.whl")
        target = folder / wheel.name
        target.write_bytes(wheel.read_bytes())
    return target


def fill(folder: Path, source: Path, platform: str | None, python_version: str | None, extras: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    wheel = build_jixiao_wheel(source, folder)
    requirement = str(wheel) if not extras else f"jixiao{extras} @ {wheel.resolve().as_uri()}"
    if platform or python_version:
        command = pip("download", "--only-binary=:all:", "-d", str(folder))
        if platform:
            command += ["--platform", platform]
        if python_version:
            command += ["--python-version", python_version]
        run(command + [requirement])
    else:
        run(pip("wheel", "-w", str(folder), requirement))
    return wheel


def instructions(folder: Path, platform: str | None, python_version: str | None) -> str:
    target = []
    if python_version:
        target.append(f"Python {python_version}")
    if platform:
        target.append(platform)
    where = "、".join(target) or f"与本机相同的 Python {sys.version_info.major}.{sys.version_info.minor} 和操作系统"
    return (
        f"jixiao 离线安装包（{where}）\n"
        "\n"
        "把整个文件夹拷到要安装的电脑上，在该文件夹的上一级打开命令行，运行：\n"
        "\n"
        f"    pip install --no-index --find-links {folder.name} jixiao\n"
        "\n"
        "（Windows 上如提示找不到 pip，用 py -m pip install --no-index --find-links "
        f"{folder.name} jixiao。）\n"
        "装好后运行 jixiao demo 检查：应打印示例自评表的评分。\n"
        "最好先建一个虚拟环境：python -m venv jixiao-env，再用其中的 pip 安装。\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="offline-bundle.py",
        description="把 jixiao 及其全部依赖的 wheel 放进一个文件夹，供不能上网的电脑离线安装。",
    )
    parser.add_argument("folder", nargs="?", default="jixiao-wheels", help="放 wheel 的文件夹（默认 jixiao-wheels）")
    parser.add_argument("--platform", help="目标平台，如 win_amd64、manylinux2014_x86_64、macosx_11_0_arm64")
    parser.add_argument("--python-version", help="目标 Python 版本，如 3.11（默认与本机相同）")
    parser.add_argument("--source", default=str(ROOT), help="jixiao 的源码目录（默认本仓库）")
    parser.add_argument("--extras", default="", help="同时打包的可选依赖，如 [test]")
    parser.add_argument("--check", action="store_true", help="打包后检查：只用该文件夹能否解析出完整的安装（不真正安装）")
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    try:
        fill(folder, Path(args.source), args.platform, args.python_version, args.extras)
    except subprocess.CalledProcessError as exc:
        print(f"打包失败（pip 退出状态 {exc.returncode}）。请检查网络或 pip 的输出。", file=sys.stderr)
        return 2
    if args.check:
        try:
            check(folder, args.platform, args.python_version)
        except subprocess.CalledProcessError:
            print(f"检查未通过：只用 {folder} 无法装全 jixiao 的依赖（见上面 pip 的输出）。", file=sys.stderr)
            return 2
        print("检查通过：只用该文件夹即可装全 jixiao 及其依赖。")
    text = instructions(folder, args.platform, args.python_version)
    (folder / README).write_text(text, encoding="utf-8")
    wheels = sorted(p.name for p in folder.glob("*.whl"))
    print(f"\n已把 {len(wheels)} 个 wheel 放入 {folder}（说明见其中的 {README}）。\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
