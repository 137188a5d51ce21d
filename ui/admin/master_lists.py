"""The Administration's lists of master data: businesses, facilities, operations, the vehicle
catalogue, its options and accessories, the stock, and the editable lists (reasons, sources,
competitors, channels, payment interests, activity outcomes). Each with search, add, edit,
deactivate (activate again), and delete for what nothing holds; the lists can be put in
order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import money
from app.domain.choices import BusinessKind, Condition, Interest, OperationKind, VehicleUse
from app.domain.master_data import ItemKind, ListKind, PriceBasis
from app.domain.quotes import VatTreatment
from app.domain.text import SEARCH_MAX_LENGTH
from app.domain.validation import ValidationError
from app.i18n import N_, _
from app.services import master_data, setup
from app.services.errors import ConflictError, NotFound
from app.services.master_data import (
    BusinessRecord,
    CatalogueRecord,
    FacilityRecord,
    ItemRecord,
    ListEntry,
    OperationRecord,
    VehicleRecord,
)
from app.services.reference import Option
from ui.admin.master_form import Field, MasterRecordDialog
from ui.common.roles import ROW_ROLE, SORT_ROLE
from ui.common.table_model import Column, RowTableModel, summary_table
from ui.common.texts import FieldLabel
from ui.common.widgets import ERROR_COLOUR, OptionCombo


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _money(amount: Any, currency: str) -> str:
    return money.format_money(amount, currency) if amount is not None else "—"


def _currency() -> str:
    """The site's currency: what a new record is priced in."""
    return setup.money_settings().currency


def _businesses() -> list[Option]:
    return [Option(r.id, r.name) for r in master_data.businesses(inactive=False) if r.id]


def _facilities() -> list[Option]:
    return [Option(r.id, r.name) for r in master_data.facilities(inactive=False) if r.id]


def _entries() -> list[Option]:
    return [
        Option(r.id, " · ".join(p for p in (r.label, r.model_code) if p))
        for r in master_data.catalogue(inactive=False)
        if r.id
    ]


def _names(options: Callable[[], list[Option]]) -> Callable[[int | None], str]:
    def name(option_id: int | None) -> str:
        return next((o.label for o in options() if o.id == option_id), "—")

    return name


@dataclass(frozen=True)
class Section:
    """One list of the Administration: what it shows, and the form of one of its records."""

    key: str
    title: str  # N_() text, translated where shown
    record_name: str
    new: Callable[[], Any]
    load: Callable[[str, bool], Sequence[Any]]
    columns: tuple[Column[Any], ...]
    fields: tuple[Field, ...]
    deactivatable: bool = True
    describe: Callable[[Any], str] = field(default=lambda r: getattr(r, "name", ""))


_ADDRESS = (
    Field("street", "text", "business.street"),
    Field("postcode", "text", "business.postcode"),
    Field("city", "text", "business.city"),
)

BUSINESSES = Section(
    "businesses",
    N_("Businesses"),
    "business",
    BusinessRecord,
    lambda text, inactive: master_data.businesses(text, inactive),
    (
        Column(FieldLabel("business.name"), lambda r: r.name),
        Column(FieldLabel("business.kind"), lambda r: BusinessKind(r.kind).label),
        Column(FieldLabel("business.city"), lambda r: r.city),
        Column(FieldLabel("business.vat_number"), lambda r: r.vat_number),
        Column(FieldLabel("business.active"), lambda r: _yes_no(r.active)),
    ),
    (
        Field("name", "text", "business.name"),
        Field("kind", "choice", "business.kind", choices=BusinessKind),
        Field("parent_id", "option", "business.parent_id", options=_businesses, none="—"),
        Field("registered_name", "text", "business.registered_name"),
        *_ADDRESS,
        Field("country", "text", "business.country"),
        Field("phone", "text", "business.phone"),
        Field("email", "text", "business.email"),
        Field("commercial_register", "text", "business.commercial_register"),
        Field("register_court", "text", "business.register_court"),
        Field("vat_number", "text", "business.vat_number"),
        Field("tax_number", "text", "business.tax_number"),
        Field("managing_directors", "text", "business.managing_directors"),
        Field("bank_name", "text", "business.bank_name"),
        Field("iban", "text", "business.iban"),
        Field("bic", "text", "business.bic"),
    ),
)

