"""Issued documents: building their frozen snapshots, the archived PDFs, reprints and saving."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from app import paths
from app.db import document_images, sales
from app.db import models as m
from app.db.connection import is_sqlite, read_transaction, transaction
from app.db.reference import first_business
from app.db.retrying import retried
from app.db.settings import put_setting, setting_changed_by, setting_value
from app.domain import languages
from app.domain.choices import Condition
from app.domain.documents import Customer, DocumentSnapshot, LegalDetails, Seller, Vehicle
from app.domain.fields import label as field_label
from app.domain.languages import CORRESPONDENCE_LANGUAGES
from app.domain.quotes import VatTreatment
from app.domain.rights import Right
from app.domain.validation import ValidationError, Validator
from app.i18n import ENGLISH, N_, SOURCE_LANGUAGE, Translator, _
from app.services import access, conflicts, wording
from app.services.errors import ConflictError, NotFound
from app.services.reference import Option
from app.services.workspace import settings_version

# Printed on a document when no terms are set: in the document's language (terms()).
DEFAULT_TERMS = N_(
    "Prices are in the currency shown; VAT is charged at the rate in force on the day of "
    "delivery. The vehicle remains the property of the dealer until the amount due has been "
    "paid in full.\n\n"
    "A delivery date is binding only when it is confirmed in writing. A trade-in vehicle is "
    "valued on the condition and mileage stated; the allowance is re-assessed if the vehicle "
    "differs when it is handed over. Finance and lease offers are subject to approval by the "
    "lender.\n\n"
    "The warranty for new vehicles is the manufacturer's; for used vehicles the statutory "
    "warranty applies."
)
# A field message, translated where it is raised: _(NO_SELLER).
NO_SELLER = N_(
    "No dealership is on file to print as the seller of this document. Assign the "
    "opportunity to a business (Assignment), or have the administrator add the dealership."
)
TERMS_SETTING = "documents.terms"
# The logo new documents print: the SHA-256 of its bytes, kept in the database (the
# document_image table), so every workstation prints the same one. OLD_LOGO_SETTING is the
# path of a logo file a database from before named instead; the first read or save moves
# that file into the database.
LOGO_SETTING = "documents.logo"
OLD_LOGO_SETTING = "documents.logo_path"
VALID_DAYS_SETTING = "quote.valid_days"
VAT_RATE_SETTING = "quote.vat_rate"
# The dealership's language: a customer's documents are written in it unless the customer
# has another one.
LANGUAGE_SETTING = "documents.language"


def terms_setting(language: str) -> str:
    """The setting of the terms in one language ("documents.terms.de"); TERMS_SETTING holds
    the terms printed in a language that has none of its own."""
    return f"{TERMS_SETTING}.{language}"


TRANSLATED_TERMS_SETTINGS = tuple(terms_setting(code) for code in CORRESPONDENCE_LANGUAGES)
# The settings the document settings form edits together, under one version.
DOCUMENT_SETTING_KEYS = (
    VALID_DAYS_SETTING,
    VAT_RATE_SETTING,
    TERMS_SETTING,
    LOGO_SETTING,
    OLD_LOGO_SETTING,
    LANGUAGE_SETTING,
    *TRANSLATED_TERMS_SETTINGS,
)
DEFAULT_VALID_DAYS = 14
DEFAULT_VAT_RATE = Decimal("19")
MAX_VALID_DAYS = 366

# "Q-00001", "Q-00001-r2" (a revision), "OF-00001"
_NUMBER = re.compile(r"^(?P<number>(?:Q|OF)-\d+)(?:[-/ ]r(?:ev\.?)?\s*(?P<revision>\d+))?$", re.I)


class DocumentFolderError(OSError):
    """The documents folder or the chosen file cannot be written; nothing was issued."""


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """An issued document of an opportunity, as its documents tab lists it."""

    kind: str  # "quote" or "order_form"
    reference: str  # "Q-00001-r2", what `snapshot()` and `render()` take
    label: str  # "Quote Q-00001 rev. 2"
    issued_on: date
    status: str
    amount_due: str  # formatted, with the currency
    number: str = ""  # "Q-00001 rev. 2", "OF-00001"
    opportunity_id: int = 0
    topic: str = ""  # the opportunity's


def _setting(key: str, default: str) -> str:
    value = setting_value(key)
    return value if value is not None else default


def terms(translator: Translator = ENGLISH) -> str:
    """The terms printed on a document in ``translator``'s language: the ones set for that
    language, else the ones set for every language, else the default ones in it."""
    own = setting_value(terms_setting(translator.language))
    if own:
        return own
    value = setting_value(TERMS_SETTING)
    return value if value is not None else translator._(DEFAULT_TERMS)


def translated_terms(language: str) -> str:
    """The terms set for one language only ("" when it prints the general ones)."""
    return setting_value(terms_setting(language)) or ""


def dealership_language() -> str:
    """The dealership's language: its customers' documents are written in it unless they
    have another (English until it is set)."""
    return languages.check(setting_value(LANGUAGE_SETTING) or "") or SOURCE_LANGUAGE


def language_of(account: m.Account) -> str:
    """The language the customer's documents are written in: theirs, else the dealership's."""
    return languages.check(account.language or "") or dealership_language()


def valid_days() -> int:
    value = setting_value(VALID_DAYS_SETTING)
    try:
        days = int(value) if value is not None else DEFAULT_VALID_DAYS
    except ValueError:
        days = DEFAULT_VALID_DAYS
    return min(max(days, 1), MAX_VALID_DAYS)


def default_vat_rate() -> Decimal:
    value = setting_value(VAT_RATE_SETTING)
    try:
        rate = Decimal(value) if value is not None else DEFAULT_VAT_RATE
    except InvalidOperation:
        rate = DEFAULT_VAT_RATE
    return rate if rate.is_finite() and 0 <= rate <= 100 else DEFAULT_VAT_RATE


def reference(number: str, revision: int, kind: str) -> str:
    return f"{number}-r{revision}" if kind == "quote" and revision > 1 else number


def archive_path(ref: str) -> Path:
    """Where the issued PDF is kept: the documents folder, one file per issued document."""
    return paths.documents_dir() / f"{ref}.pdf"


# --- the parts of a snapshot ------------------------------------------------------------------


def _address(street: str, postcode: str, city: str, country: str) -> tuple[str, ...]:
    place = " ".join(p for p in (postcode, city) if p)
    return tuple(p for p in (street, place, country) if p)


def seller_for(row: m.Opportunity) -> Seller:
    """The business the opportunity is assigned to, else the facility's, else the first."""
    business = None
    if row.business_id:
        business = m.Business.get_or_none(m.Business.id == row.business_id)
    if business is None and row.facility_id:
        business = row.facility.business
    if business is None:
        business = first_business()
    if business is None:
        return Seller(name="")
    logo = current_logo()
    return Seller(
        name=business.name,
        address_lines=_address(business.street, business.postcode, business.city, business.country),
        vat_number=business.vat_number,
        phone=business.phone,
        email=business.email,
        logo_sha256=logo.sha256 if logo else "",
        logo=logo.data if logo else b"",
        legal=LegalDetails(
            registered_name=business.registered_name,
            commercial_register=business.commercial_register,
            register_court=business.register_court,
            managing_directors=business.managing_directors,
            tax_number=business.tax_number,
            bank_name=business.bank_name,
            iban=business.iban,
            bic=business.bic,
        ),
    )


