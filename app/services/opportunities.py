"""Opportunities: create, read and change one, and the list over all of them."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal

from peewee import JOIN

from app.db import models as m
from app.db import queries
from app.db.connection import transaction
from app.domain import dates, money
from app.domain.choices import Channel, Condition, Interest, Status
from app.domain.stages import StageInfo, first_stage, move_refusal
from app.domain.validation import Validator, not_in_past
from app.services import conflicts
from app.services.errors import ConflictError, NotFound
from app.services.reference import fixed_sequence, stage_infos

OpportunityFilter = queries.OpportunityFilter
OpportunityRow = queries.OpportunityRow
SORT_COLUMNS = queries.SORT_COLUMNS


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
        """'Closed as lost on 3 Nov 2026: Price (competitor: BMW Meier). Note: …', or ''."""
        if self.status == Status.OPEN.value:
            return ""
        when = f" on {self.closed_at:%d %b %Y}" if self.closed_at else ""
        text = f"Closed as {self.status}{when}"
        if self.lost_reason:
            text += f": {self.lost_reason}"
        if self.competitor:
            text += f" (competitor: {self.competitor})"
        text += "."
        if self.closing_note:
            text += f" Note: {self.closing_note}"
        return text

    created_at: str = ""
    updated_at: str = ""
    warnings: dict[str, str] = field(default_factory=dict)


_TEXT_LIMITS = {
    "topic": ("Topic", 200),
    "source": ("Source", 200),
    "brand": ("Brand", 80),
    "vehicle_class": ("Class", 80),
    "model": ("Model", 80),
    "model_code": ("Model code", 40),
    "variant": ("Variant", 120),
}


def _validate(
    data: OpportunityInput, existing: m.Opportunity | None, today: date
) -> tuple[Validator, list[StageInfo]]:
    v = Validator()
    data.topic = v.require("topic", data.topic, "Topic")
    for name, (label, limit) in _TEXT_LIMITS.items():
        if name != "topic":
            setattr(data, name, v.optional(name, getattr(data, name), label, limit))
    data.description = v.optional("description", data.description, "Description", 10_000)
    if data.account_id is None:
        v.error("account_id", "Pick the customer, or create a new one.")
    elif not m.Account.select().where(m.Account.id == data.account_id).exists():
        v.error("account_id", "This customer no longer exists; pick another.")
    if data.primary_contact_id is not None and data.account_id is not None:
        contact = m.Contact.get_or_none(m.Contact.id == data.primary_contact_id)
        if contact is None or contact.account_id != data.account_id:
            v.error("primary_contact_id", "The primary contact must be a person at the customer.")
    if data.est_close_date is None:
        v.error("est_close_date", "Give the date the sale is expected to close.")
    data.currency = v.currency("currency", data.currency)
    data.est_revenue = v.amount("est_revenue", data.est_revenue, "Est. revenue")
    data.est_revenue_accessories = v.amount(
        "est_revenue_accessories", data.est_revenue_accessories, "Est. revenue accessories"
    )
    data.est_trade_in = v.amount("est_trade_in", data.est_trade_in, "Est. trade-in value")
    if "currency" not in v.errors:
        for name, label in (
            ("est_revenue", "Est. revenue"),
            ("est_revenue_accessories", "Est. revenue accessories"),
            ("est_trade_in", "Est. trade-in value"),
        ):
            value = getattr(data, name)
            if name not in v.errors and not money.fits(value, data.currency):
                places = money.exponent(data.currency)
                v.error(
                    name,
                    f"{label} {value} has more decimals than {data.currency} has ({places}); "
                    "it would be stored rounded.",
                )
    v.probability("probability", data.probability)
    data.channel = v.choice("channel", data.channel, Channel, "channel")
    data.interest = v.choice("interest", data.interest, Interest, "way to pay")
    data.condition = v.choice("condition", data.condition, Condition, "condition")
    if existing is None or existing.scheduled_delivery != data.scheduled_delivery:
        not_in_past(v, "scheduled_delivery", data.scheduled_delivery, today, "The delivery date")
    if existing is None or existing.est_close_date != data.est_close_date:
        not_in_past(v, "est_close_date", data.est_close_date, today, "The est. close date")

    kind_id = data.kind_id or (existing.kind_id if existing else None) or _default_kind_id()
    data.kind_id = kind_id
    stages = stage_infos(kind_id)
    if stages and data.stage_id is not None:
        current = next((s for s in stages if existing and s.id == existing.stage_id), None)
        from_lead = data.lead_id is not None or (
            existing is not None and existing.lead_id is not None
        )
        refusal = move_refusal(stages, current, data.stage_id, fixed_sequence(kind_id), from_lead)
        if refusal:
            v.error("stage_id", refusal)
    if data.vehicle_id is not None:
        _check_vehicle(v, data.vehicle_id, existing.id if existing else None)
    for name, parent, model, link in (
        ("facility_id", data.business_id, m.Facility, "business_id"),
        ("operation_id", data.facility_id, m.Operation, "facility_id"),
    ):
        child_id = getattr(data, name)
        if child_id is not None:
            row = model.get_or_none(model.id == child_id)
            if row is None or getattr(row, link) != parent:
                v.error(
                    name,
                    "This belongs to another "
                    + ("business." if link == "business_id" else "facility."),
                )
    return v, stages


def _check_vehicle(v: Validator, vehicle_id: int, own_id: int | None) -> None:
    from app.services.catalogue import vin_warning

    row = m.Vehicle.get_or_none(m.Vehicle.id == vehicle_id)
    if row is None:
        v.error("vehicle_id", "This vehicle is no longer in stock.")
        return
    odd_vin = vin_warning(row.vin)
    if odd_vin:
        v.warn("vehicle_id", odd_vin)
    holder = queries.reservation_holder(vehicle_id, own_id)
    if holder is not None and holder.sold:
        v.error(
            "vehicle_id",
            f"Sold with opportunity #{holder.id} “{holder.topic}” ({holder.owner or 'no owner'}); "
            "it is no longer in stock.",
        )
    elif holder is not None:
        v.error(
            "vehicle_id",
            f"Reserved by opportunity #{holder.id} “{holder.topic}” ({holder.owner or 'no owner'}); "
            "pick another vehicle or release it there first.",
        )


def _default_kind_id() -> int:
    kind = (
        m.OpportunityKind.select()
        .where(m.OpportunityKind.process == "standard")
        .order_by(m.OpportunityKind.id)
        .first()
    )
    if kind is None:
        kind = m.OpportunityKind.select().order_by(m.OpportunityKind.id).first()
    return int(kind.id)


def new_input(owner_id: int | None, today: date | None = None) -> OpportunityInput:
    """The blank form: closing a month from today, owned by the current user, first stage."""
    today = today or date.today()
    kind_id = _default_kind_id()
    start = first_stage(stage_infos(kind_id))
    return OpportunityInput(
        est_close_date=dates.default_close_date(today),
        owner_id=owner_id,
        kind_id=kind_id,
        stage_id=start.id if start else None,
        currency=_default_currency(),
    )


def _default_currency() -> str:
    row = m.Setting.get_or_none(m.Setting.key == "currency")
    return row.value if row else money.DEFAULT_CURRENCY


def validate(
    data: OpportunityInput, opportunity_id: int | None = None, today: date | None = None
) -> dict[str, str]:
    """Warnings only (errors raise ValidationError): what the form shows before a save."""
    existing = (
        m.Opportunity.get_or_none(m.Opportunity.id == opportunity_id) if opportunity_id else None
    )
    v, _ = _validate(data, existing, today or date.today())
    v.raise_if_any()
    return dict(v.warnings)


# Fields stored as they are in the form (the rest are links, money or the stage).
_PLAIN_FIELDS = (
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


def _apply(row: m.Opportunity, data: OpportunityInput, stages: list[StageInfo]) -> None:
    for name in _PLAIN_FIELDS:
        setattr(row, name, getattr(data, name))
    row.account = data.account_id
    row.primary_contact = data.primary_contact_id
    row.owner = data.owner_id
    row.kind = data.kind_id
    row.vehicle = data.vehicle_id
    row.business = data.business_id
    row.facility = data.facility_id
    row.operation = data.operation_id
    row.lead = data.lead_id
    row.est_revenue_minor = money.to_minor(data.est_revenue, data.currency)
    row.est_revenue_accessories_minor = money.to_minor(data.est_revenue_accessories, data.currency)
    row.est_trade_in_minor = money.to_minor(data.est_trade_in, data.currency)
    stage = next((s for s in stages if s.id == data.stage_id), None)
    if stages and stage is None:
        stage = first_stage(stages)
    row.stage = stage.id if stage else None
    row.probability_by_hand = data.probability is not None
    if data.probability is not None:
        row.probability = data.probability
    elif stage is not None:
        row.probability = stage.default_probability


def create(data: OpportunityInput, today: date | None = None) -> OpportunityDetail:
    today = today or date.today()
    with transaction():
        v, stages = _validate(data, None, today)
        v.raise_if_any()
        row = m.Opportunity(status=Status.OPEN.value)
        _apply(row, data, stages)
        row.save()
        m.StageChange.create(opportunity=row, from_stage=None, to_stage=row.stage_id)
        m.CloseDateChange.create(opportunity=row, old_date=None, new_date=row.est_close_date)
    detail = get(row.id)
    detail.warnings = dict(v.warnings)
    return detail


def update(
    opportunity_id: int, data: OpportunityInput, expected_version: int, today: date | None = None
) -> OpportunityDetail:
    from app.services import quotes

    today = today or date.today()
    with transaction():
        row = m.Opportunity.get_or_none(m.Opportunity.id == opportunity_id)
        if row is None:
            raise NotFound(f"Opportunity #{opportunity_id} no longer exists.")
        if row.version != expected_version:
            who = m.User.get_or_none(m.User.id == row.changed_by)
            raise ConflictError(
                f"Opportunity #{opportunity_id}", who.full_name if who else None, row.version
            )
        if row.status != Status.OPEN.value:
            from app.domain.validation import ValidationError

            raise ValidationError({"topic": "A closed opportunity is read-only; reopen it first."})
        v, stages = _validate(data, row, today)
        following = quotes.revenue_quote(opportunity_id)
        has_quotes = m.Quote.select().where(m.Quote.opportunity == opportunity_id).exists()
        if has_quotes and data.currency != row.currency:
            v.error(
                "currency",
                f"This opportunity has quotes in {row.currency}; its currency stays with them.",
            )
        v.raise_if_any()
        old_stage, old_close, old_account = row.stage_id, row.est_close_date, row.account_id
        kept = (row.est_revenue_minor, row.est_revenue_accessories_minor, row.est_trade_in_minor)
        _apply(row, data, stages)
        if following is not None:
            # The figures follow the quote; what the form still showed does not win.
            (
                row.est_revenue_minor,
                row.est_revenue_accessories_minor,
                row.est_trade_in_minor,
            ) = kept
        row.save()
        if row.stage_id != old_stage:
            m.StageChange.create(opportunity=row, from_stage=old_stage, to_stage=row.stage_id)
        if row.est_close_date != old_close:
            m.CloseDateChange.create(
                opportunity=row, old_date=old_close, new_date=row.est_close_date
            )
        if row.account_id != old_account:
            # The sale's activities go with it to its customer (the agenda names it, and
            # the customer's view lists them).
            m.Activity.update(account=row.account_id).where(
                m.Activity.opportunity == row.id
            ).execute()
            # The further contacts were people at the other customer.
            m.OpportunityContact.delete().where(
                (m.OpportunityContact.opportunity == row.id)
                & m.OpportunityContact.contact.not_in(
                    m.Contact.select(m.Contact.id).where(m.Contact.account == row.account_id)
                )
            ).execute()
        if row.primary_contact_id is not None:
            # The primary contact is not also one of the further ones.
            m.OpportunityContact.delete().where(
                (m.OpportunityContact.opportunity == row.id)
                & (m.OpportunityContact.contact == row.primary_contact_id)
            ).execute()
    detail = get(opportunity_id)
    detail.warnings = dict(v.warnings)
    return detail


def get(opportunity_id: int) -> OpportunityDetail:
    # The quotes and the catalogue are the form's business: the list, which starts with the
    # program, does without them.
    from app.services import quotes

    row = m.Opportunity.get_or_none(m.Opportunity.id == opportunity_id)
    if row is None:
        raise NotFound(f"Opportunity #{opportunity_id} no longer exists.")
    cur = row.currency
    plain = {
        f.name: getattr(row, f.name) for f in fields(OpportunityInput) if f.name in _PLAIN_FIELDS
    }
    return OpportunityDetail(
        **plain,
        account_id=row.account_id,
        primary_contact_id=row.primary_contact_id,
        owner_id=row.owner_id,
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
        account_name=row.account.name,
        vehicle_label=queries.vehicle_label(row.vehicle) if row.vehicle_id else "",
        stage_name=row.stage.name if row.stage_id else "",
        revenue_from=quotes.revenue_source(row.id),
        closed_at=row.closed_at,
        lost_reason=row.lost_reason,
        competitor=row.competitor,
        closing_note=row.closing_note,
        created_at=row.created_at.isoformat(sep=" "),
        updated_at=row.updated_at.isoformat(sep=" "),
    )


@dataclass(frozen=True, slots=True)
class CloseDateChange:
    """One change of the est. close date: from what (None when first set), to what, by whom."""

    changed_at: datetime
    old_date: date | None
    new_date: date
    by: str


def close_date_history(opportunity_id: int) -> list[CloseDateChange]:
    """Every est. close date the opportunity had, oldest first."""
    query = (
        m.CloseDateChange.select(
            m.CloseDateChange.created_at,
            m.CloseDateChange.old_date,
            m.CloseDateChange.new_date,
            m.User.full_name,
        )
        .join(m.User, JOIN.LEFT_OUTER, on=(m.CloseDateChange.changed_by == m.User.id))
        .where(m.CloseDateChange.opportunity == opportunity_id)
        .order_by(m.CloseDateChange.created_at, m.CloseDateChange.id)
        .tuples()
    )
    return [CloseDateChange(at, old, new, by or "") for at, old, new, by in query]


def effective_probability(data: OpportunityInput) -> int:
    """What the probability field shows: the typed value, else the stage's default."""
    if data.probability is not None:
        return data.probability
    if data.stage_id is None:
        return 0
    stage = m.Stage.get_or_none(m.Stage.id == data.stage_id)
    return int(stage.default_probability) if stage else 0


