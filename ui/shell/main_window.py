"""The main window: opportunities, the agenda, leads and customers as tabs, and the way into
every form."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.i18n import N_, _, pgettext
from ui.common import changes, user_settings
from ui.common.changes import record_changes
from ui.shell.admin_menu import add_admin_actions, add_admin_menu
from ui.shell.forms_window import FormsWindow
from ui.shell.list_actions import enable_list_actions, take_current

# Start-up shows this window before the database is opened, so what its frame needs is all
# this module loads: the services, the models, the lists and Qt's own namespace (building
# the Python types of its enums takes longer than the frame) are loaded by sign_in, or by
# the method that first needs them.
if TYPE_CHECKING:
    from app.services.dashboard import Drilldown
    from app.services.opportunities import OpportunityFilter
    from app.services.workspace import UserInfo
    from ui.activities.agenda import AgendaPage
    from ui.common.record_table import ListPage
    from ui.customers.customer_list import AccountListPage
    from ui.dashboard.dashboard import DashboardPage
    from ui.leads.lead_list import LeadListPage
    from ui.opportunities.opportunity_list import OpportunityListPage


PROGRAM = "Showroom"  # the program's name, in every language
# The roles as the status bar names them, inside its sentence.
ROLE_NAMES = {
    "salesperson": N_("salesperson"),
    "sales_manager": N_("sales manager"),
    "administrator": N_("administrator"),
}


def _action(
    text: str,
    parent: QWidget,
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
) -> QAction:
    action = QAction(text, parent)
    # setShortcuts, not setShortcut: a standard key gets every binding the platform has
    # for it, and (unlike setShortcut, whose overloads include Qt.Key) it leaves Qt's
    # enum namespace unbuilt until the window is shown.
    if isinstance(shortcut, QKeySequence.StandardKey):
        action.setShortcuts(shortcut)
    elif shortcut is not None:
        action.setShortcuts([QKeySequence(shortcut)])
    return action


# What sign_in builds the window with, beyond the frame: start-up loads them while the user
# types their password (load_first_screen), so that once it is accepted only the list is
# left to read. tests/ui/test_startup_imports.py checks that sign_in needs no other module.
FIRST_SCREEN_MODULES = (
    "app.domain.rights",
    "app.services.access",
    "app.services.documents",
    "app.services.quotes",
    "app.services.workspace",
    "ui.common.setup_link",
    "ui.opportunities.opportunity_list",
    "ui.shell.action_rights",
    "ui.shell.live_refresh",
    "ui.shell.session",
)


def load_first_screen() -> None:
    """Import the modules of the signed-in window's first screen (the opportunity list);
    not the other tabs', the dashboard's charts, the forms' or the documents' (loaded when
    first shown)."""
    for name in FIRST_SCREEN_MODULES:
        importlib.import_module(name)


def _tab_holder() -> QWidget:
    """An empty tab that a page is put into when the tab is first shown."""
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    return holder


class MainWindow(FormsWindow):
    """The main window. Given the user, it opens signed in with its lists. Without one it
    is the frame alone: its tabs, menus and toolbar, saying the database is being opened,
    with every action that needs the database disabled until sign_in fills it. Start-up
    shows that frame first, so the program answers at once even when the database takes
    its time (a large file, a slow disk, an upgrade to run)."""

    def __init__(
        self, user: UserInfo | None, database_path: Path, server: str | None = None
    ) -> None:
        super().__init__()
        self.database_path = database_path
        # Which database the status bar names: the site's server (its URL without a
        # password), else the SQLite file.
        self.database_name = (
            _("site server {url}").format(url=server) if server else str(database_path)
        )
        self.setWindowTitle(PROGRAM)
        self.resize(1400, 820)

        # Set by sign_in.
        self.user: UserInfo
        self.opportunities: OpportunityListPage
        self.signed_in = False
        self._listening = False  # to the change notification, once signed in
        self._closed = False
        # The agenda, leads and customers are built when first shown: their modules, lists
        # and queries stay out of start-up.
        self._agenda: AgendaPage | None = None
        self._leads: LeadListPage | None = None
        self._customers: AccountListPage | None = None
        self.opening_tab = _tab_holder()
        self.opening_label = QLabel(
            _("Opening the database {path} …").format(path=self.database_name)
        )
        self.opening_label.setMargin(24)
        self.opening_tab.layout().addWidget(self.opening_label)
        self.agenda_tab = _tab_holder()
        self.leads_tab = _tab_holder()
        self.customers_tab = _tab_holder()
        # The dashboard is built when first shown: its modules and QtCharts cost start-up.
        self._dashboard: DashboardPage | None = None
        self.dashboard_tab = _tab_holder()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.opening_tab, _("&Opportunities"))
        self.tabs.addTab(self.agenda_tab, _("&Agenda"))
        self.tabs.addTab(self.leads_tab, _("&Leads"))
        self.tabs.addTab(self.customers_tab, _("C&ustomers"))
        self.tabs.addTab(self.dashboard_tab, _("&Dashboard"))
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 8, 0)
        layout.addWidget(self.tabs)
        self.setCentralWidget(central)

        self.count_label = QLabel(_("Opening the database …"))
        self.statusBar().addWidget(self.count_label, 1)
        self.where_label = QLabel(self.database_name)
        self.statusBar().addPermanentWidget(self.where_label)
        self._counts: dict[QWidget, str] = {}
        # The lock (ui/shell/session.py): its screen, and what it hid and disabled.
        self.lock_screen: QWidget | None = None
        self.kept_dialogs: list[QDialog] = []
        self.disabled_by_lock: list[QAction] = []
        # A restore signs everyone out: the lists are read again once someone signs in.
        self.refresh_on_unlock = False
        self._build_actions()
        self.tabs.setEnabled(False)
        if user is not None:
            self.sign_in(user)

    def say_opening(self, text: str) -> None:
        """What the frame says while the database is opened (an upgrade, say)."""
        self.opening_label.setText(text)
        self.count_label.setText(text)

    def sign_in(self, user: UserInfo) -> None:
        """Fill the frame for `user`, on the database now open: the opportunity list in
        its tab, the actions this user may take."""
        from PySide6.QtCore import Qt

        from app.domain.choices import UserRole
        from app.domain.rights import Right
        from app.services import access, workspace
        from ui.common.setup_link import setup_requests
        from ui.opportunities.opportunity_list import OpportunityListPage
        from ui.shell.action_rights import apply_rights

        assert not self.signed_in, "a window is signed in once"
        # The user's own screen settings (columns, views, sizes) before the lists are built.
        user_settings.use_settings_of(user.username)
        # What is read from the database first, so that a failure (a damaged file, say,
        # with a restore on offer and sign_in tried again) leaves the frame as it was.
        page = OpportunityListPage(user.id, user.role == UserRole.SALESPERSON)
        empty = not workspace.has_opportunities()

        self.user = user
        self.setWindowTitle(_("{program} — {user}").format(program=PROGRAM, user=user.full_name))
        self.opportunities = page
        # The list takes the place of the frame's "opening" tab.
        self.tabs.insertTab(0, self.opportunities, _("&Opportunities"))
        self.tabs.removeTab(self.tabs.indexOf(self.opening_tab))
        self.opening_tab.deleteLater()
        self.tabs.setCurrentWidget(self.opportunities)
        self.tabs.setEnabled(True)
        # The opportunity list is the one most tests and most users reach for.
        self.filter_bar = self.opportunities.filter_bar
        self.model = self.opportunities.model
        self.table = self.opportunities.table

        role = ROLE_NAMES.get(user.role)
        self.where_label.setText(
            _("{user} ({role}) · {database}").format(
                user=user.full_name,
                role=_(role) if role else user.role.replace("_", " "),
                database=self.database_name,
            )
        )
        self.where_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._watch_count(self.opportunities, self.opportunities)
        self.tabs.currentChanged.connect(lambda _: self._on_tab_changed())
        self.opportunities.open_requested.connect(self.open_opportunity)
        if not self._closed:  # (closed while the database was being opened)
            record_changes().changed.connect(self._on_record_changed)
            self._listening = True
            # Other workstations' saves, as if a dialog here had announced them. (Imported
            # here: the window's frame is shown before any database code is loaded.)
            from ui.shell.live_refresh import LiveRefresh

            self.live_refresh = LiveRefresh(self._on_record_changed, self)
            setup_requests().requested.connect(self.open_administration)
        self.tabs.currentChanged.connect(self._on_tab)

        for action in self._database_actions:
            action.setEnabled(True)
        apply_rights(self)  # what this user may not do: disabled, saying why
        self.demo_action.setEnabled(empty)
        self._allow_imports()
        # Right-click on the opportunity list: what applies to the rows under the mouse.
        table = self.opportunities.table
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        table.addAction(self.open_action)
        table.addAction(self.close_lost_action)
        table.addAction(self.take_action)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        table.selectionModel().selectionChanged.connect(lambda *_: self._enable_actions())
        self.opportunities.model.modelReset.connect(self._enable_actions)
        self.signed_in = True
        # Where the user left the window and which tab they were on.
        user_settings.restore_geometry(self, "main")
        last_tab = user_settings.load_json("main/tab", 0)
        if isinstance(last_tab, int) and 0 < last_tab < self.tabs.count():
            self.tabs.setCurrentIndex(last_tab)
        self.tabs.currentChanged.connect(lambda i: user_settings.save_json("main/tab", i))
        self._enable_actions()
        self.opportunities.filter_bar.search.setFocus()
        from ui.shell import session

        session.attach(self)  # the idle lock
        self.users_action.setEnabled(access.has_right(Right.MANAGE_USERS))
        self.users_action.setToolTip(
            ""
            if self.users_action.isEnabled()
            else access.missing_right_message(Right.MANAGE_USERS)
        )

    # --- actions ----------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.new_action = _action(_("&New opportunity…"), self, QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(lambda: self.open_opportunity(None))
        self.walk_in_action = _action(_("&Walk-in customer…"), self, shortcut="Ctrl+Shift+N")
        self.walk_in_action.setToolTip(_("A customer in the showroom: the quick opportunity"))
        self.walk_in_action.triggered.connect(self.open_walk_in)
        self.fleet_action = _action(_("Demo &fleet calendar…"), self)
        self.fleet_action.setToolTip(_("Which demo car is booked for a test drive, when"))
        self.fleet_action.triggered.connect(self.open_vehicle_calendar)
        self.new_lead_action = _action(_("New &lead…"), self, shortcut="Ctrl+L")
        self.new_lead_action.triggered.connect(lambda: self.open_lead(None))
        self.import_action = _action(_("&Import leads from CSV…"), self, shortcut="Ctrl+I")
        self.import_action.triggered.connect(self.import_leads)
        self.import_stock_action = _action(_("Import &stock from a DMS export…"), self)
        self.import_stock_action.triggered.connect(lambda: self.import_vehicles("stock"))
        self.import_prices_action = _action(_("Import a &price list…"), self)
        self.import_prices_action.triggered.connect(lambda: self.import_vehicles("catalogue"))
        self.new_customer_action = _action(_("New c&ustomer…"), self, shortcut="Ctrl+U")
        self.new_customer_action.triggered.connect(lambda: self.open_customer(None))
        self.open_action = _action(_("&Open"), self)
        self.open_action.triggered.connect(self._open_current)
        self.refresh_action = _action(_("&Refresh"), self, QKeySequence.StandardKey.Refresh)
        self.refresh_action.triggered.connect(self.refresh)
        self.find_action = _action(_("&Find"), self, QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self._find)
        self.close_lost_action = _action(_("Close as l&ost…"), self)
        self.close_lost_action.setToolTip(_("Close the selected opportunities as lost"))
        self.close_lost_action.triggered.connect(self.close_selected_as_lost)
        self.take_action = _action(_("&Take it"), self)
        self.take_action.setToolTip(_("Become the owner of the opportunity your team holds"))
        self.take_action.triggered.connect(lambda: take_current(self))
        self.stage_setup_action = _action(_("Stages and &processes…"), self)
        self.stage_setup_action.setToolTip(
            _("The kinds of opportunity and their stages: probabilities, days allowed, funnel")
        )
        self.stage_setup_action.triggered.connect(self.open_stage_setup)
        self.document_settings_action = _action(_("&Quotes and documents…"), self)
        self.document_settings_action.setToolTip(
            _("What new quotes and order forms are issued with: validity, VAT rate, terms, logo")
        )
        self.document_settings_action.triggered.connect(self.open_document_settings)
        self.server_action = _action(_("Connect to the site &server…"), self)
        self.server_action.triggered.connect(self.connect_to_server)
        self.administration_action = _action(_("&Dealership and master data…"), self)
        self.administration_action.setToolTip(
            _("The dealership, its facilities, catalogue, stock and lists, and what is missing")
        )
        self.administration_action.triggered.connect(lambda: self.open_administration())
        self.backup_action = _action(_("&Back up now"), self)
        self.backup_action.triggered.connect(self.back_up_now)
        self.restore_action = _action(_("&Restore from a backup…"), self)
        self.restore_action.triggered.connect(self.open_restore)
        self.purge_action = _action(_("&Purge old closed sales…"), self)
        self.purge_action.triggered.connect(self.open_purge)
        self.demo_action = _action(_("Load &demo data"), self)
        self.demo_action.triggered.connect(self.load_demo_data)
        self.switch_user_action = _action(_("Switch &user…"), self, shortcut="Ctrl+Shift+L")
        self.switch_user_action.setToolTip(
            _("Lock the window for someone else to sign in; your open forms are kept")
        )
        self.switch_user_action.triggered.connect(self.lock)
        self.users_action = _action(_("&Users…"), self)
        self.users_action.setToolTip(
            _("Who may sign in, with which roles; unlock, reset a password; the idle lock")
        )
        self.users_action.triggered.connect(self.open_users)
        add_admin_actions(self)
        # The signed-in user's own (their settings), for every role.
        self.preferences_action = _action(
            _("Pr&eferences…"), self, QKeySequence.StandardKey.Preferences
        )
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.preferences_action.triggered.connect(self.open_preferences)
        quit_action = _action(_("&Quit"), self, QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        # All but Quit wait for the database (sign_in enables them).
        self._database_actions = [
            a for a in self.findChildren(QAction) if a.parent() is self and a is not quit_action
        ]
        for action in self._database_actions:
            action.setEnabled(False)

        file_menu = self.menuBar().addMenu(_("&File"))
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.import_stock_action)
        file_menu.addAction(self.import_prices_action)
        file_menu.addAction(self.demo_action)
        file_menu.addSeparator()
        file_menu.addAction(self.server_action)
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.restore_action)
        file_menu.addAction(self.purge_action)
        file_menu.addSeparator()
        file_menu.addAction(self.preferences_action)
        file_menu.addSeparator()
        file_menu.addAction(self.switch_user_action)
        file_menu.addAction(quit_action)
        sales_menu = self.menuBar().addMenu(_("&Sales"))
        for action in (
            self.walk_in_action,
            self.new_action,
            self.new_lead_action,
            self.new_customer_action,
        ):
            sales_menu.addAction(action)
        sales_menu.addSeparator()
        for action in (self.open_action, self.take_action, self.close_lost_action):
            sales_menu.addAction(action)
        sales_menu.addSeparator()
        for action in (self.refresh_action, self.find_action):
            sales_menu.addAction(action)
        sales_menu.addSeparator()
        sales_menu.addAction(self.fleet_action)
        sales_menu.addSeparator()
        sales_menu.addAction(self.stage_setup_action)
        sales_menu.addAction(self.document_settings_action)
        # Administration: the dealership and its lists, users, teams, the audit log.
        self.admin_menu = add_admin_menu(self)
        first = self.admin_menu.actions()[0]
        self.admin_menu.insertAction(first, self.administration_action)
        self.admin_menu.insertAction(first, self.users_action)

        self.toolbar = toolbar = QToolBar(pgettext("toolbar", "Main"), self)
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        for action in (
            self.walk_in_action,
            self.new_action,
            self.new_lead_action,
            self.new_customer_action,
        ):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.open_action)
        toolbar.addAction(self.refresh_action)
        self.addToolBar(toolbar)

    def _watch_count(self, page: ListPage, tab: QWidget) -> None:
        page.count_changed.connect(lambda text: self._show_count(tab, text))
        page.model.count_changed.emit(page.model.rowCount())

    def _put_in_tab(self, page: QWidget, tab: QWidget) -> None:
        tab.layout().addWidget(page)
        page.show()  # a child added to a shown tab is not shown by the layout

    @property
    def leads(self) -> LeadListPage:
        """The leads tab's page, built the first time it is asked for."""
        if self._leads is None:
            from ui.leads.lead_list import LeadListPage

            page = LeadListPage()
            self._put_in_tab(page, self.leads_tab)
            page.open_requested.connect(self.open_lead)
            self._leads = page
            self._watch_count(page, self.leads_tab)
        return self._leads

    @property
    def customers(self) -> AccountListPage:
        """The customers tab's page, built the first time it is asked for."""
        if self._customers is None:
            from ui.customers.customer_list import AccountListPage

            page = AccountListPage()
            self._put_in_tab(page, self.customers_tab)
            page.open_requested.connect(self.open_customer)
            self._customers = page
            self._watch_count(page, self.customers_tab)
        return self._customers

    @property
    def pages(self) -> list[ListPage]:
        """The list pages built so far."""
        built: list[ListPage | None] = [self.opportunities, self._leads, self._customers]
        return [page for page in built if page is not None]

    def _refresh_leads(self) -> None:
        if self._leads is not None:
            self._leads.model.refresh()

    def _refresh_customers(self) -> None:
        if self._customers is not None:
            self._customers.model.refresh()

    @property
    def agenda(self) -> AgendaPage:
        """The agenda tab's page, built the first time it is asked for."""
        if self._agenda is None:
            from ui.activities.agenda import AgendaPage

            page = AgendaPage(self.user.id)
            self._put_in_tab(page, self.agenda_tab)
            page.count_changed.connect(self._show_agenda_count)
            page.open_opportunity.connect(self.open_opportunity)
            self._agenda = page
            self._show_agenda_count(page.summary())
        return self._agenda

    def _show_agenda_count(self, text: str) -> None:
        self._show_count(self.agenda_tab, text)

    def _refresh_agenda(self) -> None:
        if self._agenda is not None:
            self._agenda.refresh()

    def current_page(self) -> ListPage | AgendaPage:
        """The page in front; on the dashboard, the opportunity list its figures open."""
        from ui.common.record_table import ListPage

        page = self.tabs.currentWidget()
        if page is self.agenda_tab:
            return self.agenda
        if page is self.dashboard_tab:
            return self.opportunities
        if page is self.leads_tab:
            return self.leads
        if page is self.customers_tab:
            return self.customers
        assert isinstance(page, ListPage)
        return page

    @property
    def dashboard(self) -> DashboardPage:
        if self._dashboard is None:
            from ui.dashboard.dashboard import DashboardPage

            self._dashboard = DashboardPage()
            self._dashboard.drilldown_requested.connect(self.show_drilldown)
            self.dashboard_tab.layout().addWidget(self._dashboard)
        return self._dashboard

    def show_dashboard(self) -> None:
        self.tabs.setCurrentWidget(self.dashboard_tab)

    def _on_tab(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.dashboard_tab:
            self.dashboard.show()

    def _find(self) -> None:
        page = self.current_page()
        if self.tabs.currentWidget() is self.dashboard_tab:
            self.tabs.setCurrentWidget(self.opportunities)  # to the list's search
        page.focus_search()

    def refresh(self) -> None:
        for page in self.pages:
            page.refresh()
        self._refresh_agenda()
        if self._dashboard is not None:
            self._dashboard.invalidate()

    def show_opportunities(self, flt: OpportunityFilter, description: str) -> None:
        """Switch to the opportunity list showing exactly `flt`, with a chip saying what it is."""
        self.opportunities.apply_filter(flt, description)
        self.tabs.setCurrentWidget(self.opportunities)

    def show_drilldown(self, drill: Drilldown) -> None:
        self.show_opportunities(drill.filter, drill.description)

    def _show_count(self, page: QWidget, text: str) -> None:
        self._counts[page] = text
        self._show_current_count()

    def _show_current_count(self) -> None:
        on_dashboard = self.tabs.currentWidget() is self.dashboard_tab
        self.count_label.setText(
            "" if on_dashboard else self._counts.get(self.tabs.currentWidget(), "")
        )

    def _on_tab_changed(self) -> None:
        if self.tabs.currentWidget() in (self.agenda_tab, self.leads_tab, self.customers_tab):
            self.current_page()  # built on first show
        self._show_current_count()
        self._enable_actions()

    def _enable_actions(self) -> None:
        on_list = self.tabs.currentWidget() is self.opportunities
        enable_list_actions(self, on_list)

    def _open_current(self) -> None:
        from ui.common.record_table import ListPage

        if self.tabs.currentWidget() is self.agenda_tab:
            self.agenda.open_current()
            return
        page = self.current_page()
        assert isinstance(page, ListPage)
        record_id = page.table.current_id()
        if record_id is not None:
            page.open_requested.emit(record_id)

    def selected_opportunities(self) -> list[int]:
        """The opportunities selected in the list, else the current one."""
        table = self.opportunities.table
        current = table.current_id()
        return table.selected_ids() or ([current] if current is not None else [])

    def lock(self) -> None:
        """Lock the window (File > Switch user, or the idle time): the lock screen over it,
        the open forms hidden and kept."""
        from ui.shell import session

        session.lock(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.signed_in and self.isVisible():
            from ui.shell import session

            if session.refuse_to_close(self):
                event.ignore()
                return
            session.forget(self)
        # A closed window no longer shows the lists: it stops hearing of changes.
        self._closed = True
        if self.signed_in:
            user_settings.save_geometry(self, "main")
        if self._listening:
            record_changes().changed.disconnect(self._on_record_changed)
            self.live_refresh.stop()
            self._listening = False
        super().closeEvent(event)

    def _on_record_changed(self, kind: str, _record_id: int) -> None:
        """A dialog saved a record: the lists that show records of its kind read again."""
        if kind in (changes.OPPORTUNITY, changes.QUOTE, changes.ACTIVITY):
            # The customer list counts open sales; the agenda names sales and activities.
            self.opportunities.model.refresh()
            self._refresh_customers()
            self._refresh_agenda()
        elif kind == changes.LEAD:
            self._refresh_leads()
        elif kind == changes.CUSTOMER:
            self.refresh()
            return
        if self._dashboard is not None:
            self._dashboard.invalidate()

    def _allow_imports(self) -> None:
        from app.domain.rights import Right
        from app.services import access

        allowed = access.has_right(Right.IMPORT_DATA)
        tip = "" if allowed else access.missing_right_message(Right.IMPORT_DATA)
        for action in (self.import_stock_action, self.import_prices_action):
            action.setEnabled(allowed)
            action.setToolTip(tip)
