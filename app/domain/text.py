"""Text folded for searching: what a salesperson types without accents finds the accented name."""

from __future__ import annotations

import re
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
    if text.isascii():
        return text.lower()  # no accent to fold, no umlaut to spell out
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


# What a search box takes: far more than any name, e-mail or VIN, far less than SQLite's
# limit on a LIKE pattern (50,000 bytes) or what a search index phrase is read in time.
SEARCH_MAX_LENGTH = 200
# More words than this narrow nothing further; each is one more clause in the query.
SEARCH_MAX_WORDS = 12


def search_text(text: str) -> str:
    """What is typed into a search box as it is looked for: at most SEARCH_MAX_LENGTH
    characters, control characters (a NUL among them) and lone surrogates (which cannot be
    encoded) read as spaces, and the spaces around it gone. The wildcards % and _ stay: the
    queries look for them as themselves."""
    cut = text[:SEARCH_MAX_LENGTH]
    return "".join(" " if unicodedata.category(c) in ("Cc", "Cs") else c for c in cut).strip()


def search_words(text: str) -> list[str]:
    """The words of a search box's text (see `search_text`), at most SEARCH_MAX_WORDS."""
    return search_text(text).split()[:SEARCH_MAX_WORDS]


# What sales staff type for a brand, folded, and the brand's name as the search texts hold
# it: "vw" finds the Volkswagens (as two letters it would look for words starting "vw",
# which no name, model or VIN has).
BRAND_SHORT_FORMS = {"vw": "volkswagen"}


def brand_names_read(folded_terms: list[str]) -> list[str]:
    """Folded search terms with a brand's short form read as the brand's name."""
    return [BRAND_SHORT_FORMS.get(term, term) for term in folded_terms]


# What parts a folded search text into words, for the short searches (a term of one or two
# letters looks for word starts): spacing and ASCII punctuation. Written as the same
# character ranges for Python and for PostgreSQL's regular expressions, so that both
# backends hold the same words.
WORD_SEPARATORS = "[\t\n\v\f\r !-/:-@\\[-`{-~]+"
_WORD_SEPARATORS = re.compile(WORD_SEPARATORS)

# A term shorter than this is looked for at the start of the words only: every text holds
# one or two letters somewhere, so such a search would read every text, where the start of
# a word is a range of an index ("go" finds "Golf" and "Gonzalez", not "Lego").
SUBSTRING_MIN_LENGTH = 3


def words_of(folded: str) -> list[str]:
    """The distinct words of a folded text (see `searchable`), in their order:
    "o'brien golf-gti" -> ["o", "brien", "golf", "gti"]."""
    return list(dict.fromkeys(w for w in _WORD_SEPARATORS.split(folded) if w))
