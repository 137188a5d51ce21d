"""Marketing consent of a customer or a lead, per channel (e-mail, phone, SMS): each
statement, given or withdrawn, is recorded with when, how and the wording the person was
shown, and never changed afterwards; the latest statement per channel is what holds. This
is what the GDPR (Art. 7(1): the controller must be able to show consent) and, in Germany,
§ 7 UWG ask a dealership to keep before it sends advertising by e-mail, phone or SMS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.db import consent as db
from app.db import models as m
from app.db.connection import transaction
from app.domain.choices import ConsentChannel, ConsentMethod
from app.domain.rights import Right
from app.domain.validation import Validator
from app.i18n import N_, _
from app.services import access
from app.services.errors import NotFound

# What the person is shown when asked, unless the dealership words it otherwise.
DEFAULT_WORDING = {
    ConsentChannel.EMAIL.value: N_(
        "I agree that the dealership may send me offers and news about vehicles and services "
        "by e-mail. I can withdraw this consent at any time, without giving a reason."
    ),
    ConsentChannel.PHONE.value: N_(
        "I agree that the dealership may call me about offers and news on vehicles and "
        "services. I can withdraw this consent at any time, without giving a reason."
    ),
    ConsentChannel.SMS.value: N_(
        "I agree that the dealership may send me offers and news about vehicles and services "
        "by text message (SMS). I can withdraw this consent at any time, without giving a "
        "reason."
    ),
}
MAX_WORDING = 4_000
# A statement dated later than this is a typing error, not a future consent.
_LEEWAY = timedelta(minutes=10)
_EARLIEST = datetime(1990, 1, 1)


def default_wording(channel: str) -> str:
    """The standard wording for the channel, in the screen's language."""
    return _(DEFAULT_WORDING[channel])


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    id: int
    channel: str
    given: bool
    at: datetime
    method: str
    wording: str
    recorded_by: str
    recorded_at: datetime

    @property
    def channel_label(self) -> str:
        return ConsentChannel(self.channel).label

    @property
    def method_label(self) -> str:
        try:
            return ConsentMethod(self.method).label
        except ValueError:
            return self.method


@dataclass
class ConsentInput:
    channel: str = ConsentChannel.EMAIL.value
    given: bool = True
    method: str = ""
    wording: str = ""
    at: datetime | None = None  # None: now


def _record(row: m.MarketingConsent) -> ConsentRecord:
    user = m.User.get_or_none(m.User.id == row.changed_by) if row.changed_by else None
    return ConsentRecord(
        id=row.id,
        channel=row.channel,
        given=bool(row.given),
        at=row.at,
        method=row.method,
        wording=row.wording,
        recorded_by=user.full_name if user else "",
        recorded_at=row.created_at,
    )


def _subject(account_id: int | None, lead_id: int | None) -> tuple[str, int]:
    if (account_id is None) == (lead_id is None):
        raise ValueError("a consent belongs to one customer or one lead")
    if account_id is not None:
        if m.Account.get_or_none(m.Account.id == account_id) is None:
            raise NotFound(_("Customer #{id} no longer exists.").format(id=account_id))
        return "account", account_id
    assert lead_id is not None
    if m.Lead.get_or_none(m.Lead.id == lead_id) is None:
        raise NotFound(_("Lead #{id} no longer exists.").format(id=lead_id))
    return "lead", lead_id


def history(account_id: int | None = None, lead_id: int | None = None) -> list[ConsentRecord]:
    """Every statement of the customer or the lead, oldest first."""
    access.require(Right.READ_SALES)
    return [_record(r) for r in db.history(account_id, lead_id)]


def current(
    account_id: int | None = None, lead_id: int | None = None
) -> dict[str, ConsentRecord | None]:
    """What holds now per channel: the latest statement, or None where none was made."""
    access.require(Right.READ_SALES)
    now: dict[str, ConsentRecord | None] = {c.value: None for c in ConsentChannel}
    for row in history(account_id, lead_id):
        now[row.channel] = row  # oldest first: the last one wins
    return now


def _state(row: ConsentRecord | None) -> str:
    if row is None:
        return "none"
    return "given" if row.given else "withdrawn"


def record(
    data: ConsentInput, account_id: int | None = None, lead_id: int | None = None
) -> ConsentRecord:
    """Add a statement to the customer's or the lead's history, in one transaction, and
    note it in the audit log. Consent needs the wording the person was shown; a withdrawal
    may go without. Refused with a ValidationError at the field."""
    access.require(Right.SELL)
    v = Validator()
    try:
        channel = ConsentChannel(data.channel).value
    except ValueError:
        channel = ""
        v.error("channel", _("Choose e-mail, phone or SMS."))
    try:
        method = ConsentMethod(data.method).value if data.method else ""
    except ValueError:
        method = ""
    if not method:
        v.error("method", _("Say how the consent was given or withdrawn."))
    wording = data.wording.strip()
    if data.given and not wording:
        v.error("wording", _("Give the wording the person agreed to: consent is to a text."))
    elif len(wording) > MAX_WORDING:
        v.error(
            "wording",
            _("The wording is {n} characters long; keep it to {most}.").format(
                n=len(wording), most=MAX_WORDING
            ),
        )
    elif "\x00" in wording:
        v.error("wording", _("The wording holds a character that cannot be kept (NUL)."))
    at = data.at or m.now()
    if at > m.now() + _LEEWAY:
        v.error("at", _("The time is in the future; give when it was said."))
    elif at < _EARLIEST:
        v.error("at", _("The time is before 1990; check the date."))
    v.raise_if_any()
    with transaction():
        entity, entity_id = _subject(account_id, lead_id)
        before = current(account_id, lead_id)[channel]
        row = db.add(
            account_id, lead_id, channel, data.given, at.replace(microsecond=0), method, wording
        )
        m.write_audit(
            entity,
            entity_id,
            "consent",
            {
                f"marketing consent ({channel})": (
                    _state(before),
                    "given" if data.given else "withdrawn",
                )
            },
        )
    return _record(row)


def export_rows(
    account_id: int | None = None, lead_id: int | None = None
) -> list[dict[str, object]]:
    """The history as plain data, for the personal-data export."""
    return [
        {
            "channel": r.channel,
            "given": r.given,
            "at": r.at.isoformat(sep=" ", timespec="seconds"),
            "how": r.method,
            "wording": r.wording,
            "recorded_by": r.recorded_by,
            "recorded_at": r.recorded_at.isoformat(sep=" ", timespec="seconds"),
        }
        for r in history(account_id, lead_id)
    ]


def end_for_anonymisation(
    account_id: int | None = None,
    lead_id: int | None = None,
    scrub: Callable[[str], str] | None = None,
) -> int:
    """What anonymising a person does to their consents: every consent still given is
    withdrawn (there is no one left to contact), and the wordings lose the person's name
    where it stood. Joins the caller's transaction; returns how many were withdrawn."""
    ended = 0
    for row in db.history(account_id, lead_id):
        if scrub is not None and row.wording:
            cleaned = scrub(row.wording)
            if cleaned != row.wording:
                db.rewrite_wording(row.id, cleaned)
    for channel, latest in current(account_id, lead_id).items():
        if latest is not None and latest.given:
            db.add(account_id, lead_id, channel, False, m.now(), ConsentMethod.ANONYMISED.value, "")
            ended += 1
    return ended
