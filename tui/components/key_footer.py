"""The footer of keys, rebuilt only when the keys it shows change.

Textual's :class:`~textual.widgets.Footer` rebuilds all its keys (a widget each)
whenever the screen says its bindings may have changed: at start-up that is
three times (the screen stack, the first focus, the first idle) for the same
keys, about a third of the time to the first screen.  This one compares what it
would show (key, label, enabled, tooltip) with what it shows and rebuilds only
on a difference.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


def shown_keys(screen: Screen[Any]) -> tuple[tuple[str, str, bool, str], ...]:
    """What a footer on ``screen`` shows: each shown binding's key, label, whether enabled, tooltip."""
    return tuple(
        (binding.key, binding.description, enabled, tooltip)
        for (_, binding, enabled, tooltip) in screen.active_bindings.values()
        if binding.show
    )


class KeyFooter(Footer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[tuple[str, str, bool, str], ...] | None = None

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            keys = shown_keys(screen)
            if keys == self._shown:
                return  # the same keys: nothing to rebuild
            self._shown = keys
        super().bindings_changed(screen)
