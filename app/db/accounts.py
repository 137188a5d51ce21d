"""The customer queries: the account list (its search, count and sorted page), an account's
opportunities, and writing the match keys of many accounts at once."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from peewee import JOIN

from app.db import models as m
from app.db.connection import case_blind_like, database, is_sqlite, transaction
from app.db.consent import consenting_clause
from app.db.queries import COUNT_LIMIT, fetch_all
from app.db.search_terms import escape_like
from app.db.steps.customer_search import ACCOUNT_SEARCH
from app.db.steps.duplicate_indexes import NAME_ORDER_COLLATION
from app.domain.text import SUBSTRING_MIN_LENGTH, words_of

ACCOUNT_SORT_COLUMNS = {
    "name": "a.sort_name",
    "kind": "a.kind",
    "email": "a.email",
    "phone": "a.phone",
    "postcode": "a.postcode",
    "city": "a.city",
    "open_opportunities": "open_opportunities",
}

# (id, name, kind, e-mail, phone, postcode, city, open opportunities)
AccountListRow = tuple[int, str, str, str, str, str, str, int]


@dataclass(frozen=True, slots=True)
class AccountSearchTerm:
    """One term typed into the customer search, in the forms it is looked for in."""

    text: str  # as typed
    folded: str  # as names are kept for sorting and matching (sort_name)
    phones: tuple[str, ...] = ()  # as part of a normalised phone number; none if not one
    unspelled: str = ""  # the folded form with "ue" read as "u" etc. ("mueller"), if any


def _like(term: str) -> str:
    return f"%{escape_like(term)}%"


_STARTS = "EXISTS (SELECT 1 FROM account_start s WHERE s.account_id = a.id AND s.start = ?)"


def _first_start(terms: Sequence[AccountSearchTerm]) -> str | None:
    """The first word start a search of one or two letters looks for, if it is one."""
    if not terms or terms[0].phones or len(terms[0].folded) >= SUBSTRING_MIN_LENGTH:
        return None
    parts = words_of(terms[0].folded)
    return parts[0] if parts else None


def _phrases(term: AccountSearchTerm) -> list[str] | None:
    """What a term of three characters or more is looked for as (_term_clause's LIKE
    patterns without their wildcards), each at least three characters long, so the trigram
    index (schema step customer_search) finds every customer its LIKEs find; None for a term
    the index cannot answer (a word's start, a part shorter than three characters)."""
    if len(term.folded) < SUBSTRING_MIN_LENGTH and words_of(term.folded) and not term.phones:
        return None
    texts = [term.folded, term.text.lower(), term.text, *term.phones]
    if term.unspelled:
        texts.append(term.unspelled)
    phrases = list(dict.fromkeys(texts))
    if any(len(p) < SUBSTRING_MIN_LENGTH for p in phrases):
        return None
    return phrases


def _match(terms: Sequence[AccountSearchTerm]) -> str | None:
    """The FTS5 query of `account_search` that finds every customer the terms' LIKEs find on
    SQLite (and some they do not: its case folding reaches past ASCII, and a term may run
    across two columns), or None where no term can be looked up there."""
    if not is_sqlite():
        return None
    found = [p for p in map(_phrases, terms) if p is not None]
    if not found:
        return None
    # A quoted FTS5 phrase is a substring match with the trigram tokenizer.
    quoted = [" OR ".join('"' + p.replace('"', '""') + '"' for p in ps) for ps in found]
    return " AND ".join(f"({q})" for q in quoted)


def _found(
    terms: Sequence[AccountSearchTerm], kind: str | None, consent: str | None
) -> tuple[str, list[object]]:
    """A SELECT of the ids (column `id`) of the filter's customers. A search starting with a
    term of one or two letters reads that term's customers from `account_start` and tests
    the rest on each, rather than leave the server to join every customer's id to them. On
    SQLite a search of longer terms reads its customers from the trigram index and tests
    each of those, in the index's order, so a bound on the rows stops the reading."""
    start = _first_start(terms)
    if start is None:
        where, params = _account_where(terms, kind, consent)
        match = _match(terms)
        if match is not None:
            source = f"{ACCOUNT_SEARCH} CROSS JOIN account a ON a.id = {ACCOUNT_SEARCH}.rowid"
            sql = f"SELECT a.id FROM {source}{where} AND {ACCOUNT_SEARCH} MATCH ?"
            return sql, [*params, match]
        return f"SELECT a.id FROM account a{where}", params
    rest = [replace(terms[0], folded=" ".join(words_of(terms[0].folded)[1:])), *terms[1:]]
    where, params = _account_where([t for t in rest if t.folded], kind, consent)
    if not where:  # nothing else to test: no customer is read
        return "SELECT account_id AS id FROM account_start WHERE start = ?", [start]
    join = "CROSS JOIN" if is_sqlite() else "JOIN"
    sql = f"SELECT a.id FROM account_start f {join} account a ON a.id = f.account_id{where}"
    return f"{sql} AND f.start = ?", [*params, start]


def _by_name(
    terms: Sequence[AccountSearchTerm],
    kind: str | None,
    consent: str | None,
    direction: str,
    start: str,
) -> tuple[str, list[object]]:
    """The ids of a page by name of a search starting with a word start: the start's
    entries in the name's order (account_start_name), each tested for the rest, so the
    page is the range's first entries that pass, whatever the count."""
    rest = [t for t in terms[1:] if t.folded]
    where, params = _account_where(rest, kind, consent)
    order = f"ORDER BY f.sort_name {direction}, f.account_id {direction} LIMIT ? OFFSET ?"
    if not where:
        return f"SELECT f.account_id FROM account_start f WHERE f.start = ? {order}", [start]
    join = "CROSS JOIN" if is_sqlite() else "JOIN"
    sql = f"SELECT f.account_id FROM account_start f {join} account a ON a.id = f.account_id"
    return f"{sql}{where} AND f.start = ? {order}", [*params, start]


def _term_clause(term: AccountSearchTerm) -> tuple[str, list[object]]:
    """One term's clause over `account a`. One or two letters find the start of a word of
    the customer's name, e-mail, phone or postcode (`account_start`, schema step
    word_starts; each word of the term where punctuation parts it), as the opportunity and
    lead lists read them; longer terms anywhere (on the server by the columns' trigram
    indexes), the city too."""
    parts = words_of(term.folded) if len(term.folded) < SUBSTRING_MIN_LENGTH else []
    if parts and not term.phones:
        clause = " AND ".join([_STARTS] * len(parts))
        return f"({clause})", list(parts)
    # The name is matched in its folded form (sort_name), so "muller" finds "Müller" and
    # "попов" "Попов"; a phone number in its normalised form as well as typed.
    like = _like(term.text)
    ilike = case_blind_like()
    clause = (
        f"(a.sort_name LIKE ? ESCAPE '\\' OR a.email_key LIKE ? ESCAPE '\\' "
        f"OR a.phone LIKE ? ESCAPE '\\' OR a.city {ilike} ? ESCAPE '\\' "
        f"OR a.postcode {ilike} ? ESCAPE '\\'"
        + " OR a.sort_name LIKE ? ESCAPE '\\'" * bool(term.unspelled)
        + " OR a.phone_key LIKE ?" * len(term.phones)
        + ")"
    )
    params: list[object] = [
        _like(term.folded),
        _like(term.text.lower()),
        like,
        like,
        escape_like(term.text) + "%",
    ]
    params.extend([_like(term.unspelled)] if term.unspelled else [])
    params.extend(f"%{p}%" for p in term.phones)
    return clause, params


def _account_where(
    terms: Sequence[AccountSearchTerm], kind: str | None, consent: str | None = None
) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    for term in terms:
        clause, more = _term_clause(term)
        clauses.append(clause)
        params.extend(more)
    if kind:
        clauses.append("a.kind = ?")
        params.append(kind)
    if consent:  # a channel: those whose latest statement for it gives consent
        clauses.append(consenting_clause("a", "account_id"))
        params.append(consent)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def count_accounts(
    terms: Sequence[AccountSearchTerm], kind: str | None, consent: str | None = None
) -> int:
    """How many customers the filter holds; a search's count stops at COUNT_LIMIT + 1
    (which stands for "more than COUNT_LIMIT")."""
    if not terms:
        where, params = _account_where(terms, kind, consent)
        return int(fetch_all(f"SELECT count(*) FROM account a{where}", params)[0][0])
    found, params = _found(terms, kind, consent)
    sql = f"SELECT count(*) FROM ({found} LIMIT ?) n"
    return int(fetch_all(sql, [*params, COUNT_LIMIT + 1])[0][0])


# A customer's sort column (an expression the same in value and order replaces it).
_UNINDEXED = re.compile(r"\ba\.(\w+)")

# The customer's columns the list shows or sorts by.
_LISTED = ("id", "name", "kind", "email", "phone", "postcode", "city", "sort_name")


def account_page(
    terms: Sequence[AccountSearchTerm],
    kind: str | None,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
    consent: str | None = None,
    count: int | None = None,
) -> list[AccountListRow]:
    """A sorted page; `count` is the filter's count if known (count_accounts)."""
    where, params = _account_where(terms, kind, consent)
    direction = "DESC" if descending else "ASC"
    key = ACCOUNT_SORT_COLUMNS.get(sort, "a.sort_name")
    source = "account a"
    tie = "a.id"
    start = _first_start(terms)
    if start is not None and sort == "name":
        ids, params = _by_name(terms, kind, consent, direction, start)
        params += [limit, offset]
        where, limit, offset = f" WHERE a.id IN ({ids})", limit, 0
    elif terms and is_sqlite() and _match(terms) is not None:
        if count is None:
            count = count_accounts(terms, kind, consent)
        if count <= COUNT_LIMIT:
            # Its customers read from the trigram index and sorted; a common term (more than
            # the bound) walks down the list's order testing each, where it meets the page
            # soon, rather than read them all.
            found, params = _found(terms, kind, consent)
            matches = [r[0] for r in fetch_all(found, params)]
            return _rows_of(matches, sort, descending, limit, offset)
    elif terms and not is_sqlite():
        if count is None:
            count = count_accounts(terms, kind, consent)
        if count <= COUNT_LIMIT and _first_start(terms) is not None:
            # The term's customers looked up by id and sorted: the server's planner, which
            # cannot tell how few they are, joined every customer's id to them, or walked
            # the name's index testing each customer ("ro": the Rossis come late).
            found, params = _found(terms, kind, consent)
            source = (
                f"({found}) m CROSS JOIN LATERAL (SELECT {', '.join(_LISTED)} "
                "FROM account x WHERE x.id = m.id OFFSET 0) a"
            )
            where = ""
        elif count <= COUNT_LIMIT:
            # Read from the columns' trigram indexes and sorted by keys no index holds, for
            # the same reason.
            key = _UNINDEXED.sub(lambda c: f"(a.{c[1]} || '')", key)
            tie = "(a.id + 0)"
    sql = (
        "SELECT a.id, a.name, a.kind, a.email, a.phone, a.postcode, a.city, "
        "(SELECT count(*) FROM opportunity o WHERE o.account_id = a.id AND o.status = 'open') "
        f"AS open_opportunities FROM {source}{where} "
        f"ORDER BY {key} {direction}, {tie} {direction} LIMIT ? OFFSET ?"
    )
    return fetch_all(sql, [*params, limit, offset])  # type: ignore[return-value]


def account_count_and_first_page(
    terms: Sequence[AccountSearchTerm],
    kind: str | None,
    sort: str,
    descending: bool,
    limit: int,
    consent: str | None = None,
) -> tuple[int, list[AccountListRow]]:
    """The filter's count (a search's up to COUNT_LIMIT + 1) and its first `limit` rows:
    what the customer list reads for each filter."""
    if terms and is_sqlite() and _first_start(terms) is None:
        # A term of three characters or more: its matches' ids collected once as they are
        # counted (read from the trigram index, or where it cannot answer by testing every
        # customer), and the page read from them; a common term's page (more than the
        # bound) walks down the list's order testing each customer until it is full.
        found, params = _found(terms, kind, consent)
        ids = [r[0] for r in fetch_all(f"{found} LIMIT ?", [*params, COUNT_LIMIT + 1])]
        if len(ids) <= COUNT_LIMIT:
            return len(ids), _rows_of(ids, sort, descending, limit)
        return len(ids), account_page(terms, kind, sort, descending, 0, limit, consent, len(ids))
    count = count_accounts(terms, kind, consent)
    if not count:
        return 0, []
    return count, account_page(terms, kind, sort, descending, 0, limit, consent, count)


def _rows_of(
    ids: list[int], sort: str, descending: bool, limit: int, offset: int = 0
) -> list[AccountListRow]:
    """`limit` of these customers from `offset` in the list's order (SQLite: the ids as one
    JSON parameter, whatever their number)."""
    if not ids:
        return []
    direction = "DESC" if descending else "ASC"
    key = ACCOUNT_SORT_COLUMNS.get(sort, "a.sort_name")
    sql = (
        "SELECT a.id, a.name, a.kind, a.email, a.phone, a.postcode, a.city, "
        "(SELECT count(*) FROM opportunity o WHERE o.account_id = a.id AND o.status = 'open') "
        "AS open_opportunities FROM account a WHERE a.id IN (SELECT value FROM json_each(?)) "
        f"ORDER BY {key} {direction}, a.id {direction} LIMIT ? OFFSET ?"
    )
    return fetch_all(sql, [json.dumps(ids), limit, offset])  # type: ignore[return-value]


def account_opportunities(account_id: int) -> list[m.Opportunity]:
    """The account's opportunities with their stages, the open ones first, then by est.
    close date, latest first."""
    return list(
        m.Opportunity.select(m.Opportunity, m.Stage)
        .join(m.Stage, on=(m.Opportunity.stage == m.Stage.id), join_type=JOIN.LEFT_OUTER)
        .where(m.Opportunity.account == account_id)
        .order_by(m.Opportunity.status != "open", m.Opportunity.est_close_date.desc())
    )


def names_for_match_keys(only_missing: bool) -> list[tuple[int, str, str, str, str, str, str]]:
    """(id, name, first name, last name, company name, e-mail, phone) of the accounts whose
    match keys are to be written: those without them, or all."""
    query = m.Account.select(
        m.Account.id,
        m.Account.name,
        m.Account.first_name,
        m.Account.last_name,
        m.Account.company_name,
        m.Account.email,
        m.Account.phone,
    )
    if only_missing:
        query = query.where((m.Account.sort_name == "") | (m.Account.name_key == ""))
    return list(query.tuples())


def write_match_keys(rows: Iterable[tuple[str, str, str, str, int]]) -> None:
    """(e-mail key, phone key, name key, sort name, id) for each account, in one transaction."""
    sql = (
        "UPDATE account SET email_key = ?, phone_key = ?, name_key = ?, sort_name = ? WHERE id = ?"
    )
    with transaction():
        database.connection().cursor().executemany(sql.replace("?", database.param), list(rows))


# Every column that points at an account; a merge moves them all. Activities must move
# before the dropped account goes: their link cascades, so they would be deleted with it.
# Quotes, order forms and orders hang off the opportunities and travel with them.
ACCOUNT_LINKS = [
    (m.Opportunity, m.Opportunity.account),
    (m.Contact, m.Contact.account),
    (m.Activity, m.Activity.account),
    (m.Lead, m.Lead.converted_account),
    (m.MarketingConsent, m.MarketingConsent.account),
]


def move_account_links(drop_id: int, keep_id: int) -> None:
    """Everything that points at the dropped account points at the kept one. Joins the
    caller's transaction."""
    for model, column in ACCOUNT_LINKS:
        # As a save would: audited, each a new version.
        m.update_rows(model, column == drop_id, **{column.name: keep_id})


def account_exists(account_id: int) -> bool:
    return bool(m.Account.select().where(m.Account.id == account_id).exists())


def accounts_with(key: str, value: str, limit: int) -> list[m.Account]:
    """Accounts whose match key (email_key, phone_key, name_key) or postcode is the value,
    the first `limit` by id: the same ones on both backends (the server would give them in
    the order its table holds them, which an update changes)."""
    column = {
        "email_key": m.Account.email_key,
        "phone_key": m.Account.phone_key,
        "name_key": m.Account.name_key,
        "postcode": m.Account.postcode,
    }[key]
    return list(m.Account.select().where(column == value).order_by(m.Account.id).limit(limit))


def name_keys_at_postcode(postcode: str, limit: int) -> list[tuple[int, str]]:
    """(id, name key) of the accounts at the postcode, the first `limit` by name key: the
    names the duplicate check compares, read from the (postcode, name_key, id) index alone.
    By code point on both backends (the server's collation would sort them otherwise, and
    take another first `limit`), as that index holds them."""
    by_code_point = m.Account.name_key.collate(NAME_ORDER_COLLATION[is_sqlite()])
    query = (
        m.Account.select(m.Account.id, m.Account.name_key)
        .where(m.Account.postcode == postcode)
        .order_by(by_code_point, m.Account.id)
        .limit(limit)
    )
    # Thousands of pairs per keystroke: the driver's rows as they come (peewee's own row
    # handling cost five times the read).
    return [(account_id, key or "") for account_id, key in database.execute(query).fetchall()]


def accounts_by_id(account_ids: list[int]) -> list[m.Account]:
    if not account_ids:
        return []
    return list(m.Account.select().where(m.Account.id.in_(account_ids)))


def contacts_by_name(account_id: int) -> list[m.Contact]:
    """The account's contacts by last and first name."""
    return list(
        m.Contact.select()
        .where(m.Contact.account == account_id)
        .order_by(m.Contact.last_name, m.Contact.first_name)
    )


def account_choices(
    folded: str, lowered: str, phone_parts: Sequence[str], limit: int
) -> list[tuple[int, str, str]]:
    """(id, name, city) of the accounts whose folded name contains `folded` (those starting
    with it first), whose e-mail starts with `lowered`, or whose phone key contains a part;
    with no term, the first by name."""
    query = m.Account.select(m.Account.id, m.Account.name, m.Account.city)
    if folded or lowered:
        condition = m.Account.sort_name.contains(folded) | m.Account.email_key.startswith(lowered)
        for digits in phone_parts:
            condition |= m.Account.phone_key.contains(digits)
        query = query.where(condition).order_by(
            ~m.Account.sort_name.startswith(folded), m.Account.sort_name
        )
    else:
        query = query.order_by(m.Account.name)
    return list(query.limit(limit).tuples())


def opportunity_contact_links(opportunity_id: int) -> list[m.OpportunityContact]:
    """The opportunity's further contacts with their roles, by the contact's last name."""
    return list(
        m.OpportunityContact.select(m.OpportunityContact, m.Contact)
        .join(m.Contact)
        .where(m.OpportunityContact.opportunity == opportunity_id)
        .order_by(m.Contact.last_name)
    )


def remove_opportunity_contact(opportunity_id: int, contact_id: int) -> None:
    m.OpportunityContact.delete().where(
        (m.OpportunityContact.opportunity == opportunity_id)
        & (m.OpportunityContact.contact == contact_id)
    ).execute()


def contacts_of(account_id: int) -> list[m.Contact]:
    """The account's contacts, in the order they were added."""
    return list(m.Contact.select().where(m.Contact.account == account_id).order_by(m.Contact.id))


def set_opportunity_contact(opportunity_id: int, contact_id: int, role: str) -> None:
    """The contact is one of the opportunity's, in the role (replacing the role it had)."""
    (
        m.OpportunityContact.insert(opportunity=opportunity_id, contact=contact_id, role=role)
        .on_conflict(
            conflict_target=[m.OpportunityContact.opportunity, m.OpportunityContact.contact],
            update={m.OpportunityContact.role: role},
        )
        .execute()
    )
