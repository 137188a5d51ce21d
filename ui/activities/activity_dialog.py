"""The activity dialog: an appointment, test drive, task, phone call, e-mail or note."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, time
from typing import Any

from PySide6.QtCore import QDateTime, QTime, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.choices import ActivityKind
from app.domain.fields import label
from app.domain.reading import format_day
from app.domain.validation import ValidationError
from app.i18n import N_, _
from app.services import activities, catalogue, reference
from app.services.activities import ActivityInput
from app.services.conflicts import Conflict
from app.services.errors import ConflictError, NotFound
from ui.activities.activity_kinds import (
    DEFAULT_LENGTH,
    DIRECTIONS,
    DONE_WHEN_NEW,
    FOLLOW_UP_KINDS,
    FOLLOW_UP_SPANS,
    NEW_TITLES,
    SAVE_QUESTIONS,
    SCHEDULED,
    START_FIELD_LOGGED,
    START_FIELDS,
    SUBJECT_HINTS,
    default_start,
    due_in,
    kind_label,
    slot_end,
    to_datetime,
    to_qdatetime,
)
from ui.common import changes
from ui.common.code_combo import CodeCombo
from ui.common.qt import (
    CANCEL_BUTTON,
    CLOSE_BUTTON,
    DISCARD,
    GROW_FIELDS,
    LABEL_ALIGN,
    NATIVE_TEXT,
    SAVE,
    SAVE_BUTTON,
    SAVE_KEYS,
)
from ui.common.record_dialog import RecordDialog
from ui.common.roles import VALUE_ROLE
from ui.common.widgets import (
    ChoiceCombo,
    FieldBox,
    FieldErrorLabel,
    LookupEdit,
    LookupItem,
    OptionCombo,
    ask_to_save,
    date_time_format,
    set_tab_chain,
)

TIME_FORMAT = "HH:mm"

PICKER_WIDTH = 240  # the short pickers line up rather than each taking its own width
# Form order: the first refused field in this order gets the focus.
FIELD_ORDER = (
    "kind",
    "subject",
    "starts_at",
    "ends_at",
    "vehicle_id",
    "direction",
    "note_reason",
    "owner_id",
    "done",
    "outcome",
    "description",
)


def _form(key: str) -> str:
    """A field's label as the form shows it, with its access key."""
    return label(key, form=True)


