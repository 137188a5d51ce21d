"""The tabs under an opportunity's sections: its further contacts with their roles, and the
history of its stages and close dates."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from PySide6.QtCore import QSize
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import reading
from app.domain.choices import ContactRole, Status
from app.domain.fields import label
from app.domain.process import StageVisit
from app.domain.reading import format_day
from app.domain.validation import ValidationError
from app.i18n import _, pgettext
from app.services import accounts, audit_log, demand, opportunities, process
from app.services.accounts import OpportunityContactInfo
from app.services.errors import NotFound
from app.services.opportunities import CloseDateChange
from app.services.reference import Option
from ui.common.demand_editor import DemandEditor
from ui.common.qt import NO_SELECTION, PLAIN_TEXT, SINGLE_SELECTION
from ui.common.roles import VALUE_ROLE
from ui.common.widgets import ChoiceCombo, FieldErrorLabel, OptionCombo
from ui.opportunities.stage_bar import time_spent

CONTACT_PROPERTY = "contact_id"
ROLE_WIDTH = 200
CONTACT_WIDTH = 280
COLUMN_GAP = 24


class OpportunityTab(Protocol):
    """What the form asks of each of its tabs: show this opportunity (None: not saved yet),
    and take no changes while it is closed."""

    def set_opportunity(self, opportunity_id: int | None) -> None: ...

    def set_read_only(self, read_only: bool) -> None: ...


def _tree(*headers: str) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setHeaderLabels(list(headers))
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.setAllColumnsShowFocus(True)
    tree.header().setStretchLastSection(True)
    return tree


def _fit_columns(tree: QTreeWidget) -> None:
    for column in range(tree.columnCount() - 1):
        tree.resizeColumnToContents(column)
        tree.header().resizeSection(column, tree.header().sectionSize(column) + COLUMN_GAP)


class ContactsTab(QWidget):
    """The people at the customer who take part in the sale: the primary contact (chosen in
    the Opportunity section) and any number of further contacts, each with a role. Adding,
    a new role and removing are each saved at once."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.opportunity_id: int | None = None
        self.account_id: int | None = None
        self.read_only = False
        self.listed: list[OpportunityContactInfo] = []
        self.role_combos: dict[int, ChoiceCombo] = {}  # contact id -> its role picker

        self.hint = QLabel(
            _(
                "The primary contact is chosen in the Opportunity section; without any "
                "contact, the customer's address is used."
            )
        )
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)  # the quiet colour of a placeholder
        self.tree = _tree(_("Contact"), label("contact.role"))
        self.tree.setSelectionMode(SINGLE_SELECTION)
        # Rows hold a role picker each: as tall as it is, and the picker no wider than needed.
        self.tree.setUniformRowHeights(False)
        self.tree.header().setStretchLastSection(False)
        self.contact = OptionCombo()
        self.contact.setMinimumContentsLength(22)
        self.contact.setPlaceholderText(_("Choose a person at the customer…"))
        self.contact.setAccessibleName(_("Contact to add"))
        self.role = _role_combo()
        self.role.setAccessibleName(_("Role of the contact to add"))
        self.role.setPlaceholderText(_("Choose a role…"))
        self.role.setCurrentIndex(-1)
        self.add_button = QPushButton(_("&Add"))
        self.add_button.setAutoDefault(False)
        self.remove_button = QPushButton(_("R&emove"))
        self.remove_button.setAutoDefault(False)
        self.remove_button.setToolTip(_("Take the selected contact off this opportunity"))
        self.message = FieldErrorLabel()
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setEnabled(False)

        # The label above the adding row, not in it: the row stays narrow enough for the
        # tab to stand beside the form's sections in every language.
        contact_label = QLabel(_("Add &person"))
        contact_label.setBuddy(self.contact)
        adding = QHBoxLayout()
        adding.setContentsMargins(0, 0, 0, 0)
        adding.addWidget(self.contact, 2)
        adding.addWidget(QLabel(pgettext("add a person as a role", "as")))
        adding.addWidget(self.role, 1)
        adding.addWidget(self.add_button)
        adding.addStretch(0)
        # Under the list it acts on, not in the adding row: the tab stays narrow enough to
        # stand beside the form's sections.
        below = QHBoxLayout()
        below.setContentsMargins(0, 0, 0, 0)
        below.addStretch(1)
        below.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.hint)
        layout.addWidget(self.tree, 1)
        layout.addLayout(below)
        layout.addWidget(self.empty)
        layout.addWidget(contact_label)
        layout.addLayout(adding)
        layout.addWidget(self.message)

        self.contact.currentIndexChanged.connect(lambda _i: self._enable())
        self.role.currentIndexChanged.connect(lambda _i: self._enable())
        self.tree.currentItemChanged.connect(lambda *_: self._enable())
        self.add_button.clicked.connect(self.add_contact)
        self.remove_button.clicked.connect(self.remove_current)
        self._enable()

    # --- what the form calls ------------------------------------------------------------
    def set_opportunity(self, opportunity_id: int | None) -> None:
        self.opportunity_id = opportunity_id
        self.refresh()

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for combo in self.role_combos.values():
            combo.setEnabled(not read_only)
        self._enable()

    def refresh(self) -> None:
        """Read the contacts again, keeping the selected one selected."""
        listed: list[OpportunityContactInfo] = []
        account_id = None
        people: list[Option] = []
        if self.opportunity_id is not None:
            try:
                account_id = opportunities.get(self.opportunity_id).account_id
                listed = accounts.opportunity_contacts(self.opportunity_id)
                people = accounts.contacts(account_id) if account_id is not None else []
            except NotFound as exc:
                self.message.show_error(str(exc))
        self._show(account_id, listed, people)

    def display(
        self,
        opportunity_id: int | None,
        account_id: int | None,
        listed: list[OpportunityContactInfo],
        people: list[Option],
    ) -> None:
        """Show the contacts as read with the record: `listed` (the primary contact first,
        then the further ones) and the `people` at the customer, asking nothing."""
        self.opportunity_id = opportunity_id
        if opportunity_id is None:
            listed, people, account_id = [], [], None
        self._show(account_id, listed, people)

    def _show(
        self,
        account_id: int | None,
        listed: list[OpportunityContactInfo],
        people: list[Option],
    ) -> None:
        selected = self.current_contact_id()
        self.account_id = account_id
        self.listed = listed
        self.tree.clear()
        self.role_combos = {}
        row_height = self.role.sizeHint().height() + 2
        for info in self.listed:
            item = QTreeWidgetItem(
                [info.label, label("opportunity.primary_contact_id") if info.primary else ""]
            )
            item.setData(0, VALUE_ROLE, info.contact_id)
            item.setSizeHint(0, QSize(0, row_height))
            self.tree.addTopLevelItem(item)
            if info.primary:
                item.setToolTip(1, _("Chosen in the Opportunity section"))
                continue
            combo = _role_combo(none_label="—")
            combo.set_current_code(info.role)
            combo.setEnabled(not self.read_only)
            combo.setAccessibleName(_("Role of {contact}").format(contact=info.label))
            combo.setProperty(CONTACT_PROPERTY, info.contact_id)
            combo.currentIndexChanged.connect(self._on_role_picked)
            self.role_combos[info.contact_id] = combo
            self.tree.setItemWidget(item, 1, combo)
        self.tree.resizeColumnToContents(0)
        header = self.tree.header()
        header.resizeSection(0, max(header.sectionSize(0) + COLUMN_GAP, CONTACT_WIDTH))
        header.resizeSection(1, ROLE_WIDTH + COLUMN_GAP)
        self._offer_people(people)
        if selected is not None:
            self.select_contact(selected)
        self._enable()

    # --- changing -----------------------------------------------------------------------
    def add_contact(self) -> bool:
        """Add the person chosen below the list with the role chosen beside them."""
        contact_id, role = self.contact.current_id(), self.role.current_code()
        if self.opportunity_id is None or self.read_only or contact_id is None:
            return False
        if not role:
            self.message.show_error(_("Choose the role this person plays in the sale."))
            self.role.setFocus()
            return False
        if not self._apply(accounts.set_opportunity_contact, contact_id, role):
            return False
        self.role.setCurrentIndex(-1)
        self.select_contact(contact_id)
        return True

    def set_role(self, contact_id: int, role: str) -> bool:
        if self.opportunity_id is None or self.read_only:
            return False
        return self._apply(accounts.set_opportunity_contact, contact_id, role)

    def _on_role_picked(self, _index: int) -> None:
        # The picker's tree deletes it on refresh: a bound method, never a lambda holding it.
        combo = self.sender()
        if isinstance(combo, ChoiceCombo):
            self.set_role(int(combo.property(CONTACT_PROPERTY)), combo.current_code())

    def remove_current(self) -> bool:
        contact_id = self.current_contact_id()
        if contact_id is None or contact_id not in self.role_combos or self.read_only:
            return False
        return self._apply(accounts.remove_opportunity_contact, contact_id)

    def _apply(self, change, *args: object) -> bool:  # type: ignore[no-untyped-def]
        assert self.opportunity_id is not None
        try:
            change(self.opportunity_id, *args)
        except ValidationError as exc:
            self.refresh()
            self.message.show_error(" ".join(exc.errors.values()) or str(exc))
            return False
        except NotFound as exc:
            self.refresh()
            self.message.show_error(str(exc))
            return False
        self.message.clear_message()
        self.refresh()
        return True

    # --- state --------------------------------------------------------------------------
    def current_contact_id(self) -> int | None:
        item = self.tree.currentItem()
        value = item.data(0, VALUE_ROLE) if item is not None else None
        return int(value) if value is not None else None

    def select_contact(self, contact_id: int) -> None:
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(row)
            if item is not None and item.data(0, VALUE_ROLE) == contact_id:
                self.tree.setCurrentItem(item)
                return

    def _offer_people(self, people: list[Option]) -> None:
        taken = {info.contact_id for info in self.listed}
        offered = [p for p in people if p.id not in taken]
        self.contact.set_options(offered)
        if self.contact.count():
            self.contact.setCurrentIndex(0)
        if self.opportunity_id is None:
            empty = ""
        elif not people:
            empty = _("The customer has no contacts on file yet: add them in the customer's form.")
        elif not offered:
            empty = _("Every contact at the customer takes part in this sale already.")
        else:
            empty = ""
        self.empty.setText(empty)
        self.empty.setVisible(bool(empty))

    def _enable(self) -> None:
        editable = self.opportunity_id is not None and not self.read_only
        has_people = self.contact.count() > 0
        self.contact.setEnabled(editable and has_people)
        self.role.setEnabled(editable and has_people)
        self.add_button.setEnabled(
            editable and self.contact.current_id() is not None and bool(self.role.current_code())
        )
        self.remove_button.setEnabled(editable and self.current_contact_id() in self.role_combos)


