"""The names Showroom ships as data (the standard stages, the kinds of sales process, the lost,
disqualify and note reasons, the channels, payment interests and activity outcomes), each
with a stable key.

The database keeps a shipped row's key beside its name (schema 8). The program compares
keys, never the English text, and shows a shipped name translated unless an administrator
has renamed it: ``display_name(row.key, row.name)``. A row an administrator added has no key
and always shows its name as stored.
"""

from __future__ import annotations

from app.i18n import NP_, Translator, current

# The standard process's stages in order (DESIGN.md): key -> (context, English name).
STAGES: dict[str, tuple[str, str]] = {
    "qualify": NP_("stage", "Qualify"),
    "interest": NP_("stage", "Interest"),
    "quotation": NP_("stage", "Quotation"),
    "contract": NP_("stage", "Contract"),
    "delivery": NP_("stage", "Delivery"),
    "won": NP_("stage", "Won"),
    "lost": NP_("stage", "Lost"),
}

# The open stages in the order automatic moves go through them.
PROCESS_ORDER: tuple[str, ...] = ("qualify", "interest", "quotation", "contract", "delivery")

KINDS: dict[str, tuple[str, str]] = {
    "standard": NP_("sales process", "Standard"),
    "without_stages": NP_("sales process", "Without stages"),
}

# By the reason table's kind column: "lost", "won", "disqualify", "note".
REASONS: dict[str, dict[str, tuple[str, str]]] = {
    "lost": {
        "price": NP_("lost reason", "Price"),
        "financing_refused": NP_("lost reason", "Financing refused"),
        "bought_elsewhere": NP_("lost reason", "Bought elsewhere"),
        "bought_another_brand": NP_("lost reason", "Bought another brand"),
        "no_longer_interested": NP_("lost reason", "No longer interested"),
        "delivery_time_too_long": NP_("lost reason", "Delivery time too long"),
        "trade_in_value_too_low": NP_("lost reason", "Trade-in value too low"),
        "cancelled": NP_("lost reason", "Cancelled"),
    },
    # Why the customer bought from us (schema 12); keys apart from the lost reasons' ones.
    "won": {
        "won_price": NP_("won reason", "Price"),
        "won_trade_in_offer": NP_("won reason", "Trade-in offer"),
        "won_availability": NP_("won reason", "Availability"),
        "won_financing_offer": NP_("won reason", "Financing offer"),
        "won_service": NP_("won reason", "Service"),
        "won_referral": NP_("won reason", "Referral"),
        "won_brand_loyalty": NP_("won reason", "Brand loyalty"),
    },
    "disqualify": {
        "not_reachable": NP_("disqualify reason", "Not reachable"),
        "no_purchase_intention": NP_("disqualify reason", "No purchase intention"),
        "duplicate": NP_("disqualify reason", "Duplicate"),
        "spam_or_test_entry": NP_("disqualify reason", "Spam or test entry"),
        "outside_market_area": NP_("disqualify reason", "Outside our market area"),
    },
    "note": {
        "customer_call": NP_("note reason", "Customer call"),
        "visit": NP_("note reason", "Visit"),
        "internal": NP_("note reason", "Internal"),
        "financing": NP_("note reason", "Financing"),
        "trade_in": NP_("note reason", "Trade-in"),
        "complaint": NP_("note reason", "Complaint"),
    },
}

# The lists whose entries records keep by a code rather than by name (schema 19): a
# shipped entry's code is its key, so renaming it changes nothing a record holds. The
# channels' and payment interests' labels are also those of choices.Channel and Interest.
CODED_LISTS: dict[str, dict[str, tuple[str, str]]] = {
    "channel": {
        "web_form": NP_("channel", "Web form"),
        "phone": NP_("channel", "Phone"),
        "walk_in": NP_("channel", "Walk-in"),
        "email": NP_("channel", "E-mail"),
        "trade_show": NP_("channel", "Trade show"),
        "referral": NP_("channel", "Referral"),
        "existing_customer": NP_("channel", "Existing customer"),
        "other": NP_("channel", "Other"),
    },
    "interest": {
        "cash": NP_("interest", "Cash"),
        "finance": NP_("interest", "Finance"),
        "lease": NP_("interest", "Lease"),
    },
    "outcome": {
        "reached": NP_("activity outcome", "Reached"),
        "not_reached": NP_("activity outcome", "Not reached"),
        "left_message": NP_("activity outcome", "Left a message"),
        "appointment_made": NP_("activity outcome", "Appointment made"),
        "call_back": NP_("activity outcome", "Call back"),
        "quote_requested": NP_("activity outcome", "Quote requested"),
        "not_interested": NP_("activity outcome", "Not interested"),
    },
}

# The kind of payment (cash, finance, lease) of each shipped payment interest: a quote's
# payment plan follows the kind of the interest its opportunity names.
PAYMENT_KINDS: dict[str, str] = {"cash": "cash", "finance": "finance", "lease": "lease"}

# Every key of every table, for display_name: the keys are unique across the tables.
_ALL: dict[str, tuple[str, str]] = {
    **STAGES,
    **KINDS,
    **{key: name for names in REASONS.values() for key, name in names.items()},
    **{key: name for names in CODED_LISTS.values() for key, name in names.items()},
}


def english(key: str) -> str:
    """The shipped English name of a key (KeyError for an unknown one)."""
    return _ALL[key][1]


def display_name(key: str | None, stored_name: str, translator: Translator | None = None) -> str:
    """What a user reads for a stage, kind or reason: the shipped name in the screen's (or
    ``translator``'s) language when the row has a key and still carries the shipped English
    name; the stored name when an administrator added or renamed it."""
    if not key or key not in _ALL:
        return stored_name
    context, text = _ALL[key]
    if stored_name != text:
        return stored_name
    translate = (translator or current()).pgettext  # extracted where marked, above
    return translate(context, text)


def reason_display_name(kind: str, stored_name: str, translator: Translator | None = None) -> str:
    """What a user reads for a reason as a record keeps it (by its name: a lost reason on an
    opportunity, a note's reason): a shipped reason of the catalogue `kind` ("lost",
    "disqualify", "note") translated, any other as stored."""
    for key, (_context, text) in REASONS.get(kind, {}).items():
        if text == stored_name:
            return display_name(key, stored_name, translator)
    return stored_name


__all__ = [
    "CODED_LISTS",
    "KINDS",
    "PAYMENT_KINDS",
    "PROCESS_ORDER",
    "REASONS",
    "STAGES",
    "display_name",
    "english",
    "reason_display_name",
]
