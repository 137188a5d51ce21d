"""Going live on an empty database, without the demo, in the program's own windows: the first
administrator, the first-run assistant (dealership, facility and operations, currency and
VAT, documents, process, a user and a team), a catalogue model and a stock vehicle entered
under Administration, then a lead, its conversion, a test drive, a quote, the order form,
the order and the delivery: won, with the dealership printed as the seller."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app import paths
from app.db import models as m
from app.services import leads, master_data, opportunities, setup, workspace
from app.services.master_data import CatalogueRecord
from ui.activities.activity_dialog import ActivityDialog, to_qdatetime
from ui.admin.first_run import FirstRunAssistant
from ui.admin.master_lists import VehicleDialog
from ui.leads.lead_form import LeadDialog
from ui.opportunities.opportunity_form import OpportunityDialog
from ui.quotes.document_preview import DocumentPreviewDialog
from ui.quotes.quotes_tab import DeliveryDialog
from ui.shell.main_window import MainWindow
from ui.shell.sign_in_window import SignInDialog

LEFT = Qt.MouseButton.LeftButton
YES = QMessageBox.StandardButton.Yes


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


@pytest.fixture
def say_yes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: YES))
    monkeypatch.setattr(DocumentPreviewDialog, "open", lambda self: None)


def _assistant(window: MainWindow) -> str:
    """The first-run assistant as the administrator goes through it; the one-time code the
    user it adds is given."""
    assistant = window.offer_first_run()
    assert isinstance(assistant, FirstRunAssistant)
    assistant.next()
    dealer = assistant.page_of("dealership")
    for name, text in (
        ("name", "Autohaus Brenner"),
        ("registered_name", "Autohaus Brenner GmbH"),
        ("street", "Rheinallee 12"),
        ("postcode", "55118"),
        ("city", "Mainz"),
        ("commercial_register", "HRB 12345"),
        ("register_court", "Amtsgericht Mainz"),
        ("vat_number", "DE123456789"),
        ("managing_directors", "Eva Brenner"),
        ("iban", "DE89 3704 0044 0532 0130 00"),
    ):
        dealer.widgets[name].setText(text)
    assistant.next()
    assert assistant.step() == "facilities", dealer.message.text()
    facilities = assistant.page_of("facilities")
    facilities.name.setText("Mainz, Rheinallee")
    facilities.city.setText("Mainz")
    facilities.kinds["fleet_sales"].setChecked(True)
    assistant.next()
    money = assistant.page_of("money")
    money.rates.setText("19; 7; 0")
    assistant.next()
    assistant.next()  # the documents as they are
    assistant.next()  # the standard process
    users = assistant.page_of("users")
    users.full_name.setText("Ben Roth")
    users.username.setText("ben")
    users.team.setText("New cars")
    users.facility.setCurrentIndex(1)
    assistant.next()
    assert assistant.step() == "done", users.message.text()
    told = re.search(r"“ben” with the one-time code (\S+) the first time", users.message.text())
    assert told, users.message.text()
    missing = assistant.page_of("done").missing.text()
    assert "catalogue" in missing and "stock" in missing
    assistant.accept()
    return told.group(1)


def _sign_in_window(qtbot: QtBot) -> SignInDialog:
    dialog = SignInDialog(None, "")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.fixture
def empty(data_dir: Path) -> Iterator[Path]:
    """A new database, as the program creates it on its first start: no user, no demo."""
    path = workspace.open_database(data_dir / "showroom.sqlite3")
    yield path
    workspace.close_database()


def test_a_dealership_goes_live_from_an_empty_database_and_sells_a_car(
    empty: Path, qtbot: QtBot, say_yes: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = empty
    assert m.User.select().count() == m.Business.select().count() == 0
    assert m.CatalogueEntry.select().count() == m.Vehicle.select().count() == 0
    # The first administrator: made in the first start's window on the new database.
    first = _sign_in_window(qtbot)
    assert first.pages.currentWidget() is first.first_page
    first.first_login.setText("eva")
    first.first_name.setText("Eva Brenner")
    first.first_password.setText("Our showroom opens at eight")
    first.first_repeat.setText("Our showroom opens at eight")
    first.create_button.click()
    assert first.made_first_administrator, first.first_message.text()
    admin = first.user
    assert admin is not None and admin.role == "administrator"
    first.close()
    window = MainWindow(admin, db)
    qtbot.addWidget(window)
    window.show()

    code = _assistant(window)
    assert [x.step for x in setup.missing()] == ["catalogue", "stock"]
    facility = master_data.facilities()[0]
    assert setup.facilities_with_operations() == [
        "Mainz, Rheinallee (Mainz): Fleet sales, New-vehicle sales, Used-vehicle sales"
    ]

    # The catalogue and the stock, under Administration.
    administration = window.open_administration("catalogue")
    catalogue = administration.page("catalogue")
    form = catalogue.open_record(None)
    assert form is not None
    for name, text in (
        ("brand", "Volkswagen"),
        ("vehicle_class", "Compact"),
        ("model", "Golf"),
        ("model_code", "CD1"),
        ("variant", "1.5 TSI Life"),
    ):
        form.widgets[name].setText(text)  # type: ignore[attr-defined]
    form.widgets["list_price"].line_edit.setText("35700")  # type: ignore[attr-defined]
    form.widgets["price_basis"].set_current_code("gross")  # type: ignore[attr-defined]
    form.save_and_close()
    [entry] = master_data.catalogue()
    administration.go_to("stock")
    stock = administration.page("stock")
    car_form = stock.open_record(None)
    assert isinstance(car_form, VehicleDialog)
    car_form.from_catalogue.set_current_id(entry.id)
    car_form.widgets["vin"].setText("WVWZZZCDZPW123456")  # type: ignore[attr-defined]
    car_form.widgets["stock_number"].setText("N-1001")  # type: ignore[attr-defined]
    car_form.widgets["colour"].setText("Moonstone Grey")  # type: ignore[attr-defined]
    car_form.widgets["purchase_price"].line_edit.setText("26500")  # type: ignore[attr-defined]
    car_form.widgets["facility_id"].set_current_id(facility.id)  # type: ignore[attr-defined]
    car_form.save_and_close()
    assert not car_form.isVisible(), car_form.message.text() if car_form.message else ""
    [car] = master_data.stock()
    assert car.list_price == Decimal("30000.00") and car.purchase_price == Decimal("26500.00")
    assert setup.missing() == []
    administration.close()

    # A lead, from the catalogue the program now has, and its conversion.
    lead_form = LeadDialog(None, admin.id, window)
    qtbot.addWidget(lead_form)
    lead_form.show()
    lead_form.edits["first_name"].setText("Jürgen")
    lead_form.edits["last_name"].setText("Weiß")
    lead_form.edits["email"].setText("j.weiss@example.de")
    assert lead_form.vehicle.levels["brand"].values() == ["Volkswagen"]
    lead_form.vehicle.levels["brand"].set_value("Volkswagen")
    lead_form.vehicle.levels["model"].set_value("Golf")
    assert lead_form.save()
    qtbot.mouseClick(lead_form.convert_button, LEFT)
    asking = lead_form.conversion_dialog
    assert asking is not None
    with qtbot.waitSignal(lead_form.converted) as converted:
        qtbot.mouseClick(asking.convert_button, LEFT)
    sale_id = converted.args[0]
    assert leads.get(lead_form.lead_id).status == "converted"

    # The opportunity: the stock vehicle reserved, a test drive in it.
    form = OpportunityDialog(sale_id, admin.id, window)
    qtbot.addWidget(form)
    form.show()
    form.device.vehicle.pick(car.id, "N-1001 Volkswagen Golf")
    assert form.save(), form.message.text() if form.message else ""
    assert opportunities.get(sale_id).vehicle_id == car.id
    form.tabs.setCurrentWidget(form.timeline)
    qtbot.mouseClick(form.timeline.add_buttons["test_drive"], LEFT)
    drive = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, ActivityDialog) and w.isVisible()
    )
    drive.subject.setText("Test drive Golf")
    tomorrow = datetime.combine(date.today() + timedelta(days=1), datetime.min.time())
    drive.starts.setDateTime(to_qdatetime(tomorrow.replace(hour=10)))
    drive.vehicle.pick(car.id, "N-1001 Volkswagen Golf")
    with qtbot.waitSignal(form.changed, timeout=3000):
        qtbot.mouseClick(drive.save_button, LEFT)
    assert opportunities.get(sale_id).stage_name == "Interest"

    # The quote, the order form, the order and the delivery.
    tab = form.quotes_tab
    editor = tab.new_quote()
    assert editor is not None
    assert editor.present()
    monkeypatch.setattr(QDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    assert editor.accept_quote() == "OF-00001"
    editor.close()
    assert tab.record_signature()
    assert tab.confirm_order() == "O-00001"

    def deliver(self: DeliveryDialog) -> QDialog.DialogCode:
        self.mileage.setValue(12)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(DeliveryDialog, "exec", deliver)
    assert tab.record_delivery()
    sale = opportunities.get(sale_id)
    assert (sale.status, sale.stage_name) == ("won", "Won")
    assert m.Vehicle.get_by_id(car.id).use == "sold"
    # The documents print the dealership entered in the assistant as the seller.
    snapshot = json.loads(m.OrderForm.get().snapshot)
    assert "Autohaus Brenner" in json.dumps(snapshot, ensure_ascii=False)
    assert "DE123456789" in json.dumps(snapshot)
    printed = pypdf.PdfReader(paths.documents_dir() / "OF-00001.pdf")
    text = " ".join(page.extract_text() for page in printed.pages)
    assert "Autohaus Brenner GmbH" in text and "DE123456789" in text
    assert "Register: Amtsgericht Mainz" in text and "IBAN" in text
    # A user the assistant added signs in with the one-time code, chooses a password, and is
    # in the team it named.
    sign_in = _sign_in_window(qtbot)
    sign_in.login.setText("ben")
    sign_in.password.setText(code)
    sign_in.sign_in_button.click()
    assert sign_in.pages.currentWidget() is sign_in.new_password_page, sign_in.message.text()
    sign_in.new_password.setText("Seven green ferries cross the lake")
    sign_in.new_repeat.setText("Seven green ferries cross the lake")
    sign_in.new_button.click()
    ben = sign_in.user
    assert ben is not None
    assert ben.role == "salesperson" and m.User.get_by_id(ben.id).team.name == "New cars"
    assert master_data.get(CatalogueRecord, entry.id).price_basis == "gross"
