"""The queries of the opportunity form and its service: the record with what its form shows,
the pickers, and what a save checks, each read in as few statements as it takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import JOIN, SQL, Case, fn

from app.db import models as m
from app.db.reservations import HOLDING_STATUSES, Reservation
from app.domain.choices import ProcessKind
from app.domain.quotes import OPEN_QUOTE_STATUSES, QuoteStatus
from app.domain.stages import StageInfo
from app.domain.standard_names import display_name

# The catalogue's levels, from the brand down to the variant.
CATALOGUE_LEVELS = ("brand", "vehicle_class", "model", "model_code", "variant")
_REVENUE_STATUSES = sorted({QuoteStatus.ACCEPTED.value, *(s.value for s in OPEN_QUOTE_STATUSES)})


@dataclass(frozen=True, slots=True)
class StageRow:
    info: StageInfo
    days_allowed: int | None


@dataclass
class KindRow:
    """A kind of opportunity with its stages in order."""

    id: int
    name: str
    fixed_sequence: bool  # the standard process: no skipping a stage
    stages: list[StageRow]


@dataclass(frozen=True, slots=True)
class VehicleRow:
    id: int
    vin: str
    stock_number: str
    condition: str
    brand: str
    vehicle_class: str
    model: str
    model_code: str
    variant: str
    colour: str
    list_price_minor: int
    currency: str

    @property
    def label(self) -> str:
        """As the lists and the audit name a vehicle (reservations.vehicle_label)."""
        parts = [self.brand, self.model, self.variant]
        return f"{' '.join(p for p in parts if p)} · {self.vin} · stock {self.stock_number}"


@dataclass
class OpportunityRecord:
    """An opportunity as stored, with what its form shows beside its own fields."""

    row: m.Opportunity
    account_name: str
    stage_name: str
    vehicle: VehicleRow | None
    holder: Reservation | None  # another sale holding its vehicle
    revenue_quote: tuple[str, int] | None  # (number, revision) of the quote it follows
    account_phone: str = ""
    account_email: str = ""


@dataclass(frozen=True, slots=True)
class ContactRow:
    id: int
    account_id: int
    first_name: str
    last_name: str
    job_title: str
    linked: bool  # one of the opportunity's further contacts
    role: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    full_name: str
    active: bool


@dataclass(frozen=True, slots=True)
class SiteRow:
    """One business, with one of its facilities and one of the facility's operations."""

    business_id: int
    business: str
    facility_id: int | None
    facility: str
    operation_id: int | None
    operation: str


_VEHICLE_COLUMNS = (
    "vehicle_id",
    "vin",
    "stock_number",
    "condition",
    "brand",
    "vehicle_class",
    "model",
    "model_code",
    "variant",
    "colour",
    "list_price_minor",
    "currency",
)


def vehicle_row(values: Any) -> VehicleRow:
    """A VehicleRow from its columns in the order of _VEHICLE_COLUMNS."""
    (vid, vin, stock, condition, brand, vclass, model, code, variant, colour, price, cur) = values
    return VehicleRow(
        vid,
        vin,
        stock,
        condition,
        brand,
        vclass or "",
        model,
        code or "",
        variant or "",
        colour or "",
        price or 0,
        cur,
    )


def as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def revenue_quote_column(opportunity: Any, column: Any) -> Any:
    """The quote the est. revenue follows: the accepted one, else the latest open one."""
    return (
        m.Quote.select(column)
        .where((m.Quote.opportunity == opportunity) & m.Quote.status.in_(_REVENUE_STATUSES))
        .order_by(
            Case(None, [(m.Quote.status == QuoteStatus.ACCEPTED.value, 0)], 1),
            m.Quote.created_at.desc(),
            m.Quote.id.desc(),
        )
        .limit(1)
    )


