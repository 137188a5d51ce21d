"""What the opportunity form shows and edits: the record, its choices, and the answer
opportunities.open_form and opportunities.save give, built from rows already read."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal

from app.db import models as m
from app.db import opportunity_queries as oq
from app.db import teams as team_queries
from app.db.reservations import Reservation
from app.domain import dates, money
from app.domain.choices import LeadStatus, Status
from app.domain.process import StageVisit
from app.domain.quotes import quote_label
from app.domain.stages import StageInfo, first_stage, next_stages, stage_choices
from app.i18n import _
from app.services import reference, wording
from app.services.accounts import OpportunityContactInfo
from app.services.catalogue import VehicleChoice, choice_of, reserved_label
from app.services.process import StageOverview
from app.services.record_rights import SaleAccess
from app.services.reference import CodeChoice, Option, code_lists
from app.services.timeline import (
    TimelineEntry,
    activity_title,
    close_date_entry,
    document_timeline,
    newest_first,
    stage_entries,
)


@dataclass
class OpportunityInput:
    """Everything the form edits. Amounts are Decimal in the opportunity's currency."""

    topic: str = ""
    account_id: int | None = None
    primary_contact_id: int | None = None
    est_close_date: date | None = None
    est_revenue: Decimal = Decimal(0)
    est_revenue_accessories: Decimal = Decimal(0)
    est_trade_in: Decimal = Decimal(0)
    currency: str = money.DEFAULT_CURRENCY
    owner_id: int | None = None
    kind_id: int | None = None
    stage_id: int | None = None
    probability: int | None = None  # None: the stage's default
    channel: str = ""
    source: str = ""
    description: str = ""
    interest: str = ""
    condition: str = ""
    brand: str = ""
    vehicle_class: str = ""
    model: str = ""
    model_code: str = ""
    variant: str = ""
    vehicle_id: int | None = None
    scheduled_delivery: date | None = None
    business_id: int | None = None
    facility_id: int | None = None
    operation_id: int | None = None
    lead_id: int | None = None  # the lead it was converted from
    team_id: int | None = None  # the team that holds it (untaken while it has no owner)


@dataclass
class OpportunityDetail(OpportunityInput):
    id: int = 0
    version: int = 1
    status: str = Status.OPEN.value
    account_name: str = ""
    vehicle_label: str = ""
    stage_name: str = ""
    revenue_from: str = ""  # the quote the est. revenue follows ("Q-00012 rev. 2"), or ""
    # How it closed: shown on the closed form, kept until it is reopened.
    closed_at: datetime | None = None
    lost_reason: str = ""
    competitor: str = ""
    closing_note: str = ""

    @property
    def closing_summary(self) -> str:
        """'Closed as lost on 03 Nov 2026: Price (competitor: BMW Meier). Note: …', or ''."""
        if self.status == Status.OPEN.value:
            return ""
        text = _closed_sentence(
            self.status == Status.WON.value,
            wording.day(self.closed_at) if self.closed_at else "",
            reference.reason_label("lost", self.lost_reason),
            self.competitor,
        )
        if self.closing_note:
            text += " " + _("Note: {note}").format(note=self.closing_note)
        return text

    created_at: str = ""
    updated_at: str = ""
    warnings: dict[str, str] = field(default_factory=dict)


def _closed_sentence(won: bool, on: str, reason: str, competitor: str) -> str:
    """How the sale ended, as one sentence for each case a translator needs."""
    if won:
        return (_("Closed as won on {date}.") if on else _("Closed as won.")).format(date=on)
    if reason and competitor:
        reason = _("{reason} (competitor: {competitor})").format(
            reason=reason, competitor=competitor
        )
    if reason:
        text = _("Closed as lost on {date}: {reason}.") if on else _("Closed as lost: {reason}.")
    elif competitor:
        text = (
            _("Closed as lost on {date} (competitor: {competitor}).")
            if on
            else _("Closed as lost (competitor: {competitor}).")
        )
    else:
        text = _("Closed as lost on {date}.") if on else _("Closed as lost.")
    return text.format(date=on, reason=reason, competitor=competitor)


