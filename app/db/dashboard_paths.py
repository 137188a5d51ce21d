"""How SQLite reads the opportunities of a dashboard filter the aggregates do not serve (two
filters together): through the index of its narrowest filter, or the dashboard's covering
index (app.db.steps.dashboard_pairs), a brand's range of it or all of it.

SQLite's planner cannot tell how many rows a filter keeps: it takes a close-date range for
narrow (a range is guessed at a small share of the table) and reads a ±90-day range on its
index, a row at a time out of order, where the brand beside it keeps fewer; and it reads a
broad filter (a brand, a salesperson holding a sixth of the sales) on its index where the
whole table read in order costs less. Measured on the 100,000-opportunity file: a row reached
through an index costs about five times a row of the table read in order (a brand's 34,441
rows through its index 98 ms, the 100,000 rows in order 54 ms). The covering index holds
the columns the dashboard's reads name, a third of a row, so it stays in the page cache
where the table (35 MB at 100,000) does not: an entry of it read in order costs a fraction
of a table row (COVER_ROW_COST_PER_100), and no table row is read at all.

So one statement counts, on each index that answers one of the filter's tests, how many
entries that test keeps (an index alone: no row is read; each count stops at the point where
the covering index read whole would cost less), and the brand's range of the covering index
when the filter names a brand; the reads go through the cheapest. The figures do not depend
on the path: only how the same rows are found."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from app.db import queries
from app.db.connection import is_sqlite
from app.db.queries import NONE_ID, OpportunityFilter
from app.db.steps.dashboard_pairs import COVER_INDEX

# What reaching a row through an index costs against reading it in the table's order.
INDEX_ROW_COST = 5
# What an entry of the dashboard's covering index read in order costs, in hundredths of a
# table row read in order (app.db.steps.dashboard_pairs).
COVER_ROW_COST_PER_100 = 30

# A filter field -> the column it tests and the index that holds that column first.
_INDEXED: dict[str, tuple[str, str]] = {
    "owner_id": ("owner_id", "opportunity_owner_id"),
    "team_id": ("team_id", "opportunity_team_id"),
    "business_id": ("business_id", "opportunity_business_id"),
    "facility_id": ("facility_id", "opportunity_facility_id"),
    "operation_id": ("operation_id", "opportunity_operation_id"),
}
_CLOSE_INDEX = "opportunity_est_close_date"
# The indexes above that yield a test's rows in another order than their ids.
_OTHER_ORDER = frozenset({COVER_INDEX, _CLOSE_INDEX})

# The fields the dashboard's filter bar sets; another (a search, a status ...) leaves the
# choice to SQLite.
_DASHBOARD_FIELDS = frozenset(
    {*_INDEXED, "brand", "condition", "channel", "source"}
    | {"close_from", "close_to", "created_from", "created_to"}
)


@dataclass(frozen=True, slots=True)
class ReadPath:
    """The index the filter's opportunities are read through, or None: the whole table (the
    tests' plain reading)."""

    index: str | None
    # How many opportunities the table holds (its largest id), as the choice counted it.
    table: int = field(default=0, compare=False)

    @property
    def hint(self) -> str:
        """What follows `opportunity o` in the FROM clause."""
        return f" INDEXED BY {self.index}" if self.index else " NOT INDEXED"

    @property
    def by_id(self) -> bool:
        """Whether the funnel gathers the ids first and reads their stage rows in id order:
        through an index that yields its rows in another order (the covering index's by
        brand and date, a range by date), where each opportunity's stage rows would be
        sought at random; through an index of one column tested for one value (in id
        order) or the whole table, each row's stage rows are read as the rows go by."""
        return self.index in _OTHER_ORDER


def _tests(flt: OpportunityFilter) -> list[tuple[str, str, list[Any]]]:
    """(index, test over the bare table, parameters) for each of the filter's tests an
    index answers."""
    found: list[tuple[str, str, list[Any]]] = []
    for name, (column, index) in _INDEXED.items():
        value = getattr(flt, name)
        if value is None:
            continue
        if value == NONE_ID and name.endswith("_id"):
            found.append((index, f"{column} IS NULL", []))
        else:
            found.append((index, f"{column} = ?", [value]))
    bounds, params = _close_bounds(flt)
    if bounds:
        found.append((_CLOSE_INDEX, " AND ".join(bounds), params))
    return found


def only_these(flt: OpportunityFilter, names: frozenset[str]) -> bool:
    """Whether the filter tests nothing but the fields `names` (what the dashboard's bar
    sets), every other field as a plain filter has it."""
    plain = OpportunityFilter()
    return all(
        getattr(flt, f.name) == getattr(plain, f.name)
        for f in fields(OpportunityFilter)
        if f.name not in names
    )


def read_path(flt: OpportunityFilter, today: date) -> ReadPath | None:
    """The path to read the filter's opportunities by on SQLite (None elsewhere, or for a
    filter the dashboard's bar does not make: the planner's choice stands)."""
    del today  # the dashboard's tests do not depend on the day
    if not is_sqlite() or not only_these(flt, _DASHBOARD_FIELDS):
        return None
    tests = _tests(flt)
    cover_test, cover_params = _cover_range(flt)
    # The covering index read whole costs COVER_ROW_COST a table row; a narrow index is worth
    # it only for fewer entries than that over INDEX_ROW_COST, so each of its counts stops
    # there (max(id) is a look-up at the end of the primary key: the table's size, near
    # enough for a choice). The brand's range of the covering index is counted on it.
    limit = (
        f"(SELECT coalesce(max(id), 0) * {COVER_ROW_COST_PER_100} / "
        f"(100 * {INDEX_ROW_COST}) + 1 FROM opportunity)"
    )
    counts = [
        f"(SELECT count(*) FROM (SELECT 1 FROM opportunity INDEXED BY {index} WHERE {test} "
        f"LIMIT {limit}))"
        for index, test, _params in tests
    ]
    params = [p for _index, _test, test_params in tests for p in test_params]
    if cover_test:
        counts.append(
            f"(SELECT count(*) FROM opportunity INDEXED BY {COVER_INDEX} WHERE {cover_test})"
        )
        params += cover_params
    row = queries.fetch_all(
        f"SELECT {', '.join(['coalesce((SELECT max(id) FROM opportunity), 0)', *counts])}",
        params,
    )[0]
    table, kept = int(row[0]), [int(n) for n in row[1:]]
    # Costs in hundredths of a table row read in order.
    cover_entries = kept.pop() if cover_test else table
    best, cost = ReadPath(COVER_INDEX, table), cover_entries * COVER_ROW_COST_PER_100
    for (index, _test, _params), found in zip(tests, kept, strict=True):
        if found * INDEX_ROW_COST * 100 < cost:
            best, cost = ReadPath(index, table), found * INDEX_ROW_COST * 100
    return best


def _cover_range(flt: OpportunityFilter) -> tuple[str, list[Any]]:
    """The covering index's range the filter reads (its brand, within its close dates), or
    "" where it reads the whole index."""
    if flt.brand is None:
        return "", []
    bounds, params = _close_bounds(flt)
    return " AND ".join(["brand = ?", *bounds]), [flt.brand, *params]


def _close_bounds(flt: OpportunityFilter) -> tuple[list[str], list[Any]]:
    """The filter's close-date bounds as tests of the bare table, and their parameters."""
    bounds: list[str] = []
    params: list[Any] = []
    if flt.close_from is not None:
        bounds.append("est_close_date >= ?")
        params.append(flt.close_from.isoformat())
    if flt.close_to is not None:
        bounds.append("est_close_date <= ?")
        params.append(flt.close_to.isoformat())
    return bounds, params