FACILITIES = Section(
    "facilities",
    N_("Facilities"),
    "facility",
    FacilityRecord,
    lambda text, inactive: master_data.facilities(text, inactive),
    (
        Column(FieldLabel("facility.name"), lambda r: r.name),
        Column(FieldLabel("facility.business_id"), lambda r: _names(_businesses)(r.business_id)),
        Column(FieldLabel("facility.city"), lambda r: r.city),
        Column(FieldLabel("facility.active"), lambda r: _yes_no(r.active)),
    ),
    (
        Field("name", "text", "facility.name"),
        Field("business_id", "option", "facility.business_id", options=_businesses),
        Field("street", "text", "facility.street"),
        Field("postcode", "text", "facility.postcode"),
        Field("city", "text", "facility.city"),
    ),
)

OPERATIONS = Section(
    "operations",
    N_("Operations"),
    "operation",
    OperationRecord,
    lambda text, inactive: master_data.operations(text, inactive),
    (
        Column(FieldLabel("operation.name"), lambda r: r.name),
        Column(FieldLabel("operation.kind"), lambda r: OperationKind(r.kind).label),
        Column(FieldLabel("operation.facility_id"), lambda r: _names(_facilities)(r.facility_id)),
        Column(FieldLabel("operation.active"), lambda r: _yes_no(r.active)),
    ),
    (
        Field("name", "text", "operation.name"),
        Field("kind", "choice", "operation.kind", choices=OperationKind),
        Field("facility_id", "option", "operation.facility_id", options=_facilities),
    ),
)

CATALOGUE = Section(
    "catalogue",
    N_("Vehicle catalogue"),
    "catalogue",
    lambda: CatalogueRecord(currency=_currency()),
    lambda text, inactive: master_data.catalogue(text, inactive),
    (
        Column(FieldLabel("catalogue.brand"), lambda r: r.brand),
        Column(FieldLabel("catalogue.vehicle_class"), lambda r: r.vehicle_class),
        Column(FieldLabel("catalogue.model"), lambda r: r.model),
        Column(FieldLabel("catalogue.model_code"), lambda r: r.model_code),
        Column(FieldLabel("catalogue.variant"), lambda r: r.variant),
        Column(
            FieldLabel("catalogue.list_price"),
            lambda r: _money(r.list_price, r.currency),
            sort=lambda r: r.list_price,
            figure=True,
        ),
        Column(FieldLabel("catalogue.price_basis"), lambda r: PriceBasis(r.price_basis).label),
        Column(
            FieldLabel("catalogue.vat_rate"), lambda r: f"{r.vat_rate} %" if r.vat_rate else "—"
        ),
        Column(FieldLabel("catalogue.active"), lambda r: _yes_no(r.active)),
    ),
    (
        Field("brand", "text", "catalogue.brand"),
        Field("vehicle_class", "text", "catalogue.vehicle_class"),
        Field("model", "text", "catalogue.model"),
        Field("model_code", "text", "catalogue.model_code"),
        Field("variant", "text", "catalogue.variant"),
        Field("currency", "currency", "catalogue.currency"),
        Field("list_price", "money", "catalogue.list_price"),
        Field("price_basis", "choice", "catalogue.price_basis", choices=PriceBasis),
        Field(
            "vat_rate",
            "rate",
            "catalogue.vat_rate",
            hint=N_("Empty: the site's default VAT rate"),
        ),
    ),
    describe=lambda r: r.label,
)

ITEMS = Section(
    "items",
    N_("Options and accessories"),
    "catalogue_item",
    lambda: ItemRecord(currency=_currency()),
    lambda text, inactive: master_data.items(text, inactive),
    (
        Column(FieldLabel("catalogue_item.kind"), lambda r: ItemKind(r.kind).label),
        Column(FieldLabel("catalogue_item.code"), lambda r: r.code),
        Column(FieldLabel("catalogue_item.name"), lambda r: r.name),
        Column(FieldLabel("catalogue_item.entry_id"), lambda r: _names(_entries)(r.entry_id)),
        Column(
            FieldLabel("catalogue_item.price"),
            lambda r: _money(r.price, r.currency),
            sort=lambda r: r.price,
            figure=True,
        ),
        Column(FieldLabel("catalogue_item.price_basis"), lambda r: PriceBasis(r.price_basis).label),
        Column(FieldLabel("catalogue_item.active"), lambda r: _yes_no(r.active)),
    ),
    (
        Field("kind", "choice", "catalogue_item.kind", choices=ItemKind),
        Field("code", "text", "catalogue_item.code"),
        Field("name", "text", "catalogue_item.name"),
        Field(
            "entry_id", "option", "catalogue_item.entry_id", options=_entries, none=N_("Any model")
        ),
        Field("currency", "currency", "catalogue_item.currency"),
        Field("price", "money", "catalogue_item.price"),
        Field("price_basis", "choice", "catalogue_item.price_basis", choices=PriceBasis),
        Field("vat_rate", "rate", "catalogue_item.vat_rate"),
    ),
)

