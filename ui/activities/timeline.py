"""A timeline of activities, newest first, with the buttons that log or plan the next one: an
opportunity's (with its stage moves and close-date changes), a lead's or a customer's."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QFont, QKeyEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import reading
from app.domain.choices import ActivityKind
from app.domain.validation import ValidationError
from app.i18n import N_, NP_, _, pgettext
from app.services import activities
from app.services.errors import NotFound
from app.services.timeline import TimelineEntry
from ui.activities.activity_dialog import ActivityDialog
from ui.common import changes
from ui.common.qt import (
    ACCESSIBLE,
    ALIGN_CENTER,
    ALIGN_LEFT,
    ALIGN_RIGHT,
    ANTIALIASING,
    CUSTOM_MENU,
    DELETE_ON_CLOSE,
    DISPLAY,
    ELIDE_RIGHT,
    ENTER_KEYS,
    ITEM_VIEW_ITEM,
    NO_EDIT,
    NO_PEN,
    PALETTE_HIGHLIGHTED_TEXT,
    PALETTE_PLACEHOLDER,
    PALETTE_TEXT,
    PER_PIXEL,
    SCROLL_BAR_OFF,
    SINGLE_SELECTION,
    STATE_SELECTED,
    TOOLTIP,
    TOP_CENTRE_WRAPPED,
)
from ui.common.roles import ID_ROLE, ROW_ROLE
from ui.common.widgets import ERROR_COLOUR, WARNING_COLOUR

# The buttons that add to the timeline, in the order a sale usually needs them.
ADD_KINDS = (
    (ActivityKind.APPOINTMENT.value, N_("Appointment…")),
    (ActivityKind.TEST_DRIVE.value, N_("Test drive…")),
    (ActivityKind.TASK.value, N_("Task…")),
    (ActivityKind.CALL.value, N_("Call…")),
    (ActivityKind.EMAIL.value, N_("E-mail…")),
    (ActivityKind.NOTE.value, N_("Note…")),
)
# A coloured disc with a glyph per kind; what the sale itself did (stage moves, close-date
# changes) stays grey so the customer's activities stand out.
MARKERS: dict[str, tuple[str, str]] = {
    ActivityKind.APPOINTMENT.value: ("A", "#1565c0"),
    ActivityKind.TEST_DRIVE.value: ("D", "#2e7d32"),
    ActivityKind.TASK.value: ("T", "#8a5a00"),
    ActivityKind.CALL.value: ("C", "#6a1b9a"),
    ActivityKind.EMAIL.value: ("E", "#00838f"),
    ActivityKind.NOTE.value: ("N", "#5d4037"),
    "stage": ("→", "#757575"),
    "close_date": ("▦", "#757575"),
    "document": ("▤", "#37474f"),
}
UNKNOWN_MARKER = ("•", "#757575")
# The letters stand for the kinds' names, so a translator picks them for the language.
MARKER_LETTERS: dict[str, tuple[str, str]] = {
    ActivityKind.APPOINTMENT.value: NP_("timeline marker of an appointment", "A"),
    ActivityKind.TEST_DRIVE.value: NP_("timeline marker of a test drive", "D"),
    ActivityKind.TASK.value: NP_("timeline marker of a task", "T"),
    ActivityKind.CALL.value: NP_("timeline marker of a phone call", "C"),
    ActivityKind.EMAIL.value: NP_("timeline marker of an e-mail", "E"),
    ActivityKind.NOTE.value: NP_("timeline marker of a note", "N"),
}
# Notes and e-mails record what happened; everything else can still be open (as in the agenda).
NEVER_OPEN = frozenset({ActivityKind.NOTE.value, ActivityKind.EMAIL.value})
CLOSED_HINT = N_("This opportunity is closed: reopen it to add activities.")
UNSAVED_HINT = N_("Save the opportunity first to add activities.")


@dataclass(frozen=True, slots=True)
class TimelineParent:
    """What a timeline belongs to: how it reads its entries and how it speaks of it. The
    texts are marked with N_() and translated where they are shown."""

    name: str  # "opportunity", "lead", "account": the activity's `<name>_id`
    entries: Callable[[int], list[TimelineEntry]]
    unsaved_hint: str
    read_only_hint: str
    # Each add button's tooltip, by kind: a whole sentence, "Add a task to this customer".
    add_tips: Mapping[str, str]


OPPORTUNITY = TimelineParent(
    "opportunity",
    activities.timeline,
    UNSAVED_HINT,
    CLOSED_HINT,
    {
        ActivityKind.APPOINTMENT.value: N_("Add an appointment to this opportunity"),
        ActivityKind.TEST_DRIVE.value: N_("Add a test drive to this opportunity"),
        ActivityKind.TASK.value: N_("Add a task to this opportunity"),
        ActivityKind.CALL.value: N_("Add a phone call to this opportunity"),
        ActivityKind.EMAIL.value: N_("Add an e-mail to this opportunity"),
        ActivityKind.NOTE.value: N_("Add a note to this opportunity"),
    },
)
LEAD = TimelineParent(
    "lead",
    activities.for_lead,
    N_("Save the lead first to add activities."),
    N_(
        "This lead was converted: its activities are kept as they were. Log new ones on its "
        "opportunity."
    ),
    {
        ActivityKind.APPOINTMENT.value: N_("Add an appointment to this lead"),
        ActivityKind.TEST_DRIVE.value: N_("Add a test drive to this lead"),
        ActivityKind.TASK.value: N_("Add a task to this lead"),
        ActivityKind.CALL.value: N_("Add a phone call to this lead"),
        ActivityKind.EMAIL.value: N_("Add an e-mail to this lead"),
        ActivityKind.NOTE.value: N_("Add a note to this lead"),
    },
)
ACCOUNT = TimelineParent(
    "account",
    activities.for_account,
    N_("Create the customer first to add activities."),
    "",
    {
        ActivityKind.APPOINTMENT.value: N_("Add an appointment to this customer"),
        ActivityKind.TEST_DRIVE.value: N_("Add a test drive to this customer"),
        ActivityKind.TASK.value: N_("Add a task to this customer"),
        ActivityKind.CALL.value: N_("Add a phone call to this customer"),
        ActivityKind.EMAIL.value: N_("Add an e-mail to this customer"),
        ActivityKind.NOTE.value: N_("Add a note to this customer"),
    },
)


def is_open(entry: TimelineEntry) -> bool:
    """An activity still to be done: the timeline marks it and offers "Mark done"."""
    return entry.activity_id is not None and not entry.done and entry.kind not in NEVER_OPEN


class TimelineModel(QAbstractListModel):
    """The timeline's entries as rows; the delegate draws them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: list[TimelineEntry] = []
        self.now = datetime.now()

    def set_entries(self, entries: Sequence[TimelineEntry], now: datetime | None = None) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.now = now or datetime.now()
        self.endResetModel()

    def entry(self, row: int) -> TimelineEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def row_of(self, activity_id: int) -> int | None:
        return next(
            (row for row, e in enumerate(self._entries) if e.activity_id == activity_id), None
        )

    def is_overdue(self, entry: TimelineEntry) -> bool:
        return is_open(entry) and entry.when < self.now

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        if role == DISPLAY:
            return entry.title
        if role == ROW_ROLE:
            return entry
        if role == ID_ROLE:
            return entry.activity_id
        if role == TOOLTIP:
            lines = [
                entry.title,
                " · ".join(p for p in (_when(entry.when), entry.by, entry.about) if p),
            ]
            if entry.detail:
                lines.append(entry.detail)
            return "\n".join(lines)
        if role == ACCESSIBLE:
            when = _when(entry.when)
            if self.is_overdue(entry):
                return _("{when} {title} (overdue)").format(when=when, title=entry.title)
            if is_open(entry):
                return _("{when} {title} (to do)").format(when=when, title=entry.title)
            return f"{when} {entry.title}"
        return None


