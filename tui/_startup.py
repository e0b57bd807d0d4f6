"""What the command line sets before anything else is imported.

:mod:`tui.cli` imports this module first, before the loader builds the first
pydantic model class.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

# pydantic scans every installed distribution for plugins on first use
# (importlib.metadata, tens of milliseconds); jixiao uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def _skip_plugin_discovery() -> None:
    """With plugins disabled, pydantic's ``get_plugins()`` returns nothing, but the
    module that holds it imports importlib.metadata (with email, zipfile, csv...)
    first, when the first model class is built: about 15 ms of CPU at every start.
    Stand in a module whose ``get_plugins()`` returns nothing, as pydantic's does."""
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] not in ("__all__", "1", "true") or "pydantic.plugin._loader" in sys.modules:
        return
    loader = ModuleType("pydantic.plugin._loader", "jixiao: plugins disabled (PYDANTIC_DISABLE_PLUGINS)")
    loader.get_plugins = lambda: ()  # type: ignore[attr-defined]  # a module built at run time
    sys.modules[loader.__name__] = loader


_skip_plugin_discovery()
