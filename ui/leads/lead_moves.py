"""The lead form's moves: marked contacted, qualified, disqualified with a reason, reopened,
and converted into a sale for a customer on file or a new one. LeadDialog inherits them
with its signals; what was typed is saved before a move."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel

from app.domain.choices import LeadStatus
from app.domain.validation import ValidationError
from app.i18n import _
from app.services import leads
from app.services.accounts import DuplicateCandidate, PossibleDuplicates
from app.services.errors import NotFound
from app.services.leads import LeadDetail
from app.services.opportunities import OpenSalesExist
from ui.common import changes, second_sale_dialog
from ui.common.record_dialog import RecordDialog
from ui.common.second_sale_dialog import SecondSaleChoice
from ui.leads.lead_dialogs import ConversionDialog, DisqualifyDialog


class LeadMovesDialog(RecordDialog):
    """Emits `saved` with the lead's id after each status move, `converted` with the new
    opportunity's id (then closes), and, for a lead converted earlier, `open_opportunity`
    with the id of the opportunity it became."""

    saved = Signal(int)
    converted = Signal(int)
    open_opportunity = Signal(int)
    log_activity_on = Signal(int)  # the customer's open opportunity, to log what happened

    lead_id: int | None
    current_user_id: int
    detail: LeadDetail | None
    status_label: QLabel
    disqualify_dialog: DisqualifyDialog | None
    conversion_dialog: ConversionDialog | None

    if TYPE_CHECKING:

        def _load(self, detail: LeadDetail | None) -> None: ...

    def _saved_first(self) -> bool:
        """A status move or a conversion works on the saved lead: save what was typed first."""
        if self.detail is None or self.is_modified():
            return self.save()
        return True

    # Status moves

    def mark_contacted(self) -> bool:
        return self._move(LeadStatus.CONTACTED.value)

    def qualify(self) -> bool:
        return self._move(LeadStatus.QUALIFIED.value)

    def reopen(self) -> bool:
        return self._move(LeadStatus.NEW.value)

    def _move(self, status: str) -> bool:
        if self.read_only or not self._saved_first() or self.lead_id is None:
            return False
        try:
            detail = leads.set_status(self.lead_id, status)
        except (ValidationError, NotFound) as exc:
            self.say(str(exc), error=True)
            return False
        self._after_move(detail)
        return True

    def _after_move(self, detail: LeadDetail) -> None:
        self._load(detail)
        self.say(_("Status: {status}.").format(status=self.status_label.text()))
        changes.record_changes().announce(changes.LEAD, detail.id)
        self.saved.emit(detail.id)

    def ask_disqualify_reason(self) -> None:
        """Open the reason picker; choosing one disqualifies the lead."""
        if self.read_only or not self._saved_first() or self.detail is None:
            return
        if self.disqualify_dialog is not None:
            self.disqualify_dialog.deleteLater()
        dialog = DisqualifyDialog(self.detail.display_name, leads.disqualify_reasons(), self)
        dialog.accepted.connect(lambda: self.disqualify(dialog.chosen_reason()))
        self.disqualify_dialog = dialog
        dialog.open()

    def disqualify(self, reason: str) -> bool:
        if self.read_only or self.lead_id is None:
            return False
        try:
            detail = leads.disqualify(self.lead_id, reason)
        except (ValidationError, NotFound) as exc:
            self.say(_("Not disqualified: {reason}").format(reason=exc), error=True)
            return False
        self._after_move(detail)
        return True

    # Conversion

    def start_conversion(self) -> None:
        """Save what was typed, then ask which customer the sale is for: one on file that
        looks like the lead, or a new one."""
        if self.read_only or not self._saved_first() or self.lead_id is None:
            return
        try:
            candidates = leads.duplicates(self.lead_id)
        except NotFound as exc:
            self.say(_("Not converted: {reason}").format(reason=exc), error=True)
            return
        self._ask_conversion(candidates)

    def _ask_conversion(self, candidates: list[DuplicateCandidate]) -> None:
        assert self.detail is not None
        if self.conversion_dialog is not None:
            self.conversion_dialog.deleteLater()
        owner_id = self.detail.owner_id or self.current_user_id
        dialog = ConversionDialog(self.detail, candidates, owner_id, self)
        dialog.accepted.connect(
            lambda: self.convert(dialog.account_id, dialog.confirmed_new, dialog.owner_id())
        )
        self.conversion_dialog = dialog
        dialog.open()

    def convert(
        self,
        account_id: int | None,
        confirmed_new: bool,
        owner_id: int | None = None,
        second_reason: str | None = None,
    ) -> bool:
        """Convert the saved lead for the customer chosen; closes the form when done. A
        customer with an open opportunity is asked about first: open that one, log an
        activity on it, or go on with a reason."""
        if self.read_only or self.lead_id is None:
            return False
        try:
            done = leads.convert(
                self.lead_id, account_id, confirmed_new, owner_id, second_reason=second_reason
            )
        except OpenSalesExist as problem:
            choice, opportunity_id, reason = second_sale_dialog.ask(problem, self)
            if choice is SecondSaleChoice.GO_ON:
                return self.convert(account_id, confirmed_new, owner_id, reason)
            if choice is SecondSaleChoice.OPEN_IT and opportunity_id is not None:
                self.open_opportunity.emit(opportunity_id)
            elif choice is SecondSaleChoice.LOG_ACTIVITY and opportunity_id is not None:
                self.log_activity_on.emit(opportunity_id)
            return False
        except PossibleDuplicates as dup:
            # A look-alike was filed since the question was asked: ask again with it.
            self._ask_conversion(dup.candidates)
            return False
        except ValidationError as exc:
            self.refuse(exc.errors, what=_("Not converted"))
            return False
        except NotFound as exc:
            self.say(_("Not converted: {reason}").format(reason=exc), error=True)
            return False
        self.take_baseline()
        changes.record_changes().announce(changes.LEAD, self.lead_id)
        changes.record_changes().announce(changes.OPPORTUNITY, done.opportunity_id)
        self.converted.emit(done.opportunity_id)
        self.accept()
        return True

    def _open_opportunity(self) -> None:
        if self.detail is not None and self.detail.converted_opportunity_id is not None:
            self.open_opportunity.emit(self.detail.converted_opportunity_id)
            self.accept()
