"""Opportunities: create, read and change one, and the list over all of them."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal

from app.db import models as m
from app.db import opportunity_queries as oq
from app.db import queries
from app.db.connection import transaction
from app.db.queries import Reservation
from app.domain import dates, money
from app.domain.choices import ActivityKind, Channel, Condition, Interest, LeadStatus, Status
from app.domain.process import StageVisit
from app.domain.stages import StageInfo, first_stage, move_refusal, next_stages, stage_choices
from app.domain.validation import ValidationError, Validator, not_in_past
from app.services import conflicts
from app.services.accounts import OpportunityContactInfo
from app.services.activities import TimelineEntry
from app.services.catalogue import VehicleChoice
from app.services.errors import ConflictError, NotFound
from app.services.process import StageOverview
from app.services.reference import Option

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


_TEXT_LIMITS = {
    "topic": ("Topic", 200),
    "source": ("Source", 200),
    "brand": ("Brand", 80),
    "vehicle_class": ("Class", 80),
    "model": ("Model", 80),
    "model_code": ("Model code", 40),
    "variant": ("Variant", 120),
}


@dataclass
class _Checked:
    """What a save read while checking the values, kept for its answer."""

    kind: oq.KindRow | None
    facts: oq.SaveFacts
    contacts: list[oq.ContactRow]
    vehicle: oq.VehicleRow | None
    holder: Reservation | None

    @property
    def stages(self) -> list[StageInfo]:
        return [s.info for s in self.kind.stages] if self.kind else []


def _validate(
    data: OpportunityInput, existing: m.Opportunity | None, today: date
) -> tuple[Validator, _Checked]:
    v = Validator()
    data.topic = v.require("topic", data.topic, "Topic")
    for name, (label, limit) in _TEXT_LIMITS.items():
        if name != "topic":
            setattr(data, name, v.optional(name, getattr(data, name), label, limit))
    data.description = v.optional("description", data.description, "Description", 10_000)
    own_id = existing.id if existing else None
    facts = oq.save_facts(
        own_id, data.account_id, data.facility_id, data.operation_id, data.primary_contact_id
    )
    people = oq.contacts(data.account_id, own_id) if data.account_id is not None else []
    if data.account_id is None:
        v.error("account_id", "Pick the customer, or create a new one.")
    elif facts.account_name is None:
        v.error("account_id", "This customer no longer exists; pick another.")
    if data.primary_contact_id is not None and data.account_id is not None:
        contact = next((c for c in people if c.id == data.primary_contact_id), None)
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

    kind_id = data.kind_id or (existing.kind_id if existing else None) or oq.default_kind_id()
    data.kind_id = kind_id
    kind = oq.kind(kind_id)
    stages = [s.info for s in kind.stages] if kind else []
    if stages and data.stage_id is not None:
        current = next((s for s in stages if existing and s.id == existing.stage_id), None)
        from_lead = data.lead_id is not None or (
            existing is not None and existing.lead_id is not None
        )
        fixed = kind is not None and kind.fixed_sequence
        refusal = move_refusal(stages, current, data.stage_id, fixed, from_lead)
        if refusal:
            v.error("stage_id", refusal)
    vehicle, holder = None, None
    if data.vehicle_id is not None:
        vehicle, holder = oq.vehicle_and_holder(data.vehicle_id, own_id)
        _check_vehicle(v, vehicle, holder)
    for name, child_id, found, parent_of, parent, link in (
        (
            "facility_id",
            data.facility_id,
            facts.facility_found,
            facts.facility_business,
            data.business_id,
            "business.",
        ),
        (
            "operation_id",
            data.operation_id,
            facts.operation_found,
            facts.operation_facility,
            data.facility_id,
            "facility.",
        ),
    ):
        if child_id is not None and (not found or parent_of != parent):
            v.error(name, "This belongs to another " + link)
    return v, _Checked(kind, facts, people, vehicle, holder)


def _check_vehicle(v: Validator, row: oq.VehicleRow | None, holder: Reservation | None) -> None:
    if row is None:
        v.error("vehicle_id", "This vehicle is no longer in stock.")
        return
    odd_vin = vin_warning(row.vin)
    if odd_vin:
        v.warn("vehicle_id", odd_vin)
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


def vin_warning(vin_text: str) -> str:
    """What is odd about a stock vehicle's VIN, or "" (as catalogue.vin_warning says it)."""
    checked = Validator()
    checked.vin("vin", vin_text)
    return checked.errors.get("vin") or checked.warnings.get("vin") or ""


