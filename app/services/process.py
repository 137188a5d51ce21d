"""The sales process: moving an opportunity through its stages by hand or automatically,
closing it as won or lost, reopening it, and the history of every move."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.db import models as m
from app.db.connection import transaction
from app.db.history import last_closing_move, stage_entered_at, stage_moves
from app.db.opportunity_saves import record_close_date_change
from app.db.reference import active_reasons
from app.db.sales_desk import set_vehicle_use
from app.domain.choices import SOLD_USES, Status, VehicleUse
from app.domain.process import StageVisit, automatic_target
from app.domain.rights import Right
from app.domain.stages import StageInfo, move_refusal, next_stages
from app.domain.standard_names import display_name
from app.domain.validation import ValidationError
from app.i18n import _
from app.services import access, record_rights
from app.services.errors import NotFound
from app.services.reference import fixed_sequence, stage_infos


def open_row(opportunity_id: int) -> m.Opportunity:
    row = m.Opportunity.get_or_none(m.Opportunity.id == opportunity_id)
    if row is None:
        raise NotFound(_("Opportunity #{number} no longer exists.").format(number=opportunity_id))
    return row


def require_open(row: m.Opportunity) -> None:
    """A closed opportunity is read-only until it is reopened."""
    if row.status == Status.OPEN.value:
        return
    if row.status == Status.WON.value:
        message = _(
            "Opportunity #{number} is closed as won; reopen it before changing it or adding to it."
        )
    else:
        message = _(
            "Opportunity #{number} is closed as lost; reopen it before changing it or adding to it."
        )
    raise ValidationError({"status": message.format(number=row.id)})


def _set_stage(
    row: m.Opportunity, stage: StageInfo | None, automatic: bool, reason: str = ""
) -> None:
    old = row.stage_id
    row.stage = stage.id if stage else None
    if stage is not None and not row.probability_by_hand:
        row.probability = stage.default_probability
    row.save()
    m.StageChange.create(
        opportunity=row, from_stage=old, to_stage=row.stage_id, automatic=automatic, reason=reason
    )


def move_to_stage(opportunity_id: int, stage_id: int) -> None:
    """A move by hand, by the stage rule (`app.domain.stages.next_stages`): in a fixed
    process the next stage or any earlier one; Qualify only for a sale from a lead."""
    with transaction():
        record_rights.require_opportunity(opportunity_id)
        row = open_row(opportunity_id)
        require_open(row)
        stages = stage_infos(row.kind_id)
        current = next((s for s in stages if s.id == row.stage_id), None)
        from_lead = row.lead_id is not None
        refusal = move_refusal(stages, current, stage_id, fixed_sequence(row.kind_id), from_lead)
        if refusal:
            raise ValidationError({"stage_id": refusal})
        target = next(s for s in stages if s.id == stage_id)
        if target.id != row.stage_id:
            _set_stage(row, target, automatic=False)


def advance(opportunity_id: int, at_least: str) -> bool:
    """Move the opportunity forward to at least the stage of key `at_least` ("interest",
    "quotation", "contract", "delivery": app.domain.standard_names.PROCESS_ORDER), however
    it is named; an automatic move (a test drive, a quote, a contract, an order), never
    backwards. True if it moved. Joins the caller's transaction."""
    with transaction():
        record_rights.require_opportunity(opportunity_id)
        row = open_row(opportunity_id)
        require_open(row)
        stages = stage_infos(row.kind_id)
        current = next((s for s in stages if s.id == row.stage_id), None)
        target = automatic_target(stages, current, at_least)
        if target is None:
            return False
        _set_stage(row, target, automatic=True)
        return True


def lost_reasons() -> list[str]:
    return active_reasons("lost")


def _closing_stage(row: m.Opportunity, won: bool) -> StageInfo | None:
    return next((s for s in stage_infos(row.kind_id) if (s.is_won if won else s.is_lost)), None)


def close_row(row: m.Opportunity, won: bool, note: str) -> None:
    require_open(row)
    row.status = (Status.WON if won else Status.LOST).value
    row.closing_note = note.strip()
    row.closed_at = m.now()
    row.probability_by_hand = False
    stage = _closing_stage(row, won)
    row.probability = 100 if won else 0
    _set_stage(row, stage, automatic=False, reason=row.status)
    if won and row.vehicle_id is not None:
        # The car is sold: out of stock and of the test drives, by its use.
        set_vehicle_use(row.vehicle_id, VehicleUse.SOLD.value)


def won_reasons() -> list[str]:
    return active_reasons("won")


