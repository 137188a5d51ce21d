"""The domain's texts: every choice has a label (the same English as before), and the
messages read in the screen's language, plurals by the language's rules."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app import i18n
from app.domain import choices, documents, master_data, money, quotes, rights, validation, vin
from app.domain.choices import Channel, Choice, Condition, LeadStatus
from app.domain.quotes import LineKind, QuoteLine
from tests.catalogues import catalogue

# The labels before they were marked for translation: these, else the code capitalised.
_BEFORE = {
    "web_form": "Web form",
    "walk_in": "Walk-in",
    "email": "E-mail",
    "sales_manager": "Sales manager",
    "dealer_group": "Dealer group",
    "new_vehicle_sales": "New-vehicle sales",
    "used_vehicle_sales": "Used-vehicle sales",
    "trade_in": "Trade-in",
    "co_buyer": "Co-buyer",
    "ex_demo": "Ex-demo",
}
# Every list of the domain (each module holding one is imported above, so the lists are the
# same whichever tests were collected first).
LISTS: list[type[Choice]] = Choice.__subclasses__()
assert {quotes.LineKind, documents.DocumentKind, choices.Channel, rights.Right} <= set(LISTS)


# Lists made after the labels were marked: they have no "before" to read as.
_MARKED_FROM_THE_START = {
    choices.ConsentChannel,
    choices.ConsentMethod,
    rights.Right,
    master_data.PriceBasis,
    master_data.ListKind,
}
# Members added to an older list after its labels were marked.
_ADDED_LATER = {(choices.UserRole, "read_only"), (choices.UserRole, "scheduler")}


@pytest.mark.parametrize("choice", LISTS, ids=lambda c: c.__name__)
def test_every_choice_reads_as_it_did_in_english(choice: type[Choice]) -> None:
    if choice in _MARKED_FROM_THE_START:
        for member in choice:
            assert member.label == member.english and choice.parse(member.label) is member
        return
    for member in choice:
        if (choice, member.value) in _ADDED_LATER:
            assert member.label == member.english and choice.parse(member.label) is member
            continue
        before = _BEFORE.get(member.value, member.value.replace("_", " ").capitalize())
        assert member.label == member.english == before
        assert choice.parse(before) is member and choice.parse(member.value) is member


def test_a_list_without_a_label_for_each_code_is_refused() -> None:
    with pytest.raises(ValueError, match="no label"):

        @choices.labelled({"one": ("test", "One")})
        class _Half(Choice):
            ONE = "one"
            TWO = "two"


GERMAN = [
    ("channel", "Walk-in", "Laufkundschaft"),
    ("condition", "New", "Neu"),
    ("lead status", "New", "Neuer Lead"),
    (None, "{label} cannot be empty.", "{label} darf nicht leer sein."),
    (
        None,
        (
            "{label} is too long ({length} character; at most {limit}).",
            "{label} is too long ({length} characters; at most {limit}).",
        ),
        (
            "{label} ist zu lang ({length} Zeichen; höchstens {limit}).",
            "{label} ist zu lang ({length} Zeichen; höchstens {limit}).",
        ),
    ),
    (
        None,
        (
            "A VIN has 17 characters; this one has {n}.",
            "A VIN has 17 characters; this one has {n}.",
        ),
        (
            "Eine FIN hat 17 Zeichen; diese hat {n} Zeichen.",
            "Eine FIN hat 17 Zeichen; diese hat {n} Zeichen.",
        ),
    ),
    (
        None,
        "“{text}” is not an amount in {language}: type it as {example}.",
        "„{text}“ ist kein Betrag auf {language}: schreiben Sie ihn als {example}.",
    ),
    (None, "Line {number} ({description})", "Position {number} ({description})"),
    (None, "{line}: the quantity must be more than 0.", "{line}: die Menge muss über 0 liegen."),
    ("quote status in a sentence", "draft", "Entwurf"),
    ("quote status in a sentence", "accepted", "angenommen"),
    (None, "A quote cannot go from {current} to {target}.", "Von {current} nicht zu {target}."),
]


def test_labels_and_messages_follow_the_screens_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with catalogue(tmp_path / "translations", monkeypatch, GERMAN) as german:
        assert Channel.WALK_IN.translated(german) == "Laufkundschaft"
        assert Channel.WALK_IN.label == "Walk-in"  # the screen is still English
        i18n.set_language("de")
        assert Channel.WALK_IN.label == "Laufkundschaft"
        assert Channel.WALK_IN.english == "Walk-in"
        # One English word, two lists, two translations.
        assert (Condition.NEW.label, LeadStatus.NEW.label) == ("Neu", "Neuer Lead")
        assert Channel.parse("Laufkundschaft") is Channel.parse("Walk-in") is Channel.WALK_IN

        v = validation.Validator()
        v.require("topic", " ", "Thema")
        v.optional("city", "x" * 101, "Ort", 100)
        assert v.errors == {
            "topic": "Thema darf nicht leer sein.",
            "city": "Ort ist zu lang (101 Zeichen; höchstens 100).",
        }
        assert vin.format_error("WVW") == "Eine FIN hat 17 Zeichen; diese hat 3 Zeichen."
        with pytest.raises(
            money.MoneyError,
            match=r"„abc“ ist kein Betrag auf Deutsch: schreiben Sie ihn als 12\.500,50",
        ):
            money.parse_amount("abc")
        lines = [QuoteLine(LineKind.OPTION, "Tow bar", Decimal(0), Decimal(900), Decimal(19))]
        checked = quotes.validate_lines(lines, "EUR")
        assert checked.errors["lines.0.quantity"] == (
            "Position 1 (Tow bar): die Menge muss über 0 liegen."
        )
        assert quotes.move_error("accepted", "draft", 1) == "Von angenommen nicht zu Entwurf."


def test_the_english_messages_keep_their_words() -> None:
    v = validation.Validator()
    v.optional("city", "x" * 101, "City", 100)
    v.choice("channel", "pigeon", Channel, "channel")
    assert v.errors["city"] == "City is too long (101 characters; at most 100)."
    assert v.errors["channel"] == (
        "“pigeon” is not a known channel; pick one of: Web form, Phone, Walk-in, E-mail, "
        "Trade show, Referral, Existing customer, Other."
    )
    assert vin.format_error("WVWZZZ1KZ6W00000") == "A VIN has 17 characters; this one has 16."
    assert vin.format_error("WVWZZZ1KZ6W0000IO").startswith("A VIN never contains I or O: ")
    assert vin.format_error("WVWZZZ1KZ6W000IOQ").startswith("A VIN never contains I or O or Q:")
    assert quotes.move_error("accepted", "draft", 1) == (
        "A quote cannot go from accepted to draft."
    )
    lines = [QuoteLine(LineKind.OPTION, "", Decimal("1.0001"), Decimal(-1), Decimal(19))]
    errors = quotes.validate_lines(lines, "EUR").errors
    assert errors == {
        "lines.0.description": "Line 1: the description cannot be empty.",
        "lines.0.quantity": "Line 1: the quantity has more than 3 decimals.",
        "lines.0.unit_price": "Line 1: the unit price cannot be negative (-1).",
    }
