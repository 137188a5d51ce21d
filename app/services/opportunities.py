"""Opportunities: create, read and change one, and the list over all of them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from app.db import models as m
from app.db import opportunity_list, queries, sort_keys
from app.db import opportunity_queries as oq
from app.db import opportunity_saves as saves
from app.db import sales_desk as desk
from app.db.connection import transaction
from app.db.leads import lead_channel_and_interest
from app.db.reservations import Reservation
from app.db.retrying import retried
from app.domain import dates, money
from app.domain.choices import Condition, Status
from app.domain.fields import label
from app.domain.record_rights import Holder
from app.domain.rights import Right
from app.domain.stages import StageInfo, first_stage, move_refusal
from app.domain.text import search_text
from app.domain.validation import ValidationError, Validator, not_in_past
from app.i18n import _
from app.services import access, accounts, record_rights, reference
from app.services.errors import ConflictError, NotFound
from app.services.opportunity_form import (
    PLAIN_FIELDS,
    CloseDateChange,
    Histories,
    OpportunityDetail,
    OpportunityForm,
    OpportunityInput,
    blank_record,
    build_form,
    form_choices,
    histories,
    reach_lines,
    record_detail,
    vehicle_choice,
)

NONE_ID = queries.NONE_ID  # a filter's id for "none": an opportunity nobody has taken
OpportunityFilter = queries.OpportunityFilter
OpportunityRow = queries.OpportunityRow
SORT_COLUMNS = sort_keys.SORT_COLUMNS
# A search's count in the list stops past this many (count_and_first_page).
SEARCH_COUNT_LIMIT = queries.COUNT_LIMIT


# The longest text each field takes.
_TEXT_LIMITS = {
    "topic": 200,
    "source": 200,
    "brand": 80,
    "vehicle_class": 80,
    "model": 80,
    "model_code": 40,
    "variant": 120,
}
_AMOUNTS = ("est_revenue", "est_revenue_accessories", "est_trade_in")


@dataclass
class _Checked:
    """What a save read while checking the values, kept for its answer."""

    kind: oq.KindRow | None
    facts: saves.SaveFacts
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
    data.topic = v.require("topic", data.topic, label("opportunity.topic"))
    for name, limit in _TEXT_LIMITS.items():
        if name != "topic":
            text = getattr(data, name)
            setattr(data, name, v.optional(name, text, label(f"opportunity.{name}"), limit))
    data.description = v.optional(
        "description", data.description, label("opportunity.description"), 10_000
    )
    own_id = existing.id if existing else None
    facts = saves.save_facts(
        own_id, data.account_id, data.facility_id, data.operation_id, data.primary_contact_id
    )
    people = oq.contacts(data.account_id, own_id) if data.account_id is not None else []
    if data.account_id is None:
        v.error("account_id", _("Pick the customer, or create a new one."))
    elif facts.account_name is None:
        v.error("account_id", _("This customer no longer exists; pick another."))
    if data.primary_contact_id is not None and data.account_id is not None:
        contact = next((c for c in people if c.id == data.primary_contact_id), None)
        if contact is None or contact.account_id != data.account_id:
            v.error(
                "primary_contact_id", _("The primary contact must be a person at the customer.")
            )
    if data.est_close_date is None:
        v.error("est_close_date", _("Give the date the sale is expected to close."))
    data.currency = v.currency("currency", data.currency)
    for name in _AMOUNTS:
        setattr(data, name, v.amount(name, getattr(data, name), label(f"opportunity.{name}")))
    if "currency" not in v.errors:
        for name in _AMOUNTS:
            value = getattr(data, name)
            if name not in v.errors and not money.fits(value, data.currency):
                v.error(
                    name,
                    _(
                        "{field} {amount} has more decimals than {currency} has ({places}); it "
                        "would be stored rounded."
                    ).format(
                        field=label(f"opportunity.{name}"),
                        amount=value,
                        currency=data.currency,
                        places=money.exponent(data.currency),
                    ),
                )
    v.probability("probability", data.probability)
    # What the sale holds stays acceptable though no longer offered; a sale converted from
    # a lead carries on the lead's channel and interest likewise.
    held = (existing.channel, existing.interest) if existing else ("", "")
    if existing is None and data.lead_id is not None:
        held = lead_channel_and_interest(data.lead_id) or held
    data.channel = reference.check_code(
        v, "channel", data.channel, "channel", _("channel"), held[0]
    )
    data.interest = reference.check_code(
        v, "interest", data.interest, "interest", _("way to pay"), held[1]
    )
    data.condition = v.choice("condition", data.condition, Condition, _("condition"))
    if existing is None or existing.scheduled_delivery != data.scheduled_delivery:
        delivery = data.scheduled_delivery
        not_in_past(v, "scheduled_delivery", delivery, today, _("The delivery date"))
    if existing is None or existing.est_close_date != data.est_close_date:
        not_in_past(v, "est_close_date", data.est_close_date, today, _("The est. close date"))

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
        vehicle, holder = saves.vehicle_and_holder(data.vehicle_id, own_id)
        _check_vehicle(v, vehicle, holder)
    for name, child_id, found, parent_of, parent, message in (
        (
            "facility_id",
            data.facility_id,
            facts.facility_found,
            facts.facility_business,
            data.business_id,
            _("This belongs to another business."),
        ),
        (
            "operation_id",
            data.operation_id,
            facts.operation_found,
            facts.operation_facility,
            data.facility_id,
            _("This belongs to another facility."),
        ),
    ):
        if child_id is not None and (not found or parent_of != parent):
            v.error(name, message)
    return v, _Checked(kind, facts, people, vehicle, holder)


def _check_vehicle(v: Validator, row: oq.VehicleRow | None, holder: Reservation | None) -> None:
    if row is None:
        v.error("vehicle_id", _("This vehicle is no longer in stock."))
        return
    odd_vin = vin_warning(row.vin)
    if odd_vin:
        v.warn("vehicle_id", odd_vin)
    if holder is None:
        return
    held = {"number": holder.id, "topic": holder.topic, "owner": holder.owner or _("no owner")}
    if holder.sold:
        v.error(
            "vehicle_id",
            _(
                "Sold with opportunity #{number} “{topic}” ({owner}); it is no longer in stock."
            ).format(**held),
        )
    else:
        v.error(
            "vehicle_id",
            _(
                "Reserved by opportunity #{number} “{topic}” ({owner}); pick another vehicle or "
                "release it there first."
            ).format(**held),
        )


def not_found(opportunity_id: int) -> NotFound:
    return NotFound(_("Opportunity #{number} no longer exists.").format(number=opportunity_id))


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


class OpenSalesExist(Exception):
    """The customer already has open opportunities: open one of them, log an activity on
    it, or go on with a reason (which is kept with the new one)."""

    def __init__(self, sales: list[desk.OpenSale]) -> None:
        super().__init__(_("This customer already has an open opportunity."))
        self.sales = sales


def open_sales(account_id: int | None, except_id: int | None = None) -> list[desk.OpenSale]:
    """The customer's open opportunities (but `except_id`), newest first."""
    return desk.open_sales_of(account_id, except_id) if account_id is not None else []


