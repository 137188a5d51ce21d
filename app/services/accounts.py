"""Customer accounts and their contacts: find before you create, merge, and the account view."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

from app.db import accounts as db
from app.db import models as m
from app.db.accounts import (
    COUNT_LIMIT,
    AccountSearchTerm,
    account_count_and_first_page,
    account_opportunities,
    account_page,
    count_accounts,
    names_for_match_keys,
    write_match_keys,
)
from app.db.connection import transaction
from app.db.retrying import retried
from app.db.settings import setting_value
from app.domain import languages, money, standard_names
from app.domain.choices import AccountKind, ContactRole
from app.domain.fields import label as field_label
from app.domain.languages import CORRESPONDENCE_LANGUAGES
from app.domain.rights import Right
from app.domain.text import search_text, search_words, umlauts_unspelled
from app.domain.validation import ValidationError, Validator
from app.i18n import N_, _, ngettext
from app.services import access, conflicts, documents, matching, record_rights
from app.services.errors import ConflictError, NotFound
from app.services.reference import Option


@dataclass
class AccountInput:
    kind: str = AccountKind.PERSON.value
    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    vat_number: str = ""  # a company's VAT ID, printed on its quotes and order forms
    language: str = ""  # its documents' ("de"); "" becomes the dealership's when saved


@dataclass
class ContactInput:
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    job_title: str = ""


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    """An account already on file that may be the customer being entered."""

    account_id: int
    name: str
    email: str
    phone: str
    postcode: str
    city: str
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        where = " ".join(p for p in (self.postcode, self.city) if p)
        details = " · ".join(p for p in (self.email, self.phone, where) if p)
        return f"{self.name} — {details}" if details else self.name


class PossibleDuplicates(Exception):
    """Raised instead of creating an account that looks like one already on file; the
    caller shows the candidates and calls again with confirmed_new=True or uses one."""

    def __init__(self, candidates: list[DuplicateCandidate]) -> None:
        n = len(candidates)
        super().__init__(
            ngettext(
                "{n} customer on file looks like this one.",
                "{n} customers on file look like this one.",
                n,
            ).format(n=n)
        )
        self.candidates = candidates


@dataclass(frozen=True, slots=True)
class ContactInfo:
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    job_title: str
    version: int = 1  # what a save of this contact expects to find

    @property
    def label(self) -> str:
        return _contact_label(self.first_name, self.last_name, self.job_title)


@dataclass(frozen=True, slots=True)
class AccountOpportunity:
    id: int
    topic: str
    stage: str
    status: str
    est_close_date: date | None
    est_revenue: str


@dataclass
class AccountDetail(AccountInput):
    id: int = 0
    version: int = 1
    name: str = ""
    contacts: list[ContactInfo] = field(default_factory=list)
    opportunities: list[AccountOpportunity] = field(default_factory=list)


_ACCOUNT_FIELDS = tuple(f.name for f in fields(AccountInput))


def display_name(data: AccountInput) -> str:
    if data.kind == AccountKind.COMPANY.value:
        return data.company_name.strip()
    first, last = data.first_name.strip(), data.last_name.strip()
    return f"{last}, {first}" if first and last else (last or first)


def check(data: AccountInput, v: Validator | None = None) -> Validator:
    """Collect what is wrong with the customer's fields into `v` (a new one by default)."""
    v = v or Validator()
    if data.kind not in {k.value for k in AccountKind}:
        v.error("kind", _("An account is a person or a company."))
    company_name = field_label("account.company_name")
    last_name, first_name = field_label("account.last_name"), field_label("account.first_name")
    if data.kind == AccountKind.COMPANY.value:
        data.company_name = v.require("company_name", data.company_name, company_name)
        # A company may name a person too; kept, so trimmed and bounded like any name.
        data.last_name = v.optional("last_name", data.last_name, last_name, 100)
        data.first_name = v.optional("first_name", data.first_name, first_name, 100)
    else:
        data.last_name = v.require("last_name", data.last_name, last_name, 100)
        data.first_name = v.optional("first_name", data.first_name, first_name, 100)
        data.company_name = v.optional("company_name", data.company_name, company_name)
    data.email = v.email("email", data.email)
    data.phone = v.optional("phone", data.phone, field_label("account.phone"), 40)
    problem = matching.phone_problem(data.phone, phone_region())
    if problem:
        v.error("phone", problem)
    for name in ("street", "postcode", "city", "country"):
        text = v.optional(name, getattr(data, name), field_label(f"account.{name}"), 120)
        setattr(data, name, text)
    # A VAT ID is a business's: a person's documents print none.
    is_company = data.kind == AccountKind.COMPANY.value
    data.vat_number = v.vat_id("vat_number", data.vat_number) if is_company else ""
    # The language its documents are written in: the dealership's unless another is chosen.
    if data.language and not languages.check(data.language):
        v.error(
            "language",
            _("Documents are written in {languages}; “{code}” is none of them.").format(
                languages=", ".join(languages.language_name(c) for c in CORRESPONDENCE_LANGUAGES),
                code=data.language,
            ),
        )
    data.language = languages.check(data.language) or documents.dealership_language()
    return v