@dataclass(frozen=True, slots=True)
class Logo:
    """A logo image: the SHA-256 of its bytes (what the settings and the snapshots name)
    and the bytes."""

    sha256: str
    data: bytes = field(default=b"", repr=False, compare=False)

    @property
    def media_type(self) -> str:
        return _media_type(self.data)


MAX_LOGO_BYTES = 2_000_000
_LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")
# This workstation's copies of the logos read from the database, by their hash: a copy,
# never the truth (the setting names the hash, the database holds the bytes).
_logo_cache: dict[str, bytes] = {}


def read_logo(path: str | Path) -> Logo:
    """The logo in a PNG or JPEG file, read to be kept in the database (nothing is kept
    yet); refused at the field "logo" (ValidationError) in words."""
    access.require(Right.SETUP)
    return _logo_file(Path(path))


def _logo_file(path: Path) -> Logo:
    v = Validator()
    data = b""
    if path.suffix.lower() not in _LOGO_SUFFIXES:
        v.error("logo", _("The logo must be a PNG or JPEG image."))
    else:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            v.error("logo", _("There is no file {file}.").format(file=path))
        except OSError as exc:
            v.error(
                "logo",
                _("{file} could not be read ({problem}).").format(
                    file=path, problem=exc.strerror or exc
                ),
            )
        else:
            if len(data) > MAX_LOGO_BYTES:
                v.error(
                    "logo",
                    _(
                        "The logo is {size} MB large; at most {limit} MB fit. Choose a "
                        "smaller image."
                    ).format(size=_megabytes(len(data)), limit=_megabytes(MAX_LOGO_BYTES)),
                )
            elif not _is_image(data):
                v.error(
                    "logo",
                    _("{file} is not a PNG or JPEG image.").format(file=path.name),
                )
    v.raise_if_any()
    return Logo(hashlib.sha256(data).hexdigest(), data)