@dataclass
class FormChoices:
    """The pickers of the form that do not depend on the record, read when it opens."""

    active_users: list[Option]
    all_users: list[Option]
    kinds: list[Option]
    kind_stages: dict[int, list[StageInfo]]
    fixed_sequences: dict[int, bool]
    businesses: list[Option]
    facilities: dict[int, list[Option]]  # by business
    operations: dict[int, list[Option]]  # by facility
    # The catalogue pickers' offers for the record's branding, and the values they fit.
    catalogue: dict[str, list[str]]
    catalogue_for: dict[str, str]
    teams: list[Option] = field(default_factory=list)  # the active teams, by name
    # The channels and payment interests, every entry (a retired one shows on its record).
    codes: dict[str, list[CodeChoice]] = field(default_factory=dict)

    def owners(self, owner_id: int | None) -> list[Option]:
        """The active users; every user when the owner is no longer active."""
        if owner_id is not None and all(u.id != owner_id for u in self.active_users):
            return self.all_users
        return self.active_users

    def stages(self, kind_id: int | None) -> list[StageInfo]:
        return self.kind_stages.get(kind_id, []) if kind_id is not None else []

    def fixed_sequence(self, kind_id: int | None) -> bool:
        return kind_id is not None and self.fixed_sequences.get(kind_id, False)


@dataclass
class OpportunityForm:
    """What the opportunity form shows: the record with its choices. A save answers with the
    saved record the same way, its `choices` None (those do not change with the record:
    the form keeps the ones it opened with)."""

    record: OpportunityDetail
    stages: list[StageInfo]  # the stages of its kind
    fixed_sequence: bool
    stages_offered: list[StageInfo]  # what its stage picker offers
    probability: int  # what the probability field shows
    contacts: list[Option]  # the people at the customer
    further_contacts: list[OpportunityContactInfo]  # the contacts tab: primary first
    vehicle: VehicleChoice | None
    overview: StageOverview | None  # the stage bar; None before the first save
    # The history tab: its stages and est. close dates, oldest first. A save's answer
    # has None, with `history_changed` saying whether the save added to it.
    visits: list[StageVisit] | None
    close_dates: list[CloseDateChange] | None
    timeline: list[TimelineEntry] | None  # the timeline tab, newest first
    choices: FormChoices | None
    is_new: bool = False
    history_changed: bool = False
    # The phones and e-mails at the top of the form; None in a save's answer (kept).
    reach: list[ReachLine] | None = None
    # What the signed-in user may do with it (edit, take, reassign) and its further
    # salespeople: None in a save's answer and for a new one.
    access: SaleAccess | None = None
    salespeople: list[int] | None = None


@dataclass(frozen=True)
class ReachLine:
    """A way to reach the customer, as the top of the form shows it: whose number or
    address it is (the customer's, or the primary contact's name), the phone and e-mail."""

    who: str
    phone: str
    email: str
    primary_contact: bool = False


def reach_lines(
    account_name: str, phone: str, email: str, primary: oq.ContactRow | None
) -> list[ReachLine]:
    """The customer's phone and e-mail, then the primary contact's (when they differ)."""
    lines = []
    if phone.strip() or email.strip():
        lines.append(ReachLine(account_name, phone.strip(), email.strip()))
    if primary is not None and (primary.phone.strip() or primary.email.strip()):
        own = (primary.phone.strip(), primary.email.strip())
        if not lines or own != (lines[0].phone, lines[0].email):
            name = f"{primary.first_name} {primary.last_name}".strip()
            lines.append(ReachLine(name, own[0], own[1], True))
    return lines


PLAIN_FIELDS = (
    "topic",
    "channel",
    "source",
    "description",
    "interest",
    "condition",
    "brand",
    "vehicle_class",
    "model",
    "model_code",
    "variant",
    "currency",
    "scheduled_delivery",
    "est_close_date",
)


