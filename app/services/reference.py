"""The lists the forms pick from: users, the site's businesses, facilities and operations,
kinds of opportunity and their stages, currencies and channels."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import models as m
from app.db import reference as db
from app.domain import standard_names
from app.domain.choices import ProcessKind
from app.domain.stages import StageInfo


@dataclass(frozen=True, slots=True)
class Option:
    """One entry of a picker: the id stored, the text shown."""

    id: int
    label: str


def users(active_only: bool = True) -> list[Option]:
    return [Option(i, name) for i, name in db.user_names(active_only)]


def businesses() -> list[Option]:
    return [Option(i, name) for i, name in db.business_names()]


def facilities(business_id: int | None = None) -> list[Option]:
    return [Option(i, name) for i, name in db.facility_names(business_id)]


def operations(facility_id: int) -> list[Option]:
    return [Option(i, name) for i, name in db.operation_names(facility_id)]


def facility_business(facility_id: int) -> int | None:
    row = m.Facility.get_or_none(m.Facility.id == facility_id)
    return row.business_id if row else None


def opportunity_kinds() -> list[Option]:
    """The kinds of sales process, a shipped one by its name in the screen's language."""
    return [
        Option(i, standard_names.display_name(key, name))
        for i, name, key in db.opportunity_kind_names()
    ]


def fixed_sequence(kind_id: int) -> bool:
    """Whether the kind's stages must be taken in order (the standard process)."""
    row = m.OpportunityKind.get_or_none(m.OpportunityKind.id == kind_id)
    return row is not None and row.process == ProcessKind.STANDARD.value


def stage_infos(kind_id: int) -> list[StageInfo]:
    return db.kind_stages(kind_id)


def stage_names() -> list[str]:
    """Distinct stage names across all kinds as stored, in process order (what the list's
    filter matches; `stage_name_choices` gives each with the name it is shown by)."""
    return [choice.name for choice in stage_name_choices()]


@dataclass(frozen=True, slots=True)
class NameChoice:
    """One entry of a picker of names kept as text (a stage, a reason): the name stored,
    and the text shown, which for a shipped name is its translation."""

    name: str
    label: str


def stage_name_choices() -> list[NameChoice]:
    """Distinct stage names across all kinds, in process order, each with the text shown:
    a picker shows `label` and filters by `name`."""
    seen: dict[str, NameChoice] = {}
    for name, _sequence, key in db.stage_names_in_order():
        seen.setdefault(name, NameChoice(name, standard_names.display_name(key, name)))
    return list(seen.values())


# --- the catalogues of reasons ("lost", "disqualify", "note") -------------------------------


def reason_choices(kind: str) -> list[NameChoice]:
    """The active reasons of a catalogue in their order: the name stored (what a service
    takes and keeps) and the text shown (a shipped reason translated, unless renamed)."""
    return [
        NameChoice(name, standard_names.display_name(key, name))
        for key, name in db.active_reason_keys(kind)
    ]


def reason_label(kind: str, name: str) -> str:
    """The text shown for a reason as stored on a record ("Customer call" on a note): a
    shipped reason's name in the screen's language, any other as stored. No query: the
    shipped names are known, and a record keeps the name it was given."""
    return standard_names.reason_display_name(kind, name)


def stored_reason(kind: str, text: str) -> str | None:
    """The name to store for a reason given as stored or as shown (a picker filled with
    the translated texts hands back the one picked); None when it is no active reason."""
    choices = reason_choices(kind)
    for choice in choices:
        if choice.name == text:
            return choice.name
    for choice in choices:
        if choice.label == text:
            return choice.name
    return None