def _role_combo(none_label: str | None = None) -> ChoiceCombo:
    combo = ChoiceCombo(ContactRole, none_label=none_label)
    combo.setMinimumWidth(ROLE_WIDTH)
    return combo


class HistoryTab(QWidget):
    """Every stage the sale was in, newest first, with when it got there, how long it stayed,
    who moved it and how; the time spent in each stage; every change of its close date; and
    its audit log's entries (who took it, who changed which field), read when shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.opportunity_id: int | None = None
        self.visits: list[StageVisit] = []
        self.close_dates: list[CloseDateChange] = []

        self.totals = QLabel()
        self.totals.setTextFormat(PLAIN_TEXT)
        self.totals.setWordWrap(True)
        self.stages = _tree(
            pgettext("since when", "Since"),
            label("opportunity.stage_id"),
            _("Time in stage"),
            _("Moved by"),
            pgettext("how it was moved", "How"),
        )
        self.stages.setSelectionMode(NO_SELECTION)
        self.dates = _tree(
            pgettext("when changed", "Changed"),
            pgettext("changed from", "From"),
            pgettext("changed to", "To"),
            pgettext("changed by", "By"),
        )
        self.dates.setSelectionMode(NO_SELECTION)
        self.changes = _tree(
            pgettext("when changed", "Changed"),
            pgettext("changed by", "By"),
            label("audit.action"),
            label("audit.changes"),
        )
        self.changes.setSelectionMode(NO_SELECTION)
        self._changes_of: int | None = None  # whose audit entries the tree shows
        stage_box = QGroupBox(_("Stages"))
        stage_layout = QVBoxLayout(stage_box)
        stage_layout.addWidget(self.totals)
        stage_layout.addWidget(self.stages, 1)
        date_box = QGroupBox(label("opportunity.est_close_date"))
        date_layout = QVBoxLayout(date_box)
        date_layout.addWidget(self.dates, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        change_box = QGroupBox(_("Changes"))
        change_layout = QVBoxLayout(change_box)
        change_layout.addWidget(self.changes, 1)
        layout.addWidget(stage_box, 3)
        layout.addWidget(date_box, 2)
        layout.addWidget(change_box, 3)

    def set_opportunity(self, opportunity_id: int | None) -> None:
        self.opportunity_id = opportunity_id
        self.refresh()

    def point_at(self, opportunity_id: int | None) -> None:
        """Belong to this opportunity, to be read when next refreshed (the tab not in front)."""
        self.opportunity_id = opportunity_id

    def set_read_only(self, read_only: bool) -> None:
        """The history is read-only for every opportunity."""

    def refresh(self, now: datetime | None = None) -> None:
        visits: list[StageVisit] = []
        close_dates: list[CloseDateChange] = []
        if self.opportunity_id is not None:
            visits = process.history(self.opportunity_id)
            close_dates = opportunities.close_date_history(self.opportunity_id)
        self._show(visits, close_dates, now)
        self.show_changes()

    def show_changes(self) -> None:
        """The audit log's entries about the sale, newest first."""
        self._changes_of = self.opportunity_id
        self.changes.clear()
        if self.opportunity_id is None:
            return
        for line in audit_log.record_history("opportunity", self.opportunity_id):
            self.changes.addTopLevelItem(
                QTreeWidgetItem([_when(line.at), line.user, line.action, line.changes])
            )
        _fit_columns(self.changes)

    def showEvent(self, event: QShowEvent) -> None:
        # Read when first shown for this sale: opening the form asks nothing of the log.
        if self._changes_of != self.opportunity_id:
            self.show_changes()
        super().showEvent(event)

    def display(
        self,
        opportunity_id: int | None,
        visits: list[StageVisit],
        close_dates: list[CloseDateChange],
        now: datetime | None = None,
    ) -> None:
        """Show the history as read with the record, asking nothing."""
        self.opportunity_id = opportunity_id
        self._show(visits, close_dates, now)

    def _show(
        self,
        visits: list[StageVisit],
        close_dates: list[CloseDateChange],
        now: datetime | None = None,
    ) -> None:
        now = now or datetime.now()
        self.visits, self.close_dates = visits, close_dates
        self.stages.clear()
        for index in reversed(range(len(self.visits))):
            visit = self.visits[index]
            self.stages.addTopLevelItem(
                QTreeWidgetItem(
                    [
                        _when(visit.entered_at),
                        visit.stage,
                        _stay(visit, now),
                        visit.by,
                        _how(visit, index),
                    ]
                )
            )
        self.dates.clear()
        for change in reversed(self.close_dates):
            self.dates.addTopLevelItem(
                QTreeWidgetItem(
                    [
                        _when(change.changed_at),
                        format_day(change.old_date) if change.old_date else "—",
                        format_day(change.new_date),
                        change.by,
                    ]
                )
            )
        _fit_columns(self.stages)
        _fit_columns(self.dates)
        self.totals.setText(self.totals_text(now))

    def totals_text(self, now: datetime) -> str:
        if not self.visits:
            return _("No stage moves yet.") if self.opportunity_id is not None else ""
        spent: dict[str, float] = {}
        for visit in self.visits:
            if _is_closing(visit):
                continue
            spent[visit.stage] = spent.get(visit.stage, 0.0) + visit.days(now)
        parts = [
            _("{stage} {time}").format(stage=stage, time=time_spent(days))
            for stage, days in spent.items()
        ]
        if not parts:
            return ""
        return _("Time in each stage: {stages}").format(stages=" · ".join(parts))