def validate(data: AccountInput) -> None:
    check(data).raise_if_any()


def phone_region() -> str:
    region = setting_value("phone_region")
    return region if region is not None else matching.DEFAULT_REGION


def _keys(data: AccountInput, region: str) -> dict[str, str]:
    return {
        "email_key": matching.email_key(data.email),
        "phone_key": matching.phone_key(data.phone, region),
        "name_key": matching.name_key(data.first_name, data.last_name, data.company_name),
        "sort_name": matching.sort_key(display_name(data)),
    }


# How many names at a postcode the duplicate check compares (the first by name key): it
# compared 500 whole rows with difflib, and now compares names from the index in C.
NEARBY_NAMES = 5000


def find_duplicates(
    data: AccountInput, limit: int = 10, exclude_id: int | None = None
) -> list[DuplicateCandidate]:
    """Accounts on file with the same e-mail (any case), the same phone number (however it
    was typed), the same name, or a close name at the same postcode. Each lookup is an
    index probe, fast enough to run as the user types."""
    region = phone_region()
    keys = _keys(data, region)
    found: dict[int, list[str]] = {}
    rows: dict[int, m.Account] = {}

    def collect(query: object, reason: str) -> None:
        for row in query:  # type: ignore[attr-defined]
            if row.id == exclude_id:
                continue
            rows[row.id] = row
            if reason not in found.setdefault(row.id, []):
                found[row.id].append(reason)

    # Why each one is shown, as the list of candidates says it beside the customer.
    if keys["email_key"]:
        collect(db.accounts_with("email_key", keys["email_key"], limit), _("same e-mail"))
    if len(keys["phone_key"]) >= 6:
        collect(db.accounts_with("phone_key", keys["phone_key"], limit), _("same phone"))
    if keys["name_key"]:
        collect(db.accounts_with("name_key", keys["name_key"], limit), _("same name"))
        postcode = data.postcode.strip()
        if postcode:
            # The names at the postcode are compared first; only the close ones are read.
            nearby = db.name_keys_at_postcode(postcode, NEARBY_NAMES)
            close = db.accounts_by_id(matching.close_names(keys["name_key"], nearby))
            collect(sorted(close, key=lambda r: r.id), _("similar name, same postcode"))
    ranked = sorted(found, key=lambda i: (-len(found[i]), rows[i].name))[:limit]
    return [
        DuplicateCandidate(
            i,
            rows[i].name,
            rows[i].email,
            rows[i].phone,
            rows[i].postcode,
            rows[i].city,
            tuple(found[i]),
        )
        for i in ranked
    ]


def create(data: AccountInput, confirmed_new: bool = False) -> Option:
    """Create an account after the duplicate check; a person account also gets the person
    as its first contact. Raises PossibleDuplicates unless confirmed_new."""
    access.require(Right.SELL)
    check(data).raise_if_any()
    with transaction():
        if not confirmed_new:
            candidates = find_duplicates(data)
            if candidates:
                raise PossibleDuplicates(candidates)
        row = m.Account.create(
            name=display_name(data),
            **{n: getattr(data, n) for n in _ACCOUNT_FIELDS},
            **_keys(data, phone_region()),
        )
        if data.kind == AccountKind.PERSON.value:
            m.Contact.create(
                account=row,
                first_name=data.first_name,
                last_name=data.last_name,
                email=data.email,
                phone=data.phone,
            )
    return Option(row.id, row.name)


