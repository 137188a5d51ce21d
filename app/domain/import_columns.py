"""The columns of a stock export and of a price list: the field each fills, the header names
a DMS or a manufacturer writes for it in English, German, Italian and French, and how one
row is read and checked as the stock and catalogue forms check it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.domain import csv_text, money
from app.domain import vin as vins
from app.domain.choices import Condition
from app.domain.fields import label
from app.domain.validation import Validator
from app.i18n import _, current

STOCK = "stock"
CATALOGUE = "catalogue"
MAX_MILEAGE_KM = 2_000_000


@dataclass(frozen=True, slots=True)
class ImportField:
    """A field an import fills: its name, the key of its label, whether a file must have it,
    and the header names it is known by (folded: csv_text.fold)."""

    name: str
    label_key: str
    required: bool
    aliases: tuple[str, ...]

    @property
    def label(self) -> str:
        return label(self.label_key)


def _f(name: str, key: str, required: bool, *aliases: str) -> ImportField:
    return ImportField(name, key, required, tuple(csv_text.fold(a) for a in aliases))


_BRAND = ("make", "brand", "marke", "hersteller", "fabrikat", "marca", "marque", "fabricant")
_CLASS = (
    "class",
    "vehicle class",
    "body type",
    "klasse",
    "fahrzeugklasse",
    "karosserie",
    "classe",
    "carrozzeria",
    "carrosserie",
    "segment",
)
_MODEL = ("model", "model name", "modell", "modellbezeichnung", "modello", "modèle", "modele")
_MODEL_CODE = (
    "model code",
    "modelcode",
    "code",
    "modellcode",
    "typschlüssel",
    "modellnummer",
    "codice modello",
    "codice",
    "code modèle",
    "code modele",
)
_VARIANT = (
    "variant",
    "trim",
    "version",
    "variante",
    "ausstattung",
    "ausführung",
    "versione",
    "allestimento",
    "finition",
)
_PRICE = (
    "list price",
    "price",
    "listenpreis",
    "preis",
    "listenpreis netto",
    "uvp",
    "prezzo di listino",
    "prezzo listino",
    "prezzo",
    "prix catalogue",
    "prix",
    "prix de vente",
    "verkaufspreis",
    "sales price",
)
_CURRENCY = ("currency", "währung", "waehrung", "valuta", "devise", "monnaie")

STOCK_FIELDS: tuple[ImportField, ...] = (
    _f(
        "vin",
        "vehicle.vin",
        True,
        "vin",
        "fin",
        "fahrgestellnummer",
        "fahrzeugidentnummer",
        "fahrzeug-identifizierungsnummer",
        "telaio",
        "numero telaio",
        "n telaio",
        "vis",
        "numéro de série",
        "numero de serie",
        "chassis",
        "chassis number",
        "vin number",
    ),
    _f(
        "stock_number",
        "vehicle.stock_number",
        True,
        "stock no",
        "stock number",
        "stock",
        "stock nr",
        "kommissionsnummer",
        "komm nr",
        "kommnr",
        "lagernummer",
        "bestandsnummer",
        "numero di stock",
        "n stock",
        "numero stock",
        "matricola",
        "numéro de stock",
        "n° de stock",
        "référence",
        "reference",
    ),
    _f(
        "condition",
        "vehicle.condition",
        False,
        "condition",
        "new used",
        "new/used",
        "zustand",
        "art",
        "fahrzeugart",
        "neu gebraucht",
        "condizione",
        "stato",
        "nuovo usato",
        "état",
        "etat",
        "neuf occasion",
    ),
    _f("brand", "vehicle.brand", True, *_BRAND),
    _f("vehicle_class", "vehicle.vehicle_class", False, *_CLASS),
    _f("model", "vehicle.model", True, *_MODEL),
    _f("model_code", "vehicle.model_code", False, *_MODEL_CODE),
    _f("variant", "vehicle.variant", False, *_VARIANT),
    _f(
        "colour",
        "vehicle.colour",
        False,
        "colour",
        "color",
        "paint",
        "farbe",
        "lackierung",
        "außenfarbe",
        "colore",
        "colore esterno",
        "couleur",
        "teinte",
    ),
    _f(
        "first_registration",
        "vehicle.first_registration",
        False,
        "first registration",
        "registration",
        "first reg",
        "erstzulassung",
        "ez",
        "immatricolazione",
        "prima immatricolazione",
        "data immatricolazione",
        "première immatriculation",
        "premiere immatriculation",
        "mise en circulation",
        "date de mise en circulation",
    ),
    _f(
        "mileage_km",
        "vehicle.mileage_km",
        False,
        "mileage",
        "mileage km",
        "km",
        "odometer",
        "km-stand",
        "kmstand",
        "kilometerstand",
        "laufleistung",
        "chilometraggio",
        "km percorsi",
        "kilométrage",
        "kilometrage",
    ),
    _f("list_price", "vehicle.list_price", False, *_PRICE),
    _f("currency", "vehicle.currency", False, *_CURRENCY),
)

CATALOGUE_FIELDS: tuple[ImportField, ...] = (
    _f("brand", "catalogue.brand", True, *_BRAND),
    _f("vehicle_class", "catalogue.vehicle_class", False, *_CLASS),
    _f("model", "catalogue.model", True, *_MODEL),
    _f("model_code", "catalogue.model_code", True, *_MODEL_CODE),
    _f("variant", "catalogue.variant", False, *_VARIANT),
    _f("list_price", "catalogue.list_price", True, *_PRICE),
    _f("currency", "catalogue.currency", False, *_CURRENCY),
)


def fields_of(kind: str) -> tuple[ImportField, ...]:
    return STOCK_FIELDS if kind == STOCK else CATALOGUE_FIELDS


# A mapping: each field's column (its index in the header), the fields the file lacks left out.
Mapping_ = dict[str, int]


def propose_mapping(header: Sequence[str], kind: str) -> Mapping_:
    """Each field's column, found by the header's name; a column serves one field."""
    folded = [csv_text.fold(h) for h in header]
    mapping: Mapping_ = {}
    taken: set[int] = set()
    for field in fields_of(kind):
        for alias in field.aliases:
            if alias in folded and folded.index(alias) not in taken:
                mapping[field.name] = folded.index(alias)
                taken.add(folded.index(alias))
                break
    return mapping


def mapping_by_names(header: Sequence[str], named: Mapping[str, str], kind: str) -> Mapping_:
    """A saved mapping (field -> header name) applied to this file's header; a saved column
    the file lacks is left out, so the missing required ones are told."""
    folded = [csv_text.fold(h) for h in header]
    names = {f.name for f in fields_of(kind)}
    return {
        field: folded.index(csv_text.fold(column))
        for field, column in named.items()
        if field in names and csv_text.fold(column) in folded
    }


def missing_fields(mapping: Mapping[str, int], kind: str) -> list[ImportField]:
    return [f for f in fields_of(kind) if f.required and f.name not in mapping]


def samples(
    rows: Sequence[Sequence[str]], mapping: Mapping[str, int], names: Sequence[str]
) -> list[str]:
    """The values of these fields' columns in the rows, to tell the file's formats by."""
    columns = [mapping[n] for n in names if n in mapping]
    return [row[c] for row in rows for c in columns if c < len(row) and row[c].strip()]


def detect_formats(
    rows: Sequence[Sequence[str]], mapping: Mapping[str, int], encoding: str, separator: str
) -> csv_text.FileFormat:
    """The file's number and date formats, told from the mapped columns' values."""
    return csv_text.FileFormat(
        encoding,
        separator,
        csv_text.detect_decimal(samples(rows, mapping, ("list_price", "mileage_km"))),
        csv_text.detect_dates(samples(rows, mapping, ("first_registration",))),
    )


# --- reading a row -------------------------------------------------------------------------

_CONDITIONS = {
    **dict.fromkeys(("new", "n", "neu", "neuwagen", "nuovo", "neuf", "nuova"), Condition.NEW.value),
    **dict.fromkeys(
        ("used", "u", "gebraucht", "gebrauchtwagen", "usato", "occasion", "usata", "vo"),
        Condition.USED.value,
    ),
    **dict.fromkeys(
        (
            "exdemo",
            "demo",
            "vorführwagen",
            "vorfuehrwagen",
            "vfw",
            "dimostrativo",
            "km0",
            "démonstration",
            "demonstration",
        ),
        Condition.EX_DEMO.value,
    ),
}


@dataclass(frozen=True, slots=True)
class VehicleValues:
    """A stock export's row, read and checked: the vehicle as it is kept."""

    vin: str
    stock_number: str
    condition: str
    brand: str
    vehicle_class: str
    model: str
    model_code: str
    variant: str
    colour: str
    first_registration: date | None
    mileage_km: int
    list_price_minor: int
    currency: str
    # The fields the file has a column for: an update changes only these.
    given: frozenset[str]