def check_second_sale(account_id: int, reason: str | None) -> list[desk.OpenSale]:
    """Raise OpenSalesExist when the customer has open opportunities and no reason to open
    another was given; a given reason must say something."""
    sales = open_sales(account_id)
    if sales and reason is None:
        raise OpenSalesExist(sales)
    if sales and reason is not None and not reason.strip():
        raise ValidationError({"reason": _("Say why this customer needs a second opportunity.")})
    return sales


def keep_second_reason(
    opportunity_id: int,
    account_id: int,
    owner_id: int | None,
    sales: list[desk.OpenSale],
    reason: str,
) -> None:
    """Keep why a further opportunity was opened beside the customer's open ones: a note on
    the new one (inside the caller's transaction)."""
    if not sales:
        return
    beside = ", ".join(f"#{s.id} “{s.topic}” ({s.owner or _('no owner')})" for s in sales)
    desk.add_note(
        opportunity_id,
        account_id,
        owner_id,
        _("Opened beside {sales}").format(sales=beside),
        reason.strip(),
    )


def apply_home_defaults(data: OpportunityInput, owner_id: int | None) -> None:
    """A new opportunity with no assignment takes the salesperson's home business and
    facility and the facility's operation for the condition wanted; with no revenue typed,
    it proposes the list price of the stock vehicle or of the model in the catalogue."""
    if data.business_id is None and data.facility_id is None:
        home = desk.home_site(owner_id, desk.operation_kind_for(data.condition))
        data.business_id, data.facility_id = home.business_id, home.facility_id
        if data.operation_id is None:
            data.operation_id = home.operation_id
    if not data.est_revenue:
        proposed = proposed_revenue(data)
        if proposed is not None:
            data.est_revenue, data.currency = proposed


