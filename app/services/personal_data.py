"""One customer's or one lead's personal data: everything held about them as readable
JSON, and their anonymisation (names, contacts, addresses, e-mail and phone replaced; the
figures kept for the statistics). Both are recorded in the audit log."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from app import __version__, paths
from app.db import models as m
from app.db import personal_data as db
from app.db import sales
from app.db.accounts import contacts_of
from app.db.audit import audit_entries, set_audit_changes
from app.db.connection import transaction
from app.domain import money
from app.domain.choices import AccountKind
from app.domain.rights import Right
from app.domain.validation import ValidationError
from app.i18n import ENGLISH, N_, Translator, _, ngettext, pgettext
from app.services import access, consent, documents, matching
from app.services.errors import NotFound

# What takes the place of personal data: in the records' texts in the screen's language
# (_(REMOVED)), in the audit log as it is here, a marker that stays the same.
REMOVED = N_("[removed]")
# Bookkeeping and derived keys: not data about the person.
_SKIPPED = {
    "changed_by",
    "version",
    "email_key",
    "phone_key",
    "name_key",
    "sort_name",
    "import_key",
}
# The fields that hold personal data, in any table; the audit log's old and new values of
# these are removed too when the customer is anonymised.
PERSONAL_FIELDS = frozenset(
    {
        "name",
        "first_name",
        "last_name",
        "company_name",
        "email",
        "phone",
        "street",
        "postcode",
        "city",
        "job_title",
        "topic",
        "description",
        "subject",
        "notes",
        "closing_note",
        "source",
        "comment",
    }
)


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, m.BaseModel):
        return value.get_id()
    return value


def _fields(row: m.BaseModel, *, money_fields: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, fld in row._meta.fields.items():
        if name in _SKIPPED:
            continue
        raw = row.__data__.get(name)
        key = f"{name}_id" if fld.__class__.__name__ == "ForeignKeyField" else name
        if money_fields and name.endswith("_minor") and isinstance(raw, int):
            currency = row.__data__.get("currency", money.DEFAULT_CURRENCY)
            out[name.removesuffix("_minor")] = str(money.from_minor(raw, currency))
            continue
        out[key] = _value(raw)
    return out


def _name_of(model: type[m.BaseModel], row_id: int | None, attribute: str = "name") -> str | None:
    if row_id is None:
        return None
    row = model.get_or_none(model.id == row_id)
    return str(getattr(row, attribute)) if row else None


def _activity(row: m.Activity) -> dict[str, Any]:
    data = _fields(row)
    data["owner"] = _name_of(m.User, row.owner_id, "full_name")
    return data


def _audit_lines(entity: str, ids: list[int]) -> list[dict[str, Any]]:
    return [
        {
            "at": _value(a.at),
            "by": a.user_name,
            "record": f"{a.entity} #{a.entity_id}",
            "action": a.action,
            "changes": json.loads(a.changes) if a.changes else {},
        }
        for a in audit_entries(entity, ids)
    ]


def _document(row: m.Quote | m.OrderForm, kind: str) -> dict[str, Any]:
    """An issued document's fields, with its snapshot read as data (what was printed)."""
    data = {k: v for k, v in _fields(row, money_fields=True).items() if k != "snapshot"}
    data["kind"] = kind
    data["as_issued"] = json.loads(row.snapshot) if row.snapshot else None
    return data


def _quote(row: m.Quote) -> dict[str, Any]:
    data = _document(row, "quote")
    data["lines"] = [_fields(line) for line in sales.quote_lines(row.id)]
    return data


def _gone(account_id: int) -> NotFound:
    return NotFound(_("Customer #{id} no longer exists.").format(id=account_id))


