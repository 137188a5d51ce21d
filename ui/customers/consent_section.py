"""Marketing consent in the customer form and the lead form: what holds per channel, a
dialog that records a statement (given or withdrawn, when, how, the wording shown), and the
history. Each statement is saved when it is recorded, on its own: it is added to a history,
never edited, so it cannot clash with another workstation's save of the form."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.domain import reading
from app.domain.choices import ConsentChannel, ConsentMethod
from app.domain.validation import ValidationError
from app.i18n import _
from app.services import consent
from app.services.consent import ConsentInput, ConsentRecord
from app.services.errors import NotFound
from ui.common.qt import PLAIN_TEXT
from ui.common.widgets import ChoiceCombo, FieldBox, date_time_format, show_field_messages


def state_text(record: ConsentRecord | None) -> str:
    """What holds for one channel, in words."""
    if record is None:
        return _("Not asked")
    when = reading.format_moment(record.at)
    if record.given:
        return _("Given {when} ({how})").format(when=when, how=record.method_label)
    return _("Withdrawn {when} ({how})").format(when=when, how=record.method_label)


class ConsentDialog(QDialog):
    """Record one statement of consent for one channel."""

    def __init__(
        self,
        channel: str,
        account_id: int | None = None,
        lead_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.account_id, self.lead_id = account_id, lead_id
        self.recorded: ConsentRecord | None = None
        self.setWindowTitle(_("Record marketing consent"))
        self.setMinimumWidth(520)
        self.channel = ChoiceCombo(ConsentChannel, none_label=None)
        self.channel.set_current_code(channel)
        self.given = QRadioButton(_("&Given"))
        self.withdrawn = QRadioButton(_("&Withdrawn"))
        self.given.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.given)
        group.addButton(self.withdrawn)
        answer = QWidget()
        answer_row = QHBoxLayout(answer)
        answer_row.setContentsMargins(0, 0, 0, 0)
        answer_row.addWidget(self.given)
        answer_row.addWidget(self.withdrawn)
        answer_row.addStretch(1)
        self.at = QDateTimeEdit(QDateTime.currentDateTime())
        self.at.setDisplayFormat(date_time_format())
        self.at.setCalendarPopup(True)
        self.method = ChoiceCombo(ConsentMethod, none_label="—")
        anonymised = self.method.findData(ConsentMethod.ANONYMISED.value)
        if anonymised >= 0:  # only anonymising ends a consent that way
            self.method.removeItem(anonymised)
        self.wording = QPlainTextEdit()
        self.wording.setTabChangesFocus(True)
        self.wording.setPlainText(consent.default_wording(channel))
        self.wording.setMinimumHeight(90)
        self.boxes = {
            "channel": FieldBox(self.channel, stretch=True),
            "at": FieldBox(self.at, stretch=True),
            "method": FieldBox(self.method, stretch=True),
            "wording": FieldBox(self.wording),
        }
        form = QFormLayout()
        form.addRow(_("&Channel"), self.boxes["channel"])
        form.addRow(_("Consent"), answer)
        form.addRow(_("W&hen"), self.boxes["at"])
        form.addRow(_("&How"), self.boxes["method"])
        form.addRow(_("Wording &shown"), self.boxes["wording"])
        self.problem = QLabel()
        self.problem.setTextFormat(PLAIN_TEXT)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.channel.currentIndexChanged.connect(self._channel_changed)
        self._default = self.wording.toPlainText()

    def _channel_changed(self) -> None:
        # The standard wording follows the channel, unless the user wrote their own.
        if self.wording.toPlainText() == self._default:
            self._default = consent.default_wording(self.channel.current_code() or "email")
            self.wording.setPlainText(self._default)

    def typed(self) -> ConsentInput:
        when = self.at.dateTime().toPython()
        assert isinstance(when, datetime)
        return ConsentInput(
            channel=self.channel.current_code(),
            given=self.given.isChecked(),
            method=self.method.current_code(),
            wording=self.wording.toPlainText(),
            at=when.replace(second=0, microsecond=0),
        )

    def save(self) -> bool:
        """Record the statement; refused, the messages stand at the fields and what was
        typed stays."""
        try:
            self.recorded = consent.record(self.typed(), self.account_id, self.lead_id)
        except ValidationError as exc:
            rest = show_field_messages(self.boxes, exc.errors)
            self.problem.setText(" ".join(rest.values()))
            self.problem.setVisible(bool(rest))
            return False
        except NotFound as exc:
            self.problem.setText(str(exc))
            self.problem.show()
            return False
        self.accept()
        return True


class ConsentHistoryDialog(QDialog):
    """Every statement of one customer or lead, newest first."""

    def __init__(self, records: list[ConsentRecord], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Marketing consent: history"))
        self.table = QTableWidget(len(records), 6)
        self.table.setHorizontalHeaderLabels(
            [_("Channel"), _("Consent"), _("When"), _("How"), _("Wording shown"), _("Recorded by")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        fmt = i18n.current().format_datetime
        for row, r in enumerate(reversed(records)):
            cells = (
                r.channel_label,
                _("Given") if r.given else _("Withdrawn"),
                fmt(r.at, "short"),
                r.method_label,
                r.wording,
                _("{user}, {when}").format(
                    user=r.recorded_by or "—", when=fmt(r.recorded_at, "short")
                ),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(4, min(self.table.columnWidth(4), 360))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(860, 320)


class ConsentSection(QGroupBox):
    """What holds per channel for the customer or lead shown, with a button per channel to
    record a statement and one for the history. Emits `recorded` after a statement."""

    recorded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Marketing consent"), parent)
        self.account_id: int | None = None
        self.lead_id: int | None = None
        self.dialog: ConsentDialog | None = None
        self.read_only = False
        grid = QGridLayout(self)
        self.states: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        for row, channel in enumerate(ConsentChannel):
            name = QLabel(channel.label)
            state = QLabel()
            state.setTextFormat(PLAIN_TEXT)
            button = QPushButton(_("Record…"))
            button.setAutoDefault(False)
            button.setAccessibleName(_("Record consent: {channel}").format(channel=channel.label))
            button.clicked.connect(lambda _checked=False, c=channel.value: self.record(c))
            grid.addWidget(name, row, 0)
            grid.addWidget(state, row, 1)
            grid.addWidget(button, row, 2)
            self.states[channel.value], self.buttons[channel.value] = state, button
        self.history_button = QPushButton(_("&History…"))
        self.history_button.setAutoDefault(False)
        self.history_button.clicked.connect(self.show_history)
        self.hint = QLabel(_("Save first; then record what they agreed to."))
        self.hint.setWordWrap(True)
        grid.addWidget(self.hint, len(ConsentChannel), 0, 1, 2)
        grid.addWidget(self.history_button, len(ConsentChannel), 2)
        grid.setColumnStretch(1, 1)
        self.set_subject()

    def set_subject(self, account_id: int | None = None, lead_id: int | None = None) -> None:
        self.account_id, self.lead_id = account_id, lead_id
        self.refresh()

    @property
    def has_subject(self) -> bool:
        return self.account_id is not None or self.lead_id is not None

    def refresh(self) -> None:
        now = (
            consent.current(self.account_id, self.lead_id)
            if self.has_subject
            else dict.fromkeys(self.states)
        )
        for channel, label in self.states.items():
            label.setText(state_text(now.get(channel)))
            self.buttons[channel].setEnabled(self.has_subject and not self.read_only)
        self.history_button.setEnabled(self.has_subject)
        self.hint.setVisible(not self.has_subject)

    def set_read_only(self, read_only: bool) -> None:
        """The history can be read, nothing recorded (a converted lead: its customer's)."""
        self.read_only = read_only
        self.refresh()

    def record(self, channel: str) -> None:
        """Open the dialog for one channel; a statement recorded refreshes the section."""
        if not self.has_subject or self.read_only:
            return
        self.dialog = ConsentDialog(channel, self.account_id, self.lead_id, self)
        self.dialog.accepted.connect(self._recorded)
        self.dialog.open()

    def _recorded(self) -> None:
        self.refresh()
        self.recorded.emit()

    def show_history(self) -> None:
        if self.has_subject:
            ConsentHistoryDialog(consent.history(self.account_id, self.lead_id), self).open()


def consent_filter_items() -> list[tuple[str, str]]:
    """The lists' consent filter: (channel, what it shows)."""
    return [
        (ConsentChannel.EMAIL.value, _("Consents to e-mail marketing")),
        (ConsentChannel.PHONE.value, _("Consents to phone marketing")),
        (ConsentChannel.SMS.value, _("Consents to SMS marketing")),
    ]
