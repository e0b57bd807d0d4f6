"""The form: schema, loader, value parsing, templates and the bundled example."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def template_text(kind: str) -> str:
    """The commented blank form of a kind (``department`` or ``project``)."""
    return (_HERE / "templates" / f"{kind}.toml").read_text(encoding="utf-8")


def example_path() -> Path:
    """The bundled seed example: the 2021 form of 株洲市社会保险服务中心."""
    return _HERE / "examples" / "seed-2021.toml"
