"""The lead form: who asked, what they want, where the lead came from, and its way to a sale."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import reading
from app.domain.choices import LeadStatus, Status
from app.domain.fields import label
from app.domain.languages import CORRESPONDENCE_LANGUAGES, language_name
from app.i18n import N_, _
from app.services import accounts, demand, leads, opportunities, record_rights
from app.services.conflicts import Conflict
from app.services.errors import NotAllowed, NotFound
from app.services.leads import LeadDetail, LeadInput
from ui.activities.timeline import LEAD, TimelineWidget
from ui.common import changes
from ui.common.code_combo import CodeCombo
from ui.common.demand_editor import DemandEditor
from ui.common.list_suggestions import suggest_from_list
from ui.common.personal_data import personal_data_menu
from ui.common.qt import (
    ACTION_ROLE,
    CLOSE_BUTTON,
    FORM_LABEL,
    NO_FRAME,
    PLAIN_TEXT,
    SAVE_KEYS,
    STYLED_PANEL,
)
from ui.common.vehicle_interest import LEVELS
from ui.common.widgets import (
    FieldBox,
    OptionCombo,
    fit_to_screen,
    set_tab_chain,
)
from ui.customers.consent_section import ConsentSection
from ui.leads.lead_dialogs import ConversionDialog, DisqualifyDialog
from ui.leads.lead_moves import LeadMovesDialog
from ui.leads.lead_personal_data import anonymise_lead, export_lead
from ui.leads.lead_sections import (
    CONTACT_FIELDS,
    VehicleInterestBox,
    add_row,
    choice_label,
    fill_owners,
    form_label,
    form_layout,
)

DETAILS_TAB = N_("Lead details")
ACTIVITIES_TAB = N_("Ac&tivities")

# Form order: the first refused field in this order gets the focus.
FIELD_ORDER = (
    *CONTACT_FIELDS,
    "notes",
    "interest",
    "condition",
    *LEVELS,
    "channel",
    "source",
    "owner_id",
    "language",
)
# The hand-made moves offered for each status (the service's own list decides).
_ACTIONS = {
    LeadStatus.NEW.value: ("contacted", "qualify", "disqualify", "convert"),
    LeadStatus.CONTACTED.value: ("qualify", "disqualify", "convert"),
    LeadStatus.QUALIFIED.value: ("disqualify", "convert"),
    LeadStatus.DISQUALIFIED.value: ("reopen",),
    LeadStatus.CONVERTED.value: (),
}


class LeadDialog(LeadMovesDialog):
    """One lead, new (`lead_id` None) or saved: the person, what they want, where the lead
    came from, its status and the moves from there. Ctrl+S saves and stays; a refused save
    keeps every value as typed with each message under its field; closing with unsaved
    changes asks first. Emits `saved` with the lead's id after each save or status move,
    `converted` with the new opportunity's id (then closes), and, for a lead converted
    earlier, `open_opportunity` with the id of the opportunity it became."""

    record = "lead"  # its fields' labels in app.domain.fields

    def __init__(
        self, lead_id: int | None, current_user_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.lead_id = lead_id
        self.current_user_id = current_user_id
        self.detail: LeadDetail | None = None
        self.disqualify_dialog: DisqualifyDialog | None = None
        self.conversion_dialog: ConversionDialog | None = None

        self._build_banner()
        self._build_status_row()
        content = self._build_fields()
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(NO_FRAME)
        self.scroll_area.setWidget(content)

        self.message = QLabel()  # what is not about one field: saved, refused, moved
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(_("&Save"), ACTION_ROLE)
        self.save_close_button = self.buttons.addButton(_("Save and &close"), ACTION_ROLE)
        self.personal_data_button = self.buttons.addButton(_("Personal &data"), ACTION_ROLE)
        self.export_action, self.anonymise_action = personal_data_menu(
            self.personal_data_button,
            _("&Export everything held about them…"),
            _("&Anonymise…"),
        )
        self.export_action.triggered.connect(lambda: self.export_personal_data())
        self.anonymise_action.triggered.connect(self.anonymise)
        self.close_button = self.buttons.addButton(CLOSE_BUTTON)
        for button in (
            self.save_button,
            self.save_close_button,
            self.personal_data_button,
            self.close_button,
        ):
            # Enter in a field must not save or close the form behind the user's back.
            button.setAutoDefault(False)
            button.setDefault(False)
        save_keys = QKeySequence(SAVE_KEYS).toString(QKeySequence.SequenceFormat.NativeText)
        self.save_button.setToolTip(_("Save ({keys})").format(keys=save_keys))
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.buttons)

        # The calls, e-mails, notes, tasks and appointments of the lead, on a tab of their own.
        self.activities = TimelineWidget(current_user_id, attached_to=LEAD)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.scroll_area, _(DETAILS_TAB))
        self.tabs.addTab(self.activities, _(ACTIVITIES_TAB))
        # What the customer asked for: goes with the lead to its opportunity.
        self.demand = DemandEditor()
        self.demand.save_requested.connect(self.save_demand)
        self.tabs.addTab(self.demand, label("opportunity.demand"))
        self.activities.model.modelReset.connect(self._count_activities)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.status_frame)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

        self.save_button.clicked.connect(self.save)
        self.save_close_button.clicked.connect(self.save_and_close)
        self.close_button.clicked.connect(self.reject)
        self.save_shortcut = QShortcut(QKeySequence(SAVE_KEYS), self)
        self.save_shortcut.activated.connect(self.save)
        self.contacted_button.clicked.connect(self.mark_contacted)
        self.qualify_button.clicked.connect(self.qualify)
        self.disqualify_button.clicked.connect(self.ask_disqualify_reason)
        self.reopen_button.clicked.connect(self.reopen)
        self.convert_button.clicked.connect(self.start_conversion)
        self.open_opportunity_button.clicked.connect(self._open_opportunity)

        self._set_tab_order()
        self._open()
        self._fit_to_screen()
        if self.read_only:
            self.close_button.setFocus()
        else:
            self.edits["first_name"].setFocus()

    # Building

    def _build_banner(self) -> None:
        self.banner = QFrame()
        self.banner.setFrameShape(STYLED_PANEL)
        self.banner_label = QLabel()
        self.banner_label.setTextFormat(PLAIN_TEXT)
        self.banner_label.setWordWrap(True)
        self.customer_label = QLabel()
        self.customer_label.setTextFormat(PLAIN_TEXT)
        self.opportunity_label = QLabel()
        self.opportunity_label.setTextFormat(PLAIN_TEXT)
        self.open_opportunity_button = QPushButton(_("&Open opportunity"))
        self.open_opportunity_button.setAutoDefault(False)
        self.take_button = QPushButton(_("&Take it"))
        self.take_button.setToolTip(
            _("Become its owner: your team holds it and nobody has taken it")
        )
        self.take_button.setAutoDefault(False)
        self.take_button.hide()
        self.take_button.clicked.connect(self.take)
        details = QFormLayout()
        details.addRow(label("lead.converted_account_id"), self.customer_label)
        details.addRow(label("lead.converted_opportunity_id"), self.opportunity_label)
        self.banner_details = QWidget()
        self.banner_details.setLayout(details)
        details.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.banner_details, 1)
        row.addWidget(self.open_opportunity_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.take_button, 0, Qt.AlignmentFlag.AlignBottom)
        column = QVBoxLayout(self.banner)
        column.addWidget(self.banner_label)
        column.addLayout(row)
        self.banner.hide()

    def _build_status_row(self) -> None:
        self.status_frame = QWidget()
        self.status_caption = QLabel(label("lead.status"))
        self.status_label = QLabel()
        self.status_label.setTextFormat(PLAIN_TEXT)
        self.status_label.setStyleSheet("font-weight: bold;")
        self.contacted_button = QPushButton(_("Mar&k contacted"))
        self.qualify_button = QPushButton(_("&Qualify"))
        self.disqualify_button = QPushButton(_("&Disqualify…"))
        self.reopen_button = QPushButton(_("&Reopen"))
        self.convert_button = QPushButton(_("Con&vert…"))
        self.convert_button.setToolTip(
            _("Saves the lead, looks for the customer on file, then creates the opportunity")
        )
        self.reopen_button.setToolTip(_("Back to new, so it can be worked on again"))
        self.action_buttons = {
            "contacted": self.contacted_button,
            "qualify": self.qualify_button,
            "disqualify": self.disqualify_button,
            "reopen": self.reopen_button,
            "convert": self.convert_button,
        }
        row = QHBoxLayout(self.status_frame)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.status_caption)
        row.addWidget(self.status_label)
        row.addStretch(1)
        for button in self.action_buttons.values():
            button.setAutoDefault(False)
            row.addWidget(button)

    def _build_fields(self) -> QWidget:
        self.edits: dict[str, QLineEdit] = {}
        contact_group = QGroupBox(_("Name and contact details"))
        contact_form = form_layout(contact_group)
        for name in CONTACT_FIELDS:
            self.edits[name] = QLineEdit()
            add_row(contact_form, self.boxes, name, form_label(name), self.edits[name])
        self.edits["email"].setPlaceholderText(_("name@example.com"))
        self.edits["phone"].setPlaceholderText("+49 89 1234 5678")
        self.edits["company_name"].setToolTip(
            _("For a company's enquiry; the person is its contact")
        )

        notes_group = QGroupBox(form_label("notes"))
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(_("What the customer wrote or said"))
        self.notes.setMinimumHeight(90)
        notes_group.setFocusProxy(self.notes)
        notes_box = FieldBox(self.notes)
        self.boxes["notes"] = notes_box
        QVBoxLayout(notes_group).addWidget(notes_box)

        self.vehicle = VehicleInterestBox()
        self.boxes.update(self.vehicle.boxes)

        origin_group = QGroupBox(_("Origin and owner"))
        origin_form = form_layout(origin_group)
        self.channel = CodeCombo("channel")
        self.source = QLineEdit()
        self.source.setPlaceholderText(_("e.g. dealer website, spring campaign"))
        suggest_from_list(self.source, "source")  # the Administration's list
        self.owner = OptionCombo()
        self.received_label = QLabel()
        add_row(origin_form, self.boxes, "channel", form_label("channel"), self.channel)
        add_row(origin_form, self.boxes, "source", form_label("source"), self.source)
        add_row(origin_form, self.boxes, "owner_id", form_label("owner_id"), self.owner)
        # The language the web form or the browser gave, or the caller speaks: the customer
        # the lead becomes gets their documents in it.
        self.language = QComboBox()
        self.language.addItem(_("Not known (the dealership's)"), "")
        for code in CORRESPONDENCE_LANGUAGES:
            self.language.addItem(language_name(code), code)
        add_row(origin_form, self.boxes, "language", form_label("language"), self.language)
        origin_form.addRow(label("lead.created_at"), self.received_label)
        self._origin_form = origin_form
        # The two right-hand groups share one label column, so their fields line up.
        captions = [
            caption
            for form in (self.vehicle.form, origin_form)
            for row in range(form.rowCount())
            if isinstance(caption := form.itemAt(row, FORM_LABEL).widget(), QLabel)
        ]
        width = max(caption.sizeHint().width() for caption in captions)
        for caption in captions:
            caption.setMinimumWidth(width)

        content = QWidget()
        grid = QGridLayout(content)
        left = QVBoxLayout()
        left.addWidget(contact_group)
        left.addWidget(notes_group, 1)
        right = QVBoxLayout()
        right.addWidget(self.vehicle)
        right.addWidget(origin_group)
        self.consent = ConsentSection()
        right.addWidget(self.consent)
        right.addStretch(1)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        return content

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [self.boxes[name].field for name in FIELD_ORDER]
        chain += [*self.action_buttons.values(), self.save_button, self.save_close_button]
        chain.append(self.close_button)
        set_tab_chain(chain)

    def _fit_to_screen(self) -> None:
        fit_to_screen(self, 1000, 760)

    # Loading

    def _open(self) -> None:
        if self.lead_id is None:
            self._load(None)
            return
        try:
            detail = leads.get(self.lead_id)
        except NotFound as exc:
            self.lead_id = None
            self._load(None)
            self.set_read_only(True)
            self.banner_label.setText(str(exc))
            self.banner_details.hide()
            self.open_opportunity_button.hide()
            self.banner.show()
            self.status_frame.hide()
            return
        self._load(detail)

    def _load(self, detail: LeadDetail | None) -> None:
        self.detail = detail
        data = detail if detail is not None else LeadInput(owner_id=self.current_user_id)
        # Only what changed is written back, so a save leaves the cursor where it was typing.
        for name, edit in self.edits.items():
            if edit.text() != getattr(data, name):
                edit.setText(getattr(data, name))
                edit.setCursorPosition(0)
        if self.notes.toPlainText() != data.notes:
            self.notes.setPlainText(data.notes)
        self.vehicle.load(data)
        self.channel.set_current_code(data.channel)
        if self.source.text() != data.source:
            self.source.setText(data.source)
        fill_owners(self.owner, data.owner_id)
        self.language.setCurrentIndex(max(0, self.language.findData(data.language)))
        self.received_label.setText(_received(detail.created_at) if detail else "")
        self._origin_form.setRowVisible(self.received_label, detail is not None)
        self.show_messages({})
        self._show_status()
        self._show_conversion()
        refusal = self._show_access(detail)
        self.set_read_only(detail is not None and (detail.read_only or refusal is not None))
        self.personal_data_button.setEnabled(detail is not None)
        # A converted lead's consents went over to its customer; its own stay as history.
        self.consent.read_only = detail is not None and detail.read_only
        self.consent.set_subject(lead_id=detail.id if detail is not None else None)
        self._show_activities()
        self._show_demand()
        self._update_title()
        self.take_baseline()

    def _show_demand(self) -> None:
        saved = self.detail is not None
        self.demand.set_lines(demand.of_lead(self.detail.id) if self.detail is not None else [])
        self.tabs.setTabEnabled(self.tabs.indexOf(self.demand), saved)
        self.demand.set_read_only(not saved or self.read_only)

    def save_demand(self) -> bool:
        """Save the lead's primary demand, in its own transaction."""
        if self.detail is None or self.read_only:
            return False
        lead_id = self.detail.id
        return self.demand.save_through(
            lambda lines, opened: demand.save_for_lead(lead_id, lines, opened),
            lambda: demand.of_lead(lead_id),
            _("The primary demand of lead #{id}").format(id=lead_id),
        )

    def reload(self) -> None:
        """Show the saved lead again, dropping what was typed since."""
        if self.lead_id is not None:
            self._load(leads.get(self.lead_id))

    # Personal data

    def export_personal_data(self, path: Path | None = None) -> Path | None:
        if self.detail is None:
            return None
        return export_lead(self, self.detail.id, self.detail.display_name, path)

    def anonymise(self) -> bool:
        if self.detail is None:
            return False
        if self.is_modified():
            QMessageBox.warning(
                self, _("Anonymise"), _("Save or undo the changes in the form before anonymising.")
            )
            return False
        if not anonymise_lead(self, self.detail.id, self.detail.display_name):
            return False
        self.reload()
        self.saved.emit(self.detail.id)  # type: ignore[union-attr]
        return True

    def _show_status(self) -> None:
        detail = self.detail
        status = detail.status if detail else LeadStatus.NEW.value
        text = choice_label(LeadStatus, status)
        if detail and detail.disqualify_reason:
            text = _("{status} — {reason}").format(status=text, reason=detail.disqualify_reason)
        if detail is None:
            text = _("{status} (not saved yet)").format(status=text)
        self.status_label.setText(text)
        offered = _ACTIONS.get(status, ())
        for action, button in self.action_buttons.items():
            button.setVisible(action in offered)

    def _show_conversion(self) -> None:
        detail = self.detail
        if detail is None or detail.status != LeadStatus.CONVERTED.value:
            self.banner.hide()
            return
        self.banner_label.setText(
            _("This lead was converted into a sale and is kept as it was; it can no longer change.")
        )
        customer = accounts.name(detail.converted_account_id) if detail.converted_account_id else ""
        self.customer_label.setText(customer or _("removed since"))
        opportunity_id = detail.converted_opportunity_id
        described = ""
        if opportunity_id is not None:
            try:
                found = opportunities.get(opportunity_id)
            except NotFound:
                opportunity_id = None
            else:
                status = choice_label(Status, found.status)
                described = (
                    _("#{number} {topic} ({status}, at {stage})")
                    if found.stage_name
                    else _("#{number} {topic} ({status})")
                ).format(number=found.id, topic=found.topic, status=status, stage=found.stage_name)
        self.opportunity_label.setText(described or _("removed since"))
        self.open_opportunity_button.setVisible(opportunity_id is not None)
        self.banner_details.show()
        self.banner.show()

    def _show_access(self, detail: LeadDetail | None) -> str | None:
        """A lead the user may not change says why (whose it is); one their team holds
        untaken offers "Take it". Returns the refusal, None when they may change it."""
        self.take_button.hide()
        if detail is None or detail.read_only:
            return None
        try:
            sale = record_rights.sale_access(record_rights.LEAD, detail.id)
        except (NotAllowed, NotFound) as exc:
            sale = None
            refusal: str | None = str(exc)
        else:
            refusal = sale.edit_refusal
        takeable = sale is not None and sale.takeable
        if refusal is None and not takeable:
            self.banner.hide()
            return None
        self.banner_label.setText(refusal or _("Nobody has taken this lead yet."))
        self.banner_details.hide()
        self.open_opportunity_button.hide()
        self.take_button.setVisible(takeable)
        self.banner.show()
        return refusal

    def take(self) -> bool:
        """The signed-in salesperson takes the lead: they own it now (in its History)."""
        if self.detail is None:
            return False
        try:
            record_rights.take(record_rights.LEAD, self.detail.id)
        except (NotAllowed, NotFound) as exc:
            self.say(str(exc), error=True)
            return False
        if self.is_modified():
            owner = leads.get(self.detail.id).owner_id
            fill_owners(self.owner, owner)
            self.take_button.hide()
            self.banner.hide()
        else:
            self.reload()
        self.say(_("You have taken it: it is yours now."))
        self.saved.emit(self.detail.id)
        return True

    def _show_activities(self) -> None:
        # A converted lead keeps its activities as they were, like the rest of it.
        self.activities.set_read_only(self.read_only)
        self.activities.set_record(self.detail.id if self.detail is not None else None)

    def _count_activities(self) -> None:
        count = self.activities.model.rowCount()
        title = _("Ac&tivities ({n})").format(n=count) if count else _(ACTIVITIES_TAB)
        self.tabs.setTabText(self.tabs.indexOf(self.activities), title)

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        for edit in (*self.edits.values(), self.source):
            edit.setReadOnly(read_only)
        self.notes.setReadOnly(read_only)
        self.vehicle.set_read_only(read_only)
        self.channel.setEnabled(not read_only)
        self.owner.setEnabled(not read_only)
        self.language.setEnabled(not read_only)
        self.save_button.setVisible(not read_only)
        self.save_close_button.setVisible(not read_only)
        self.save_shortcut.setEnabled(not read_only)
        self.demand.set_read_only(read_only or self.detail is None)

    def _update_title(self) -> None:
        if self.detail is None:
            self.setWindowTitle(_("New lead"))
        else:
            name = self.detail.display_name
            self.setWindowTitle(
                _("Lead #{number} — {name}").format(number=self.detail.id, name=name)
                if name
                else _("Lead")
            )

    # Reading and saving

    def input(self) -> LeadInput:
        data = LeadInput()
        for name, edit in self.edits.items():
            setattr(data, name, edit.text())
        self.vehicle.fill(data)
        data.notes = self.notes.toPlainText()
        data.channel = self.channel.current_code()
        data.source = self.source.text()
        data.owner_id = self.owner.current_id()
        data.language = str(self.language.currentData() or "")
        return data

    def state(self) -> tuple[Any, ...]:
        return (
            *(edit.text() for edit in self.edits.values()),
            self.notes.toPlainText(),
            self.vehicle.state(),
            self.channel.current_code(),
            self.source.text(),
            self.owner.current_id(),
            self.language.currentData(),
        )

    def write(self) -> LeadDetail:
        for combo in self.vehicle.levels.values():
            # An open completion list would keep the keyboard from the field to fix.
            combo.completer().popup().hide()
        if self.detail is None:
            return leads.create(self.input())
        return leads.update(self.detail.id, self.input(), self.detail.version)

    def show_saved(self, detail: LeadDetail) -> None:
        self.lead_id = detail.id
        self._load(detail)
        self.say(_("Saved at {time}.").format(time=reading.format_clock(datetime.now())))
        changes.record_changes().announce(changes.LEAD, detail.id)
        self.saved.emit(detail.id)

    def compare(self) -> Conflict:
        assert self.detail is not None
        return leads.conflict(self.detail.id, self.detail, self.input())

    def write_over(self, conflict: Conflict) -> LeadDetail:
        assert self.detail is not None
        return leads.save_over(self.detail.id, self.detail, self.input(), conflict.version)

    def close_question(self) -> str:
        name = self.detail.display_name if self.detail else ""
        if name:
            return _("Save the changes to the lead “{name}” before closing?").format(name=name)
        return _("Save the changes to this new lead before closing?")

    def field_order(self) -> tuple[str, ...]:
        return FIELD_ORDER

    def reveal(self, box: FieldBox) -> None:
        self.tabs.setCurrentWidget(self.scroll_area)
        self.scroll_area.ensureWidgetVisible(box, 0, 40)


def _received(created_at: str) -> str:
    """When the lead came in, as the screen's language writes a moment."""
    try:
        return reading.format_moment(datetime.fromisoformat(created_at))
    except ValueError:
        return created_at[:16]
