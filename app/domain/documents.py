"""Issued documents (quotes, order forms) frozen as snapshots: stored as JSON, printed from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from app.domain import reading
from app.domain.choices import Choice, Condition, Interest, labelled
from app.domain.quotes import LineKind, QuoteLine, TradeInVehicle, compute_totals, validate_lines
from app.domain.validation import ValidationError, Validator
from app.i18n import NP_, SOURCE_LANGUAGE, _

# Bumped when the stored form changes incompatibly; from_dict refuses what it does not know,
# so an old program never misprints a newer document. Format 2 freezes the logo (by the
# hash of its bytes, kept once in the document_image table), the dealer's legal details, the
# margin scheme and the trade-in vehicle; format 1 documents still print as they did. Format 3
# keeps the language the document is written in (the customer's): an older program, which
# printed every document in English, refuses it rather than print it in the wrong language.
SNAPSHOT_FORMAT = 3
READABLE_FORMATS = frozenset({1, 2, 3})


@labelled(
    {
        "quote": NP_("document", "Quote"),
        "order_form": NP_("document", "Order form"),
    }
)
class DocumentKind(Choice):
    QUOTE = "quote"
    ORDER_FORM = "order_form"


@dataclass(frozen=True, slots=True)
class LegalDetails:
    """What a company's business letters must state (in Germany § 35a GmbHG, § 14 UStG):
    printed in the footer of every page."""

    registered_name: str = ""
    commercial_register: str = ""  # "HRB 123456"
    register_court: str = ""  # "Amtsgericht München"
    managing_directors: str = ""
    tax_number: str = ""
    bank_name: str = ""
    iban: str = ""
    bic: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in self.__slots__)

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}

    @classmethod
    def from_dict(cls, data: Any) -> LegalDetails:
        data = data if isinstance(data, Mapping) else {}
        return cls(**{name: str(data.get(name, "")) for name in cls.__slots__})


@dataclass(frozen=True, slots=True)
class Seller:
    """The dealer as it appears on the letterhead and in the footer. The logo is frozen by
    the hash of its bytes (`logo_sha256`); `logo` holds the bytes when they were loaded, never
    stored in the snapshot's JSON. `logo_path` is what format 1 froze instead."""

    name: str
    address_lines: tuple[str, ...] = ()
    vat_number: str = ""
    phone: str = ""
    email: str = ""
    logo_path: str = ""
    logo_sha256: str = ""
    legal: LegalDetails = LegalDetails()
    logo: bytes = field(default=b"", repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "address_lines": list(self.address_lines),
            "vat_number": self.vat_number,
            "phone": self.phone,
            "email": self.email,
            "logo_sha256": self.logo_sha256,
            "legal": self.legal.to_dict(),
        }

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], images: Mapping[str, bytes] | None = None
    ) -> Seller:
        sha = str(data.get("logo_sha256", ""))
        return cls(
            name=str(data["name"]),
            address_lines=_strings(data.get("address_lines")),
            vat_number=str(data.get("vat_number", "")),
            phone=str(data.get("phone", "")),
            email=str(data.get("email", "")),
            logo_path=str(data.get("logo_path", "")),
            logo_sha256=sha,
            legal=LegalDetails.from_dict(data.get("legal")),
            logo=(images or {}).get(sha, b"") if sha else b"",
        )


@dataclass(frozen=True, slots=True)
class Customer:
    """The account the document is addressed to, with the contact person when there is one."""

    name: str
    address_lines: tuple[str, ...] = ()
    email: str = ""
    phone: str = ""
    contact_person: str = ""
    vat_number: str = ""  # companies buying cars need it on the order

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "address_lines": list(self.address_lines),
            "email": self.email,
            "phone": self.phone,
            "contact_person": self.contact_person,
            "vat_number": self.vat_number,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Customer:
        return cls(
            name=str(data["name"]),
            address_lines=_strings(data.get("address_lines")),
            email=str(data.get("email", "")),
            phone=str(data.get("phone", "")),
            contact_person=str(data.get("contact_person", "")),
            vat_number=str(data.get("vat_number", "")),
        )