def collect(account_id: int, translator: Translator = ENGLISH) -> dict[str, Any]:
    """Everything held about one customer, as plain data. The keys are the fields' names
    (stable, for programs); what is written for the customer to read is in
    ``translator``'s language (the customer's, not the screen's)."""
    access.require(Right.EXPORT_DATA)
    account = m.Account.get_or_none(m.Account.id == account_id)
    if account is None:
        raise _gone(account_id)
    contacts = contacts_of(account_id)
    leads = db.matching_leads(account)
    opportunities = db.account_opportunities(account_id)
    sales = []
    for o in opportunities:
        sale = _fields(o, money_fields=True)
        sale["stage"] = _name_of(m.Stage, o.stage_id)
        sale["owner"] = _name_of(m.User, o.owner_id, "full_name")
        sale["contacts"] = [
            {"contact_id": link.contact_id, "role": link.role} for link in db.contact_links(o.id)
        ]
        sale["stage_changes"] = [
            {
                "at": _value(c.created_at),
                "from": _name_of(m.Stage, c.from_stage_id),
                "to": _name_of(m.Stage, c.to_stage_id),
                "reason": c.reason,
            }
            for c in db.stage_changes(o.id)
        ]
        sale["close_date_changes"] = [
            {"at": _value(c.created_at), "from": _value(c.old_date), "to": _value(c.new_date)}
            for c in db.close_date_changes(o.id)
        ]
        sale["activities"] = [_activity(a) for a in db.opportunity_activities(o.id)]
        sale["quotes"] = [_quote(q) for q in db.quotes_of([o.id])]
        sale["order_forms"] = [_document(f, "order_form") for f in db.order_forms(o.id)]
        sales.append(sale)
    lead_ids = [lead.id for lead in leads]
    other_activities = db.activities_outside_sales(account_id, lead_ids)
    # What the customer asked for (its comments may say anything about them).
    asked = db.demand_lines_of([o.id for o in opportunities], lead_ids)
    for sale in sales:
        sale["primary_demand"] = [
            _fields(d, money_fields=True) for d in asked if d.opportunity_id == sale["id"]
        ]
    return {
        "what": translator._("Everything Showroom holds about one customer"),
        "exported_at": _value(m.now()),
        "exported_by": _name_of(m.User, m.acting_user(), "full_name"),
        "program": f"Showroom {__version__}",
        "customer": _fields(account),
        "marketing_consent": consent.export_rows(account_id=account_id),
        "contacts": [_fields(c) for c in contacts],
        "leads": [
            {
                **_fields(lead),
                "marketing_consent": consent.export_rows(lead_id=lead.id),
                "primary_demand": [
                    _fields(d, money_fields=True) for d in asked if d.lead_id == lead.id
                ],
            }
            for lead in leads
        ],
        "opportunities": sales,
        "other_activities": [_activity(a) for a in other_activities],
        "audit_log": _audit_lines("account", [account_id])
        + _audit_lines("contact", [c.id for c in contacts])
        + _audit_lines("lead", lead_ids)
        + _audit_lines("opportunity", [o.id for o in opportunities])
        + _audit_lines(
            "activity",
            [a.id for a in db.activities_of(account_id, [o.id for o in opportunities], lead_ids)],
        )
        + _audit_lines("demand_line", [d.id for d in asked]),
    }


def export(account_id: int, path: Path, translator: Translator = ENGLISH) -> Path:
    """Write the customer's data to `path` as indented UTF-8 JSON, and log the export.
    ``translator``: the language the customer reads (see `collect`)."""
    access.require(Right.EXPORT_DATA)
    with transaction():
        data = collect(account_id, translator)
        m.write_audit("account", account_id, "export", {"file": (None, path.name)})
    paths.write_private(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode())
    return path


def suggested_file_name(account_id: int) -> str:
    return f"customer-{account_id}-{date.today().isoformat()}.json"


@dataclass(frozen=True, slots=True)
class AnonymiseResult:
    account_id: int
    contacts: int
    leads: int
    opportunities: int
    activities: int
    quotes: int = 0
    # Signed contracts are kept as issued: the dealer must keep them by law.
    contracts_kept: int = 0


def _scrubber(words: set[str], removed: str):  # type: ignore[no-untyped-def]
    """Replaces the customer's names, e-mails and phone numbers inside free text by
    `removed`."""
    terms = sorted({w.strip() for w in words if len(w.strip()) >= 3}, key=len, reverse=True)
    if not terms:
        return lambda text: text
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    # "Maria Rossi" is two names removed, but one thing to the reader.
    runs = re.compile(re.escape(removed) + r"(?:[\s,]+" + re.escape(removed) + ")+")
    return lambda text: runs.sub(removed, pattern.sub(removed, text)) if text else text


def _scrub_audit(entity: str, ids: list[int]) -> None:
    for entry in audit_entries(entity, ids, with_changes_only=True):
        changes = json.loads(entry.changes)
        for name in list(changes):
            if name in PERSONAL_FIELDS:
                changes[name] = [REMOVED if v not in (None, "") else v for v in changes[name]]
        set_audit_changes(entry.id, json.dumps(changes, ensure_ascii=False, sort_keys=True))


def _rewrite_lead(lead: m.Lead, scrub: Any) -> None:
    """A lead without the person: a placeholder name, no contact details, notes scrubbed."""
    db.rewrite(
        m.Lead,
        lead.id,
        first_name="",
        last_name=_("Anonymised lead #{id}").format(id=lead.id),
        company_name="",
        email="",
        phone="",
        street="",
        postcode="",
        city="",
        email_key="",
        phone_key="",
        notes=scrub(lead.notes),
        source=scrub(lead.source),
    )


