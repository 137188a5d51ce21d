"""Leads: capture, qualify or disqualify, import from a web-form CSV export, and convert
into a customer, a contact and an opportunity."""

from __future__ import annotations

import operator
from dataclasses import dataclass, fields, replace
from datetime import date, datetime

from app.db import models as m
from app.db import sales_desk as desk
from app.db.accounts import account_exists, contacts_of
from app.db.connection import transaction
from app.db.consent import copy_lead_history_to_account
from app.db.leads import (
    COUNT_LIMIT,
    LeadFilter,
    LeadListRow,
    count_leads,
    lead_count_and_first_page,
    lead_page,
    opportunity_of_lead,
)
from app.db.retrying import retried
from app.domain import dates, languages
from app.domain.choices import AccountKind, Condition, LeadStatus
from app.domain.fields import label as field_label
from app.domain.rights import Right
from app.domain.stages import first_stage
from app.domain.text import search_text
from app.domain.validation import ValidationError, Validator
from app.i18n import _
from app.services import access, accounts, conflicts, matching, opportunities, record_rights
from app.services.errors import ConflictError, NotFound
from app.services.reference import (
    CodeChoice,
    NameChoice,
    check_code,
    reason_choices,
    reason_label,
    stage_infos,
    stored_reason,
)


@dataclass
class LeadInput:
    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    interest: str = ""
    condition: str = ""
    brand: str = ""
    vehicle_class: str = ""
    model: str = ""
    model_code: str = ""
    variant: str = ""
    channel: str = ""
    source: str = ""
    notes: str = ""
    language: str = ""  # the web form's or the browser's ("de"), "" when not known
    owner_id: int | None = None


@dataclass
class LeadDetail(LeadInput):
    id: int = 0
    version: int = 1
    status: str = LeadStatus.NEW.value
    disqualify_reason: str = ""
    converted_account_id: int | None = None
    converted_contact_id: int | None = None
    converted_opportunity_id: int | None = None
    created_at: str = ""

    @property
    def read_only(self) -> bool:
        return self.status == LeadStatus.CONVERTED.value

    @property
    def display_name(self) -> str:
        return lead_name(self)

    @property
    def disqualify_reason_label(self) -> str:
        """The reason as shown: a shipped one in the screen's language."""
        return reason_label("disqualify", self.disqualify_reason)


INPUT_FIELDS = tuple(f.name for f in fields(LeadInput) if f.name != "owner_id")
input_values = operator.attrgetter(*INPUT_FIELDS)


def lead_name(lead: LeadInput) -> str:
    person = f"{lead.first_name} {lead.last_name}".strip()
    if lead.company_name:
        return f"{lead.company_name} ({person})" if person else lead.company_name
    return person


def field_labels() -> dict[str, str]:
    return {name: field_label(f"lead.{name}") for name in INPUT_FIELDS}


_NOTES = INPUT_FIELDS.index("notes")


def _as_they_are(values: tuple[str, ...], length: int) -> bool:
    """Whether a row's values, all printable ASCII together `length` long, are each as they
    are kept: no space around one to strip, none longer than its limit (the notes 10,000
    characters, every other field 200, which fields no longer than 200 together are). A
    separator no printable text holds marks where one value ends and the next begins."""
    if None in values:
        return False
    notes = len(values[_NOTES])
    if notes > 10_000 or length - notes > 200:
        return False
    spaced = "\0".join(values)
    return not (
        spaced.startswith(" ") or spaced.endswith(" ") or " \0" in spaced or "\0 " in spaced
    )


def _check_fields(
    v: Validator, data: LeadInput, values: tuple[str, ...], labels: dict[str, str], plain: bool
) -> None:
    """Each given field's length and, unless the row is `plain` (all printable ASCII), its
    printable check; each kept stripped."""
    for name, value in zip(INPUT_FIELDS, values, strict=True):
        if value == "":
            continue  # most of an import's columns are absent: nothing to check
        limit = 10_000 if name == "notes" else 200
        if plain and value and len(value) <= limit and value[0] != " " != value[-1]:
            continue  # printable ASCII, no space around it to strip, not too long: as it is
        setattr(data, name, v.optional(name, value, labels[name], limit, printable=not plain))


