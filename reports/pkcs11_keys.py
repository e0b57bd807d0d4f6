"""Signing keys on a PKCS#11 token (a unit's USB key; SoftHSM2 in the tests), for :mod:`signing`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .rl_compat import quiet_pyhanko_imports

quiet_pyhanko_imports()

__all__ = ["pkcs11_signer"]


@contextmanager
def pkcs11_signer(key: Any, pin: str) -> Iterator[Any]:
    """A pyHanko signer for the key ``key.key_label`` (and its certificate, same label) on the
    token labelled ``key.token`` of the PKCS#11 module ``key.pkcs11_module``; the session is
    closed on leaving.  Raises ``signing.SignError`` (Chinese)."""
    from .signing import SignError

    try:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11 as hk
    except ImportError:
        raise SignError("用 PKCS#11 令牌签名需要 python-pkcs11（pip install python-pkcs11）。") from None
    try:
        session = hk.open_pkcs11_session(
            str(key.pkcs11_module), token_criteria=TokenCriteria(label=key.token), user_pin=pin
        )
    except Exception as exc:
        name = type(exc).__name__
        why = "PIN 不对" if "Pin" in name else f"{name}: {exc}".strip()
        raise SignError(
            f"无法打开 PKCS#11 令牌“{key.token}”（模块 {key.pkcs11_module}）：{why}。请检查模块路径、令牌标签和 PIN。"
        ) from None
    try:
        try:
            signer = hk.PKCS11Signer(session, cert_label=key.key_label, key_label=key.key_label)
            # fail here, with our words, when the key or its certificate is not on the token
            cert = signer.signing_cert
            if cert.public_key.algorithm == "ec":  # many tokens (SoftHSM2 among them) do ECDSA on a digest only
                signer = hk.PKCS11Signer(
                    session, cert_label=key.key_label, key_label=key.key_label, use_raw_mechanism=True
                )
        except Exception as exc:
            raise SignError(
                f"令牌“{key.token}”上找不到标签为“{key.key_label}”的私钥和证书（{type(exc).__name__}）。"
            ) from None
        yield signer
    finally:
        session.close()