@retried
def update(account_id: int, data: AccountInput, expected_version: int) -> AccountDetail:
    access.require(Right.SELL)
    check(data).raise_if_any()
    with transaction():
        row = m.Account.get_or_none(m.Account.id == account_id)
        if row is None:
            raise _gone(account_id)
        if row.version != expected_version:
            raise ConflictError(_what(row.name), conflicts.user_name(row.changed_by), row.version)
        for name in _ACCOUNT_FIELDS:
            setattr(row, name, getattr(data, name))
        for name, value in _keys(data, phone_region()).items():
            setattr(row, name, value)
        row.name = display_name(data)
        row.save()
    return get(account_id)


def _gone(account_id: int) -> NotFound:
    return NotFound(_("Customer #{id} no longer exists.").format(id=account_id))


def _what(name: str) -> str:
    """The customer as a message about a save names it."""
    # TRANSLATORS: fills {what} in "{what} was changed by {name} after you opened it."
    return _("Customer {name}").format(name=name)


def conflict(account_id: int, opened: AccountInput, yours: AccountInput) -> conflicts.Conflict:
    """What changed since the form was opened: the value then, theirs and yours."""
    access.require(Right.READ_SALES)
    row = m.Account.get_or_none(m.Account.id == account_id)
    if row is None:
        raise _gone(account_id)
    labels = conflicts.field_labels("account", _ACCOUNT_FIELDS)
    return conflicts.describe(
        _what(row.name), row.changed_by, opened, get(account_id), yours, labels
    )


def save_over(
    account_id: int, opened: AccountInput, yours: AccountInput, their_version: int
) -> AccountDetail:
    """The user's changes over the version saved elsewhere; their other changes stay."""
    access.require(Right.SELL)
    theirs = get(account_id)
    merged = conflicts.merged(opened, theirs, yours, _ACCOUNT_FIELDS)
    data = AccountInput(**{n: getattr(merged, n) for n in _ACCOUNT_FIELDS})
    return update(account_id, data, their_version)


def get(account_id: int) -> AccountDetail:
    access.require(Right.READ_SALES)
    row = m.Account.get_or_none(m.Account.id == account_id)
    if row is None:
        raise _gone(account_id)
    opportunities = account_opportunities(account_id)
    return AccountDetail(
        **{n: getattr(row, n) for n in _ACCOUNT_FIELDS},
        id=row.id,
        version=row.version,
        name=row.name,
        contacts=contact_infos(account_id),
        opportunities=[
            AccountOpportunity(
                o.id,
                o.topic,
                standard_names.display_name(o.stage.key, o.stage.name) if o.stage_id else "",
                o.status,
                o.est_close_date,
                money.format_money(money.from_minor(o.est_revenue_minor, o.currency), o.currency),
            )
            for o in opportunities
        ],
    )


def contact_infos(account_id: int) -> list[ContactInfo]:
    access.require(Right.READ_SALES)
    return [_contact_info(c) for c in db.contacts_by_name(account_id)]


def _contact_info(row: m.Contact) -> ContactInfo:
    return ContactInfo(
        row.id, row.first_name, row.last_name, row.email, row.phone, row.job_title, row.version
    )


def contact(contact_id: int) -> ContactInfo:
    access.require(Right.READ_SALES)
    row = m.Contact.get_or_none(m.Contact.id == contact_id)
    if row is None:
        raise NotFound(_("This contact no longer exists."))
    return _contact_info(row)


def _validate_contact(data: ContactInput) -> None:
    v = Validator()
    data.last_name = v.require("last_name", data.last_name, field_label("contact.last_name"), 100)
    data.first_name = v.optional(
        "first_name", data.first_name, field_label("contact.first_name"), 100
    )
    data.email = v.email("email", data.email)
    problem = matching.phone_problem(data.phone, phone_region())
    if problem:
        v.error("phone", problem)
    data.job_title = v.optional("job_title", data.job_title, field_label("contact.job_title"), 100)
    v.raise_if_any()


