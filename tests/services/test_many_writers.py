"""Many writers at once, on each backend: a save over a version it did not read changes
nothing, two workstations saving the same record at once leave one save and one conflict,
and documents issued at once get gap-free numbers."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import psycopg2
import pytest

from app.db import models as m
from app.db import retrying
from app.services import opportunities, quotes
from app.services.errors import ConflictError
from app.services.workspace import UserInfo
from tests import factories


def _bump_elsewhere(backend: str, db: Path, url: str | None, opportunity_id: int) -> None:
    """Another workstation saves the opportunity: its version moves on."""
    sql = "UPDATE opportunity SET source = 'theirs', version = version + 1 WHERE id = {p}"
    if backend == "sqlite":
        with sqlite3.connect(db) as other:
            other.execute(sql.format(p="?"), (opportunity_id,))
    else:
        with psycopg2.connect(url) as other, other.cursor() as cursor:
            cursor.execute(sql.format(p="%s"), (opportunity_id,))
        other.close()


def _url(backend: str, request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("pg_url") if backend == "postgresql" else None


def test_a_save_over_a_version_it_did_not_read_changes_nothing(
    user: UserInfo, db: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    created = factories.opportunity(user.id)
    row = m.Opportunity.get_by_id(created.id)
    _bump_elsewhere(backend, db, _url(backend, request), created.id)
    row.source = "mine"
    with pytest.raises(m.StaleRecord):
        row.save()
    stored = m.Opportunity.get_by_id(created.id)
    assert (stored.source, stored.version) == ("theirs", created.version + 1)


@pytest.mark.postgresql_only  # SQLite's write lock, taken up front, leaves no such moment
def test_a_clash_between_the_check_and_the_write_is_told_as_a_conflict(
    user: UserInfo,
    db: Path,
    backend: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On the server, the other save lands after the service compared the version and
    before it wrote: the versioned UPDATE finds no row, the service runs again and tells
    the conflict."""
    created = factories.opportunity(user.id)
    opened = opportunities.get(created.id)
    url = _url(backend, request)
    real_save = m.Opportunity._save_versioned
    raced: list[int] = []

    def racing(self: m.Opportunity, read_at: int | None) -> int:
        if not raced:  # another connection, committed before this write
            raced.append(1)
            _bump_elsewhere(backend, db, url, created.id)
        return real_save(self, read_at)

    monkeypatch.setattr(m.Opportunity, "_save_versioned", racing)
    with pytest.raises(ConflictError):
        opportunities.update(created.id, replace(opened, topic="Mine"), opened.version)
    assert opportunities.get(created.id).topic != "Mine"


def test_two_workstations_saving_at_once_leave_one_save_and_one_conflict(
    user: UserInfo, db: Path
) -> None:
    created = factories.opportunity(user.id)

    def save(
        opened: opportunities.OpportunityDetail,
        topic: str,
        start: threading.Barrier,
        outcomes: list[str],
    ) -> None:
        start.wait()
        try:
            opportunities.update(created.id, replace(opened, topic=topic), opened.version)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    for round_ in range(5):
        opened = opportunities.get(created.id)
        start = threading.Barrier(2)
        outcomes: list[str] = []
        threads = [
            threading.Thread(target=save, args=(opened, f"R{round_}-{n}", start, outcomes))
            for n in (1, 2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(outcomes) == ["conflict", "saved"], outcomes
        assert opportunities.get(created.id).version == opened.version + 1


def test_documents_issued_at_once_get_gap_free_numbers(user: UserInfo, db: Path) -> None:
    m.Business.create(name="Autohaus Brenner", kind="dealer", city="München")
    sales = [factories.opportunity(user.id).id for _ in range(6)]
    drafts = []
    for sale in sales:
        quote = quotes.create(sale)
        line = quotes.LineInput("vehicle", "Golf Style", unit_price=Decimal("31500"))
        data = quotes.QuoteInput(quote.valid_until, payment_method="cash", lines=[line])
        drafts.append(quotes.save(quote.id, data, quote.version).id)
    start = threading.Barrier(len(drafts))
    errors: list[BaseException] = []

    def issue(quote_id: int) -> None:
        start.wait()
        try:
            quotes.present(quote_id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=issue, args=(q,)) for q in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    numbers = sorted(q.number for q in m.Quote.select())
    assert numbers == [f"Q-{n:05d}" for n in range(1, len(drafts) + 1)]


def test_a_deadlock_or_serialization_failure_is_run_again() -> None:
    class Clash(Exception):
        pgcode = "40P01"

    calls: list[int] = []

    @retrying.retried
    def work() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise Clash("deadlock detected")
        return "done"

    assert work() == "done" and len(calls) == 3

    @retrying.retried
    def always() -> None:
        calls.append(1)
        raise Clash("deadlock detected")

    calls.clear()
    with pytest.raises(Clash):
        always()
    assert len(calls) == retrying.ATTEMPTS