@dataclass(frozen=True, slots=True)
class EntryValues:
    """A price list's row, read and checked: the catalogue entry as it is kept."""

    brand: str
    vehicle_class: str
    model: str
    model_code: str
    variant: str
    list_price_minor: int
    currency: str
    given: frozenset[str]


def _cell(row: Sequence[str], mapping: Mapping[str, int], name: str) -> str:
    column = mapping.get(name)
    return row[column].strip() if column is not None and column < len(row) else ""


def _price(v: Validator, text: str, fmt: csv_text.FileFormat, currency: str, key: str) -> int:
    if not text:
        return 0
    name = label(key)
    try:
        amount = csv_text.parse_number(text, fmt.decimal)
    except ValueError as exc:
        v.error("list_price", _("{label}: {problem}.").format(label=name, problem=exc))
        return 0
    amount = v.amount("list_price", amount, name)
    if v.errors.get("list_price"):
        return 0
    if not money.fits(amount, currency):
        v.error(
            "list_price",
            _("{label}: {amount} has more decimals than {currency} has.").format(
                label=name, amount=text, currency=currency
            ),
        )
        return 0
    return money.to_minor(amount, currency)


def _currency(v: Validator, text: str, default: str) -> str:
    if not text:
        return default
    return v.currency("currency", text.upper())


