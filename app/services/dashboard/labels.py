"""The dashboard's words: what each breakdown is called, what a group without a value is
called, and the labels of the ids and codes it groups by."""

from __future__ import annotations

from typing import Any

from app.db import dashboard as db
from app.domain.choices import Channel, Condition
from app.services.reference import businesses, facilities, users

# Breakdown key -> what the selector shows.
BREAKDOWNS: dict[str, str] = {
    "stage": "Stage",
    "owner": "Salesperson",
    "business": "Business",
    "facility": "Facility",
    "operation": "Operation",
    "brand": "Brand",
    "condition": "New or used",
    "channel": "Channel",
    "source": "Source",
}
# Breakdown key -> the OpportunityFilter field that selects a group.
FILTER_FIELDS: dict[str, str] = {
    "owner": "owner_id",
    "business": "business_id",
    "facility": "facility_id",
    "operation": "operation_id",
    "brand": "brand",
    "condition": "condition",
    "channel": "channel",
    "source": "source",
}
ID_GROUPS = frozenset({"owner", "business", "facility", "operation"})
NOT_SET = {
    "owner": "No salesperson",
    "business": "No business",
    "facility": "No facility",
    "operation": "No operation",
    "brand": "No brand",
    "condition": "Not given",
    "channel": "No channel",
    "source": "No source",
}
NO_STAGE = "Without stages"

DATE_BASES: dict[str, str] = {"close": "Est. close date", "created": "Created"}


class Names:
    """The labels of the ids and codes the dashboard groups by, read once per refresh."""

    def __init__(self) -> None:
        self.owner = {o.id: o.label for o in users(active_only=False)}
        self.business = {o.id: o.label for o in businesses()}
        self.facility = {o.id: o.label for o in facilities()}
        self.operation = db.operation_names()

    def label(self, breakdown: str, key: Any) -> str:
        if key is None or key == "":
            return NOT_SET[breakdown]
        if breakdown in ID_GROUPS:
            names: dict[int, str] = getattr(self, breakdown)
            return names.get(key, f"#{key}")
        if breakdown == "condition":
            return choice_label(Condition, key)
        if breakdown == "channel":
            return choice_label(Channel, key)
        return str(key)


def group_words(breakdown: str, label: str) -> str:
    """ "Salesperson Jürgen Weiß", but "No salesperson" rather than "Salesperson No …"."""
    return label if label == NOT_SET.get(breakdown) else f"{BREAKDOWNS[breakdown]} {label}"


def choice_label(choice: Any, code: str) -> str:
    return choice(code).label if code in choice._value2member_map_ else code