def form_record(opportunity_id: int) -> OpportunityRecord | None:
    """The opportunity with its customer's name, stage, vehicle, the sale that holds that
    vehicle and the quote its revenue follows: one statement."""
    holder = m.Opportunity.alias("holder")
    holder_owner = m.User.alias("holder_owner")
    query = (
        m.Opportunity.select(
            m.Opportunity,
            m.Account.name.alias("x_account_name"),
            m.Account.phone.alias("x_account_phone"),
            m.Account.email.alias("x_account_email"),
            m.Stage.name.alias("x_stage_name"),
            m.Stage.key.alias("x_stage_key"),
            m.Vehicle.id.alias("x_vehicle_id"),
            m.Vehicle.vin.alias("x_vin"),
            m.Vehicle.stock_number.alias("x_stock_number"),
            m.Vehicle.condition.alias("x_condition"),
            m.Vehicle.brand.alias("x_brand"),
            m.Vehicle.vehicle_class.alias("x_vehicle_class"),
            m.Vehicle.model.alias("x_model"),
            m.Vehicle.model_code.alias("x_model_code"),
            m.Vehicle.variant.alias("x_variant"),
            m.Vehicle.colour.alias("x_colour"),
            m.Vehicle.list_price_minor.alias("x_list_price_minor"),
            m.Vehicle.currency.alias("x_currency"),
            holder.id.alias("x_holder_id"),
            holder.topic.alias("x_holder_topic"),
            holder.status.alias("x_holder_status"),
            holder_owner.full_name.alias("x_holder_owner"),
            revenue_quote_column(m.Opportunity.id, m.Quote.number).alias("x_quote_number"),
            revenue_quote_column(m.Opportunity.id, m.Quote.revision).alias("x_quote_revision"),
        )
        .join(m.Account, JOIN.LEFT_OUTER, on=(m.Opportunity.account == m.Account.id))
        .switch(m.Opportunity)
        .join(m.Stage, JOIN.LEFT_OUTER, on=(m.Opportunity.stage == m.Stage.id))
        .switch(m.Opportunity)
        .join(m.Vehicle, JOIN.LEFT_OUTER, on=(m.Opportunity.vehicle == m.Vehicle.id))
        .switch(m.Opportunity)
        .join(
            holder,
            JOIN.LEFT_OUTER,
            on=(
                (holder.vehicle == m.Opportunity.vehicle)
                & (holder.id != m.Opportunity.id)
                & holder.status.in_(HOLDING_STATUSES)
            ),
        )
        .join(holder_owner, JOIN.LEFT_OUTER, on=(holder.owner == holder_owner.id))
        .where(m.Opportunity.id == opportunity_id)
        .order_by(SQL("x_holder_status").desc())  # "won" before "open"
        .objects()
    )
    rows = list(query)
    if not rows:
        return None
    row = rows[0]
    extra = row.__dict__
    vehicle = None
    if extra.get("x_vehicle_id") is not None:
        vehicle = vehicle_row([extra[f"x_{name}"] for name in _VEHICLE_COLUMNS])
    holder_row = None
    if extra.get("x_holder_id") is not None:
        holder_row = Reservation(
            extra["x_holder_id"],
            extra["x_holder_topic"],
            extra["x_holder_owner"] or "",
            extra["x_holder_status"],
        )
    number = extra.get("x_quote_number")
    return OpportunityRecord(
        row=row,
        account_name=extra.get("x_account_name") or "",
        stage_name=display_name(extra.get("x_stage_key"), extra.get("x_stage_name") or ""),
        vehicle=vehicle,
        holder=holder_row,
        revenue_quote=(number, int(extra["x_quote_revision"])) if number is not None else None,
        account_phone=extra.get("x_account_phone") or "",
        account_email=extra.get("x_account_email") or "",
    )


def _kind_rows(where: Any = None) -> list[KindRow]:
    """Kinds of opportunity with their stages in order (those `where` picks): one statement."""
    query = m.OpportunityKind.select(
        m.OpportunityKind.id,
        m.OpportunityKind.name,
        m.OpportunityKind.key,
        m.OpportunityKind.process,
        m.Stage.id,
        m.Stage.name,
        m.Stage.key,
        m.Stage.sequence,
        m.Stage.default_probability,
        m.Stage.is_won,
        m.Stage.is_lost,
        m.Stage.only_from_lead,
        m.Stage.days_allowed,
    ).join(m.Stage, JOIN.LEFT_OUTER, on=(m.Stage.kind == m.OpportunityKind.id))
    if where is not None:
        query = query.where(where)
    found: dict[int, KindRow] = {}
    for (
        kind_id,
        name,
        key,
        process,
        sid,
        sname,
        skey,
        seq,
        prob,
        won,
        lost,
        lead_only,
        days,
    ) in query.order_by(m.OpportunityKind.id, m.Stage.sequence).tuples():
        kind = found.setdefault(
            kind_id,
            KindRow(kind_id, display_name(key, name), process == ProcessKind.STANDARD.value, []),
        )
        if sid is not None:
            info = StageInfo(sid, sname, seq, prob, bool(won), bool(lost), bool(lead_only), skey)
            kind.stages.append(StageRow(info, days))
    return list(found.values())


def kinds() -> list[KindRow]:
    """Every kind of opportunity, with its stages in order: one statement."""
    return _kind_rows()


def kind(kind_id: int) -> KindRow | None:
    """One kind with its stages: one statement."""
    found = _kind_rows(m.OpportunityKind.id == kind_id)
    return found[0] if found else None


