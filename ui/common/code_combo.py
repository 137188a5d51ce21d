"""A picker over one of the editable coded lists (channels, payment interests, activity
outcomes): the list's active entries in its order, and the record's own entry when it is
no longer offered, so a record shows what it holds."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.services import reference
from ui.common.widgets import _ValueCombo


class CodeCombo(_ValueCombo):
    """The value is the entry's code, as records keep it."""

    def __init__(
        self, kind: str, none_label: str | None = "—", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.none_label = none_label
        self.reload()

    def reload(self, keep: str = "") -> None:
        """Read the list again (an administrator may have changed it), keeping the pick."""
        keep = keep or self.current_code()
        self._fill(
            ((c.code, c.label) for c in reference.code_choices(self.kind, keep)), self.none_label
        )

    def current_code(self) -> str:
        return self.current_value() or ""

    def set_current_code(self, code: str) -> bool:
        """Pick the entry; an entry no longer offered is added for this record only."""
        self.reload(code)
        return self.set_current_value(code or None)