def add_contact(account_id: int, data: ContactInput) -> Option:
    access.require(Right.SELL)
    _validate_contact(data)
    with transaction():
        if not db.account_exists(account_id):
            raise _gone(account_id)
        row = m.Contact.create(
            account=account_id,
            first_name=data.first_name,
            last_name=data.last_name,
            email=data.email,
            phone=data.phone,
            job_title=data.job_title,
        )
    return Option(row.id, _contact_label(row.first_name, row.last_name, row.job_title))


# A contact's fields, in the form's order.
_CONTACT_FIELDS = ("first_name", "last_name", "job_title", "email", "phone")


def _contact_what(row: m.Contact | ContactInfo) -> str:
    # TRANSLATORS: fills {what} in "{what} was changed by {name} after you opened it."
    return _("Contact {name}").format(name=_contact_label(row.first_name, row.last_name, ""))


@retried
def update_contact(contact_id: int, data: ContactInput, expected_version: int) -> ContactInfo:
    """Save the contact's fields over the version the form opened (ConflictError when it
    was saved elsewhere since); audited field by field, a new version."""
    access.require(Right.SELL)
    _validate_contact(data)
    with transaction():
        row = m.Contact.get_or_none(m.Contact.id == contact_id)
        if row is None:
            raise NotFound(_("This contact no longer exists."))
        if row.version != expected_version:
            raise ConflictError(
                _contact_what(row), conflicts.user_name(row.changed_by), row.version
            )
        changed = [n for n in _CONTACT_FIELDS if getattr(row, n) != getattr(data, n)]
        if changed:
            for name in changed:
                setattr(row, name, getattr(data, name))
            row.save()
    return contact(contact_id)


def contact_conflict(
    contact_id: int, opened: ContactInput, yours: ContactInput
) -> conflicts.Conflict:
    """What changed since the contact was opened: the value then, theirs and yours."""
    access.require(Right.READ_SALES)
    row = m.Contact.get_or_none(m.Contact.id == contact_id)
    if row is None:
        raise NotFound(_("This contact no longer exists."))
    labels = conflicts.field_labels("contact", _CONTACT_FIELDS)
    return conflicts.describe(
        _contact_what(row), row.changed_by, opened, _contact_info(row), yours, labels
    )


def save_contact_over(
    contact_id: int, opened: ContactInput, yours: ContactInput, their_version: int
) -> ContactInfo:
    """The user's changes over the version saved elsewhere; their other changes stay."""
    access.require(Right.SELL)
    merged = conflicts.merged(opened, contact(contact_id), yours, _CONTACT_FIELDS)
    data = ContactInput(**{n: getattr(merged, n) for n in _CONTACT_FIELDS})
    return update_contact(contact_id, data, their_version)


def _contact_label(first: str, last: str, title: str) -> str:
    name = f"{first} {last}".strip()
    return f"{name} ({title})" if title else name


def search(text: str, limit: int = 30) -> list[Option]:
    """Accounts whose name contains the text (those starting with it first), or whose
    e-mail or phone starts with it."""
    access.require(Right.READ_SALES)
    term = search_text(text)
    rows = (
        db.account_choices(matching.sort_key(term), term.lower(), phone_parts(term), limit)
        if term
        else db.account_choices("", "", [], limit)
    )
    return [Option(i, f"{n} · {c}" if c else n) for i, n, c in rows]


def name(account_id: int) -> str:
    access.require(Right.READ_SALES)
    row = m.Account.get_or_none(m.Account.id == account_id)
    return row.name if row else ""


def contacts(account_id: int) -> list[Option]:
    access.require(Right.READ_SALES)
    return [Option(c.id, c.label) for c in contact_infos(account_id)]


