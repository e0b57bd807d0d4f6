"""Benchmark: ``jixiao sign`` on one printed form against a bare pyHanko signature of the same PDF.

    python benchmarks/bench_sign.py [--rounds 20]

Both run in this process, on the same PDF (the seed's submission copy) with the
same PKCS#12 key (made here, with ``cryptography``):

- ours: ``jixiao sign form.pdf --key k.p12 -o out.pdf`` through the command's
  function (reading the PDF, checking the field, loading the key, drawing the
  Chinese appearance, signing, writing atomically);
- bare: pyHanko's ``signers.sign_pdf`` into the same field, key loaded once per
  signature too, output to memory.

Prints the best time of each over ``--rounds`` and the ratio ours / bare (goal: at
most 1.5).  The import of pyHanko is paid before either is timed.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    from jixiao.indicators import example_path
    from jixiao.reports.form_pdf import render_form
    from jixiao.scoring.loading import score_file
    from jixiao.tui.cli import main as cli
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    sys.path.insert(0, str(ROOT / "tests"))
    from signing_ca import PASSPHRASE, TestCA

    tmp = Path(tempfile.mkdtemp(prefix="bench-sign-"))
    key = TestCA(tmp / "ca").signer("王五").p12
    pdf = tmp / "form.pdf"
    render_form(score_file(str(example_path())), pdf)
    data = pdf.read_bytes()
    os.environ["JIXIAO_KEY_PASSPHRASE"] = PASSPHRASE

    def ours() -> None:
        out = tmp / "out.pdf"
        if out.exists():
            out.unlink()
        devnull = io.StringIO()
        stdout, sys.stdout = sys.stdout, devnull
        try:
            assert cli(["sign", str(pdf), "--key", str(key), "-o", str(out)]) == 0
        finally:
            sys.stdout = stdout

    def bare() -> None:
        signer = signers.SimpleSigner.load_pkcs12(str(key), passphrase=PASSPHRASE.encode())
        meta = signers.PdfSignatureMetadata(field_name="单位盖章", subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")
        signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer, output=io.BytesIO())

    ours(), bare()  # warm up: imports, the font
    t_ours = t_bare = float("inf")
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        ours()
        t1 = time.perf_counter()
        bare()
        t2 = time.perf_counter()
        t_ours, t_bare = min(t_ours, t1 - t0), min(t_bare, t2 - t1)
    print(f"jixiao sign: {t_ours * 1000:.1f} ms    bare pyHanko sign: {t_bare * 1000:.1f} ms    "
          f"ratio {t_ours / t_bare:.2f} (goal ≤ 1.5)")


if __name__ == "__main__":
    main()