def validate_lead(
    data: LeadInput,
    region: str,
    labels: dict[str, str] | None = None,
    kept: m.Lead | None = None,
    lists: dict[str, list[CodeChoice]] | None = None,
) -> Validator:
    """`labels`: the fields' labels, and `lists`: the channels and payment interests, each
    looked up once by a caller that validates many rows. `kept`: the lead as stored, whose
    channel and payment interest stay acceptable though no longer offered."""
    labels = labels or field_labels()
    lists = lists or {}
    v = Validator()
    values = input_values(data)
    # Text that is all printable ASCII (most rows, whole) needs no field's printable check.
    whole = "".join(filter(None, values))
    plain = whole.isascii() and whole.isprintable()
    if not (plain and _as_they_are(values, len(whole))):  # most rows of an import are
        _check_fields(v, data, values, labels, plain)
    if not (data.last_name or data.company_name or data.first_name):
        v.error("last_name", _("Give the person's name or the company's."))
    data.email = v.email("email", data.email)
    problem = matching.phone_problem(data.phone, region)
    if problem:
        v.error("phone", problem)
    if not (data.email or data.phone):
        v.error(
            "email", _("Give an e-mail address or a phone number, so the lead can be contacted.")
        )
    # TRANSLATORS: these complete "“{text}” is not a known {label}; pick one of: {known}."
    data.channel = check_code(
        v,
        "channel",
        data.channel,
        "channel",
        _("channel"),
        kept.channel if kept else "",
        lists.get("channel"),
    )
    # An import's rows mostly leave these two empty: nothing to look up, no label to word.
    data.interest = (
        check_code(
            v,
            "interest",
            data.interest,
            "interest",
            _("way to pay"),
            kept.interest if kept else "",
            lists.get("interest"),
        )
        if data.interest
        else ""
    )
    data.condition = (
        v.choice("condition", data.condition, Condition, _("condition")) if data.condition else ""
    )
    # A browser's "de-DE,de;q=0.9" or a form's "Deutsch": kept when it is a language the
    # documents are written in, else left unknown (the dealership's is used).
    data.language = languages.from_tag(data.language)
    return v


def lead_keys(data: LeadInput, region: str) -> dict[str, str]:
    return {
        "email_key": matching.email_key(data.email),
        "phone_key": matching.phone_key(data.phone, region),
    }


def create(data: LeadInput) -> LeadDetail:
    record_rights.require_new_sale(data.owner_id, None)
    region = accounts.phone_region()
    validate_lead(data, region).raise_if_any()
    with transaction():
        row = m.Lead.create(
            owner=data.owner_id,
            **{n: getattr(data, n) for n in INPUT_FIELDS},
            **lead_keys(data, region),
        )
    return get(row.id)


def _editable(lead_id: int) -> m.Lead:
    row = m.Lead.get_or_none(m.Lead.id == lead_id)
    if row is None:
        raise _gone(lead_id)
    if row.status == LeadStatus.CONVERTED.value:
        raise ValidationError(
            {"status": _("This lead was converted; it is kept as it was and cannot change.")}
        )
    return row


def _gone(lead_id: int) -> NotFound:
    return NotFound(_("Lead #{id} no longer exists.").format(id=lead_id))


def _what(lead_id: int) -> str:
    """The lead as a message about a save names it."""
    # TRANSLATORS: fills {what} in "{what} was changed by {name} after you opened it."
    return _("Lead #{id}").format(id=lead_id)


