"""A picker over one of the editable coded lists (channels, payment interests, activity
outcomes): the list's active entries in its order, and the record's own entry when it is
no longer offered, so a record shows what it holds."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from app.services import reference
from app.services.reference import CodeChoice
from ui.common.widgets import _ValueCombo


class CodeCombo(_ValueCombo):
    """The value is the entry's code, as records keep it. The list is read when it is
    first needed, unless a form hands it in (`set_entries`) with what it read to open."""

    def __init__(
        self, kind: str, none_label: str | None = "—", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.none_label = none_label
        self._entries: list[CodeChoice] | None = None
        self._offered: set[str] = set()
        self._fill((), none_label)

    def set_entries(self, entries: Sequence[CodeChoice] | None) -> None:
        """Offer from these entries (every entry of the list, as reference reads them)."""
        self._entries = list(entries) if entries is not None else None
        self._offer(self.current_code())

    def reload(self) -> None:
        """Read the list again (an administrator may have changed it), keeping the pick."""
        self._entries = reference.code_entries(self.kind)
        self._offer(self.current_code())

    def _offer(self, keep: str) -> None:
        if self._entries is None:
            self._entries = reference.code_entries(self.kind)
        offered = reference.code_choices(self.kind, keep, self._entries)
        self._offered = {c.code for c in offered}
        self._fill(((c.code, c.label) for c in offered), self.none_label)

    def showEvent(self, event: QShowEvent) -> None:
        # Shown without a form handing the list in: read it now, so the entries are there
        # to be picked by typing their first letter as well as from the popup.
        if self._entries is None:
            self._offer(self.current_code())
        super().showEvent(event)

    def current_code(self) -> str:
        return self.current_value() or ""

    def set_current_code(self, code: str) -> bool:
        """Pick the entry; an entry no longer offered is added for this record only."""
        if self._entries is None or (code or "") not in self._offered or self._stale(code):
            self._offer(code)
        return self.set_current_value(code or None)

    def _stale(self, code: str) -> bool:
        """Whether another record's retired entry is still offered (it goes again)."""
        return any(
            c.code in self._offered and not c.active and c.code != code for c in self._entries or ()
        )
