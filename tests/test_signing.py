"""jixiao sign and jixiao verify with PDF signatures (issue 21), against a CA made in the tests.

Each test signs what ``jixiao pdf`` prints with keys of tests/signing_ca.py and checks what
``jixiao verify`` says: who signed, intact, trusted, changed after signing, and the pages
against the form.  Tampering is done the way an attacker would: a byte changed inside the
signed range, page content replaced by an incremental update, a signature removed.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jixiao.indicators import example_path
from jixiao.tui.cli import main

from tests.signing_ca import PASSPHRASE, TestCA

pytestmark = pytest.mark.needs_cjk_font
SEED = example_path()
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def ca(tmp_path: Path) -> TestCA:
    return TestCA(tmp_path / "ca")


@pytest.fixture()
def printed(tmp_path: Path) -> tuple[Path, Path]:
    form = tmp_path / "form.toml"
    shutil.copy(SEED, form)
    pdf = tmp_path / "form.pdf"
    assert main(["pdf", str(form), "-o", str(pdf)]) == 1  # printed; the seed has an error finding
    return form, pdf


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_KEY_PASSPHRASE", PASSPHRASE)


def sign(pdf: Path, key: Path, out: Path, *extra: str) -> int:
    return main(["sign", str(pdf), "--key", str(key), "-o", str(out), *extra])


def verify_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["verify", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def signed_three_times(ca: TestCA, pdf: Path, tmp_path: Path) -> Path:
    filler, finance, unit = ca.signer("王五"), ca.signer("钱七"), ca.signer("株洲市社会保险服务中心（印章）", rsa_key=True)
    assert sign(pdf, filler.p12, tmp_path / "s1.pdf", "--field", "填表人") == 0
    assert sign(tmp_path / "s1.pdf", finance.p12, tmp_path / "s2.pdf", "--field", "财务负责人") == 0
    assert sign(tmp_path / "s2.pdf", unit.p12, tmp_path / "s3.pdf") == 0  # 单位盖章 by default
    return tmp_path / "s3.pdf"


# ------------------------------------------------------------------ fields


def test_the_printed_form_carries_empty_signature_fields_over_its_sign_off(printed: tuple[Path, Path], tmp_path: Path) -> None:
    from jixiao.reports.signing import signature_fields
    from pypdf import PdfReader

    _, pdf = printed
    assert [(f.name, f.signed) for f in signature_fields(pdf.read_bytes())] == [
        ("填表人", False), ("单位负责人", False), ("财务负责人", False), ("单位盖章", False)
    ]
    page = PdfReader(str(pdf)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    rects = {str(a.get_object()["/T"]): [float(v) for v in a.get_object()["/Rect"]] for a in page["/Annots"]}
    for name, (x1, y1, x2, y2) in rects.items():
        assert 0 < x1 < x2 <= width and 0 < y1 < y2 < height / 2, name  # on the page, in its lower half
    seal = rects["单位盖章"]
    assert seal[2] - seal[0] > 100 and seal[3] - seal[1] > 60  # the stamp box, room for a seal
    assert seal[0] > max(r[2] for n, r in rects.items() if n != "单位盖章")  # right of the signer lines
    # the review print has a 复核 field; a project form names its 项目负责人
    review = tmp_path / "review.pdf"
    assert main(["pdf", str(printed[0]), "-o", str(review), "--review"]) == 0
    assert "复核" in [f.name for f in signature_fields(review.read_bytes())]
    project = tmp_path / "project.pdf"
    main(["pdf", str(ROOT / "tests" / "fixtures" / "project-2023.toml"), "-o", str(project)])
    assert "项目负责人" in [f.name for f in signature_fields(project.read_bytes())]


# ------------------------------------------------------------------ signing and verifying


def test_sign_three_times_and_every_signature_validates(
    ca: TestCA, printed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    form, pdf = printed
    signed = signed_three_times(ca, pdf, tmp_path)
    code, report = verify_json(capsys, str(form), str(signed), "--trust", str(ca.pem))
    assert code == 0, report["problems"]
    sigs = report["signatures"]
    assert [s["field"] for s in sigs] == ["填表人", "财务负责人", "单位盖章"]
    assert [s["signer"] for s in sigs] == [
        "CN=王五, O=株洲市社会保险服务中心, C=CN",
        "CN=钱七, O=株洲市社会保险服务中心, C=CN",
        "CN=株洲市社会保险服务中心（印章）, O=株洲市社会保险服务中心, C=CN",
    ]
    assert all(s["intact"] and s["trusted"] and not s["changed_after"] and s["signing_time"] for s in sigs)
    assert [s["modification"] for s in sigs] == ["FORM_FILLING", "FORM_FILLING", "NONE"]
    assert report["unsigned_fields"] == ["单位负责人"]
    assert report["content"]["mode"] == "exact"
    # the table output names the signer and says it holds
    capsys.readouterr()
    assert main(["verify", str(form), str(signed), "--trust", str(ca.pem)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("一致：") and "签名人：CN=钱七" in out and "证书可信：是" in out


def test_a_signer_the_bureau_does_not_trust(ca: TestCA, printed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    form, pdf = printed
    stranger = TestCA(tmp_path / "other", "别处的 CA").signer("李四")
    assert sign(pdf, stranger.p12, tmp_path / "s.pdf") == 0
    code, report = verify_json(capsys, str(form), str(tmp_path / "s.pdf"), "--trust", str(ca.pem))
    assert code == 1
    (sig,) = report["signatures"]
    assert sig["intact"] and not sig["trusted"]
    assert any("不能链到 --trust 给出的根证书" in p and "别处的 CA" in p for p in report["problems"])
    # without --trust nothing vouches for the signer: said, not passed
    code, report = verify_json(capsys, str(tmp_path / "s.pdf"))
    assert code == 1 and any("未给出 --trust" in p for p in report["problems"])


def test_a_byte_changed_inside_the_signed_range(ca: TestCA, printed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    form, pdf = printed
    assert sign(pdf, ca.signer("王五").p12, tmp_path / "s.pdf") == 0
    data = (tmp_path / "s.pdf").read_bytes()
    i = data.index(b"jixiao form sha256")  # the metadata, inside the signed bytes
    (tmp_path / "t.pdf").write_bytes(data[:i] + b"jixiaO" + data[i + 6 :])
    code, report = verify_json(capsys, str(tmp_path / "t.pdf"), "--trust", str(ca.pem))
    assert code == 1
    (sig,) = report["signatures"]
    assert not sig["intact"] and any("签名范围内的内容已被改动" in p for p in report["problems"])
    # the chain of a broken signature is not judged: never claimed "not chained to --trust" (it is)
    assert not any("不能链到" in p for p in report["problems"])
    capsys.readouterr()
    assert main(["verify", str(tmp_path / "t.pdf"), "--trust", str(ca.pem)]) == 1
    out = capsys.readouterr().out
    assert "证书可信：未判断（签名不完整）" in out and "不能链到" not in out


def _incremental(data: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(data))
    change(w)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def test_page_content_replaced_after_signing(ca: TestCA, printed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pyhanko.pdf_utils import generic

    form, pdf = printed
    signed = signed_three_times(ca, pdf, tmp_path)

    def replace(w):  # type: ignore[no-untyped-def]
        page = w.root["/Pages"]["/Kids"][0].get_object()
        page["/Contents"] = w.add_object(generic.StreamObject(stream_data=b"BT /F1 9 Tf 100 100 Td (100.00) Tj ET"))
        w.update_container(page)

    forged = tmp_path / "forged.pdf"
    forged.write_bytes(_incremental(signed.read_bytes(), replace))
    code, report = verify_json(capsys, str(form), str(forged), "--trust", str(ca.pem))
    assert code == 1
    assert all(s["intact"] and s["changed_after"] for s in report["signatures"])  # signed bytes intact, changed since
    assert any("签名后页面或文档内容被改动" in p for p in report["problems"])
    assert any("第 1 页的文字与表单不符" in p for p in report["problems"])


def test_a_signature_removed(ca: TestCA, printed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    form, pdf = printed
    signed = signed_three_times(ca, pdf, tmp_path)

    def remove(w):  # type: ignore[no-untyped-def]
        for ref in w.root["/AcroForm"]["/Fields"]:
            field = ref.get_object()
            if field["/T"] == "财务负责人":
                del field["/V"]
                w.update_container(field)

    gone = tmp_path / "gone.pdf"
    gone.write_bytes(_incremental(signed.read_bytes(), remove))
    code, report = verify_json(capsys, str(form), str(gone), "--trust", str(ca.pem))
    assert code == 1
    assert [s["field"] for s in report["signatures"]] == ["填表人", "单位盖章"]
    assert report["signatures"][0]["changed_after"]  # the first signer's document was changed: caught


def test_a_seal_image_as_the_visible_signature(ca: TestCA, printed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image, ImageDraw
    from pypdf import PdfReader

    form, pdf = printed
    seal = tmp_path / "seal.png"
    img = Image.new("RGBA", (200, 200), (255, 255, 255, 0))
    ImageDraw.Draw(img).ellipse((5, 5, 195, 195), outline=(200, 0, 0, 255), width=8)
    img.save(seal)
    assert sign(pdf, ca.signer("株洲市社会保险服务中心").p12, tmp_path / "s.pdf", "--image", str(seal)) == 0
    code, report = verify_json(capsys, str(form), str(tmp_path / "s.pdf"), "--trust", str(ca.pem))
    assert code == 0, report["problems"]
    annot = next(a.get_object() for a in PdfReader(str(tmp_path / "s.pdf")).pages[0]["/Annots"] if a.get_object()["/T"] == "单位盖章")
    appearance = annot["/AP"]["/N"].get_object()
    assert "/Image" in str(appearance["/Resources"]) or any(
        "/Image" in str(x.get_object()) for x in appearance["/Resources"].get("/XObject", {}).values()
    )


def test_wrong_passphrase_and_a_signed_field_are_refused_in_chinese(
    ca: TestCA, printed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, pdf = printed
    key = ca.signer("王五").p12
    monkeypatch.setenv("JIXIAO_KEY_PASSPHRASE", "wrong")
    capsys.readouterr()
    assert sign(pdf, key, tmp_path / "s.pdf") == 2
    assert "口令不对" in capsys.readouterr().err and not (tmp_path / "s.pdf").exists()
    monkeypatch.setenv("JIXIAO_KEY_PASSPHRASE", PASSPHRASE)
    assert sign(pdf, key, tmp_path / "s.pdf") == 0
    assert sign(tmp_path / "s.pdf", key, tmp_path / "t.pdf") == 2
    err = capsys.readouterr().err
    assert "已经签过名" in err and "填表人" in err
    # the passphrase is never an option
    with pytest.raises(SystemExit):
        main(["sign", str(pdf), "--key", str(key), "-o", str(tmp_path / "u.pdf"), "--passphrase", "x"])
    assert sign(pdf, key, pdf) == 2  # never over its input


def test_sign_without_a_terminal_or_the_variable_says_how(printed: tuple[Path, Path], ca: TestCA, tmp_path: Path) -> None:
    import os

    _, pdf = printed
    env = {k: v for k, v in os.environ.items() if k != "JIXIAO_KEY_PASSPHRASE"}
    proc = subprocess.run(
        [sys.executable, "-m", "jixiao.tui.cli", "sign", str(pdf), "--key", str(ca.signer("王五").p12), "-o", str(tmp_path / "s.pdf")],
        capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=120,
    )
    assert proc.returncode == 2 and "JIXIAO_KEY_PASSPHRASE" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler's pdfsig is not installed (poppler-utils)")
def test_poppler_pdfsig_finds_the_signatures_valid(ca: TestCA, printed: tuple[Path, Path], tmp_path: Path) -> None:
    signed = signed_three_times(ca, printed[1], tmp_path)
    proc = subprocess.run(["pdfsig", str(signed)], capture_output=True, text=True, timeout=60)
    assert proc.stdout.count("Signature Validation: Signature is Valid.") == 3, proc.stdout
    assert "Signature Field Name: 单位盖章" in proc.stdout and "ETSI.CAdES.detached" in proc.stdout


# ------------------------------------------------------------------ PKCS#11 (SoftHSM2)

SOFTHSM = Path("/usr/lib/softhsm/libsofthsm2.so")


@pytest.mark.skipif(shutil.which("softhsm2-util") is None or not SOFTHSM.is_file(), reason="SoftHSM2 is not installed (softhsm2)")
def test_sign_with_a_pkcs11_token(ca: TestCA, printed: tuple[Path, Path], tmp_path: Path) -> None:
    import os

    import pkcs11
    from cryptography.hazmat.primitives import serialization
    from pkcs11 import Attribute, CertificateType, ObjectClass

    form, pdf = printed
    signer = ca.signer("赵六")
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n", encoding="utf-8")
    env = dict(os.environ, SOFTHSM2_CONF=str(conf), JIXIAO_KEY_PASSPHRASE="5678")
    run = lambda *a: subprocess.run(list(a), capture_output=True, text=True, env=env, timeout=120)  # noqa: E731
    assert run("softhsm2-util", "--init-token", "--free", "--label", "jixiao-test", "--so-pin", "1234", "--pin", "5678").returncode == 0
    key_pem = tmp_path / "key.pem"
    key_pem.write_bytes(signer.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    proc = run("softhsm2-util", "--import", str(key_pem), "--token", "jixiao-test", "--label", "signer", "--id", "01", "--pin", "5678")
    assert proc.returncode == 0, proc.stderr
    # the certificate beside the key, with the same label (as a USB key carries it)
    os.environ["SOFTHSM2_CONF"] = str(conf)
    try:
        token = pkcs11.lib(str(SOFTHSM)).get_token(token_label="jixiao-test")
        with token.open(rw=True, user_pin="5678") as session:
            session.create_object({
                Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True, Attribute.LABEL: "signer", Attribute.ID: b"\x01",
                Attribute.VALUE: signer.cert.public_bytes(serialization.Encoding.DER),
                Attribute.SUBJECT: signer.cert.subject.public_bytes(),
            })
    finally:
        del os.environ["SOFTHSM2_CONF"]
    out = tmp_path / "hsm.pdf"
    proc = run(sys.executable, "-m", "jixiao.tui.cli", "sign", str(pdf), "--pkcs11", str(SOFTHSM), "--token", "jixiao-test",
               "--key-label", "signer", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    proc = run(sys.executable, "-m", "jixiao.tui.cli", "verify", str(form), str(out), "--trust", str(ca.pem))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "签名人：CN=赵六" in proc.stdout
    # a wrong PIN: refused in Chinese
    env["JIXIAO_KEY_PASSPHRASE"] = "0000"
    proc = run(sys.executable, "-m", "jixiao.tui.cli", "sign", str(pdf), "--pkcs11", str(SOFTHSM), "--token", "jixiao-test",
               "--key-label", "signer", "-o", str(tmp_path / "x.pdf"))
    assert proc.returncode == 2 and "PIN" in proc.stderr and "Traceback" not in proc.stderr


def test_a_timestamp_makes_it_pades_b_t(ca: TestCA, printed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.signing_ca import tsa_server

    form, pdf = printed
    url, stop = tsa_server(ca)
    try:
        assert sign(pdf, ca.signer("王五").p12, tmp_path / "t.pdf", "--tsa", url) == 0
    finally:
        stop()
    code, report = verify_json(capsys, str(form), str(tmp_path / "t.pdf"), "--trust", str(ca.pem))
    assert code == 0, report["problems"]
    (sig,) = report["signatures"]
    assert sig["time_source"] == "时间戳" and sig["signing_time"]
    # a server that does not answer: said in Chinese, nothing written
    capsys.readouterr()
    assert sign(pdf, ca.signer("钱七").p12, tmp_path / "u.pdf", "--tsa", "http://127.0.0.1:9/") == 2
    err = capsys.readouterr().err
    assert "时间戳服务器" in err and not (tmp_path / "u.pdf").exists()


def test_a_field_that_is_not_on_the_page_or_a_pdf_without_fields_is_refused(
    ca: TestCA, printed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A typo in --field, or a PDF that jixiao did not print, used to get an invisible new
    signature field that nobody sees on paper; now both are refused and say what to do."""
    from reportlab.pdfgen import canvas

    _, pdf = printed
    key = ca.signer("王五").p12
    capsys.readouterr()
    assert sign(pdf, key, tmp_path / "s.pdf", "--field", "财务负责任") == 2
    err = capsys.readouterr().err
    assert "没有名为“财务负责任”的签名域" in err and "财务负责人" in err and "单位盖章" in err
    assert not (tmp_path / "s.pdf").exists()

    other = tmp_path / "other.pdf"
    c = canvas.Canvas(str(other))
    c.drawString(100, 700, "not a form")
    c.save()
    assert sign(other, key, tmp_path / "o.pdf") == 2
    err = capsys.readouterr().err
    assert "other.pdf" in err and "没有签名域" in err and "jixiao pdf" in err
    assert not (tmp_path / "o.pdf").exists()


