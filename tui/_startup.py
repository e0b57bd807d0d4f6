"""What the command line sets before anything else is imported.

:mod:`tui.cli` imports this module first, before the loader builds the first
pydantic model class.

This is the one place jixiao reaches past pydantic's public API. pydantic
reads ``PYDANTIC_DISABLE_PLUGINS`` (public, documented) and then finds no
plugins, but the module that reads it, ``pydantic.plugin._loader``, imports
importlib.metadata (with email, zipfile, csv...) first, when the first model
class is built: 11-17 ms of a ~120 ms ``jixiao score`` (measured with
``benchmarks/bench_speed.py --only cold``). With plugins disabled, a stand-in
module answers ``get_plugins()`` with nothing, as pydantic's own does; any other
name asked of it loads pydantic's real module, so a pydantic that changes the
module costs this saving, never a failure. pyproject bounds pydantic to the
releases tests/test_startup.py passed on; that test fails loudly when pydantic
stops asking this module for its plugins.
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType
from typing import Any

# pydantic scans every installed distribution for plugins on first use
# (importlib.metadata, tens of milliseconds); jixiao uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

LOADER = "pydantic.plugin._loader"
#: the values of PYDANTIC_DISABLE_PLUGINS with which pydantic's get_plugins() returns nothing
DISABLED = ("__all__", "1", "true")


def _real(name: str) -> Any:
    """A name the stand-in does not have: from pydantic's own module, which replaces the stand-in."""
    if name.startswith("__"):  # what the import system asks of any module (__path__...): not pydantic's names
        raise AttributeError(name)
    if sys.modules.get(LOADER) is _stand_in:
        del sys.modules[LOADER]
    return getattr(importlib.import_module(LOADER), name)


_stand_in = ModuleType(LOADER, "jixiao: plugins disabled (PYDANTIC_DISABLE_PLUGINS); see jixiao.tui._startup")
# get_plugins: what pydantic asks for; __getattr__ (PEP 562): any name not defined here
vars(_stand_in).update(get_plugins=lambda: (), __getattr__=_real)


def skip_plugin_discovery() -> bool:
    """Put the stand-in in place when plugins are disabled; True when it is."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in DISABLED:
        return False
    if LOADER in sys.modules:
        return sys.modules[LOADER] is _stand_in
    sys.modules[LOADER] = _stand_in
    return True


skip_plugin_discovery()