def record_detail(
    row: m.Opportunity,
    account_name: str,
    revenue_quote: tuple[str, int] | None,
    stage_name: str | None = None,
    vehicle: oq.VehicleRow | None = None,
) -> OpportunityDetail:
    cur = row.currency
    plain = {
        f.name: getattr(row, f.name) for f in fields(OpportunityInput) if f.name in PLAIN_FIELDS
    }
    return OpportunityDetail(
        **plain,
        account_id=row.account_id,
        primary_contact_id=row.primary_contact_id,
        owner_id=row.owner_id,
        team_id=row.team_id,
        kind_id=row.kind_id,
        stage_id=row.stage_id,
        vehicle_id=row.vehicle_id,
        business_id=row.business_id,
        facility_id=row.facility_id,
        operation_id=row.operation_id,
        lead_id=row.lead_id,
        probability=row.probability if row.probability_by_hand else None,
        est_revenue=money.from_minor(row.est_revenue_minor, cur),
        est_revenue_accessories=money.from_minor(row.est_revenue_accessories_minor, cur),
        est_trade_in=money.from_minor(row.est_trade_in_minor, cur),
        id=row.id,
        version=row.version,
        status=row.status,
        account_name=account_name,
        vehicle_label=vehicle.label if vehicle is not None and row.vehicle_id else "",
        stage_name=stage_name or "",
        revenue_from=quote_label(*revenue_quote) if revenue_quote is not None else "",
        closed_at=row.closed_at,
        lost_reason=row.lost_reason,
        competitor=row.competitor,
        closing_note=row.closing_note,
        created_at=row.created_at.isoformat(sep=" "),
        updated_at=row.updated_at.isoformat(sep=" "),
    )


def vehicle_choice(row: oq.VehicleRow | None, holder: Reservation | None) -> VehicleChoice | None:
    """The vehicle as the form's picker shows it (catalogue.vehicle)."""
    if row is None:
        return None
    return choice_of(row, True, reserved_label(holder) if holder is not None else "")


def contact_label(first: str, last: str, title: str) -> str:
    name = f"{first} {last}".strip()
    return f"{name} ({title})" if title else name


def build_form(
    detail: OpportunityDetail,
    kind: oq.KindRow | None,
    people: list[oq.ContactRow],
    further: list[oq.ContactRow],
    vehicle: VehicleChoice | None,
    entered: datetime | None,
    history: Histories | None,
    choices: FormChoices | None,
    now: datetime | None = None,
) -> OpportunityForm:
    """The form's answer, from what was read: no further statement."""
    now = now or datetime.now()
    stages = [s.info for s in kind.stages] if kind else []
    fixed = kind is not None and kind.fixed_sequence
    current = next((s for s in stages if s.id == detail.stage_id), None)
    from_lead = detail.lead_id is not None
    is_new = detail.id == 0
    offered = stage_choices(stages, current, fixed, from_lead, is_new)
    if detail.probability is not None:
        probability = detail.probability
    else:
        probability = current.default_probability if current is not None else 0
    contacts = [
        Option(c.id, contact_label(c.first_name, c.last_name, c.job_title))
        for c in people
        if c.account_id == detail.account_id
    ]
    listed: list[OpportunityContactInfo] = []
    if detail.primary_contact_id is not None:
        primary = next((c for c in people if c.id == detail.primary_contact_id), None)
        if primary is not None:
            label = contact_label(primary.first_name, primary.last_name, primary.job_title)
            listed.append(OpportunityContactInfo(primary.id, label, "", True))
    for c in further:
        label = contact_label(c.first_name, c.last_name, c.job_title)
        listed.append(OpportunityContactInfo(c.id, label, c.role, False))
    overview = None
    if not is_new:
        is_open = detail.status == Status.OPEN.value
        allowed = next_stages(stages, current, fixed, from_lead) if is_open else []
        days_allowed = next(
            (s.days_allowed for s in (kind.stages if kind else []) if s.info.id == detail.stage_id),
            None,
        )
        overview = StageOverview(
            stages=[s for s in stages if not s.is_closed],
            current_id=detail.stage_id,
            status=detail.status,
            allowed_ids=frozenset(s.id for s in allowed),
            days_in_stage=((now - entered).total_seconds() / 86_400) if entered else 0.0,
            days_allowed=days_allowed,
        )
    return OpportunityForm(
        record=detail,
        stages=stages,
        fixed_sequence=fixed,
        stages_offered=offered,
        probability=probability,
        contacts=contacts,
        further_contacts=listed,
        vehicle=vehicle,
        overview=overview,
        visits=history.visits if history is not None else None,
        close_dates=history.close_dates if history is not None else None,
        timeline=history.timeline if history is not None else None,
        choices=choices,
        is_new=is_new,
    )