def _megabytes(size: int) -> str:
    return wording.number(Decimal(size).scaleb(-6).quantize(Decimal("0.1")))


def _is_image(data: bytes) -> bool:
    return data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")


def _stored_logo(sha256: str) -> Logo | None:
    """The logo kept in the database under its hash (this workstation's copy when it has
    read it before), None when the database has no such image."""
    data = _logo_cache.get(sha256)
    if data is None:
        data = document_images.document_image(sha256)
        if data is None:
            return None
        _logo_cache[sha256] = data
    return Logo(sha256, data)


def current_logo() -> Logo | None:
    """The logo new documents print, from the database (None: the dealer's name is
    printed instead). A logo a database from before named by its file's path is moved into
    the database first; a missing logo never stops an issue."""
    _move_old_logo()
    sha = setting_value(LOGO_SETTING) or ""
    return _stored_logo(sha) if sha else None


def stored_logo() -> Logo | None:
    """The logo new documents print, as the settings show it."""
    access.require(Right.READ_SALES)
    return current_logo()


def _move_old_logo() -> str:
    """Move the logo file a database from before named (by its path) into the database,
    once; "" when done or nothing to do, else what stops it, in words (the file is gone):
    the setting then stays as it was, for the file to be put back or another chosen."""
    path = setting_value(OLD_LOGO_SETTING) or ""
    if not path:
        return ""
    if setting_value(LOGO_SETTING):
        with transaction():  # a logo is kept already: the old path only confuses
            put_setting(OLD_LOGO_SETTING, "")
        return ""
    try:
        logo = _logo_file(Path(path))
    except ValidationError as exc:
        return _(
            "The logo was the file {file}, which this workstation cannot read any more "
            "({problem}). Choose it again: it is then kept in the database, for every "
            "workstation."
        ).format(file=path, problem=exc.errors["logo"])
    with transaction():
        _keep_logo(logo)
        put_setting(LOGO_SETTING, logo.sha256)
        put_setting(OLD_LOGO_SETTING, "")
    return ""


def _keep_logo(logo: Logo) -> None:
    """Keep the logo's bytes in the database under their hash (joins the transaction)."""
    document_images.keep_document_image(logo.sha256, logo.media_type, logo.data)
    _logo_cache[logo.sha256] = logo.data


