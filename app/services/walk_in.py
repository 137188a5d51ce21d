"""The quick opportunity for a customer who walks into the showroom: the least that makes
an opportunity, the customer found or created, all in one step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.db import sales_desk as desk
from app.db.connection import transaction
from app.domain import dates, money
from app.domain.choices import Channel, Condition, DemandKind
from app.domain.fields import label
from app.domain.validation import Validator, not_in_past
from app.i18n import _
from app.services import accounts, matching, opportunities, record_rights, reference


@dataclass
class WalkInInput:
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    brand: str = ""
    model: str = ""
    est_close_date: date | None = None
    channel: str = Channel.WALK_IN.value
    condition: str = ""  # new, used or ex-demo
    interest: str = ""  # how they plan to pay
    budget: str = ""  # as typed; kept as the vehicle's expected price
    trade_in: str = ""  # the car they bring, as told
    # Why a further opportunity is opened while the customer has open ones; None: not asked.
    second_reason: str | None = None


def account_input(data: WalkInInput) -> accounts.AccountInput:
    return accounts.AccountInput(
        first_name=data.first_name, last_name=data.last_name, email=data.email, phone=data.phone
    )


def duplicates(data: WalkInInput) -> list[accounts.DuplicateCandidate]:
    """Who this might be, from what has been typed so far (run as the user types)."""
    probe = account_input(data)
    if not (
        probe.last_name.strip() or probe.email.strip() or len(matching.phone_key(probe.phone)) >= 6
    ):
        return []
    return accounts.find_duplicates(probe, limit=6)


def create(
    data: WalkInInput,
    owner_id: int,
    account_id: int | None = None,
    confirmed_new: bool = False,
    today: date | None = None,
) -> opportunities.OpportunityDetail:
    """Create the opportunity for an existing customer (account_id) or a new one; raises
    PossibleDuplicates when a new customer looks like one on file and is not confirmed."""
    record_rights.require_new_sale(owner_id, None)
    today = today or date.today()
    v = Validator()
    if account_id is None:
        # Every refusal at once: the customer's fields and the walk-in's own rules together.
        accounts.check(account_input(data), v)
        if not (data.phone.strip() or data.email.strip()):
            v.error("phone", _("Give a phone number or an e-mail address."))
    if data.est_close_date is None:
        data.est_close_date = dates.default_close_date(today)
    # TRANSLATORS: the field, as "{label} {date} is in the past; …" begins with it.
    close_date = _("The est. close date")
    not_in_past(v, "est_close_date", data.est_close_date, today, close_date)
    data.condition = v.choice("condition", data.condition, Condition, _("condition"))
    data.interest = reference.check_code(v, "interest", data.interest, "interest", _("way to pay"))
    budget: Decimal | None = None
    if data.budget.strip():
        try:
            budget = v.amount("budget", money.parse_amount(data.budget), label("walk_in.budget"))
        except money.MoneyError as exc:
            v.error("budget", str(exc))
    v.raise_if_any()
    with transaction():
        sales = (
            opportunities.check_second_sale(account_id, data.second_reason)
            if account_id is not None
            else []
        )
        if account_id is None:
            account_id = accounts.create(account_input(data), confirmed_new=confirmed_new).id
        contacts = accounts.contact_infos(account_id)
        form = opportunities.new_input(owner_id, today)
        form.account_id = account_id
        form.primary_contact_id = contacts[0].id if len(contacts) == 1 else None
        vehicle = " ".join(p for p in (data.brand.strip(), data.model.strip()) if p)
        # TRANSLATORS: a new opportunity's topic: "Volkswagen Golf for Rossi, Maria".
        topic = _("{vehicle} for {customer}").format(
            vehicle=vehicle or _("New vehicle"), customer=accounts.name(account_id)
        )
        form.topic = topic[:200]
        form.brand, form.model = data.brand.strip(), data.model.strip()
        form.est_close_date = data.est_close_date
        form.channel = data.channel
        form.condition, form.interest = data.condition, data.interest
        if data.trade_in.strip():
            # TRANSLATORS: the opportunity's description of a walk-in who brings a car.
            form.description = _("Trade-in: {car}").format(car=data.trade_in.strip())
        opportunities.apply_home_defaults(form, owner_id)
        detail = opportunities.create(form, today)
        if budget is not None or vehicle:
            desk.replace_demand_lines(
                [
                    desk.DemandRow(
                        DemandKind.VEHICLE.value,
                        vehicle,
                        money.to_minor(budget, form.currency) if budget is not None else None,
                        form.currency,
                        _("Budget as told at the desk") if budget is not None else "",
                    )
                ],
                opportunity_id=detail.id,
            )
        opportunities.keep_second_reason(
            detail.id, account_id, owner_id, sales, data.second_reason or ""
        )
        return detail
