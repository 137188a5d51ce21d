"""Retention: closed opportunities older than the retention period are purged with what
hangs off them (activities, stage and close-date changes, contacts' roles, quotes and their
archived PDFs), and so are the leads never converted that were last changed before it,
after a dry run that lists what would go. Opportunities with documents that must be kept
(a signed order form) are kept, and the plan says why."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date, datetime

from app.db import models as m
from app.db import retention as db
from app.db.connection import transaction
from app.db.retrying import retried
from app.db.settings import put_setting, setting_value
from app.domain.rights import Right
from app.domain.validation import ValidationError
from app.i18n import _, ngettext
from app.services import access, documents, wording
from app.services.workspace import check_settings_version, settings_version

SETTING_KEY = "retention_months"
# Ten years: the longest time commercial records are kept in the dealership's countries.
DEFAULT_MONTHS = 120
MIN_MONTHS, MAX_MONTHS = 12, 600


@dataclass(frozen=True, slots=True)
class PurgeCandidate:
    id: int
    topic: str
    account_name: str
    status: str
    closed_at: datetime
    activities: int
    history_rows: int  # stage and close-date changes, contact roles


@dataclass(frozen=True, slots=True)
class PurgeLead:
    """A lead never converted, last changed before the cutoff."""

    id: int
    name: str
    status: str
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class KeptOpportunity:
    id: int
    topic: str
    reason: str


@dataclass(frozen=True, slots=True)
class PurgePlan:
    """The dry run: what a purge would delete now, and what it keeps and why."""

    months: int
    cutoff: date
    candidates: list[PurgeCandidate] = field(default_factory=list)
    kept: list[KeptOpportunity] = field(default_factory=list)
    leads: list[PurgeLead] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [c.id for c in self.candidates]

    @property
    def lead_ids(self) -> list[int]:
        return [lead.id for lead in self.leads]

    @property
    def anything(self) -> bool:
        return bool(self.candidates or self.leads)

    @property
    def summary(self) -> str:
        """What a purge would delete, as the purge dialog's sentences name it: "12 closed
        opportunities closed before 2016-12-01, with 40 activities; 1 kept for their
        documents"."""
        count, acts = len(self.candidates), sum(c.activities for c in self.candidates)
        opportunities = ngettext(
            "{n} closed opportunity", "{n} closed opportunities", count
        ).format(n=count)
        activities = ngettext("{n} activity", "{n} activities", acts).format(n=acts)
        text = _("{opportunities} closed before {date}, with {activities}").format(
            opportunities=opportunities, date=wording.day(self.cutoff), activities=activities
        )
        if self.leads:
            n = len(self.leads)
            text = ngettext(
                "{summary}, and {n} lead never converted, last changed before {date}",
                "{summary}, and {n} leads never converted, last changed before {date}",
                n,
            ).format(summary=text, n=n, date=wording.day(self.cutoff))
        if self.kept:
            kept = len(self.kept)
            text = ngettext(
                "{summary}; {n} kept for their documents",
                "{summary}; {n} kept for their documents",
                kept,
            ).format(summary=text, n=kept)
        return text


@dataclass(frozen=True, slots=True)
class PurgeResult:
    opportunities: int
    activities: int
    kept: list[KeptOpportunity]
    leads: int = 0
    files: int = 0  # the purged quotes' archived PDFs removed from the documents folder


def retention_months() -> int:
    value = setting_value(SETTING_KEY)
    try:
        return int(value) if value is not None else DEFAULT_MONTHS
    except ValueError:
        return DEFAULT_MONTHS


def retention_version() -> int:
    """The version of the retention period as saved; set_retention_months expects it."""
    return settings_version((SETTING_KEY,))