STOCK = Section(
    "stock",
    N_("Stock"),
    "vehicle",
    lambda: VehicleRecord(currency=_currency()),
    lambda text, inactive: master_data.stock(text, inactive),
    (
        Column(FieldLabel("vehicle.stock_number"), lambda r: r.stock_number),
        Column(FieldLabel("vehicle.vin"), lambda r: r.vin),
        Column(FieldLabel("vehicle.brand"), lambda r: r.brand),
        Column(FieldLabel("vehicle.model"), lambda r: r.model),
        Column(FieldLabel("vehicle.variant"), lambda r: r.variant),
        Column(FieldLabel("vehicle.condition"), lambda r: Condition(r.condition).label),
        Column(FieldLabel("vehicle.use"), lambda r: VehicleUse(r.use).label),
        Column(
            FieldLabel("vehicle.list_price"),
            lambda r: _money(r.list_price, r.currency),
            sort=lambda r: r.list_price,
            figure=True,
        ),
        Column(N_("Held by"), lambda r: r.held_by),
    ),
    (
        Field("vin", "text", "vehicle.vin"),
        Field("stock_number", "text", "vehicle.stock_number"),
        Field("condition", "choice", "vehicle.condition", choices=Condition),
        Field("use", "choice", "vehicle.use", choices=VehicleUse),
        Field("vat_treatment", "choice", "vehicle.vat_treatment", choices=VatTreatment),
        Field("brand", "text", "vehicle.brand"),
        Field("vehicle_class", "text", "vehicle.vehicle_class"),
        Field("model", "text", "vehicle.model"),
        Field("model_code", "text", "vehicle.model_code"),
        Field("variant", "text", "vehicle.variant"),
        Field("colour", "text", "vehicle.colour"),
        Field("first_registration", "date", "vehicle.first_registration"),
        Field("mileage_km", "km", "vehicle.mileage_km"),
        Field("currency", "currency", "vehicle.currency"),
        Field("list_price", "money", "vehicle.list_price"),
        Field(
            "purchase_price",
            "money",
            "vehicle.purchase_price",
            hidden=master_data.hidden_purchase_price,
        ),
        Field("facility_id", "option", "vehicle.facility_id", options=_facilities, none="—"),
    ),
    deactivatable=False,
    describe=lambda r: r.stock_number,
)

LISTS = Section(
    "lists",
    N_("Lists"),
    "list_entry",
    ListEntry,
    lambda text, inactive: [],  # the lists page loads the list picked
    (
        Column(FieldLabel("list_entry.name"), lambda r: r.shown),
        Column(
            FieldLabel("list_entry.payment_kind"),
            lambda r: Interest(r.payment_kind).label if r.payment_kind else "",
        ),
        Column(FieldLabel("list_entry.used"), lambda r: str(r.used), figure=True),
        Column(FieldLabel("list_entry.active"), lambda r: _yes_no(r.active)),
    ),
    (Field("name", "text", "list_entry.name"),),
    describe=lambda r: r.shown,
)
COL_PAYMENT_KIND = 1  # shown for the payment interests only

# A payment interest says which kind of payment it is: the quotes' payment plans follow it.
_PAYMENT_KIND = Field("payment_kind", "choice", "list_entry.payment_kind", choices=Interest)

SECTIONS = (BUSINESSES, FACILITIES, OPERATIONS, CATALOGUE, ITEMS, STOCK, LISTS)


