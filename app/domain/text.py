"""Text folded for searching: what a salesperson types without accents finds the accented name."""

from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into a base letter and a mark, spelled as a
# keyboard without them would type them. Upper-case forms are case-folded before this.
_LETTERS = str.maketrans(
    {
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ħ": "h",
        "ŧ": "t",
        "ı": "i",
        "þ": "th",
        "ŀ": "l",
        "ĸ": "k",
        "ŋ": "n",
    }
)

# German umlauts as typed where the keyboard has none: "Müller" is also "Mueller".
_UMLAUT_SPELLINGS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def fold(text: str) -> str:
    """The text without case or accents, for comparing what is typed with what is stored:
    "Škoda" -> "skoda", "Weiß" -> "weiss", "Fernández" -> "fernandez", "Łódź" -> "lodz",
    "Попов" -> "попов". Punctuation and spacing stay as they are."""
    if not text:
        return ""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", plain).translate(_LETTERS)


def umlaut_spellings(text: str) -> str:
    """The words of the text that hold a German umlaut, folded with the umlaut spelled out
    ("Müller Straße" -> "mueller"), or "" where there is none: stored beside the folded
    text so that both "muller" and "mueller" find "Müller"."""
    if text.isascii():
        return ""
    words = [
        w
        for w in unicodedata.normalize("NFC", text).casefold().split()
        if any(c in w for c in "äöü")
    ]
    return " ".join(fold(w.translate(_UMLAUT_SPELLINGS)) for w in words)


def searchable(text: str) -> str:
    """What the search index holds for a text: its folded form, followed by the spelled-out
    umlaut spellings of its words where it has any."""
    extra = umlaut_spellings(text)
    folded = fold(text)
    return f"{folded} {extra}" if extra else folded


_SPELLED_UMLAUTS = (("ae", "a"), ("oe", "o"), ("ue", "u"))


def umlauts_unspelled(term: str) -> str:
    """A folded term with spelled-out umlauts read back as the folded letter ("mueller" ->
    "muller"), for matching folded names that keep no spelled-out form; "" when the term
    spells none."""
    if not any(pair in term for pair, _letter in _SPELLED_UMLAUTS):
        return ""
    for pair, letter in _SPELLED_UMLAUTS:
        term = term.replace(pair, letter)
    return term
