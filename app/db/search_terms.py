"""A search's terms as the opportunity list reads them: each word of the search as the
opportunities it finds (a SELECT of their ids) and as a test of one opportunity, from the
trigram index (three characters or more) or the table of word starts (one or two); a
search also read as a phone number; a term made safe for LIKE."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.db.connection import is_sqlite
from app.db.steps.opportunity_starts import STARTS as OPPORTUNITY_STARTS
from app.db.steps.search_sort_keys import PHONE_SEARCH
from app.domain.text import (
    SUBSTRING_MIN_LENGTH,
    brand_names_read,
    fold,
    search_words,
    words_of,
)

# FTS5 keeps the text of opportunity_search in this table (rowid `id`, column `c0`), and
# since schema 7 the opportunity's status beside it (column `c1`).
# A search term too short for the trigram index is a LIKE over every row: scanning this
# plain table is several times faster than scanning through the virtual table.
_SEARCH_TEXT = "opportunity_search_content"


def _text_terms(text: str) -> list[str]:
    """The words of a search, folded as the search index holds the text (no case, no
    accents: "Škoda" -> "skoda"), so a term typed either way finds the same rows; a
    brand's short form read as its name ("vw": "volkswagen")."""
    return brand_names_read([t for t in map(fold, search_words(text)) if t])


def _like(term: str) -> str:
    return "%" + escape_like(term) + "%"


def after(prefix: str) -> str:
    """The first text past every text that starts with `prefix`, in code-point order (as
    SQLite and the server's "C" collation compare): the end of the prefix's range."""
    last = ord(prefix[-1]) + 1
    if 0xD800 <= last <= 0xDFFF:  # surrogates are no characters: the range goes on after them
        last = 0xE000
    return prefix[:-1] + chr(min(last, 0x10FFFF))


@dataclass(frozen=True, slots=True)
class Term:
    """One word of a search, as the opportunities it finds (`source`: a SELECT of their
    ids, column `id`, optionally of one status) and as a test of one opportunity `o`
    (`check`). A term of three letters or more is found anywhere in the search text (the
    trigram index); a shorter one at the start of a word (the table of words)."""

    source: str
    source_params: tuple[Any, ...]
    source_status: str  # the source narrowed to one status: a clause with one parameter
    check: str
    check_params: tuple[Any, ...]
    # The column of the check's table that holds the status: the check narrowed to one
    # status reads no row of opportunity.
    check_status: str
    # The source as a list to test rows against (IN), where it differs: an id once for
    # each of its words that match (the list is made of distinct ids anyway), narrowed to
    # one status as it is read (the table of words holds each one's status).
    listed_source: str = ""
    # The word's start a term of one or two letters is (SQLite; "" for any other term).
    start: str = ""
    # A term of three characters or more that is one word (no separator in it), which a
    # word of the text holds wherever the text holds it ("" otherwise).
    word: str = ""

    def select(self, status: str | None) -> tuple[str, list[Any]]:
        if status is None:
            return self.source, list(self.source_params)
        return f"{self.source} AND {self.source_status}", [*self.source_params, status]

    def listed(self, status: str | None) -> tuple[str, list[Any]]:
        """The ids to test rows against, of this status where that reads nothing more
        (else of every status: the rows' own is tested where they are walked)."""
        if not self.listed_source:
            return self.select(None)
        if status is None:
            return self.listed_source, list(self.source_params)
        return f"{self.listed_source} AND {self.source_status}", [*self.source_params, status]

    def check_of(self, status: str) -> tuple[str, list[Any]]:
        """The check, and that the opportunity has this status."""
        return f"{self.check[:-1]} AND {self.check_status} = ?)", [*self.check_params, status]


# A trigram match's status, read from the opportunities' status index (its entries are
# the status and the id: a seek in a few megabytes) rather than from the search index's
# stored text beside it, which reading would load each match's text: among the open ones
# at 300,000 opportunities, "wvwzzz" (25,000 matches, 9,800 open) counted in 86 ms so,
# 41 ms by the index; "gol" 51 and 18 ms. (Left to choose, SQLite seeks the row by its
# id and reads the status from the row, which costs as much as the text.)
_STATUS_BY_INDEX = (
    "EXISTS (SELECT 1 FROM opportunity x INDEXED BY opportunity_status "
    "WHERE x.status = ? AND x.id = opportunity_search.rowid)"
)