class MasterListPage(QWidget):
    """One list of master data: search as you type, show the inactive ones too, add, edit,
    deactivate or activate again, delete what nothing holds."""

    changed = Signal()

    def __init__(self, section: Section, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self.search = QLineEdit()
        self.search.setMaxLength(SEARCH_MAX_LENGTH)
        self.search.setPlaceholderText(_("Search"))
        self.search.setClearButtonEnabled(True)
        self.show_inactive = QCheckBox(
            _("Show sold vehicles too") if section is STOCK else _("Show inactive ones too")
        )
        self.model: RowTableModel[Any] = RowTableModel(self, columns=section.columns)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = summary_table(self.model)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.add_button = QPushButton(_("&Add…"))
        self.edit_button = QPushButton(_("&Edit…"))
        self.active_button = QPushButton(_("&Deactivate"))
        self.delete_button = QPushButton(_("De&lete"))
        self.up_button = QPushButton(_("Move &up"))
        self.down_button = QPushButton(_("Move do&wn"))
        self.message = QLabel()
        self.message.setWordWrap(True)

        top = QHBoxLayout()
        self.top = top
        top.addWidget(self.search, 1)
        top.addWidget(self.show_inactive)
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.edit_button,
            self.active_button,
            self.delete_button,
            self.up_button,
            self.down_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.active_button.setVisible(section.deactivatable)
        ordered = section is LISTS
        self.up_button.setVisible(ordered)
        self.down_button.setVisible(ordered)

        self.search.textChanged.connect(lambda _text: self.refresh())
        self.show_inactive.toggled.connect(lambda _on: self.refresh())
        self.add_button.clicked.connect(lambda: self.open_record(None))
        self.edit_button.clicked.connect(lambda: self.open_record(self.current()))
        self.table.doubleClicked.connect(lambda _index: self.open_record(self.current()))
        self.active_button.clicked.connect(self.toggle_active)
        self.delete_button.clicked.connect(self.delete_current)
        self.up_button.clicked.connect(lambda: self.move_entry(-1))
        self.down_button.clicked.connect(lambda: self.move_entry(1))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.refresh()

    # Reading

    def rows(self) -> Sequence[Any]:
        return self.section.load(self.search.text(), self.show_inactive.isChecked())

    def refresh(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else getattr(self.current(), "id", None)
        self.model.set_rows(self.rows())
        if keep is not None:
            self.select(keep)
        self._enable()

    def select(self, record_id: int) -> None:
        for row in range(self.proxy.rowCount()):
            if getattr(self.proxy.index(row, 0).data(ROW_ROLE), "id", None) == record_id:
                self.table.selectRow(row)
                return

    def current(self) -> Any:
        indexes = self.table.selectionModel().selectedRows()
        return indexes[0].data(ROW_ROLE) if indexes else None

    def _enable(self) -> None:
        may = master_data.may_change()
        current = self.current()
        tip = "" if may else master_data.refusal()
        for button in (self.add_button, self.active_button, self.delete_button):
            button.setToolTip(tip)
        self.add_button.setEnabled(may)
        self.edit_button.setEnabled(current is not None)
        self.edit_button.setText(_("&Edit…") if may else _("&View…"))
        self.active_button.setEnabled(may and current is not None)
        self.delete_button.setEnabled(may and current is not None)
        self.up_button.setEnabled(may and current is not None)
        self.down_button.setEnabled(may and current is not None)
        if current is not None and self.section.deactivatable:
            self.active_button.setText(_("&Deactivate") if current.active else _("Ac&tivate again"))
            kept = getattr(current, "stays_active", "") if current.active else ""
            if kept and may:  # an entry the program relies on: say why rather than refuse
                self.active_button.setEnabled(False)
                self.active_button.setToolTip(kept)

    # Changing

    def new_record(self) -> Any:
        return self.section.new()

    def open_record(self, record: Any) -> MasterRecordDialog | None:
        if record is None and not master_data.may_change():
            return None
        if record is None:
            record = self.new_record()
            title = _("New: {list}").format(list=_(self.section.title))
        else:
            title = _("{list}: {record}").format(
                list=_(self.section.title), record=self.section.describe(record)
            )
        dialog = self.make_dialog(title, record)
        dialog.saved.connect(lambda saved: self._after_save(saved.id))
        dialog.open()  # modal to this window only, not to the whole program
        self.dialog = dialog
        return dialog

    def make_dialog(self, title: str, record: Any) -> MasterRecordDialog:
        return MasterRecordDialog(
            title, self.section.record_name, self.section.fields, record, self
        )

    def _after_save(self, record_id: int) -> None:
        self.refresh(select_id=record_id)
        self.changed.emit()

    def toggle_active(self) -> bool:
        current = self.current()
        if current is None:
            return False
        try:
            saved = master_data.set_active(current, not current.active)
        except (ConflictError, NotFound) as exc:
            self.say(_("Not changed: {reason}").format(reason=exc), error=True)
            self.refresh()
            return False
        except ValidationError as exc:  # an entry the program relies on stays active
            self.say(exc.errors.get("active", str(exc)), error=True)
            return False
        self.say(
            _("“{name}” is active again.").format(name=self.section.describe(saved))
            if saved.active
            else _("“{name}” is deactivated: no longer offered, kept where it is used.").format(
                name=self.section.describe(saved)
            )
        )
        self.show_inactive.setChecked(self.show_inactive.isChecked() or not saved.active)
        self._after_save(saved.id)
        return True

    def delete_current(self) -> bool:
        current = self.current()
        if current is None:
            return False
        try:
            master_data.delete(current)
        except ValidationError as exc:
            self.say(exc.errors.get("delete", str(exc)), error=True)
            return False
        self.say(_("Deleted “{name}”.").format(name=self.section.describe(current)))
        self.refresh()
        self.changed.emit()
        return True

    def move_entry(self, steps: int) -> None:
        current = self.current()
        if current is None:
            return
        master_data.move(current, steps)
        self.refresh(select_id=current.id)

    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")
        self.message.setText(text)


class ListsPage(MasterListPage):
    """The editable lists, one at a time: pick the list, then edit its entries in order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.kind = QComboBox()
        for kind in ListKind:
            self.kind.addItem(kind.label, kind.value)
        super().__init__(LISTS, parent)
        self.table.setSortingEnabled(False)  # the list's own order is what is edited
        self.proxy.sort(-1)
        self.top.insertWidget(0, self.kind)
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self._show_columns()

    def refresh(self, select_id: int | None = None) -> None:
        super().refresh(select_id)
        self._show_columns()

    def _show_columns(self) -> None:
        if hasattr(self, "kind"):  # the base class refreshes before the picker exists
            paid = self.current_kind() == ListKind.INTEREST.value
            self.table.setColumnHidden(COL_PAYMENT_KIND, not paid)

    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def set_kind(self, kind: str) -> None:
        self.kind.setCurrentIndex(self.kind.findData(kind))

    def rows(self) -> Sequence[Any]:
        return master_data.list_entries(
            self.current_kind(), self.search.text(), self.show_inactive.isChecked()
        )

    def new_record(self) -> Any:
        kind = self.current_kind()
        paid = Interest.CASH.value if kind == ListKind.INTEREST.value else ""
        return ListEntry(kind=kind, payment_kind=paid)

    def make_dialog(self, title: str, record: Any) -> MasterRecordDialog:
        if record.kind != ListKind.INTEREST.value:
            return super().make_dialog(title, record)
        dialog = MasterRecordDialog(
            title, LISTS.record_name, (*LISTS.fields, _PAYMENT_KIND), record, self
        )
        if record.key:
            # A shipped entry means what its name says; another kind is an entry of its own.
            kind = dialog.widgets["payment_kind"]
            kind.setEnabled(False)
            kind.setToolTip(_("Shipped with the program: add an entry for another kind."))
        return dialog


class StockPage(MasterListPage):
    """The stock, whose form fills brand to variant (and the price) from the catalogue."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(STOCK, parent)

    def make_dialog(self, title: str, record: Any) -> MasterRecordDialog:
        return VehicleDialog(title, record, self)


class VehicleDialog(MasterRecordDialog):
    """A stock vehicle: picking a catalogue entry fills its brand, class, model, model code,
    variant and, if none is typed, the list price; each stays editable (a used car may be
    of a model the catalogue no longer lists)."""

    def __init__(self, title: str, record: VehicleRecord, parent: QWidget | None = None) -> None:
        super().__init__(title, "vehicle", STOCK.fields, record, parent)
        self.from_catalogue = OptionCombo()
        self.from_catalogue.set_options(_entries(), none_label=_("— pick to fill in —"))
        form = self.layout().itemAt(0).layout()
        form.insertRow(5, _("From the &catalogue"), self.from_catalogue)
        self.from_catalogue.currentIndexChanged.connect(lambda _i: self._fill_from_catalogue())
        if self.read_only:
            self.from_catalogue.setEnabled(False)

    def _fill_from_catalogue(self) -> None:
        entry_id = self.from_catalogue.current_id()
        if entry_id is None:
            return
        entry = master_data.get(CatalogueRecord, entry_id)
        for name in ("brand", "vehicle_class", "model", "model_code", "variant"):
            widget = self.widgets[name]
            assert isinstance(widget, QLineEdit)
            widget.setText(getattr(entry, name))
        price = self.widgets["list_price"]
        if not price.text().strip():  # type: ignore[attr-defined]
            net = master_data.catalogue_net_price(entry)
            self.widgets["currency"].setCurrentText(entry.currency)  # type: ignore[attr-defined]
            price.set_amount(net)  # type: ignore[attr-defined]


def make_page(section: Section, parent: QWidget | None = None) -> MasterListPage:
    if section is LISTS:
        return ListsPage(parent)
    if section is STOCK:
        return StockPage(parent)
    return MasterListPage(section, parent)