def freeze_images(seller: Seller) -> None:
    """Keep the seller's logo with the documents issued now: once per distinct image, named
    by the hash the snapshot holds. Joins the caller's transaction."""
    if seller.logo_sha256 and seller.logo:
        document_images.keep_document_image(
            seller.logo_sha256, _media_type(seller.logo), seller.logo
        )


def _media_type(data: bytes) -> str:
    return "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"


def customer_for(row: m.Opportunity) -> Customer:
    """The account, with its address (contacts have none of their own), and the primary
    contact as the person to speak to."""
    account = row.account
    contact = row.primary_contact if row.primary_contact_id else None
    person = ""
    if contact is not None:
        person = person_name(contact.first_name, contact.last_name)
    return Customer(
        name=account.name if account.kind == "company" else _person_name(account),
        address_lines=_address(account.street, account.postcode, account.city, account.country),
        email=(contact.email if contact is not None and contact.email else account.email),
        phone=(contact.phone if contact is not None and contact.phone else account.phone),
        contact_person=person if person and person != _person_name(account) else "",
        vat_number=account.vat_number if account.kind == "company" else "",
    )


def _person_name(account: m.Account) -> str:
    name = person_name(account.first_name, account.last_name)
    return name or account.name


def person_name(first: str, last: str) -> str:
    """A person's name as printed: "Maria Rossi", and for a name written in Chinese,
    Japanese or Korean script the family name first without a space ("王芳")."""
    if first and last and all(_east_asian(part) for part in (first, last)):
        return f"{last}{first}" if not _hangul(first + last) else f"{last} {first}"
    return " ".join(p for p in (first, last) if p)


def _east_asian(text: str) -> bool:
    return any(
        0x3040 <= ord(c) <= 0x30FF or 0x3400 <= ord(c) <= 0x9FFF or 0xAC00 <= ord(c) <= 0xD7A3
        for c in text
    )


def _hangul(text: str) -> bool:
    return any(0xAC00 <= ord(c) <= 0xD7A3 for c in text)


def margin_scheme(vehicle: m.Vehicle | None) -> bool:
    """Whether the stock vehicle is sold under the margin scheme (no VAT shown)."""
    return vehicle is not None and vehicle.vat_treatment == VatTreatment.MARGIN.value


def vehicle_for(row: m.Opportunity, vehicle: m.Vehicle | None) -> Vehicle:
    """The stock vehicle offered, else what the customer asked for (the branding)."""
    if vehicle is not None:
        # Used and ex-demo cars are registered and have run: their first registration and
        # mileage are printed. (The margin scheme follows the VAT treatment, not this.)
        used = vehicle.condition != Condition.NEW.value
        return Vehicle(
            brand=vehicle.brand,
            model=vehicle.model,
            variant=vehicle.variant,
            model_code=vehicle.model_code,
            vin=vehicle.vin,
            colour=vehicle.colour,
            condition=vehicle.condition,
            first_registration=vehicle.first_registration if used else None,
            mileage_km=vehicle.mileage_km if used else None,
        )
    return Vehicle(
        brand=row.brand,
        model=row.model,
        variant=row.variant,
        model_code=row.model_code,
        condition=row.condition or Condition.NEW.value,
    )


def salesperson_for(row: m.Opportunity) -> str:
    return row.owner.full_name if row.owner_id else ""


# --- issuing, reprinting, saving -------------------------------------------------------------


def write_archive(ref: str, data: bytes) -> Path:
    """Write the issued PDF beside its final name; `publish` renames it into place once the
    issue has committed. A folder that cannot be written refuses the issue. On the site's
    server the PDF is also kept in the database (joining the issuing transaction), so every
    workstation reprints it as issued; the folder is then this workstation's cache."""
    if not is_sqlite():
        document_images.keep_issued_file(
            ref, hashlib.sha256(data).hexdigest(), "application/pdf", data
        )
    target = archive_path(ref)
    temporary = target.with_name(target.name + ".part")
    try:
        paths.write_private(temporary, data)  # owner-only: it names the customer
    except OSError as exc:
        discard(temporary)
        raise DocumentFolderError(
            _(
                "The document could not be written to {folder} ({problem}). Nothing was "
                "issued; make the folder writable (or free some space) and try again."
            ).format(folder=target.parent, problem=exc.strerror or exc)
        ) from exc
    return temporary


