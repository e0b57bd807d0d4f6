"""The cold-start stand-in for pydantic's plugin loader (jixiao.tui._startup), pinned down.

The stand-in saves importing importlib.metadata at every ``jixiao`` start. These
tests fail, by name, when pydantic stops finding its plugins the way the
stand-in expects (the saving would be lost, or a model would be built
differently); pyproject bounds pydantic to the releases they passed on.
Each runs in a fresh interpreter: the stand-in acts at first import.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pydantic

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"


def run(code: str, **env: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"} | env
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


PROBE = f"""
import json, sys
from jixiao.tui import _startup
from jixiao.indicators.loader import load_form
form = load_form({str(SEED)!r})
loader = sys.modules.get("pydantic.plugin._loader")
print(json.dumps({{
    "metadata": "importlib.metadata" in sys.modules,
    "stand_in": loader is _startup._stand_in,
    "loaded": type(form).__name__,
}}))
"""


def test_a_start_builds_the_models_without_importing_importlib_metadata() -> None:
    got = run(PROBE)
    assert got == {"metadata": False, "stand_in": True, "loaded": "Form"}


def test_with_plugins_asked_for_pydantic_finds_them_its_own_way() -> None:
    got = run(PROBE, PYDANTIC_DISABLE_PLUGINS="some_plugin")
    assert got["stand_in"] is False and got["loaded"] == "Form"


def test_pydantic_still_takes_its_plugins_from_the_module_the_stand_in_replaces() -> None:
    """If this fails, pydantic moved plugin discovery: the stand-in no longer saves anything; revisit _startup."""
    got = run(
        "import inspect, json, os\n"
        "from pydantic.plugin import _schema_validator, _loader\n"
        "src = inspect.getsource(_schema_validator.create_schema_validator)\n"
        "print(json.dumps({'imports': 'from ._loader import get_plugins' in src,"
        " 'uses_metadata': 'importlib.metadata' in inspect.getsource(_loader),"
        " 'disabled_gives': list(_loader.get_plugins())}))",
        PYDANTIC_DISABLE_PLUGINS="__all__",
    )
    assert got == {"imports": True, "uses_metadata": True, "disabled_gives": []}


def test_any_other_name_asked_of_the_stand_in_comes_from_pydantic() -> None:
    got = run(
        "import json, sys\n"
        "from jixiao.tui import _startup\n"
        "from pydantic.plugin._loader import PYDANTIC_ENTRY_POINT_GROUP\n"
        "print(json.dumps({'group': PYDANTIC_ENTRY_POINT_GROUP,"
        " 'replaced': sys.modules['pydantic.plugin._loader'] is not _startup._stand_in}))"
    )
    assert got == {"group": "pydantic", "replaced": True}


def test_pydantic_is_bounded_in_pyproject() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    spec = re.search(r'"pydantic(>=[^"]*)"', pyproject)
    assert spec is not None
    low, high = re.findall(r"[<>]=?\s*([\d.]+)", spec.group(1))
    version = tuple(int(x) for x in pydantic.VERSION.split(".")[:2])
    assert high.count(".") >= 1, "bound pydantic below its next minor release (see jixiao.tui._startup)"
    assert tuple(int(x) for x in low.split(".")[:2]) <= version < tuple(int(x) for x in high.split(".")[:2])
