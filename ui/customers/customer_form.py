"""The customer form: details, the people at the customer, its opportunities, and merging
two records of the same customer."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.choices import Status
from app.domain.fields import label
from app.domain.reading import format_day
from app.domain.rights import Right
from app.domain.text import SEARCH_MAX_LENGTH
from app.domain.validation import ValidationError
from app.i18n import N_, _, ngettext
from app.services import accounts, activities, workspace
from app.services.conflicts import Conflict
from app.services.errors import NotFound
from app.services.reference import Option
from ui.activities.timeline import ACCOUNT, TimelineWidget
from ui.common import changes
from ui.common.personal_data import personal_data_menu
from ui.common.qt import NO_EDIT, SELECT_ROWS, STRETCH, TO_CONTENTS
from ui.common.record_dialog import RecordDialog
from ui.common.rights import gate
from ui.common.roles import ID_ROLE
from ui.common.texts import FieldLabel, ShownText, shown
from ui.common.widgets import FieldBox
from ui.customers.consent_section import ConsentSection
from ui.customers.customer_fields import ACCOUNT_FIELDS, AccountFields, field_label
from ui.customers.customer_tabs import AccountDocumentsTab
from ui.customers.duplicates import DuplicateCandidatesPanel
from ui.customers.personal_data_actions import anonymise_customer, export_customer

ACTIVITIES_TAB = N_("Ac&tivities")
DOCUMENTS_TAB = N_("Doc&uments")

CONTACT_COLUMNS = (
    FieldLabel("contact.name"),
    FieldLabel("contact.job_title"),
    FieldLabel("contact.email"),
    FieldLabel("contact.phone"),
)
OPPORTUNITY_COLUMNS = (
    FieldLabel("opportunity.topic"),
    FieldLabel("opportunity.stage_id"),
    FieldLabel("opportunity.status"),
    FieldLabel("opportunity.est_close_date", short=True),
    FieldLabel("opportunity.est_revenue"),
)


def _table(headers: tuple[ShownText, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels([shown(header) for header in headers])
    table.setSelectionBehavior(SELECT_ROWS)
    table.setEditTriggers(NO_EDIT)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(TO_CONTENTS)
    table.horizontalHeader().setSectionResizeMode(0, STRETCH)
    return table


def _fill(table: QTableWidget, rows: list[tuple[int, tuple[str, ...]]]) -> None:
    table.setRowCount(len(rows))
    for row, (record_id, cells) in enumerate(rows):
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(ID_ROLE, record_id)
            table.setItem(row, column, item)


def _opportunity_rows(
    rows: list[accounts.AccountOpportunity],
) -> list[tuple[int, tuple[str, ...]]]:
    return [
        (
            o.id,
            (
                o.topic,
                o.stage,
                Status(o.status).label,
                format_day(o.est_close_date) if o.est_close_date else "",
                o.est_revenue,
            ),
        )
        for o in rows
    ]


class ContactDialog(RecordDialog):
    """A person at a customer: name, job title, e-mail, phone. A contact saved at another
    workstation since it was opened goes through the record dialog's conflict path."""

    record = "contact"
    # Form order; each is named by its label in app.domain.fields ("contact.<name>").
    _FIELDS = ("first_name", "last_name", "job_title", "email", "phone")

    def __init__(
        self,
        account_id: int,
        contact: accounts.ContactInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            _("New contact")
            if contact is None
            else _("Contact — {name}").format(name=contact.label)
        )
        self.account_id = account_id
        self.contact = contact
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name in self._FIELDS:
            edit = QLineEdit()
            edit.setMinimumWidth(260)
            self.edits[name] = edit
            self.boxes[name] = FieldBox(edit)
            form.addRow(label(f"contact.{name}", form=True), self.boxes[name])
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save_and_close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._show(contact)
        self.edits["first_name"].setFocus()

    def _show(self, contact: accounts.ContactInfo | None) -> None:
        self.contact = contact
        for name, edit in self.edits.items():
            edit.setText(getattr(contact, name) if contact else "")
        # What the form opened with: a conflict compares it with theirs and yours.
        self.opened = self.input()
        self.take_baseline()

    def input(self) -> accounts.ContactInput:
        return accounts.ContactInput(**{n: e.text() for n, e in self.edits.items()})

    # RecordDialog

    def state(self) -> tuple[Any, ...]:
        return tuple(e.text() for e in self.edits.values())

    def write(self) -> Any:
        if self.contact is None:
            return accounts.add_contact(self.account_id, self.input())
        return accounts.update_contact(self.contact.id, self.input(), self.contact.version)

    def show_saved(self, record: Any) -> None:
        if isinstance(record, accounts.ContactInfo):
            self._show(record)
        else:
            self.take_baseline()

    def compare(self) -> Conflict:
        assert self.contact is not None
        return accounts.contact_conflict(self.contact.id, self.opened, self.input())

    def write_over(self, conflict: Conflict) -> Any:
        assert self.contact is not None
        return accounts.save_contact_over(
            self.contact.id, self.opened, self.input(), conflict.version
        )

    def reload(self) -> None:
        assert self.contact is not None
        self._show(accounts.contact(self.contact.id))

    def close_question(self) -> str:
        return _("Save the changes to this contact before closing?")


