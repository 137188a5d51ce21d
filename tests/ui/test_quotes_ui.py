"""The quote editor, the document preview and the opportunity's quotes tab, driven as a user would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QMessageBox

from app import i18n, paths
from app.db import models as m
from app.services import deals, opportunities, quotes
from app.services.workspace import UserInfo
from tests import factories
from tests.ui.catalogues import use_catalogue
from ui.quotes.document_preview import DocumentPreviewDialog
from ui.quotes.quote_editor import QuoteDialog
from ui.quotes.quote_lines import (
    COL_DESCRIPTION,
    COL_KIND,
    COL_NET,
    COL_PRICE,
    COL_QUANTITY,
    QuoteLineTableModel,
)
from ui.quotes.quotes_tab import (
    DateDialog,
    DeliveryDialog,
    OrderFormTableModel,
    QuotesTab,
    QuoteTableModel,
)

YES = QMessageBox.StandardButton.Yes
EDIT = Qt.ItemDataRole.EditRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole


@pytest.fixture
def sale(user: UserInfo) -> int:
    m.Business.create(name="Autohaus Brenner GmbH", kind="dealer", city="München")
    vehicle = m.Vehicle.create(
        vin="WVWZZZCDZSW123456",
        stock_number="N-1",
        condition="new",
        brand="Volkswagen",
        model="Golf",
        variant="Life",
        list_price_minor=2_985_000,
    )
    account = factories.customer("Петров", "Иван")
    return factories.opportunity(user.id, account_id=account, vehicle_id=vehicle.id).id


@pytest.fixture
def say_yes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(title)
        return YES

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def _cell(dialog: QuoteDialog, row: int, column: int) -> str:
    return str(dialog.model.index(row, column).data())


def test_every_quote_model_passes_the_model_tester(sale: int, qtbot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    quote = quotes.create(sale)
    lines = QuoteLineTableModel("EUR")
    dialog = QuoteDialog(quote.id)
    qtbot.addWidget(dialog)
    lines.set_rows(list(dialog.model.rows))
    qtmodeltester.check(lines, force_py=True)
    listing = QuoteTableModel()
    listing.set_rows(quotes.for_opportunity(sale))
    qtmodeltester.check(listing, force_py=True)
    forms = OrderFormTableModel()
    qtmodeltester.check(forms, force_py=True)


def test_the_editor_adds_a_line_and_the_totals_follow(sale: int, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = QuoteDialog(quotes.create(sale).id)
    qtbot.addWidget(dialog)
    assert _cell(dialog, 0, COL_DESCRIPTION) == "Volkswagen Golf Life, new"
    assert dialog.totals.text_of("amount_due") == "€35,521.50"  # 29,850 + 19 % VAT

    row = dialog.add_line("accessory")
    model = dialog.model
    model.setData(model.index(row, COL_DESCRIPTION), "Floor mats, Ελληνικά & <b>", EDIT)
    model.setData(model.index(row, COL_QUANTITY), "2", EDIT)
    # "54,90" is no English amount: refused with its reading, and kept as typed.
    model.setData(model.index(row, COL_PRICE), "54,90", EDIT)
    assert "did you mean 54.90?" in model.row_problems(row)[COL_PRICE]
    model.setData(model.index(row, COL_PRICE), "54.90", EDIT)
    assert _cell(dialog, row, COL_NET) == "109.80"
    assert dialog.totals.text_of("net") == "€29,959.80"
    assert dialog.is_modified()

    assert dialog.save()
    saved = quotes.get(dialog.quote_id)
    assert saved.lines[1].description == "Floor mats, Ελληνικά & <b>"
    assert saved.lines[1].unit_price == Decimal("54.90")
    assert not dialog.is_modified()
    assert opportunities.get(sale).est_revenue_accessories == Decimal("109.80")


def test_a_refused_line_keeps_what_was_typed_and_says_why(sale: int, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = QuoteDialog(quotes.create(sale).id)
    qtbot.addWidget(dialog)
    row = dialog.add_line("discount")
    model = dialog.model
    model.setData(model.index(row, COL_DESCRIPTION), "Loyalty discount", EDIT)
    model.setData(model.index(row, COL_QUANTITY), "two", EDIT)
    model.setData(model.index(row, COL_PRICE), "500", EDIT)

    assert not dialog.save()
    assert _cell(dialog, row, COL_QUANTITY) == "two"
    assert "not a number" in str(model.index(row, COL_QUANTITY).data(TOOLTIP))
    assert "two" in dialog.lines_message.text()
    assert len(quotes.get(dialog.quote_id).lines) == 1

    model.setData(model.index(row, COL_QUANTITY), "1", EDIT)
    model.setData(model.index(row, COL_PRICE), "40000", EDIT)
    assert not dialog.save()
    assert "more than" in str(model.index(row, COL_PRICE).data(TOOLTIP))
    assert _cell(dialog, row, COL_PRICE) == "40,000.00"


def test_the_kind_of_a_line_is_picked_from_the_list(sale: int, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = QuoteDialog(quotes.create(sale).id)
    qtbot.addWidget(dialog)
    model = dialog.model
    assert not model.setData(model.index(0, COL_KIND), "gift", EDIT)
    assert model.setData(model.index(0, COL_KIND), "option", EDIT)
    assert _cell(dialog, 0, COL_KIND) == "Option"


def test_presenting_freezes_the_editor_and_opens_the_preview(
    sale: int, qtbot, say_yes: list[str], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = QuoteDialog(quotes.create(sale).id)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.open_preview) as preview:
        dialog.present_button.click()
    assert say_yes == ["Present the quote"]
    assert preview.args == ["Q-00001"]
    assert dialog.detail.status == "presented"
    assert not dialog.save_button.isVisible() or dialog.save_button.isHidden()
    assert not dialog.model.setData(dialog.model.index(0, COL_DESCRIPTION), "Changed", EDIT)
    assert not dialog.revise_button.isHidden() and not dialog.accept_button.isHidden()

    viewer = DocumentPreviewDialog("Q-00001")
    qtbot.addWidget(viewer)
    assert viewer.page_count() == 1
    saved = viewer.save_to(tmp_path / "for the customer")
    assert saved == tmp_path / "for the customer.pdf"
    text = PdfReader(saved).pages[0].extract_text()
    assert "Q-00001" in text and "Иван Петров" in text

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert viewer.print_to(printer)
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == 1


def test_an_empty_quote_is_not_presented(sale: int, qtbot, say_yes: list[str]) -> None:  # type: ignore[no-untyped-def]
    dialog = QuoteDialog(quotes.create(sale).id)
    qtbot.addWidget(dialog)
    dialog.table.setCurrentIndex(dialog.model.index(0, 0))
    dialog.remove_line()
    assert not dialog.present()
    assert "no lines" in dialog.message.text()
    assert quotes.get(dialog.quote_id).status == "draft"


def test_closing_with_unsaved_lines_asks(sale: int, qtbot, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    dialog = QuoteDialog(quotes.create(sale).id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.add_line("service")
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(title)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    dialog.close_button.click()
    assert asked == ["Unsaved changes"]
    assert dialog.isVisible()


def test_the_tab_runs_the_sale_from_quote_to_delivery(
    sale: int, qtbot, say_yes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(DocumentPreviewDialog, "open", lambda self: None)
    tab = QuotesTab()
    qtbot.addWidget(tab)
    tab.set_opportunity(sale)
    assert tab.new_button.isEnabled() and not tab.preview_button.isEnabled()  # no quote yet

    with qtbot.waitSignal(tab.changed):
        editor = tab.new_quote()
    assert isinstance(editor, QuoteDialog)
    assert tab.quote_model.rowCount() == 1
    assert opportunities.get(sale).stage_name == "Quotation"
    assert tab.preview_button.text() == "Pre&view draft"
    draft = tab.preview_current_quote()
    assert isinstance(draft, DocumentPreviewDialog) and draft.is_draft
    assert editor.present()
    monkeypatch.setattr(QDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    assert editor.accept_quote() == "OF-00001"
    editor.close()

    assert [r.status for r in tab.quote_model.rows] == ["accepted"]
    assert tab.form_model.rowCount() == 1
    assert opportunities.get(sale).stage_name == "Contract"
    assert tab.sign_button.isEnabled() and not tab.confirm_button.isEnabled()

    assert tab.record_signature()
    assert tab.confirm_button.isEnabled()
    assert tab.confirm_order() == "O-00001"
    assert opportunities.get(sale).stage_name == "Delivery"

    monkeypatch.setattr(DeliveryDialog, "exec", _accept_with_mileage(1234))
    assert tab.record_delivery()
    detail = opportunities.get(sale)
    assert detail.status == "won"
    assert "delivered" in tab.form_model.rows[0].stage
    assert (paths.documents_dir() / "OF-00001.pdf").exists()


def _accept_with_mileage(km: int):  # type: ignore[no-untyped-def]
    def run(self: DeliveryDialog) -> QDialog.DialogCode:
        self.mileage.setValue(km)
        return QDialog.DialogCode.Accepted

    return run


def test_a_refused_signature_date_is_said_in_the_dialog(
    sale: int, qtbot, say_yes, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    quote = quotes.create(sale)
    quotes.present(quote.id)
    deals.accept_quote(quote.id)
    tab = QuotesTab()
    qtbot.addWidget(tab)
    tab.set_opportunity(sale)
    answers = iter([QDialog.DialogCode.Accepted, QDialog.DialogCode.Rejected])
    seen: list[str] = []

    def run(self: DateDialog) -> QDialog.DialogCode:
        if seen == []:
            self.date_edit.set_date_value(date(2099, 1, 1))
        seen.append(self.box.message.text())
        return next(answers)

    # Through monkeypatch: it takes the attribute off DateDialog again afterwards, where
    # putting back what DateDialog.exec read (QDialog's own exec) would leave it on the
    # class, out of reach of a later test's patch of QDialog.exec, which then hangs.
    monkeypatch.setattr(DateDialog, "exec", run)
    assert not tab.record_signature()
    assert "future" in seen[1]
    assert tab.form_model.rows[0].signed_on is None


def test_the_document_settings_dialog_saves_and_refuses_at_the_field(sale: int, qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.services import documents
    from ui.quotes.document_settings_dialog import DocumentSettingsDialog

    dialog = DocumentSettingsDialog()
    qtbot.addWidget(dialog)
    dialog.vat_rate.setText("nineteen")
    assert not dialog.save()
    assert "number" in dialog.boxes["vat_rate"].message.text()
    dialog.vat_rate.setText("20")
    dialog.valid_days.setValue(21)
    dialog.terms.setPlainText("Prices include delivery to Innsbruck.")
    assert dialog.save()
    assert documents.document_settings().vat_rate == Decimal("20")
    assert quotes.create(sale).valid_until == date.today() + timedelta(days=21)


def test_the_document_settings_dialog_edits_the_dealers_legal_details(sale: int, qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.services import documents
    from ui.quotes.document_settings_dialog import DocumentSettingsDialog

    dialog = DocumentSettingsDialog()
    qtbot.addWidget(dialog)
    assert dialog.tabs.count() == 3 and dialog.dealer.count() >= 1
    dialog.dealer_edits["registered_name"].setText("Autohaus Brenner Rosenheim GmbH")
    dialog.dealer_edits["iban"].setText("DE89 3704 0044 0532 0130 01")
    assert not dialog.save()
    assert dialog.tabs.currentIndex() == 1  # the refused field's tab comes forward
    assert "IBAN" in dialog.boxes["iban"].message.text()
    dialog.dealer_edits["iban"].setText("DE89370400440532013000")
    dialog.dealer_edits["bic"].setText("COBADEFFXXX")
    assert dialog.save()
    assert dialog.dealer_edits["iban"].text() == "DE89 3704 0044 0532 0130 00"
    saved = documents.document_settings().dealer
    assert saved is not None and saved.registered_name == "Autohaus Brenner Rosenheim GmbH"


def test_a_salesperson_sees_the_document_settings_read_only(sale: int, qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui.quotes.document_settings_dialog import DocumentSettingsDialog

    m.UserRoleGrant.update(role="salesperson").execute()
    dialog = DocumentSettingsDialog()
    qtbot.addWidget(dialog)
    assert dialog.read_only and dialog.save_button.isHidden() and dialog.terms.isReadOnly()
    assert dialog.dealer_edits["iban"].isReadOnly()


def test_the_form_shows_the_revenue_of_its_quote_read_only(
    sale: int, user: UserInfo, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from ui.opportunities.opportunity_form import OpportunityDialog

    monkeypatch.setattr(QuoteDialog, "open", lambda self: None)
    form = OpportunityDialog(sale, user.id)
    qtbot.addWidget(form)
    titles = [form.tabs.tabText(i) for i in range(form.tabs.count())]
    assert "&Quotes and documents" in titles
    assert not form.opportunity.revenue.line_edit.isReadOnly()
    form.opportunity.topic.setText("Golf Life for Mr Petrov")  # typed, not saved yet

    editor = form.quotes_tab.new_quote()
    assert isinstance(editor, QuoteDialog)

    assert form.opportunity.revenue.text() == "29,850.00"
    assert form.opportunity.revenue.line_edit.isReadOnly()
    assert form.opportunity.revenue_hint.text() == "from quote Q-00001"
    assert form.opportunity.topic.text() == "Golf Life for Mr Petrov"
    assert form.stage_bar.segment_named("Quotation") is not None
    assert opportunities.get(sale).stage_name == "Quotation"
    assert form.save()  # the stage move and the quote did not make it a conflict
    assert opportunities.get(sale).topic == "Golf Life for Mr Petrov"
    assert opportunities.get(sale).est_revenue == Decimal("29850.00")


def test_closing_a_contracted_sale_as_lost_warns_of_the_contract(sale: int, qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui.opportunities.close_dialogs import CloseLostDialog

    quote = quotes.create(sale)
    quotes.present(quote.id)
    deals.accept_quote(quote.id)
    dialog = CloseLostDialog([sale])
    qtbot.addWidget(dialog)
    text = dialog.left_out.text()
    assert "order form OF-00001" in text and "cancels it" in text


def test_a_negative_figure_is_flagged_as_typed_and_left_out_of_the_totals(sale: int, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = QuoteDialog(quotes.create(sale).id)
    qtbot.addWidget(dialog)
    row = dialog.add_line("discount")
    model = dialog.model
    model.setData(model.index(row, COL_DESCRIPTION), "Typo", EDIT)
    model.setData(model.index(row, COL_PRICE), "-10001000", EDIT)
    assert _cell(dialog, row, COL_NET) == ""
    assert "cannot be negative" in str(model.index(row, COL_PRICE).data(TOOLTIP))
    assert dialog.totals.text_of("amount_due") == "€35,521.50"  # as without the line
    assert "1 line to correct" in dialog.totals.title()
    model.setData(model.index(row, COL_PRICE), "500", EDIT)
    assert model.index(row, COL_PRICE).data(TOOLTIP) is None
    assert dialog.totals.text_of("net") == "€29,350.00"


def test_a_draft_is_previewed_marked_as_a_draft(sale: int, qtbot) -> None:  # type: ignore[no-untyped-def]
    import io

    dialog = QuoteDialog(quotes.create(sale).id)
    qtbot.addWidget(dialog)
    assert dialog.preview_button.text() == "Pre&view draft"
    viewer = dialog.preview()
    assert isinstance(viewer, DocumentPreviewDialog)
    qtbot.addWidget(viewer)
    assert viewer.is_draft and viewer.save_button.isHidden()
    text = PdfReader(io.BytesIO(viewer.data)).pages[0].extract_text()
    assert "DRAFT" in text and "Q-00001" in text
    assert quotes.get(dialog.quote_id).status == "draft"
    assert not (paths.documents_dir() / "Q-00001.pdf").exists()


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from use_catalogue(
        tmp_path,
        monkeypatch,
        "de",
        [
            ("Quote", "Angebot", "quote.label"),
            ("Qty", "Menge", "quote_line.quantity"),
            ("&New quote", "&Neues Angebot", None),
            ("Pre&view", "&Vorschau", None),
            ("Line {line}, quantity: {problem}", "Position {line}, Menge: {problem}", None),
            (
                "“{text}” is not a number in {language}: type it as {example}.",
                "„{text}“ ist keine Zahl auf {language}: schreiben Sie sie als {example}.",
                None,
            ),
            ((" day", " days"), (" Tag", " Tage"), None),
        ],
    )


def test_a_change_of_language_shows_in_the_headers_at_once_and_in_new_windows(
    sale: int, german: None, qtbot
) -> None:  # type: ignore[no-untyped-def]
    tab = QuotesTab()
    qtbot.addWidget(tab)
    assert tab.quote_model.headerData(0, Qt.Orientation.Horizontal) == "Quote"
    assert tab.new_button.text() == "&New quote"

    i18n.set_language("de")
    # Headers are looked up each time they are shown: no rebuild, no restart.
    assert tab.quote_model.headerData(0, Qt.Orientation.Horizontal) == "Angebot"
    assert tab.new_button.text() == "&New quote"  # built before the change
    again = QuotesTab()
    qtbot.addWidget(again)
    assert again.new_button.text() == "&Neues Angebot"
    assert again.preview_button.text() == "&Vorschau"

    i18n.set_language("en")
    assert tab.quote_model.headerData(0, Qt.Orientation.Horizontal) == "Quote"


def test_a_lines_message_and_a_plural_unit_read_the_language(
    sale: int, german: None, qtbot
) -> None:  # type: ignore[no-untyped-def]
    from ui.quotes.document_settings_dialog import DocumentSettingsDialog

    model = QuoteLineTableModel("EUR")
    model.add_line("vehicle", Decimal(19))
    model.setData(model.index(0, COL_QUANTITY), "x")
    assert model.row_problems(0)[COL_QUANTITY] == (
        "Line 1, quantity: “x” is not a number in English: type it as 12,500.50."
    )
    settings = DocumentSettingsDialog()
    qtbot.addWidget(settings)
    settings.valid_days.setValue(1)
    assert settings.valid_days.suffix() == " day"  # not "1 days"
    settings.valid_days.setValue(30)
    assert settings.valid_days.suffix() == " days"

    i18n.set_language("de")
    assert model.row_problems(0)[COL_QUANTITY] == (
        "Position 1, Menge: „x“ ist keine Zahl auf Deutsch: schreiben Sie sie als 12.500,50."
    )
    assert model.headerData(COL_QUANTITY, Qt.Orientation.Horizontal) == "Menge"
    settings.valid_days.setValue(1)
    assert settings.valid_days.suffix() == " Tag"


def test_the_car_traded_in_is_entered_checked_and_printed_beside_its_allowance(
    sale: int, qtbot, say_yes: list[str]
) -> None:  # type: ignore[no-untyped-def]
    from ui.quotes.trade_in_dialog import TradeInDialog

    dialog = QuoteDialog(quotes.create(sale).id)
    qtbot.addWidget(dialog)
    assert dialog.trade_in_button.isHidden()  # no trade-in line yet
    row = dialog.add_line("trade_in")
    model = dialog.model
    model.setData(model.index(row, COL_DESCRIPTION), "Trade-in allowance", EDIT)
    model.setData(model.index(row, COL_PRICE), "6800", EDIT)
    assert not dialog.trade_in_button.isHidden() and dialog.trade_in_button.isEnabled()
    # Not identified: the quote is not presented, and the line says why.
    assert not dialog.present()
    assert "identify the car traded in" in dialog.lines_message.text()
    assert say_yes == []

    car_dialog = dialog.edit_trade_in()
    assert isinstance(car_dialog, TradeInDialog)
    qtbot.addWidget(car_dialog)
    vin = car_dialog.vin  # a VIN reads whole
    assert vin.width() > vin.fontMetrics().horizontalAdvance("WVWZZZ3C4BA210170") + 8
    car_dialog.make.setText("Opel")
    car_dialog.model.setText("Astra")
    car_dialog.vin.setText("W0L0AHL4858")  # too short
    car_dialog.first_registration.set_date_value(date(2017, 4, 3))
    car_dialog.mileage.setText("98.4")  # no whole kilometres in English, never 984
    car_dialog.accept()
    assert car_dialog.isVisible() and "whole kilometres, e.g. 48,200" in (
        car_dialog.boxes["mileage_km"].message.text()
    )
    car_dialog.mileage.setText("98,400")
    car_dialog.accept()
    assert car_dialog.isVisible() and "17 characters" in car_dialog.boxes["vin"].message.text()
    car_dialog.vin.setText("w0l0ahl48585 12345")  # a European VIN without a check digit
    car_dialog.accept()
    assert car_dialog.isVisible() and "only a warning" in car_dialog.boxes["vin"].message.text()
    car_dialog.accept()  # OK again keeps it
    assert not car_dialog.isVisible()
    assert "Opel Astra, VIN W0L0AHL4858512345" in _cell(dialog, row, COL_DESCRIPTION)
    assert dialog.is_modified()

    assert dialog.present()
    car = quotes.get(dialog.quote_id).lines[row].trade_in
    assert car is not None and (car.vin, car.mileage_km) == ("W0L0AHL4858512345", 98400)
    from app.services import documents

    text = PdfReader(documents.archived_pdf("Q-00001")).pages[0].extract_text()
    assert "Opel Astra" in text and "VIN W0L0AHL4858512345" in text and "98,400 km" in text