@retried
def update(lead_id: int, data: LeadInput, expected_version: int) -> LeadDetail:
    record_rights.require_lead(lead_id)
    record_rights.require_holder_change(record_rights.LEAD, lead_id, data.owner_id)
    region = accounts.phone_region()
    validate_lead(data, region, kept=m.Lead.get_or_none(m.Lead.id == lead_id)).raise_if_any()
    with transaction():
        row = _editable(lead_id)
        if row.version != expected_version:
            raise ConflictError(_what(lead_id), conflicts.user_name(row.changed_by), row.version)
        for name in INPUT_FIELDS:
            setattr(row, name, getattr(data, name))
        for name, value in lead_keys(data, region).items():
            setattr(row, name, value)
        row.owner = data.owner_id
        row.save()
    return get(lead_id)


# The fields a save over someone else's compares, in the form's order.
_COMPARED = (*INPUT_FIELDS, "owner_id")


def _show(name: str, value: object) -> str:
    if name == "owner_id":
        who = conflicts.user_name(value) if isinstance(value, int) else None
        return who or conflicts.EMPTY
    return conflicts.plain(value)


def conflict(lead_id: int, opened: LeadInput, yours: LeadInput) -> conflicts.Conflict:
    """What changed since the form was opened: the value then, theirs and yours."""
    access.require(Right.READ_SALES)
    row = m.Lead.get_or_none(m.Lead.id == lead_id)
    if row is None:
        raise _gone(lead_id)
    labels = conflicts.field_labels("lead", _COMPARED)
    return conflicts.describe(
        _what(lead_id), row.changed_by, opened, get(lead_id), yours, labels, _show
    )


@retried
def save_over(lead_id: int, opened: LeadInput, yours: LeadInput, their_version: int) -> LeadDetail:
    """The user's changes over the version saved elsewhere; their other changes stay."""
    record_rights.require_lead(lead_id)
    theirs = get(lead_id)
    merged = conflicts.merged(opened, theirs, yours, _COMPARED)
    data = LeadInput(**{f.name: getattr(merged, f.name) for f in fields(LeadInput)})
    return update(lead_id, data, their_version)


def get(lead_id: int) -> LeadDetail:
    access.require(Right.READ_SALES)
    row = m.Lead.get_or_none(m.Lead.id == lead_id)
    if row is None:
        raise _gone(lead_id)
    return LeadDetail(
        **{n: getattr(row, n) for n in INPUT_FIELDS},
        owner_id=row.owner_id,
        id=row.id,
        version=row.version,
        status=row.status,
        disqualify_reason=row.disqualify_reason,
        converted_account_id=row.converted_account_id,
        converted_contact_id=row.converted_contact_id,
        converted_opportunity_id=opportunity_of_lead(lead_id),
        created_at=row.created_at.isoformat(sep=" "),
    )


# Status moves a user makes by hand; conversion is its own use case.
_MOVES = {
    LeadStatus.NEW.value: {LeadStatus.CONTACTED.value, LeadStatus.QUALIFIED.value},
    LeadStatus.CONTACTED.value: {LeadStatus.NEW.value, LeadStatus.QUALIFIED.value},
    LeadStatus.QUALIFIED.value: {LeadStatus.CONTACTED.value},
    LeadStatus.DISQUALIFIED.value: {LeadStatus.NEW.value, LeadStatus.CONTACTED.value},
}


def set_status(lead_id: int, status: str) -> LeadDetail:
    record_rights.require_lead(lead_id)
    with transaction():
        row = _editable(lead_id)
        if status not in _MOVES.get(row.status, set()):
            raise ValidationError({"status": _refused_move(row.status, status)})
        row.status = status
        row.disqualify_reason = ""
        row.save()
    return get(lead_id)


def _refused_move(status: str, wanted: str) -> str:
    """Why a lead cannot move from one status to the other, the statuses as the form
    words them in a sentence ("qualified")."""

    def word(value: str) -> str:
        known = value in LeadStatus._value2member_map_
        return LeadStatus(value).label.lower() if known else value

    return _("A lead that is {status} cannot become {new_status}.").format(
        status=word(status), new_status=word(wanted)
    )


