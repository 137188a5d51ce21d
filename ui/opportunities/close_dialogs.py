"""Closing a sale as won or lost, and reopening a closed one."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.domain import dates
from app.domain.choices import Status
from app.domain.fields import label
from app.domain.validation import ValidationError
from app.i18n import _, ngettext
from app.services import deals, opportunities, orders, process, reference
from app.services.errors import NotFound
from ui.common.changes import OPPORTUNITY, record_changes
from ui.common.list_suggestions import suggest_from_list
from ui.common.qt import ACCEPT_ROLE, CANCEL, CANCEL_BUTTON, DISCARD, NO, PLAIN_TEXT, YES
from ui.common.widgets import (
    DateEdit,
    FieldBox,
    FieldErrorLabel,
    show_field_messages,
    to_qdate,
)
from ui.opportunities.stage_bar import closed_from

NOTE_LINES = 4
MAX_START_WIDTH = 640
LISTED_AT_MOST = 6  # topics named in the summary; the rest are counted


def _note_edit(placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * NOTE_LINES + 12)
    return edit


def _summary_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(PLAIN_TEXT)
    label.setWordWrap(True)
    return label


def _buddy(form: QFormLayout, box: FieldBox) -> None:
    label = form.labelForField(box)
    if isinstance(label, QLabel):
        label.setBuddy(box.field)


class _CloseDialog(QDialog):
    """What both closing dialogs share: fields with their messages, a message for the
    rest, the closing button and Cancel; Cancel asks before dropping a typed note."""

    def __init__(self, title: str, button_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.summary = _summary_label()
        self.left_out = FieldErrorLabel()  # the opportunities that cannot be closed
        self.form = QFormLayout()
        self.boxes: dict[str, FieldBox] = {}
        self.general_message = FieldErrorLabel()
        self.buttons = QDialogButtonBox()
        self.close_button = self.buttons.addButton(button_text, ACCEPT_ROLE)
        self.close_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(CANCEL_BUTTON)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.left_out)
        layout.addSpacing(6)
        layout.addLayout(self.form)
        layout.addWidget(self.general_message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def add_field(self, name: str, label: str, field: QWidget) -> FieldBox:
        self.boxes[name] = FieldBox(field)
        self.form.addRow(label, self.boxes[name])
        _buddy(self.form, self.boxes[name])
        return self.boxes[name]

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each message at its field, the rest underneath; the first field to fix gets
        the focus."""
        rest = list(show_field_messages(self.boxes, errors).values())
        first = next((box.field for name, box in self.boxes.items() if name in errors), None)
        if rest:
            self.general_message.show_error(" ".join(rest))
        else:
            self.general_message.clear_message()
        if first is not None:
            first.setFocus()

    def typed(self) -> bool:
        """Whether there is text a Cancel would throw away."""
        return False

    # --- Qt overrides -------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # A long message asks for one line as wide as the screen; the window is sized for
        # that one line and the fields below it get squeezed. Keep it readable instead: a
        # narrower window, as tall as the wrapped text needs.
        width = min(self.width(), MAX_START_WIDTH)
        self.resize(width, max(self.height(), self.heightForWidth(width)))

    def reject(self) -> None:
        if self.typed():
            answer = QMessageBox.question(
                self,
                self.windowTitle(),
                _("Drop what you typed and leave the opportunity as it is?"),
                DISCARD | CANCEL,
                CANCEL,
            )
            if answer != DISCARD:
                return
        super().reject()