def proposed_revenue(data: OpportunityInput) -> tuple[Decimal, str] | None:
    """The list price of the stock vehicle chosen, else of the model in the catalogue."""
    found: tuple[int, str] | None = None
    if data.vehicle_id is not None:
        row = desk.vehicle_price_and_use(data.vehicle_id)
        found = (row[0], row[1]) if row and row[0] else None
    if found is None and data.brand.strip() and data.model.strip():
        found = desk.catalogue_price(data.brand, data.model, data.variant)
    if found is None:
        return None
    return money.from_minor(found[0], found[1]), found[1]


def _default_currency() -> str:
    return oq.setting("currency") or money.DEFAULT_CURRENCY


def validate(
    data: OpportunityInput, opportunity_id: int | None = None, today: date | None = None
) -> dict[str, str]:
    """Warnings only (errors raise ValidationError): what the form shows before a save."""
    existing = saves.opportunity_row(opportunity_id) if opportunity_id else None
    v, _ = _validate(data, existing, today or date.today())
    v.raise_if_any()
    return dict(v.warnings)


# Fields stored as they are in the form (the rest are links, money or the stage).
def _apply(row: m.Opportunity, data: OpportunityInput, stages: list[StageInfo]) -> None:
    for name in PLAIN_FIELDS:
        setattr(row, name, getattr(data, name))
    row.account = data.account_id
    row.primary_contact = data.primary_contact_id
    row.owner = data.owner_id
    row.team = data.team_id
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


@retried
def update(
    opportunity_id: int, data: OpportunityInput, expected_version: int, today: date | None = None
) -> OpportunityDetail:
    return save(opportunity_id, data, expected_version, today).record


