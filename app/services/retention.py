"""Retention: closed opportunities older than the retention period are purged with what
hangs off them (activities, stage and close-date changes, contacts' roles, and quotes once
they exist), after a dry run that lists what would go. Opportunities with documents that
must be kept (a signed order form) are kept, and the plan says why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from app.db import models as m
from app.db import retention as db
from app.db.connection import transaction
from app.db.settings import put_setting, setting_value
from app.domain.choices import UserRole
from app.domain.validation import ValidationError
from app.i18n import _, ngettext
from app.services.stage_setup import NotAllowed
from app.services.workspace import check_settings_version, settings_version

SETTING_KEY = "retention_months"
# Ten years: the longest time commercial records are kept in the dealership's countries.
DEFAULT_MONTHS = 120
MIN_MONTHS, MAX_MONTHS = 12, 600
_MANAGERS = {UserRole.SALES_MANAGER.value, UserRole.ADMINISTRATOR.value}


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

    @property
    def ids(self) -> list[int]:
        return [c.id for c in self.candidates]

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
            opportunities=opportunities, date=self.cutoff.isoformat(), activities=activities
        )
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


def retention_months() -> int:
    value = setting_value(SETTING_KEY)
    try:
        return int(value) if value is not None else DEFAULT_MONTHS
    except ValueError:
        return DEFAULT_MONTHS


def retention_version() -> int:
    """The version of the retention period as saved; set_retention_months expects it."""
    return settings_version((SETTING_KEY,))


def set_retention_months(months: int, expected_version: int | None = None) -> None:
    """Keep closed sales `months` months. With `expected_version` (what a form opened),
    a period changed elsewhere meanwhile is refused (ConflictError)."""
    _require_manager()
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


def _require_manager() -> None:
    user = m.User.get_or_none(m.User.id == m.acting_user())
    if user is None or user.role not in _MANAGERS:
        raise NotAllowed(_("Only a sales manager or an administrator can purge or set retention."))


def plan(today: date | None = None) -> PurgePlan:
    """The dry run: what a purge would delete today."""
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
    return PurgePlan(months, cutoff, candidates, kept)


def purge(dry_run: PurgePlan, today: date | None = None) -> PurgeResult:
    """Delete what the dry run listed, and only what is still due: an opportunity reopened
    or given an order form since the dry run stays. All of it in one transaction."""
    _require_manager()
    with transaction():
        now_due = plan(today)
        due = {c.id: c for c in now_due.candidates}
        ids = [i for i in dry_run.ids if i in due]
        activities = db.delete_opportunities(ids)
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
    return PurgeResult(len(ids), activities, now_due.kept)