@dataclass(frozen=True, slots=True)
class Vehicle:
    """The vehicle offered or ordered; first registration and mileage for used ones."""

    brand: str = ""
    model: str = ""
    variant: str = ""
    model_code: str = ""
    vin: str = ""
    colour: str = ""
    condition: str = Condition.NEW.value
    first_registration: date | None = None
    mileage_km: int | None = None

    @property
    def is_empty(self) -> bool:
        return not any((self.brand, self.model, self.variant, self.model_code, self.vin))

    def to_dict(self) -> dict[str, Any]:
        return {
            "brand": self.brand,
            "model": self.model,
            "variant": self.variant,
            "model_code": self.model_code,
            "vin": self.vin,
            "colour": self.colour,
            "condition": self.condition,
            "first_registration": _date_out(self.first_registration),
            "mileage_km": self.mileage_km,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Vehicle:
        mileage = data.get("mileage_km")
        return cls(
            brand=str(data.get("brand", "")),
            model=str(data.get("model", "")),
            variant=str(data.get("variant", "")),
            model_code=str(data.get("model_code", "")),
            vin=str(data.get("vin", "")),
            colour=str(data.get("colour", "")),
            condition=str(data.get("condition", Condition.NEW.value)),
            first_registration=_date_in(data.get("first_registration")),
            mileage_km=None if mileage is None else int(mileage),
        )


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """A quote line as issued, with the net computed then (negative for discounts and
    trade-ins)."""

    kind: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    net: Decimal
    margin_scheme: bool = False
    trade_in: TradeInVehicle | None = None

    @property
    def is_trade_in(self) -> bool:
        return self.kind == LineKind.TRADE_IN

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "description": self.description,
            "quantity": str(self.quantity),
            "unit_price": str(self.unit_price),
            "vat_rate": str(self.vat_rate),
            "net": str(self.net),
        }
        if self.margin_scheme:
            data["margin_scheme"] = True
        if self.trade_in is not None:
            data["trade_in"] = self.trade_in.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocumentLine:
        return cls(
            kind=str(data["kind"]),
            description=str(data["description"]),
            quantity=_decimal(data["quantity"]),
            unit_price=_decimal(data["unit_price"]),
            vat_rate=_decimal(data["vat_rate"]),
            net=_decimal(data["net"]),
            margin_scheme=bool(data.get("margin_scheme", False)),
            trade_in=TradeInVehicle.from_dict(data.get("trade_in")),
        )