def read_vehicle(
    row: Sequence[str],
    mapping: Mapping[str, int],
    fmt: csv_text.FileFormat,
    default_currency: str,
    today: date,
) -> tuple[VehicleValues | None, list[str]]:
    """The row as a stock vehicle, or None and why not (each reason naming its field)."""
    v = Validator()
    code = vins.normalise(_cell(row, mapping, "vin"))
    if not code:
        v.error("vin", _("A stock vehicle needs its VIN."))
    else:
        code = v.vin("vin", code)
    stock_number = v.require(
        "stock_number", _cell(row, mapping, "stock_number"), label("vehicle.stock_number"), 40
    )
    brand = v.require("brand", _cell(row, mapping, "brand"), label("vehicle.brand"), 80)
    model = v.require("model", _cell(row, mapping, "model"), label("vehicle.model"), 80)
    texts = {
        name: v.optional(name, _cell(row, mapping, name), label(f"vehicle.{name}"), 80)
        for name in ("vehicle_class", "model_code", "variant", "colour")
    }
    registered: date | None = None
    if text := _cell(row, mapping, "first_registration"):
        try:
            registered = csv_text.parse_date(text, fmt.dates)
        except ValueError as exc:
            v.error(
                "first_registration",
                _("{label}: {problem}.").format(
                    label=label("vehicle.first_registration"), problem=exc
                ),
            )
        else:
            if registered > today:
                v.error("first_registration", _("The first registration cannot be in the future."))
    mileage = 0
    if text := _cell(row, mapping, "mileage_km"):
        try:
            number = csv_text.parse_number(text.lower().removesuffix("km"), fmt.decimal)
        except ValueError as exc:
            v.error(
                "mileage_km",
                _("{label}: {problem}.").format(label=label("vehicle.mileage_km"), problem=exc),
            )
        else:
            if number != number.to_integral_value() or not 0 <= number <= MAX_MILEAGE_KM:
                v.error(
                    "mileage_km",
                    _(
                        "The mileage is a whole number of km from 0 to {n}; the file has “{text}”."
                    ).format(n=current().format_number(MAX_MILEAGE_KM), text=text),
                )
            else:
                mileage = int(number)
    condition_text = _cell(row, mapping, "condition")
    if condition_text:
        condition = _CONDITIONS.get(csv_text.fold(condition_text), "")
        if not condition:
            v.error(
                "condition",
                _("{label}: “{text}” is none of new, used or ex-demo.").format(
                    label=label("vehicle.condition"), text=condition_text
                ),
            )
    else:
        # Without the column, a registered or driven car is used; one that is neither, new.
        condition = Condition.USED.value if registered or mileage > 1000 else Condition.NEW.value
    currency = _currency(v, _cell(row, mapping, "currency"), default_currency)
    price = _price(v, _cell(row, mapping, "list_price"), fmt, currency, "vehicle.list_price")
    if v.errors:
        return None, list(v.errors.values())
    # A condition the row does not state is told from the registration and the mileage for a
    # new vehicle, and left as it is on an update.
    given = frozenset(mapping) - ({"condition"} if not condition_text else set())
    return (
        VehicleValues(
            code,
            stock_number,
            condition,
            brand,
            texts["vehicle_class"],
            model,
            texts["model_code"],
            texts["variant"],
            texts["colour"],
            registered,
            mileage,
            price,
            currency,
            given,
        ),
        [],
    )


def read_entry(
    row: Sequence[str], mapping: Mapping[str, int], fmt: csv_text.FileFormat, default_currency: str
) -> tuple[EntryValues | None, list[str]]:
    """The row as a catalogue entry, or None and why not."""
    v = Validator()
    brand = v.require("brand", _cell(row, mapping, "brand"), label("catalogue.brand"), 80)
    model = v.require("model", _cell(row, mapping, "model"), label("catalogue.model"), 80)
    model_code = v.require(
        "model_code", _cell(row, mapping, "model_code"), label("catalogue.model_code"), 40
    )
    vehicle_class = v.optional(
        "vehicle_class", _cell(row, mapping, "vehicle_class"), label("catalogue.vehicle_class"), 80
    )
    variant = v.optional("variant", _cell(row, mapping, "variant"), label("catalogue.variant"), 80)
    currency = _currency(v, _cell(row, mapping, "currency"), default_currency)
    price_text = _cell(row, mapping, "list_price")
    if not price_text:
        v.error(
            "list_price", _("{label} cannot be empty.").format(label=label("catalogue.list_price"))
        )
    price = _price(v, price_text, fmt, currency, "catalogue.list_price")
    if v.errors:
        return None, list(v.errors.values())
    return (
        EntryValues(
            brand, vehicle_class, model, model_code, variant, price, currency, frozenset(mapping)
        ),
        [],
    )


def model_key(brand: str, model: str) -> tuple[str, str]:
    """How a vehicle's model is looked up in the catalogue: brand and model, case aside."""
    return brand.casefold(), model.casefold()


def money_text(minor: int, currency: str) -> str:
    return money.format_money(Decimal(minor).scaleb(-money.exponent(currency)), currency)
