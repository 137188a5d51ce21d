"""The opportunity's quotes and documents: its quotes, its order forms and their way to delivery."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain import money
from app.domain.fields import label
from app.domain.quotes import QuoteStatus
from app.domain.reading import format_day
from app.domain.validation import ValidationError
from app.i18n import _
from app.services import orders, quotes
from app.services.errors import NotFound
from app.services.orders import OrderFormSummary
from app.services.quotes import QuoteSummary
from ui.common import changes
from ui.common.qt import ACCEPTED
from ui.common.table_model import Column, RowTableModel, summary_table
from ui.common.texts import FieldLabel
from ui.common.widgets import ERROR_COLOUR, DateEdit, FieldBox, show_field_messages


def _day(value: date | None) -> str:
    return format_day(value) if value else ""


def _status(value: str) -> str:
    try:
        return QuoteStatus(value).label
    except ValueError:
        return value


class QuoteTableModel(RowTableModel[QuoteSummary]):
    columns = (
        Column(FieldLabel("quote.label"), lambda q: q.label),
        Column(FieldLabel("quote.status"), lambda q: _status(q.status)),
        Column(FieldLabel("quote.valid_until"), lambda q: _day(q.valid_until)),
        Column(
            FieldLabel("quote.net"),
            lambda q: money.format_money(q.net, q.currency),
            figure=True,
        ),
        Column(
            FieldLabel("quote.amount_due"),
            lambda q: money.format_money(q.amount_due, q.currency),
            figure=True,
        ),
        Column(FieldLabel("quote.order_form_number"), lambda q: q.order_form_number),
    )


class OrderFormTableModel(RowTableModel[OrderFormSummary]):
    columns = (
        Column(FieldLabel("order_form.number"), lambda f: f.number),
        Column(FieldLabel("order_form.quote_label"), lambda f: f.quote_label),
        Column(FieldLabel("order_form.issued_on"), lambda f: _day(f.issued_on)),
        Column(FieldLabel("order_form.delivery_date", short=True), lambda f: _day(f.delivery_date)),
        Column(
            FieldLabel("order_form.amount_due"),
            lambda f: money.format_money(f.amount_due, f.currency),
            figure=True,
        ),
        Column(FieldLabel("order_form.stage"), lambda f: f.stage),
    )


class QuotesTab(QWidget):
    """Lists the opportunity's quotes and order forms, and moves them on. Emits `changed`
    after anything that may have moved the opportunity (its stage, revenue or status)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.opportunity_id: int | None = None
        self.read_only = False
        self.open_dialogs: list[QDialog] = []

        self.quote_model = QuoteTableModel(self)
        self.quote_table = summary_table(self.quote_model)
        self.new_button = QPushButton(_("&New quote"))
        self.open_button = QPushButton(_("&Open quote"))
        self.preview_button = QPushButton(_("Pre&view"))
        self.new_button.clicked.connect(self.new_quote)
        self.open_button.clicked.connect(self.open_current_quote)
        self.preview_button.clicked.connect(self.preview_current_quote)
        self.quote_table.doubleClicked.connect(lambda _index: self.open_current_quote())

        self.form_model = OrderFormTableModel(self)
        self.form_table = summary_table(self.form_model)
        self.form_preview_button = QPushButton(_("Previe&w order form"))
        self.sign_button = QPushButton(_("Record &signature…"))
        self.confirm_button = QPushButton(_("Con&firm order"))
        self.deliver_button = QPushButton(_("Record &delivery…"))
        self.form_preview_button.clicked.connect(self.preview_current_form)
        self.sign_button.clicked.connect(self.record_signature)
        self.confirm_button.clicked.connect(self.confirm_order)
        self.deliver_button.clicked.connect(self.record_delivery)
        self.form_table.doubleClicked.connect(lambda _index: self.preview_current_form())

        self.message = QLabel()
        self.message.setWordWrap(True)

        quote_buttons = QHBoxLayout()
        for button in (self.new_button, self.open_button, self.preview_button):
            quote_buttons.addWidget(button)
        quote_buttons.addStretch(1)
        # The preview on a row of its own and the steps to delivery on the next: one row of
        # all four would make the tab too wide to stand beside the form's sections.
        form_preview_row = QHBoxLayout()
        form_preview_row.addWidget(self.form_preview_button)
        form_preview_row.addStretch(1)
        form_buttons = QHBoxLayout()
        for button in (self.sign_button, self.confirm_button, self.deliver_button):
            form_buttons.addWidget(button)
        form_buttons.addStretch(1)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(QLabel("<b>{}</b>".format(_("Quotes"))))
        top_layout.addWidget(self.quote_table, 1)
        top_layout.addLayout(quote_buttons)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(QLabel("<b>{}</b>".format(_("Order forms and orders"))))
        bottom_layout.addWidget(self.form_table, 1)
        bottom_layout.addLayout(form_preview_row)
        bottom_layout.addLayout(form_buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)

        self.quote_table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.form_table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self._enable()

    # Loading

    def set_opportunity(self, opportunity_id: int | None) -> None:
        self.opportunity_id = opportunity_id
        self.refresh()

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self._enable()

    def refresh(self) -> None:
        if self.opportunity_id is None:
            self.quote_model.set_rows([])
            self.form_model.set_rows([])
        else:
            self.quote_model.set_rows(quotes.for_opportunity(self.opportunity_id))
            self.form_model.set_rows(orders.for_opportunity(self.opportunity_id))
        if self.quote_model.rows:
            self.quote_table.selectRow(0)
        if self.form_model.rows:
            self.form_table.selectRow(0)
        self._enable()

    def current_quote(self) -> QuoteSummary | None:
        return self.quote_model.row_at(self.quote_table.currentIndex().row())

    def current_form(self) -> OrderFormSummary | None:
        return self.form_model.row_at(self.form_table.currentIndex().row())

    def _enable(self) -> None:
        saved = self.opportunity_id is not None
        quote = self.current_quote()
        form = self.current_form()
        writable = saved and not self.read_only
        self.new_button.setEnabled(writable)
        self.open_button.setEnabled(quote is not None)
        self.preview_button.setEnabled(quote is not None)
        self.preview_button.setText(
            _("Pre&view draft") if quote is not None and not quote.issued else _("Pre&view")
        )
        self.form_preview_button.setEnabled(form is not None)
        live = writable and form is not None and form.live
        self.sign_button.setEnabled(live and form is not None and form.signed_on is None)
        self.confirm_button.setEnabled(
            live and form is not None and form.signed_on is not None and form.order_id is None
        )
        self.deliver_button.setEnabled(live and form is not None and form.order_id is not None)

    # Quotes

    def new_quote(self) -> QDialog | None:
        if self.opportunity_id is None:
            return None
        try:
            detail = quotes.create(self.opportunity_id)
        except (ValidationError, NotFound) as exc:
            self._say(str(exc), error=True)
            return None
        self._after_change()
        return self.open_quote(detail.id)

    def open_current_quote(self) -> QDialog | None:
        quote = self.current_quote()
        return self.open_quote(quote.id) if quote is not None else None

    def open_quote(self, quote_id: int) -> QDialog:
        from ui.quotes.quote_editor import QuoteDialog

        dialog = QuoteDialog(quote_id, self)
        dialog.changed.connect(lambda _id: self._after_change())
        dialog.open_preview.connect(self.preview)
        self._show(dialog)
        return dialog

    def preview_current_quote(self) -> QDialog | None:
        quote = self.current_quote()
        if quote is None:
            return None
        if quote.issued:
            return self.preview(quote.reference)
        from ui.quotes.document_preview import DocumentPreviewDialog

        try:
            data = quotes.draft_pdf(quote.id)
        except (ValidationError, NotFound) as exc:
            self._say(str(exc), error=True)
            return None
        dialog = DocumentPreviewDialog(quote.label, self, draft=data)
        self._show(dialog)
        return dialog

    def preview(self, reference: str) -> QDialog | None:
        from ui.quotes.document_preview import DocumentPreviewDialog

        try:
            dialog = DocumentPreviewDialog(reference, self)
        except (NotFound, ValueError) as exc:
            self._say(str(exc), error=True)
            return None
        self._show(dialog)
        return dialog

    # Order forms and orders

    def preview_current_form(self) -> QDialog | None:
        form = self.current_form()
        return self.preview(form.number) if form is not None else None

    def record_signature(self) -> bool:
        form = self.current_form()
        if form is None:
            return False
        dialog = DateDialog(
            _("Order form {number} signed").format(number=form.number),
            _("The customer signed order form {number} on").format(number=form.number),
            self,
        )
        while dialog.exec() == ACCEPTED:
            try:
                orders.record_signature(form.id, dialog.date_edit.date_value())
            except ValidationError as exc:
                dialog.box.show_error(str(exc))
                continue
            self._after_change(_("Recorded the signature of {number}.").format(number=form.number))
            return True
        return False

    def confirm_order(self) -> str:
        form = self.current_form()
        if form is None:
            return ""
        try:
            number = orders.confirm_order(form.id)
        except (ValidationError, NotFound) as exc:
            self._say(str(exc), error=True)
            return ""
        self._after_change(
            _("Order {number} is confirmed; the sale is in Delivery.").format(number=number)
        )
        return number

    def record_delivery(self) -> bool:
        form = self.current_form()
        if form is None or form.order_id is None:
            return False
        dialog = DeliveryDialog(form, self)
        while dialog.exec() == ACCEPTED:
            try:
                orders.record_delivery(
                    form.order_id,
                    dialog.date_edit.date_value(),
                    dialog.mileage.value(),
                    dialog.note.text(),
                )
            except ValidationError as exc:
                dialog.show_errors(exc.errors)
                continue
            self._after_change(
                _("Delivered. The sale is won: {number}.").format(number=form.order_number)
            )
            return True
        return False

    # Helpers

    def _after_change(self, text: str = "") -> None:
        self.refresh()
        self._say(text)
        changes.record_changes().announce(changes.OPPORTUNITY, self.opportunity_id or 0)
        self.changed.emit()

    def _show(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.open_dialogs = [d for d in self.open_dialogs if _alive(d)]
        self.open_dialogs.append(dialog)
        dialog.open()

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {ERROR_COLOUR}" if error else "")
        self.message.setText(text)


def _alive(dialog: QDialog) -> bool:
    try:
        return dialog.isVisible()
    except RuntimeError:  # deleted on close
        return False


class DateDialog(QDialog):
    """Asks for one date (today by default), with a message under it when refused."""

    def __init__(self, title: str, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.date_edit = DateEdit()
        self.date_edit.set_date_value(date.today())
        self.box = FieldBox(self.date_edit, stretch=True)
        form = QFormLayout()
        form.addRow(QLabel(question))
        form.addRow(_("&Date"), self.box)
        caption = form.labelForField(self.box)
        if isinstance(caption, QLabel):
            caption.setBuddy(self.date_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)


class DeliveryDialog(QDialog):
    """The hand-over: date, mileage on the clock, and a note."""

    def __init__(self, form: OrderFormSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Delivery of order {number}").format(number=form.order_number))
        self.date_edit = DateEdit()
        self.date_edit.set_date_value(date.today())
        self.mileage = QSpinBox()
        self.mileage.setRange(0, orders.MAX_MILEAGE_KM)
        self.mileage.setSuffix(_(" km"))
        self.mileage.setGroupSeparatorShown(True)
        self.note = QLineEdit()
        self.note.setPlaceholderText(_("e.g. handed over with two keys and the service book"))
        self.boxes = {
            "delivered_on": FieldBox(self.date_edit, stretch=True),
            "mileage_km": FieldBox(self.mileage, stretch=True),
            "note": FieldBox(self.note),
        }
        form_layout = QFormLayout()
        form_layout.addRow(
            QLabel(
                _("Recording the delivery closes the opportunity as won ({number}).").format(
                    number=form.number
                )
            )
        )
        form_layout.addRow(label("order.delivered_on", form=True), self.boxes["delivered_on"])
        form_layout.addRow(label("order.delivery_mileage_km", form=True), self.boxes["mileage_km"])
        form_layout.addRow(label("order.delivery_note", form=True), self.boxes["note"])
        for name, box in self.boxes.items():
            caption = form_layout.labelForField(box)
            if isinstance(caption, QLabel):
                caption.setBuddy(box.field)
            del name
        buttons = QDialogButtonBox()
        buttons.addButton(_("&Record delivery"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form_layout)
        layout.addWidget(buttons)

    def show_errors(self, errors: dict[str, str]) -> None:
        show_field_messages(self.boxes, errors)
