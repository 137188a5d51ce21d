"""How a timeline is worded: activities, stage moves and close-date changes as entries, one place."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from app.db.history import documents_told
from app.domain.choices import ActivityKind
from app.domain.process import StageVisit
from app.i18n import _
from app.services import wording


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    when: datetime
    kind: str  # an ActivityKind value, "stage", "close_date" or "document"
    title: str
    detail: str
    by: str
    activity_id: int | None = None
    done: bool = True
    # What the activity is attached to, in lists that gather several: "#12 Golf for Rossi".
    about: str = ""
    # Its opportunity is closed or its lead converted: it can be read, not changed.
    locked: bool = False


def activity_title(
    kind: str,
    subject: str,
    note_reason: str | None,
    direction: str | None,
    outcome: str = "",
) -> str:
    """An activity's line on the timeline: "Call in: Price of the Golf (Follow-up)", and
    what came of it once done: "Call out: Price of the Golf — Appointment made"."""
    title = _activity_title(kind, subject, note_reason, direction)
    if outcome:
        # TRANSLATORS: an activity's line on the timeline, then what came of it.
        return _("{title} — {outcome}").format(title=title, outcome=outcome)
    return title


def _activity_title(kind: str, subject: str, note_reason: str | None, direction: str | None) -> str:
    label = ActivityKind(kind).label if kind in ActivityKind._value2member_map_ else kind
    if kind == ActivityKind.CALL.value:
        label = _("Call in") if direction == "in" else _("Call out")
    if note_reason:
        return _("{kind}: {subject} ({reason})").format(
            kind=label, subject=subject, reason=note_reason
        )
    return _("{kind}: {subject}").format(kind=label, subject=subject)


def stage_entries(visits: Iterable[StageVisit]) -> list[TimelineEntry]:
    """The stage moves of an opportunity (its visits, oldest first), newest first."""
    moves: list[TimelineEntry] = []
    before = ""
    for visit in visits:
        # The stage of a close is the closed one (Won, Lost): say where the sale got to instead.
        if visit.reason == "won":
            title = (
                _("Closed as won in {stage}").format(stage=before) if before else _("Closed as won")
            )
        elif visit.reason == "lost":
            title = (
                _("Closed as lost in {stage}").format(stage=before)
                if before
                else _("Closed as lost")
            )
        elif visit.reason == "reopened":
            title = _("Reopened, back to {stage}").format(stage=visit.stage)
        elif visit.automatic:
            title = _("Moved automatically to {stage}").format(stage=visit.stage)
        else:
            title = _("Moved to {stage}").format(stage=visit.stage)
        moves.append(TimelineEntry(visit.entered_at, "stage", title, "", visit.by))
        before = visit.stage
    # Newest first, so moves within the same second keep their order after a stable sort.
    moves.reverse()
    return moves


def close_date_entry(at: datetime, old: date | None, new: date, by: str | None) -> TimelineEntry:
    """A change of the est. close date (old is None when it was first set)."""
    if old:
        text = _("Est. close date {old} → {new}").format(old=wording.day(old), new=wording.day(new))
    else:
        text = _("Est. close date set to {new}").format(new=wording.day(new))
    return TimelineEntry(at, "close_date", text, "", by or "")


def newest_first(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def _changed(changes: str) -> dict[str, list[object]]:
    try:
        found = json.loads(changes) if changes else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def document_entry(
    at: datetime, by: str, entity: str, action: str, changes: str, number: str, revision: int
) -> TimelineEntry | None:
    """What was done to one of the sale's documents, from its audit line: a quote issued,
    revised or accepted, an order form issued or signed, an order confirmed, the vehicle
    delivered; None for a line that is none of these (a draft's edit, say)."""
    changed = _changed(changes)
    new_status = changed.get("status", [None, None])[-1]
    title = ""
    if entity == "quote" and action == "update":
        if new_status == "presented":
            title = (
                _("Quote {number} (revision {revision}) issued").format(
                    number=number, revision=revision
                )
                if revision > 1
                else _("Quote {number} issued").format(number=number)
            )
        elif new_status == "revised":
            title = _("Quote {number} revised: a new revision replaces it").format(number=number)
        elif new_status == "accepted":
            title = _("Quote {number} accepted by the customer").format(number=number)
    elif entity == "order_form":
        if action == "create":
            title = _("Order form {number} issued").format(number=number)
        elif action == "update" and changed.get("signed_on", [None, None])[-1]:
            title = _("Order form {number} signed").format(number=number)
    elif entity == "order":
        if action == "create":
            title = _("Order {number} confirmed").format(number=number)
        elif action == "update" and changed.get("delivered_on", [None, None])[-1]:
            title = _("Vehicle delivered (order {number})").format(number=number)
    return TimelineEntry(at, "document", title, "", by) if title else None


def document_entries_from_rows(
    entity: str,
    number: str,
    revision: int,
    status: str,
    first: datetime | None,
    second: datetime | None,
    by: str,
) -> list[TimelineEntry]:
    """The same entries as document_entry, for a document no audit line tells of (loaded
    in bulk): worded from its own dates, by whoever last changed it."""
    found: list[TimelineEntry] = []

    def add(
        at: datetime | None, entity_: str, action: str, changes: dict[str, list[object]]
    ) -> None:
        if at is not None:
            entry = document_entry(at, by, entity_, action, json.dumps(changes), number, revision)
            if entry is not None:
                found.append(entry)

    if entity == "quote":
        add(first, "quote", "update", {"status": ["draft", "presented"]})
        if status in ("accepted", "revised"):
            add(second, "quote", "update", {"status": ["presented", status]})
    elif entity == "order_form":
        add(first, "order_form", "create", {})
        add(second, "order_form", "update", {"signed_on": [None, "signed"]})
    elif entity == "order":
        add(first, "order", "create", {})
        add(second, "order", "update", {"delivered_on": [None, "delivered"]})
    found.reverse()  # newest first, as the timeline's stable sort wants them
    return found


def document_timeline(opportunity_id: int) -> list[TimelineEntry]:
    """What was done to the sale's documents, newest first: from the audit log, and from
    the documents' own dates where no audit line tells of them."""
    events, documents = documents_told(opportunity_id)
    entries = [e for e in (document_entry(*r) for r in events) if e]
    for row in documents:
        entries.extend(document_entries_from_rows(*row))
    return entries