class CloseLostDialog(_CloseDialog):
    """Close one or several opportunities as lost: why (from the lost-reasons list, which
    the user must pick), who won the sale, a note. Opportunities closed already or gone
    are named and left out. Emits `closed` with the ids closed, then closes."""

    closed = Signal(list)

    def __init__(self, opportunity_ids: list[int], parent: QWidget | None = None) -> None:
        super().__init__(_("Close as lost"), _("Close as &lost"), parent)
        self.names, skipped = _open_ones(list(dict.fromkeys(opportunity_ids)))
        self.opportunity_ids = list(self.names)  # the ones to close: open when the dialog opened

        self.reason = QComboBox()
        for reason in reference.reason_choices("lost"):  # shown translated, stored as stored
            self.reason.addItem(reason.label, reason.name)
        # Nothing preselected: a reason the user did not choose would skew the lost analysis.
        self.reason.setCurrentIndex(-1)
        self.reason.setPlaceholderText(_("Choose why the sale was lost…"))
        self.reason.setMinimumContentsLength(24)
        self.competitor = QLineEdit()
        self.competitor.setMaxLength(120)
        self.competitor.setPlaceholderText(_("Optional: who won the sale, e.g. BMW Autohaus Meier"))
        suggest_from_list(self.competitor, "competitor")  # the Administration's list
        self.note = _note_edit(_("Optional: what happened, for whoever picks this up again"))
        self.add_field("lost_reason", label("opportunity.lost_reason", form=True), self.reason)
        self.add_field("competitor", label("opportunity.competitor", form=True), self.competitor)
        self.add_field("note", _("&Note"), self.note)

        self.summary.setText(self._summary())
        self.contracts = orders.live_contracts(self.opportunity_ids)
        warnings = []
        if skipped:
            warnings.append(
                ngettext(
                    "Left as it is: {names}.", "Left as they are: {names}.", len(skipped)
                ).format(names="; ".join(skipped))
            )
        if self.contracts:
            signed = "; ".join(
                _("{opportunity}: {contract}").format(opportunity=self.names[i], contract=words)
                for i, words in self.contracts.items()
                if i in self.names
            )
            warnings.append(
                _(
                    "The customer has a contract: {contracts}. Closing as lost cancels it; it "
                    "stays on file as issued."
                ).format(contracts=signed)
            )
        if warnings:
            self.left_out.show_warning("\n".join(warnings))
        if not self.opportunity_ids:
            self.close_button.setEnabled(False)
        self.reason.currentIndexChanged.connect(self.boxes["lost_reason"].clear_message)
        self.competitor.textEdited.connect(self.boxes["competitor"].clear_message)
        self.close_button.clicked.connect(self.close_opportunities)
        self.reason.setFocus()

    def _summary(self) -> str:
        topics = list(self.names.values())
        if not topics:
            return _("There is no open opportunity to close.")
        if len(topics) == 1:
            return _(
                "{opportunity} will be closed as lost and become read-only; its open quotes are "
                "abandoned. It can be reopened later."
            ).format(opportunity=topics[0])
        named = [f"• {t}" for t in topics[:LISTED_AT_MOST]]
        more = len(topics) - LISTED_AT_MOST
        if more > 0:
            named.append(ngettext("• and {n} more", "• and {n} more", more).format(n=more))
        # Never one here, but the plural still follows the number in every language.
        return ngettext(
            "These {n} opportunities will be closed as lost, all with the reason chosen here, "
            "and become read-only; their open quotes are abandoned.\n{opportunities}",
            "These {n} opportunities will be closed as lost, all with the reason chosen here, "
            "and become read-only; their open quotes are abandoned.\n{opportunities}",
            len(topics),
        ).format(n=len(topics), opportunities="\n".join(named))

    def reason_chosen(self) -> str:
        return str(self.reason.currentData() or "") if self.reason.currentIndex() >= 0 else ""

    def close_opportunities(self) -> bool:
        """Close them all as lost, or none; True when closed."""
        self.show_errors({})
        ids = list(self.opportunity_ids)
        try:
            deals.close_lost(
                ids, self.reason_chosen(), self.note.toPlainText(), self.competitor.text()
            )
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return False
        except NotFound as exc:
            self.show_errors({"opportunity": str(exc)})
            return False
        if ids:
            # Once for the batch: a list reads all its rows again whichever one it is told
            # of, and closing twenty must not read it twenty times.
            record_changes().announce(OPPORTUNITY, ids[-1])
        self.closed.emit(ids)
        self.accept()
        return True

    def typed(self) -> bool:
        return bool(self.note.toPlainText().strip() or self.competitor.text().strip())


class CloseWonDialog(_CloseDialog):
    """Close an opportunity as won, with an optional closing note. Emits `closed` with its
    id, then closes."""

    closed = Signal(int)

    def __init__(self, opportunity_id: int, parent: QWidget | None = None) -> None:
        super().__init__(_("Close as won"), _("Close as &won"), parent)
        self.opportunity_id = opportunity_id
        found, skipped = _open_ones([opportunity_id])
        self.reason = QComboBox()
        # Optional, and nothing preselected: a reason the user did not pick would skew the
        # count of why sales are won.
        self.reason.addItem(_("(not given)"), "")
        for reason in reference.reason_choices("won"):  # shown translated, stored as stored
            self.reason.addItem(reason.label, reason.name)
        self.reason.setMinimumContentsLength(24)
        self.add_field("won_reason", label("opportunity.won_reason", form=True), self.reason)
        self.note = _note_edit(_("Optional: e.g. delivered with winter tyres, referral promised"))
        self.add_field("note", label("opportunity.closing_note", form=True), self.note)
        if found:
            self.summary.setText(
                _(
                    "{opportunity} will be closed as won at 100 % and become read-only. It can "
                    "be reopened later."
                ).format(opportunity=found[opportunity_id])
            )
        else:
            self.summary.setText(_("There is no open opportunity to close."))
            self.left_out.show_warning(f"{'; '.join(skipped)}.")
            self.close_button.setEnabled(False)
        self.close_button.clicked.connect(self.close_opportunity)
        self.note.setFocus()

    def close_opportunity(self) -> bool:
        self.show_errors({})
        try:
            process.close_won(
                self.opportunity_id, self.note.toPlainText(), self.reason.currentData() or ""
            )
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return False
        except NotFound as exc:
            self.show_errors({"opportunity": str(exc)})
            return False
        record_changes().announce(OPPORTUNITY, self.opportunity_id)
        self.closed.emit(self.opportunity_id)
        self.accept()
        return True

    def typed(self) -> bool:
        return bool(self.note.toPlainText().strip()) or self.reason.currentIndex() > 0


