"""The main window's ways into the forms and dialogs: each opens window-modal and deletes
itself when closed, and what it saved shows in the lists. MainWindow inherits it; like the
window's frame, it loads nothing until a form is opened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QTabWidget, QWidget

from app.i18n import _, ngettext
from ui.shell.upkeep import UpkeepWindow

if TYPE_CHECKING:
    from app.services.workspace import UserInfo
    from ui.opportunities.opportunity_list import OpportunityListPage


class FormsWindow(UpkeepWindow):
    """The menu commands and list actions that open a form or a dialog."""

    user: UserInfo
    opportunities: OpportunityListPage
    tabs: QTabWidget
    leads_tab: QWidget

    if TYPE_CHECKING:

        def refresh(self) -> None: ...

        def _refresh_leads(self) -> None: ...

        def selected_opportunities(self) -> list[int]: ...

    def connect_to_server(self) -> None:
        from ui.shell.site_server_dialog import SiteServerDialog

        if SiteServerDialog(self).exec():
            self.statusBar().showMessage(
                _("The choice of database is kept; Showroom opens it at its next start."), 10_000
            )

    def _show_dialog(self, dialog: QDialog) -> None:
        from PySide6.QtCore import Qt

        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def open_opportunity(self, opportunity_id: int | None) -> QDialog:
        from ui.opportunities.opportunity_form import OpportunityDialog

        dialog = OpportunityDialog(opportunity_id, self.user.id, self)
        # The lists read it again on the change notification; this shows it in the list.
        dialog.saved.connect(self._select_opportunity)
        dialog.changed.connect(self._select_opportunity)
        dialog.open_other.connect(self.open_opportunity)
        self._show_dialog(dialog)
        return dialog

    def _select_opportunity(self, opportunity_id: int) -> None:
        self.opportunities.table.select_record(opportunity_id)

    def open_users(self) -> QDialog:
        from ui.admin.users_dialog import UsersDialog

        dialog = UsersDialog(self)
        self._show_dialog(dialog)
        return dialog

    def close_selected_as_lost(self) -> QDialog | None:
        """Close the opportunities selected in the list as lost, all with one reason."""
        from ui.opportunities.close_dialogs import CloseLostDialog

        ids = self.selected_opportunities()
        if not ids:
            return None
        dialog = CloseLostDialog(ids, self)
        dialog.closed.connect(self._after_closing)
        self._show_dialog(dialog)
        return dialog

    def _after_closing(self, opportunity_ids: list[int]) -> None:
        from ui.opportunities.opportunity_form import OpportunityDialog

        # A form open on one of them shows it closed, unless it holds unsaved changes: those
        # stay for the user to copy; saving them is refused with the reason.
        for form in self.findChildren(OpportunityDialog):
            if form.opportunity_id in opportunity_ids and not form.is_modified():
                form.refresh_process(announce=False)  # the lists have heard already
        count = len(opportunity_ids)
        self.statusBar().showMessage(
            ngettext(
                "Closed {n} opportunity as lost.", "Closed {n} opportunities as lost.", count
            ).format(n=count),
            8000,
        )

    def open_stage_setup(self) -> QDialog:
        from ui.admin.stage_setup_dialog import StageSetupDialog

        dialog = StageSetupDialog(self)
        dialog.finished.connect(self._after_stage_setup)
        self._show_dialog(dialog)
        return dialog

    def open_preferences(self) -> QDialog:
        from ui.shell.preferences_dialog import PreferencesDialog

        dialog = PreferencesDialog(self)
        self._show_dialog(dialog)
        return dialog

    def open_document_settings(self) -> QDialog:
        from ui.quotes.document_settings_dialog import DocumentSettingsDialog

        dialog = DocumentSettingsDialog(self)
        self._show_dialog(dialog)
        return dialog

    def open_administration(self, step: str | None = None) -> QDialog:
        """The Administration; at `step` (what a refusal said is missing), if given."""
        from ui.admin.administration import AdministrationDialog

        dialog = AdministrationDialog(self)
        dialog.finished.connect(lambda _result: self.refresh())
        self._show_dialog(dialog)
        if step:
            dialog.go_to(step)
        return dialog

    def offer_first_run(self) -> QDialog | None:
        """On a database without a dealership, the first-run assistant for a user who may
        set it up (started by the shell once signed in)."""
        from app.services import setup
        from ui.admin.first_run import run_first_run_assistant

        if not (setup.needs_assistant() and setup.may_set_up()):
            return None
        assistant = run_first_run_assistant(self, self.user)
        assistant.finished.connect(lambda _result: self.refresh())
        return assistant

    def _after_stage_setup(self, _result: int) -> None:
        # Stage names and probabilities show in the lists and the filters.
        self.refresh()

    def open_walk_in(self) -> None:
        from ui.opportunities.walk_in_dialog import WalkInDialog

        dialog = WalkInDialog(self.user.id, self)
        dialog.created.connect(self._after_walk_in)
        dialog.open_existing.connect(self.open_opportunity)
        dialog.log_activity_on.connect(self.log_activity_on)
        self._show_dialog(dialog)

    def open_vehicle_calendar(self) -> QDialog:
        from ui.activities.vehicle_calendar import VehicleCalendarDialog

        dialog = VehicleCalendarDialog(self)
        dialog.open_opportunity.connect(self.open_opportunity)
        self._show_dialog(dialog)
        return dialog

    def log_activity_on(self, opportunity_id: int) -> None:
        """The activity dialog for an opportunity (the customer came back for it)."""
        from ui.activities.activity_dialog import ActivityDialog

        dialog = ActivityDialog(None, self.user.id, self, opportunity_id=opportunity_id)
        self._show_dialog(dialog)

    def _after_walk_in(self, opportunity_id: int) -> None:
        self.tabs.setCurrentWidget(self.opportunities)
        self._select_opportunity(opportunity_id)

    def open_lead(self, lead_id: int | None) -> None:
        from ui.leads.lead_form import LeadDialog

        dialog = LeadDialog(lead_id, self.user.id, self)
        # The lists read the lead, the new sale and its customer again on the change
        # notification; this opens the sale.
        dialog.converted.connect(self._after_conversion)
        dialog.log_activity_on.connect(self.log_activity_on)
        dialog.open_opportunity.connect(self.open_opportunity)
        self._show_dialog(dialog)

    def _after_conversion(self, opportunity_id: int) -> None:
        self.open_opportunity(opportunity_id)

    def import_leads(self) -> None:
        from ui.leads.lead_import import LeadImportDialog

        dialog = LeadImportDialog(self.user.id, self)
        dialog.imported.connect(self._after_import)
        self._show_dialog(dialog)

    def import_vehicles(self, kind: str) -> None:
        from ui.admin.vehicle_import_dialog import VehicleImportDialog

        self._show_dialog(VehicleImportDialog(kind, self))

    def _after_import(self) -> None:
        self._refresh_leads()
        self.tabs.setCurrentWidget(self.leads_tab)

    def open_customer(self, account_id: int | None) -> None:
        from ui.customers.customer_form import AccountFormDialog

        dialog = AccountFormDialog(account_id, self, current_user_id=self.user.id)
        dialog.open_opportunity.connect(self.open_opportunity)
        self._show_dialog(dialog)
