"""The quote editor: a quote's lines and totals, and the moves from draft to accepted."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain import money
from app.domain.choices import Interest
from app.domain.fields import label
from app.domain.quotes import LineKind, QuoteStatus
from app.domain.validation import ValidationError
from app.i18n import N_, _, ngettext
from app.services import deals, demand, master_data, quotes
from app.services.documents import DocumentFolderError
from app.services.errors import ConflictError
from app.services.quotes import QuoteDetail, QuoteInput
from ui.common.demand_editor import demand_summary
from ui.common.qt import ACCEPTED, NO, PLAIN_TEXT, YES
from ui.common.record_dialog import RecordDialog
from ui.common.setup_link import DEALERSHIP, offer_setup
from ui.common.widgets import (
    ERROR_COLOUR,
    ChoiceCombo,
    DateEdit,
    FieldBox,
    OptionalDateEdit,
    show_field_messages,
    show_read_only_look,
)
from ui.quotes.quote_lines import (
    COL_DESCRIPTION,
    COL_KIND,
    COL_NET,
    COL_PRICE,
    COL_QUANTITY,
    COL_VAT,
    COLUMN_OF_FIELD,
    KindDelegate,
    LineRow,
    QuoteLineTableModel,
    TotalsPanel,
)
from ui.quotes.trade_in_dialog import TradeInDialog

_STATUS_HINTS = {
    QuoteStatus.DRAFT: N_("Draft: change it freely, then present it to the customer."),
    QuoteStatus.PRESENTED: N_("Presented: the customer has this document. Revise it to change it."),
    QuoteStatus.ACCEPTED: N_("Accepted: the order form was issued from it."),
    QuoteStatus.ABANDONED: N_("Abandoned."),
    QuoteStatus.EXPIRED: N_("Expired: its valid-until date has passed."),
    QuoteStatus.REVISED: N_("Superseded by a newer revision."),
}


class QuoteDialog(RecordDialog):
    """One quote revision. A draft is edited (Ctrl+S saves); a presented one is frozen and
    offers revising, accepting and abandoning. Emits `changed` after every change."""

    changed = Signal(int)  # the quote id (a revision emits the new one)
    open_preview = Signal(str)  # the document reference

    def __init__(self, quote_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.quote_id = quote_id
        self.detail = quotes.get(quote_id)
        self.setMinimumSize(980, 640)

        self.heading = QLabel()
        heading_font = self.heading.font()
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.3)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.status_hint = QLabel()
        self.status_hint.setWordWrap(True)
        # While drafting: what the customer asked for (the opportunity's primary demand).
        self.demand_hint = QLabel()
        self.demand_hint.setWordWrap(True)
        self.demand_hint.setTextFormat(PLAIN_TEXT)
        self.demand_hint.hide()

        self.valid_until = DateEdit()
        self.payment = ChoiceCombo(Interest, none_label="—")
        self.vehicle = QLabel()
        self.vehicle.setWordWrap(True)
        self.remarks = QPlainTextEdit()
        self.remarks.setTabChangesFocus(True)
        self.remarks.setFixedHeight(56)
        self.remarks.setPlaceholderText(_("Printed under the lines, e.g. delivery conditions"))
        self.boxes = {
            "valid_until": FieldBox(self.valid_until, stretch=True),
            "payment_method": FieldBox(self.payment, stretch=True),
            "vehicle_id": FieldBox(self.vehicle),
            "remarks": FieldBox(self.remarks),
        }
        details = QFormLayout()
        for name, box in self.boxes.items():
            details.addRow(label(f"quote.{name}", form=True), box)
        for name, box in self.boxes.items():
            caption = details.labelForField(box)
            if isinstance(caption, QLabel) and name != "vehicle_id":
                caption.setBuddy(box.field)

        self.model = QuoteLineTableModel(self.detail.currency, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(COL_KIND, KindDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (COL_KIND, 130),
            (COL_QUANTITY, 60),
            (COL_PRICE, 120),
            (COL_VAT, 60),
            (COL_NET, 120),
        ):
            header.resizeSection(column, width)
        self.table.verticalHeader().setDefaultSectionSize(26)

        self.add_button = QPushButton(_("&Add line"))
        add_menu = QMenu(self.add_button)
        for kind in LineKind:
            action = add_menu.addAction(kind.label)
            action.triggered.connect(lambda _checked=False, k=kind.value: self.add_line(k))
        # The catalogue's options and accessories, read when the menu opens.
        self.catalogue_menu = add_menu.addMenu(_("From the &catalogue"))
        self.catalogue_menu.aboutToShow.connect(self._fill_catalogue_menu)
        self.add_button.setMenu(add_menu)
        self.remove_button = QPushButton(_("Re&move line"))
        # The car a trade-in allowance is for: asked for before the quote is presented.
        self.trade_in_button = QPushButton(_("&Trade-in car…"))
        self.trade_in_button.clicked.connect(self.edit_trade_in)
        self.up_button = QPushButton(_("Move &up"))
        self.down_button = QPushButton(_("Move do&wn"))
        self.remove_button.clicked.connect(self.remove_line)
        self.up_button.clicked.connect(lambda: self.move_line(-1))
        self.down_button.clicked.connect(lambda: self.move_line(1))
        line_buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.remove_button,
            self.up_button,
            self.down_button,
            self.trade_in_button,
        ):
            line_buttons.addWidget(button)
        line_buttons.addStretch(1)
        self.lines_message = QLabel()
        self.lines_message.setWordWrap(True)
        self.lines_message.setStyleSheet(f"color: {ERROR_COLOUR}")
        self.lines_message.hide()

        self.totals = TotalsPanel()
        self.totals.setMinimumWidth(340)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        role = QDialogButtonBox.ButtonRole.ActionRole
        self.save_button = self.buttons.addButton(_("&Save"), role)
        self.present_button = self.buttons.addButton(_("Pre&sent to customer…"), role)
        self.preview_button = self.buttons.addButton(_("Pre&view"), role)
        self.revise_button = self.buttons.addButton(_("Re&vise"), role)
        self.accept_button = self.buttons.addButton(_("A&ccepted by customer…"), role)
        self.abandon_button = self.buttons.addButton(_("A&bandon…"), role)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        for push in self.buttons.buttons():
            if isinstance(push, QPushButton):  # Enter in a cell must not save or close
                push.setAutoDefault(False)
                push.setDefault(False)
        self.save_button.clicked.connect(self.save)
        self.present_button.clicked.connect(self.present)
        self.preview_button.clicked.connect(self.preview)
        self.revise_button.clicked.connect(self.revise)
        self.accept_button.clicked.connect(self.accept_quote)
        self.abandon_button.clicked.connect(self.abandon)
        self.close_button.clicked.connect(self.reject)
        self.save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        self.save_shortcut.activated.connect(self.save)

        # The lines take the whole width; the totals sit under them on the right, where
        # the document prints them.
        under = QHBoxLayout()
        under_left = QVBoxLayout()
        under_left.addLayout(line_buttons)
        under_left.addWidget(self.lines_message)
        under_left.addStretch(1)
        under.addLayout(under_left, 1)
        under.addWidget(self.totals)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.status_hint)
        layout.addWidget(self.demand_hint)
        layout.addLayout(details)
        layout.addWidget(self.table, 1)
        layout.addLayout(under)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self.model.changed.connect(self._update_totals)
        self.table.selectionModel().currentChanged.connect(self._show_trade_in_button)
        self.model.modelReset.connect(self._show_trade_in_button)
        self.model.changed.connect(self._show_trade_in_button)
        self._load(self.detail)

    # Loading

    def _show_demand(self, detail: QuoteDetail) -> None:
        asked = demand.of_opportunity(detail.opportunity_id) if detail.editable else []
        self.demand_hint.setText(
            _("The customer asked for: {lines}").format(lines=demand_summary(asked))
            if asked
            else ""
        )
        self.demand_hint.setVisible(bool(asked))

    def _load(self, detail: QuoteDetail) -> None:
        self.detail = detail
        self.quote_id = detail.id
        self._show_demand(detail)
        title = _("Quote {number}").format(number=detail.label)
        self.heading.setText(title)
        self.setWindowTitle(title)
        hint = _STATUS_HINTS.get(QuoteStatus(detail.status))
        self.status_hint.setText(_(hint) if hint else detail.status)
        if detail.order_form_number:
            self.status_hint.setText(
                _("Accepted: order form {number} was issued from it.").format(
                    number=detail.order_form_number
                )
            )
        if detail.valid_until is not None:
            self.valid_until.set_date_value(detail.valid_until)
        self.payment.set_current_code(detail.payment_method)
        self.vehicle.setText(detail.vehicle_label or _("— (the branding of the opportunity)"))
        self.remarks.setPlainText(detail.remarks)
        self.model.currency = detail.currency
        self.model.set_rows([LineRow.from_input(line, detail.currency) for line in detail.lines])
        self.set_read_only(not detail.editable)
        self._show_errors({}, {})
        self._update_totals()
        self.take_baseline()

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        editable = not read_only
        self.model.editable = editable
        self.valid_until.setReadOnly(not editable)
        self.payment.setEnabled(editable)
        self.remarks.setReadOnly(not editable)
        # An issued quote's fields (its "Valid until" above all) look as fixed as they are.
        for field in (self.valid_until, self.remarks):
            show_read_only_look(field)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.setEnabled(editable)
        status = self.detail.status
        open_sale = self.detail.opportunity_open
        self.save_button.setVisible(editable)
        self.present_button.setVisible(editable)
        self.save_shortcut.setEnabled(editable)
        self.preview_button.setVisible(bool(self.detail.lines) or status != QuoteStatus.DRAFT)
        self.preview_button.setText(
            _("Pre&view draft") if status == QuoteStatus.DRAFT else _("Pre&view")
        )
        presented = status == QuoteStatus.PRESENTED and open_sale
        self.revise_button.setVisible(presented)
        self.accept_button.setVisible(presented)
        self.abandon_button.setVisible(
            open_sale and status in (QuoteStatus.DRAFT, QuoteStatus.PRESENTED)
        )

    def state(self) -> tuple[Any, ...]:
        return (
            self.valid_until.date_value(),
            self.payment.current_code(),
            self.remarks.toPlainText(),
            self.model.state(),
        )

    # Lines

    def add_line(self, kind: str) -> int:
        row = self.model.add_line(kind, quotes.default_vat_rate())
        self.table.setCurrentIndex(self.model.index(row, COL_DESCRIPTION))
        self.table.edit(self.model.index(row, COL_DESCRIPTION))
        return row

    def _fill_catalogue_menu(self) -> None:
        self.catalogue_menu.clear()
        offered = master_data.items_for_quote(self.detail.currency)
        for item in offered:
            action = self.catalogue_menu.addAction(item.description)
            action.triggered.connect(lambda _checked=False, i=item: self.add_catalogue_item(i))
        if not offered:
            self.catalogue_menu.addAction(
                _("No options or accessories in the catalogue")
            ).setEnabled(False)

    def add_catalogue_item(self, item: master_data.QuoteItem) -> int:
        """An option or accessory of the catalogue as a line, at its net price."""
        price = money.format_amount(item.net_price, self.detail.currency)
        row = self.model.add_line(item.kind, item.vat_rate, item.description, price)
        self.table.setCurrentIndex(self.model.index(row, COL_DESCRIPTION))
        return row

    def _show_trade_in_button(self) -> None:
        current = self.table.currentIndex()
        rows = self.model.rows
        on_trade_in = current.isValid() and rows[current.row()].kind == LineKind.TRADE_IN
        self.trade_in_button.setVisible(any(r.kind == LineKind.TRADE_IN for r in rows))
        self.trade_in_button.setEnabled(bool(on_trade_in))

    def edit_trade_in(self) -> TradeInDialog | None:
        """The car of the trade-in line the cursor is on (read-only once issued)."""
        current = self.table.currentIndex()
        if not current.isValid() or self.model.rows[current.row()].kind != LineKind.TRADE_IN:
            return None
        row = current.row()
        dialog = TradeInDialog(self.model.rows[row].trade_in, not self.model.editable, self)
        dialog.accepted.connect(lambda: self.model.set_trade_in(row, dialog.car))
        dialog.open()
        return dialog

    def remove_line(self) -> None:
        current = self.table.currentIndex()
        if current.isValid():
            self.model.remove_line(current.row())

    def move_line(self, offset: int) -> None:
        current = self.table.currentIndex()
        if current.isValid():
            row = self.model.move_line(current.row(), offset)
            self.table.setCurrentIndex(self.model.index(row, current.column()))

    def _update_totals(self) -> None:
        lines, _problems = self.model.parsed()
        # Lines whose figures the save would refuse count for nothing until corrected.
        usable = [line for index, line in enumerate(lines) if not self.model.row_problems(index)]
        self.totals.show_totals(usable, self.detail.currency)
        left_out = len(lines) - len(usable)
        self.totals.setTitle(
            ngettext(
                "Totals (without {n} line to correct)",
                "Totals (without {n} lines to correct)",
                left_out,
            ).format(n=left_out)
            if left_out
            else _("Totals")
        )

    # Saving and the moves

    def input(self) -> tuple[QuoteInput, dict[str, str]]:
        lines, problems = self.model.parsed()
        data = QuoteInput(
            valid_until=self.valid_until.date_value(),
            payment_method=self.payment.current_code(),
            vehicle_id=self.detail.vehicle_id,
            remarks=self.remarks.toPlainText(),
            lines=lines,
        )
        return data, problems

    def save(self) -> bool:
        if self.read_only:
            return True  # a frozen quote has nothing to save
        return super().save()

    def write(self) -> QuoteDetail | None:
        data, problems = self.input()
        if problems:
            raise ValidationError(problems)
        try:
            return quotes.save(self.quote_id, data, self.detail.version)
        except ConflictError as exc:
            # A quote has no field-by-field comparison: its lines are one value.
            QMessageBox.warning(
                self,
                _("Quote changed elsewhere"),
                _("{reason} Close it and open it again to see it.").format(reason=exc),
            )
            return None

    def show_saved(self, detail: QuoteDetail) -> None:
        self._load(detail)
        self.say(_("Saved {number}.").format(number=detail.label))
        self.changed.emit(detail.id)

    def on_gone(self, message: str) -> bool:
        QMessageBox.warning(self, label("quote.label"), message)
        return False

    def refuse(
        self,
        errors: Mapping[str, str],
        warnings: Mapping[str, str] | None = None,
        what: str | None = None,
    ) -> None:
        self._show_errors(dict(errors), dict(warnings or {}))

    def close_question(self) -> str:
        return _("Quote {number} has changes that are not saved.").format(number=self.detail.label)

    def present(self) -> bool:
        """Save, confirm, then issue: from here the customer holds this document."""
        if not self.save():
            return False
        # The car of a trade-in is asked for first: the quote prints it beside the allowance.
        unidentified = quotes.unidentified_trade_ins(self.model.parsed()[0])
        if unidentified:
            self._show_errors(unidentified, {})
            return False
        question = _(
            "Issue quote {number} to the customer? Its content is frozen from now on; "
            "changes need a new revision."
        ).format(number=self.detail.label)
        # A zero total or an implausible VAT rate is said first, and the safe answer is No.
        concerns = quotes.concerns(self.quote_id)
        answer = QMessageBox.question(
            self,
            _("Present the quote"),
            "\n".join([*concerns, "", question]) if concerns else question,
            YES | NO,
            NO if concerns else YES,
        )
        if answer != YES:
            return False
        try:
            detail = quotes.present(self.quote_id)
        except ValidationError as exc:
            self._show_errors(exc.errors, exc.warnings)
            return False
        except DocumentFolderError as exc:
            QMessageBox.warning(self, _("The document could not be issued"), str(exc))
            return False
        self._load(detail)
        self.say(
            _("Issued {number}. Preview it to print it or save it.").format(number=detail.label)
        )
        self.changed.emit(detail.id)
        self.open_preview.emit(detail.reference)
        return True

    def preview(self) -> QDialog | None:
        if self.detail.status != QuoteStatus.DRAFT:
            self.open_preview.emit(self.detail.reference)
            return None
        if self.is_modified() and not self.save():
            return None
        try:
            data = quotes.draft_pdf(self.quote_id)
        except ValidationError as exc:
            self._show_errors(exc.errors, exc.warnings)
            return None
        from ui.quotes.document_preview import DocumentPreviewDialog

        dialog = DocumentPreviewDialog(self.detail.label, self, draft=data)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def revise(self) -> bool:
        try:
            detail = quotes.revise(self.quote_id)
        except ValidationError as exc:
            self._show_errors(exc.errors, exc.warnings)
            return False
        self._load(detail)
        self.say(
            _("Revision {revision} is a draft; the presented one is superseded.").format(
                revision=detail.revision
            )
        )
        self.changed.emit(detail.id)
        return True

    def accept_quote(self) -> str:
        dialog = AcceptQuoteDialog(self.detail, self)
        if dialog.exec() != ACCEPTED:
            return ""
        return self.accept_with(dialog.delivery_date.date_value())

    def accept_with(self, delivery_date: date | None) -> str:
        try:
            number = deals.accept_quote(self.quote_id, delivery_date=delivery_date)
        except ValidationError as exc:
            self._show_errors(exc.errors, exc.warnings)
            if "vehicle_id" in exc.errors:
                self.say(exc.errors["vehicle_id"], error=True)
            return ""
        except DocumentFolderError as exc:
            QMessageBox.warning(self, _("The order form could not be issued"), str(exc))
            return ""
        self._load(quotes.get(self.quote_id))
        self.say(
            _("Accepted. Order form {number} is issued; preview it for the signature.").format(
                number=number
            )
        )
        self.changed.emit(self.quote_id)
        self.open_preview.emit(number)
        return number

    def abandon(self) -> bool:
        answer = QMessageBox.question(
            self,
            _("Abandon the quote"),
            _("Abandon quote {number}? It stays on file but can no longer be accepted.").format(
                number=self.detail.label
            ),
            YES | NO,
            NO,
        )
        if answer != YES:
            return False
        try:
            quotes.abandon(self.quote_id)
        except ValidationError as exc:
            self._show_errors(exc.errors, exc.warnings)
            return False
        self._load(quotes.get(self.quote_id))
        self.changed.emit(self.quote_id)
        return True

    # Messages

    def _show_errors(self, errors: dict[str, str], warnings: dict[str, str]) -> None:
        unplaced = show_field_messages(self.boxes, errors, warnings)
        self.model.set_errors(errors)
        line_messages = [m for k, m in errors.items() if k.startswith("lines")]
        self.lines_message.setText("\n".join(line_messages))
        self.lines_message.setVisible(bool(line_messages))
        other = [m for k, m in unplaced.items() if not k.startswith("lines")]
        self.say("\n".join(other), error=bool(other))
        if "seller.name" in errors:
            # No dealership on file: say so with the way to add it.
            self.missing_box = offer_setup(self, errors["seller.name"], DEALERSHIP)
        first = next(iter(errors), None)
        parts = (first or "").split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
            column = COLUMN_OF_FIELD.get(parts[2], COL_DESCRIPTION)
            self.table.setCurrentIndex(self.model.index(int(parts[1]), column))


class AcceptQuoteDialog(QDialog):
    """The customer accepts: when is the vehicle to be delivered?"""

    def __init__(self, detail: QuoteDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Quote {number} accepted").format(number=detail.label))
        text = QLabel(
            _(
                "The order form is issued from quote {number} for the customer to sign; the "
                "opportunity's other open quotes are abandoned."
            ).format(number=detail.label)
        )
        text.setWordWrap(True)
        self.delivery_date = OptionalDateEdit()
        form = QFormLayout()
        form.addRow(label("order_form.delivery_date", form=True), self.delivery_date)
        caption = form.labelForField(self.delivery_date)
        if isinstance(caption, QLabel):
            caption.setBuddy(self.delivery_date)
        buttons = QDialogButtonBox()
        buttons.addButton(_("&Issue the order form"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(buttons)