def close_won(opportunity_id: int, note: str = "", won_reason: str = "") -> None:
    """Close as won, with why it was won when the user picked it (from the won reasons)."""
    if won_reason and won_reason not in won_reasons():
        raise ValidationError({"won_reason": _("Pick why the sale was won from the list.")})
    with transaction():
        record_rights.require_opportunity(opportunity_id)
        row = open_row(opportunity_id)
        row.won_reason = won_reason
        close_row(row, True, note)


def reopen_needs_close_date(opportunity_id: int, today: date | None = None) -> bool:
    """Whether the closed opportunity's est. close date has passed: reopening it then takes
    a new one, or it would open overdue."""
    row = open_row(opportunity_id)
    close = row.est_close_date
    if isinstance(close, str):
        close = date.fromisoformat(close[:10])
    return close is None or close < (today or date.today())


def reopen(
    opportunity_id: int, new_close_date: date | None = None, today: date | None = None
) -> None:
    """Back to the stage it was closed from; the lost reason is cleared and the reopening
    recorded. An est. close date that has passed must be replaced by `new_close_date`
    (today or later), kept in the close-date history."""
    today = today or date.today()
    with transaction():
        record_rights.require_opportunity(opportunity_id)
        row = open_row(opportunity_id)
        if row.status == Status.OPEN.value:
            raise ValidationError({"status": _("This opportunity is open already.")})
        if new_close_date is not None and new_close_date < today:
            raise ValidationError(
                {"est_close_date": _("The new est. close date must be today or later.")}
            )
        if new_close_date is None and reopen_needs_close_date(opportunity_id, today):
            raise ValidationError(
                {
                    "est_close_date": _(
                        "Its est. close date has passed: give a new one to reopen it."
                    )
                }
            )
        if new_close_date is not None:
            record_close_date_change(row.id, row.est_close_date, new_close_date)
            row.est_close_date = new_close_date
        closing = last_closing_move(row.id, row.status)
        stages = stage_infos(row.kind_id)
        back_to = next((s for s in stages if closing and s.id == closing.from_stage_id), None)
        if back_to is None:
            back_to = next((s for s in stages if not s.is_closed), None)
        if row.status == Status.WON.value and row.vehicle_id is not None:
            # The sale is open again: its car is for sale again.
            set_vehicle_use(row.vehicle_id, VehicleUse.FOR_SALE.value, only_from=SOLD_USES)
        row.status = Status.OPEN.value
        row.lost_reason = ""
        row.won_reason = ""
        row.competitor = ""
        row.closed_at = None
        _set_stage(row, back_to, automatic=False, reason="reopened")


@dataclass(frozen=True, slots=True)
class StageOverview:
    """What the stage bar shows: the process's open stages, where the sale is, how long."""

    stages: list[StageInfo]
    current_id: int | None
    status: str
    allowed_ids: frozenset[int]
    days_in_stage: float
    days_allowed: int | None


def overview(opportunity_id: int, now: datetime | None = None) -> StageOverview:
    access.require(Right.READ_SALES)
    now = now or datetime.now()
    row = open_row(opportunity_id)
    stages = stage_infos(row.kind_id)
    current = next((s for s in stages if s.id == row.stage_id), None)
    allowed = (
        next_stages(stages, current, fixed_sequence(row.kind_id), row.lead_id is not None)
        if row.status == Status.OPEN.value
        else []
    )
    # The latest move from the sale's column: its history, moves and names, is not read.
    entered = stage_entered_at(opportunity_id) or row.created_at
    stage_row = m.Stage.get_or_none(m.Stage.id == row.stage_id) if row.stage_id else None
    return StageOverview(
        stages=[s for s in stages if not s.is_closed],
        current_id=row.stage_id,
        status=row.status,
        allowed_ids=frozenset(s.id for s in allowed),
        days_in_stage=(now - entered).total_seconds() / 86_400,
        days_allowed=stage_row.days_allowed if stage_row else None,
    )


def history(opportunity_id: int) -> list[StageVisit]:
    """Every stage the opportunity was in, oldest first, with who moved it there; the
    stages by the names a user reads (a shipped one translated unless renamed)."""
    access.require(Right.READ_SALES)
    rows = stage_moves(opportunity_id)
    visits = []
    for index, (at, stage, by, automatic, reason, key) in enumerate(rows):
        left = rows[index + 1][0] if index + 1 < len(rows) else None
        shown = display_name(key, stage) if stage is not None else _("(no stage)")
        visits.append(StageVisit(shown, at, left, by or "", bool(automatic), reason or ""))
    return visits