def publish(temporary: Path) -> Path:
    final = temporary.with_name(temporary.name.removesuffix(".part"))
    os.replace(temporary, final)
    return final


def discard(temporary: Path) -> None:
    with contextlib.suppress(OSError):  # the folder was never there to write into
        temporary.unlink(missing_ok=True)


def _stored(ref: str) -> tuple[str, str]:
    """The kind and the snapshot JSON of an issued document, by its reference."""
    match = _NUMBER.match(ref.strip())
    if match is None:
        raise NotFound(
            _("“{ref}” is not a document number (Q-00001, Q-00001-r2 or OF-00001).").format(ref=ref)
        )
    number = match["number"].upper()
    if number.startswith("OF-"):
        form = m.OrderForm.get_or_none(m.OrderForm.number == number)
        if form is None:
            raise NotFound(_("There is no order form {number}.").format(number=number))
        return "order_form", form.snapshot
    quote = sales.issued_quote(number, int(match["revision"]) if match["revision"] else None)
    if quote is None:
        what = f"{number} rev. {match['revision']}" if match["revision"] else number
        raise NotFound(
            _("There is no issued quote {quote} (a draft has no document yet).").format(quote=what)
        )
    return "quote", quote.snapshot


def snapshot(ref: str) -> DocumentSnapshot:
    """The document exactly as it was issued, with the logo it froze."""
    _kind, stored = _stored(ref)
    return loaded(json.loads(stored))


def loaded(data: dict[str, object]) -> DocumentSnapshot:
    """A stored snapshot with the images it names read from the database."""
    seller = data.get("seller")
    sha = str(seller.get("logo_sha256", "")) if isinstance(seller, dict) else ""
    images = {}
    if sha:
        image = document_images.document_image(sha)
        if image is not None:
            images[sha] = image
    return DocumentSnapshot.from_dict(data, images)


def render(ref: str) -> bytes:
    """The PDF of an issued document, rendered again from its snapshot: a reprint years
    later is the same document."""
    from reports import pdf  # reportlab is loaded when the first document is, not at start-up

    return pdf.render(snapshot(ref))


# Older than this, a .part file is a leftover of a render that was killed, not one that is
# being written by another window of the program.
LEFTOVER_AGE_SECONDS = 600


def clean_leftovers(now: float | None = None) -> int:
    """Delete the half-written PDFs (`*.pdf.part`) a render killed halfway left in the
    documents folder; returns how many."""
    now = time.time() if now is None else now
    removed = 0
    folder = paths.documents_dir()
    with contextlib.suppress(OSError):
        for leftover in folder.glob("*.pdf.part"):
            with contextlib.suppress(OSError):
                if now - leftover.stat().st_mtime >= LEFTOVER_AGE_SECONDS:
                    leftover.unlink()
                    removed += 1
    return removed


def save_pdf(ref: str, destination: Path) -> Path:
    """Save the document's PDF where the user chose, whole or not at all."""
    data = render(ref)
    destination = Path(destination)
    temporary = destination.with_name(destination.name + ".part")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, destination)
    except OSError as exc:
        discard(temporary)
        raise DocumentFolderError(
            _("{file} could not be written ({problem}); choose another folder.").format(
                file=destination, problem=exc.strerror or exc
            )
        ) from exc
    return destination