class TimelineDelegate(QStyledItemDelegate):
    """One entry in two lines: the marker, the title and when on the first; who and the
    description on the second, with "to do" or "overdue" for what is still open."""

    PADDING = 6
    MARKER = 22

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        line = option.fontMetrics.lineSpacing()
        # The width is the view's: the row fits it and elides, never scrolls sideways.
        return QSize(1, 2 * line + 2 * self.PADDING + 2)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        entry: TimelineEntry | None = index.data(ROW_ROLE)
        if entry is None:
            return
        model = index.model()
        overdue = isinstance(model, TimelineModel) and model.is_overdue(entry)
        pending = is_open(entry)
        view_option = QStyleOptionViewItem(option)
        self.initStyleOption(view_option, index)
        view_option.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(ITEM_VIEW_ITEM, view_option, painter, widget)

        selected = bool(option.state & STATE_SELECTED)
        palette = option.palette
        text_colour = palette.color(PALETTE_HIGHLIGHTED_TEXT if selected else PALETTE_TEXT)
        quiet_colour = text_colour if selected else palette.color(PALETTE_PLACEHOLDER)
        rect: QRect = option.rect
        metrics = option.fontMetrics
        line = metrics.lineSpacing()
        left = rect.left() + self.PADDING
        top = rect.top() + self.PADDING

        painter.save()
        painter.setRenderHint(ANTIALIASING)
        glyph, colour = MARKERS.get(entry.kind, UNKNOWN_MARKER)
        letter = MARKER_LETTERS.get(entry.kind)
        if letter is not None:
            glyph = pgettext(*letter)
        disc = QRect(
            left, rect.top() + (rect.height() - self.MARKER) // 2, self.MARKER, self.MARKER
        )
        kind_colour = QColor(colour)
        if pending:
            # Still to do: a ring rather than a disc, like an unticked box.
            painter.setPen(QPen(kind_colour, 2))
            painter.setBrush(palette.base())
        else:
            painter.setPen(NO_PEN)
            painter.setBrush(kind_colour)
        painter.drawEllipse(disc.adjusted(1, 1, -1, -1))
        marker_font = QFont(option.font)
        marker_font.setBold(True)
        painter.setFont(marker_font)
        painter.setPen(kind_colour if pending else QColor("white"))
        painter.drawText(disc, ALIGN_CENTER, glyph)

        text_left = disc.right() + 2 * self.PADDING
        right = rect.right() - self.PADDING
        when = _when(entry.when)
        when_width = metrics.horizontalAdvance(when)
        first = QRect(text_left, top, right - text_left, line)
        title_font = QFont(option.font)
        title_font.setBold(pending)
        painter.setFont(option.font)
        painter.setPen(quiet_colour)
        painter.drawText(first, ALIGN_RIGHT, when)
        painter.setFont(title_font)
        painter.setPen(text_colour)
        title_room = first.adjusted(0, 0, -(when_width + 2 * self.PADDING), 0)
        title = painter.fontMetrics().elidedText(entry.title, ELIDE_RIGHT, title_room.width())
        painter.drawText(title_room, ALIGN_LEFT, title)

        second = QRect(text_left, top + line, right - text_left, line)
        painter.setFont(option.font)
        badge = _("overdue") if overdue else _("to do") if pending else ""
        badge_width = 0
        if badge:
            badge_width = metrics.horizontalAdvance(badge) + 2 * self.PADDING
            badge_colour = (
                text_colour if selected else QColor(ERROR_COLOUR if overdue else WARNING_COLOUR)
            )
            painter.setPen(badge_colour)
            painter.drawText(second, ALIGN_RIGHT, badge)
        detail = " ".join(entry.detail.split())  # one line of it; the tooltip has it all
        parts = [p for p in (entry.by, entry.about, detail) if p]
        painter.setPen(quiet_colour)
        room = second.adjusted(0, 0, -badge_width, 0)
        painter.drawText(
            room, ALIGN_LEFT, metrics.elidedText(" · ".join(parts), ELIDE_RIGHT, room.width())
        )
        painter.restore()