@dataclass(frozen=True, slots=True)
class VatSubtotal:
    rate: Decimal
    net: Decimal
    vat: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {"rate": str(self.rate), "net": str(self.net), "vat": str(self.vat)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> VatSubtotal:
        return cls(_decimal(data["rate"]), _decimal(data["net"]), _decimal(data["vat"]))


@dataclass(frozen=True, slots=True)
class DocumentTotals:
    net: Decimal
    vat: tuple[VatSubtotal, ...]
    gross: Decimal
    trade_in: Decimal
    amount_due: Decimal
    margin: Decimal = Decimal(0)  # margin-scheme vehicles, in the gross without VAT shown

    def to_dict(self) -> dict[str, Any]:
        return {
            "net": str(self.net),
            "vat": [v.to_dict() for v in self.vat],
            "gross": str(self.gross),
            "trade_in": str(self.trade_in),
            "amount_due": str(self.amount_due),
            "margin": str(self.margin),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocumentTotals:
        return cls(
            net=_decimal(data["net"]),
            vat=tuple(VatSubtotal.from_dict(v) for v in data["vat"]),
            gross=_decimal(data["gross"]),
            trade_in=_decimal(data["trade_in"]),
            amount_due=_decimal(data["amount_due"]),
            margin=_decimal(data.get("margin", "0")),
        )


@dataclass(frozen=True, slots=True)
class DocumentSnapshot:
    """Everything printed on an issued document, and nothing that could change after it.

    Build one with `build_snapshot` (which computes and checks the totals); store `to_dict()`
    as JSON; print with `reports.pdf` from the stored copy read back by `from_dict`, which
    keeps the figures exactly as issued and never recomputes them."""

    kind: str
    number: str
    revision: int
    issue_date: date
    currency: str
    seller: Seller
    customer: Customer
    vehicle: Vehicle
    lines: tuple[DocumentLine, ...]
    totals: DocumentTotals
    payment_method: str
    salesperson: str
    terms: str = ""
    valid_until: date | None = None  # quotes
    delivery_date: date | None = None  # order forms
    quote_reference: str = ""  # order forms: the accepted quote, e.g. "Q-00042 rev. 2"
    remarks: str = ""  # printed under the lines (delivery conditions, what is included)
    # The language it is written in, the customer's ("de"): labels, terms, figures and dates.
    # Documents stored before format 3 were all printed in English, and reprint so.
    language: str = SOURCE_LANGUAGE
    format: int = SNAPSHOT_FORMAT  # how it was stored: a format 1 document prints as it did

    @property
    def is_quote(self) -> bool:
        return self.kind == DocumentKind.QUOTE

    @property
    def title(self) -> str:
        return DocumentKind(self.kind).label

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "kind": self.kind,
            "number": self.number,
            "revision": self.revision,
            "issue_date": _date_out(self.issue_date),
            "currency": self.currency,
            "seller": self.seller.to_dict(),
            "customer": self.customer.to_dict(),
            "vehicle": self.vehicle.to_dict(),
            "lines": [line.to_dict() for line in self.lines],
            "totals": self.totals.to_dict(),
            "payment_method": self.payment_method,
            "salesperson": self.salesperson,
            "terms": self.terms,
            "valid_until": _date_out(self.valid_until),
            "delivery_date": _date_out(self.delivery_date),
            "quote_reference": self.quote_reference,
            "remarks": self.remarks,
            "language": self.language,
        }

    @property
    def margin_scheme(self) -> bool:
        return any(line.margin_scheme for line in self.lines)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], images: Mapping[str, bytes] | None = None
    ) -> DocumentSnapshot:
        """The stored snapshot; `images` gives the bytes of its frozen logo by their hash."""
        version = data.get("format")
        if version not in READABLE_FORMATS:
            raise ValueError(
                _(
                    "This document was stored in snapshot format {found}; this version of "
                    "Showroom reads formats up to {known}."
                ).format(found=repr(version), known=SNAPSHOT_FORMAT)
            )
        issue_date = _date_in(data["issue_date"])
        if issue_date is None:
            raise ValueError(_("The stored document has no issue date."))
        return cls(
            kind=str(data["kind"]),
            number=str(data["number"]),
            revision=int(data["revision"]),
            issue_date=issue_date,
            currency=str(data["currency"]),
            seller=Seller.from_dict(data["seller"], images),
            customer=Customer.from_dict(data["customer"]),
            vehicle=Vehicle.from_dict(data.get("vehicle") or {}),
            lines=tuple(DocumentLine.from_dict(line) for line in data["lines"]),
            totals=DocumentTotals.from_dict(data["totals"]),
            payment_method=str(data["payment_method"]),
            salesperson=str(data.get("salesperson", "")),
            terms=str(data.get("terms", "")),
            valid_until=_date_in(data.get("valid_until")),
            delivery_date=_date_in(data.get("delivery_date")),
            quote_reference=str(data.get("quote_reference", "")),
            remarks=str(data.get("remarks", "")),
            language=str(data.get("language") or SOURCE_LANGUAGE),
            format=int(version),
        )