def _rewrite_activities(activities: list[m.Activity], scrub: Any, removed: str) -> None:
    for a in activities:
        db.rewrite(
            m.Activity,
            a.id,
            subject=scrub(a.subject) or removed,
            description=scrub(a.description),
        )


def anonymise(account_id: int) -> AnonymiseResult:
    """Replace the customer's personal data everywhere it is held: the customer, their
    contacts, their leads, the names in their sales' and activities' texts, and the old
    values in the audit log. Amounts, dates, stages and statuses stay. Refused while the
    customer has an open sale. The rows are rewritten in place (not saved through the
    models), so the audit log does not take the old values in on the way."""
    access.require(Right.PURGE)
    with transaction():
        account = m.Account.get_or_none(m.Account.id == account_id)
        if account is None:
            raise _gone(account_id)
        open_sales = db.count_open_opportunities(account_id)
        if open_sales:
            refusal = ngettext(
                "{name} has {n} open sale; close it before anonymising the customer.",
                "{name} has {n} open sales; close them before anonymising the customer.",
                open_sales,
            )
            raise ValidationError({"account": refusal.format(name=account.name, n=open_sales)})
        contacts = contacts_of(account_id)
        leads = db.matching_leads(account)
        words: set[str] = set()
        for row in [account, *contacts, *leads]:
            for name in ("email", "phone", "street"):
                words.add(getattr(row, name, "") or "")
            for name in ("first_name", "last_name", "company_name"):
                value = getattr(row, name, "") or ""
                # "Maria Rossi" and "Rossi" alike: each part of a name, as well as the whole.
                words.add(value)
                words.update(re.split(r"[\s,]+", value))
        words.add(account.name)
        removed = _(REMOVED)
        scrub = _scrubber(words, removed)

        # What stands in the records instead, in the language of the one who anonymises.
        company = account.kind == AccountKind.COMPANY.value
        if company:
            label = _("Anonymised company #{id}").format(id=account_id)
        else:
            label = _("Anonymised customer #{id}").format(id=account_id)
        db.rewrite(
            m.Account,
            account_id,
            name=label,
            first_name="",
            last_name="" if company else pgettext("a person's last name", "Anonymised"),
            company_name=label if company else "",
            email="",
            phone="",
            street="",
            postcode="",
            city="",
            email_key="",
            phone_key="",
            name_key="",  # matches no one in the duplicate check
            sort_name=matching.sort_key(label),
        )
        for contact in contacts:
            db.rewrite(
                m.Contact,
                contact.id,
                first_name="",
                last_name=_("Anonymised contact #{id}").format(id=contact.id),
                email="",
                phone="",
                job_title="",
            )
        for lead in leads:
            _rewrite_lead(lead, scrub)
        consent.end_for_anonymisation(account_id=account_id, scrub=scrub)
        for lead in leads:
            consent.end_for_anonymisation(lead_id=lead.id, scrub=scrub)
        sales = db.account_opportunities(account_id)
        for o in sales:
            db.rewrite(
                m.Opportunity,
                o.id,
                topic=scrub(o.topic) or removed,
                description=scrub(o.description),
                closing_note=scrub(o.closing_note),
                source=scrub(o.source),
            )
        lead_ids = [lead.id for lead in leads]
        sale_ids = [o.id for o in sales]
        activities = db.activities_of(account_id, sale_ids, lead_ids)
        _rewrite_activities(activities, scrub, removed)
        asked = db.demand_lines_of(sale_ids, lead_ids)
        for d in asked:
            db.rewrite(
                m.DemandLine,
                d.id,
                description=scrub(d.description),
                comment=scrub(d.comment),
            )
        quotes = db.quotes_of(sale_ids)
        for q in quotes:
            snapshot = json.loads(q.snapshot) if q.snapshot else None
            if snapshot is not None:
                # The issued quote stays a record of the offer, without the person in it.
                snapshot["customer"] = {
                    "name": label,
                    "address_lines": [],
                    "email": "",
                    "phone": "",
                    "contact_person": "",
                    "vat_number": snapshot["customer"].get("vat_number", "") if company else "",
                }
                snapshot["remarks"] = scrub(snapshot.get("remarks", ""))
            db.rewrite(
                m.Quote,
                q.id,
                remarks=scrub(q.remarks),
                snapshot=json.dumps(snapshot, ensure_ascii=False) if snapshot else None,
            )
        issued = [documents.reference(q.number, q.revision, "quote") for q in quotes if q.snapshot]
        contracts = db.count_order_forms(sale_ids)
        _scrub_audit("quote", [q.id for q in quotes])
        _scrub_audit("account", [account_id])
        _scrub_audit("contact", [c.id for c in contacts])
        _scrub_audit("lead", lead_ids)
        _scrub_audit("opportunity", sale_ids)
        _scrub_audit("activity", [a.id for a in activities])
        _scrub_audit("demand_line", [d.id for d in asked])
        m.write_audit(
            "account",
            account_id,
            "anonymise",
            {
                "personal data": (REMOVED, label),
                "contacts": (len(contacts), len(contacts)),
                "leads": (len(leads), len(leads)),
            },
        )
    for ref in issued:
        # Printed again from the anonymised snapshot when next opened.
        with contextlib.suppress(OSError):
            documents.archive_path(ref).unlink(missing_ok=True)
    return AnonymiseResult(
        account_id, len(contacts), len(leads), len(sales), len(activities), len(quotes), contracts
    )