def _substring_term(term: str) -> Term:
    """A term found anywhere in the search text."""
    like = (_like(term),)
    if not is_sqlite():
        # The folded text in the server's search table, whose trigram index answers a
        # LIKE of three characters or more.
        return Term(
            "SELECT id FROM opportunity_search WHERE body LIKE ? ESCAPE '\\'",
            like,
            "status = ?",
            "EXISTS (SELECT 1 FROM opportunity_search c "
            "WHERE c.id = o.id AND c.body LIKE ? ESCAPE '\\')",
            like,
            "c.status",
            word=term if words_of(term) == [term] else "",
        )
    check = f"EXISTS (SELECT 1 FROM {_SEARCH_TEXT} c WHERE c.id = o.id AND c.c0 LIKE ? ESCAPE '\\')"
    if len(term) < SUBSTRING_MIN_LENGTH:
        # Punctuation alone ("%", "-"), which no word holds: every text read.
        return Term(
            f"SELECT id FROM {_SEARCH_TEXT} WHERE c0 LIKE ? ESCAPE '\\'",
            like,
            "c1 = ?",
            check,
            like,
            "c.c1",
        )
    # A quoted FTS5 phrase: with the trigram tokenizer it is a substring match.
    phrase = ('"' + term.replace('"', '""') + '"',)
    return Term(
        "SELECT rowid AS id FROM opportunity_search WHERE body MATCH ?",
        phrase,
        _STATUS_BY_INDEX,
        check,
        like,
        "c.c1",
        word=term if words_of(term) == [term] else "",
    )


def _start_term(part: str) -> Term:
    """A word's start of one or two characters on the server: one key of the table of each
    opportunity's word starts (schema step opportunity_starts), by status too."""
    return Term(
        f"SELECT opportunity_id AS id FROM {OPPORTUNITY_STARTS} WHERE start = ?",
        (part,),
        "status = ?",
        f"EXISTS (SELECT 1 FROM {OPPORTUNITY_STARTS} w "
        "WHERE w.opportunity_id = o.id AND w.start = ?)",
        (part,),
        "w.status",
    )


def search_terms(text: str) -> list[Term]:
    """The terms of a search: three characters or more are found anywhere in the text (the
    trigram index), one or two at the start of a word (the table of words; each word of
    the term when punctuation parts it: "o'" is "o")."""
    terms: list[Term] = []
    for term in _text_terms(text):
        parts = words_of(term) if len(term) < SUBSTRING_MIN_LENGTH else []
        if not parts:
            terms.append(_substring_term(term))
        for part in parts:
            if not is_sqlite():
                terms.append(_start_term(part))
                continue
            bounds = (part, after(part))
            terms.append(
                Term(
                    "SELECT DISTINCT opportunity_id AS id FROM opportunity_word "
                    "WHERE word >= ? AND word < ?",
                    bounds,
                    "status = ?",
                    "EXISTS (SELECT 1 FROM opportunity_word w "
                    "WHERE w.opportunity_id = o.id AND w.word >= ? AND w.word < ?)",
                    bounds,
                    "w.status",
                    # (A DISTINCT here sorted the 45,000 entries of "wv" at 300,000
                    # opportunities once more: 40-50 ms.)
                    "SELECT opportunity_id AS id FROM opportunity_word "
                    "WHERE word >= ? AND word < ?",
                    part,
                )
            )
    return terms


def phone_accounts(parts: int) -> str:
    """A SELECT of the ids (column `id`) of the customers whose phone number holds any of
    `parts` LIKE patterns (parameters "%digits%"): on SQLite from the numbers' trigram index
    (schema step search_sort_keys), on the server by its own (schema step search_sorts)."""
    if not is_sqlite():
        return "SELECT id FROM account WHERE " + " OR ".join(["phone_key LIKE ?"] * parts)
    return " UNION ".join(
        [f"SELECT rowid AS id FROM {PHONE_SEARCH} WHERE phone_key LIKE ?"] * parts
    )


def escape_like(term: str) -> str:
    """A term for LIKE ... ESCAPE '\\': its wildcards and the escape character as themselves."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True, slots=True)
class TermsOrPhone:
    """A search also read as a phone number: every term found, or the customer's number
    holding the digits; as one term (see Term)."""

    terms: tuple[Term, ...]
    phones: tuple[str, ...]

    def _accounts(self) -> str:
        return phone_accounts(len(self.phones))

    def listed(self, status: str | None) -> tuple[str, list[Any]]:
        """The ids to test rows against: of every status (see Term.listed)."""
        return self.select(None)

    def select(self, status: str | None) -> tuple[str, list[Any]]:
        first, others = self.terms[0], self.terms[1:]
        source, params = first.select(status)
        found = f"SELECT o.id FROM ({source}) o"
        if others:
            found += " WHERE " + " AND ".join(t.check for t in others)
            params += [p for t in others for p in t.check_params]
        # The customers holding the number, then their opportunities from the customer's
        # index: SQLite, told the order, reads no other row (left to choose, it read every
        # open one by the status index to test its customer: 1-3 s at 300,000).
        join = "CROSS JOIN" if is_sqlite() else "JOIN"
        by_phone = f"SELECT o.id FROM ({self._accounts()}) a {join} opportunity o "
        by_phone += "ON o.account_id = a.id"
        params += [f"%{p}%" for p in self.phones]
        if status is not None:
            by_phone += " WHERE o.status = ?"
            params.append(status)
        return f"SELECT id FROM ({found} UNION {by_phone}) u", params

    @property
    def check(self) -> str:
        every = " AND ".join(t.check for t in self.terms)
        return f"(({every}) OR o.account_id IN ({self._accounts()}))"

    @property
    def check_params(self) -> tuple[Any, ...]:
        return (*(p for t in self.terms for p in t.check_params), *(f"%{p}%" for p in self.phones))
