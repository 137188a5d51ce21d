"""Merging two records of one customer on the demo data: nothing is lost, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from app.db import accounts as db_accounts
from app.db import models as m
from app.db.connection import database
from app.services import accounts, activities
from app.services.activities import ActivityInput

TODAY = date(2026, 3, 16)


def _counts() -> dict[str, int]:
    return {model._meta.table_name: model.select().count() for model in m.TABLES}


def _linked(account_id: int) -> dict[str, int]:
    """What hangs off one account, directly or through its opportunities."""
    sql = """
        SELECT
          (SELECT count(*) FROM contact WHERE account_id = ?),
          (SELECT count(*) FROM opportunity WHERE account_id = ?),
          (SELECT count(*) FROM activity WHERE account_id = ?),
          (SELECT count(*) FROM lead WHERE converted_account_id = ?),
          (SELECT count(*) FROM quote q JOIN opportunity o ON o.id = q.opportunity_id
            WHERE o.account_id = ?),
          (SELECT count(*) FROM order_form f JOIN opportunity o ON o.id = f.opportunity_id
            WHERE o.account_id = ?),
          (SELECT count(*) FROM sales_order s JOIN opportunity o ON o.id = s.opportunity_id
            WHERE o.account_id = ?)
    """.replace("?", database.param)
    row = database.execute_sql(sql, [account_id] * 7).fetchone()
    names = ("contacts", "opportunities", "activities", "leads", "quotes", "order_forms", "orders")
    return dict(zip(names, row, strict=True))


def _two_busy_customers() -> tuple[int, int]:
    """The two demo customers with the most activities that also have quotes, order forms
    and a converted lead: the records a careless merge would lose the most from."""
    sql = """
        SELECT a.id FROM account a
        WHERE EXISTS (SELECT 1 FROM order_form f JOIN opportunity o ON o.id = f.opportunity_id
                      WHERE o.account_id = a.id)
          AND EXISTS (SELECT 1 FROM lead l WHERE l.converted_account_id = a.id)
        ORDER BY (SELECT count(*) FROM activity x WHERE x.account_id = a.id) DESC, a.id
        LIMIT 2
    """
    keep, drop = (r[0] for r in database.execute_sql(sql).fetchall())
    return keep, drop


@pytest.fixture
def demo_pair(demo_data: Callable[..., None]) -> tuple[int, int]:
    demo_data(seed=7, today=TODAY)
    keep, drop = _two_busy_customers()
    # Activities of the customer itself and of a lead it came from, not only of its sales.
    for data in (
        ActivityInput(kind="call", subject="Asked about winter tyres", direction="in"),
        ActivityInput(kind="note", subject="Prefers calls after 17:00"),
    ):
        data.starts_at, data.account_id, data.done = datetime(2026, 3, 10, 9, 30), drop, True
        activities.create(data)
    # Logged before the lead was converted (a converted lead takes no new activities).
    lead = m.Lead.get(m.Lead.converted_account == drop)
    m.Activity.create(
        kind="email", subject="Sent the brochure", starts_at=lead.created_at, done=True, lead=lead
    )
    return keep, drop


def test_merging_two_demo_customers_loses_no_row_of_any_table(
    demo_pair: tuple[int, int],
) -> None:
    keep, drop = demo_pair
    before, kept, dropped = _counts(), _linked(keep), _linked(drop)
    assert dropped["activities"] >= 5 and dropped["quotes"] and dropped["order_forms"]
    assert dropped["leads"] and kept["activities"] and kept["quotes"]

    accounts.merge(keep, drop)

    after = _counts()
    # The audit log gains the merge's entries; every other table keeps its rows.
    assert after.pop("audit_entry") > before.pop("audit_entry")
    assert after == {**before, "account": before["account"] - 1}
    assert _linked(keep) == {name: kept[name] + dropped[name] for name in kept}
    assert set(_linked(drop).values()) == {0}
    assert m.Account.get_or_none(m.Account.id == drop) is None


def test_a_merge_that_fails_at_the_last_step_leaves_both_customers_as_they_were(
    demo_pair: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    keep, drop = demo_pair
    before, kept, dropped = _counts(), _linked(keep), _linked(drop)

    def fail(self: m.Account, *args: object, **kwargs: object) -> int:
        raise RuntimeError("disk gone")

    # Everything has moved by the time the dropped account is deleted.
    monkeypatch.setattr(m.Account, "delete_instance", fail)
    with pytest.raises(RuntimeError):
        accounts.merge(keep, drop)

    assert _counts() == before
    assert (_linked(keep), _linked(drop)) == (kept, dropped)


def test_the_merge_moves_every_column_that_points_at_a_customer(db: Path) -> None:
    """A table that gains a link to the account table must be added to the merge too."""
    pointing = {
        (table, fk.column)
        for table in database.get_tables()
        for fk in database.get_foreign_keys(table)
        if fk.dest_table == "account"
    }
    moved = {
        (model._meta.table_name, column.column_name) for model, column in db_accounts.ACCOUNT_LINKS
    }
    # The customers' word starts (schema step word_starts) are the search's index of the
    # account's own columns, kept by its triggers and deleted with it: nothing to move.
    indexed = {("account_start", "account_id")}
    assert pointing == moved | indexed