def _is_closing(visit: StageVisit) -> bool:
    return visit.reason in (Status.WON.value, Status.LOST.value)


def _stay(visit: StageVisit, now: datetime) -> str:
    if visit.left_at is None and _is_closing(visit):
        return ""  # the sale is over: no time is running
    spent = time_spent(visit.days(now))
    return _("{time} so far").format(time=spent) if visit.left_at is None else spent


def _how(visit: StageVisit, index: int) -> str:
    if visit.reason == Status.WON.value:
        return _("Closed as won")
    if visit.reason == Status.LOST.value:
        return _("Closed as lost")
    if visit.reason == "reopened":
        return _("Reopened")
    if index == 0:
        return _("Created")
    return _("Automatically") if visit.automatic else _("By hand")


class DemandTab(QWidget):
    """The primary demand: what the customer asked for, as lines, saved on their own (the
    form's Save keeps to the form's fields). Shows the lines read with the record."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.opportunity_id: int | None = None
        self.editor = DemandEditor()
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor)
        self.editor.save_requested.connect(self.save)

    def point_at(self, opportunity_id: int | None) -> None:
        self.opportunity_id = opportunity_id

    def set_opportunity(self, opportunity_id: int | None) -> None:
        if opportunity_id == self.opportunity_id and self.editor.is_modified():
            return  # lines typed and not saved yet stay when the form around them is saved
        self.opportunity_id = opportunity_id
        lines = demand.of_opportunity(opportunity_id) if opportunity_id is not None else []
        self.editor.set_lines(lines)

    def set_read_only(self, read_only: bool) -> None:
        self.editor.set_read_only(read_only)

    def save(self) -> bool:
        opportunity_id = self.opportunity_id
        if opportunity_id is None:
            return False
        return self.editor.save_through(
            lambda lines, opened: demand.save_for_opportunity(opportunity_id, lines, opened),
            lambda: demand.of_opportunity(opportunity_id),
            _("The primary demand of opportunity #{id}").format(id=opportunity_id),
        )


def _when(value: datetime) -> str:
    """A moment as the screen's language writes it: '06.12.2026, 14:05' (de)."""
    return reading.format_moment(value)