def count(flt: OpportunityFilter, today: date | None = None) -> int:
    return queries.count_opportunities(flt, today or date.today())


def page(
    flt: OpportunityFilter,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
    today: date | None = None,
) -> list[OpportunityRow]:
    return queries.opportunity_page(flt, today or date.today(), sort, descending, offset, limit)


# --- saved elsewhere meanwhile ------------------------------------------------------------

FIELD_LABELS = {
    "topic": "Topic",
    "account_id": "Customer",
    "primary_contact_id": "Primary contact",
    "est_close_date": "Est. close date",
    "est_revenue": "Est. revenue",
    "est_revenue_accessories": "Est. revenue accessories",
    "est_trade_in": "Est. trade-in value",
    "currency": "Currency",
    "owner_id": "Owner",
    "kind_id": "Sales process",
    "stage_id": "Stage",
    "probability": "Probability (by hand)",
    "channel": "Channel",
    "source": "Source",
    "description": "Description",
    "interest": "Interest",
    "condition": "Condition",
    "brand": "Brand",
    "vehicle_class": "Class",
    "model": "Model",
    "model_code": "Model code",
    "variant": "Variant",
    "vehicle_id": "Vehicle",
    "scheduled_delivery": "Scheduled delivery",
    "business_id": "Business",
    "facility_id": "Facility",
    "operation_id": "Operation",
    "lead_id": "From lead",
}