def default_kind_id() -> int:
    """The first kind following the standard process, else the first kind."""
    query = m.OpportunityKind.select(m.OpportunityKind.id).order_by(
        Case(None, [(m.OpportunityKind.process == ProcessKind.STANDARD.value, 0)], 1),
        m.OpportunityKind.id,
    )
    return int(query.scalar())


def setting(key: str) -> str | None:
    row = m.Setting.get_or_none(m.Setting.key == key)
    return row.value if row else None


def users() -> list[UserRow]:
    """Every user, by name: one statement."""
    query = m.User.select(m.User.id, m.User.full_name, m.User.active).order_by(m.User.full_name)
    return [UserRow(i, n, bool(a)) for i, n, a in query.tuples()]


def contacts(account_id: int | None, opportunity_id: int | None) -> list[ContactRow]:
    """The people at the customer and the opportunity's further contacts, with their roles,
    by last name: one statement."""
    link = m.OpportunityContact.alias("link")
    condition = m.Contact.account == account_id if account_id is not None else SQL("0")
    if opportunity_id is not None:
        linked_ids = m.OpportunityContact.select(m.OpportunityContact.contact).where(
            m.OpportunityContact.opportunity == opportunity_id
        )
        condition = condition | m.Contact.id.in_(linked_ids)
    query = (
        m.Contact.select(
            m.Contact.id,
            m.Contact.account,
            m.Contact.first_name,
            m.Contact.last_name,
            m.Contact.job_title,
            link.id,
            link.role,
            m.Contact.phone,
            m.Contact.email,
        )
        .join(
            link,
            JOIN.LEFT_OUTER,
            on=(
                (link.contact == m.Contact.id)
                & (link.opportunity == (opportunity_id if opportunity_id is not None else 0))
            ),
        )
        .where(condition)
        .order_by(m.Contact.last_name, m.Contact.first_name)
        .tuples()
    )
    return [
        ContactRow(
            cid, aid, first, last, title, link_id is not None, role or "", phone or "", mail or ""
        )
        for cid, aid, first, last, title, link_id, role, phone, mail in query
    ]


def sites(
    business_id: int | None = None, facility_id: int | None = None, operation_id: int | None = None
) -> list[SiteRow]:
    """Every active business with its active facilities and their active operations (the
    ids given are kept though deactivated: a sale's own assignment stays shown): one
    statement."""
    business = m.Business.active | (m.Business.id == business_id)
    facility = m.Facility.active | (m.Facility.id == facility_id)
    operation = m.Operation.active | (m.Operation.id == operation_id)
    query = (
        m.Business.select(
            m.Business.id,
            m.Business.name,
            m.Facility.id,
            m.Facility.name,
            m.Operation.id,
            m.Operation.name,
        )
        .join(
            m.Facility,
            JOIN.LEFT_OUTER,
            on=((m.Facility.business == m.Business.id) & facility),
        )
        .join(
            m.Operation,
            JOIN.LEFT_OUTER,
            on=((m.Operation.facility == m.Facility.id) & operation),
        )
        .where(business)
        .tuples()
    )
    return [SiteRow(b, bn, f, fn_ or "", o, on or "") for b, bn, f, fn_, o, on in query]


def _same_text(column: Any, value: str) -> Any:
    """Equal but for case, as the catalogue's pickers match (catalogue.choices)."""
    spellings = {value, value.lower(), value.upper(), value.title(), value.capitalize()}
    return column.in_(sorted(spellings)) | (fn.lower(column) == value.lower())


def catalogue_offers(values: dict[str, str]) -> dict[str, list[str]]:
    """For each catalogue level, what fits the values above it, as catalogue.choices gives
    it level by level: one statement."""
    parts = []
    for position, level in enumerate(CATALOGUE_LEVELS):
        column = getattr(m.CatalogueEntry, level)
        part = (
            m.CatalogueEntry.select(SQL(str(position)).alias("level"), column.alias("value"))
            .where(m.CatalogueEntry.active)  # a deactivated entry is no longer offered
            .distinct()
        )
        for name in CATALOGUE_LEVELS[:position]:
            value = (values.get(name) or "").strip()
            if value:
                part = part.where(_same_text(getattr(m.CatalogueEntry, name), value))
        parts.append(part)
    union = parts[0]
    for part in parts[1:]:
        union = union + part  # UNION ALL
    query = union.order_by(SQL("1"), SQL("2"))
    offers: dict[str, list[str]] = {level: [] for level in CATALOGUE_LEVELS}
    for position, value in query.tuples():
        if value:
            offers[CATALOGUE_LEVELS[int(position)]].append(value)
    return offers


