"""PDF signatures with pyHanko: the empty signature fields of a printed form, and
``jixiao sign`` (PAdES baseline B-B, B-T with a timestamp server).

Signatures are approval signatures (no certification, no DocMDP lock) written
as incremental updates, so a form signed by the 填表人, then the 财务负责人,
then sealed by the unit validates three times.  Keys come from a PKCS#12
file or a PKCS#11 token (a USB key; SoftHSM2 in the tests); the passphrase or
PIN is given by the caller (the command reads it from the environment or a
prompt, never from the command line).  No home-made format: what is written
is a standard PAdES signature any PDF reader validates.

pyHanko is imported inside the functions.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .form_blocks import FieldBox
from .rl_compat import quiet_pyhanko_imports

quiet_pyhanko_imports()

__all__ = ["add_signature_fields", "signature_fields", "SignError", "KeySource", "sign_pdf_bytes", "DEFAULT_FIELD"]

DEFAULT_FIELD = "单位盖章"


class SignError(ValueError):
    """Signing cannot be done; ``str()`` is a Chinese message for the user."""


def add_signature_fields(pdf: bytes, boxes: Iterable[FieldBox]) -> bytes:
    """``pdf`` with an empty signature field per box, as an incremental update (only the
    page, the catalogue and the fields are written again: about a tenth of re-writing the
    file with its embedded font)."""
    boxes = list(boxes)
    if not boxes:
        return pdf
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    for b in boxes:
        append_signature_field(writer, SigFieldSpec(b.name, on_page=b.page, box=b.box))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass
class FieldInfo:
    name: str
    signed: bool


def signature_fields(pdf: bytes) -> list[FieldInfo]:
    """The signature fields of a PDF, in order, and whether each is signed."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    out = []
    for name, value, _ in enumerate_sig_fields(reader, filled_status=None):
        out.append(FieldInfo(str(name), value is not None))
    return out


@dataclass
class KeySource:
    """Where the signing key is: a PKCS#12 file, or a PKCS#11 token (module, token label, key label)."""

    p12: Path | None = None
    pkcs11_module: str | None = None
    token: str | None = None
    key_label: str | None = None

    def describe(self) -> str:
        return str(self.p12) if self.p12 else f"PKCS#11 {self.pkcs11_module} 令牌 {self.token} 密钥 {self.key_label}"


def _p12_signer(path: Path, secret: str) -> Any:
    from pyhanko.sign import signers

    try:
        data = path.read_bytes()
    except OSError as exc:
        from jixiao.indicators.safe_files import os_error_text

        raise SignError(f"{path}：无法读取密钥文件（{os_error_text(exc)}）。") from None
    import logging

    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)  # its English log line; we say it in Chinese
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=secret.encode("utf-8"))
    except Exception:
        signer = None
    if signer is None:
        raise SignError(f"{path}：无法打开 PKCS#12 密钥文件：口令不对，或文件不是含私钥和证书的 .p12/.pfx。")
    return signer


def sign_pdf_bytes(
    pdf: bytes,
    key: KeySource,
    secret: str,
    *,
    field: str = DEFAULT_FIELD,
    image: Path | None = None,
    tsa: str | None = None,
) -> bytes:
    """``pdf`` with a PAdES signature in ``field`` (an incremental update).

    The field must exist and be empty: a PDF with no signature fields (not printed
    by ``jixiao pdf``) or a field name that is not on the page (a typo in
    ``--field``) is refused, rather than adding an invisible field nobody sees on
    paper.  ``image`` (PNG/JPEG) is the visible appearance (a seal);
    ``tsa`` the URL of an RFC 3161 timestamp server (B-T).  Raises
    :class:`SignError` (Chinese) for a bad key, a wrong passphrase, a field
    already signed, a missing field.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields

    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        present = {str(n): v is not None for n, v, _ in fields.enumerate_sig_fields(writer.prev, filled_status=None)}
    except Exception as exc:
        raise SignError(f"无法读取 PDF（{type(exc).__name__}）：它不是完整的 PDF 文件。") from None
    if not present:
        raise SignError(
            "PDF 中没有签名域：它不是 jixiao pdf 打印的报送件或复核件（或经其他程序重新生成）。"
            "请先用 jixiao pdf 打印表单，再对打印出的 PDF 签名。"
        )
    if field not in present:
        raise SignError(
            f"PDF 中没有名为“{field}”的签名域。请用 --field 选择其中之一：" + "、".join(present) + "。"
        )
    if present.get(field):
        empty = [n for n, signed in present.items() if not signed]
        raise SignError(
            f"签名域“{field}”已经签过名。"
            + ("请用 --field 选择还空着的签名域：" + "、".join(empty) + "。" if empty else "PDF 中没有空的签名域了。")
        )
    if key.p12 is not None:
        signer = _p12_signer(key.p12, secret)
        return _sign(writer, signer, field, image, tsa)
    from .pkcs11_keys import pkcs11_signer

    with pkcs11_signer(key, secret) as signer:
        return _sign(writer, signer, field, image, tsa)


def _sign(writer: Any, signer: Any, field: str, image: Path | None, tsa: str | None) -> bytes:
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(
        field_name=field, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256", use_pades_lta=False
    )
    timestamper = None
    if tsa:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(tsa)
    from pyhanko import stamp
    from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule

    centred = SimpleBoxLayoutRule(x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MID, margins=Margins.uniform(2))
    with tempfile.TemporaryDirectory(prefix="jixiao-sign-") as tmp:
        if image is not None:
            from pyhanko.pdf_utils import images

            try:
                from PIL import Image

                with Image.open(image) as probe:
                    probe.verify()
            except Exception:
                raise SignError(f"{image}：无法读取印章图片（应为 PNG 或 JPEG）。") from None
            background: Any = images.PdfImage(str(image))
        else:  # the signer's name and the time, in Chinese, in the form's font
            from pyhanko.pdf_utils.content import ImportedPdfPage

            card = Path(tmp) / "appearance.pdf"
            card.write_bytes(_appearance_pdf(_common_name(signer)))
            background = ImportedPdfPage(str(card))
        stamp_style = stamp.StaticStampStyle(border_width=0, background=background, background_layout=centred)
        pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper, stamp_style=stamp_style)
        out = io.BytesIO()
        try:
            pdf_signer.sign_pdf(writer, output=out)
        except SignError:
            raise
        except Exception as exc:
            text = f"{type(exc).__name__}{exc}".lower()
            what = "时间戳服务器无法访问或返回错误" if tsa and ("timestamp" in text or "http" in text) else "签名失败"
            raise SignError(f"{what}（{type(exc).__name__}: {exc}）。") from None
    return out.getvalue()


def _common_name(signer: Any) -> str:
    try:
        subject = signer.signing_cert.subject.native
        return str(subject.get("common_name") or subject.get("organization_name") or "")
    except Exception:
        return ""


def _appearance_pdf(name: str) -> bytes:
    """A small PDF page (the field's look when no image is given): 签名人 and 签名时间 in Chinese."""
    import datetime as dt

    from reportlab.pdfgen.canvas import Canvas

    from .fonts import register_cjk_font

    font = register_cjk_font(None).name
    when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(160, 34))
    canvas.setFillColorRGB(0.1, 0.1, 0.45)
    canvas.setFont(font, 10)
    canvas.drawString(2, 20, f"{name[:14]}（电子签名）")
    canvas.setFont(font, 7.5)
    canvas.drawString(2, 6, f"签名时间：{when}")
    canvas.showPage()
    canvas.save()
    return buf.getvalue()
