"""The opportunity list's sort keys: each sort's columns and ORDER BY, and the sorts an
index gives in order under a filter on the status alone."""

from __future__ import annotations

from app.db.connection import nulls_as_sqlite

# Sort key -> SQL. The id breaks ties so paging is stable. SQL, not texts: the text check
# is told so where it takes two columns for words. Every key is a column of the opportunity
# with an index that gives its order, id after it: a name or order of another table (the
# customer's, the stage's, the owner's, the facility's) is kept on the opportunity by the
# triggers of schema step `search_sort_keys` (app/db/steps/search_sort_keys.py), so the
# list's first page under any sort is a walk down an index, search or not.
SORT_COLUMNS: dict[str, str] = {
    "topic": "o.topic",
    "customer": "o.sort_customer",
    "stage": "o.sort_stage",
    "probability": "o.probability",
    "est_revenue": "o.est_revenue_minor",
    "est_close_date": "o.est_close_date",
    "owner": "o.sort_owner",
    "brand_model": "o.brand {dir}, o.model",  # i18n: ignore
    "facility": "o.sort_facility",
    "status": "o.status",
    "lost_reason": "o.lost_reason",
    "competitor": "o.competitor",
    "won_reason": "o.won_reason",
    "id": "o.id",
}

# The sort keys that may be NULL (a row without a stage, owner or facility).
_NULLABLE_SORTS = frozenset({"stage", "owner", "facility"})

# The sorts an index gives in order under a filter on the status alone: the status's own
# (its rows in id order), and the status and close date's (schema 7).
_IN_STATUS_INDEX_ORDER = frozenset({"status", "id", "est_close_date"})
# ... and the status and key's (schema step open_sorts): the sorts that put the closed ones
# first, which a walk testing each row's status passed one by one. (On the server only a
# search's walk is told so; its planner reads these indexes for the open ones' first
# screen itself.)
_IN_OPEN_SORT_INDEX_ORDER = frozenset({"probability", "stage", "lost_reason", "won_reason"})


def in_status_index_order(sort: str) -> bool:
    """Whether an index gives the sort's order under a filter on the status alone."""
    return sort in _IN_STATUS_INDEX_ORDER or sort in _IN_OPEN_SORT_INDEX_ORDER


def order(sort: str, descending: bool) -> tuple[str, str]:
    """The sort key understood, and its ORDER BY."""
    direction = "DESC" if descending else "ASC"
    if sort not in SORT_COLUMNS:
        sort = "est_close_date"
    key = SORT_COLUMNS[sort].format(dir=direction)
    nulls = nulls_as_sqlite(descending) if sort in _NULLABLE_SORTS else ""
    return sort, f"ORDER BY {key} {direction}{nulls}, o.id {direction}"
