"""The lists the forms pick from: users, the site's businesses, facilities and operations,
kinds of opportunity and their stages, the reasons, and the coded lists (channels, payment
interests, activity outcomes)."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import models as m
from app.db import reference as db
from app.domain import standard_names
from app.domain.choices import Interest, ProcessKind
from app.domain.stages import StageInfo
from app.domain.validation import Validator
from app.i18n import Translator, _


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


# --- the coded lists ("channel", "interest", "outcome") -------------------------------------


@dataclass(frozen=True, slots=True)
class CodeChoice:
    """One entry of a coded list: the code records keep, the text shown (a shipped entry
    translated unless renamed), whether it is offered, and a payment interest's kind of
    payment ("cash", "finance", "lease")."""

    code: str
    label: str
    active: bool = True
    payment_kind: str = ""
    name: str = ""  # as stored (a shipped entry's English name)


def code_entries(kind: str, translator: Translator | None = None) -> list[CodeChoice]:
    """Every entry of a coded list in its order, the inactive ones too."""
    return [
        CodeChoice(code, standard_names.display_name(key, name, translator), active, payment, name)
        for code, name, key, active, payment in db.coded_entries(kind)
    ]


def code_choices(
    kind: str, keep: str = "", entries: list[CodeChoice] | None = None
) -> list[CodeChoice]:
    """What a picker of a coded list offers: its active entries in order, and the record's
    own entry `keep` when it is no longer active (shown where it is held, offered to no
    other record). `entries`: the list's entries, when read already."""
    entries = code_entries(kind) if entries is None else entries
    offered = [e for e in entries if e.active or (keep and e.code == keep)]
    if keep and all(e.code != keep for e in entries):
        offered.append(CodeChoice(keep, keep, False))  # a code no entry has: shown as kept
    return offered


def code_lists(*kinds: str) -> dict[str, list[CodeChoice]]:
    """Every entry of each of the coded lists, read at once (a form's pickers)."""
    found: dict[str, list[CodeChoice]] = {kind: [] for kind in kinds}
    for kind, code, name, key, active, payment in db.coded_entries_of(kinds):
        label = standard_names.display_name(key, name)
        found[kind].append(CodeChoice(code, label, active, payment, name))
    return found


def code_labels(kind: str, translator: Translator | None = None) -> dict[str, str]:
    """Code -> text shown, for every entry of a coded list (a list column reads it once)."""
    return {e.code: e.label for e in code_entries(kind, translator)}


def code_label(kind: str, code: str, translator: Translator | None = None) -> str:
    """The text shown for a code a record keeps; an unknown code as it is."""
    return code_labels(kind, translator).get(code, code) if code else ""


def payment_kind(interest: str) -> str:
    """The kind of payment ("cash", "finance", "lease") of a payment interest's code: what
    a quote's payment method defaults to; "" for none, or for a code no entry has."""
    if not interest:
        return ""
    kind = next((e.payment_kind for e in code_entries("interest") if e.code == interest), "")
    return kind if kind in Interest._value2member_map_ else ""


def first_active(kind: str, preferred: str = "") -> str:
    """`preferred` when it is an active entry of the list, else its first active entry."""
    active = [e.code for e in code_entries(kind) if e.active]
    if preferred in active:
        return preferred
    return active[0] if active else ""


def check_code(
    v: Validator,
    name: str,
    value: str,
    kind: str,
    what: str,
    kept: str = "",
    entries: list[CodeChoice] | None = None,
) -> str:
    """The code of an entry of a coded list given as its code or its name (as stored or
    as shown, in any case); "" for none. An entry no longer active is taken only where the
    record already holds it (`kept`); anything else is refused at the field `name`.
    `entries`: the list's entries, read once by a caller that checks many rows."""
    text = (value or "").strip()
    if not text:
        return ""
    if kept and text == kept:
        return kept  # what the record holds stays, offered or not: nothing to read
    entries = code_entries(kind) if entries is None else entries
    # Plain loops: an import checks every row's channel against the list.
    for found in entries:
        if found.code == text:
            break
    else:
        folded = text.lower()
        for found in entries:
            if folded in (found.code.lower(), found.label.lower(), found.name.lower()):
                break
        else:
            found = None
    if found is not None and (found.active or found.code == kept):
        return found.code
    known = ", ".join(e.label for e in entries if e.active)
    if found is not None:
        v.error(
            name,
            _("“{text}” is no longer in use as a {label}; pick one of: {known}.").format(
                text=found.label, label=what, known=known
            ),
        )
    else:
        v.error(
            name,
            _("“{text}” is not a known {label}; pick one of: {known}.").format(
                text=text, label=what, known=known
            ),
        )
    return text