def test_a_key_that_is_a_folder_or_missing_says_so(printed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, pdf = printed
    (tmp_path / "keys").mkdir()
    capsys.readouterr()
    assert sign(pdf, tmp_path / "keys", tmp_path / "s.pdf") == 2
    assert "文件夹" in capsys.readouterr().err
    assert sign(pdf, tmp_path / "nokey.p12", tmp_path / "s.pdf") == 2
    err = capsys.readouterr().err
    assert "nokey.p12" in err and "不存在" in err


def test_a_name_garbled_by_openssl_without_utf8_is_shown_restored() -> None:
    """``openssl req -subj "/O=株洲市财政局"`` without ``-utf8`` stores each UTF-8 byte as a
    Latin-1 character; verify showed “æ ªæ´²å¸…”.  Shown restored, with a note saying so."""
    from asn1crypto import x509
    from jixiao.reports.verify_signatures import MOJIBAKE_NOTE, _name

    garbled = "株洲市财政局".encode().decode("latin-1")
    name = x509.Name.build({"organization_name": garbled, "common_name": "li"})
    assert _name(name) == "CN=li, O=株洲市财政局" + MOJIBAKE_NOTE
    # honest names are left alone: Chinese, plain ASCII, and Latin-1 text that is not UTF-8 bytes
    for honest in ("株洲市财政局", "Zhuzhou Finance", "Müller Straße"):
        assert _name(x509.Name.build({"common_name": honest})) == f"CN={honest}"


@pytest.mark.parametrize("usage", ["digital", "none"])
def test_a_certificate_for_digital_signature_only_or_without_key_usage_is_trusted(
    usage: str, ca: TestCA, printed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pyHanko's default asks for 不可否认 (nonRepudiation); many CA certificates carry only
    数字签名, and ``openssl x509 -req`` without -extfile writes none.  Both were reported
    “不能链到 --trust 给出的根证书” although they chain."""
    form, pdf = printed
    assert sign(pdf, ca.signer("王五", usage=usage).p12, tmp_path / "s.pdf") == 0
    code, report = verify_json(capsys, str(form), str(tmp_path / "s.pdf"), "--trust", str(ca.pem))
    (sig,) = report["signatures"]
    assert sig["intact"] and sig["trusted"] and code == 0, report["problems"]


def test_a_certificate_not_for_signing_is_named_as_such(
    ca: TestCA, printed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    form, pdf = printed
    assert sign(pdf, ca.signer("王五", usage="encipher").p12, tmp_path / "s.pdf") == 0
    code, report = verify_json(capsys, str(form), str(tmp_path / "s.pdf"), "--trust", str(ca.pem))
    (sig,) = report["signatures"]
    assert code == 1 and sig["intact"] and not sig["trusted"]
    assert any("密钥用法" in p for p in sig["problems"])
    assert not any("不能链到" in p for p in sig["problems"])  # it does chain: the reason is its use


def test_trust_and_pdf_arguments_that_are_folders_or_missing_say_so_in_chinese(
    ca: TestCA, printed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    form, pdf = printed
    (tmp_path / "certs").mkdir()
    capsys.readouterr()
    assert main(["verify", str(pdf), "--trust", str(tmp_path / "certs")]) == 2
    assert "文件夹" in capsys.readouterr().err
    assert main(["verify", str(pdf), "--trust", str(tmp_path / "nope.pem")]) == 2
    err = capsys.readouterr().err
    assert "nope.pem" in err and "不存在" in err and "No such file" not in err
    assert main(["verify", str(form), str(tmp_path / "certs")]) == 2  # was: “…” 不是有效的摘要
    err = capsys.readouterr().err
    assert "certs" in err and "文件夹" in err and "摘要：" not in err


def test_a_signature_field_starts_after_the_printed_name(tmp_path: Path) -> None:
    """The field covered the whole sign line: a signature's look (name and time) was drawn over
    the 填表人 / 财务负责人 names the form prints.  The field now starts right of the name."""
    from jixiao.reports.fonts import register_cjk_font
    from pypdf import PdfReader
    from reportlab.pdfbase.pdfmetrics import stringWidth

    form = tmp_path / "form.toml"
    text = SEED.read_text(encoding="utf-8")
    text = text.replace('filled_by = ""', 'filled_by = "李小红"').replace('head = ""', 'head = "王建国"', 1)
    form.write_text(text, encoding="utf-8")
    pdf = tmp_path / "form.pdf"
    main(["pdf", str(form), "-o", str(pdf)])
    page = PdfReader(str(pdf)).pages[0]
    where: dict[str, float] = {}

    def visit(t: str, cm: list[float], tm: list[float], *_: object) -> None:
        if t.strip() in ("李小红", "王建国"):
            where[t.strip()] = tm[4] * cm[0] + cm[4]

    page.extract_text(visitor_text=visit)
    assert set(where) == {"李小红", "王建国"}
    rects = {str(a.get_object()["/T"]): [float(v) for v in a.get_object()["/Rect"]] for a in page["/Annots"]}
    font = register_cjk_font(None).name
    for field, name in (("填表人", "李小红"), ("单位负责人", "王建国")):
        name_right = where[name] + stringWidth(name, font, 9)
        assert rects[field][0] >= name_right, (field, rects[field], name_right)
        assert rects[field][2] - rects[field][0] > 80  # still room for a signature