def _open_ones(opportunity_ids: list[int]) -> tuple[dict[int, str], list[str]]:
    """The open ones among the ids, each with how to name it; and why each other one is
    left out."""
    found: dict[int, str] = {}
    skipped: list[str] = []
    for opportunity_id in opportunity_ids:
        try:
            detail = opportunities.get(opportunity_id)
        except NotFound as exc:
            skipped.append(str(exc).rstrip("."))
            continue
        name = _("“{topic}” ({customer})").format(topic=detail.topic, customer=detail.account_name)
        if detail.status == Status.WON.value:
            skipped.append(_("{opportunity} is closed as won already").format(opportunity=name))
        elif detail.status != Status.OPEN.value:
            skipped.append(_("{opportunity} is closed as lost already").format(opportunity=name))
        else:
            found[opportunity_id] = name
    return found, skipped


def reopen(parent: QWidget | None, opportunity_id: int) -> bool:
    """Ask, then reopen a closed opportunity: back to the stage it was closed from, the
    lost reason cleared. True when it was reopened."""
    try:
        detail = opportunities.get(opportunity_id)
    except NotFound as exc:
        QMessageBox.warning(parent, _("Not reopened"), str(exc))
        return False
    if detail.status == Status.OPEN.value:
        return False
    stage = closed_from(opportunity_id, detail.status)
    answer = QMessageBox.question(
        parent,
        _("Reopen opportunity"),
        _reopen_question(detail.topic, detail.status == Status.WON.value, stage),
        YES | NO,
        YES,
    )
    if answer != YES:
        return False
    new_close_date = None
    if process.reopen_needs_close_date(opportunity_id):
        dialog = NewCloseDateDialog(detail.est_close_date, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        new_close_date = dialog.close_date.date_value()
    try:
        process.reopen(opportunity_id, new_close_date)
    except (ValidationError, NotFound) as exc:
        QMessageBox.warning(parent, _("Not reopened"), str(exc))
        return False
    return True


class NewCloseDateDialog(QDialog):
    """Asked on reopening a sale whose est. close date has passed: the new one (today or
    later), so that it does not open overdue."""

    def __init__(self, old: date | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New est. close date"))
        if old is not None:
            text = _(
                "Its est. close date, {date}, has passed. When does the customer now expect "
                "to decide?"
            ).format(date=i18n.current().format_date(old))
        else:
            text = _("It has no est. close date. When does the customer expect to decide?")
        self.explanation = QLabel(text)
        self.explanation.setWordWrap(True)
        self.close_date = DateEdit()
        today = date.today()
        self.close_date.setMinimumDate(to_qdate(today))
        self.close_date.set_date_value(dates.add_months(today, 1))
        buttons = QDialogButtonBox()
        self.reopen_button = buttons.addButton(_("&Reopen"), ACCEPT_ROLE)
        buttons.addButton(CANCEL_BUTTON)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(label("opportunity.est_close_date"), self.close_date)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addLayout(form)
        layout.addWidget(buttons)


def _reopen_question(topic: str, won: bool, stage: str) -> str:
    """Whole sentences for each case, as a translator needs them."""
    if won and stage:
        text = _(
            "Reopen “{topic}”, closed as won?\n\nIt goes back to {stage} and it can be changed "
            "again. The reopening is recorded in its history."
        )
    elif won:
        text = _(
            "Reopen “{topic}”, closed as won?\n\nIt becomes open and it can be changed again. "
            "The reopening is recorded in its history."
        )
    elif stage:
        text = _(
            "Reopen “{topic}”, closed as lost?\n\nIt goes back to {stage}, the lost reason is "
            "cleared and it can be changed again. The reopening is recorded in its history."
        )
    else:
        text = _(
            "Reopen “{topic}”, closed as lost?\n\nIt becomes open, the lost reason is cleared "
            "and it can be changed again. The reopening is recorded in its history."
        )
    return text.format(topic=topic, stage=stage)
