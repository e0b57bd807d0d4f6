"""Checking the PDF signatures of a form (``jixiao verify``), with pyHanko.

For each signature: the signer (the certificate's subject), the signing time
(the signer's clock, or a timestamp server's), whether the signed bytes are
intact, whether the certificate chains to one of the roots the bureau gave
with ``--trust``, and whether the document was changed after it was signed
(pyHanko's difference analysis: filling a form field or adding a signature is
allowed, anything else, such as changed page content, is not).

pyHanko is imported inside the functions.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from dataclasses import field as _field
from pathlib import Path
from typing import Any

from .rl_compat import quiet_pyhanko_imports

quiet_pyhanko_imports()

__all__ = ["SignatureCheck", "SignaturesReport", "check_signatures", "load_trust_roots", "TrustError"]


class TrustError(ValueError):
    """A ``--trust`` file cannot be read; ``str()`` is Chinese."""


@dataclass
class SignatureCheck:
    field: str
    signer: str = ""
    issuer: str = ""
    signing_time: str = ""
    time_source: str = ""  # "签名人自报" or "时间戳"
    intact: bool = False
    valid: bool = False  # the cryptographic signature checks
    trusted: bool = False
    modification: str = ""  # NONE / FORM_FILLING / ... (pyHanko's level)
    changed_after: bool = True  # changed after signing in a way that is not allowed
    problems: list[str] = _field(default_factory=list)  # Chinese, each a failure

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"ok": self.ok}


@dataclass
class SignaturesReport:
    signatures: list[SignatureCheck]
    unsigned_fields: list[str]
    trust_given: bool

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.signatures)


def load_trust_roots(paths: list[str]) -> list[Any]:
    """The certificates of the ``--trust`` files (PEM, possibly several each, or DER)."""
    from asn1crypto import pem, x509
    from jixiao.indicators.safe_files import os_error_text

    roots = []
    for p in paths:
        try:
            data = Path(p).read_bytes()
        except IsADirectoryError:
            raise TrustError(f"{p}：这是一个文件夹，不是根证书文件。请用 --trust 给出 .pem 或 .cer 文件。") from None
        except OSError as exc:
            raise TrustError(f"{p}：无法读取根证书文件（{os_error_text(exc)}）。请检查 --trust 给出的路径。") from None
        try:
            if pem.detect(data):
                found = [x509.Certificate.load(der) for kind, _, der in pem.unarmor(data, multiple=True) if kind == "CERTIFICATE"]
            else:
                found = [x509.Certificate.load(data)]
            for cert in found:
                cert.native  # noqa: B018  (parse it all now: a broken file fails here, in our words)
        except Exception:
            raise TrustError(f"{p}：不是证书文件（应为 PEM 或 DER 格式的 X.509 证书）。") from None
        if not found:
            raise TrustError(f"{p}：文件中没有证书（PEM 文件应含 -----BEGIN CERTIFICATE-----）。")
        roots += found
    return roots


_LEVEL_ZH = {
    "NONE": "签名后未改动",
    "LTA_UPDATES": "签名后只加了验证信息（允许）",
    "FORM_FILLING": "签名后只填写了表单域或加了签名（允许）",
    "ANNOTATIONS": "签名后加了批注",
    "OTHER": "签名后页面或文档内容被改动",
}


def level_text(level: str) -> str:
    return _LEVEL_ZH.get(level, level)


_ATTR = {
    "common_name": "CN",
    "organization_name": "O",
    "organizational_unit_name": "OU",
    "country_name": "C",
    "state_or_province_name": "ST",
    "locality_name": "L",
    "serial_number": "SERIALNUMBER",
    "email_address": "E",
}


MOJIBAKE_NOTE = "（证书中的中文编码有误，已按 UTF-8 还原显示）"


def _restore_mojibake(value: str) -> str:
    """A name written by ``openssl req -subj`` without ``-utf8``: each UTF-8 byte of the
    Chinese became one Latin-1 character (“æ ªæ´²å¸…” for 株洲市).  Shown restored, with a
    note (once per name, by :func:`_name`), so the bureau can read who signed; a value that
    is not such a mix is returned as is."""
    if not any("\x80" <= ch <= "\xff" for ch in value) or any(ch > "\xff" for ch in value):
        return value
    try:
        restored = value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value
    if restored == value or not any(ord(ch) > 0x2E7F for ch in restored):
        return value
    return restored


def _name(name: Any) -> str:
    """A certificate name as RFC 4514-like text, most specific first: CN=张三, O=某单位, C=CN."""
    try:
        parts, garbled = [], False
        for rdn in reversed(list(name.chosen)):
            for atv in rdn:
                key = atv["type"].native
                value = atv["value"].native
                if isinstance(value, str) and (restored := _restore_mojibake(value)) != value:
                    value, garbled = restored, True
                parts.append(f"{_ATTR.get(key, key)}={value}")
        return ", ".join(parts) + (MOJIBAKE_NOTE if garbled else "")
    except Exception:
        return str(name.human_friendly)


def _key_usage(cert: Any) -> Any:
    """A signer's certificate may sign with 数字签名 (digitalSignature) or 不可否认
    (nonRepudiation) key usage, or have no key-usage extension at all (RFC 5280: then its
    use is not restricted; ``openssl x509 -req`` without ``-extfile`` makes such a one).
    pyHanko's default asks for nonRepudiation, which many CA-issued and self-made
    certificates lack; poppler, WPS and Adobe accept either."""
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    if cert.key_usage_value is None:
        return KeyUsageConstraints(key_usage=set())
    return KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)


def _trust_problem(indication: Any, issuer: str) -> str:
    """Why an intact signature's certificate is not trusted, in Chinese, from pyHanko's AdES indication."""
    name = getattr(indication, "name", "")
    if name in ("EXPIRED", "NOT_YET_VALID", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"):
        return f"签名人证书在签名时间不在有效期内（已过期或尚未生效；颁发者：{issuer}）"
    if name.startswith("REVOKED"):
        return f"签名人证书或其上级证书已被吊销（颁发者：{issuer}）"
    if name == "CHAIN_CONSTRAINTS_FAILURE":
        return (
            f"签名人证书的用途或证书链的约束不允许签名（如证书的密钥用法既不含“数字签名”也不含“不可否认”，"
            f"或上级证书不是 CA 证书；颁发者：{issuer}）"
        )
    if name == "CRYPTO_CONSTRAINTS_FAILURE":
        return f"签名人证书或签名所用的算法太弱，不被接受（颁发者：{issuer}）"
    return f"签名人证书不能链到 --trust 给出的根证书（颁发者：{issuer}）"


def check_signatures(pdf: bytes, roots: list[Any]) -> SignaturesReport:
    """Validate every signature of ``pdf`` against the trust ``roots`` (no network: no
    fetching of certificates or revocation data)."""
    import logging

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)  # its English warnings; we say it in Chinese
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    unsigned = [str(n) for n, v, _ in enumerate_sig_fields(reader, filled_status=False)]
    checks: list[SignatureCheck] = []
    for emb in reader.embedded_signatures:
        check = SignatureCheck(field=str(emb.field_name))
        checks.append(check)
        try:
            cert = emb.signer_cert
            check.signer = _name(cert.subject)
            check.issuer = _name(cert.issuer)
        except Exception:
            check.problems.append("无法读取签名人的证书")
            continue
        vc = ValidationContext(trust_roots=list(roots), allow_fetching=False, revocation_mode="soft-fail")
        try:
            status = validate_pdf_signature(emb, vc, ts_validation_context=vc, key_usage_settings=_key_usage(cert))
        except Exception as exc:
            check.problems.append(f"签名无法验证（{type(exc).__name__}）：签名数据已损坏或被改动")
            continue
        check.intact, check.valid, check.trusted = bool(status.intact), bool(status.valid), bool(status.trusted)
        ts = status.timestamp_validity
        if ts is not None and ts.intact and ts.valid:
            check.signing_time, check.time_source = ts.timestamp.isoformat(), "时间戳"
        elif status.signer_reported_dt is not None:
            check.signing_time, check.time_source = status.signer_reported_dt.isoformat(), "签名人自报"
        level = status.modification_level
        check.modification = level.name if level is not None else "OTHER"
        allowed = level is not None and level <= ModificationLevel.FORM_FILLING and status.docmdp_ok is not False
        check.changed_after = not allowed
        if not check.intact:
            check.problems.append("签名范围内的内容已被改动（签名不完整）")
        elif not check.valid:
            check.problems.append("签名值不正确（签名已损坏）")
        if not check.trusted and check.intact and check.valid:  # a broken signature's chain is not judged
            if roots:
                check.problems.append(_trust_problem(status.trust_problem_indic, check.issuer))
            else:
                check.problems.append("未给出 --trust 根证书，无法判断签名人是否可信")
        if check.changed_after:
            check.problems.append(level_text(check.modification) + "（不允许）")
    return SignaturesReport(checks, unsigned, bool(roots))