def match_keys(
    name: str, first: str, last: str, company: str, email: str, phone: str, region: str
) -> tuple[str, str, str, str]:
    """An account's (e-mail key, phone key, name key, sort name), as a save writes them."""
    return (
        matching.email_key(email),
        matching.phone_key(phone, region),
        matching.name_key(first, last, company),
        matching.sort_key(name),
    )


def rebuild_match_keys(only_missing: bool = True) -> int:
    """Fill the match and sort keys of accounts written without them (bulk loads)."""
    access.require(Right.SETUP)
    region = phone_region()
    rows = [
        (*match_keys(n, f, la, c, e, p, region), i)
        for i, n, f, la, c, e, p in names_for_match_keys(only_missing)
    ]
    write_match_keys(rows)
    return len(rows)


# --- merging -------------------------------------------------------------------------------

MERGE_FIELDS = _ACCOUNT_FIELDS


def merge(keep_id: int, drop_id: int, chosen: dict[str, str] | None = None) -> AccountDetail:
    """Make two accounts one. `chosen` gives, per field, the value that wins (typically the
    dropped account's value where the user preferred it); the other fields keep the kept
    account's values, and its empty fields take the dropped account's. Opportunities (with
    their quotes, order forms and orders), contacts, activities and converted leads of both
    end up on the kept account; all of it in one transaction."""
    access.require(Right.SELL)
    if keep_id == drop_id:
        raise ValidationError({"account_id": _("An account cannot be merged with itself.")})
    with transaction():
        keep = m.Account.get_or_none(m.Account.id == keep_id)
        drop = m.Account.get_or_none(m.Account.id == drop_id)
        if keep is None or drop is None:
            raise NotFound(_("One of the two customers no longer exists."))
        values = AccountInput(**{n: getattr(keep, n) or getattr(drop, n) for n in MERGE_FIELDS})
        for name, value in (chosen or {}).items():
            if name not in MERGE_FIELDS:
                raise ValidationError(
                    {name: _("“{name}” is not a field of a customer.").format(name=name)}
                )
            setattr(values, name, value)
        check(values).raise_if_any()
        for name in MERGE_FIELDS:
            setattr(keep, name, getattr(values, name))
        for name, value in _keys(values, phone_region()).items():
            setattr(keep, name, value)
        keep.name = display_name(values)
        keep.save()
        db.move_account_links(drop_id, keep_id)
        m.write_audit("account", keep_id, "merge", {"merged_from": (drop_id, None)})
        drop.delete_instance()
    return get(keep_id)


# --- the contacts of an opportunity ---------------------------------------------------------


CLOSED_OPPORTUNITY = N_("A closed opportunity is read-only; reopen it first.")


def _opportunity_gone(opportunity_id: int) -> NotFound:
    return NotFound(_("Opportunity #{id} no longer exists.").format(id=opportunity_id))


@dataclass(frozen=True, slots=True)
class OpportunityContactInfo:
    contact_id: int
    label: str
    role: str
    primary: bool


def opportunity_contacts(opportunity_id: int) -> list[OpportunityContactInfo]:
    """The primary contact first, then the further contacts with their roles."""
    access.require(Right.READ_SALES)
    opp = m.Opportunity.get_or_none(m.Opportunity.id == opportunity_id)
    if opp is None:
        raise _opportunity_gone(opportunity_id)
    result = []
    if opp.primary_contact_id:
        c = opp.primary_contact
        result.append(
            OpportunityContactInfo(
                c.id, _contact_label(c.first_name, c.last_name, c.job_title), "", True
            )
        )
    for link in db.opportunity_contact_links(opportunity_id):
        c = link.contact
        result.append(
            OpportunityContactInfo(
                c.id, _contact_label(c.first_name, c.last_name, c.job_title), link.role, False
            )
        )
    return result