def disqualify_reasons() -> list[str]:
    """The disqualify reasons as a picker shows them (a shipped one translated);
    `disqualify` takes a reason as shown or as stored, and stores it as stored."""
    return [choice.label for choice in disqualify_reason_choices()]


def disqualify_reason_choices() -> list[NameChoice]:
    """The active disqualify reasons: the name stored and the text shown."""
    return reason_choices("disqualify")


def disqualify(lead_id: int, reason: str) -> LeadDetail:
    record_rights.require_lead(lead_id)
    stored = stored_reason("disqualify", reason)
    if stored is None:
        raise ValidationError({"disqualify_reason": _("Pick the reason from the list.")})
    with transaction():
        row = _editable(lead_id)
        row.status = LeadStatus.DISQUALIFIED.value
        row.disqualify_reason = stored
        row.save()
    return get(lead_id)


# --- the list --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LeadRow:
    id: int
    name: str
    email: str
    phone: str
    interest: str  # "Volkswagen Golf"
    channel: str
    source: str
    owner: str
    status: str
    created_at: datetime


def _searching(flt: LeadFilter) -> LeadFilter:
    """The filter with its search also read as a phone number, in any notation."""
    text = search_text(flt.text)  # as bounded as the search itself
    phones = tuple(accounts.phone_parts(text)) if text else ()
    return replace(flt, phones=phones)


def count(flt: LeadFilter) -> int:
    """How many leads the filter holds (a search's up to SEARCH_COUNT_LIMIT + 1)."""
    access.require(Right.READ_SALES)
    return count_leads(_searching(flt))


# A search's count stops past this many: count() and count_and_first_page() say
# SEARCH_COUNT_LIMIT + 1 for "more than SEARCH_COUNT_LIMIT".
SEARCH_COUNT_LIMIT = COUNT_LIMIT


def count_and_first_page(
    flt: LeadFilter, sort: str, descending: bool, limit: int
) -> tuple[int, list[LeadRow]]:
    """The filter's count and its first `limit` rows, as the lead list reads them for each
    filter (the search's count stops at SEARCH_COUNT_LIMIT + 1)."""
    access.require(Right.READ_SALES)
    count, rows = lead_count_and_first_page(_searching(flt), sort, descending, limit)
    return count, _rows(rows)


def page(flt: LeadFilter, sort: str, descending: bool, offset: int, limit: int) -> list[LeadRow]:
    access.require(Right.READ_SALES)
    return _rows(lead_page(_searching(flt), sort, descending, offset, limit))


def _rows(rows: list[LeadListRow]) -> list[LeadRow]:
    return [
        LeadRow(
            id=r[0],
            name=lead_name(LeadInput(first_name=r[1], last_name=r[2], company_name=r[3])),
            email=r[4],
            phone=r[5],
            interest=" ".join(p for p in (r[6], r[7]) if p),
            channel=r[8],
            source=r[9],
            owner=r[10] or "",
            status=r[11],
            created_at=r[12] if isinstance(r[12], datetime) else datetime.fromisoformat(str(r[12])),
        )
        for r in rows
    ]


# --- conversion --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Conversion:
    account_id: int
    contact_id: int
    opportunity_id: int


def account_input(lead: LeadInput) -> accounts.AccountInput:
    kind = AccountKind.COMPANY.value if lead.company_name else AccountKind.PERSON.value
    return accounts.AccountInput(
        kind=kind,
        first_name=lead.first_name,
        last_name=lead.last_name,
        company_name=lead.company_name,
        email=lead.email,
        phone=lead.phone,
        street=lead.street,
        postcode=lead.postcode,
        city=lead.city,
        country=lead.country,
        language=lead.language,
    )


