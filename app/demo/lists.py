"""The demo dealership's own entries in the editable lists, and what its records hold of
them: a channel of its own, payment interests of its own (a balloon finance, a private
lease), one channel it no longer uses, and the outcome of each done call and visit."""

from __future__ import annotations

from typing import Any

from app.db import models as m
from app.demo.tables import said
from app.domain.choices import ActivityKind
from app.i18n import N_
from app.services import master_data
from app.services.master_data import ListEntry

# (list, name, kind of payment, active)
_OWN_ENTRIES = (
    ("channel", N_("Social media"), "", True),
    ("channel", N_("Newspaper ad"), "", False),
    ("interest", N_("Balloon finance"), "finance", True),
    ("interest", N_("Private lease"), "lease", True),
)
# The outcomes of done calls and of done visits, picked by the activity's id: the same
# demo every time, whatever else the seed draws.
_CALLED_OUTCOMES = ("reached", "not_reached", "left_message", "appointment_made", "call_back")
_CALLED_IN_OUTCOMES = ("reached", "appointment_made", "quote_requested")
_VISIT_OUTCOMES = ("quote_requested", "call_back", "not_interested", "quote_requested")


def _remainder(column: Any, n: int) -> Any:
    """column mod n, written so that SQLite and PostgreSQL (whose driver reads "%" as a
    parameter) both take it."""
    return column - (column / n) * n


def add_own_entries() -> dict[str, str]:
    """Add the dealership's own entries as its administrator would; returns name -> code."""
    codes = {}
    for kind, name, payment, active in _OWN_ENTRIES:
        # Named in the language the demo is loaded in, as the administrator would name it.
        entry = master_data.save(ListEntry(kind=kind, name=said(name), payment_kind=payment))
        if not active:
            entry = master_data.set_active(entry, False)
        assert entry.code is not None
        codes[name] = entry.code
    return codes


def use_entries(codes: dict[str, str]) -> None:
    """Some of the financed and leased sales and leads take the dealership's own kinds, some
    web-form ones came through social media, and done calls and visits have outcomes.
    Run after the quotes and the primary demand, which the demo builds from the shipped
    interests (whose codes are their kinds of payment); the own ones are of the same kinds."""
    for model in (m.Opportunity, m.Lead):
        for old, new, every in (
            ("finance", codes["Balloon finance"], 3),
            ("lease", codes["Private lease"], 3),
        ):
            model.update(interest=new).where(
                (model.interest == old) & (_remainder(model.id, every) == 0)
            ).execute()
        model.update(channel=codes["Social media"]).where(
            (model.channel == "web_form") & (_remainder(model.id, 4) == 0)
        ).execute()
    a = m.Activity
    calls = a.kind == ActivityKind.CALL.value
    visits = a.kind.in_((ActivityKind.APPOINTMENT.value, ActivityKind.TEST_DRIVE.value)) & (
        ~a.subject.contains("Hand-over")  # a hand-over is its own outcome
    )
    for which, outcomes in (
        (calls & (a.direction == "out"), _CALLED_OUTCOMES),
        (calls & (a.direction == "in"), _CALLED_IN_OUTCOMES),
        (visits, _VISIT_OUTCOMES),
    ):
        for n, code in enumerate(outcomes):
            a.update(outcome=code).where(
                a.done & which & (_remainder(a.id, len(outcomes)) == n)
            ).execute()