# --- a lead that is not (yet) a customer ---------------------------------------------------


def _lead_gone(lead_id: int) -> NotFound:
    return NotFound(_("Lead #{id} no longer exists.").format(id=lead_id))


def collect_lead(lead_id: int, translator: Translator = ENGLISH) -> dict[str, Any]:
    """Everything held about one lead, as plain data (see `collect`)."""
    access.require(Right.EXPORT_DATA)
    lead = m.Lead.get_or_none(m.Lead.id == lead_id)
    if lead is None:
        raise _lead_gone(lead_id)
    return {
        "what": translator._("Everything Showroom holds about one lead"),
        "exported_at": _value(m.now()),
        "exported_by": _name_of(m.User, m.acting_user(), "full_name"),
        "program": f"Showroom {__version__}",
        "lead": _fields(lead),
        "marketing_consent": consent.export_rows(lead_id=lead_id),
        "primary_demand": [
            _fields(d, money_fields=True) for d in db.demand_lines_of([], [lead_id])
        ],
        "activities": [_activity(a) for a in db.lead_activities(lead_id)],
        "audit_log": _audit_lines("lead", [lead_id])
        + _audit_lines("demand_line", [d.id for d in db.demand_lines_of([], [lead_id])]),
    }


def export_lead(lead_id: int, path: Path, translator: Translator = ENGLISH) -> Path:
    """Write the lead's data to `path` as indented UTF-8 JSON, and log the export."""
    access.require(Right.EXPORT_DATA)
    with transaction():
        data = collect_lead(lead_id, translator)
        m.write_audit("lead", lead_id, "export", {"file": (None, path.name)})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def suggested_lead_file_name(lead_id: int) -> str:
    return f"lead-{lead_id}-{date.today().isoformat()}.json"


@dataclass(frozen=True, slots=True)
class LeadAnonymiseResult:
    lead_id: int
    activities: int


def _lead_words(lead: m.Lead) -> set[str]:
    words: set[str] = {getattr(lead, n) or "" for n in ("email", "phone", "street")}
    for name in ("first_name", "last_name", "company_name"):
        value = getattr(lead, name) or ""
        words.add(value)
        words.update(re.split(r"[\s,]+", value))
    return words


def anonymise_lead(lead_id: int) -> LeadAnonymiseResult:
    """Replace the lead's personal data where it is held: the lead, its activities' texts
    and the old values in the audit log; the vehicle interest, channel, status and dates
    stay. A lead converted into a customer is anonymised with that customer."""
    access.require(Right.PURGE)
    with transaction():
        lead = m.Lead.get_or_none(m.Lead.id == lead_id)
        if lead is None:
            raise _lead_gone(lead_id)
        if lead.converted_account_id is not None:
            raise ValidationError(
                {
                    "lead": _(
                        "This lead was converted into a customer: anonymise the customer, "
                        "which anonymises their leads with them."
                    )
                }
            )
        removed = _(REMOVED)
        scrub = _scrubber(_lead_words(lead), removed)
        _rewrite_lead(lead, scrub)
        consent.end_for_anonymisation(lead_id=lead_id, scrub=scrub)
        activities = db.lead_activities(lead_id)
        _rewrite_activities(activities, scrub, removed)
        _scrub_audit("lead", [lead_id])
        m.write_audit("lead", lead_id, "anonymise", {"personal data": (REMOVED, removed)})
    return LeadAnonymiseResult(lead_id, len(activities))