def new_input(owner_id: int | None, today: date | None = None) -> OpportunityInput:
    """The blank form: closing a month from today, owned by the current user, first stage."""
    today = today or date.today()
    kind_id = oq.default_kind_id()
    kind = oq.kind(kind_id)
    start = first_stage([s.info for s in kind.stages] if kind else [])
    return OpportunityInput(
        est_close_date=dates.default_close_date(today),
        owner_id=owner_id,
        kind_id=kind_id,
        stage_id=start.id if start else None,
        currency=_default_currency(),
    )


def _default_currency() -> str:
    return oq.setting("currency") or money.DEFAULT_CURRENCY


def validate(
    data: OpportunityInput, opportunity_id: int | None = None, today: date | None = None
) -> dict[str, str]:
    """Warnings only (errors raise ValidationError): what the form shows before a save."""
    existing = oq.opportunity_row(opportunity_id) if opportunity_id else None
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
    return save(None, data, 0, today).record


def update(
    opportunity_id: int, data: OpportunityInput, expected_version: int, today: date | None = None
) -> OpportunityDetail:
    return save(opportunity_id, data, expected_version, today).record


def save(
    opportunity_id: int | None,
    data: OpportunityInput,
    expected_version: int,
    today: date | None = None,
) -> OpportunityForm:
    """Create (`opportunity_id` None) or change an opportunity, in one transaction, and answer
    with the saved record as its form shows it (without the choices, which it keeps)."""
    today = today or date.today()
    with transaction():
        if opportunity_id is None:
            v, checked = _validate(data, None, today)
            v.raise_if_any()
            row = oq.new_row()
            _apply(row, data, checked.stages)
            oq.save_opportunity(row)
            oq.record_stage_change(row.id, None, row.stage_id)
            oq.record_close_date_change(row.id, None, row.est_close_date)
            entered = row.created_at
            further = [c for c in checked.contacts if c.linked]
            history_changed = True
        else:
            row, v, checked, entered, further, history_changed = _update(
                opportunity_id, data, expected_version, today
            )
    answer = _form(
        _detail(row, checked.facts.account_name or "", checked.facts.revenue_quote, checked),
        checked.kind,
        checked.contacts,
        further,
        _vehicle_choice(checked.vehicle, checked.holder),
        entered,
        None,
        None,
    )
    answer.record.warnings = dict(v.warnings)
    answer.history_changed = history_changed
    return answer


def _update(
    opportunity_id: int, data: OpportunityInput, expected_version: int, today: date
) -> tuple[m.Opportunity, Validator, _Checked, datetime | None, list[oq.ContactRow], bool]:
    row = oq.opportunity_row(opportunity_id)
    if row is None:
        raise NotFound(f"Opportunity #{opportunity_id} no longer exists.")
    if row.version != expected_version:
        raise ConflictError(
            f"Opportunity #{opportunity_id}", oq.user_name(row.changed_by), row.version
        )
    if row.status != Status.OPEN.value:
        raise ValidationError({"topic": "A closed opportunity is read-only; reopen it first."})
    v, checked = _validate(data, row, today)
    following = checked.facts.revenue_quote
    if checked.facts.has_quotes and data.currency != row.currency:
        v.error(
            "currency",
            f"This opportunity has quotes in {row.currency}; its currency stays with them.",
        )
    v.raise_if_any()
    old_stage, old_close, old_account = row.stage_id, row.est_close_date, row.account_id
    kept = (row.est_revenue_minor, row.est_revenue_accessories_minor, row.est_trade_in_minor)
    _apply(row, data, checked.stages)
    if following is not None:
        # The figures follow the quote; what the form still showed does not win.
        (
            row.est_revenue_minor,
            row.est_revenue_accessories_minor,
            row.est_trade_in_minor,
        ) = kept
    oq.save_opportunity(row)
    entered = checked.facts.entered_stage_at or row.created_at
    if row.stage_id != old_stage:
        oq.record_stage_change(row.id, old_stage, row.stage_id)
        entered = datetime.now()
    if row.est_close_date != old_close:
        oq.record_close_date_change(row.id, old_close, row.est_close_date)
    further = [c for c in checked.contacts if c.linked]
    if row.account_id != old_account:
        # The sale's activities go with it to its customer (the agenda names it, and
        # the customer's view lists them); the further contacts were people at the other.
        oq.move_activities_to(row.id, row.account_id)
        oq.drop_contacts_elsewhere(row.id, row.account_id)
        further = [c for c in further if c.account_id == row.account_id]
    if row.primary_contact_id is not None:
        # The primary contact is not also one of the further ones.
        if checked.facts.contact_linked:
            oq.drop_further_contact(row.id, row.primary_contact_id)
        further = [c for c in further if c.id != row.primary_contact_id]
    history_changed = row.stage_id != old_stage or row.est_close_date != old_close
    return row, v, checked, entered, further, history_changed


