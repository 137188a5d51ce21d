"""The Administration's lists, in the real widgets: add, edit, deactivate, the refusal to
delete what is used, a save over another workstation's, and only administrators changing
anything; the first-run assistant's steps, each saved or skipped; and a refused quote that
says what is missing, with a button that goes there."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from app.db import models as m
from app.services import deals, documents, master_data, quotes, setup
from app.services.master_data import BusinessRecord, CatalogueRecord, ItemRecord, VehicleRecord
from tests import factories, master_records
from tests.people import add_user
from tests.ui.conflicts import answer_conflict
from ui.admin.administration import AdministrationDialog
from ui.admin.first_run import FirstRunAssistant
from ui.admin.master_form import MasterRecordDialog, RateCombo
from ui.admin.master_lists import MasterListPage
from ui.common.widgets import MoneyEdit, OptionCombo
from ui.leads.lead_form import LeadDialog
from ui.opportunities.close_dialogs import CloseLostDialog
from ui.quotes.quote_editor import QuoteDialog
from ui.shell.main_window import MainWindow


@pytest.fixture(autouse=True)
def _no_window_left_open() -> Iterator[None]:
    """Every window a test here opens (a form over the Administration, a question) is gone
    when it ends: one left shown would stay the active window, and the next tests' keys
    would go to it."""
    before = set(QApplication.topLevelWidgets())
    yield
    for widget in QApplication.topLevelWidgets():
        if widget not in before and widget.isVisible():
            widget.hide()
            widget.deleteLater()
    QApplication.processEvents()


def _admin(qtbot: QtBot) -> AdministrationDialog:
    dialog = AdministrationDialog()
    qtbot.addWidget(dialog)
    return dialog


def _type(dialog: MasterRecordDialog, **values: Any) -> None:
    for name, value in values.items():
        widget = dialog.widgets[name]
        if isinstance(widget, MoneyEdit):
            widget.line_edit.setText(value)
        elif isinstance(widget, OptionCombo):
            assert widget.set_current_id(value)
        elif isinstance(widget, QLineEdit):
            widget.setText(value)
        elif isinstance(widget, RateCombo):
            widget.setCurrentText(value)
        else:
            widget.set_current_code(value)  # type: ignore[attr-defined]


def _names(page: MasterListPage) -> list[str]:
    return [page.section.describe(r) for r in page.model.rows]


def _select(page: MasterListPage, text: str) -> None:
    page.refresh()
    row = _names(page).index(text)
    page.table.selectRow(page.proxy.mapFromSource(page.model.index(row, 0)).row())


def test_a_business_facility_and_operation_are_added_edited_deactivated(
    db: Path, qtbot: QtBot
) -> None:
    admin = _admin(qtbot)
    businesses = admin.page("businesses")
    form = businesses.open_record(None)
    assert form is not None
    _type(form, name="Autohaus Brenner", registered_name="Brenner GmbH", vat_number="DE12")
    form.save_and_close()
    assert form.isVisible() and "VAT ID" in form.boxes["vat_number"].message.text()
    _type(form, vat_number="DE123456789")
    form.save_and_close()
    assert not form.isVisible()
    assert _names(businesses) == ["Autohaus Brenner"]
    dealer = master_data.businesses()[0]

    facilities = admin.page("facilities")
    form = facilities.open_record(None)
    assert form is not None
    _type(form, name="Mainz", business_id=dealer.id, city="Mainz")
    form.save_and_close()
    operations = admin.page("operations")
    form = operations.open_record(None)
    assert form is not None
    _type(form, name="Fleet", kind="fleet_sales", facility_id=master_data.facilities()[0].id)
    form.save_and_close()
    assert _names(operations) == ["Fleet"]

    _select(operations, "Fleet")
    edit = operations.open_record(operations.current())
    assert edit is not None
    _type(edit, name="Fleet sales")
    edit.save_and_close()
    assert _names(operations) == ["Fleet sales"]

    _select(operations, "Fleet sales")
    assert operations.toggle_active()
    assert "deactivated" in operations.message.text()
    assert operations.show_inactive.isChecked() and _names(operations) == ["Fleet sales"]
    operations.show_inactive.setChecked(False)
    assert _names(operations) == []
    # The facility is used by its operation: deleting it is refused, saying why.
    _select(facilities, "Mainz")
    assert not facilities.delete_current()
    assert "1 operation" in facilities.message.text()
    assert len(master_data.facilities()) == 1
    # What is missing follows: the only operation is deactivated.
    assert "No operation" in setup.missing()[0].message


def test_a_catalogue_model_with_a_gross_price_and_a_stock_vehicle_from_it(
    db: Path, qtbot: QtBot
) -> None:
    admin = _admin(qtbot)
    catalogue = admin.page("catalogue")
    form = catalogue.open_record(None)
    assert form is not None
    _type(
        form,
        brand="Volkswagen",
        vehicle_class="Compact",
        model="Golf",
        model_code="CD1",
        variant="1.5 TSI Life",
        list_price="35,700.00",
        price_basis="gross",
        vat_rate="19",
    )
    form.save_and_close()
    assert not form.isVisible(), form.message.text() if form.message else ""
    [entry] = master_data.catalogue()
    assert (entry.list_price, entry.price_basis) == (Decimal("35700.00"), "gross")
    # The VAT rate is offered from the site's rates.
    rates = form.widgets["vat_rate"]
    assert isinstance(rates, RateCombo) and rates.findText("19") >= 0

    stock = admin.page("stock")
    car = stock.open_record(None)
    assert car is not None
    car.from_catalogue.set_current_id(entry.id)  # type: ignore[attr-defined]
    assert car.widgets["model"].text() == "Golf"  # type: ignore[attr-defined]
    assert car.widgets["list_price"].amount() == Decimal("30000.00")  # type: ignore[attr-defined]
    _type(car, vin="wvw zzz cdz pw123456", stock_number="N-1001")
    car.save_and_close()
    assert not car.isVisible()
    [saved] = master_data.stock()
    assert (saved.vin, saved.model_code, saved.list_price) == (
        "WVWZZZCDZPW123456",
        "CD1",
        Decimal("30000.00"),
    )
    # The catalogue entry now has stock: it cannot be deleted.
    _select(catalogue, entry.label)
    assert not catalogue.delete_current()
    assert "1 stock vehicle" in catalogue.message.text()


def test_a_reserved_vehicle_is_not_deleted(db: Path, qtbot: QtBot, user) -> None:  # type: ignore[no-untyped-def]
    car = master_records.vehicle()
    factories.opportunity(user.id, vehicle_id=car.id)
    stock = _admin(qtbot).page("stock")
    _select(stock, "N-1001")
    assert not stock.active_button.isVisible()
    assert not stock.delete_current()
    assert "reserved by an open opportunity" in stock.message.text()
    assert stock.model.rows[0].held_by


def test_a_list_is_edited_in_order_and_a_used_entry_is_kept(
    db: Path,
    qtbot: QtBot,
    user,  # type: ignore[no-untyped-def]
) -> None:
    lists = _admin(qtbot).page("lists")
    lists.set_kind("competitor")  # type: ignore[attr-defined]
    for name in ("Autohaus Meier", "Auto Schmidt"):
        form = lists.open_record(None)
        assert form is not None
        _type(form, name=name)
        form.save_and_close()
    assert _names(lists) == ["Autohaus Meier", "Auto Schmidt"]
    _select(lists, "Auto Schmidt")
    lists.move_entry(-1)
    assert _names(lists) == ["Auto Schmidt", "Autohaus Meier"]
    assert lists.current().name == "Auto Schmidt"
    deals.close_lost([factories.opportunity(user.id).id], "Price", competitor="Autohaus Meier")
    _select(lists, "Autohaus Meier")
    assert not lists.delete_current()
    assert "on 1 record" in lists.message.text()
    _select(lists, "Auto Schmidt")
    assert lists.delete_current()
    assert _names(lists) == ["Autohaus Meier"]


def test_a_save_over_another_workstation_s_is_shown_and_kept_on_top(db: Path, qtbot: QtBot) -> None:
    entry = master_records.catalogue_entry()
    catalogue = _admin(qtbot).page("catalogue")
    _select(catalogue, entry.label)
    form = catalogue.open_record(catalogue.current())
    assert form is not None
    # The other workstation changes the price meanwhile.
    master_data.save(replace(entry, list_price=Decimal("36500")))
    _type(form, model_code="CD1X")
    seen = answer_conflict("overwrite")
    assert form.save()
    assert [c.name for c in seen[0]] == ["model_code", "list_price"]
    saved = master_data.get(CatalogueRecord, entry.id)
    assert (saved.model_code, saved.list_price) == ("CD1X", Decimal("36500.00"))


@pytest.mark.parametrize("role", ["salesperson", "sales_manager", "read_only"])
def test_only_administrators_change_the_master_data(db: Path, qtbot: QtBot, role: str) -> None:
    car = master_records.vehicle()
    m.set_acting_user(add_user("sam", role).id)
    admin = _admin(qtbot)
    stock = admin.page("stock")
    assert not stock.add_button.isEnabled()
    assert "Set up the dealership" in stock.add_button.toolTip()
    _select(stock, "N-1001")
    assert not stock.delete_button.isEnabled()
    assert stock.edit_button.text() == "&View…"
    form = stock.open_record(stock.current())
    assert form is not None and form.read_only
    assert ("purchase_price" in form.widgets) == (role == "sales_manager")
    assert not admin.assistant_button.isEnabled()
    assert master_data.get(VehicleRecord, car.id).version == 1


def test_the_assistant_saves_each_step_or_skips_it(db: Path, qtbot: QtBot) -> None:
    assistant = FirstRunAssistant()
    qtbot.addWidget(assistant)
    assistant.show()
    assistant.next()
    assert assistant.step() == "dealership"
    dealership = assistant.page_of("dealership")
    dealership.widgets["name"].setText("Autohaus Brenner")
    dealership.widgets["iban"].setText("DE00 1234")
    assistant.next()
    assert assistant.step() == "dealership"  # refused: stays, with the message at the field
    assert dealership.boxes["iban"].message.text()
    assert m.Business.select().count() == 0
    dealership.widgets["iban"].setText("")
    assistant.next()
    assert assistant.step() == "facilities"
    assert setup.dealership().name == "Autohaus Brenner"
    facilities = assistant.page_of("facilities")
    facilities.name.setText("Mainz")
    assistant.next()  # typed, not added yet: Next adds it
    assert setup.facilities_with_operations() == ["Mainz: New-vehicle sales, Used-vehicle sales"]
    assistant.page_of("money").currency.setCurrentText("CHF")
    assistant.skip()  # the currency is not saved
    assert assistant.skipped == ["money"] and setup.money_settings().currency == "EUR"
    assert assistant.step() == "documents"
    assistant.page_of("documents").valid_days.setValue(30)
    assistant.next()
    assistant.next()  # the standard process
    users = assistant.page_of("users")
    users.full_name.setText("Anna Bauer")
    users.username.setText("anna bauer")
    assistant.next()
    assert assistant.step() == "users" and "spaces" in users.boxes["username"].message.text()
    users.username.setText("anna.bauer")
    assistant.next()
    assert assistant.step() == "done"
    assert "currency" in assistant.page_of("done").missing.text()
    assert [u.username for u in setup.users()] == ["anna", "anna.bauer"]
    assert documents.valid_days() == 30


def test_the_shell_offers_the_assistant_on_a_database_without_a_dealership(
    db: Path,
    qtbot: QtBot,
    user,  # type: ignore[no-untyped-def]
) -> None:
    window = MainWindow(user, db)
    qtbot.addWidget(window)
    assistant = window.offer_first_run()
    assert isinstance(assistant, FirstRunAssistant) and assistant.isVisible()
    assistant.close()
    master_records.dealership()
    assert window.offer_first_run() is None
    m.Business.delete().execute()
    m.set_acting_user(add_user("sam", "sales_manager").id)
    assert window.offer_first_run() is None


def test_a_quote_refused_for_want_of_a_dealership_goes_there(
    db: Path,
    qtbot: QtBot,
    user,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    window = MainWindow(user, db)
    qtbot.addWidget(window)
    sale = factories.opportunity(user.id, brand="Volkswagen", model="Golf")
    quote = quotes.create(sale.id)  # its line: the Golf at the sale's est. revenue
    editor = QuoteDialog(quote.id, window)
    qtbot.addWidget(editor)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert not editor.present()
    assert editor.message is not None
    box = getattr(editor, "missing_box", None)
    assert box is not None, editor.message.text()
    assert "No dealership is on file" in box.text()
    go = next(b for b in box.buttons() if b.text() == "&Go there")
    go.click()
    admin = window.findChild(AdministrationDialog)
    assert admin is not None
    form = admin.dialog
    assert isinstance(form, MasterRecordDialog) and isinstance(form.opened, BusinessRecord)
    assert form.opened.id is None


def test_the_competitors_and_sources_lists_are_offered_where_they_are_typed(
    db: Path,
    qtbot: QtBot,
    user,  # type: ignore[no-untyped-def]
) -> None:
    master_records.list_entry("competitor", "Autohaus Meier")
    gone = master_records.list_entry("competitor", "Auto Schmidt")
    master_data.set_active(gone, False)
    master_records.list_entry("source", "Mobile.de")
    sale = factories.opportunity(user.id)
    closing = CloseLostDialog([sale.id])
    qtbot.addWidget(closing)
    closing.show()
    closing.competitor.setFocus()
    qtbot.waitUntil(closing.competitor.hasFocus)
    offered = closing.competitor.completer().model()
    assert [offered.index(i, 0).data() for i in range(offered.rowCount())] == ["Autohaus Meier"]
    lead = LeadDialog(None, user.id)
    qtbot.addWidget(lead)
    lead.show()
    lead.activateWindow()
    lead.source.setFocus()
    qtbot.waitUntil(lead.source.hasFocus)
    sources = lead.source.completer().model()
    assert sources.index(0, 0).data() == "Mobile.de"


# What each list's form is given to add a record, then the field an edit changes.
_NEW = {
    "businesses": ({"name": "Autohaus Brenner"}, ("city", "Mainz")),
    "facilities": ({"name": "Mainz"}, ("city", "Mainz")),
    "operations": ({"name": "New cars"}, ("name", "New-car sales")),
    "catalogue": ({"brand": "Volkswagen", "model": "Golf"}, ("variant", "Life")),
    "items": ({"name": "Floor mats", "price": "89"}, ("code", "ZUB-1")),
    "stock": (
        {"vin": master_records.VIN, "stock_number": "N-1", "brand": "VW", "model": "Golf"},
        ("colour", "Blue"),
    ),
    "lists": ({"name": "Mobile.de"}, ("name", "AutoScout24")),
}


@pytest.mark.parametrize("key", list(_NEW))
def test_each_list_adds_edits_and_deactivates_in_its_page(db: Path, qtbot: QtBot, key: str) -> None:
    facility = master_records.facility() if key in ("facilities", "operations") else None
    admin = _admin(qtbot)
    page = admin.page(key)
    before = len(page.model.rows)
    form = page.open_record(None)
    assert form is not None
    values: dict[str, Any] = dict(_NEW[key][0])
    if key == "facilities":
        values["business_id"] = facility.business_id  # type: ignore[union-attr]
    if key == "operations":
        values["facility_id"] = facility.id  # type: ignore[union-attr]
    _type(form, **values)
    form.save_and_close()
    assert not form.isVisible(), form.message.text() if form.message else ""
    assert len(page.model.rows) == before + 1  # the list refreshed itself
    page.search.setText("no such thing")
    assert page.model.rows == []
    page.search.setText(str(next(iter(_NEW[key][0].values())))[:4].lower())
    assert page.model.rows  # found as typed, in any case
    page.search.clear()
    target = max(page.model.rows, key=lambda r: r.id)
    page.table.selectRow(
        page.proxy.mapFromSource(page.model.index(page.model.rows.index(target), 0)).row()
    )
    edit = page.open_record(page.current())
    assert edit is not None
    name, value = _NEW[key][1]
    _type(edit, **{name: value})
    edit.save_and_close()
    saved = master_data.get(type(target), target.id)
    assert getattr(saved, name) == value and saved.version == 2
    if page.section.deactivatable:
        page.select(target.id)
        assert page.toggle_active()
        assert not master_data.get(type(target), target.id).active
    else:
        assert not page.active_button.isVisible()


def test_a_quote_takes_an_option_or_accessory_from_the_catalogue_at_its_net_price(
    db: Path,
    qtbot: QtBot,
    user,  # type: ignore[no-untyped-def]
) -> None:
    golf = master_records.catalogue_entry()
    master_data.save(
        ItemRecord(
            kind="accessory",
            code="ZUB-7",
            name="Roof box",
            price=Decimal("595"),
            price_basis="gross",
            vat_rate="19",
        )
    )
    master_data.save(
        ItemRecord(kind="option", name="Winter package", price=Decimal("800"), entry_id=golf.id)
    )
    master_data.save(ItemRecord(kind="accessory", name="Mats in CHF", currency="CHF"))
    retired = master_records.catalogue_entry("GTI")
    master_data.save(ItemRecord(kind="option", name="GTI kit", entry_id=retired.id))
    master_data.set_active(retired, False)
    sale = factories.opportunity(user.id, brand="Volkswagen", model="Golf")
    editor = QuoteDialog(quotes.create(sale.id).id)
    qtbot.addWidget(editor)
    editor._fill_catalogue_menu()
    offered = [a.text() for a in editor.catalogue_menu.actions()]
    assert offered == ["Roof box (ZUB-7)", "Winter package, for the Volkswagen Golf 1.5 TSI Life"]
    editor.catalogue_menu.actions()[0].trigger()
    line = editor.model.rows[-1]
    assert (line.kind, line.description, line.unit_price) == (
        "accessory",
        "Roof box (ZUB-7)",
        "500.00",
    )
    assert editor.save()
    assert quotes.get(editor.quote_id).lines[-1].unit_price == Decimal("500.00")