def form_choices(kinds: list[oq.KindRow], branding: OpportunityInput) -> FormChoices:
    users = oq.users()
    facilities: dict[int, list[Option]] = {}
    operations: dict[int, list[Option]] = {}
    businesses: dict[int, Option] = {}
    seen_facilities: set[int] = set()
    seen_operations: set[int] = set()
    # Deactivated sites are not offered, but for the sale's own assignment.
    for site in oq.sites(branding.business_id, branding.facility_id, branding.operation_id):
        businesses.setdefault(site.business_id, Option(site.business_id, site.business))
        under = facilities.setdefault(site.business_id, [])
        if site.facility_id is not None:
            if site.facility_id not in seen_facilities:
                seen_facilities.add(site.facility_id)
                under.append(Option(site.facility_id, site.facility))
            ops = operations.setdefault(site.facility_id, [])
            if site.operation_id is not None and site.operation_id not in seen_operations:
                seen_operations.add(site.operation_id)
                ops.append(Option(site.operation_id, site.operation))

    def by_label(options: list[Option]) -> list[Option]:
        return sorted(options, key=lambda o: o.label)

    values = {level: getattr(branding, level) for level in oq.CATALOGUE_LEVELS}
    return FormChoices(
        active_users=[Option(u.id, u.full_name) for u in users if u.active],
        all_users=[Option(u.id, u.full_name) for u in users],
        kinds=[Option(k.id, k.name) for k in kinds],
        kind_stages={k.id: [s.info for s in k.stages] for k in kinds},
        fixed_sequences={k.id: k.fixed_sequence for k in kinds},
        businesses=by_label(list(businesses.values())),
        facilities={b: by_label(f) for b, f in facilities.items()},
        operations={f: by_label(o) for f, o in operations.items()},
        catalogue=oq.catalogue_offers(values),
        catalogue_for=values,
        teams=[Option(i, n) for i, n in team_queries.team_names()],
        codes=code_lists("channel", "interest"),
    )


def blank_record(
    kinds: list[oq.KindRow], owner_id: int | None, currency: str, today: date
) -> OpportunityDetail:
    """A new opportunity as `new_input` makes it, from the kinds already read."""
    standard = [k for k in kinds if k.fixed_sequence] or kinds
    kind = standard[0] if standard else None
    start = first_stage([s.info for s in kind.stages]) if kind else None
    return OpportunityDetail(
        est_close_date=dates.default_close_date(today),
        owner_id=owner_id,
        kind_id=kind.id if kind else None,
        stage_id=start.id if start else None,
        currency=currency,
        id=0,
        version=0,
    )


@dataclass
class Histories:
    """What the history and timeline tabs show."""

    visits: list[StageVisit]
    close_dates: list[CloseDateChange]
    timeline: list[TimelineEntry]


def histories(opportunity_id: int, status: str) -> Histories:
    """The stages the opportunity was in (as process.history gives them), its est. close
    dates, oldest first, and its timeline (as activities.timeline gives it): one statement."""
    told = oq.history(opportunity_id)
    moves = told.moves
    visits = [
        StageVisit(
            move.stage or _("(no stage)"),
            move.at,
            moves[index + 1].at if index + 1 < len(moves) else None,
            move.by,
            move.automatic,
            move.reason,
        )
        for index, move in enumerate(moves)
    ]
    dates = [CloseDateChange(c.at, c.old_date, c.new_date, c.by) for c in told.close_dates]
    entries = timeline_entries(told.activities, visits, dates, status)
    return Histories(visits, dates, newest_first(entries + document_timeline(opportunity_id)))


def timeline_entries(
    rows: list[oq.ActivityRow],
    visits: list[StageVisit],
    dates: list[CloseDateChange],
    status: str,
) -> list[TimelineEntry]:
    """Activities, stage moves and close-date changes, newest first, worded as
    activities.timeline words them."""
    entries = [
        TimelineEntry(
            a.starts_at,
            a.kind,
            activity_title(a.kind, a.subject, a.note_reason, a.direction),
            a.description,
            a.owner,
            a.id,
            a.done,
            "",
            status != Status.OPEN.value or a.lead_status == LeadStatus.CONVERTED.value,
        )
        for a in rows
    ]
    entries.extend(stage_entries(visits))
    for change in reversed(dates):
        entries.append(
            close_date_entry(change.changed_at, change.old_date, change.new_date, change.by)
        )
    return newest_first(entries)


@dataclass(frozen=True, slots=True)
class CloseDateChange:
    """One change of the est. close date: from what (None when first set), to what, by whom."""

    changed_at: datetime
    old_date: date | None
    new_date: date
    by: str