class MergeDialog(QDialog):
    """Merge another record of the same customer into this one: find it, pick per field
    which value wins; everything of both ends up on this customer."""

    merged = Signal(int)

    def __init__(self, keep: accounts.AccountDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Merge into {name}").format(name=keep.name))
        self.resize(760, 560)
        self.keep = keep
        self.other: accounts.AccountDetail | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Find the other record: name, e-mail or phone…"))
        self.search.setMaxLength(SEARCH_MAX_LENGTH)
        self.results = QListWidget()
        self.results.setMaximumHeight(130)
        self.values = QTableWidget(0, 3)
        self.values.setHorizontalHeaderLabels(
            [_("Field"), _("This record (#{id})").format(id=keep.id), _("Other record")]
        )
        self.values.verticalHeader().setVisible(False)
        self.values.setEditTriggers(NO_EDIT)
        self.values.horizontalHeader().setSectionResizeMode(STRETCH)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.merge_button = self.buttons.addButton(
            _("&Merge"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button.setEnabled(False)
        self.buttons.accepted.connect(self.merge)
        self.buttons.rejected.connect(self.reject)
        self._choices: dict[str, QButtonGroup] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addWidget(QLabel(_("Pick the value that stays for each field:")))
        layout.addWidget(self.values, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.search.textChanged.connect(self._find)
        self.results.currentItemChanged.connect(self._pick)
        self._find("")

    def _find(self, text: str) -> None:
        self.results.clear()
        for option in accounts.search(text, limit=20):
            if option.id != self.keep.id:
                item = QListWidgetItem(option.label)
                item.setData(ID_ROLE, option.id)
                self.results.addItem(item)

    def pick_account(self, account_id: int) -> None:
        self.other = accounts.get(account_id)
        self.values.setRowCount(len(ACCOUNT_FIELDS))
        self._choices.clear()
        for row, name in enumerate(ACCOUNT_FIELDS):
            mine, theirs = getattr(self.keep, name), getattr(self.other, name)
            self.values.setItem(row, 0, QTableWidgetItem(field_label(name)))
            group = QButtonGroup(self)
            for column, value, stays in (
                (1, mine, bool(mine) or not theirs),
                (2, theirs, not mine and bool(theirs)),
            ):
                # A button reads "&" as its access key: "J&C Motors" must show as typed.
                radio = QRadioButton(value.replace("&", "&&") if value else "—")
                radio.setChecked(stays)
                radio.setEnabled(mine != theirs)
                group.addButton(radio, column)
                self.values.setCellWidget(row, column, radio)
            self._choices[name] = group
        n_opportunities = len(self.other.opportunities)
        n_contacts = len(self.other.contacts)
        n_activities = len(activities.for_account(self.other.id))
        self.summary.setText(
            _(
                "{name} (#{id}) will be removed; its {opportunities}, {contacts} and "
                "{activities} move to {keep_name} (#{keep_id})."
            ).format(
                name=self.other.name,
                id=self.other.id,
                opportunities=ngettext(
                    "{n} opportunity", "{n} opportunities", n_opportunities
                ).format(n=n_opportunities),
                contacts=ngettext("{n} contact", "{n} contacts", n_contacts).format(n=n_contacts),
                activities=ngettext("{n} activity", "{n} activities", n_activities).format(
                    n=n_activities
                ),
                keep_name=self.keep.name,
                keep_id=self.keep.id,
            )
        )
        self.merge_button.setEnabled(True)

    def _pick(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.pick_account(int(item.data(ID_ROLE)))

    def choose(self, name: str, other_wins: bool) -> None:
        self._choices[name].button(2 if other_wins else 1).setChecked(True)

    def chosen_values(self) -> dict[str, str]:
        assert self.other is not None
        return {
            name: getattr(self.other, name)
            for name, group in self._choices.items()
            if group.checkedId() == 2
        }

    def merge(self) -> bool:
        if self.other is None:
            return False
        try:
            merged = accounts.merge(self.keep.id, self.other.id, self.chosen_values())
        except (ValidationError, NotFound) as exc:
            QMessageBox.warning(self, self.windowTitle(), str(exc) or _("The merge was refused."))
            return False
        self.merged.emit(merged.id)
        self.accept()
        return True


class AccountFormDialog(RecordDialog):
    """A customer: details on the first tab, then its contacts, its opportunities, every
    activity with it and the documents it was given. New activities are owned by
    `current_user_id` (by default the user signed in)."""

    saved = Signal(int)
    open_opportunity = Signal(int)
    record = "account"

    def __init__(
        self,
        account_id: int | None,
        parent: QWidget | None = None,
        *,
        current_user_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.resize(780, 620)
        self.detail: accounts.AccountDetail | None = None
        self._confirmed_new = False
        self.fields = AccountFields()
        self.duplicates = DuplicateCandidatesPanel()
        self.use_existing = QPushButton(_("&Open the selected customer"))
        self.use_existing.hide()
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.addWidget(self.fields)
        details_layout.addWidget(self.duplicates)
        details_layout.addWidget(self.use_existing)
        self.consent = ConsentSection()
        details_layout.addWidget(self.consent)
        details_layout.addStretch(1)

        self.contacts = _table(CONTACT_COLUMNS)
        self.add_contact_button = QPushButton(_("&Add contact…"))
        self.edit_contact_button = QPushButton(_("&Edit contact…"))
        contact_buttons = QHBoxLayout()
        contact_buttons.addWidget(self.add_contact_button)
        contact_buttons.addWidget(self.edit_contact_button)
        contact_buttons.addStretch(1)
        contacts_page = QWidget()
        contacts_layout = QVBoxLayout(contacts_page)
        contacts_layout.addWidget(self.contacts)
        contacts_layout.addLayout(contact_buttons)

        self.opportunities = _table(OPPORTUNITY_COLUMNS)
        opportunities_page = QWidget()
        opportunities_layout = QVBoxLayout(opportunities_page)
        opportunities_layout.addWidget(self.opportunities)
        opportunities_layout.addWidget(QLabel(_("Double-click an opportunity to open it.")))

        if current_user_id is None:
            current_user_id = workspace.signed_in_user_id()
        self.activities = TimelineWidget(current_user_id, attached_to=ACCOUNT)
        self.documents = AccountDocumentsTab()

        self.tabs = QTabWidget()
        self.tabs.addTab(details, _("&Details"))
        self.tabs.addTab(contacts_page, _("Co&ntacts"))
        self.tabs.addTab(opportunities_page, _("O&pportunities"))
        self.tabs.addTab(self.activities, _(ACTIVITIES_TAB))
        self.tabs.addTab(self.documents, _(DOCUMENTS_TAB))

        self.buttons = QDialogButtonBox()
        self.merge_button = self.buttons.addButton(
            _("&Merge with…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.personal_data_button = self.buttons.addButton(
            _("Personal &data"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.export_action, self.anonymise_action = personal_data_menu(
            self.personal_data_button,
            _("&Export everything held about them…"),
            _("&Anonymise…"),
        )
        self.export_action.triggered.connect(lambda: self.export_personal_data())
        self.anonymise_action.triggered.connect(self.anonymise)
        self.save_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Save)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        self.merge_button.clicked.connect(self._merge)
        self.use_existing.clicked.connect(self._open_selected_duplicate)
        self.duplicates.picked.connect(self.load)
        self.add_contact_button.clicked.connect(lambda: self._edit_contact(None))
        self.edit_contact_button.clicked.connect(self._edit_selected_contact)
        self.contacts.itemDoubleClicked.connect(lambda _item: self._edit_selected_contact())
        self.opportunities.itemDoubleClicked.connect(
            lambda item: self.open_opportunity.emit(int(item.data(ID_ROLE)))
        )
        self.fields.edited.connect(self._forget_duplicates)
        self.activities.model.modelReset.connect(self._count_activities)
        self.activities.changed.connect(self._refresh_opportunities)
        self.documents.count_changed.connect(
            lambda n: self._set_tab_count(self.documents, DOCUMENTS_TAB, n)
        )
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self).activated.connect(self.save)

        self.boxes = self.fields.boxes
        if account_id is None:
            self.take_baseline()
            self._show_mode()
            self.fields.edits["first_name"].setFocus()
        else:
            self.load(account_id)

    # --- loading and state -------------------------------------------------------------
    def load(self, account_id: int) -> None:
        self.detail = accounts.get(account_id)
        self.fields.load(self.detail)
        self.fields.show_errors({})
        self.duplicates.set_candidates([])
        self.use_existing.hide()
        _fill(
            self.contacts,
            [
                (c.id, (f"{c.first_name} {c.last_name}".strip(), c.job_title, c.email, c.phone))
                for c in self.detail.contacts
            ],
        )
        _fill(self.opportunities, _opportunity_rows(self.detail.opportunities))
        self.activities.set_record(self.detail.id)
        self.documents.set_account(self.detail.id)
        self.consent.set_subject(account_id=self.detail.id)
        self.take_baseline()
        self._show_mode()

    def _show_mode(self) -> None:
        new = self.detail is None
        self.setWindowTitle(
            _("New customer") if new else _("Customer — {name}").format(name=self.detail.name)  # type: ignore[union-attr]
        )
        self.tabs.setTabEnabled(1, not new)
        self.tabs.setTabEnabled(2, not new)
        for page in (self.activities, self.documents):
            self.tabs.setTabEnabled(self.tabs.indexOf(page), not new)
        self.merge_button.setEnabled(not new)
        self.personal_data_button.setEnabled(not new)
        self.save_button.setText(_("&Create customer") if new else _("&Save"))
        # Who may not sell reads the customer: what would change it is disabled, saying why.
        for button in (
            self.save_button,
            self.merge_button,
            self.add_contact_button,
            self.edit_contact_button,
        ):
            if gate(button, Right.SELL) and button is self.merge_button:
                button.setEnabled(not new)

    def state(self) -> tuple[str, ...]:
        return self.fields.state()

    # --- saving -----------------------------------------------------------------------
    def save(self) -> bool:
        """Create or save the customer; on a refusal every value stays as typed."""
        self.fields.show_errors({})
        return super().save()

    def write(self) -> Option | accounts.AccountDetail | None:
        try:
            if self.detail is None:
                return accounts.create(self.fields.input(), confirmed_new=self._confirmed_new)
            return accounts.update(self.detail.id, self.fields.input(), self.detail.version)
        except accounts.PossibleDuplicates as dup:
            self.duplicates.set_candidates(dup.candidates)
            self.use_existing.show()
            self.save_button.setText(_("Create a &new customer anyway"))
            self._confirmed_new = True
            self.duplicates.list.setFocus()
            return None

    def show_saved(self, saved: Option | accounts.AccountDetail) -> None:
        self.load(saved.id)
        changes.record_changes().announce(changes.CUSTOMER, saved.id)
        self.saved.emit(saved.id)

    def compare(self) -> Conflict:
        assert self.detail is not None
        return accounts.conflict(self.detail.id, self.detail, self.fields.input())

    def write_over(self, conflict: Conflict) -> accounts.AccountDetail:
        assert self.detail is not None
        return accounts.save_over(
            self.detail.id, self.detail, self.fields.input(), conflict.version
        )

    def reload(self) -> None:
        if self.detail is not None:
            self.load(self.detail.id)

    def refuse(
        self,
        errors: Mapping[str, str],
        warnings: Mapping[str, str] | None = None,
        what: str | None = None,
    ) -> None:
        self.fields.show_errors(dict(errors))

    def on_gone(self, message: str) -> bool:
        QMessageBox.warning(self, self.windowTitle(), message)
        return False

    def close_question(self) -> str:
        return _("Save the changes to this customer?")

    # --- personal data -----------------------------------------------------------------
    def export_personal_data(self, path: Path | None = None) -> Path | None:
        if self.detail is None:
            return None
        return export_customer(self, self.detail.id, self.detail.name, path)

    def anonymise(self) -> bool:
        if self.detail is None:
            return False
        if self.is_modified():
            QMessageBox.warning(
                self,
                _("Anonymise"),
                _("Save or undo the changes in the form before anonymising."),
            )
            return False
        if not anonymise_customer(self, self.detail.id, self.detail.name):
            return False
        self.load(self.detail.id)
        changes.record_changes().announce(changes.CUSTOMER, self.detail.id)
        self.saved.emit(self.detail.id)
        return True

    def _forget_duplicates(self) -> None:
        # The duplicate answer was for what was typed then; new text needs a new check.
        if self._confirmed_new:
            self._confirmed_new = False
            self.duplicates.set_candidates([])
            self.use_existing.hide()
            self._show_mode()

    def _open_selected_duplicate(self) -> None:
        account_id = self.duplicates.selected_account_id()
        if account_id is not None:
            self.load(account_id)

    # --- activities and documents -------------------------------------------------------
    def _count_activities(self) -> None:
        self._set_tab_count(self.activities, ACTIVITIES_TAB, self.activities.model.rowCount())

    def _set_tab_count(self, page: QWidget, title: str, count: int) -> None:
        """The tab's title (an N_() text) with the number of what it lists."""
        text = _(title)
        if count:
            text = _("{title} ({count})").format(title=text, count=count)
        self.tabs.setTabText(self.tabs.indexOf(page), text)

    def _refresh_opportunities(self) -> None:
        """An activity saved from the customer may have moved one of its sales on (a test
        drive moves it to Interest). Only the list is read again: typed details stay."""
        if self.detail is None:
            return
        try:
            fresh = accounts.get(self.detail.id)
        except NotFound:
            return
        _fill(self.opportunities, _opportunity_rows(fresh.opportunities))

    # --- contacts and merging --------------------------------------------------------------
    def _edit_selected_contact(self) -> None:
        row = self.contacts.currentRow()
        if row >= 0 and self.detail is not None:
            contact_id = int(self.contacts.item(row, 0).data(ID_ROLE))
            self._edit_contact(next(c for c in self.detail.contacts if c.id == contact_id))

    def _edit_contact(self, contact: accounts.ContactInfo | None) -> None:
        if self.detail is None:
            return
        dialog = ContactDialog(self.detail.id, contact, self)
        dialog.accepted.connect(lambda: self.load(self.detail.id))  # type: ignore[union-attr]
        dialog.open()

    def _merge(self) -> None:
        if self.detail is None:
            return
        if self.is_modified() and not self.save():
            return
        dialog = MergeDialog(self.detail, self)
        dialog.merged.connect(self._after_merge)
        dialog.open()

    def _after_merge(self, account_id: int) -> None:
        self.load(account_id)
        changes.record_changes().announce(changes.CUSTOMER, account_id)
        self.saved.emit(account_id)
