"""The customer list: its table model, filters and the page in the main window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QWidget,
)

from app import i18n
from app.domain.choices import AccountKind
from app.domain.fields import label
from app.i18n import _, ngettext
from app.services import accounts
from app.services.accounts import AccountFilter, AccountRow
from ui.common.list_filters import (
    SearchBox,
    SearchListPage,
    add_captioned_filter,
    fill_filter_combo,
)
from ui.common.personal_data import personal_data_menu
from ui.common.record_table import PagedTableModel
from ui.common.texts import FieldLabel
from ui.customers.consent_section import consent_filter_items
from ui.customers.personal_data_actions import anonymise_customer, export_customer

COL_NAME, COL_KIND, COL_EMAIL, COL_PHONE, COL_POSTCODE, COL_CITY, COL_OPEN = range(7)
COLUMN_WIDTHS = (260, 90, 240, 170, 90, 160, 110)


class AccountTableModel(PagedTableModel):
    COLUMNS = (
        (FieldLabel("account.name"), "name"),
        (FieldLabel("account.kind"), "kind"),
        (FieldLabel("account.email"), "email"),
        (FieldLabel("account.phone"), "phone"),
        (FieldLabel("account.postcode"), "postcode"),
        (FieldLabel("account.city"), "city"),
        (FieldLabel("account.open_opportunities", short=True), "open_opportunities"),
    )
    RIGHT_ALIGNED = frozenset({COL_OPEN})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(AccountFilter(), "name", parent)

    def fetch_count(self, flt: AccountFilter) -> int:
        return accounts.count(flt)

    def fetch_page(
        self, flt: AccountFilter, sort: str, descending: bool, offset: int, limit: int
    ) -> list[AccountRow]:
        return accounts.page(flt, sort, descending, offset, limit)

    def fetch_first(
        self, flt: AccountFilter, sort: str, descending: bool, limit: int
    ) -> tuple[int, list[AccountRow]]:
        return accounts.count_and_first_page(flt, sort, descending, limit)

    def display(self, item: AccountRow, column: int) -> str:
        if column == COL_KIND:
            return AccountKind(item.kind).label if item.kind in ("person", "company") else item.kind
        if column == COL_OPEN:
            return str(item.open_opportunities) if item.open_opportunities else ""
        return str((item.name, "", item.email, item.phone, item.postcode, item.city)[column])


class AccountListPage(SearchListPage):
    """The customers tab: search and kind filter above the list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = SearchBox(
            _("Search name, e-mail, phone, postcode, city… (1–2 letters: word starts)")
        )
        self.search.setToolTip(
            _(
                "Three letters or more are found anywhere in the name, e-mail, phone, "
                "postcode and city; one or two letters at the start of a word of the name, "
                "e-mail, phone or postcode (“ro” finds “Rossi”, not “Ferro”)."
            )
        )
        self.kind = QComboBox()
        fill_filter_combo(
            self.kind, _("People and companies"), [(k.value, k.label) for k in AccountKind]
        )
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        add_captioned_filter(bar, label("account.kind"), self.kind)
        self.consent = QComboBox()
        fill_filter_combo(self.consent, _("Any marketing consent"), consent_filter_items())
        bar.addWidget(self.consent, 1)
        bar.addStretch(2)
        self.personal_data_button = QPushButton(_("Personal &data"))
        self.export_action, self.anonymise_action = personal_data_menu(
            self.personal_data_button,
            _("&Export the selected customer's data…"),
            _("&Anonymise the selected customer…"),
        )
        self.export_action.triggered.connect(lambda: self.export_selected())
        self.anonymise_action.triggered.connect(self.anonymise_selected)
        bar.addWidget(self.personal_data_button)
        self.set_up(bar, AccountTableModel(self), COLUMN_WIDTHS, "customers")

    def export_selected(self, path: Path | None = None) -> Path | None:
        account_id = self.table.current_id()
        if account_id is None:
            return None
        return export_customer(self, account_id, accounts.name(account_id), path)

    def anonymise_selected(self) -> bool:
        account_id = self.table.current_id()
        if account_id is None or not anonymise_customer(
            self, account_id, accounts.name(account_id)
        ):
            return False
        self.refresh()
        return True

    def current_filter(self) -> AccountFilter:
        return AccountFilter(
            text=self.search.text().strip(),
            kind=self.kind.currentData(),
            consent=self.consent.currentData(),
        )

    def count_text(self, count: int) -> str:
        if count > accounts.SEARCH_COUNT_LIMIT:
            # A search is counted up to a bound: the list holds the first of its customers.
            limit = accounts.SEARCH_COUNT_LIMIT
            return ngettext("More than {n} customer", "More than {n} customers", limit).format(
                n=i18n.current().format_number(limit)
            )
        return ngettext("{n} customer", "{n} customers", count).format(
            n=i18n.current().format_number(count)
        )

    def _filter_combos(self) -> tuple[QComboBox, ...]:
        return (self.kind, self.consent)