@retried
def set_retention_months(months: int, expected_version: int | None = None) -> None:
    """Keep closed sales `months` months. With `expected_version` (what a form opened),
    a period changed elsewhere meanwhile is refused (ConflictError)."""
    access.require(Right.PURGE)
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        raise ValidationError(
            {
                "months": _("Keep closed sales between {least} and {most} months.").format(
                    least=MIN_MONTHS, most=MAX_MONTHS
                )
            }
        )
    with transaction():
        if expected_version is not None:
            check_settings_version((SETTING_KEY,), expected_version, _("The retention period"))
        put_setting(SETTING_KEY, str(months))


def cutoff_date(today: date, months: int) -> date:
    """`months` before `today` (the last day of the month when the day does not exist)."""
    total = today.year * 12 + today.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def plan(today: date | None = None) -> PurgePlan:
    """The dry run: what a purge would delete today."""
    access.require(Right.PURGE)
    months = retention_months()
    cutoff = cutoff_date(today or date.today(), months)
    rows = db.closed_before(cutoff)
    ids = [r.id for r in rows]
    keep = db.kept_for_documents(ids)
    activities = db.count_by_opportunity(m.Activity, ids)
    history: dict[int, int] = {}
    for model in (m.StageChange, m.CloseDateChange, m.OpportunityContact):
        for key, count in db.count_by_opportunity(model, ids).items():
            history[key] = history.get(key, 0) + count
    candidates = [
        PurgeCandidate(
            r.id,
            r.topic,
            r.account.name,
            r.status,
            r.closed_at or r.updated_at,
            activities.get(r.id, 0),
            history.get(r.id, 0),
        )
        for r in rows
        if r.id not in keep
    ]
    reason = _("has a signed order form, which is kept")
    kept = [KeptOpportunity(r.id, r.topic, reason) for r in rows if r.id in keep]
    leads = [
        PurgeLead(
            lead.id,
            " ".join(p for p in (lead.first_name, lead.last_name) if p) or lead.company_name,
            lead.status,
            lead.updated_at,
        )
        for lead in db.leads_unconverted_before(cutoff)
    ]
    return PurgePlan(months, cutoff, candidates, kept, leads)


def purge(dry_run: PurgePlan, today: date | None = None) -> PurgeResult:
    """Delete what the dry run listed, and only what is still due: an opportunity reopened
    or given an order form, or a lead changed or converted, since the dry run stays. All
    of it in one transaction; then the purged quotes' archived PDFs are removed."""
    access.require(Right.PURGE)
    with transaction():
        now_due = plan(today)
        due = {c.id: c for c in now_due.candidates}
        ids = [i for i in dry_run.ids if i in due]
        files = [
            documents.archive_path(documents.reference(number, revision, "quote"))
            for number, revision in db.issued_quotes(ids)
        ]
        activities = db.delete_opportunities(ids)
        leads_due = {lead.id: lead for lead in now_due.leads}
        lead_ids = [i for i in dry_run.lead_ids if i in leads_due]
        activities += db.delete_leads(lead_ids)
        for lead_id in lead_ids:
            lead = leads_due[lead_id]
            m.write_audit(
                "lead",
                lead_id,
                "purge",
                {
                    "status": (lead.status, None),
                    "updated_at": (lead.changed_at, None),
                    "retention_months": (now_due.months, None),
                },
            )
        for opportunity_id in ids:
            candidate = due[opportunity_id]
            m.write_audit(
                "opportunity",
                opportunity_id,
                "purge",
                {
                    "status": (candidate.status, None),
                    "closed_at": (candidate.closed_at, None),
                    "retention_months": (now_due.months, None),
                },
            )
    removed = 0
    for path in files:
        # After the commit: a purge that failed keeps its documents. A file that cannot be
        # removed now (held open by a viewer) is left; nothing in the database names it.
        for leftover in (path, path.with_name(path.name + ".part")):
            with contextlib.suppress(OSError):
                if leftover.exists():
                    leftover.unlink()
                    removed += leftover == path
    return PurgeResult(len(ids), activities, now_due.kept, len(lead_ids), removed)
