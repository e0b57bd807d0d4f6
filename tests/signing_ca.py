"""A certificate authority made in the tests (``cryptography``): a root, signers' keys and
certificates, written as PEM and PKCS#12 files for ``jixiao sign`` and ``jixiao verify --trust``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSPHRASE = "测试口令-123"


def _name(cn: str, org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _usage(ca: bool, non_repudiation: bool = True, signing: bool = True) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing, content_commitment=not ca and non_repudiation and signing,
        key_encipherment=not signing, data_encipherment=False,
        key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False,
    )


@dataclass
class Signer:
    name: str
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    cert: x509.Certificate
    p12: Path


class TestCA:
    """A root CA in ``folder``: ``ca.pem`` is what a bureau passes to ``--trust``."""

    __test__ = False  # not a test class

    def __init__(self, folder: Path, name: str = "测试根证书 CA"):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        subject = _name(name, "测试财政局")
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_usage(True), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        self.pem = folder / "ca.pem"
        self.pem.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def signer(
        self, cn: str, org: str = "株洲市社会保险服务中心", *, rsa_key: bool = False, usage: str = "both"
    ) -> Signer:
        """``usage``: "both" (数字签名 and 不可否认), "digital" (数字签名 only), "none" (no
        key-usage extension, as ``openssl x509 -req`` without ``-extfile`` writes), "encipher"
        (密钥加密 only: not a signing certificate)."""
        key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048) if rsa_key else ec.generate_private_key(ec.SECP256R1())
        )
        now = dt.datetime.now(dt.UTC)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(cn, org))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=90))
        )
        if usage != "none":
            ku = _usage(False, non_repudiation=usage == "both", signing=usage != "encipher")
            builder = builder.add_extension(ku, critical=True)
        cert = builder.sign(self.key, hashes.SHA256())
        p12 = self.folder / f"{cn}.p12"
        p12.write_bytes(
            pkcs12.serialize_key_and_certificates(
                cn.encode(), key, cert, [self.cert], serialization.BestAvailableEncryption(PASSPHRASE.encode())
            )
        )
        return Signer(cn, key, cert, p12)


def tsa_server(ca: TestCA):  # type: ignore[no-untyped-def]
    """A timestamp server (RFC 3161 over HTTP) on localhost, its certificate issued by ``ca``:
    (url, stop).  The answers are made by pyHanko's test time stamper."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from asn1crypto import keys, tsp
    from asn1crypto import x509 as ax509
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's test stamper signs with RSA
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("测试时间戳服务", "测试财政局"))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=90))
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(_usage(False), critical=True)
        .sign(ca.key, hashes.SHA256())
    )
    stamper = DummyTimeStamper(
        tsa_cert=ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
        certs_to_embed=SimpleCertificateStore.from_certs([ax509.Certificate.load(ca.cert.public_bytes(serialization.Encoding.DER))]),
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            req = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(req).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server.shutdown