_NAMED_LINKS: dict[str, tuple[type[m.BaseModel], str]] = {
    "account_id": (m.Account, "name"),
    "owner_id": (m.User, "full_name"),
    "kind_id": (m.OpportunityKind, "name"),
    "stage_id": (m.Stage, "name"),
    "business_id": (m.Business, "name"),
    "facility_id": (m.Facility, "name"),
    "operation_id": (m.Operation, "name"),
}


def _show(name: str, value: object) -> str:
    if value is None:
        return conflicts.EMPTY
    if name in _NAMED_LINKS:
        model, attribute = _NAMED_LINKS[name]
        row = model.get_or_none(model.id == value)
        return str(getattr(row, attribute)) if row else f"#{value} (removed)"
    if name == "primary_contact_id":
        contact = m.Contact.get_or_none(m.Contact.id == value)
        return f"{contact.first_name} {contact.last_name}".strip() if contact else f"#{value}"
    if name == "vehicle_id":
        vehicle = m.Vehicle.get_or_none(m.Vehicle.id == value)
        return queries.vehicle_label(vehicle) if vehicle else f"#{value} (removed)"
    if name == "probability":
        return f"{value} %"
    if name in ("channel", "interest", "condition") and isinstance(value, str) and value:
        choices = {"channel": Channel, "interest": Interest, "condition": Condition}[name]
        try:
            return str(choices(value).label)
        except ValueError:
            return value
    return conflicts.plain(value)