class TimelineView(QListView):
    """The list of entries: Enter or a double click opens an activity."""

    open_requested = Signal(int)  # an activity's id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionMode(SINGLE_SELECTION)
        self.setEditTriggers(NO_EDIT)
        # Every row is two lines: the view lays out 1,000 entries without asking each one.
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(PER_PIXEL)
        self.setAlternatingRowColors(True)
        self.setContextMenuPolicy(CUSTOM_MENU)
        self.setHorizontalScrollBarPolicy(SCROLL_BAR_OFF)
        self.doubleClicked.connect(self._open_index)
        # Said in the list's place while it has no entry.
        self.empty_text = ""

    def set_empty_text(self, text: str) -> None:
        if text != self.empty_text:
            self.empty_text = text
            self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if not self.empty_text or model is None or model.rowCount() > 0:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(PALETTE_PLACEHOLDER))
        margin = self.fontMetrics().height()
        area = self.viewport().rect().adjusted(margin, margin, -margin, -margin)
        painter.drawText(area, TOP_CENTRE_WRAPPED, self.empty_text)
        painter.end()

    def current_activity_id(self) -> int | None:
        index = self.currentIndex()
        value = index.data(ID_ROLE) if index.isValid() else None
        return int(value) if value is not None else None

    def _open_index(self, index: QModelIndex) -> None:
        value = index.data(ID_ROLE) if index.isValid() else None
        if value is not None:
            self.open_requested.emit(int(value))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in ENTER_KEYS:
            self._open_index(self.currentIndex())
            return
        super().keyPressEvent(event)