def archived_pdf(ref: str) -> Path:
    """The archived PDF of an issued document, written again from its snapshot when it is
    missing (a new workstation, a cleaned folder)."""
    path = archive_path(ref)
    if not path.exists():
        kept = None if is_sqlite() else document_images.issued_file(ref)
        if kept is not None:  # as issued, from the server
            publish(_cache(ref, kept))
        else:
            publish(write_archive(ref, render(ref)))
    return path


def _cache(ref: str, data: bytes) -> Path:
    """Put a PDF the server keeps into this workstation's documents folder."""
    temporary = archive_path(ref).with_name(archive_path(ref).name + ".part")
    paths.write_private(temporary, data)
    return temporary


def issued_today() -> date:
    return datetime.now().date()


# --- the settings printed on documents --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DealerDetails:
    """What one dealership's documents state about it in their footer (the law's details)."""

    business_id: int
    name: str = ""  # as the letterhead prints it; edited with the organisation, not here
    registered_name: str = ""
    commercial_register: str = ""
    register_court: str = ""
    managing_directors: str = ""
    vat_number: str = ""
    tax_number: str = ""
    bank_name: str = ""
    iban: str = ""
    bic: str = ""


# The dealer's details a document settings save may change, in the form's order.
DEALER_FIELDS = (
    "registered_name",
    "commercial_register",
    "register_court",
    "managing_directors",
    "vat_number",
    "tax_number",
    "bank_name",
    "iban",
    "bic",
)


@dataclass(frozen=True, slots=True)
class DocumentSettings:
    """What a sales manager sets for every quote and order form issued from now on: with
    the legal details of one dealership (`dealer`), when the dialog edits them."""

    valid_days: int
    vat_rate: Decimal
    terms: str
    # The SHA-256 of the logo ("" for none): kept in the database, printed by every
    # workstation. `logo_data` holds its bytes (for the preview; for a logo just chosen,
    # what the save keeps in the database).
    logo: str
    dealer: DealerDetails | None = None
    # The dealership's language, and the terms set for one language only ("" prints `terms`).
    language: str = SOURCE_LANGUAGE
    terms_de: str = ""
    terms_en: str = ""
    terms_fr: str = ""
    terms_it: str = ""
    # The settings' version when read (with the dealership's): a save passes it, and one
    # over a change made elsewhere meanwhile is refused (ConflictError). None saves without
    # that check. Not part of what the settings are: two reads of the same compare equal.
    version: int | None = field(default=None, compare=False)
    logo_data: bytes = field(default=b"", compare=False, repr=False)
    # What keeps the logo of a database from before from being moved into the database
    # (its file is gone), in words; "" when nothing does.
    logo_problem: str = field(default="", compare=False)


MAX_TERMS_LENGTH = 12_000


def _version(business_id: int | None) -> int:
    """The settings' version with the dealership's: it grows with every change to either."""
    business = m.Business.get_or_none(m.Business.id == business_id) if business_id else None
    return settings_version(DOCUMENT_SETTING_KEYS) + (business.version if business else 0)


def document_settings(business_id: int | None = None) -> DocumentSettings:
    """The settings, with the legal details of the dealership `business_id` (by default the
    first one entered; none when there is no business)."""
    access.require(Right.READ_SALES)
    problem = _move_old_logo()
    # One read transaction: the values and their version from the same moment, or a save
    # made meanwhile elsewhere would pass under a version that already includes it.
    with read_transaction():
        dealer = dealer_details(business_id)
        sha = _setting(LOGO_SETTING, "")
        logo = _stored_logo(sha) if sha else None
        return DocumentSettings(
            valid_days=valid_days(),
            vat_rate=default_vat_rate(),
            terms=terms(),
            logo=sha,
            logo_data=logo.data if logo is not None else b"",
            logo_problem=problem,
            dealer=dealer,
            language=dealership_language(),
            **{f"terms_{code}": translated_terms(code) for code in CORRESPONDENCE_LANGUAGES},
            version=_version(dealer.business_id if dealer is not None else None),
        )


