"""The dashboard's words: what each breakdown is called, what a group without a value is
called, and the labels of the ids and codes it groups by.

The words are marked here (``N_``) and translated where they are used, in the screen's
language or, for the CSV export, in the language of a translator passed along."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.db import dashboard as db
from app.db.teams import team_names
from app.domain import fields, pipeline
from app.domain.choices import Condition
from app.domain.standard_names import display_name
from app.i18n import N_, Translator, current
from app.services.reference import businesses, code_label, code_labels, facilities, users

# Breakdown key -> what the selector shows (in English; `breakdown_label` translates it).
BREAKDOWNS: dict[str, str] = {
    "stage": N_("Stage"),
    "owner": N_("Salesperson"),
    "team": N_("Team"),
    "business": N_("Business"),
    "facility": N_("Facility"),
    "operation": N_("Operation"),
    "brand": N_("Brand"),
    "condition": N_("New or used"),
    "channel": N_("Channel"),
    "source": N_("Source"),
}
# The breakdowns by a field of the opportunity are called as the field is.
_BREAKDOWN_FIELDS: dict[str, str] = {
    "stage": "opportunity.stage_id",
    "team": "opportunity.team_id",
    "business": "opportunity.business_id",
    "facility": "opportunity.facility_id",
    "operation": "opportunity.operation_id",
    "brand": "opportunity.brand",
    "channel": "opportunity.channel",
    "source": "opportunity.source",
}
# Breakdown key -> the OpportunityFilter field that selects a group.
FILTER_FIELDS: dict[str, str] = {
    "owner": "owner_id",
    "team": "team_id",
    "business": "business_id",
    "facility": "facility_id",
    "operation": "operation_id",
    "brand": "brand",
    "condition": "condition",
    "channel": "channel",
    "source": "source",
}
ID_GROUPS = frozenset({"owner", "team", "business", "facility", "operation"})
NOT_SET = {
    "owner": N_("No salesperson"),
    "team": N_("No team"),
    "business": N_("No business"),
    "facility": N_("No facility"),
    "operation": N_("No operation"),
    "brand": N_("No brand"),
    "condition": N_("Not given"),
    "channel": N_("No channel"),
    "source": N_("No source"),
}
# A group of one breakdown, in a drill-down's or the filter's words: "Salesperson Jürgen
# Weiß". Whole phrases, so a translator may put the name where the language wants it.
GROUP_WORDS = {
    "stage": N_("Stage {name}"),
    "owner": N_("Salesperson {name}"),
    "team": N_("Team {name}"),
    "business": N_("Business {name}"),
    "facility": N_("Facility {name}"),
    "operation": N_("Operation {name}"),
    "brand": N_("Brand {name}"),
    "condition": N_("New/used: {name}"),
    "channel": N_("Channel {name}"),
    "source": N_("Source {name}"),
}
# The open opportunities of a kind without stages, where the pipeline has a stage column.
NO_STAGE = N_("Without stages")

# Date basis key -> what the selector shows (`date_basis_label` translates it).
DATE_BASES: dict[str, str] = {"close": N_("Est. close date"), "created": N_("Created")}
_DATE_BASIS_FIELDS = {"close": "opportunity.est_close_date"}


def breakdown_label(breakdown: str, translator: Translator | None = None) -> str:
    """What a breakdown is called, in the screen's (or `translator`'s) language."""
    if breakdown in _BREAKDOWN_FIELDS:
        return fields.label(_BREAKDOWN_FIELDS[breakdown], translator)
    return (translator or current())._(BREAKDOWNS[breakdown])


def date_basis_label(basis: str, translator: Translator | None = None) -> str:
    """What a date basis is called ("Est. close date"); an unknown one by its code."""
    if basis in _DATE_BASIS_FIELDS:
        return fields.label(_DATE_BASIS_FIELDS[basis], translator)
    if basis not in DATE_BASES:
        return basis
    return (translator or current())._(DATE_BASES[basis])


def not_set_label(breakdown: str, translator: Translator | None = None) -> str:
    """What a group without a value is called: "No salesperson"."""
    return (translator or current())._(NOT_SET[breakdown])


# The CSV's section titles, per breakdown: whole phrases, not a breakdown's name glued in.
OPEN_PIPELINE_BY = {
    "stage": N_("Open pipeline by stage"),
    "owner": N_("Open pipeline by salesperson"),
    "team": N_("Open pipeline by team"),
    "business": N_("Open pipeline by business"),
    "facility": N_("Open pipeline by facility"),
    "operation": N_("Open pipeline by operation"),
    "brand": N_("Open pipeline by brand"),
    "condition": N_("Open pipeline by new or used"),
    "channel": N_("Open pipeline by channel"),
    "source": N_("Open pipeline by source"),
}
BY_GROUP_AND_STAGE = {
    "owner": N_("By salesperson and stage"),
    "team": N_("By team and stage"),
    "business": N_("By business and stage"),
    "facility": N_("By facility and stage"),
    "operation": N_("By operation and stage"),
    "brand": N_("By brand and stage"),
    "condition": N_("By new or used and stage"),
    "channel": N_("By channel and stage"),
    "source": N_("By source and stage"),
}

# The forecast's rows: the overdue, "Within N days (cumulative)" for each window (each
# holds the shorter ones, so the rows are labelled as such, not to be added up), the later
# ones, and the total of all open ones.
OVERDUE = N_("Overdue (before today)")
TOTAL_OPEN = N_("All open (total)")


def forecast_label(number: int, translator: Translator | None = None) -> str:
    """The forecast row `number`: 0 the overdue, 1 to len(FORECAST_WINDOWS) the cumulative
    windows ("Within 30 days (cumulative)"), then the later ones, then the total."""
    t = translator or current()
    windows = pipeline.FORECAST_WINDOWS
    if number == 0:
        return t._(OVERDUE)
    if number <= len(windows):
        days = windows[number - 1]
        return t.ngettext(
            "Within {n} day (cumulative)", "Within {n} days (cumulative)", days
        ).format(n=days)
    if number == len(windows) + 1:
        return t.ngettext("Later than {n} day", "Later than {n} days", windows[-1]).format(
            n=windows[-1]
        )
    return t._(TOTAL_OPEN)


@dataclass(frozen=True, slots=True)
class Bucket:
    """What a group or a stage of the pipeline stands for, so that its label can be given in
    another language (the CSV's): the breakdown, and the value it groups by (a stage's name
    as stored, with its shipped key; an id, a code or a text), None where it is not set."""

    breakdown: str
    value: Any
    shipped_key: str | None = None


def stage_label(name: str | None, shipped_key: str | None, translator: Translator | None) -> str:
    """A stage's bucket as a user reads it: the shipped stage translated unless renamed;
    NO_STAGE for the opportunities of a kind without stages."""
    if name is None:
        return (translator or current())._(NO_STAGE)
    return display_name(shipped_key, name, translator)


def bucket_label(bucket: Bucket, shown: str, translator: Translator | None = None) -> str:
    """A bucket's label in `translator`'s language; `shown` is its label on the screen,
    which is kept where a name is data (a salesperson, a brand)."""
    if bucket.breakdown == "stage":
        return stage_label(bucket.value, bucket.shipped_key, translator)
    if bucket.value is None:
        return not_set_label(bucket.breakdown, translator)
    if bucket.breakdown == "condition":
        return choice_label(Condition, bucket.value, translator)
    if bucket.breakdown == "channel":
        return code_label("channel", bucket.value, translator)
    return shown


def group_words(
    breakdown: str, label: str, unset: bool = False, translator: Translator | None = None
) -> str:
    """ "Salesperson Jürgen Weiß", but "No salesperson" rather than "Salesperson No …"."""
    if unset:
        return label
    return (translator or current())._(GROUP_WORDS[breakdown]).format(name=label)


class Names:
    """The labels of the ids and codes the dashboard groups by, read once per refresh, in
    the screen's language (or `translator`'s)."""

    def __init__(self, translator: Translator | None = None) -> None:
        self.translator = translator or current()
        self.owner = {o.id: o.label for o in users(active_only=False)}
        self.team = dict(team_names(active_only=False))
        self.business = {o.id: o.label for o in businesses()}
        self.facility = {o.id: o.label for o in facilities()}
        self.operation = db.operation_names()
        self.channel = code_labels("channel", self.translator)

    def label(self, breakdown: str, key: Any) -> str:
        if key is None or key == "":
            return not_set_label(breakdown, self.translator)
        if breakdown == "owner" and isinstance(key, int) and key < 0:
            # Nobody has taken it: its team holds it (see app.db.dashboard.GROUP_COLUMNS).
            team = self.team.get(-key, f"#{-key}")
            return self.translator._("{team} (not taken)").format(team=team)
        if breakdown in ID_GROUPS:
            names: dict[int, str] = getattr(self, breakdown)
            return names.get(key, f"#{key}")
        if breakdown == "condition":
            return choice_label(Condition, key, self.translator)
        if breakdown == "channel":
            return self.channel.get(key, str(key))
        return str(key)


def choice_label(choice: Any, code: str, translator: Translator | None = None) -> str:
    if code not in choice._value2member_map_:
        return code
    return str(choice(code).translated(translator))
