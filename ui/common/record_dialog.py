"""The base of every form over one record: save, refuse with a message at each field, a
version conflict shown field by field, the unsaved-changes question on closing, read-only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QWidget

from app.domain.validation import ValidationError
from app.i18n import _, ngettext
from app.services.conflicts import Conflict
from app.services.errors import ConflictError, NotAllowed, NotFound
from ui.common import conflict_dialog, user_settings
from ui.common.conflict_dialog import ConflictChoice
from ui.common.qt import DISCARD, SAVE
from ui.common.widgets import ERROR_COLOUR, FieldBox, ask_to_save, show_field_messages


class RecordDialog(QDialog):
    """A form over one record, new or saved. A subclass builds the form, fills `boxes`
    (field name -> FieldBox, in form order), sets `message` to the label beside its buttons
    (or leaves it None to say nothing there) and implements:

    - `state()`: what the form holds, to compare with what was loaded;
    - `write()`: create or update the record from the form and return it; raise
      ValidationError, ConflictError or NotFound as the service does, or return None when
      the refusal is explained already (a duplicate to look at, say);
    - `show_saved(record)`: show the record saved (load it, say so, emit a signal);
    - `compare()` and `write_over(conflict)`: the service's conflict() and save_over(),
      for a record saved elsewhere meanwhile; `reload()` shows their version;
    - `close_question()`: the question asked on closing with unsaved changes.

    Loading ends with `take_baseline()`; `set_read_only()` hides the saving. Esc, a Close
    button and the window's close box all come to `reject()`, which asks before dropping
    what was typed. `record` names the record in app.domain.fields ("account"), so the
    conflict dialog names each field by its label there."""

    record: ClassVar[str] = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.read_only = False
        self.boxes: dict[str, FieldBox] = {}
        self.message: QLabel | None = None  # what is not about one field: saved, refused
        self._baseline: tuple[Any, ...] = ()

    # What a subclass implements

    def state(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def write(self) -> Any:
        raise NotImplementedError

    def show_saved(self, record: Any) -> None:
        raise NotImplementedError

    def compare(self) -> Conflict:
        raise NotImplementedError

    def write_over(self, conflict: Conflict) -> Any:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def close_question(self) -> str:
        return _("Save the changes before closing?")

    # Unsaved changes and read-only

    def take_baseline(self) -> None:
        """What the form holds now counts as saved: call at the end of loading."""
        self._baseline = self.state()

    def is_modified(self) -> bool:
        return not self.read_only and self.state() != self._baseline

    def set_read_only(self, read_only: bool) -> None:
        """Nothing can be saved while read-only; a subclass extends this to its fields and
        buttons."""
        self.read_only = read_only

    # Saving

    def save(self) -> bool:
        """Save; True when saved. A refusal leaves every value as typed, shows each message
        at its field and focuses the first field to fix."""
        if self.read_only:
            return False
        try:
            record = self.write()
        except ValidationError as exc:
            self.refuse(exc.errors, exc.warnings)
            return False
        except ConflictError:
            return self.resolve_conflict()
        except NotFound as exc:
            return self.on_gone(str(exc))
        except NotAllowed as exc:
            # What typed stays; the user is told why (the form shows who may change it).
            self.say(str(exc), error=True)
            return False
        if record is None:
            return False
        self.show_saved(record)
        return True

    def save_and_close(self) -> None:
        if self.save():
            self.accept()

    def resolve_conflict(self) -> bool:
        """Saved elsewhere since it was opened: show what changed on each side, then reload
        theirs, save ours over it, or go back to editing. Nothing is lost unseen."""
        try:
            conflict = self.compare()
        except NotFound as exc:
            return self.on_gone(str(exc))
        choice = conflict_dialog.ask(conflict, self, record=self.record)
        if choice is ConflictChoice.RELOAD:
            self.reload()
            self.say(_("Reloaded: this is the version saved elsewhere."))
            return False
        if choice is ConflictChoice.KEEP_EDITING:
            self.say(_("Not saved: {reason}").format(reason=conflict.message), error=True)
            return False
        try:
            record = self.write_over(conflict)
        except ValidationError as exc:
            self.refuse(exc.errors, exc.warnings)
            return False
        except ConflictError:
            return self.resolve_conflict()  # changed yet again meanwhile
        except NotFound as exc:
            return self.on_gone(str(exc))
        self.show_saved(record)
        return True

    def on_gone(self, message: str) -> bool:
        """The record was removed elsewhere; returns whether it was saved after all."""
        self.say(_("Not saved: {reason}").format(reason=message), error=True)
        return False

    # Messages

    def refuse(
        self,
        errors: Mapping[str, str],
        warnings: Mapping[str, str] | None = None,
        what: str | None = None,
    ) -> None:
        """Each message at its field, a summary beside the buttons with what has no field,
        and the focus on the first field to fix. `what` heads the summary ("Not saved",
        translated, unless given)."""
        unplaced = list(self.show_messages(errors, warnings).values())
        placed = len(errors) - len(unplaced)
        sentences = [message for message in unplaced if message]
        if placed:
            count = ngettext("{n} field to correct.", "{n} fields to correct.", placed)
            sentences.insert(0, count.format(n=placed))
        heading = what if what is not None else _("Not saved")
        summary = _("{heading}: {details}").format(heading=heading, details=" ".join(sentences))
        self.say(summary.rstrip(), error=True)
        first = next((name for name in self.field_order() if name in errors), None)
        if first is not None:
            self.focus_field(first)

    def field_order(self) -> Iterable[str]:
        """The fields in the order the form shows them: the first refused one gets the focus."""
        return self.boxes

    def show_messages(
        self, errors: Mapping[str, str], warnings: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        """Each error, else warning, at its field; returns the errors that have none."""
        self.say("")
        return show_field_messages(self.boxes, errors, warnings)

    def focus_field(self, name: str) -> None:
        box = self.boxes[name]
        self.reveal(box)
        box.field.setFocus()
        if isinstance(box.field, QLineEdit):
            box.field.selectAll()

    def reveal(self, box: FieldBox) -> None:
        """Bring a field into view (its tab, its place in a scroll area) before it is focused."""

    def say(self, text: str, error: bool = False) -> None:
        if self.message is None:
            return
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")
        self.message.setText(text)

    def _geometry_key(self) -> str:
        return f"dialogs/{type(self).__name__}"

    # Qt overrides

    def showEvent(self, event: QShowEvent) -> None:
        if not getattr(self, "_placed", False):
            self._placed = True
            # The size and place the user last left this kind of form at (Qt keeps it on
            # a screen that is there now).
            user_settings.restore_geometry(self, self._geometry_key())
        super().showEvent(event)

    def done(self, result: int) -> None:
        user_settings.save_geometry(self, self._geometry_key())
        super().done(result)

    def reject(self) -> None:
        """Esc, the Close button and the window's close box all come here."""
        if self.is_modified():
            answer = ask_to_save(self, self.close_question())
            if answer == SAVE:
                self.save_and_close()
                return
            if answer != DISCARD:
                return
        super().reject()
