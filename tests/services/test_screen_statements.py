"""Each screen sends a small, fixed number of statements however many rows there are (on the
site's server each is a round trip): the opportunity list's first screen, a search
keystroke, the duplicate check, opening the opportunity form and refreshing the dashboard,
counted as benchmarks/bench_server.py counts them, on the demo dealership and again with
four times its opportunities. A count, not a timing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app import demo
from app.db import models as m
from app.services import sign_in
from benchmarks.bench_server import STATEMENT_LIMITS, statement_counts

TODAY = date(2027, 3, 15)


def _double_the_opportunities() -> None:
    """Every opportunity once more (without its reserved car, which one open sale holds)."""
    fields = [f for f in m.Opportunity._meta.sorted_fields if f.name not in ("id", "vehicle")]
    m.Opportunity.insert_from(m.Opportunity.select(*fields), fields).execute()


def test_the_screens_send_as_many_statements_with_four_times_the_rows(db: Path) -> None:
    demo.load_demo(seed=3, today=TODAY, size=demo.DemoSize(accounts=60, opportunities=80))
    sign_in.sign_in(demo.DEMO_ADMINISTRATOR[0], demo.DEMO_PASSWORD)
    before = m.Opportunity.select().count()
    few = statement_counts(TODAY)
    _double_the_opportunities()
    _double_the_opportunities()
    assert m.Opportunity.select().count() == 4 * before
    many = statement_counts(TODAY)
    assert many == few, (few, many)
    assert all(few[screen] <= limit for screen, limit in STATEMENT_LIMITS.items()), few
