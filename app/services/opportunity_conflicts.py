"""An opportunity saved at another workstation since the form opened it: what differs, field
by field, and the user's changes saved over theirs."""

from __future__ import annotations

from datetime import date

from app.db import opportunity_saves as saves
from app.domain.choices import Condition
from app.domain.fields import label
from app.domain.rights import Right
from app.i18n import _
from app.services import access, conflicts, record_rights, reference
from app.services.opportunities import get, not_found, save
from app.services.opportunity_form import OpportunityDetail, OpportunityForm, OpportunityInput

# The fields the conflict dialog compares, each with its label's key.
FIELD_KEYS = {
    "topic": "opportunity.topic",
    "account_id": "opportunity.account_id",
    "primary_contact_id": "opportunity.primary_contact_id",
    "est_close_date": "opportunity.est_close_date",
    "est_revenue": "opportunity.est_revenue",
    "est_revenue_accessories": "opportunity.est_revenue_accessories",
    "est_trade_in": "opportunity.est_trade_in",
    "currency": "opportunity.currency",
    "owner_id": "opportunity.owner_id",
    "kind_id": "opportunity.kind_id",
    "stage_id": "opportunity.stage_id",
    "probability": "opportunity.probability_by_hand",
    "channel": "opportunity.channel",
    "source": "opportunity.source",
    "description": "opportunity.description",
    "interest": "opportunity.interest",
    "condition": "opportunity.condition",
    "brand": "opportunity.brand",
    "vehicle_class": "opportunity.vehicle_class",
    "model": "opportunity.model",
    "model_code": "opportunity.model_code",
    "variant": "opportunity.variant",
    "vehicle_id": "opportunity.vehicle_id",
    "scheduled_delivery": "opportunity.scheduled_delivery",
    "business_id": "opportunity.business_id",
    "facility_id": "opportunity.facility_id",
    "operation_id": "opportunity.operation_id",
    "lead_id": "opportunity.lead_id",
    "team_id": "opportunity.team_id",
}


def field_labels() -> dict[str, str]:
    """The compared fields with their labels in the screen's language."""
    return {name: label(key) for name, key in FIELD_KEYS.items()}


def _show(name: str, value: object) -> str:
    if value is None:
        return conflicts.EMPTY
    if name in (
        "account_id",
        "owner_id",
        "team_id",
        "kind_id",
        "stage_id",
        "business_id",
        "facility_id",
        "operation_id",
        "vehicle_id",
        "primary_contact_id",
    ):
        assert isinstance(value, int)
        shown = saves.link_name(name, value)
        if shown is not None:
            return shown
        if name == "primary_contact_id":
            return f"#{value}"
        return _("#{number} (removed)").format(number=value)
    if name == "probability":
        return f"{value} %"
    if name in ("channel", "interest") and isinstance(value, str) and value:
        return reference.code_label(name, value)
    if name == "condition" and isinstance(value, str) and value:
        try:
            return str(Condition(value).label)
        except ValueError:
            return value
    return conflicts.plain(value)


def conflict(
    opportunity_id: int, opened: OpportunityInput, yours: OpportunityInput
) -> conflicts.Conflict:
    """What changed since the form was opened, field by field: the value then, the one
    saved elsewhere, and the one in the form."""
    access.require(Right.READ_SALES)
    found, changed_by = saves.changed_by(opportunity_id)
    if not found:
        raise not_found(opportunity_id)
    return conflicts.describe(
        _("Opportunity #{number}").format(number=opportunity_id),
        changed_by,
        opened,
        get(opportunity_id),
        yours,
        field_labels(),
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
    record_rights.require_opportunity(opportunity_id)
    return save_over_form(opportunity_id, opened, yours, their_version, today).record


def save_over_form(
    opportunity_id: int,
    opened: OpportunityInput,
    yours: OpportunityInput,
    their_version: int,
    today: date | None = None,
) -> OpportunityForm:
    """save_over, answered as `save` answers."""
    record_rights.require_opportunity(opportunity_id)
    theirs = get(opportunity_id)
    data = conflicts.merged(opened, theirs, yours, FIELD_KEYS)
    return save(opportunity_id, data, their_version, today)
