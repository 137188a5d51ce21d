"""The lead list: its table model, filters and the page in the main window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QWidget

from app import i18n
from app.domain import reading
from app.domain.choices import LeadStatus
from app.domain.fields import label
from app.i18n import _, ngettext
from app.services import leads, record_rights, reference
from app.services.errors import NotAllowed, NotFound
from app.services.leads import LeadFilter, LeadRow
from ui.common.changes import LEAD, record_changes
from ui.common.list_filters import (
    SearchBox,
    SearchListPage,
    add_captioned_filter,
    fill_filter_combo,
    show_choice_whole,
)
from ui.common.personal_data import personal_data_menu
from ui.common.record_table import FOREGROUND, PagedTableModel
from ui.common.rights import allow
from ui.common.texts import FieldLabel
from ui.customers.consent_section import consent_filter_items
from ui.leads.lead_personal_data import anonymise_lead, export_lead

COL_NAME, COL_EMAIL, COL_PHONE, COL_INTEREST, COL_CHANNEL, COL_SOURCE = range(6)
COL_OWNER, COL_STATUS, COL_CREATED = range(6, 9)
COLUMN_WIDTHS = (220, 220, 150, 170, 100, 170, 140, 100, 130)
_DONE_BRUSH = QBrush(QColor("#6b6b6b"))
_DONE = {LeadStatus.CONVERTED.value, LeadStatus.DISQUALIFIED.value}


def _label(choice: type[LeadStatus], value: str) -> str:
    try:
        return choice(value).label
    except ValueError:
        return value


class LeadTableModel(PagedTableModel):
    COLUMNS = (
        (FieldLabel("lead.name"), "name"),
        (FieldLabel("lead.email"), "email"),
        (FieldLabel("lead.phone"), "phone"),
        # Brand and model: what the lead is interested in (the way to pay is on the form).
        (FieldLabel("lead.vehicle_interest"), "interest"),
        (FieldLabel("lead.channel"), "channel"),
        (FieldLabel("lead.source"), "source"),
        (FieldLabel("lead.owner_id"), "owner"),
        (FieldLabel("lead.status"), "status"),
        (FieldLabel("lead.created_at"), "created_at"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(LeadFilter(), "created_at", parent)
        self._descending = True
        self.channels: dict[str, str] = {}

    def fetch_count(self, flt: LeadFilter) -> int:
        # The channels' names, read once a refresh (an administrator may have renamed one).
        self.channels = reference.code_labels("channel")
        return leads.count(flt)

    def fetch_page(
        self, flt: LeadFilter, sort: str, descending: bool, offset: int, limit: int
    ) -> list[LeadRow]:
        return leads.page(flt, sort, descending, offset, limit)

    def fetch_first(
        self, flt: LeadFilter, sort: str, descending: bool, limit: int
    ) -> tuple[int, list[LeadRow]]:
        # One service call: the search folded and counted once for the count and the page.
        self.channels = reference.code_labels("channel")
        return leads.count_and_first_page(flt, sort, descending, limit)

    def display(self, item: LeadRow, column: int) -> str:
        if column == COL_CHANNEL:
            return self.channels.get(item.channel, item.channel)
        if column == COL_STATUS:
            return _label(LeadStatus, item.status)
        if column == COL_CREATED:
            return reading.format_moment(item.created_at)
        return str(
            (item.name, item.email, item.phone, item.interest, "", item.source, item.owner)[column]
        )

    def raw(self, item: LeadRow, column: int) -> Any:
        return item.created_at if column == COL_CREATED else self.display(item, column)

    def style(self, item: LeadRow, column: int, role: int) -> Any:
        return _DONE_BRUSH if role == FOREGROUND and item.status in _DONE else None


class LeadListPage(SearchListPage):
    """The leads tab: search, status, owner and channel filters above the list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = SearchBox(
            _("Search name, e-mail, phone, vehicle… (1–2 letters: word starts)")
        )
        self.search.setToolTip(
            _(
                "Three letters or more are found anywhere in the name, company, e-mail, "
                "phone, brand, model and source; one or two letters at the start of a word "
                "(“ro” finds “Rossi”, not “Ferro”)."
            )
        )
        self.status = QComboBox()
        self.owner = QComboBox()
        self.channel = QComboBox()
        self.consent = QComboBox()
        fill_filter_combo(self.consent, _("Any marketing consent"), consent_filter_items())
        self.reload_choices()
        # Each shows its choice whole; on a laptop's screen (and in the longer languages)
        # the search box gives way, so that the bar fits the window.
        for combo in (self.status, self.owner, self.channel, self.consent):
            show_choice_whole(combo)
        self.search.setMinimumWidth(self.search.fontMetrics().averageCharWidth() * 24)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        add_captioned_filter(bar, label("lead.status"), self.status)
        add_captioned_filter(bar, label("lead.owner_id"), self.owner)
        add_captioned_filter(bar, label("lead.channel"), self.channel)
        bar.addWidget(self.consent, 1)
        self.personal_data_button = QPushButton(_("Personal &data"))
        self.export_action, self.anonymise_action = personal_data_menu(
            self.personal_data_button,
            _("&Export the selected lead's data…"),
            _("&Anonymise the selected lead…"),
        )
        self.export_action.triggered.connect(lambda: self.export_selected())
        self.anonymise_action.triggered.connect(self.anonymise_selected)
        bar.addWidget(self.personal_data_button)
        self.take_button = QPushButton(_("&Take it"))
        self.take_button.setToolTip(_("Become the owner of the lead your team holds"))
        self.take_button.clicked.connect(self.take_selected)
        bar.addWidget(self.take_button)
        self.set_up(bar, LeadTableModel(self), COLUMN_WIDTHS, "leads")
        self.table.selectionModel().currentChanged.connect(lambda *_: self._enable_take())
        self.model.modelReset.connect(self._enable_take)
        self._enable_take()

    def _selected_name(self) -> tuple[int, str] | None:
        lead_id = self.table.current_id()
        if lead_id is None:
            return None
        try:
            return lead_id, leads.get(lead_id).display_name
        except NotFound:  # deleted at another workstation since the list was read
            self.refresh()
            return None

    def _enable_take(self) -> None:
        """Take it: for the one lead selected that the user's team (or nobody) holds."""
        lead_id = self.table.current_id()
        reason: str | None = _("Select the lead to take.")
        if lead_id is not None:
            try:
                reason = record_rights.sale_access(record_rights.LEAD, lead_id).take_refusal
            except (NotAllowed, NotFound) as exc:
                reason = str(exc)
        allow(self.take_button, reason)

    def take_selected(self) -> bool:
        """The signed-in salesperson takes the selected lead: it is theirs now."""
        lead_id = self.table.current_id()
        if lead_id is None:
            return False
        try:
            record_rights.take(record_rights.LEAD, lead_id)
        except (NotAllowed, NotFound) as exc:
            allow(self.take_button, str(exc))
            return False
        record_changes().announce(LEAD, lead_id)
        self.refresh()
        return True

    def export_selected(self, path: Path | None = None) -> Path | None:
        selected = self._selected_name()
        return export_lead(self, *selected, path) if selected else None

    def anonymise_selected(self) -> bool:
        selected = self._selected_name()
        if selected is None or not anonymise_lead(self, *selected):
            return False
        self.refresh()
        return True

    def reload_choices(self) -> None:
        statuses = [("*", _("All leads")), *((s.value, s.label) for s in LeadStatus)]
        fill_filter_combo(self.status, _("Open leads"), statuses)
        fill_filter_combo(
            self.owner, _("Anyone"), [(o.id, o.label) for o in reference.users(active_only=False)]
        )
        # Every channel, those no longer in use too: old leads hold them.
        channels = [(c.code, c.label) for c in reference.code_entries("channel")]
        fill_filter_combo(self.channel, _("Any channel"), channels)

    def current_filter(self) -> LeadFilter:
        status = self.status.currentData()
        return LeadFilter(
            text=self.search.text().strip(),
            status=None if status == "*" else status,
            open_only=status is None,
            owner_id=self.owner.currentData(),
            channel=self.channel.currentData(),
            consent=self.consent.currentData(),
        )

    def refresh(self) -> None:
        self.reload_choices()
        self.model.refresh()

    def count_text(self, count: int) -> str:
        if count > leads.SEARCH_COUNT_LIMIT:
            # A search is counted up to a bound: the list holds the first of its leads.
            limit = leads.SEARCH_COUNT_LIMIT
            return ngettext("More than {n} lead", "More than {n} leads", limit).format(
                n=i18n.current().format_number(limit)
            )
        return ngettext("{n} lead", "{n} leads", count).format(
            n=i18n.current().format_number(count)
        )

    def _filter_combos(self) -> tuple[QComboBox, ...]:
        return (self.status, self.owner, self.channel, self.consent)
