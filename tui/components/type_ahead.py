"""Type-ahead for the editor's dialogs: keys typed while a dialog opens reach it, in order.

A key pressed while a dialog is being opened arrives before any of its
widgets has the focus: Textual gives it to the screen, where it used to be
lost (a note typed right after ``n`` lost its beginning), and a key that
closes the dialog (Ctrl+S, Enter) ran at once, before the keys typed ahead of
it.  Keys typed just after the key that opens a dialog are worse off: they are
already queued for the widget below, which does not take them, and come back
to the app after the dialog has opened; the app hands those to the dialog
(:meth:`TypeAhead.take`).  :class:`TypeAhead` (mixed into a ModalScreen) keeps
those keys and types them into the dialog's field once it has the focus, and runs the closing
actions after the keys before them (``call_later`` puts them behind the keys
already waiting for the screen).
"""

from __future__ import annotations

from typing import Any

from textual import events

__all__ = ["TypeAhead", "TypeAheadKeys"]


class TypeAhead:
    """Mixed into a ModalScreen whose :meth:`typing_field` is an Input or a TextArea."""

    _early: list[tuple[str, str | None]] | None = None  # keys before the dialog was ready; typed in then
    _ready = False  # the field is there and asked for the focus (which Textual gives a moment later)

    def typing_field(self) -> Any:  # pragma: no cover - each dialog says which
        raise NotImplementedError

    def type_ahead_ready(self) -> None:
        """Call when the field has the focus (end of ``on_mount``): the keys kept so far are typed into it."""
        early, self._early, self._ready = self._early or [], None, True
        for key, char in early:
            self._type(key, char)

    def take(self, key: str, char: str | None) -> bool:
        """A key typed before this dialog opened, still on its way through the screen below (the app hands it
        over): kept or typed in as :meth:`on_key` does; False for a key the field does not take."""
        if not self._ready:
            if self._early is None:
                self._early = []
            self._early.append((key, char))
            return True
        return self._type(key, char)

    def on_key(self, event: events.Key) -> None:
        # a key that reaches the screen itself: sent while no widget had the focus (the dialog was opening)
        if not self._ready:
            if self._early is None:
                self._early = []
            self._early.append((event.key, event.character))
        elif not self._type(event.key, event.character):
            return
        event.stop()
        event.prevent_default()

    def _type(self, key: str, char: str | None) -> bool:
        """One kept key into the field, as the field would take it; False for a key it does not take."""
        from textual.widgets import Input, TextArea

        field = self.typing_field()
        if key == "escape":
            self.later_cancel()
        elif key == "enter":
            if isinstance(field, TextArea):
                field.insert("\n")
            else:
                self.later_submit()
        elif key == "backspace":
            field.action_delete_left()
        elif key == "ctrl+a":
            field.select_all()  # what is typed next replaces the whole text, as in the dialog itself
        elif key == "ctrl+s" and isinstance(field, TextArea):
            self.later_keep()
        elif char is not None and char.isprintable() and len(char) == 1:
            if isinstance(field, Input):
                if not field.selection.is_empty:  # typing over a selection replaces it, as a key in the field does
                    field.delete_selection()
                field.insert_text_at_cursor(char)
            else:
                field.insert(char)  # a TextArea replaces its selection itself
        else:
            return False
        return True

    def later_keep(self) -> None:  # pragma: no cover - dialogs with a keep action override
        pass

    def later_submit(self) -> None:  # pragma: no cover - dialogs with a submit action override
        pass

    def later_cancel(self) -> None:  # pragma: no cover - each dialog overrides
        pass


class TypeAheadKeys:
    """Mixed into the App (before ``App`` in its bases): hands the keys typed ahead of a dialog over to it.

    A key sent to the screen below before a dialog opened comes back to the
    app unhandled, after the dialog has opened: the dialog takes it.  Enter on
    a table opens its dialog one message later than the keys typed after it
    come back: those are held (not run as the main screen's shortcuts) and
    handed over by :meth:`_hand_over`, which the table's CellSelected handler
    calls once the dialog is open.
    """

    _opening = False  # Enter on a table: its dialog is on its way
    _held: list[tuple[str, str | None]] | None = None

    async def on_event(self, event: events.Event) -> None:
        from textual.widgets import DataTable

        app: Any = self
        if isinstance(event, events.Key):
            screen = app.screen
            if not event.is_forwarded:
                event._jixiao_screen = screen  # type: ignore[attr-defined]
                if (event.key == "enter" and not self._opening and isinstance(app.focused, DataTable)
                        and not isinstance(screen, TypeAhead)):
                    self._opening = True
                    event._jixiao_opener = True  # type: ignore[attr-defined]
            elif getattr(event, "_jixiao_opener", False):  # the Enter came back: the table's binding selects the cell
                await super().on_event(event)  # type: ignore[misc]
                app.set_timer(0.5, self._release)  # the dialog opens on CellSelected; if it never does, let go
                return
            elif getattr(event, "_jixiao_screen", screen) is not screen and isinstance(screen, TypeAhead):
                if screen.take(event.key, event.character):
                    return
            elif self._opening and getattr(event, "_jixiao_screen", None) is screen:
                if self._held is None:
                    self._held = []
                self._held.append((event.key, event.character))
                return
        await super().on_event(event)  # type: ignore[misc]

    def _release(self) -> None:
        if self._opening:
            self._hand_over()

    def _hand_over(self) -> None:
        """After Enter's dialog opened (or did not): the keys held meanwhile go to it (or nowhere)."""
        held, self._held, self._opening = self._held or [], None, False
        screen = getattr(self, "screen", None)
        if isinstance(screen, TypeAhead):
            for key, char in held:
                screen.take(key, char)