def dealerships() -> list[Option]:
    """The businesses whose legal details documents print, by name."""
    return [Option(b.id, b.name) for b in m.Business.select().order_by(m.Business.name)]


def dealer_details(business_id: int | None = None) -> DealerDetails | None:
    business = (
        first_business()
        if business_id is None
        else m.Business.get_or_none(m.Business.id == business_id)
    )
    if business is None:
        return None
    return DealerDetails(
        business_id=business.id,
        name=business.name,
        **{name: getattr(business, name) for name in DEALER_FIELDS},
    )


def _check_dealer(data: DealerDetails, v: Validator) -> DealerDetails:
    values = {
        name: v.optional(name, getattr(data, name), field_label(f"business.{name}"), 200)
        for name in DEALER_FIELDS
    }
    values["vat_number"] = v.vat_id("vat_number", values["vat_number"])
    values["iban"] = v.iban("iban", values["iban"])
    values["bic"] = v.bic("bic", values["bic"])
    return DealerDetails(business_id=data.business_id, name=data.name, **values)


def _save_dealer(data: DealerDetails) -> None:
    """The dealership's legal details, audited field by field (joins the transaction)."""
    row = m.Business.get_or_none(m.Business.id == data.business_id)
    if row is None:
        raise NotFound(_("The dealership #{id} no longer exists.").format(id=data.business_id))
    changes = {
        name: (getattr(row, name), getattr(data, name))
        for name in DEALER_FIELDS
        if getattr(row, name) != getattr(data, name)
    }
    if changes:
        for name, (_old, new) in changes.items():
            setattr(row, name, new)
        row.save()
        m.write_audit("business", row.id, "update", changes)


@retried
def save_document_settings(data: DocumentSettings) -> DocumentSettings:
    """Refused field by field; documents issued before keep what they printed."""
    access.require(Right.SETUP)
    v = Validator()
    if not 1 <= data.valid_days <= MAX_VALID_DAYS:
        v.error("valid_days", _("A quote is valid for 1 to {n} days.").format(n=MAX_VALID_DAYS))
    if not (data.vat_rate.is_finite() and 0 <= data.vat_rate <= 100):
        v.error("vat_rate", _("The VAT rate is a percentage from 0 to 100."))
    text = data.terms.strip()
    translated = {code: getattr(data, f"terms_{code}").strip() for code in CORRESPONDENCE_LANGUAGES}
    for name, value in (("terms", text), *((f"terms_{c}", t) for c, t in translated.items())):
        if len(value) > MAX_TERMS_LENGTH:
            v.error(
                name,
                _("The terms are {length} characters long; at most {limit} fit.").format(
                    length=wording.number(len(value)), limit=wording.number(MAX_TERMS_LENGTH)
                ),
            )
    if not languages.check(data.language):
        v.error(
            "language",
            _("Documents are written in {languages}; “{code}” is none of them.").format(
                languages=", ".join(languages.language_name(c) for c in CORRESPONDENCE_LANGUAGES),
                code=data.language,
            ),
        )
    dealer = _check_dealer(data.dealer, v) if data.dealer is not None else None
    logo = _checked_logo(data, v)
    v.raise_if_any()
    values = {
        VALID_DAYS_SETTING: str(data.valid_days),
        VAT_RATE_SETTING: str(data.vat_rate),
        TERMS_SETTING: text or DEFAULT_TERMS,
        LOGO_SETTING: logo.sha256 if logo is not None else "",
        OLD_LOGO_SETTING: "",  # a logo chosen (or removed) here replaces the file's
        LANGUAGE_SETTING: languages.check(data.language),
        **{terms_setting(code): value for code, value in translated.items()},
    }
    with transaction():
        _check_version(data)
        if logo is not None and logo.data:
            _keep_logo(logo)
        elif logo is not None and document_images.document_image(logo.sha256) is None:
            raise ValidationError(
                {"logo": _("That logo is not in the database any more; choose the file again.")}
            )
        for key, value in values.items():
            if key != OLD_LOGO_SETTING or setting_value(key) is not None:
                put_setting(key, value)
        if dealer is not None:
            _save_dealer(dealer)
    return document_settings(dealer.business_id if dealer is not None else None)