class TimelineWidget(QWidget):
    """The timeline of one opportunity, lead or customer (`attached_to`). Adding opens the
    activity dialog for that kind, attached to the record; a double click opens an
    activity; "Mark done" closes an open one. An activity whose own opportunity is closed or
    whose lead was converted opens read-only. Emits `changed` after anything was saved: the
    opportunity form refreshes its stage bar (a test drive moves the stage)."""

    changed = Signal()

    def __init__(
        self,
        current_user_id: int | None,
        parent: QWidget | None = None,
        *,
        attached_to: TimelineParent = OPPORTUNITY,
    ) -> None:
        super().__init__(parent)
        self.current_user_id = current_user_id
        self.attached_to = attached_to
        self.record_id: int | None = None
        self.read_only = False

        self.add_buttons: dict[str, QPushButton] = {}
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel(_("Add:")))
        for kind, text in ADD_KINDS:
            button = QPushButton(_(text))
            button.setAutoDefault(False)
            button.setToolTip(_(attached_to.add_tips[kind]))
            button.clicked.connect(lambda _checked=False, k=kind: self.add_activity(k))
            self.add_buttons[kind] = button
            top.addWidget(button)
        top.addStretch(1)
        # What acts on the selected entry sits under the list: the row of additions alone
        # keeps the tab narrow enough to stand beside the form's sections.
        self.open_button = QPushButton(_("Open"))
        self.open_button.setAutoDefault(False)
        self.done_button = QPushButton(_("Mark done"))
        self.done_button.setAutoDefault(False)
        self.done_button.setToolTip(_("Mark the selected task, appointment or call as done"))

        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.hide()
        self.model = TimelineModel(self)
        self.view = TimelineView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(TimelineDelegate(self.view))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.message.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        below = QHBoxLayout()
        below.setContentsMargins(0, 0, 0, 0)
        below.addStretch(1)
        below.addWidget(self.open_button)
        below.addWidget(self.done_button)
        layout.addLayout(below)
        layout.addWidget(self.message)

        self.open_action = QAction(_("Open…"), self)
        self.open_action.triggered.connect(self.open_current)
        self.done_action = QAction(_("Mark done"), self)
        self.done_action.triggered.connect(self.mark_current_done)
        self.view.open_requested.connect(self.open_activity)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._enable())
        self.view.customContextMenuRequested.connect(self._show_menu)
        self.open_button.clicked.connect(self.open_current)
        self.done_button.clicked.connect(self.mark_current_done)
        self._enable()

    # --- what the form calls ------------------------------------------------------------
    @property
    def opportunity_id(self) -> int | None:
        return self.record_id if self.attached_to is OPPORTUNITY else None

    def set_record(self, record_id: int | None) -> None:
        """Show this record's timeline; None (a new, unsaved one) shows nothing."""
        self.record_id = record_id
        self.refresh()

    def set_opportunity(self, opportunity_id: int | None) -> None:
        """What the opportunity form's tabs are told when the record changes."""
        self.set_record(opportunity_id)

    def set_read_only(self, read_only: bool) -> None:
        """A closed opportunity or a converted lead: nothing can be added or marked done."""
        self.read_only = read_only
        self._enable()

    def refresh(self) -> None:
        """Read the timeline again, keeping the selected activity selected."""
        selected = self.view.current_activity_id()
        entries = self.attached_to.entries(self.record_id) if self.record_id else []
        self.model.set_entries(entries)
        row = self.model.row_of(selected) if selected is not None else None
        if row is not None:
            self.view.setCurrentIndex(self.model.index(row))
        self._say("")
        self._enable()

    # --- adding and opening -------------------------------------------------------------
    def _dialog(
        self, activity_id: int | None, kind: str = ActivityKind.TASK.value, read_only: bool = False
    ) -> ActivityDialog:
        attached = self.attached_to.name
        dialog = ActivityDialog(
            activity_id,
            self.current_user_id,
            self,
            opportunity_id=self.record_id if attached == OPPORTUNITY.name else None,
            lead_id=self.record_id if attached == LEAD.name else None,
            account_id=self.record_id if attached == ACCOUNT.name else None,
            kind=kind,
            read_only=read_only,
        )
        return self._show(dialog)

    def add_activity(self, kind: str) -> ActivityDialog | None:
        """Open the activity dialog for a new activity of this kind."""
        if self.record_id is None or self.read_only:
            return None
        return self._dialog(None, kind)

    def open_activity(self, activity_id: int) -> ActivityDialog:
        row = self.model.row_of(activity_id)
        entry = self.model.entry(row) if row is not None else None
        return self._dialog(
            activity_id, read_only=self.read_only or (entry is not None and entry.locked)
        )

    def open_current(self) -> ActivityDialog | None:
        activity_id = self.view.current_activity_id()
        return self.open_activity(activity_id) if activity_id is not None else None

    def mark_current_done(self) -> bool:
        entry = self._current_entry()
        if entry is None or entry.activity_id is None or not self._can_finish(entry):
            return False
        try:
            activities.set_done(entry.activity_id)
        except (ValidationError, NotFound) as exc:
            self.refresh()
            self._say(_("Not marked done: {reason}").format(reason=exc))
            return False
        changes.record_changes().announce(changes.ACTIVITY, entry.activity_id)
        self._after_save()
        return True

    def _show(self, dialog: ActivityDialog) -> ActivityDialog:
        dialog.setAttribute(DELETE_ON_CLOSE)
        dialog.saved.connect(lambda _id: self._after_save())
        dialog.open()
        return dialog

    def _after_save(self) -> None:
        self.refresh()
        self.changed.emit()

    # --- state --------------------------------------------------------------------------
    def _current_entry(self) -> TimelineEntry | None:
        index = self.view.currentIndex()
        return self.model.entry(index.row()) if index.isValid() else None

    def _can_finish(self, entry: TimelineEntry) -> bool:
        return is_open(entry) and not entry.locked and not self.read_only

    def _enable(self) -> None:
        can_add = self.record_id is not None and not self.read_only
        for button in self.add_buttons.values():
            button.setEnabled(can_add)
        entry = self._current_entry()
        openable = entry is not None and entry.activity_id is not None
        self.open_button.setEnabled(openable)
        self.open_action.setEnabled(openable)
        can_finish = entry is not None and self._can_finish(entry)
        self.done_button.setEnabled(can_finish)
        self.done_action.setEnabled(can_finish)
        parent = self.attached_to
        hint = (
            parent.unsaved_hint
            if self.record_id is None
            else parent.read_only_hint
            if self.read_only
            else ""
        )
        self.hint.setText(_(hint) if hint else "")
        self.hint.setVisible(bool(hint))
        self.view.set_empty_text(
            ""
            if self.record_id is None
            else _("No activities.")
            if self.read_only
            else _("No activities yet: add one with the buttons above.")
        )

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _show_menu(self, position: QPoint) -> None:
        if not self.view.indexAt(position).isValid():
            return
        menu = QMenu(self)
        menu.addAction(self.open_action)
        menu.addAction(self.done_action)
        menu.popup(self.view.viewport().mapToGlobal(position))


def _when(value: datetime) -> str:
    """A moment as the screen's language writes it: '06.12.2026, 14:05' (de)."""
    return reading.format_moment(value)