def set_opportunity_contact(opportunity_id: int, contact_id: int, role: str) -> None:
    """Add a further contact with a role, or change the role of one already there."""
    record_rights.require_opportunity(opportunity_id)
    try:
        role_value = ContactRole.parse(role).value if role else ""
    except ValueError:
        raise ValidationError(
            {"role": _("“{role}” is not a contact role.").format(role=role)}
        ) from None
    with transaction():
        opp = m.Opportunity.get_or_none(m.Opportunity.id == opportunity_id)
        contact = m.Contact.get_or_none(m.Contact.id == contact_id)
        if opp is None or contact is None:
            raise NotFound(_("The opportunity or the contact no longer exists."))
        if opp.status != "open":
            raise ValidationError({"contact": _(CLOSED_OPPORTUNITY)})
        if contact.account_id != opp.account_id:
            raise ValidationError(
                {"contact": _("Only people at the opportunity's customer can be its contacts.")}
            )
        if contact.id == opp.primary_contact_id:
            raise ValidationError(
                {"contact": _("This is the primary contact already; add someone else.")}
            )
        db.set_opportunity_contact(opp.id, contact.id, role_value)


def remove_opportunity_contact(opportunity_id: int, contact_id: int) -> None:
    """Take a further contact off the opportunity (the contact stays at the customer)."""
    record_rights.require_opportunity(opportunity_id)
    with transaction():
        opp = m.Opportunity.get_or_none(m.Opportunity.id == opportunity_id)
        if opp is None:
            raise _opportunity_gone(opportunity_id)
        if opp.status != "open":
            raise ValidationError({"contact": _(CLOSED_OPPORTUNITY)})
        db.remove_opportunity_contact(opportunity_id, contact_id)


# --- the list ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountFilter:
    text: str = ""
    kind: str | None = None
    consent: str | None = None  # a ConsentChannel: those who consent to marketing by it


@dataclass(frozen=True, slots=True)
class AccountRow:
    id: int
    name: str
    kind: str
    email: str
    phone: str
    postcode: str
    city: str
    open_opportunities: int


def _search_terms(text: str) -> list[AccountSearchTerm]:
    # A phone number typed with spaces ("089 1234567") is one term, not two.
    text = search_text(text)
    terms = [text] if phone_parts(text) else search_words(text)
    return [
        AccountSearchTerm(
            term,
            matching.sort_key(term),
            tuple(phone_parts(term)),
            umlauts_unspelled(matching.sort_key(term)),
        )
        for term in terms
    ]


def phone_parts(term: str) -> list[str]:
    """What a typed phone number, or a part of one with at least four digits, is looked for
    as in the normalised numbers (E.164 without its "+"): its digits without the leading
    zeros of a trunk or international prefix ("015244132579" and "0049 152 44132579" both
    as part of "+4915244132579"), and the number normalised where it reads as one. None for
    a term that is not a number."""
    if sum(c.isdigit() for c in term) < 4 or any(c.isalpha() for c in term):
        return []
    digits = "".join(c for c in term if c.isdigit()).lstrip("0")
    key = matching.phone_key(term, phone_region()).lstrip("+")
    return list(dict.fromkeys(p for p in (digits, key) if p))


# A search's count stops past this many: count() and count_and_first_page() say
# SEARCH_COUNT_LIMIT + 1 for "more than SEARCH_COUNT_LIMIT".
SEARCH_COUNT_LIMIT = COUNT_LIMIT


def count(flt: AccountFilter) -> int:
    """How many customers the filter holds (a search's up to SEARCH_COUNT_LIMIT + 1)."""
    access.require(Right.READ_SALES)
    return count_accounts(_search_terms(flt.text), flt.kind, flt.consent)


def count_and_first_page(
    flt: AccountFilter, sort: str, descending: bool, limit: int
) -> tuple[int, list[AccountRow]]:
    """The filter's count and its first `limit` rows, as the customer list reads them for
    each filter (the search's count stops at SEARCH_COUNT_LIMIT + 1)."""
    access.require(Right.READ_SALES)
    found, rows = account_count_and_first_page(
        _search_terms(flt.text), flt.kind, sort, descending, limit, flt.consent
    )
    return found, [AccountRow(*r) for r in rows]


def page(
    flt: AccountFilter, sort: str, descending: bool, offset: int, limit: int
) -> list[AccountRow]:
    access.require(Right.READ_SALES)
    rows = account_page(
        _search_terms(flt.text), flt.kind, sort, descending, offset, limit, flt.consent
    )
    return [AccountRow(*r) for r in rows]