def conflict(
    opportunity_id: int, opened: OpportunityInput, yours: OpportunityInput
) -> conflicts.Conflict:
    """What changed since the form was opened, field by field: the value then, the one
    saved elsewhere, and the one in the form."""
    row = m.Opportunity.get_or_none(m.Opportunity.id == opportunity_id)
    if row is None:
        raise NotFound(f"Opportunity #{opportunity_id} no longer exists.")
    return conflicts.describe(
        f"Opportunity #{opportunity_id}",
        row.changed_by,
        opened,
        get(opportunity_id),
        yours,
        FIELD_LABELS,
        _show,
    )


def save_over(
    opportunity_id: int,
    opened: OpportunityInput,
    yours: OpportunityInput,
    their_version: int,
    today: date | None = None,
) -> OpportunityDetail:
    """Save the user's changes over the version saved elsewhere (after the user has seen
    it): the fields the user changed take the user's values, the others keep theirs.
    Raises ConflictError again if it changed once more meanwhile."""
    theirs = get(opportunity_id)
    data = conflicts.merged(opened, theirs, yours, FIELD_LABELS)
    return update(opportunity_id, data, their_version, today)


def count_and_first_page(
    flt: OpportunityFilter,
    sort: str,
    descending: bool,
    limit: int,
    today: date | None = None,
) -> tuple[int, list[OpportunityRow]]:
    """count() and the first page(), read together where that is faster."""
    return queries.opportunity_count_and_first_page(
        flt, today or date.today(), sort, descending, limit
    )