def _quote_label(quote: tuple[str, int] | None) -> str:
    """As quotes.label names a quote: "Q-00012", or "Q-00012 rev. 2"."""
    if quote is None:
        return ""
    number, revision = quote
    return f"{number} rev. {revision}" if revision > 1 else number


def _detail(
    row: m.Opportunity,
    account_name: str,
    revenue_quote: tuple[str, int] | None,
    checked: _Checked | None = None,
    stage_name: str | None = None,
    vehicle: oq.VehicleRow | None = None,
) -> OpportunityDetail:
    cur = row.currency
    plain = {
        f.name: getattr(row, f.name) for f in fields(OpportunityInput) if f.name in _PLAIN_FIELDS
    }
    if checked is not None:
        stage_name = next((s.name for s in checked.stages if s.id == row.stage_id), "")
        vehicle = checked.vehicle
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
        account_name=account_name,
        vehicle_label=vehicle.label if vehicle is not None and row.vehicle_id else "",
        stage_name=stage_name or "",
        revenue_from=_quote_label(revenue_quote),
        closed_at=row.closed_at,
        lost_reason=row.lost_reason,
        competitor=row.competitor,
        closing_note=row.closing_note,
        created_at=row.created_at.isoformat(sep=" "),
        updated_at=row.updated_at.isoformat(sep=" "),
    )


def get(opportunity_id: int) -> OpportunityDetail:
    record = oq.form_record(opportunity_id)
    if record is None:
        raise NotFound(f"Opportunity #{opportunity_id} no longer exists.")
    return _detail(
        record.row,
        record.account_name,
        record.revenue_quote,
        stage_name=record.stage_name,
        vehicle=record.vehicle,
    )


def _vehicle_choice(row: oq.VehicleRow | None, holder: Reservation | None) -> VehicleChoice | None:
    """The vehicle as the form's picker shows it (catalogue.vehicle)."""
    if row is None:
        return None
    reserved_by = ""
    if holder is not None:
        held = f"#{holder.id} {holder.topic} ({holder.owner or 'no owner'})"
        reserved_by = f"sold with {held}" if holder.sold else held
    return VehicleChoice(
        id=row.id,
        vin=row.vin,
        stock_number=row.stock_number,
        condition=row.condition,
        brand=row.brand,
        vehicle_class=row.vehicle_class,
        model=row.model,
        model_code=row.model_code,
        variant=row.variant,
        colour=row.colour,
        list_price=money.from_minor(row.list_price_minor, row.currency),
        currency=row.currency,
        matches_branding=True,
        reserved_by=reserved_by,
    )


def _contact_label(first: str, last: str, title: str) -> str:
    name = f"{first} {last}".strip()
    return f"{name} ({title})" if title else name


def _form(
    detail: OpportunityDetail,
    kind: oq.KindRow | None,
    people: list[oq.ContactRow],
    further: list[oq.ContactRow],
    vehicle: VehicleChoice | None,
    entered: datetime | None,
    history: _Told | None,
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
        Option(c.id, _contact_label(c.first_name, c.last_name, c.job_title))
        for c in people
        if c.account_id == detail.account_id
    ]
    listed: list[OpportunityContactInfo] = []
    if detail.primary_contact_id is not None:
        primary = next((c for c in people if c.id == detail.primary_contact_id), None)
        if primary is not None:
            label = _contact_label(primary.first_name, primary.last_name, primary.job_title)
            listed.append(OpportunityContactInfo(primary.id, label, "", True))
    for c in further:
        label = _contact_label(c.first_name, c.last_name, c.job_title)
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


