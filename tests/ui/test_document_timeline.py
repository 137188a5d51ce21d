"""The opportunity's timeline tells the documents: quote issued, revised, accepted, order
form issued and signed, order confirmed, vehicle delivered, each with who and when."""

from __future__ import annotations

from app.services import activities, deals, orders, quotes
from app.services.workspace import UserInfo
from tests.services import test_quotes
from tests.services.test_quotes import _present
from ui.activities.timeline import OPPORTUNITY, TimelineWidget

sale = test_quotes.sale  # the fixture: a sale with a stock vehicle and a seller on file
TODAY = test_quotes.TODAY


def read_the_clock() -> None:
    """Read again as each test starts (tests/conftest.py), here and in the module whose
    fixture makes the sale: a run that reaches this test after midnight signs on the day
    the program calls today."""
    global TODAY
    test_quotes.read_the_clock()
    TODAY = test_quotes.TODAY


def test_the_timeline_shows_every_document_with_who_and_when(
    qtbot, sale: int, user: UserInfo
) -> None:
    first = quotes.create(sale)
    _present(first.id)
    second = quotes.revise(first.id)
    _present(second.id)
    deals.accept_quote(second.id)
    (form,) = orders.for_opportunity(sale)
    orders.record_signature(form.id, TODAY)
    order_number = orders.confirm_order(form.id)
    (form,) = orders.for_opportunity(sale)
    orders.record_delivery(form.order_id, TODAY, 12)  # type: ignore[arg-type]

    entries = [e for e in activities.timeline(sale) if e.kind == "document"]
    titles = [e.title for e in reversed(entries)]  # oldest first
    number = first.number
    assert titles == [
        f"Quote {number} issued",
        f"Quote {number} revised: a new revision replaces it",
        f"Quote {number} (revision 2) issued",
        f"Quote {number} accepted by the customer",
        f"Order form {form.number} issued",
        f"Order form {form.number} signed",
        f"Order {order_number} confirmed",
        f"Vehicle delivered (order {order_number})",
    ]
    assert all(e.by == user.full_name for e in entries)
    assert all(e.when.date() == TODAY for e in entries)

    widget = TimelineWidget(user.id, attached_to=OPPORTUNITY)
    qtbot.addWidget(widget)
    widget.set_record(sale)
    shown = [widget.model.entry(r) for r in range(widget.model.rowCount())]
    assert f"Vehicle delivered (order {order_number})" in [e.title for e in shown if e]


def test_documents_loaded_in_bulk_show_from_their_own_dates(db) -> None:  # type: ignore[no-untyped-def]
    from app import demo
    from app.db import models as m

    demo.load_demo(seed=7)
    order = m.SalesOrder.select().where(m.SalesOrder.delivered_on.is_null(False)).first()
    form = order.order_form
    entries = [e for e in activities.timeline(order.opportunity_id) if e.kind == "document"]
    titles = [e.title for e in entries]
    assert f"Vehicle delivered (order {order.number})" in titles
    assert f"Order form {form.number} signed" in titles
    assert f"Quote {form.quote.number} accepted by the customer" in titles or any(
        t.startswith(f"Quote {form.quote.number}") for t in titles
    )
    assert all(e.by for e in entries)
