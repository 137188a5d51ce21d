"""Building the demo dealer group's year of sales: opportunities with their stage histories,
the leads they came from, and the leads still open."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from app.db import bulk
from app.db import models as m
from app.demo.organisation import OrganisationBuilder
from app.demo.summary import DemoSummary
from app.demo.tables import (
    AGE_BY_STAGE,
    CHANNELS,
    COLOURS,
    COMPETITOR_REASONS,
    COMPETITORS,
    DESCRIPTIONS,
    EMAIL_DOMAINS,
    LEAD_CHANNELS,
    LEAD_COLUMNS,
    LEAD_INTEREST,
    LEAD_MESSAGES,
    LOST_AT_WEIGHTS,
    OLD_CARS,
    OPEN_STAGE_WEIGHTS,
    OPPORTUNITY_COLUMNS,
    RESERVE_SHARE,
    VEHICLE_COLUMNS,
    Account,
    Person,
    Plan,
    Vehicle,
    ascii,
    said,
)
from app.domain import dates, standard_names
from app.domain.choices import Channel, Condition, Interest, LeadStatus, Status
from app.domain.reading import format_day
from app.domain.stages import StageInfo, first_stage, open_stages
from app.i18n import N_, gettext
from app.services import matching
from app.services.reference import stage_infos


class SalesBuilder(OrganisationBuilder):
    """The organisation's builder, on to its opportunities and leads."""

    # Opportunities and leads -------------------------------------------------------------

    def _plans(self, count: int, stages: list[StageInfo]) -> list[Plan]:
        rng = self.rng
        ordered = open_stages(stages)
        won = next(s for s in stages if s.is_won)
        lost = next(s for s in stages if s.is_lost)
        open_weights = [OPEN_STAGE_WEIGHTS.get(s.key or "", 10) for s in ordered]
        lost_weights = [LOST_AT_WEIGHTS.get(s.key or "", 0) for s in ordered]
        channel_weights = [c[1] for c in CHANNELS]
        plans = []
        for _ in range(count):
            draw = rng.random()
            status = Status.OPEN if draw < 0.62 else Status.WON if draw < 0.84 else Status.LOST
            if status == Status.WON:
                end = len(ordered) - 1
            else:
                weights = open_weights if status == Status.OPEN else lost_weights
                end = rng.choices(range(len(ordered)), weights=weights)[0]
            channel = rng.choices(CHANNELS, weights=channel_weights)[0][0]
            # Qualify is only for opportunities converted from a lead.
            from_lead = ordered[end].only_from_lead or (
                channel in LEAD_CHANNELS and rng.random() < 0.6
            )
            if from_lead and channel not in LEAD_CHANNELS:
                channel = Channel.WEB_FORM
            start = first_stage(stages, from_lead)
            begin = ordered.index(start) if start in ordered else 0
            path = ordered[begin : end + 1]
            if status == Status.WON:
                path.append(won)
            elif status == Status.LOST:
                path.append(lost)
            account = rng.choice(self.accounts)
            condition = Condition.USED if rng.random() < 0.3 else Condition.NEW
            site = rng.randrange(len(self.sites))
            model = self._model(condition, None if condition == Condition.USED else site)
            variant, price = rng.choice(model.variants)
            fleet = account.company and condition == Condition.NEW and rng.random() < 0.3
            quantity = rng.randint(2, 5) if fleet else 1
            plans.append(
                Plan(account, status, path, channel, condition, model, variant, price,
                      quantity, site, from_lead)
            )  # fmt: skip
        # The customers in other scripts buy too: each takes a sale that reached a quote.
        quoted = [
            p for p in plans
            if not p.account.company and p.status != Status.LOST
            and p.path[-1].key in ("quotation", "contract", "delivery", "won")
        ]  # fmt: skip
        for plan, account in zip(quoted, self.script_accounts, strict=False):
            plan.account = account
        self._reserve(plans)
        return plans

    def _reserve(self, plans: list[Plan]) -> None:
        """Give open opportunities far along a vehicle from stock, never one vehicle twice; a
        quarter of the stock stays free for new sales."""
        rng = self.rng
        free = list(self.vehicles)
        rng.shuffle(free)
        by_model: dict[tuple[Condition, str], list[Vehicle]] = {}
        by_brand: dict[tuple[Condition, str], list[Vehicle]] = {}
        by_condition: dict[Condition, list[Vehicle]] = {}
        for v in free:
            by_model.setdefault((v.condition, v.model.model), []).append(v)
            by_brand.setdefault((v.condition, v.model.brand), []).append(v)
            by_condition.setdefault(v.condition, []).append(v)
        taken: set[int] = set()
        budget = len(self.vehicles) * 3 // 4
        wanting = [
            p
            for p in plans
            if p.status == Status.OPEN and rng.random() < RESERVE_SHARE.get(p.path[-1].key or "", 0)
        ]
        # In no order of stage: a car ordered from the factory covers the contracts the
        # stock does not, so quoted sales hold stock cars too.
        rng.shuffle(wanting)
        for plan in wanting:
            if len(taken) >= budget:
                break
            for pool in (
                by_model.get((plan.condition, plan.model.model), []),
                by_brand.get((plan.condition, plan.model.brand), []),
                by_condition.get(plan.condition, []),
            ):
                while pool and pool[-1].id in taken:
                    pool.pop()
                if pool:
                    vehicle = pool.pop()
                    taken.add(vehicle.id)
                    plan.vehicle, plan.site, plan.quantity = vehicle, vehicle.site, 1
                    plan.model, plan.variant = vehicle.model, vehicle.variant
                    plan.price = vehicle.price
                    break
        self._order_vehicles(plans)

    def _order_vehicles(self, plans: list[Plan]) -> None:
        """A vehicle, with its VIN, for each single-car sale under contract, in delivery or
        won that the stock did not cover: the car ordered for it (and sold, when won)."""
        rng, today = self.rng, self.today
        taken = {r[0] for r in m.Vehicle.select(m.Vehicle.vin).tuples()}
        next_id = bulk.next_id("vehicle") + len(self.vehicles)
        for plan in plans:
            contracted = plan.status == Status.WON or (
                plan.status == Status.OPEN and plan.path[-1].key in ("contract", "delivery")
            )
            if plan.vehicle is not None or not contracted or plan.quantity != 1:
                continue
            used = plan.condition == Condition.USED
            if used:
                years = rng.randint(1, 6)
                registered: date | None = today - timedelta(days=365 * years + rng.randint(0, 300))
                mileage = years * rng.randint(90, 220) * 100
                price = max(4_990, int(plan.price * 0.86**years / 100) * 100 - 10)
                year = registered.year if registered else today.year
            else:
                registered, mileage, price = None, rng.randint(5, 40), plan.price
                year = today.year
            vehicle = Vehicle(
                next_id,
                plan.condition,
                plan.model,
                plan.variant,
                price,
                plan.site,
            )
            plan.vehicle, plan.price = vehicle, price
            self.ordered_vehicles.append(
                (
                    next_id, self._vin(plan.model, year, taken), f"S-{next_id}",
                    plan.condition.value, plan.model.brand, plan.model.vehicle_class,
                    plan.model.model, plan.model.model_code, plan.variant,
                    rng.choice(COLOURS[plan.model.brand]), registered, mileage, price * 100,
                    "EUR", self.sites[plan.site].facility_id,
                )
            )  # fmt: skip
            next_id += 1

    def _moments(self, first_day: date, last_day: date, count: int) -> list[datetime]:
        """`count` moments in business hours from first_day to last_day, in order."""
        rng = self.rng
        span = max(0, (last_day - first_day).days)
        return sorted(
            datetime.combine(
                first_day + timedelta(days=rng.randint(0, span)),
                time(rng.randint(8, 18), rng.randint(0, 59)),
            )
            for _ in range(count)
        )

    def add_opportunities(self, count: int) -> None:
        """Opportunities with their stage and close-date history, and the converted lead of
        each that began at Qualify."""
        rng, today = self.rng, self.today
        kind = (
            m.OpportunityKind.select()
            .where(m.OpportunityKind.process == "standard")
            .order_by(m.OpportunityKind.id)
            .get()
        )
        stages = stage_infos(kind.id)
        self.lost_reasons = reasons("lost")
        self.won_reasons = reasons("won")
        plans = self._plans(count, stages)
        opportunity_id = bulk.next_id("opportunity")
        lead_id = bulk.next_id("lead")
        opportunities: list[tuple[object, ...]] = []
        leads: list[tuple[object, ...]] = []
        moves: list[tuple[object, ...]] = []
        close_changes: list[tuple[object, ...]] = []
        for plan in plans:
            stage = plan.path[-1]
            site = self.sites[plan.site]
            if plan.status == Status.OPEN:
                close_date = self._open_close_date()
                low, high = AGE_BY_STAGE.get(stage.key or "", (3, 60))
                first_day = today - timedelta(days=rng.randint(low, high))
                if close_date <= first_day + timedelta(days=3):
                    first_day = close_date - timedelta(days=rng.randint(7, 40))
                last_day = today - timedelta(days=1)
            else:
                close_date = today - timedelta(days=rng.randint(1, 330))
                first_day = close_date - timedelta(days=rng.randint(7, 90))
                last_day = close_date
            moments = self._moments(first_day, last_day, len(plan.path))
            if plan.status != Status.OPEN:
                closing = datetime.combine(
                    close_date, time(rng.randint(15, 18), rng.randint(0, 59))
                )
                moments[-1] = max(moments[-1], closing)
            owner: int | None = rng.choice(site.salespeople)
            if rng.random() < 0.05:
                owner = self.manager_id
            elif stage.only_from_lead and rng.random() < 0.25:
                owner = None  # waiting in the team's queue for a salesperson
            author = owner or self.manager_id
            for index, (moment, to_stage) in enumerate(zip(moments, plan.path, strict=True)):
                from_stage = plan.path[index - 1].id if index else None
                automatic = to_stage.is_won or (index > 0 and rng.random() < 0.3)
                # Reopening looks for the closing move by this reason.
                reason = plan.status.value if to_stage.is_closed else ""
                moves.append(
                    (opportunity_id, from_stage, to_stage.id, automatic, reason, moment, moment, 1,
                     author)
                )  # fmt: skip
            default_date = dates.default_close_date(moments[0].date())
            close_changes.append(
                (opportunity_id, None, default_date, moments[0], moments[0], 1, author)
            )
            if close_date != default_date:
                when = max((t for t in moments if t.date() <= close_date), default=moments[0])
                close_changes.append(
                    (opportunity_id, default_date, close_date, when, when, 1, author)
                )
            row = self._opportunity(plan, close_date, moments)
            contact = rng.choice(plan.account.contacts) if plan.account.contacts else None
            row.update(
                id=opportunity_id,
                kind_id=kind.id,
                primary_contact_id=contact.id if contact else None,
                owner_id=owner,
                team_id=self.team_id,
                lead_id=lead_id if plan.from_lead else None,
                changed_by=author,
            )
            if plan.from_lead:
                leads.append(self._converted_lead(lead_id, plan.account, contact, row, moments[0]))
                lead_id += 1
            opportunities.append(tuple(row[c] for c in OPPORTUNITY_COLUMNS))
            opportunity_id += 1
        bulk.insert_rows("vehicle", VEHICLE_COLUMNS, self.ordered_vehicles)
        self.lead_count += bulk.insert_rows("lead", LEAD_COLUMNS, leads)
        self.opportunity_count += bulk.insert_rows(
            "opportunity", OPPORTUNITY_COLUMNS, opportunities
        )
        stamped = ("created_at", "updated_at", "version", "changed_by")
        self.stage_change_count += bulk.insert_rows(
            "stage_change",
            ("opportunity_id", "from_stage_id", "to_stage_id", "automatic", "reason", *stamped),
            moves,
        )
        bulk.insert_rows(
            "close_date_change", ("opportunity_id", "old_date", "new_date", *stamped), close_changes
        )

    def _open_close_date(self) -> date:
        """Spread so every saved filter shows something: overdue, 7, 30, 90 days, later."""
        rng = self.rng
        low, high = rng.choices(
            ((-45, -1), (0, 7), (8, 30), (31, 90), (91, 180)), weights=(6, 14, 27, 33, 20)
        )[0]
        return self.today + timedelta(days=rng.randint(low, high))

    def _opportunity(
        self, plan: Plan, close_date: date, moments: Sequence[datetime]
    ) -> dict[str, object]:
        """The opportunity's own fields; links to people and the process are the caller's."""
        rng, today = self.rng, self.today
        stage = plan.path[-1]
        site = self.sites[plan.site]
        model = plan.model
        used = plan.condition == Condition.USED
        interest = rng.choices(
            (Interest.CASH, Interest.FINANCE, Interest.LEASE),
            weights=(45, 40, 15) if used else (30, 35, 35),
        )[0]
        if plan.vehicle is not None:
            revenue = plan.vehicle.price
        elif used:
            revenue = int(plan.price * rng.uniform(0.55, 0.8) / 100) * 100 - 10
        else:
            # Per car, so a fleet's quote prints whole quantities at one unit price.
            revenue = int(plan.price * (1 - rng.uniform(0, 0.07)) / 10) * 10 * plan.quantity
        trade_in = rng.randint(20, 250) * 100 if rng.random() < 0.35 else 0
        old = rng.choice(OLD_CARS)
        text, fits = rng.choice(DESCRIPTIONS)
        delivery: date | None = None
        if plan.status == Status.WON:
            delivery = close_date
        elif plan.status == Status.OPEN and stage.key == "delivery":
            delivery = today + timedelta(days=rng.randint(2, 28))
        elif plan.status == Status.OPEN and stage.key == "contract" and rng.random() < 0.5:
            delivery = today + timedelta(days=rng.randint(14, 75))
        closing_note = ""
        if plan.status == Status.WON and rng.random() < 0.5:
            closing_note = gettext(N_("Handed over on {day}.")).format(day=format_day(close_date))
        elif plan.status == Status.LOST and rng.random() < 0.5:
            closing_note = gettext(N_("Customer may come back next year."))
        source = rng.choice(next(c[2] for c in CHANNELS if c[0] == plan.channel))
        reason_key, lost_reason = (
            rng.choice(self.lost_reasons) if plan.status == Status.LOST else (None, "")
        )
        competitor = ""
        if reason_key in COMPETITOR_REASONS and rng.random() < 0.7:
            competitor = rng.choice(COMPETITORS)
        # Most won sales say why they were won; some salespeople leave it out. Picked by the
        # customer, not by the random generator, so the rest of the demo stays as it was.
        won_reason = ""
        if plan.status == Status.WON and self.won_reasons and plan.account.id % 7:
            won_reason = self.won_reasons[plan.account.id * 5 % len(self.won_reasons)][1]
        return {
            "topic": self._topic(plan, interest, old, trade_in > 0),
            "account_id": plan.account.id,
            "stage_id": stage.id,
            "probability": stage.default_probability,
            "probability_by_hand": False,
            "status": plan.status.value,
            "lost_reason": lost_reason,
            "competitor": competitor,
            "won_reason": won_reason,
            "closed_at": moments[-1] if plan.status != Status.OPEN else None,
            "closing_note": closing_note,
            "est_close_date": close_date,
            "currency": "EUR",
            "est_revenue_minor": revenue * 100,
            "est_revenue_accessories_minor": (
                rng.randint(30, 400) * 1000 if rng.random() < 0.4 else 0
            ),
            "est_trade_in_minor": trade_in * 100,
            "channel": plan.channel.value,
            "source": said(source).format(spring=self.spring, iaa=self.iaa),
            "description": (
                said(text).format(old=old)
                if fits in (None, interest) and rng.random() < 0.4
                else ""
            ),
            "interest": interest.value,
            "condition": plan.condition.value,
            "brand": model.brand,
            "vehicle_class": model.vehicle_class,
            "model": model.model,
            "model_code": model.model_code,
            "variant": plan.variant,
            "vehicle_id": plan.vehicle.id if plan.vehicle else None,
            "scheduled_delivery": delivery,
            "business_id": site.business_id,
            "facility_id": site.facility_id,
            "operation_id": site.used_operation_id if used else site.new_operation_id,
            "created_at": moments[0],
            "updated_at": moments[-1],
            "version": len(moments),
        }

    def _topic(self, plan: Plan, interest: Interest, old: str, trade_in: bool) -> str:
        """A topic as the salesperson writes it, in the language the demo is loaded in (a
        fleet's starts "N × ": its quotes are read so)."""
        model = plan.model.model
        if plan.account.company:
            if plan.quantity > 1:
                return gettext(N_("{count} × {model} for the fleet")).format(
                    count=plan.quantity, model=model
                )
            return self.rng.choice(
                (
                    gettext(N_("Company car {model}")).format(model=model),
                    f"{model} {plan.variant}",
                    gettext(N_("Fleet renewal: {model}")).format(model=model),
                )
            )
        if trade_in and self.rng.random() < 0.5:
            return gettext(N_("{model}, trade-in {old}")).format(model=model, old=old)
        condition = N_("Used {model}") if plan.condition == Condition.USED else N_("New {model}")
        return self.rng.choice(
            (
                gettext(N_("{model} for {name}")).format(model=model, name=plan.account.last_name),
                f"{model} {plan.variant}",
                f"{model} – {interest.label}",
                gettext(condition).format(model=model),
            )
        )

    def _converted_lead(
        self,
        lead_id: int,
        account: Account,
        person: Person | None,
        opportunity: dict[str, object],
        converted_at: datetime,
    ) -> tuple[object, ...]:
        """The lead an opportunity was converted from: what the customer sent, a little
        before the opportunity began."""
        received = converted_at - timedelta(hours=self.rng.randint(1, 72))
        first, last = (person.first_name, person.last_name) if person else ("", account.name)
        email, phone = (person.email, person.phone) if person else ("", "")
        return (
            lead_id, first, last, account.name if account.company else "", email, phone,
            *self._lead_keys(email, phone), account.street, account.postcode, account.city,
            account.country,
            *(opportunity[c] for c in LEAD_INTEREST), opportunity["description"],
            opportunity["owner_id"], LeadStatus.CONVERTED.value, "", account.id,
            person.id if person else None, converted_at, received, converted_at, 2,
            opportunity["changed_by"],
        )  # fmt: skip

    def _lead_keys(self, email: str, phone: str) -> tuple[str, str]:
        """What the duplicate check compares, as leads.create stores it."""
        return matching.email_key(email), matching.phone_key(phone, self.phone_region)

    def add_open_leads(self, count: int) -> None:
        """Leads not yet converted: fresh ones, ones being worked on, and some disqualified.
        A few come from customers already on file, for the duplicate check to find."""
        rng, today = self.rng, self.today
        disqualify = [name for _key, name in reasons("disqualify")]
        salespeople = [u for site in self.sites for u in site.salespeople]
        lead_channels = [c for c in CHANNELS if c[0] in LEAD_CHANNELS]
        channel_weights = [c[1] for c in lead_channels]
        rows: list[tuple[object, ...]] = []
        lead_id = bulk.next_id("lead")
        for _ in range(count):
            status = rng.choices(
                (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED,
                 LeadStatus.DISQUALIFIED),
                weights=(35, 25, 15, 25),
            )[0]  # fmt: skip
            known = rng.choice(self.accounts) if rng.random() < 0.15 else None
            if known is not None and known.contacts:
                person = known.contacts[0]
                first, last, email, phone = (
                    person.first_name, person.last_name, person.email, person.phone
                )  # fmt: skip
                company = known.name if known.company else ""
                postcode, city, country = known.postcode, known.city, known.country
            else:
                first, last = self._person()
                postcode, city, country, prefix = self._place()
                email = self._email(f"{ascii(first)}.{ascii(last)}", rng.choice(EMAIL_DOMAINS))
                phone = self._mobile(prefix) if rng.random() < 0.6 else ""
                company = ""
            channel, _, sources = rng.choices(lead_channels, weights=channel_weights)[0]
            model = self._model(Condition.NEW)
            variant = rng.choice(model.variants)[0] if rng.random() < 0.5 else ""
            age = rng.randint(0, 4) if status == LeadStatus.NEW else rng.randint(2, 40)
            received = datetime.combine(
                today - timedelta(days=age), time(rng.randint(7, 21), rng.randint(0, 59))
            )
            if age == 0:  # a lead of today came in this morning, before the demo is loaded
                received = datetime.combine(today, time(7, rng.randint(0, 59)))
            worked = status != LeadStatus.NEW
            owner = rng.choice(salespeople) if worked or rng.random() < 0.5 else None
            changed = received + timedelta(hours=rng.randint(1, 30)) if worked else received
            rows.append(
                (lead_id, first, last, company, email, phone, *self._lead_keys(email, phone), "",
                 postcode, city, country,
                 rng.choice(list(Interest)).value, Condition.NEW.value, model.brand,
                 model.vehicle_class, model.model, model.model_code if variant else "", variant,
                 channel.value, said(rng.choice(sources)).format(spring=self.spring, iaa=self.iaa),
                 rng.choice(LEAD_MESSAGES).format(model=model.model), owner, status.value,
                 rng.choice(disqualify) if status == LeadStatus.DISQUALIFIED else "", None, None,
                 None, received, min(changed, datetime.combine(today, time())), 2 if worked else 1,
                 owner or self.manager_id)
            )  # fmt: skip
            lead_id += 1
        self.lead_count += bulk.insert_rows("lead", LEAD_COLUMNS, rows)

    def summary(self) -> DemoSummary:
        return DemoSummary(
            businesses=1 + len(self.sites),
            facilities=len(self.sites),
            users=self.user_count,
            catalogue_entries=self.catalogue_count,
            vehicles=len(self.vehicles) + len(self.ordered_vehicles),
            accounts=len(self.accounts),
            contacts=self.contact_count,
            leads=self.lead_count,
            opportunities=self.opportunity_count,
            stage_changes=self.stage_change_count,
        )


def reasons(kind: str) -> list[tuple[str | None, str]]:
    """(key, name) of the active reasons of a catalogue (lost, disqualify, note), in their
    order: what the demo picks from and stores, as the services would. The shipped ones
    when the catalogue has none active."""
    query = (
        m.Reason.select(m.Reason.key, m.Reason.name)
        .where((m.Reason.kind == kind) & m.Reason.active)
        .order_by(m.Reason.sequence)
    )
    found: list[tuple[str | None, str]] = list(query.tuples())
    return found or [(key, english) for key, (_c, english) in standard_names.REASONS[kind].items()]