def _choices(kinds: list[oq.KindRow], branding: OpportunityInput) -> FormChoices:
    users = oq.users()
    facilities: dict[int, list[Option]] = {}
    operations: dict[int, list[Option]] = {}
    businesses: dict[int, Option] = {}
    seen_facilities: set[int] = set()
    seen_operations: set[int] = set()
    for site in oq.sites():
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
    )


def open_form(
    opportunity_id: int | None, owner_id: int | None, today: date | None = None
) -> OpportunityForm:
    """Everything the opportunity form shows, for a saved opportunity or (None) a new one:
    the record, its stages and what its stage picker offers, the customer's people, the
    vehicle, the stage bar, the contacts tab and the pickers' choices."""
    kinds = oq.kinds()
    if opportunity_id is None:
        detail = _blank(kinds, owner_id, today or date.today())
        kind = next((k for k in kinds if k.id == detail.kind_id), None)
        return _form(detail, kind, [], [], None, None, _Told([], [], []), _choices(kinds, detail))
    record = oq.form_record(opportunity_id)
    if record is None:
        raise NotFound(f"Opportunity #{opportunity_id} no longer exists.")
    kind = next((k for k in kinds if k.id == record.row.kind_id), None)
    detail = _detail(
        record.row,
        record.account_name,
        record.revenue_quote,
        stage_name=record.stage_name,
        vehicle=record.vehicle,
    )
    people = oq.contacts(detail.account_id, detail.id)
    told = _history(detail.id, detail.status)
    return _form(
        detail,
        kind,
        people,
        [c for c in people if c.linked and c.id != detail.primary_contact_id],
        _vehicle_choice(record.vehicle, record.holder),
        told.visits[-1].entered_at if told.visits else record.row.created_at,
        told,
        _choices(kinds, detail),
    )


def reread(opportunity_id: int) -> OpportunityForm:
    """The record as `open_form` gives it, without the choices: after a change made beside
    the form's fields (a stage move, an activity, a close)."""
    record = oq.form_record(opportunity_id)
    if record is None:
        raise NotFound(f"Opportunity #{opportunity_id} no longer exists.")
    kind = oq.kind(record.row.kind_id)
    detail = _detail(
        record.row,
        record.account_name,
        record.revenue_quote,
        stage_name=record.stage_name,
        vehicle=record.vehicle,
    )
    people = oq.contacts(detail.account_id, detail.id)
    told = _history(detail.id, detail.status)
    return _form(
        detail,
        kind,
        people,
        [c for c in people if c.linked and c.id != detail.primary_contact_id],
        _vehicle_choice(record.vehicle, record.holder),
        told.visits[-1].entered_at if told.visits else record.row.created_at,
        told,
        None,
    )


def _blank(kinds: list[oq.KindRow], owner_id: int | None, today: date) -> OpportunityDetail:
    """A new opportunity as `new_input` makes it, from the kinds already read."""
    standard = [k for k in kinds if k.fixed_sequence] or kinds
    kind = standard[0] if standard else None
    start = first_stage([s.info for s in kind.stages]) if kind else None
    return OpportunityDetail(
        est_close_date=dates.default_close_date(today),
        owner_id=owner_id,
        kind_id=kind.id if kind else None,
        stage_id=start.id if start else None,
        currency=_default_currency(),
        id=0,
        version=0,
    )


@dataclass
class _Told:
    """What the history and timeline tabs show."""

    visits: list[StageVisit]
    close_dates: list[CloseDateChange]
    timeline: list[TimelineEntry]