def _checked_logo(data: DocumentSettings, v: Validator) -> Logo | None:
    """The logo the settings name: None for none; with its bytes when they came with the
    settings (a logo just chosen), which must be the image the hash names."""
    sha = data.logo.strip().lower()
    if not sha:
        return None
    if not re.fullmatch(r"[0-9a-f]{64}", sha):
        v.error("logo", _("Choose the logo from a PNG or JPEG file."))
        return None
    if data.logo_data:
        if hashlib.sha256(data.logo_data).hexdigest() != sha or not _is_image(data.logo_data):
            v.error("logo", _("The logo's image does not match what was chosen; choose it again."))
            return None
        if len(data.logo_data) > MAX_LOGO_BYTES:
            v.error("logo", _("The logo is too large; choose a smaller image."))
            return None
    return Logo(sha, data.logo_data)


# Named in the conflict message: "The document settings were changed by …".
DOCUMENT_SETTINGS = N_("The document settings")
_COMPARED_SETTINGS = (
    "valid_days",
    "vat_rate",
    "terms",
    "logo",
    "language",
    *(f"terms_{code}" for code in CORRESPONDENCE_LANGUAGES),
)


def _check_version(data: DocumentSettings) -> None:
    """Refuse a save over settings (or a dealership) changed since `data` was read."""
    if data.version is None:
        return
    business_id = data.dealer.business_id if data.dealer is not None else None
    current = _version(business_id)
    if current != data.version:
        who = setting_changed_by(DOCUMENT_SETTING_KEYS)
        if who is None and business_id is not None:
            who = m.Business.get_by_id(business_id).changed_by
        raise ConflictError(_(DOCUMENT_SETTINGS), conflicts.user_name(who), current)


def _theirs(opened: DocumentSettings) -> DocumentSettings:
    return document_settings(opened.dealer.business_id if opened.dealer is not None else None)


def settings_conflict(opened: DocumentSettings, yours: DocumentSettings) -> conflicts.Conflict:
    """What changed since the settings were opened: the value then, theirs and yours."""
    access.require(Right.READ_SALES)
    theirs = _theirs(opened)
    labels = conflicts.field_labels("document_settings", _COMPARED_SETTINGS)
    who = setting_changed_by(DOCUMENT_SETTING_KEYS)
    found = conflicts.describe(
        _(DOCUMENT_SETTINGS), who, opened, theirs, yours, labels, _shown_setting
    )
    if opened.dealer is None or theirs.dealer is None or yours.dealer is None:
        return found
    dealer_labels = conflicts.field_labels("business", DEALER_FIELDS)
    dealer = conflicts.field_changes(opened.dealer, theirs.dealer, yours.dealer, dealer_labels)
    return replace(found, changes=[*found.changes, *dealer])


def _shown_setting(name: str, value: object) -> str:
    if name == "logo":  # a hash: named by its first digits, as a version control names commits
        return _("image {id}").format(id=str(value)[:8]) if value else _("none")
    return conflicts.plain(value)


def save_settings_over(
    opened: DocumentSettings, yours: DocumentSettings, their_version: int
) -> DocumentSettings:
    """The user's changes over the settings saved elsewhere; their other changes stay."""
    access.require(Right.SETUP)
    theirs = _theirs(opened)
    merged = conflicts.merged(opened, theirs, yours, _COMPARED_SETTINGS)
    if opened.dealer is not None and theirs.dealer is not None and yours.dealer is not None:
        dealer = conflicts.merged(opened.dealer, theirs.dealer, yours.dealer, DEALER_FIELDS)
        merged = replace(merged, dealer=dealer)
    return save_document_settings(replace(merged, version=their_version))