class ActivityDialog(RecordDialog):
    """One activity, new (`activity_id` None) or saved, attached to an opportunity, a
    customer or a lead. The fields follow the kind. Save (or Ctrl+S) saves and closes; a
    refusal keeps everything as typed and puts each message under its field; an activity
    saved elsewhere since it was opened goes through the record dialog's conflict path;
    closing with unsaved changes asks first. Emits `saved` with the id."""

    saved = Signal(int)
    followed_up = Signal(int)  # the id of the follow-up task made
    record = "activity"

    def __init__(
        self,
        activity_id: int | None,
        current_user_id: int | None,
        parent: QWidget | None = None,
        *,
        opportunity_id: int | None = None,
        account_id: int | None = None,
        lead_id: int | None = None,
        kind: str = ActivityKind.TASK.value,
        read_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setMinimumWidth(640)
        self.activity_id = activity_id
        self.current_user_id = current_user_id
        self.read_only = read_only
        self._loaded = ActivityInput(
            kind=kind,
            owner_id=current_user_id,
            opportunity_id=opportunity_id,
            account_id=account_id,
            lead_id=lead_id,
        )
        self._version = 0  # of the activity as loaded: what a save expects to find
        self._length = DEFAULT_LENGTH
        self._done_by_hand = False
        self.boxes: dict[str, FieldBox] = {}

        self.kind = ChoiceCombo(ActivityKind, none_label=None)
        for index in range(self.kind.count()):
            self.kind.setItemText(index, kind_label(self.kind.itemData(index, VALUE_ROLE)))
        self.subject = QLineEdit()
        self.starts = QDateTimeEdit()
        self.starts.setDisplayFormat(date_time_format())
        self.starts.setCalendarPopup(True)
        self.ends = QTimeEdit()
        self.ends.setDisplayFormat(TIME_FORMAT)
        self.ends_hint = QLabel()
        self.vehicle = LookupEdit(self._find_vehicles, _("VIN, stock number or model"))
        self.direction = QComboBox()
        self.direction.addItem("—", "")
        for code, text in DIRECTIONS:
            self.direction.addItem(_(text), code)
        self.note_reason = QComboBox()
        self.owner = OptionCombo()
        self.done_box = QCheckBox(label("activity.done"))
        # What came of it: recorded once it is done.
        self.outcome = CodeCombo("outcome")
        self.outcome.setToolTip(_("What came of it, once it is done"))
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setPlaceholderText(_("What was said or agreed, what to bring, …"))
        self.description.setMinimumHeight(90)

        for combo in (self.kind, self.direction, self.note_reason, self.owner, self.outcome):
            combo.setMinimumWidth(PICKER_WIDTH)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(GROW_FIELDS)
        self.form.setLabelAlignment(LABEL_ALIGN)
        self._row("kind", _form("activity.kind"), self.kind, short=True)
        self._row("subject", _form("activity.subject"), self.subject)
        self._row("starts_at", _form(START_FIELD_LOGGED), self.starts, short=True)
        self._row("ends_at", _form("activity.ends_at"), self.ends, self.ends_hint, short=True)
        self._row("vehicle_id", _form("activity.vehicle_id"), self.vehicle)
        self._row("direction", _form("activity.direction"), self.direction, short=True)
        self._row("note_reason", _form("activity.note_reason"), self.note_reason, short=True)
        self._row("owner_id", _form("activity.owner_id"), self.owner, short=True)
        self._row("done", "", self.done_box)
        self._row("outcome", _form("activity.outcome"), self.outcome, short=True)
        self._row("description", _form("activity.description"), self.description)

        self.message = FieldErrorLabel()  # what is not about one field
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(SAVE_BUTTON)
        self.save_button.setToolTip(
            _("Save and close ({keys})").format(keys=QKeySequence(SAVE_KEYS).toString(NATIVE_TEXT))
        )
        self.cancel_button = self.buttons.addButton(CLOSE_BUTTON if read_only else CANCEL_BUTTON)

        # A note, call or e-mail that says "call again in 6 months" becomes a task in one click.
        self.follow_up_span = QComboBox()
        for code, text in FOLLOW_UP_SPANS:
            self.follow_up_span.addItem(_(text), code)
        self.follow_up_span.setCurrentIndex(2)
        self.follow_up_day: date | None = None
        self.follow_up_button = QPushButton(_("Create &follow-up task"))
        self.follow_up_button.setAutoDefault(False)
        self.follow_up_note = QLabel()
        self.follow_up_row = QWidget()
        follow = QHBoxLayout(self.follow_up_row)
        follow.setContentsMargins(0, 0, 0, 0)
        follow.addWidget(QLabel(_("Follow up")))
        follow.addWidget(self.follow_up_span)
        follow.addWidget(self.follow_up_button)
        follow.addWidget(self.follow_up_note, 1)
        self.follow_up_row.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.follow_up_row)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        chain = [
            self.kind,
            self.subject,
            self.starts,
            self.ends,
            self.vehicle.line_edit,
            self.direction,
            self.note_reason,
            self.owner,
            self.done_box,
            self.outcome,
            self.description,
            self.save_button,
            self.cancel_button,
        ]
        set_tab_chain(chain)

        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.starts.dateTimeChanged.connect(self._on_start_changed)
        self.ends.timeChanged.connect(self._on_end_changed)
        self.done_box.clicked.connect(self._on_done_clicked)
        self.done_box.toggled.connect(lambda _on: self._enable_outcome())
        self.vehicle.picked.connect(lambda _id: self.boxes["vehicle_id"].clear_message())
        self.subject.textEdited.connect(self.boxes["subject"].clear_message)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.save_shortcut = QShortcut(QKeySequence(SAVE_KEYS), self)
        self.save_shortcut.activated.connect(self.save)
        self.follow_up_button.clicked.connect(self.create_follow_up)

        self._open()

    # --- loading ------------------------------------------------------------------------
    def _open(self) -> None:
        data = self._loaded
        if self.activity_id is not None:
            try:
                data = activities.get(self.activity_id)
            except NotFound as exc:
                self._load(data, "")
                self._set_read_only(True)
                self.message.show_error(str(exc))
                return
        self._load(data, getattr(data, "vehicle_label", ""))
        self._set_read_only(self.read_only)
        self._offer_follow_up(data)
        if self.read_only:
            self.cancel_button.setFocus()
        else:
            self.subject.setFocus()

    def _offer_follow_up(self, data: ActivityInput) -> None:
        """For a saved note, call or e-mail: the follow-up, on the day its text names."""
        offered = self.activity_id is not None and data.kind in FOLLOW_UP_KINDS
        self.follow_up_row.setVisible(offered and not self.read_only)
        if not offered or self.activity_id is None:
            return
        self.follow_up_day = activities.follow_up_date(self.activity_id)
        if self.follow_up_day is not None:
            self.follow_up_span.addItem(
                _("on {date}, as it says").format(date=format_day(self.follow_up_day)), None
            )
            self.follow_up_span.setCurrentIndex(self.follow_up_span.count() - 1)

    def follow_up_due(self) -> date:
        code = self.follow_up_span.currentData()
        if code is None and self.follow_up_day is not None:
            return self.follow_up_day
        return due_in(code, date.today())

    def create_follow_up(self) -> bool:
        """The follow-up task, due on the day chosen, for the same sale or customer."""
        if self.activity_id is None:
            return False
        due = self.follow_up_due()
        try:
            task = activities.follow_up(self.activity_id, due, self.current_user_id)
        except (ValidationError, NotFound) as exc:
            self.message.show_error(str(exc))
            return False
        self.follow_up_note.setText(
            _("Task “{subject}” due {date} added.").format(
                subject=task.subject, date=format_day(due)
            )
        )
        self.follow_up_button.setEnabled(False)
        self.followed_up.emit(task.id)
        return True

    def _load(self, data: ActivityInput, vehicle_label: str) -> None:
        self._version = getattr(data, "version", 0)
        self._loaded = ActivityInput(
            **{f.name: getattr(data, f.name) for f in fields(ActivityInput)}
        )
        self.kind.set_current_code(data.kind)
        self.subject.setText(data.subject)
        start = data.starts_at or default_start(data.kind)
        if data.ends_at is not None and data.ends_at > start:
            self._length = data.ends_at - start
        self.starts.setDateTime(to_qdatetime(start))
        self._show_end(start)
        self.vehicle.set_current(data.vehicle_id, vehicle_label)
        self.direction.setCurrentIndex(max(0, self.direction.findData(data.direction)))
        self._fill_reasons(data.note_reason)
        self._fill_owners(data.owner_id)
        new = self.activity_id is None
        self.done_box.setChecked(data.done or (new and data.kind in DONE_WHEN_NEW))
        self.outcome.set_current_code(data.outcome)
        self._enable_outcome()
        self.description.setPlainText(data.description)
        self._show_kind()
        for box in self.boxes.values():
            box.clear_message()
        self.message.clear_message()
        self._baseline = self.state()

    def _fill_reasons(self, current: str) -> None:
        self.note_reason.clear()
        self.note_reason.addItem("—", "")
        for reason in activities.note_reasons():
            self.note_reason.addItem(reason, reason)
        if current and self.note_reason.findData(current) < 0:
            # A reason since retired still shows on the notes that carry it.
            self.note_reason.addItem(current, current)
        self.note_reason.setCurrentIndex(max(0, self.note_reason.findData(current)))

    def _fill_owners(self, owner_id: int | None) -> None:
        options = reference.users()
        if owner_id is not None and all(o.id != owner_id for o in options):
            options = reference.users(active_only=False)
        self.owner.set_options(options, none_label="—")
        self.owner.set_current_id(owner_id)

    def _set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for edit in (self.subject, self.starts, self.ends, self.description):
            edit.setReadOnly(read_only)
        for widget in (self.kind, self.direction, self.note_reason, self.owner, self.done_box):
            widget.setEnabled(not read_only)
        self._enable_outcome()
        self.vehicle.set_read_only(read_only)
        self.save_button.setVisible(not read_only)
        self.save_shortcut.setEnabled(not read_only)
        self._update_title()

    def _update_title(self) -> None:
        kind = self.kind.current_code()
        what = kind_label(kind)
        if self.activity_id is None:
            self.setWindowTitle(_(NEW_TITLES.get(kind, N_("New activity"))))
        else:
            subject = self._loaded.subject
            self.setWindowTitle(
                _("{kind} — {subject}").format(kind=what, subject=subject) if subject else what
            )

    # --- the fields the kind asks for ----------------------------------------------------
    def _row(
        self, name: str, label: str, field: QWidget, *beside: QWidget, short: bool = False
    ) -> None:
        box = FieldBox(field, *beside, stretch=short)
        self.boxes[name] = box
        self.form.addRow(label, box)
        buddy = self.form.labelForField(box)
        if isinstance(buddy, QLabel):
            buddy.setBuddy(field)

    def _show_kind(self) -> None:
        kind = self.kind.current_code()
        self.form.setRowVisible(self.boxes["ends_at"], kind in SCHEDULED)
        self.form.setRowVisible(self.boxes["vehicle_id"], kind == ActivityKind.TEST_DRIVE.value)
        self.form.setRowVisible(self.boxes["direction"], kind == ActivityKind.CALL.value)
        self.form.setRowVisible(self.boxes["note_reason"], kind == ActivityKind.NOTE.value)
        # A note is a record, not something to do.
        self.form.setRowVisible(self.boxes["done"], kind != ActivityKind.NOTE.value)
        self.form.setRowVisible(self.boxes["outcome"], kind != ActivityKind.NOTE.value)
        caption = self.form.labelForField(self.boxes["starts_at"])
        if isinstance(caption, QLabel):
            caption.setText(_form(START_FIELDS.get(kind, START_FIELD_LOGGED)))
        hint = SUBJECT_HINTS.get(kind)
        self.subject.setPlaceholderText(_(hint) if hint else "")
        self._update_title()

    def _on_kind_changed(self) -> None:
        kind = self.kind.current_code()
        if self.activity_id is None and not self._done_by_hand:
            self.done_box.setChecked(kind in DONE_WHEN_NEW)
        self._show_kind()
        self.adjustSize()

    def _on_start_changed(self, value: QDateTime) -> None:
        # The end keeps the length of the slot when the start moves, as in a calendar.
        self.boxes["starts_at"].clear_message()
        self._show_end(to_datetime(value))

    def _on_end_changed(self, _value: QTime) -> None:
        self.boxes["ends_at"].clear_message()
        start = self.start_value()
        end = self.end_value()
        if end > start:
            self._length = end - start
        self._show_length()

    def _show_end(self, start: datetime) -> None:
        end = start + self._length
        blocked = self.ends.blockSignals(True)
        self.ends.setTime(QTime(end.hour, end.minute))
        self.ends.blockSignals(blocked)
        self._show_length()

    def _show_length(self) -> None:
        minutes = int((self.end_value() - self.start_value()).total_seconds() // 60)
        hours, rest = divmod(minutes, 60)
        if minutes <= 0:
            length = ""
        elif hours and rest:
            length = _("({hours} h {minutes} min)").format(hours=hours, minutes=rest)
        elif hours:
            length = _("({hours} h)").format(hours=hours)
        else:
            length = _("({minutes} min)").format(minutes=rest)
        self.ends_hint.setText(length)

    def _cars_for_test_drive(self, text: str) -> list[LookupItem]:
        """The demo fleet and the unsold stock, those free at the time chosen first; a car
        booked then says by whom and for which customer. Sold cars are not offered."""
        start, end = self.start_value(), self.end_value()
        words = text.casefold().split()
        items = []
        for car in activities.cars_for_test_drive(start, end, self.activity_id):
            if not all(word in car.label.casefold() for word in words):
                continue
            if not car.free:
                note, warn = _("booked {slot}").format(slot=car.busy_with), True
            elif car.demo_fleet:
                note, warn = _("demo fleet, free"), False
            else:
                note, warn = _("free"), False
            items.append(LookupItem(car.id, car.label, note, warn))
        return items

    def _on_done_clicked(self) -> None:
        self._done_by_hand = True

    def _enable_outcome(self) -> None:
        """The outcome is picked once the activity is done; what was picked stays in the
        field while it is not (and is saved only with the tick)."""
        done = self.done_box.isChecked()
        self.outcome.setEnabled(done and not self.read_only)
        self.boxes["outcome"].clear_message()

    def _find_vehicles(self, text: str) -> list[LookupItem]:
        if self.kind.current_code() == ActivityKind.TEST_DRIVE.value:
            return self._cars_for_test_drive(text)
        found = catalogue.find_vehicles(text, for_opportunity=self._loaded.opportunity_id)
        return [
            LookupItem(
                v.id,
                v.label,
                _("reserved by {opportunity}").format(opportunity=v.reserved_by)
                if v.reserved_by
                else "",
            )
            for v in found
        ]

    # --- reading and saving -------------------------------------------------------------
    def start_value(self) -> datetime:
        return to_datetime(self.starts.dateTime())

    def end_value(self) -> datetime:
        """The end on the start's day; a clock before the start's is the next morning when
        the slot is then at most MIDNIGHT_SLOT long (23:30 to 00:30), else it stays on the
        start's day and is refused as ending before it begins."""
        clock = self.ends.time()
        return slot_end(self.start_value(), time(clock.hour(), clock.minute()))

    def input(self) -> ActivityInput:
        kind = self.kind.current_code()
        # Only the fields of the kind go to the service, whatever the hidden ones hold.
        is_call, is_note = kind == ActivityKind.CALL.value, kind == ActivityKind.NOTE.value
        return ActivityInput(
            kind=kind,
            subject=self.subject.text(),
            description=self.description.toPlainText(),
            starts_at=self.start_value(),
            ends_at=self.end_value() if kind in SCHEDULED else None,
            done=is_note or self.done_box.isChecked(),
            owner_id=self.owner.current_id(),
            opportunity_id=self._loaded.opportunity_id,
            lead_id=self._loaded.lead_id,
            account_id=self._loaded.account_id,
            vehicle_id=self.vehicle.current_id() if kind == ActivityKind.TEST_DRIVE.value else None,
            direction=(self.direction.currentData() or "") if is_call else "",
            note_reason=(self.note_reason.currentData() or "") if is_note else "",
            outcome=self.outcome.current_code()
            if self.done_box.isChecked() and not is_note
            else "",
        )

    def state(self) -> tuple[Any, ...]:
        return (
            self.kind.current_code(),
            self.subject.text(),
            self.start_value(),
            self.end_value(),
            self.vehicle.current_id(),
            self.vehicle.text(),
            self.direction.currentData(),
            self.note_reason.currentData(),
            self.owner.current_id(),
            self.done_box.isChecked(),
            self.outcome.current_code(),
            self.description.toPlainText(),
        )

    def is_modified(self) -> bool:
        return not self.read_only and self.state() != self._baseline

    def _settle_vehicle(self) -> dict[str, str]:
        """A VIN or stock number typed but not picked from the list names the vehicle."""
        if (
            self.kind.current_code() != ActivityKind.TEST_DRIVE.value
            or self.vehicle.current_id() is not None
            or not self.vehicle.text()
        ):
            return {}
        try:
            choice = catalogue.vehicle_by_code(self.vehicle.text(), self._loaded.opportunity_id)
        except ValidationError as exc:
            return {"vehicle_id": exc.errors.get("vehicle_id", str(exc))}
        self.vehicle.set_current(choice.id, choice.label)
        return {}

    def save(self) -> bool:
        """Save and close; True when saved. A refusal leaves every value as typed."""
        if self.read_only:
            return False
        errors = self._settle_vehicle()
        data = self.input()
        try:
            if self.activity_id is None:
                detail = activities.create(data)
            else:
                detail = activities.update(self.activity_id, data, self._version)
        except ValidationError as exc:
            self._refuse({**exc.errors, **errors})
            return False
        except ConflictError:
            return self.resolve_conflict()
        except NotFound as exc:
            self._refuse({"activity": str(exc)})
            return False
        self.show_saved(detail)
        return True

    # --- RecordDialog: the conflict with another workstation's save ----------------------
    def show_saved(self, record: Any) -> None:
        self.activity_id = record.id
        self._loaded = record
        self._version = record.version
        self._baseline = self.state()
        changes.record_changes().announce(changes.ACTIVITY, record.id)
        self.saved.emit(record.id)
        self.accept()

    def compare(self) -> Conflict:
        assert self.activity_id is not None
        return activities.conflict(self.activity_id, self._loaded, self.input())

    def write_over(self, conflict: Conflict) -> Any:
        assert self.activity_id is not None
        return activities.save_over(self.activity_id, self._loaded, self.input(), conflict.version)

    def reload(self) -> None:
        assert self.activity_id is not None
        detail = activities.get(self.activity_id)
        self._load(detail, detail.vehicle_label)

    def refuse(
        self,
        errors: Any,
        warnings: Any = None,
        what: str | None = None,
    ) -> None:
        self._refuse(dict(errors))

    def say(self, text: str, error: bool = False) -> None:
        if not text:
            self.message.clear_message()
        elif error:
            self.message.show_error(text)
        else:
            self.message.show_warning(text)

    def _refuse(self, errors: dict[str, str]) -> None:
        first: QWidget | None = None
        shown: set[str] = set()
        for name in FIELD_ORDER:
            box = self.boxes[name]
            if name in errors and box.isVisibleTo(self):
                box.show_error(errors[name])
                shown.add(name)
                first = first or box.field
            else:
                box.clear_message()
        rest = [message for name, message in errors.items() if name not in shown]
        if rest:
            self.message.show_error(" ".join(rest))
        else:
            self.message.clear_message()
        self._relayout()
        if first is not None:
            first.setFocus()

    def _relayout(self) -> None:
        # The word-wrapped messages make the form height-for-width; Qt keeps the old row
        # heights (and cuts a long message to one line) unless the layout is redone.
        self.form.invalidate()
        layout = self.layout()
        layout.invalidate()
        layout.activate()
        wanted = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else 0
        if wanted > self.height():
            self.resize(self.width(), wanted)

    # --- Qt overrides -------------------------------------------------------------------
    def reject(self) -> None:
        """Esc, Cancel and the window's close box all come here."""
        if self.is_modified():
            question = SAVE_QUESTIONS.get(
                self.kind.current_code(), N_("Save this activity before closing?")
            )
            answer = ask_to_save(self, _(question))
            if answer == SAVE:
                self.save()
                return
            if answer != DISCARD:
                return
        super().reject()