@retried
def save(
    opportunity_id: int | None,
    data: OpportunityInput,
    expected_version: int,
    today: date | None = None,
    *,
    second_reason: str | None = None,
    salespeople: list[int] | None = None,
) -> OpportunityForm:
    """Create (`opportunity_id` None) or change an opportunity, in one transaction, and answer
    with the saved record as its form shows it (without the choices, which it keeps). A
    new one for a customer with open opportunities keeps `second_reason` as a note.
    `salespeople`: its further salespeople (None: as they are). Only what the signed-in
    user may change is saved (app.services.record_rights)."""
    today = today or date.today()
    with transaction():
        if opportunity_id is None:
            record_rights.require_new_sale(data.owner_id, data.team_id)
            if salespeople:
                access.require(Right.MANAGE_SALES)
            v, checked = _validate(data, None, today)
            v.raise_if_any()
            row = saves.new_row()
            _apply(row, data, checked.stages)
            saves.save_opportunity(row)
            saves.record_stage_change(row.id, None, row.stage_id)
            saves.record_close_date_change(row.id, None, row.est_close_date)
            if second_reason and row.account_id is not None:
                keep_second_reason(
                    row.id,
                    row.account_id,
                    row.owner_id,
                    open_sales(row.account_id, row.id),
                    second_reason,
                )
            entered = row.created_at
            further = [c for c in checked.contacts if c.linked]
            history_changed = True
        else:
            record_rights.require_opportunity(opportunity_id)
            record_rights.require_holder_change(
                record_rights.OPPORTUNITY, opportunity_id, data.owner_id, data.team_id
            )
            if salespeople is not None:
                record_rights.require_salespeople_change(opportunity_id, salespeople)
            row, v, checked, entered, further, history_changed = _update(
                opportunity_id, data, expected_version, today
            )
        if salespeople is not None:
            record_rights.write_salespeople(row.id, [u for u in salespeople if u != row.owner_id])
    answer = build_form(
        record_detail(
            row,
            checked.facts.account_name or "",
            checked.facts.revenue_quote,
            stage_name=next((s.name for s in checked.stages if s.id == row.stage_id), ""),
            vehicle=checked.vehicle,
        ),
        checked.kind,
        checked.contacts,
        further,
        vehicle_choice(checked.vehicle, checked.holder),
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
    row = saves.opportunity_row(opportunity_id)
    if row is None:
        raise not_found(opportunity_id)
    if row.version != expected_version:
        raise ConflictError(
            _("Opportunity #{number}").format(number=opportunity_id),
            saves.user_name(row.changed_by),
            row.version,
        )
    if row.status != Status.OPEN.value:
        raise ValidationError({"topic": _("A closed opportunity is read-only; reopen it first.")})
    v, checked = _validate(data, row, today)
    following = checked.facts.revenue_quote
    if checked.facts.has_quotes and data.currency != row.currency:
        v.error(
            "currency",
            _("This opportunity has quotes in {currency}; its currency stays with them.").format(
                currency=row.currency
            ),
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
    saves.save_opportunity(row)
    entered = checked.facts.entered_stage_at or row.created_at
    if row.stage_id != old_stage:
        saves.record_stage_change(row.id, old_stage, row.stage_id)
        entered = datetime.now()
    if row.est_close_date != old_close:
        saves.record_close_date_change(row.id, old_close, row.est_close_date)
    further = [c for c in checked.contacts if c.linked]
    if row.account_id != old_account:
        # The sale's activities go with it to its customer (the agenda names it, and
        # the customer's view lists them); the further contacts were people at the other.
        saves.move_activities_to(row.id, row.account_id)
        saves.drop_contacts_elsewhere(row.id, row.account_id)
        further = [c for c in further if c.account_id == row.account_id]
    if row.primary_contact_id is not None:
        # The primary contact is not also one of the further ones.
        if checked.facts.contact_linked:
            saves.drop_further_contact(row.id, row.primary_contact_id)
        further = [c for c in further if c.id != row.primary_contact_id]
    history_changed = row.stage_id != old_stage or row.est_close_date != old_close
    return row, v, checked, entered, further, history_changed


def get(opportunity_id: int) -> OpportunityDetail:
    access.require(Right.READ_SALES)
    record = oq.form_record(opportunity_id)
    if record is None:
        raise not_found(opportunity_id)
    return record_detail(
        record.row,
        record.account_name,
        record.revenue_quote,
        stage_name=record.stage_name,
        vehicle=record.vehicle,
    )


def open_form(
    opportunity_id: int | None, owner_id: int | None, today: date | None = None
) -> OpportunityForm:
    """Everything the opportunity form shows, for a saved opportunity or (None) a new one:
    the record, its stages and what its stage picker offers, the customer's people, the
    vehicle, the stage bar, the contacts tab and the pickers' choices."""
    if opportunity_id is None:
        access.require(Right.SELL)
    kinds = oq.kinds()
    if opportunity_id is None:
        detail = blank_record(kinds, owner_id, _default_currency(), today or date.today())
        kind = next((k for k in kinds if k.id == detail.kind_id), None)
        return build_form(
            detail, kind, [], [], None, None, Histories([], [], []), form_choices(kinds, detail)
        )
    return _saved_form(opportunity_id, kinds)


def reread(opportunity_id: int) -> OpportunityForm:
    """The record as `open_form` gives it, without the choices: after a change made beside
    the form's fields (a stage move, an activity, a close)."""
    access.require(Right.READ_SALES)
    return _saved_form(opportunity_id, None)


def _saved_form(opportunity_id: int, kinds: list[oq.KindRow] | None) -> OpportunityForm:
    """A saved opportunity's form; with `kinds` (read first, by open_form) the pickers'
    choices too, without them only its own kind is read."""
    record = oq.form_record(opportunity_id)
    if record is None:
        raise not_found(opportunity_id)
    if kinds is None:
        kind = oq.kind(record.row.kind_id)
    else:
        kind = next((k for k in kinds if k.id == record.row.kind_id), None)
    detail = record_detail(
        record.row,
        record.account_name,
        record.revenue_quote,
        stage_name=record.stage_name,
        vehicle=record.vehicle,
    )
    people = oq.contacts(detail.account_id, detail.id)
    told = histories(detail.id, detail.status)
    answer = build_form(
        detail,
        kind,
        people,
        [c for c in people if c.linked and c.id != detail.primary_contact_id],
        vehicle_choice(record.vehicle, record.holder),
        told.visits[-1].entered_at if told.visits else record.row.created_at,
        told,
        form_choices(kinds, detail) if kinds is not None else None,
    )
    _add_reach(answer, record, people)
    row = record.row
    shared = record_rights.shared_with(opportunity_id)
    answer.salespeople = shared
    answer.access = record_rights.access_of(
        Holder(row.owner_id, row.team_id, row.facility_id, row.business_id, frozenset(shared))
    )
    return answer


def _add_reach(
    answer: OpportunityForm, record: oq.OpportunityRecord, people: list[oq.ContactRow]
) -> None:
    """The phones and e-mails, read with the record and the people: no statement. (The
    primary demand is read by its tab when it is shown, as the documents are.)"""
    primary = next((c for c in people if c.id == record.row.primary_contact_id), None)
    answer.reach = reach_lines(
        record.account_name, record.account_phone, record.account_email, primary
    )


def close_date_history(opportunity_id: int) -> list[CloseDateChange]:
    """Every est. close date the opportunity had, oldest first."""
    access.require(Right.READ_SALES)
    return [CloseDateChange(*change) for change in saves.close_date_history(opportunity_id)]


def effective_probability(data: OpportunityInput) -> int:
    """What the probability field shows: the typed value, else the stage's default."""
    if data.probability is not None:
        return data.probability
    if data.stage_id is None:
        return 0
    return saves.stage_default_probability(data.stage_id) or 0


def _searching(flt: OpportunityFilter) -> OpportunityFilter:
    """The filter with its search also read as a phone number, in any notation."""
    text = search_text(flt.text)  # as bounded as the search itself
    phones = tuple(accounts.phone_parts(text)) if text else ()
    return replace(flt, phones=phones) if phones != flt.phones else flt


def count(flt: OpportunityFilter, today: date | None = None) -> int:
    access.require(Right.READ_SALES)
    return queries.count_opportunities(_searching(flt), today or date.today())


def page(
    flt: OpportunityFilter,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
    today: date | None = None,
) -> list[OpportunityRow]:
    access.require(Right.READ_SALES)
    return opportunity_list.opportunity_page(
        _searching(flt), today or date.today(), sort, descending, offset, limit
    )


def count_and_first_page(
    flt: OpportunityFilter,
    sort: str,
    descending: bool,
    limit: int,
    today: date | None = None,
) -> tuple[int, list[OpportunityRow]]:
    """count() and the first page(), read together where that is faster. A search's count
    stops at SEARCH_COUNT_LIMIT + 1, which stands for "more than SEARCH_COUNT_LIMIT"."""
    access.require(Right.READ_SALES)
    return opportunity_list.opportunity_count_and_first_page(
        _searching(flt), today or date.today(), sort, descending, limit
    )
