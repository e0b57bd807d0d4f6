"""``jixiao sign PDF --key KEY.p12 -o OUT.pdf``: a PAdES signature in one of the form's signature fields.

The passphrase (or a token's PIN) comes from the environment variable
``JIXIAO_KEY_PASSPHRASE`` or a prompt on the terminal, never from an option:
a command line is visible to every user of the machine.  pyHanko is imported
when the command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ._common import EXIT_OK, EXIT_UNREADABLE
from ._paths import refuse_overwrite

__all__ = ["register", "cmd_sign", "PASSPHRASE_ENV"]

PASSPHRASE_ENV = "JIXIAO_KEY_PASSPHRASE"


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "sign",
        help="给打印出的 PDF 加电子签名（PAdES），填入签名域（默认“单位盖章”）",
        description=(
            "用 PKCS#12 密钥文件（--key）或 PKCS#11 令牌（USB key，--pkcs11）给 jixiao pdf 打印的 PDF 签名："
            "PAdES 基本签名（B-B；给出 --tsa 时加时间戳为 B-T），作为增量修订写入，先前的签名保持有效，"
            "可依次由填表人、财务负责人签名，最后加盖单位印章。密钥口令或 PIN 从环境变量 "
            f"{PASSPHRASE_ENV} 读取，没有时在终端提示输入；不接受命令行参数（命令行对本机其他用户可见）。"
            "注意：不支持国密 SM2/SM3 电子印章（GB/T 38540），只支持 RSA/ECDSA 证书。"
        ),
    )
    p.add_argument("pdf", help="要签名的 PDF（jixiao pdf 打印的报送件或复核件）")
    p.add_argument("-o", "--output", required=True, help="签名后的 PDF（不能与输入相同）")
    p.add_argument("--key", help="PKCS#12 密钥文件（.p12/.pfx）")
    p.add_argument("--pkcs11", metavar="MODULE", help="PKCS#11 模块（如 /usr/lib/softhsm/libsofthsm2.so）")
    p.add_argument("--token", help="PKCS#11 令牌标签")
    p.add_argument("--key-label", help="令牌上私钥和证书的标签")
    p.add_argument("--field", default="单位盖章", help="签名域名称（默认“单位盖章”；还有“填表人”“单位负责人”“项目负责人”“财务负责人”“复核”）")
    p.add_argument("--image", help="签名的外观图片（印章或手写签名，PNG/JPEG）")
    p.add_argument("--tsa", metavar="URL", help="RFC 3161 时间戳服务器（PAdES B-T）")
    p.set_defaults(func=cmd_sign)


def _secret(what: str) -> str | None:
    value = os.environ.get(PASSPHRASE_ENV)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        print(f"需要{what}：请设置环境变量 {PASSPHRASE_ENV}，或在终端中运行以便输入。", file=sys.stderr)
        return None
    import getpass

    try:
        return getpass.getpass(f"{what}：")
    except (EOFError, KeyboardInterrupt):
        return None


def cmd_sign(args: argparse.Namespace) -> int:
    from jixiao.indicators.atomic import atomic_write_bytes
    from jixiao.indicators.safe_files import UnsafeFile, os_error_text, read_regular_file

    src, out = Path(args.pdf), Path(args.output)
    if bool(args.key) == bool(args.pkcs11):
        print("请给出 --key 密钥文件，或 --pkcs11 模块（同时给出 --token 和 --key-label），二者选一。", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.pkcs11 and not (args.token and args.key_label):
        print("用 --pkcs11 时还须给出 --token（令牌标签）和 --key-label（密钥标签）。", file=sys.stderr)
        return EXIT_UNREADABLE
    inputs = [src] + [Path(p) for p in (args.key, args.image) if p]
    refused = refuse_overwrite(out, inputs)
    if refused:
        print(refused, file=sys.stderr)
        return EXIT_UNREADABLE
    if args.image and not Path(args.image).is_file():
        print(f"{args.image}：印章图片不存在。", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        data = read_regular_file(src, 512 * 1024 * 1024)
    except UnsafeFile as exc:
        print(f"{src}：{exc.message}", file=sys.stderr)
        return EXIT_UNREADABLE
    except OSError as exc:
        print(f"{src}：无法读取（{os_error_text(exc)}）。", file=sys.stderr)
        return EXIT_UNREADABLE
    if not data.lstrip()[:5].startswith(b"%PDF"):
        print(f"{src}：这不是 PDF 文件。", file=sys.stderr)
        return EXIT_UNREADABLE
    from jixiao.reports.signing import KeySource, SignError, sign_pdf_bytes

    key = KeySource(Path(args.key)) if args.key else KeySource(None, args.pkcs11, args.token, args.key_label)
    if key.p12 is not None and key.p12.is_dir():
        print(f"{key.p12}：这是一个文件夹，不是密钥文件。请用 --key 给出 .p12/.pfx 文件的路径。", file=sys.stderr)
        return EXIT_UNREADABLE
    if key.p12 is not None and not key.p12.is_file():
        print(f"{key.p12}：密钥文件不存在。请检查 --key 给出的路径（.p12/.pfx 文件）。", file=sys.stderr)
        return EXIT_UNREADABLE
    secret = _secret("密钥口令" if args.key else f"令牌“{args.token}”的 PIN")
    if secret is None:
        return EXIT_UNREADABLE
    try:
        signed = sign_pdf_bytes(
            data, key, secret, field=args.field, image=Path(args.image) if args.image else None, tsa=args.tsa
        )
    except SignError as exc:
        print(f"{src}：{exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        atomic_write_bytes(out, signed)
    except OSError as exc:
        print(f"{out}：无法写入（{os_error_text(exc)}）。", file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"已签名：{out}（签名域“{args.field}”）")
    return EXIT_OK