def _history(opportunity_id: int, status: str) -> _Told:
    """The stages the opportunity was in (as process.history gives them), its est. close
    dates, oldest first, and its timeline (as activities.timeline gives it): one statement."""
    told = oq.history(opportunity_id)
    moves = told.moves
    visits = [
        StageVisit(
            move.stage or "(no stage)",
            move.at,
            moves[index + 1].at if index + 1 < len(moves) else None,
            move.by,
            move.automatic,
            move.reason,
        )
        for index, move in enumerate(moves)
    ]
    dates = [CloseDateChange(c.at, c.old_date, c.new_date, c.by) for c in told.close_dates]
    return _Told(visits, dates, _timeline(told.activities, visits, dates, status))


def _timeline(
    rows: list[oq.ActivityRow],
    visits: list[StageVisit],
    dates: list[CloseDateChange],
    status: str,
) -> list[TimelineEntry]:
    """Activities, stage moves and close-date changes, newest first, worded as
    activities.timeline words them."""
    entries = []
    for a in rows:
        label = ActivityKind(a.kind).label if a.kind in ActivityKind._value2member_map_ else a.kind
        if a.kind == ActivityKind.CALL.value:
            label = "Call in" if a.direction == "in" else "Call out"
        title = f"{label}: {a.subject}" + (f" ({a.note_reason})" if a.note_reason else "")
        locked = status != Status.OPEN.value or a.lead_status == LeadStatus.CONVERTED.value
        entries.append(
            TimelineEntry(
                a.starts_at, a.kind, title, a.description, a.owner, a.id, a.done, "", locked
            )
        )
    moves: list[TimelineEntry] = []
    before = ""
    for visit in visits:
        if visit.reason in ("won", "lost"):
            # The stage is the closed one (Won, Lost): say where the sale got to instead.
            title = f"Closed as {visit.reason}" + (f" in {before}" if before else "")
        elif visit.reason == "reopened":
            title = f"Reopened, back to {visit.stage}"
        else:
            title = f"{'Moved automatically' if visit.automatic else 'Moved'} to {visit.stage}"
        moves.append(TimelineEntry(visit.entered_at, "stage", title, "", visit.by))
        before = visit.stage
    # Newest first already, so moves within the same second keep their order after the sort.
    entries.extend(reversed(moves))
    for change in reversed(dates):
        old, new = change.old_date, change.new_date
        text = f"Est. close date {old} → {new}" if old else f"Est. close date set to {new}"
        entries.append(TimelineEntry(change.changed_at, "close_date", text, "", change.by))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


@dataclass(frozen=True, slots=True)
class CloseDateChange:
    """One change of the est. close date: from what (None when first set), to what, by whom."""

    changed_at: datetime
    old_date: date | None
    new_date: date
    by: str


def close_date_history(opportunity_id: int) -> list[CloseDateChange]:
    """Every est. close date the opportunity had, oldest first."""
    return [CloseDateChange(*change) for change in oq.close_date_history(opportunity_id)]


def effective_probability(data: OpportunityInput) -> int:
    """What the probability field shows: the typed value, else the stage's default."""
    if data.probability is not None:
        return data.probability
    if data.stage_id is None:
        return 0
    return oq.stage_default_probability(data.stage_id) or 0


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


def _show(name: str, value: object) -> str:
    if value is None:
        return conflicts.EMPTY
    if name in (
        "account_id",
        "owner_id",
        "kind_id",
        "stage_id",
        "business_id",
        "facility_id",
        "operation_id",
        "vehicle_id",
        "primary_contact_id",
    ):
        assert isinstance(value, int)
        shown = oq.link_name(name, value)
        if shown is not None:
            return shown
        return f"#{value}" if name == "primary_contact_id" else f"#{value} (removed)"
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
    found, changed_by = oq.changed_by(opportunity_id)
    if not found:
        raise NotFound(f"Opportunity #{opportunity_id} no longer exists.")
    return conflicts.describe(
        f"Opportunity #{opportunity_id}",
        changed_by,
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
    return save_over_form(opportunity_id, opened, yours, their_version, today).record


def save_over_form(
    opportunity_id: int,
    opened: OpportunityInput,
    yours: OpportunityInput,
    their_version: int,
    today: date | None = None,
) -> OpportunityForm:
    """save_over, answered as `save` answers."""
    theirs = get(opportunity_id)
    data = conflicts.merged(opened, theirs, yours, FIELD_LABELS)
    return save(opportunity_id, data, their_version, today)


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