def duplicates(lead_id: int) -> list[accounts.DuplicateCandidate]:
    """Customers on file that may be this lead's person or company."""
    access.require(Right.READ_SALES)
    return accounts.find_duplicates(account_input(get(lead_id)))


def convert(
    lead_id: int,
    account_id: int | None = None,
    confirmed_new: bool = False,
    owner_id: int | None = None,
    today: date | None = None,
    second_reason: str | None = None,
) -> Conversion:
    """Turn the lead into a customer (the one picked, or a new one after the duplicate
    check), a contact and an opportunity at the first stage, pre-filled from the lead.
    Whole or not at all; the lead is read-only afterwards."""
    record_rights.require_lead(lead_id)
    today = today or date.today()
    with transaction():
        row = _editable(lead_id)
        if row.status == LeadStatus.DISQUALIFIED.value:
            raise ValidationError(
                {"status": _("A disqualified lead must be reopened before it is converted.")}
            )
        lead = get(lead_id)
        if account_id is None:
            created = accounts.create(account_input(lead), confirmed_new=confirmed_new)
            account_id = created.id
        elif not account_exists(account_id):
            raise NotFound(_("The customer picked for this lead no longer exists."))
        sales = opportunities.check_second_sale(account_id, second_reason)
        contact_id = _contact_for(account_id, lead)
        data = opportunities.new_input(owner_id or lead.owner_id or m.acting_user(), today)
        start = first_stage(stage_infos(data.kind_id or 0), from_lead=True)
        vehicle = " ".join(p for p in (lead.brand, lead.model) if p) or _("Vehicle enquiry")
        # TRANSLATORS: a new opportunity's topic: "Volkswagen Golf for Rossi, Maria".
        topic = _("{vehicle} for {customer}").format(
            vehicle=vehicle, customer=accounts.name(account_id)
        )
        data.topic = topic[:200]
        data.account_id = account_id
        data.primary_contact_id = contact_id
        data.est_close_date = dates.default_close_date(today)
        data.stage_id = start.id if start else None
        data.lead_id = lead_id
        data.description = lead.notes
        for name in (
            "interest",
            "condition",
            "brand",
            "vehicle_class",
            "model",
            "model_code",
            "variant",
            "channel",
            "source",
        ):
            setattr(data, name, getattr(lead, name))
        opportunities.apply_home_defaults(data, data.owner_id)
        opportunity = opportunities.create(data, today)
        # What the customer asked for goes with them to the opportunity.
        desk.replace_demand_lines(desk.demand_lines(lead_id=lead_id), opportunity_id=opportunity.id)
        opportunities.keep_second_reason(
            opportunity.id, account_id, data.owner_id, sales, second_reason or ""
        )
        # What the lead agreed to (or withdrew) holds for the customer they became.
        copy_lead_history_to_account(lead_id, account_id)
        row = m.Lead.get_by_id(lead_id)
        row.status = LeadStatus.CONVERTED.value
        row.converted_account = account_id
        row.converted_contact = contact_id
        row.converted_at = m.now()
        row.save()
    return Conversion(account_id, contact_id, opportunity.id)


def _contact_for(account_id: int, lead: LeadDetail) -> int:
    """The lead's person at the account: found by e-mail or name, else added."""
    key = matching.email_key(lead.email)
    wanted = matching.name_key(lead.first_name, lead.last_name)
    for contact in contacts_of(account_id):
        if key and matching.email_key(contact.email) == key:
            return int(contact.id)
        if wanted and matching.name_key(contact.first_name, contact.last_name) == wanted:
            return int(contact.id)
    last = lead.last_name or lead.first_name or lead.company_name
    created = accounts.add_contact(
        account_id,
        accounts.ContactInput(
            first_name=lead.first_name if lead.last_name else "",
            last_name=last,
            email=lead.email,
            phone=lead.phone,
        ),
    )
    return created.id
