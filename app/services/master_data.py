"""The dealership's master data kept in the program: businesses, facilities, operations, the
vehicle catalogue with its options and accessories, the stock, and the editable lists.

Each record is read as a frozen dataclass with its version; a save passes the version it
opened and is refused (ConflictError) over a save made elsewhere meanwhile, with the conflict
described field by field and the user's changes saved on top if they choose. A row that
something holds is deactivated rather than deleted: deleting it is refused, saying what holds
it. Only those with the right to set up the dealership change any of it; the purchase price
of a stock vehicle is read only by those with the right to see it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar

from app.db import master_data as db
from app.db import models as m
from app.db.connection import transaction
from app.domain import money
from app.domain.choices import BusinessKind, Condition, Interest, OperationKind, VehicleUse
from app.domain.fields import label
from app.domain.master_data import (
    CODED_LISTS,
    KEPT_ACTIVE,
    ItemKind,
    ListKind,
    PriceBasis,
    check_vehicle,
    code_for,
    net_price,
    parse_rate,
)
from app.domain.quotes import VatTreatment
from app.domain.rights import Right
from app.domain.standard_names import display_name
from app.domain.text import search_text
from app.domain.validation import ValidationError, Validator
from app.i18n import NN_, _, ngettext
from app.services import access, conflicts, documents
from app.services.errors import ConflictError, NotFound

# --- the records ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BusinessRecord:
    id: int | None = None
    name: str = ""
    kind: str = BusinessKind.DEALER.value
    parent_id: int | None = None  # the dealer group it belongs to
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    phone: str = ""
    email: str = ""
    registered_name: str = ""
    commercial_register: str = ""
    register_court: str = ""
    managing_directors: str = ""
    vat_number: str = ""
    tax_number: str = ""
    bank_name: str = ""
    iban: str = ""
    bic: str = ""
    active: bool = True
    version: int = 0


@dataclass(frozen=True, slots=True)
class FacilityRecord:
    id: int | None = None
    business_id: int | None = None
    name: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    active: bool = True
    version: int = 0


@dataclass(frozen=True, slots=True)
class OperationRecord:
    id: int | None = None
    facility_id: int | None = None
    name: str = ""
    kind: str = OperationKind.NEW_VEHICLE_SALES.value
    active: bool = True
    version: int = 0


@dataclass(frozen=True, slots=True)
class CatalogueRecord:
    id: int | None = None
    brand: str = ""
    vehicle_class: str = ""
    model: str = ""
    model_code: str = ""
    variant: str = ""
    list_price: Decimal = Decimal(0)
    currency: str = money.DEFAULT_CURRENCY
    price_basis: str = PriceBasis.NET.value
    vat_rate: str = ""  # percent as typed; empty: the site's default rate
    active: bool = True
    version: int = 0

    @property
    def label(self) -> str:
        return " ".join(p for p in (self.brand, self.model, self.variant) if p)


@dataclass(frozen=True, slots=True)
class ItemRecord:
    id: int | None = None
    entry_id: int | None = None  # None: fits any model
    kind: str = ItemKind.ACCESSORY.value
    code: str = ""
    name: str = ""
    price: Decimal = Decimal(0)
    currency: str = money.DEFAULT_CURRENCY
    price_basis: str = PriceBasis.NET.value
    vat_rate: str = ""
    active: bool = True
    version: int = 0


@dataclass(frozen=True, slots=True)
class VehicleRecord:
    id: int | None = None
    vin: str = ""
    stock_number: str = ""
    condition: str = Condition.NEW.value
    use: str = VehicleUse.FOR_SALE.value
    vat_treatment: str = VatTreatment.REGULAR.value
    brand: str = ""
    vehicle_class: str = ""
    model: str = ""
    model_code: str = ""
    variant: str = ""
    colour: str = ""
    first_registration: date | None = None
    mileage_km: int = 0
    list_price: Decimal = Decimal(0)
    # None when the signed-in user may not see it (a save then keeps what is stored).
    purchase_price: Decimal | None = None
    currency: str = money.DEFAULT_CURRENCY
    facility_id: int | None = None
    version: int = 0
    # Who holds it: "reserved by #12 Golf (Anna Bauer)" or "sold with …"; empty if free.
    held_by: str = ""

    @property
    def active(self) -> bool:
        return self.use != VehicleUse.SOLD.value


@dataclass(frozen=True, slots=True)
class ListEntry:
    id: int | None = None
    kind: str = ListKind.LOST.value
    name: str = ""  # as stored
    shown: str = ""  # as a user reads it: a shipped entry translated unless renamed
    key: str | None = None
    sequence: int = 0
    active: bool = True
    used: int = 0
    version: int = 0
    # A coded list's (channels, payment interests, outcomes): what records keep of it.
    code: str | None = None
    # A payment interest's kind of payment ("cash", "finance", "lease").
    payment_kind: str = ""
    # Why the program keeps it active ("" when it may be deactivated), as a user reads it.
    stays_active: str = ""


R = TypeVar("R")


@dataclass(frozen=True)
class _Table(Generic[R]):
    """How one kind of record is read, checked, written and held."""

    record: str  # the field labels' record name ("facility")
    entity: str  # the audit log's entity name
    model: type[m.BaseModel]
    type: type[R]
    read: Callable[[Any], R]
    check: Callable[[R], dict[str, Any]]  # the row's values, or ValidationError
    holders: Callable[[Any], str]  # what holds the row, in words; "" when nothing does
    what: Callable[[Any], str]  # the record named in a conflict
    # The rows listed, searched, inactive ones too (a list's by its kind: list_entries).
    rows: Callable[[str, bool], list[Any]] | None = None

    def compared(self) -> tuple[str, ...]:
        skip = {"id", "version", "active", "used", "shown", "key", "sequence", "held_by", "code"}
        skip.add("stays_active")
        return tuple(f.name for f in fields(self.type) if f.name not in skip)  # type: ignore[arg-type]


def _require() -> None:
    access.require(Right.SETUP)


def _require_read() -> None:
    """The master data every form picks from (the catalogue for a quote, say): whoever
    sees the sales may read it."""
    access.require(Right.READ_SALES)


def may_change() -> bool:
    """Whether the signed-in user may change the master data (the screens ask it too)."""
    return access.has_right(Right.SETUP)


def refusal() -> str:
    """Why a user without the right may not change it (a disabled action's tooltip)."""
    return access.missing_right_message(Right.SETUP)


def _read(record_type: type[R], row: Any, **given: Any) -> R:
    """A record from its row: each field as the row holds it (an amount from its minor
    units, in the row's currency), but for those `given`."""
    values: dict[str, Any] = {}
    for f in fields(record_type):  # type: ignore[arg-type]
        if f.name in given:
            values[f.name] = given[f.name]
        elif hasattr(row, f"{f.name}_minor"):
            values[f.name] = money.from_minor(getattr(row, f"{f.name}_minor"), row.currency)
        else:
            values[f.name] = getattr(row, f.name)
    return record_type(**values)


def _texts(
    v: Validator, record: str, r: object, lengths: dict[str, int], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The record's text fields checked, in the order given, each at most its length long."""
    return {
        name: (v.require if name in required else v.optional)(
            name, getattr(r, name), label(f"{record}.{name}"), most
        )
        for name, most in lengths.items()
    }


def _price(v: Validator, name: str, amount: Decimal, currency: str, what: str) -> int:
    v.amount(name, amount, what)
    if name in v.errors or "currency" in v.errors:
        return 0
    if not money.fits(amount, currency):
        v.error(
            name,
            _("{label} has more decimals than {currency} has.").format(
                label=what, currency=currency
            ),
        )
        return 0
    return money.to_minor(amount, currency)


def _prices(v: Validator, record: str, r: Any, amount: str, values: dict[str, Any]) -> None:
    """A catalogue entry's or an option's price: its currency, the amount in minor units,
    whether it is net or gross, and its VAT rate ("" for the site's default)."""
    values["currency"] = v.currency("currency", r.currency)
    values[f"{amount}_minor"] = _price(
        v, amount, getattr(r, amount), values["currency"], label(f"{record}.{amount}")
    )
    values["price_basis"] = v.choice(
        "price_basis", r.price_basis, PriceBasis, label(f"{record}.price_basis")
    )
    rate = parse_rate(v, "vat_rate", r.vat_rate, label(f"{record}.vat_rate"))
    values["vat_rate"] = "" if rate is None else str(rate)


# What holds a row, in words, by the kind of record that holds it.
_HOLDERS: dict[str, tuple[str, str]] = {
    "businesses": NN_("{n} business under it", "{n} businesses under it"),
    "facilities": NN_("{n} facility", "{n} facilities"),
    "operations": NN_("{n} operation", "{n} operations"),
    "opportunities": NN_("{n} opportunity", "{n} opportunities"),
    "leads": NN_("{n} lead", "{n} leads"),
    "activities": NN_("{n} activity", "{n} activities"),
    "users": NN_("{n} user's home", "{n} users' home"),
    "vehicles": NN_("{n} stock vehicle", "{n} stock vehicles"),
    "items": NN_("{n} option or accessory", "{n} options and accessories"),
}
# A stock vehicle's, said as what names it.
_VEHICLE_HOLDERS: dict[str, tuple[str, str]] = {
    "opportunities": NN_("named by {n} opportunity", "named by {n} opportunities"),
    "quotes": NN_("on {n} quote", "on {n} quotes"),
    "order_forms": NN_("on {n} order form", "on {n} order forms"),
    "activities": NN_("{n} test drive", "{n} test drives"),
}


def _held(parts: dict[str, int], words: dict[str, tuple[str, str]] = _HOLDERS) -> str:
    return "; ".join(
        ngettext(*words[name], n).format(n=n) for name, n in parts.items() if n and name in words
    )


# --- businesses, facilities and operations --------------------------------------------------


_BUSINESS_DETAILS = (
    "street",
    "postcode",
    "city",
    "country",
    "phone",
    "registered_name",
    "commercial_register",
    "register_court",
    "managing_directors",
    "tax_number",
    "bank_name",
)


def _check_business(r: BusinessRecord) -> dict[str, Any]:
    v = Validator()
    values = _texts(v, "business", r, {"name": 120}, required=("name",))
    values["kind"] = v.choice("kind", r.kind, BusinessKind, label("business.kind"))
    if r.parent_id is not None:
        if r.parent_id == r.id:
            v.error("parent_id", _("A business cannot belong to itself."))
        elif db.row(m.Business, r.parent_id) is None:
            v.error("parent_id", _("This business no longer exists; pick another."))
    values["parent"] = r.parent_id
    values.update(_texts(v, "business", r, dict.fromkeys(_BUSINESS_DETAILS, 200)))
    values["email"] = v.email("email", r.email)
    values["vat_number"] = v.vat_id("vat_number", r.vat_number)
    values["iban"] = v.iban("iban", r.iban)
    values["bic"] = v.bic("bic", r.bic)
    v.raise_if_any()
    return values


BUSINESSES = _Table(
    "business",
    "business",
    m.Business,
    BusinessRecord,
    lambda row: _read(BusinessRecord, row),
    _check_business,
    lambda row: _held(db.business_uses(row.id)),
    lambda row: _("The business “{name}”").format(name=row.name),
    db.businesses,
)


def _check_facility(r: FacilityRecord) -> dict[str, Any]:
    v = Validator()
    lengths = {"name": 120, "street": 200, "postcode": 200, "city": 200}
    values = _texts(v, "facility", r, lengths, required=("name",))
    if r.business_id is None or db.row(m.Business, r.business_id) is None:
        v.error("business_id", _("Pick the business the facility belongs to."))
    values["business"] = r.business_id
    v.raise_if_any()
    return values


FACILITIES = _Table(
    "facility",
    "facility",
    m.Facility,
    FacilityRecord,
    lambda row: _read(FacilityRecord, row),
    _check_facility,
    lambda row: _held(db.facility_uses(row.id)),
    lambda row: _("The facility “{name}”").format(name=row.name),
    db.facilities,
)


def _check_operation(r: OperationRecord) -> dict[str, Any]:
    v = Validator()
    values = _texts(v, "operation", r, {"name": 120}, required=("name",))
    values["kind"] = v.choice("kind", r.kind, OperationKind, label("operation.kind"))
    if r.facility_id is None or db.row(m.Facility, r.facility_id) is None:
        v.error("facility_id", _("Pick the facility the operation runs at."))
    values["facility"] = r.facility_id
    v.raise_if_any()
    return values


OPERATIONS = _Table(
    "operation",
    "operation",
    m.Operation,
    OperationRecord,
    lambda row: _read(OperationRecord, row),
    _check_operation,
    lambda row: _held(db.operation_uses(row.id)),
    lambda row: _("The operation “{name}”").format(name=row.name),
    db.operations,
)


# --- the catalogue ------------------------------------------------------------------------------

# A model's names as the catalogue and the stock keep them, with their longest lengths.
_MODEL_NAMES = {"brand": 80, "vehicle_class": 80, "model": 80, "model_code": 40, "variant": 120}


def _check_entry(r: CatalogueRecord) -> dict[str, Any]:
    v = Validator()
    values = _texts(v, "catalogue", r, _MODEL_NAMES, required=("brand", "model"))
    _prices(v, "catalogue", r, "list_price", values)
    key = tuple(values[k] for k in _MODEL_NAMES)
    if not v.errors and db.catalogue_entry_taken(key, r.id):  # type: ignore[arg-type]
        v.error(
            "variant",
            _("The catalogue already has this variant of the {brand} {model}.").format(
                brand=values["brand"], model=values["model"]
            ),
        )
    v.raise_if_any()
    return values


CATALOGUE = _Table(
    "catalogue",
    "catalogue_entry",
    m.CatalogueEntry,
    CatalogueRecord,
    lambda row: _read(CatalogueRecord, row),
    _check_entry,
    lambda row: _held(db.catalogue_entry_uses(row)),
    lambda row: _("The catalogue entry “{name}”").format(
        name=" ".join(p for p in (row.brand, row.model, row.variant) if p)
    ),
    db.catalogue_entries,
)


def _check_item(r: ItemRecord) -> dict[str, Any]:
    v = Validator()
    values = _texts(v, "catalogue_item", r, {"name": 120, "code": 40}, required=("name",))
    values["kind"] = v.choice("kind", r.kind, ItemKind, label("catalogue_item.kind"))
    if r.entry_id is not None and db.row(m.CatalogueEntry, r.entry_id) is None:
        v.error("entry_id", _("This catalogue entry no longer exists; pick another."))
    values["entry"] = r.entry_id
    _prices(v, "catalogue_item", r, "price", values)
    v.raise_if_any()
    return values


ITEMS = _Table(
    "catalogue_item",
    "catalogue_item",
    m.CatalogueItem,
    ItemRecord,
    lambda row: _read(ItemRecord, row),
    _check_item,
    lambda row: "",  # quote lines keep their text: nothing holds an option by its row
    lambda row: _("The option or accessory “{name}”").format(name=row.name),
    db.catalogue_items,
)


# --- the stock ----------------------------------------------------------------------------------


def _read_vehicle(row: m.Vehicle) -> VehicleRecord:
    seen = access.has_right(Right.SEE_PURCHASE_PRICES)
    purchase = (
        money.from_minor(row.purchase_price_minor, row.currency)
        if seen and row.purchase_price_minor is not None
        else None
    )
    return _read(VehicleRecord, row, purchase_price=purchase, held_by=_vehicle_holders(row))


def _check_vehicle(r: VehicleRecord) -> dict[str, Any]:
    v = Validator()
    checked = check_vehicle(
        v, r.vin, r.stock_number, r.first_registration, r.mileage_km, r.condition, date.today()
    )
    values: dict[str, Any] = {"vin": checked.vin}
    values.update(_texts(v, "vehicle", r, {"stock_number": 40}))
    values["condition"] = v.choice("condition", r.condition, Condition, label("vehicle.condition"))
    values["use"] = v.choice("use", r.use, VehicleUse, label("vehicle.use"))
    values["vat_treatment"] = v.choice(
        "vat_treatment", r.vat_treatment, VatTreatment, label("vehicle.vat_treatment")
    )
    lengths = {**_MODEL_NAMES, "colour": 80}
    values.update(_texts(v, "vehicle", r, lengths, required=("brand", "model")))
    values["first_registration"] = r.first_registration
    values["mileage_km"] = r.mileage_km or 0
    if r.vat_treatment == VatTreatment.MARGIN.value and r.condition == Condition.NEW.value:
        v.error(
            "vat_treatment", _("A new car is sold with VAT; the margin scheme is for used cars.")
        )
    values["currency"] = v.currency("currency", r.currency)
    values["list_price_minor"] = _price(
        v, "list_price", r.list_price, values["currency"], label("vehicle.list_price")
    )
    if access.has_right(Right.SEE_PURCHASE_PRICES):
        # Without the right the form never had it: what is stored stays.
        values["purchase_price_minor"] = (
            None
            if r.purchase_price is None
            else _price(
                v,
                "purchase_price",
                r.purchase_price,
                values["currency"],
                label("vehicle.purchase_price"),
            )
        )
    if r.facility_id is not None and db.row(m.Facility, r.facility_id) is None:
        v.error("facility_id", _("This facility no longer exists; pick another."))
    values["facility"] = r.facility_id
    if not v.errors:
        vin_taken, number_taken = db.vehicle_taken(values["vin"], values["stock_number"], r.id)
        if vin_taken:
            v.error("vin", _("Another stock vehicle has the VIN {vin}.").format(vin=values["vin"]))
        if number_taken:
            v.error(
                "stock_number",
                _("Another stock vehicle has the stock number {number}.").format(
                    number=values["stock_number"]
                ),
            )
    if r.id is not None and r.use != VehicleUse.SOLD.value:
        uses = db.vehicle_uses(r.id)
        if uses["sold"]:
            v.error("use", _("This vehicle was sold with a won opportunity; it stays sold."))
    v.raise_if_any()
    return values


def _vehicle_holders(row: m.Vehicle) -> str:
    uses = db.vehicle_uses(row.id)
    if uses["sold"]:
        return _("sold with a won opportunity")
    if uses["reserved"]:
        return _("reserved by an open opportunity")
    return _held(uses, _VEHICLE_HOLDERS)


STOCK = _Table(
    "vehicle",
    "vehicle",
    m.Vehicle,
    VehicleRecord,
    _read_vehicle,
    _check_vehicle,
    _vehicle_holders,
    lambda row: _("The stock vehicle {number}").format(number=row.stock_number),
    db.stock,
)


# --- the lists ----------------------------------------------------------------------------------


def _read_entry_of_list(row: m.Reason, uses: dict[str, int] | None = None) -> ListEntry:
    """The entry; `uses`: its list's db.list_uses, read once for the whole list."""
    if uses is None:
        used = db.list_entry_uses(row.kind, row.name, row.code)
    else:
        used = uses.get(row.code if row.code is not None else row.name, 0)
    kept = KEPT_ACTIVE.get((row.kind, row.code))
    return _read(
        ListEntry,
        row,
        shown=display_name(row.key, row.name),
        used=used,
        stays_active=_(kept) if kept else "",
    )


def _check_list_entry(r: ListEntry) -> dict[str, Any]:
    v = Validator()
    kind = v.choice("kind", r.kind, ListKind, label("list_entry.name"))
    name = v.require("name", r.name, label("list_entry.name"), 80)
    if name and db.list_name_taken(kind, name, r.id):
        v.error("name", _("The list already has “{name}”.").format(name=name))
    row = db.row(m.Reason, r.id) if r.id is not None else None
    coded = kind in CODED_LISTS
    if (
        row is not None
        and not coded
        and row.name != name
        and db.list_entry_uses(row.kind, row.name)
    ):
        # Records keep an entry by its name: renaming a used one would orphan them.
        v.error(
            "name",
            _("“{name}” is on records already; deactivate it and add the new name instead.").format(
                name=display_name(row.key, row.name)
            ),
        )
    values: dict[str, Any] = {"kind": kind, "name": name}
    if kind == ListKind.INTEREST.value:
        payment = v.choice(
            "payment_kind", r.payment_kind, Interest, label("list_entry.payment_kind")
        )
        if not payment and "payment_kind" not in v.errors:
            v.error("payment_kind", _("Say whether it is paid in cash, financed or leased."))
        if row is not None and row.key and payment and payment != row.payment_kind:
            # The quotes' payment plans rely on a shipped entry meaning what its name says.
            v.error(
                "payment_kind",
                _(
                    "“{name}” is shipped as {kind}; add an entry of its own for another kind."
                ).format(
                    name=display_name(row.key, row.name), kind=Interest(row.payment_kind).label
                ),
            )
        values["payment_kind"] = payment
    v.raise_if_any()
    if r.id is None:
        values["sequence"] = db.next_list_sequence(kind)
        if coded:
            values["code"] = code_for(name, db.list_codes(kind))
    return values


def _list_holders(row: m.Reason) -> str:
    if row.code is not None:
        held = _held(db.coded_entry_uses(row.kind, row.code))
        if held:
            return held
    else:
        used = db.list_entry_uses(row.kind, row.name)
        if used:
            return ngettext("on {n} record", "on {n} records", used).format(n=used)
    if row.key:
        return _("shipped with the program")
    return ""


LISTS = _Table(
    "list_entry",
    "reason",
    m.Reason,
    ListEntry,
    _read_entry_of_list,
    _check_list_entry,
    _list_holders,
    lambda row: _("The entry “{name}”").format(name=display_name(row.key, row.name)),
)


_TABLES: dict[type, _Table[Any]] = {
    t.type: t for t in (BUSINESSES, FACILITIES, OPERATIONS, CATALOGUE, ITEMS, STOCK, LISTS)
}


def _table(record: object) -> _Table[Any]:
    return _TABLES[type(record)]


# --- reading ------------------------------------------------------------------------------------


def _listed(table: _Table[R], text: str, inactive: bool) -> list[R]:
    _require_read()
    assert table.rows is not None
    return [table.read(r) for r in table.rows(search_text(text), inactive)]


def businesses(text: str = "", inactive: bool = True) -> list[BusinessRecord]:
    return _listed(BUSINESSES, text, inactive)


def facilities(text: str = "", inactive: bool = True) -> list[FacilityRecord]:
    return _listed(FACILITIES, text, inactive)


def operations(text: str = "", inactive: bool = True) -> list[OperationRecord]:
    return _listed(OPERATIONS, text, inactive)


def catalogue(text: str = "", inactive: bool = True) -> list[CatalogueRecord]:
    return _listed(CATALOGUE, text, inactive)


def items(text: str = "", inactive: bool = True) -> list[ItemRecord]:
    return _listed(ITEMS, text, inactive)


def stock(text: str = "", inactive: bool = True) -> list[VehicleRecord]:
    return _listed(STOCK, text, inactive)


def list_entries(kind: str, text: str = "", inactive: bool = True) -> list[ListEntry]:
    _require_read()
    uses = db.list_uses(kind)
    return [
        _read_entry_of_list(r, uses) for r in db.list_entries(kind, search_text(text), inactive)
    ]


def _stored(table: _Table[Any], record_id: int) -> Any:
    """The record's row as stored: NotFound when it was deleted elsewhere."""
    row = db.row(table.model, record_id)
    if row is None:
        raise NotFound(_("This record no longer exists; it was deleted elsewhere."))
    return row


def _opened(table: _Table[Any], record: Any) -> Any:
    """The row of a record opened at its version: ConflictError when it was saved elsewhere
    since (NotFound when deleted)."""
    row = _stored(table, record.id)
    if row.version != record.version:
        raise ConflictError(table.what(row), conflicts.user_name(row.changed_by), row.version)
    return row


def get(record_type: type[R], record_id: int) -> R:
    _require_read()
    table = _TABLES[record_type]
    return table.read(_stored(table, record_id))  # type: ignore[no-any-return]


# --- writing ------------------------------------------------------------------------------------


def save(record: R) -> R:
    """Create (no id) or update the record over the version it was opened at. Refused field
    by field (ValidationError), or over a save made elsewhere meanwhile (ConflictError)."""
    _require()
    table = _table(record)
    record_id: int | None = record.id  # type: ignore[attr-defined]
    with transaction():
        # Checked inside the transaction, which holds the write lock: a VIN or a name taken
        # by another workstation a moment ago is refused at its field, not by the database.
        values = table.check(record)
        if record_id is not None:
            _opened(table, record)
        saved = db.write(table.model, table.entity, record_id, values)
    return table.read(saved)  # type: ignore[no-any-return]


def conflict(opened: R, yours: R) -> conflicts.Conflict:
    """What changed since the record was opened: the value then, theirs and yours."""
    _require_read()
    table = _table(opened)
    row = _stored(table, opened.id)  # type: ignore[attr-defined]
    labels = conflicts.field_labels(table.record, table.compared())
    return conflicts.describe(
        table.what(row), row.changed_by, opened, table.read(row), yours, labels
    )


def save_over(opened: R, yours: R, their_version: int) -> R:
    """The user's changes over the version saved elsewhere; their other changes stay."""
    _require()
    table = _table(opened)
    theirs = get(type(opened), opened.id)  # type: ignore[attr-defined]
    merged = conflicts.merged(opened, theirs, yours, table.compared())
    return save(replace(merged, version=their_version))  # type: ignore[type-var]


def set_active(record: R, active: bool) -> R:
    """Deactivate (or activate again) a record opened at its version: a deactivated one is
    no longer offered in the pickers, and records that hold it keep it."""
    _require()
    table = _table(record)
    if table is STOCK:
        raise ValueError("a stock vehicle's use says whether it is for sale")
    with transaction():
        row = _opened(table, record)
        kept = KEPT_ACTIVE.get((row.kind, row.code)) if table is LISTS else None
        if kept and not active:
            raise ValidationError(
                {
                    "active": _("“{name}” cannot be deactivated: {why}").format(
                        name=display_name(row.key, row.name), why=_(kept)
                    )
                }
            )
        saved = db.write(table.model, table.entity, row.id, {"active": active})
    return table.read(saved)  # type: ignore[no-any-return]


def delete(record: object) -> None:
    """Delete a record nothing holds; one that is held is refused, saying what holds it
    (ValidationError on "delete"): deactivate it instead."""
    _require()
    table = _table(record)
    with transaction():
        row = db.row(table.model, record.id)  # type: ignore[attr-defined]
        if row is None:
            return  # deleted elsewhere already
        held = table.holders(row)
        if held:
            if table is STOCK:
                message = _("The vehicle cannot be deleted: {what}.").format(what=held)
            else:
                message = _("{record} cannot be deleted ({what}); deactivate it instead.").format(
                    record=table.what(row), what=held
                )
            raise ValidationError({"delete": message})
        db.delete(table.model, table.entity, row.id)


def move(entry: ListEntry, steps: int) -> list[ListEntry]:
    """Move a list's entry up (-1) or down (+1) by one place; returns the list in its new
    order (with inactive entries)."""
    _require()
    with transaction():
        rows = db.list_entries(entry.kind)
        index = next((i for i, r in enumerate(rows) if r.id == entry.id), None)
        if index is None:
            raise NotFound(_("This record no longer exists; it was deleted elsewhere."))
        other = index + steps
        if 0 <= other < len(rows):
            db.swap_list_sequence(rows[index], rows[other])
    return list_entries(entry.kind)


def catalogue_net_price(entry: CatalogueRecord) -> Decimal:
    """The entry's list price net of VAT (a gross price list's at the entry's rate)."""
    rate = Decimal(entry.vat_rate) if entry.vat_rate else documents.default_vat_rate()
    return net_price(entry.list_price, entry.price_basis, rate, entry.currency)


@dataclass(frozen=True, slots=True)
class QuoteItem:
    """An option or accessory as a quote line takes it: its net price at its VAT rate."""

    kind: str  # "option" or "accessory", a quote line's kind too
    description: str
    net_price: Decimal
    vat_rate: Decimal


def items_for_quote(currency: str) -> list[QuoteItem]:
    """The active options and accessories priced in the quote's currency, with their net
    prices (a gross price list's at its rate) and rates (the site's default when none)."""
    _require_read()
    default = documents.default_vat_rate()
    entries = {e.id: e.label for e in catalogue(inactive=False)}
    found = []
    for item in items(inactive=False):
        if item.currency != currency or (item.entry_id and item.entry_id not in entries):
            continue
        rate = Decimal(item.vat_rate) if item.vat_rate else default
        name = f"{item.name} ({item.code})" if item.code else item.name
        if item.entry_id:
            name = _("{item}, for the {model}").format(item=name, model=entries[item.entry_id])
        net = net_price(item.price, item.price_basis, rate, item.currency)
        found.append(QuoteItem(item.kind, name, net, rate))
    return found


def hidden_purchase_price() -> bool:
    """Whether the stock's purchase prices are hidden from the signed-in user."""
    return not access.has_right(Right.SEE_PURCHASE_PRICES)