def build_snapshot(
    *,
    kind: str,
    number: str,
    revision: int,
    issue_date: date,
    currency: str,
    seller: Seller,
    customer: Customer,
    vehicle: Vehicle,
    lines: Sequence[QuoteLine],
    payment_method: str,
    salesperson: str,
    terms: str = "",
    valid_until: date | None = None,
    delivery_date: date | None = None,
    quote_reference: str = "",
    remarks: str = "",
    language: str = SOURCE_LANGUAGE,
) -> DocumentSnapshot:
    """The snapshot of a document being issued now: totals computed from the lines, every
    refusal collected into one ValidationError (line fields keyed as in `validate_lines`).
    Every VIN it prints is checked (the vehicle's and a trade-in car's)."""
    v = Validator()
    currency = v.currency("currency", currency)
    kind = v.choice("kind", kind, DocumentKind, _("document kind"))
    if not kind:
        v.error("kind", _("Say whether the document is a quote or an order form."))
    payment_method = v.choice("payment_method", payment_method, Interest, _("payment method"))
    if not payment_method:
        v.error("payment_method", _("Pick how the customer pays: cash, finance or lease."))
    v.choice("vehicle.condition", vehicle.condition, Condition, _("vehicle condition"))
    v.require("number", number, _("The document number"), max_length=40)
    v.require("seller.name", seller.name, _("The seller's name"))
    v.require("customer.name", customer.name, _("The customer's name"))
    if revision < 0:
        v.error(
            "revision", _("The revision cannot be negative ({revision}).").format(revision=revision)
        )
    if kind == DocumentKind.QUOTE:
        if valid_until is None:
            v.error("valid_until", _("A quote needs a valid-until date."))
        elif valid_until < issue_date:
            v.error(
                "valid_until",
                _(
                    "The quote would be valid until {valid_until}, before its issue date "
                    "{issue_date}."
                ).format(
                    valid_until=reading.format_day(valid_until),
                    issue_date=reading.format_day(issue_date),
                ),
            )
    if vehicle.mileage_km is not None and vehicle.mileage_km < 0:
        v.error("vehicle.mileage_km", _("The mileage cannot be negative."))
    # A VIN that prints is one: 17 characters without I, O or Q.
    v.vin("vehicle.vin", vehicle.vin)
    for index, line in enumerate(lines):
        car = line.trade_in if line.is_trade_in else None
        if car is None:
            continue
        v.vin(f"lines.{index}.trade_in", car.vin)
        if car.mileage_km is not None and car.mileage_km < 0:
            v.error(
                f"lines.{index}.trade_in",
                _("Line {number}: the mileage cannot be negative.").format(number=index + 1),
            )
    if not lines:
        v.error("lines", _("A document needs at least one line."))
    validate_lines(lines, currency, v)
    if v.errors:
        raise ValidationError(dict(v.errors), dict(v.warnings))

    totals = compute_totals(lines, currency)
    return DocumentSnapshot(
        kind=kind,
        number=number.strip(),
        revision=revision,
        issue_date=issue_date,
        currency=currency,
        seller=seller,
        customer=customer,
        vehicle=vehicle,
        lines=tuple(
            DocumentLine(
                kind=str(line.kind),
                description=line.description.strip(),
                quantity=line.quantity,
                unit_price=line.unit_price,
                vat_rate=Decimal(0) if line.margin_scheme else line.vat_rate,
                net=net,
                margin_scheme=line.margin_scheme,
                trade_in=line.trade_in if line.is_trade_in else None,
            )
            for line, net in zip(lines, totals.line_nets, strict=True)
        ),
        totals=DocumentTotals(
            net=totals.net,
            vat=tuple(VatSubtotal(t.rate, t.net, t.vat) for t in totals.vat),
            gross=totals.gross,
            trade_in=totals.trade_in,
            amount_due=totals.amount_due,
            margin=totals.margin,
        ),
        payment_method=payment_method,
        salesperson=salesperson,
        terms=terms,
        valid_until=valid_until,
        delivery_date=delivery_date,
        quote_reference=quote_reference,
        remarks=remarks.strip(),
        language=language or SOURCE_LANGUAGE,
    )


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in (value or ()))


def _decimal(value: Any) -> Decimal:
    # Strings only: a float in stored JSON would already have lost the exact amount.
    if not isinstance(value, str | int):
        raise ValueError(f"{value!r} is not a stored amount")
    return Decimal(value)


def _date_out(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date_in(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None
