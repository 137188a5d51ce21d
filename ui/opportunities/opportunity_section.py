"""The Opportunity section of the form: topic, customer, dates and amounts, owner, stage."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.domain import money
from app.domain.fields import label
from app.domain.stages import StageInfo, first_stage, stage_choices
from app.i18n import _
from app.services import accounts, reference
from app.services.opportunity_form import FormChoices, OpportunityForm, OpportunityInput
from app.services.reference import Option
from ui.common.code_combo import CodeCombo
from ui.common.list_suggestions import suggest_from_list
from ui.common.qt import DELETE_ON_CLOSE
from ui.common.widgets import (
    DateEdit,
    LookupEdit,
    LookupItem,
    MoneyEdit,
    OptionCombo,
)
from ui.customers.customer_dialog import AccountDialog
from ui.opportunities.form_section import Section


class OpportunitySection(Section):
    """The sale itself: topic, customer, dates and amounts, who owns it and how far it is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Opportunity"), parent)
        self._read_only = False
        self._is_new = True
        self._from_lead = False
        self._by_hand = False
        self._stages: dict[int, StageInfo] = {}
        self._choices: FormChoices | None = None

        self.topic = QLineEdit()
        self.topic.setPlaceholderText(_("e.g. Golf GTI for the Rossi family"))
        self.account = LookupEdit(self._find_accounts, _("Type a name, e-mail or phone number"))
        self.new_account_button = QPushButton(_("New customer…"))
        self.account_dialog: AccountDialog | None = None
        self.contact = OptionCombo()
        self.close_date = DateEdit()
        self.revenue = MoneyEdit(label("opportunity.est_revenue"), money.DEFAULT_CURRENCY)
        self.accessories = MoneyEdit(
            label("opportunity.est_revenue_accessories"), money.DEFAULT_CURRENCY
        )
        self.trade_in = MoneyEdit(label("opportunity.est_trade_in"), money.DEFAULT_CURRENCY)
        self.currency = QComboBox()
        self.currency.addItems(list(money.CURRENCIES))
        self.owner = OptionCombo()
        self.kind = OptionCombo()
        self.kind.setToolTip(
            _("Which sales process the opportunity follows; chosen when it is created")
        )
        self.stage = OptionCombo()
        self.probability = QSpinBox()
        self.probability.setRange(0, 100)
        self.probability.setSuffix(" %")
        self.probability.setMinimumWidth(80)
        self.probability_hint = QLabel()
        self.probability_hint.setEnabled(False)  # drawn in the muted colour
        self.probability_reset = QPushButton()
        self.probability_reset.setToolTip(_("Let the probability follow the stage again"))
        self.channel = CodeCombo("channel")
        self.source = QLineEdit()
        self.source.setPlaceholderText(_("e.g. the campaign, the event, who referred them"))
        suggest_from_list(self.source, "source")  # the Administration's list
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(self.description.fontMetrics().lineSpacing() * 4 + 12)

        self._row("topic", self.topic)
        self._row("account_id", self.account, self.new_account_button)
        self._row("primary_contact_id", self.contact, short=True)
        self._row("est_close_date", self.close_date, short=True)
        self.revenue_hint = QLabel()
        self.revenue_hint.setEnabled(False)  # drawn in the muted colour
        self.revenue_hint.hide()
        self._revenue_from = ""
        self._row("est_revenue", self.revenue, self.revenue_hint, short=True)
        self._row("est_revenue_accessories", self.accessories, short=True)
        self._row("est_trade_in", self.trade_in, short=True)
        self._row("currency", self.currency, short=True)
        self._row("owner_id", self.owner, short=True)
        self._row("kind_id", self.kind, short=True)
        self._row("stage_id", self.stage, short=True)
        self._row(
            "probability",
            self.probability,
            self.probability_hint,
            self.probability_reset,
            short=True,
        )
        self._row("channel", self.channel, short=True)
        self._row("source", self.source)
        self._row("description", self.description)

        self.account.picked.connect(self._on_account_picked)
        self.new_account_button.clicked.connect(self.create_account)
        self.currency.currentTextChanged.connect(self._on_currency_changed)
        self.stage.currentIndexChanged.connect(self._on_stage_changed)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.probability.valueChanged.connect(self._on_probability_typed)
        self.probability_reset.clicked.connect(self.reset_probability)
        for name, edit in (
            ("est_revenue", self.revenue),
            ("est_revenue_accessories", self.accessories),
            ("est_trade_in", self.trade_in),
        ):
            edit.line_edit.editingFinished.connect(partial(self._check_amount, name, edit))
        self.topic.textEdited.connect(self._check_topic)

    def focus_order(self) -> list[QWidget]:
        return [
            self.topic,
            self.account,
            self.new_account_button,
            self.contact,
            self.close_date,
            self.revenue,
            self.accessories,
            self.trade_in,
            self.currency,
            self.owner,
            self.kind,
            self.stage,
            self.probability,
            self.probability_reset,
            self.channel,
            self.source,
            self.description,
        ]

    # Loading and reading back

    def load(self, form: OpportunityForm, choices: FormChoices) -> None:
        """Show the record of `form`, with the pickers' `choices`: no service call."""
        data = form.record
        self._choices = choices
        self.topic.setText(data.topic)
        self.topic.setCursorPosition(0)
        self.account.set_current(data.account_id, data.account_name)
        self._show_contacts(form.contacts, data.primary_contact_id)
        self.close_date.set_date_value(data.est_close_date or date.today())
        if self.currency.findText(data.currency) < 0:
            self.currency.addItem(data.currency)
        blocked = self.currency.blockSignals(True)
        self.currency.setCurrentText(data.currency)
        self.currency.blockSignals(blocked)
        for edit, amount in (
            (self.revenue, data.est_revenue),
            (self.accessories, data.est_revenue_accessories),
            (self.trade_in, data.est_trade_in),
        ):
            edit.set_currency(data.currency)
            edit.set_amount(amount)
        self.follow_revenue(data)
        self.owner.set_options(choices.owners(data.owner_id), _("(nobody yet)"))
        self.owner.set_current_id(data.owner_id)
        blocked = self.kind.blockSignals(True)
        self.kind.set_options(choices.kinds)
        self.kind.set_current_id(data.kind_id)
        self.kind.blockSignals(blocked)
        # The process is chosen for a new sale; a saved one keeps its stage history in it.
        self._is_new = form.is_new
        self._from_lead = data.lead_id is not None
        self.kind.setEnabled(form.is_new and not self._read_only)
        self._load_stages(
            data.stage_id, form.stages, form.fixed_sequence, self._from_lead, form.is_new
        )
        self._set_probability(form.probability, data.probability is not None)
        self.channel.set_entries(choices.codes.get("channel"))
        self.channel.set_current_code(data.channel)
        self.source.setText(data.source)
        self.description.setPlainText(data.description)

    def _load_stages(
        self,
        stage_id: int | None,
        stages: list[StageInfo],
        fixed_sequence: bool,
        from_lead: bool,
        is_new: bool,
    ) -> None:
        self._stages = {s.id: s for s in stages}
        current = self._stages.get(stage_id) if stage_id is not None else None
        # The saved stage decides where the sale may go next, as the service checks it; a
        # new sale may start at any stage.
        offered = stage_choices(stages, current, fixed_sequence, from_lead, is_new)
        blocked = self.stage.blockSignals(True)
        self.stage.set_options([Option(s.id, s.name) for s in offered])
        self.stage.set_current_id(stage_id)
        self.stage.setEnabled(bool(offered) and not self._read_only)
        self.stage.setToolTip("" if stages else _("This kind of opportunity has no stages."))
        self.stage.blockSignals(blocked)

    def follow_stage(self, form: OpportunityForm) -> None:
        """Show the stage saved meanwhile (a move from the stage bar, an automatic one),
        leaving the other fields as typed; the probability follows unless typed by hand."""
        data = form.record
        self._load_stages(
            data.stage_id, form.stages, form.fixed_sequence, data.lead_id is not None, False
        )
        if not self._by_hand:
            self.reset_probability()

    def follow_revenue(self, data: OpportunityInput) -> None:
        """The estimates follow the accepted or latest open quote when there is one: shown
        from it and not typed over."""
        source = getattr(data, "revenue_from", "")
        self._revenue_from = source
        for edit, amount in (
            (self.revenue, data.est_revenue),
            (self.accessories, data.est_revenue_accessories),
            (self.trade_in, data.est_trade_in),
        ):
            if source:
                edit.set_amount(amount)
            edit.set_read_only(self._read_only or bool(source))
            edit.setToolTip(
                _("From quote {quote}; change the quote to change it.").format(quote=source)
                if source
                else ""
            )
        self.revenue_hint.setText(_("from quote {quote}").format(quote=source) if source else "")
        self.revenue_hint.setVisible(bool(source))

    def fill(self, data: OpportunityInput, errors: dict[str, str]) -> None:
        data.topic = self.topic.text()
        data.account_id = self.account.current_id()
        if data.account_id is None and self.account.text():
            errors["account_id"] = _(
                "“{typed}” is not a customer on file yet: pick one from the list (Down arrow), "
                "or create it with New customer…"
            ).format(typed=self.account.text())
        data.primary_contact_id = self.contact.current_id()
        data.est_close_date = self.close_date.date_value()
        data.currency = self.currency.currentText()
        for name, edit in (
            ("est_revenue", self.revenue),
            ("est_revenue_accessories", self.accessories),
            ("est_trade_in", self.trade_in),
        ):
            problem = edit.problem()
            if problem:
                errors[name] = problem
            else:
                setattr(data, name, edit.amount())
        data.owner_id = self.owner.current_id()
        if self._is_new and self.kind.current_id() is not None:
            data.kind_id = self.kind.current_id()
        data.stage_id = self.stage.current_id()
        data.probability = self.probability.value() if self._by_hand else None
        data.channel = self.channel.current_code()
        data.source = self.source.text()
        data.description = self.description.toPlainText()

    def state(self) -> tuple[Any, ...]:
        return (
            self.topic.text(),
            self.account.current_id(),
            self.account.text(),
            self.contact.current_id(),
            self.close_date.date(),
            *(_amount_state(e) for e in (self.revenue, self.accessories, self.trade_in)),
            self.currency.currentText(),
            self.owner.current_id(),
            self.kind.current_id(),
            self.stage.current_id(),
            self.probability.value(),
            self._by_hand,
            self.channel.current_code(),
            self.source.text(),
            self.description.toPlainText(),
        )

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for line in (self.topic, self.source):
            line.setReadOnly(read_only)
        self.description.setReadOnly(read_only)
        self.account.set_read_only(read_only)
        self.close_date.setReadOnly(read_only)
        self.probability.setReadOnly(read_only)
        for edit in (self.revenue, self.accessories, self.trade_in):
            edit.set_read_only(read_only or bool(self._revenue_from))
        for widget in (self.new_account_button, self.contact, self.currency, self.owner):
            widget.setEnabled(not read_only)
        self.kind.setEnabled(self._is_new and not read_only)
        self.channel.setEnabled(not read_only)
        self.stage.setEnabled(not read_only and self.stage.count() > 0)
        self._set_probability(self.probability.value(), self._by_hand)

    def _check_amount(self, name: str, edit: MoneyEdit) -> None:
        problem = edit.problem()
        if problem:
            self.boxes[name].show_error(problem)
        else:
            self.boxes[name].clear_message()

    def _check_topic(self, text: str) -> None:
        # The 'cannot be empty' message goes as soon as there is a topic.
        if text.strip() and self.boxes["topic"].message.is_error:
            self.boxes["topic"].clear_message()

    # The customer

    def _find_accounts(self, text: str) -> list[LookupItem]:
        return [LookupItem(o.id, o.label) for o in accounts.search(text)]

    def _on_account_picked(self, account_id: int | None) -> None:
        people = accounts.contacts(account_id) if account_id is not None else []
        self._show_contacts(people, None)

    def _show_contacts(self, people: list[Option], contact_id: int | None) -> None:
        self.contact.set_options(people, _("(none: use the customer's address)"))
        if contact_id is None and len(people) == 1:
            contact_id = people[0].id  # a private customer is their own contact
        self.contact.set_current_id(contact_id)

    def create_account(self) -> AccountDialog:
        """Open the new-customer dialog, starting from the name typed in the customer field."""
        typed = self.account.text() if self.account.current_id() is None else ""
        dialog = AccountDialog(self.window(), typed)
        dialog.setAttribute(DELETE_ON_CLOSE)
        dialog.created.connect(self._on_account_created)
        dialog.destroyed.connect(self._forget_account_dialog)
        self.account_dialog = dialog
        dialog.open()
        return dialog

    def _forget_account_dialog(self) -> None:
        self.account_dialog = None

    def _on_account_created(self, option: Option) -> None:
        self.account.pick(option.id, option.label)
        self.contact.setFocus()

    # Money, stage and probability

    def _on_currency_changed(self, currency: str) -> None:
        for edit in (self.revenue, self.accessories, self.trade_in):
            edit.set_currency(currency)

    def _stage_default(self) -> int:
        stage = self._stages.get(self.stage.current_id() or 0)
        return stage.default_probability if stage else 0

    def _set_probability(self, value: int, by_hand: bool) -> None:
        self._by_hand = by_hand
        blocked = self.probability.blockSignals(True)
        self.probability.setValue(value)
        self.probability.blockSignals(blocked)
        has_stage = self.stage.current_id() is not None
        self.probability_reset.setText(
            _("Use the stage's {probability} %").format(probability=self._stage_default())
        )
        self.probability_reset.setVisible(by_hand and has_stage and not self._read_only)
        if not has_stage:
            self.probability_hint.setText("")
        else:
            self.probability_hint.setText(_("typed by hand") if by_hand else _("follows the stage"))

    def _on_kind_changed(self) -> None:
        """A new sale switched to another process: its stages are offered, from the first."""
        kind_id = self.kind.current_id()
        if kind_id is None:
            return
        if self._choices is not None:
            stages = self._choices.stages(kind_id)
            fixed = self._choices.fixed_sequence(kind_id)
        else:
            stages, fixed = reference.stage_infos(kind_id), reference.fixed_sequence(kind_id)
        self._load_stages(None, stages, fixed, self._from_lead, True)
        first = first_stage(stages, self._from_lead)
        self.stage.set_current_id(first.id if first is not None else None)
        self._on_stage_changed()

    def _on_stage_changed(self) -> None:
        if not self._by_hand:
            self._set_probability(self._stage_default(), False)
        else:
            self._set_probability(self.probability.value(), True)

    def _on_probability_typed(self, value: int) -> None:
        self._set_probability(value, True)

    def probability_by_hand(self) -> bool:
        return self._by_hand

    def reset_probability(self) -> None:
        """Back to the stage's default, and following the stage again."""
        self._set_probability(self._stage_default(), False)


def _amount_state(edit: MoneyEdit) -> Any:
    # Compare amounts, not text: '31500' and '31,500.00' are no change.
    return edit.text() if edit.problem() else edit.amount()