@dataclass(frozen=True, slots=True)
class StageMove:
    at: datetime
    stage: str | None  # the stage moved to; None when it has gone, or no stage
    by: str
    automatic: bool
    reason: str


@dataclass(frozen=True, slots=True)
class CloseDateMove:
    at: datetime
    old_date: date | None
    new_date: date
    by: str


def _date(value: Any) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


@dataclass(frozen=True, slots=True)
class ActivityRow:
    id: int
    kind: str
    subject: str
    description: str
    starts_at: datetime
    done: bool
    owner: str
    note_reason: str
    direction: str
    lead_status: str | None


@dataclass
class History:
    """What happened to an opportunity, oldest first: its stage moves and est. close dates;
    and its activities, newest first."""

    moves: list[StageMove]
    close_dates: list[CloseDateMove]
    activities: list[ActivityRow]


def history(opportunity_id: int, activity_limit: int = 2000) -> History:
    """The opportunity's stage moves, changes of the est. close date and activities, each
    with who made it: one statement."""
    to_stage = m.Stage.alias("to_stage")
    mover = m.User.alias("mover")
    setter = m.User.alias("setter")
    owner = m.User.alias("owner")
    null = SQL("NULL")
    stages = (
        m.StageChange.select(
            SQL("'s'").alias("what"),
            m.StageChange.created_at.alias("at"),
            m.StageChange.id.alias("row_id"),
            to_stage.name.alias("text"),
            mover.full_name.alias("by"),
            m.StageChange.automatic.alias("flag"),
            m.StageChange.reason.alias("reason"),
            null.alias("old_date"),
            null.alias("new_date"),
            to_stage.key.alias("kind"),  # a stage move's kind column carries its stage's key
            null.alias("description"),
            null.alias("direction"),
            null.alias("lead_status"),
        )
        .join(to_stage, JOIN.LEFT_OUTER, on=(m.StageChange.to_stage == to_stage.id))
        .switch(m.StageChange)
        .join(mover, JOIN.LEFT_OUTER, on=(m.StageChange.changed_by == mover.id))
        .where(m.StageChange.opportunity == opportunity_id)
    )
    dates = (
        m.CloseDateChange.select(
            SQL("'c'"),
            m.CloseDateChange.created_at,
            m.CloseDateChange.id,
            null,
            setter.full_name,
            null,
            null,
            m.CloseDateChange.old_date,
            m.CloseDateChange.new_date,
            null,
            null,
            null,
            null,
        )
        .join(setter, JOIN.LEFT_OUTER, on=(m.CloseDateChange.changed_by == setter.id))
        .where(m.CloseDateChange.opportunity == opportunity_id)
    )
    # The newest activities, as many as the timeline shows.
    newest = (
        m.Activity.select(m.Activity.id)
        .where(m.Activity.opportunity == opportunity_id)
        .order_by(m.Activity.starts_at.desc(), m.Activity.id.desc())
        .limit(activity_limit)
    )
    done = (
        m.Activity.select(
            SQL("'a'"),
            m.Activity.starts_at,
            m.Activity.id,
            m.Activity.subject,
            owner.full_name,
            m.Activity.done,
            m.Activity.note_reason,
            null,
            null,
            m.Activity.kind,
            m.Activity.description,
            m.Activity.direction,
            m.Lead.status,
        )
        .join(owner, JOIN.LEFT_OUTER, on=(m.Activity.owner == owner.id))
        .switch(m.Activity)
        .join(m.Lead, JOIN.LEFT_OUTER, on=(m.Activity.lead == m.Lead.id))
        .where(m.Activity.id.in_(newest))
    )
    query = (stages + dates + done).order_by(SQL("1"), SQL("2"), SQL("3")).tuples()
    result = History([], [], [])
    for what, at, row_id, text, by, flag, reason, old, new, kind, about, way, lead in query:
        when = as_datetime(at)
        assert when is not None
        if what == "s":
            stage = display_name(kind, text) if text is not None else text
            result.moves.append(StageMove(when, stage, by or "", bool(flag), reason or ""))
        elif what == "c":
            new_date = _date(new)
            assert new_date is not None
            result.close_dates.append(CloseDateMove(when, _date(old), new_date, by or ""))
        else:
            result.activities.append(
                ActivityRow(
                    row_id,
                    kind,
                    text,
                    about or "",
                    when,
                    bool(flag),
                    by or "",
                    reason or "",
                    way or "",
                    lead,
                )
            )
    result.activities.reverse()  # newest first
    return result
