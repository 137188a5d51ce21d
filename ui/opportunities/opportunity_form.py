"""The opportunity form: the sale, what the customer wants, the vehicle and the assignment."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.choices import Status
from app.domain.fields import label as field_label
from app.domain.reading import format_clock
from app.domain.rights import Right
from app.domain.validation import ValidationError
from app.i18n import N_, _
from app.services import access, activities, opportunities, opportunity_conflicts, record_rights
from app.services.catalogue import VehicleChoice
from app.services.conflicts import Conflict
from app.services.errors import NotAllowed, NotFound
from app.services.opportunities import OpenSalesExist
from app.services.opportunity_form import (
    FormChoices,
    OpportunityForm,
    OpportunityInput,
)
from app.services.record_rights import SaleAccess
from app.services.timeline import TimelineEntry
from ui.activities.activity_dialog import ActivityDialog
from ui.activities.timeline import OPPORTUNITY as OPPORTUNITY_TIMELINE
from ui.activities.timeline import TimelineWidget
from ui.common import second_sale_dialog, user_settings
from ui.common.changes import OPPORTUNITY, record_changes
from ui.common.qt import (
    ACTION_ROLE,
    ALIGN_TOP,
    CLOSE_BUTTON,
    DELETE_ON_CLOSE,
    DISCARD,
    HORIZONTAL,
    NATIVE_TEXT,
    NO,
    NO_FRAME,
    SAVE,
    SAVE_KEYS,
    SCROLL_BAR_OFF,
    STYLED_PANEL,
    VERTICAL,
    YES,
)
from ui.common.record_dialog import RecordDialog
from ui.common.rights import allow
from ui.common.second_sale_dialog import SecondSaleChoice
from ui.common.widgets import (
    FieldBox,
    ask_to_save,
    fit_to_screen,
    set_tab_chain,
    show_read_only_look,
)
from ui.opportunities.close_date import far_ahead_confirmed
from ui.opportunities.close_dialogs import CloseLostDialog, CloseWonDialog, reopen
from ui.opportunities.form_section import Section
from ui.opportunities.opportunity_section import OpportunitySection
from ui.opportunities.opportunity_tabs import ContactsTab, DemandTab, HistoryTab, OpportunityTab
from ui.opportunities.reach_strip import ReachStrip
from ui.opportunities.stage_bar import StageBar
from ui.opportunities.vehicle_sections import AssignmentSection, BrandingSection, DeviceSection
from ui.quotes.quotes_tab import QuotesTab

_CLOSED_MESSAGES = {
    Status.WON.value: N_("This opportunity is won, so it is read-only. Reopen it to change it."),
    Status.LOST.value: N_("This opportunity is lost, so it is read-only. Reopen it to change it."),
}
# The sections beside the tabs: two columns of labels and pickers, the rest to the tabs.
SECTIONS_WIDTH = 1040
SIDE_BY_SIDE_WIDTH = 1100  # narrower than this, the tabs go below the sections
# The longest vehicle label the Vehicle field must show uncut.
VEHICLE_LABEL_SAMPLE = (
    "Mercedes-Benz GLC 300 e 4MATIC · WDC2539461F123456 · stock N-10001"  # i18n: ignore
)


class OpportunityDialog(RecordDialog):
    """One opportunity, new (`opportunity_id` None) or saved. Ctrl+S saves and stays;
    closing with unsaved changes asks first; a refused save keeps every value as typed
    and puts each message under its field. Emits `saved` with the id after each save.

    A saved opportunity shows its stage bar and the closing buttons above the sections,
    and its tabs beside them: contacts, timeline, history. A stage move, an activity, a
    close or a reopening is saved at once and emits `changed` with the id; a closed
    opportunity is read-only throughout until it is reopened."""

    saved = Signal(int)
    changed = Signal(int)  # saved outside the form's fields: a stage move, a close, ...
    open_other = Signal(int)  # the customer's open opportunity, chosen over a new one

    def __init__(
        self, opportunity_id: int | None, current_user_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.opportunity_id = opportunity_id
        self.current_user_id = current_user_id
        self.version = 0
        self.status = Status.OPEN.value
        self._loaded = OpportunityInput()
        self._written = OpportunityInput()  # what the last save sent, for a conflict
        self.choices: FormChoices | None = None
        self.access: SaleAccess | None = None  # what the user may do with it (saved ones)
        self._salespeople: list[int] = []  # its further salespeople as saved
        self._unread: set[OpportunityTab] = set()  # tabs to read when next shown
        self._second_sale_asked = False

        self.opportunity = OpportunitySection()
        self.branding = BrandingSection()
        self.device = DeviceSection(self.branding.wanted)
        self.assignment = AssignmentSection()
        self.sections: tuple[Section, ...] = (
            self.opportunity,
            self.branding,
            self.device,
            self.assignment,
        )
        for section in self.sections:
            self.boxes.update(section.boxes)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setFrameShape(STYLED_PANEL)
        self.banner.setMargin(6)
        self.banner.hide()
        self.take_button = QPushButton(_("&Take it"))
        self.take_button.setToolTip(
            _("Become its owner: your team holds it and nobody has taken it")
        )
        self.take_button.setAutoDefault(False)
        self.take_button.hide()
        self.reach = ReachStrip()
        self.reach.hide()
        content = QWidget()
        columns = QHBoxLayout(content)
        columns.setContentsMargins(0, 0, 6, 0)
        self.section_columns = (QVBoxLayout(), QVBoxLayout())
        for column in self.section_columns:
            columns.addLayout(column, 1)
        # The vehicle's label (model, VIN, stock number) is shown whole.
        vehicle = self.device.vehicle.line_edit
        vehicle.setMinimumWidth(vehicle.fontMetrics().horizontalAdvance(VEHICLE_LABEL_SAMPLE) + 24)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(NO_FRAME)
        self.scroll_area.setWidget(content)
        # The sections keep their width when the tabs beside them are widened: no field is
        # cut off or scrolled sideways.
        self.scroll_area.setHorizontalScrollBarPolicy(SCROLL_BAR_OFF)
        self._arrange_sections(two_columns=True)

        self.stage_bar = StageBar()
        self.close_won_button = QPushButton(_("Close as &won…"))
        self.close_lost_button = QPushButton(_("Close as l&ost…"))
        self.reopen_button = QPushButton(_("&Reopen…"))
        self.close_won_button.setToolTip(_("Close this opportunity as won, with a closing note"))
        self.close_lost_button.setToolTip(_("Close this opportunity as lost, with the reason why"))
        self.reopen_button.setToolTip(_("Open a closed opportunity again, to change or add to it"))
        self.close_dialog: CloseWonDialog | CloseLostDialog | None = None
        self.process_row = QWidget()
        process_layout = QHBoxLayout(self.process_row)
        process_layout.setContentsMargins(0, 0, 0, 4)
        process_layout.addWidget(self.stage_bar, 1)
        for button in (self.close_won_button, self.close_lost_button, self.reopen_button):
            button.setAutoDefault(False)
            process_layout.addWidget(button, 0, ALIGN_TOP)

        self.contacts_tab = ContactsTab()
        self.demand_tab = DemandTab()
        # The timeline shows the entries read with the record, then reads its own.
        self._told_timeline: tuple[int, list[TimelineEntry]] | None = None
        self.timeline = TimelineWidget(
            current_user_id,
            attached_to=replace(OPPORTUNITY_TIMELINE, entries=self._timeline_entries),
        )
        self.history_tab = HistoryTab()
        self.tab_pages: list[OpportunityTab] = []
        self.tabs = QTabWidget()
        self._add_tab(self.contacts_tab, _("&Contacts"))
        self._add_tab(self.demand_tab, field_label("opportunity.demand"))
        self._add_tab(self.timeline, _("Ti&meline"))
        self._add_document_tabs()
        self._add_tab(self.history_tab, _("&History"))
        self.tabs_hint = QLabel(_("Save the opportunity first: its tabs open once it is saved."))
        self.tabs_hint.setWordWrap(True)
        self.tabs_hint.setFrameShape(STYLED_PANEL)
        self.tabs_hint.setMargin(6)
        self.tabs_panel = tabs_panel = QWidget()
        self.tabs_layout = QVBoxLayout(tabs_panel)
        self.tabs_layout.addWidget(self.tabs_hint)
        self.tabs_layout.addWidget(self.tabs, 1)
        self.splitter = QSplitter(HORIZONTAL)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.scroll_area)
        self.splitter.addWidget(tabs_panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        user_settings.keep_splitter(self.splitter, "opportunity_form")

        self.message = QLabel()  # what is not about one field: saved, refused, conflicts
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(_("&Save"), ACTION_ROLE)
        self.save_close_button = self.buttons.addButton(_("Save and c&lose"), ACTION_ROLE)
        self.close_button = self.buttons.addButton(CLOSE_BUTTON)
        for button in (self.save_button, self.save_close_button, self.close_button):
            # Enter in a field must not save or close the form behind the user's back.
            button.setAutoDefault(False)
            button.setDefault(False)
        self.save_button.setToolTip(
            _("Save ({shortcut})").format(shortcut=QKeySequence(SAVE_KEYS).toString(NATIVE_TEXT))
        )
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.take_button, 0, ALIGN_TOP)
        layout.addLayout(banner_row)
        layout.addWidget(self.reach)
        layout.addWidget(self.process_row)
        layout.addWidget(self.splitter, 1)
        # On a laptop the sections and the tabs are two pages (see _fit_to_screen).
        self.pages: QTabWidget | None = None
        layout.addLayout(bottom)

        self.save_button.clicked.connect(self.save)
        self.save_close_button.clicked.connect(self.save_and_close)
        self.close_button.clicked.connect(self.reject)
        self.save_shortcut = QShortcut(QKeySequence(SAVE_KEYS), self)
        self.save_shortcut.activated.connect(self.save)
        self.device.vehicle_picked.connect(self._on_vehicle_picked)
        for level in ("model", "variant"):
            # Picked by the user only (not while loading): the model's list price.
            self.branding.levels[level].textActivated.connect(lambda _t: self.propose_revenue())
        self.stage_bar.moved.connect(self.refresh_process)
        self.timeline.changed.connect(self._after_told)
        self.close_won_button.clicked.connect(self.close_as_won)
        self.close_lost_button.clicked.connect(self.close_as_lost)
        self.reopen_button.clicked.connect(self.reopen)
        self.take_button.clicked.connect(self.take)
        self.tabs.currentChanged.connect(self._on_tab_shown)

        self._align_labels()
        self._set_tab_order()
        self._open()
        self._fit_to_screen()

    # The tabs

    def _add_tab(self, page: QWidget, title: str) -> int:
        """Add a tab whose page follows the opportunity shown (see OpportunityTab)."""
        self.tab_pages.append(page)  # type: ignore[arg-type]
        return self.tabs.addTab(page, title)

    def document_pages(self) -> list[OpportunityTab]:
        """The tabs other than the contacts, the timeline and the history."""
        fixed = (self.contacts_tab, self.timeline, self.history_tab)
        return [page for page in self.tab_pages if page not in fixed]

    def _add_document_tabs(self) -> None:
        """The place for the quotes and documents tab, between the timeline and the history.
        A page added here with `_add_tab` is told the opportunity and whether it is
        read-only; one that changes the opportunity (a quote moves its stage) announces the
        change itself and connects its signal to `_after_told`."""
        self.quotes_tab = QuotesTab()
        self.quotes_tab.changed.connect(self._after_told)
        self._add_tab(self.quotes_tab, _("&Quotes and documents"))

    # Loading

    def _open(self) -> None:
        """One service call: the record with everything its form shows."""
        try:
            form = opportunities.open_form(self.opportunity_id, self.current_user_id)
        except NotFound as exc:
            form = opportunities.open_form(None, self.current_user_id)
            self._load(form)
            self.set_read_only(True)
            self.banner.setText(str(exc))
            self.banner.show()
            return
        self._load(form)

    def _load(self, form: OpportunityForm, focus: bool = True, all_tabs: bool = False) -> None:
        """Show `form`: the record, and its choices unless it comes without (a save's
        answer: the choices read when the form opened stay)."""
        data = form.record
        if form.choices is not None:
            self.choices = form.choices
        assert self.choices is not None, "the form opens with its choices"
        # Fields the form does not show (the kind, the lead it came from) go back unchanged.
        self._loaded = OpportunityInput(
            **{f.name: getattr(data, f.name) for f in fields(OpportunityInput)}
        )
        self.version = data.version
        self.status = data.status
        self.device.opportunity_id = self.opportunity_id
        self.show_messages({}, {})
        self.opportunity.load(form, self.choices)
        self.branding.load(data, form.choices)
        self.device.load(data, form.vehicle)  # says at the field what stands against it
        self.assignment.load(data, self.choices, prefill_single=self.opportunity_id is None)
        closed = self.status != Status.OPEN.value
        self._show_process(form, all_tabs)
        if form.access is not None or form.is_new:
            self.access = form.access
        if form.salespeople is not None or form.is_new:
            self._salespeople = sorted(form.salespeople or [])
        self.assignment.show_salespeople(self.choices, self._salespeople)
        refusal = self.access.edit_refusal if self.access is not None else None
        self.set_read_only(closed or refusal is not None)
        if closed:
            summary = data.closing_summary
            self.banner.setText(
                (summary + "\n" if summary else "") + _(_CLOSED_MESSAGES[self.status])
            )
        elif refusal is not None:
            self.banner.setText(refusal)
        held = not closed and data.owner_id is None and self.opportunity_id is not None
        if held and refusal is None:
            team = next((t.label for t in self.choices.teams if t.id == data.team_id), "")
            self.banner.setText(
                _("{team} holds this; nobody has taken it yet.").format(team=team)
                if team
                else _("Nobody has taken this yet.")
            )
        self.banner.setVisible(closed or refusal is not None or held)
        self._apply_access(closed)
        self._update_title()
        self.take_baseline()
        if not focus:
            return
        if closed:
            self.close_button.setFocus()
        else:
            self.opportunity.topic.setFocus()

    def _show_process(self, form: OpportunityForm, all_tabs: bool = False) -> None:
        """The stage bar and the tabs follow the record as saved; none of it before the
        first save. The stage bar and the contacts show what came with the record; the
        other tabs read the record when they are first shown (all at once with
        `all_tabs`, or for a record just saved the first time)."""
        saved_id = None if form.is_new else form.record.id
        self.process_row.setVisible(saved_id is not None)
        self.stage_bar.display(saved_id, form.overview, form.visits or [])
        self.contacts_tab.display(
            saved_id, form.record.account_id, form.further_contacts, form.contacts
        )
        if form.reach is not None or saved_id is None:
            self.reach.set_lines(form.reach or [])
            self.reach.setVisible(saved_id is not None)
        to_read: list[OpportunityTab] = self.document_pages()
        if form.visits is not None and form.close_dates is not None and form.timeline is not None:
            self._unread.discard(self.history_tab)
            self.history_tab.display(saved_id, form.visits, form.close_dates)
            if saved_id is not None:
                self._told_timeline = (saved_id, form.timeline)
            self._unread.discard(self.timeline)
            self.timeline.set_opportunity(saved_id)
        elif form.history_changed or all_tabs or saved_id is None:
            # A save that moved the stage or the close date: both tabs tell of it.
            to_read += [self.timeline, self.history_tab]
        for page in to_read:
            if all_tabs or saved_id is None or page is self.tabs.currentWidget():
                self._unread.discard(page)
                page.set_opportunity(saved_id)
            else:
                self._point(page, saved_id)
                self._unread.add(page)
        self.tabs.setEnabled(saved_id is not None)
        self.tabs_hint.setVisible(saved_id is None)

    def _timeline_entries(self, opportunity_id: int) -> list[TimelineEntry]:
        told, self._told_timeline = self._told_timeline, None
        if told is not None and told[0] == opportunity_id:
            return told[1]
        return activities.timeline(opportunity_id)

    def _point(self, page: OpportunityTab, opportunity_id: int | None) -> None:
        """Tell a tab not in front which opportunity it belongs to, without reading it:
        its buttons act on that one, and it reads it when it is shown."""
        if isinstance(page, TimelineWidget):
            page.record_id = opportunity_id
        elif isinstance(page, HistoryTab | DemandTab):
            page.point_at(opportunity_id)
        else:
            page.opportunity_id = opportunity_id  # type: ignore[attr-defined]

    def _on_tab_shown(self, index: int) -> None:
        page = self.tabs.widget(index)
        if page in self._unread:
            self._unread.discard(page)  # type: ignore[arg-type]
            page.set_opportunity(self.opportunity_id)  # type: ignore[union-attr]

    def refresh_process(self, announce: bool = True) -> None:
        """After a stage move, an activity, a close or a reopening saved from the form: show
        the record again. Values typed and not saved yet stay; the stage, its probability
        and the version come from the record, so the next save goes through. With
        `announce`, the lists showing it hear of the change (not when whoever changed it
        has told them already)."""
        if self.opportunity_id is None:
            return
        try:
            form = opportunities.reread(self.opportunity_id)
        except NotFound as exc:
            self.say(str(exc), error=True)
            return
        if not self.is_modified() or form.record.status != Status.OPEN.value:
            self._load(form, focus=False, all_tabs=True)
        else:
            self._take_process_state(form)
        if announce:
            record_changes().announce(OPPORTUNITY, self.opportunity_id)
        self.changed.emit(self.opportunity_id)

    def _take_process_state(self, form: OpportunityForm) -> None:
        detail = form.record
        self.version = detail.version
        self._loaded.stage_id = detail.stage_id
        self._loaded.probability = detail.probability
        self.opportunity.follow_stage(form)
        self.opportunity.follow_revenue(detail)
        self.stage_bar.display(self.opportunity_id, form.overview, form.visits or [])
        for page in self.tab_pages:
            self._unread.discard(page)
            page.set_opportunity(self.opportunity_id)

    def reload(self) -> None:
        """Show the saved record again, dropping what was typed since."""
        if self.opportunity_id is not None:
            self._load(opportunities.reread(self.opportunity_id))

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        for section in self.sections:
            section.set_read_only(read_only)
        self.save_button.setVisible(not read_only)
        self.save_close_button.setVisible(not read_only)
        self.save_shortcut.setEnabled(not read_only)
        self.stage_bar.set_read_only(read_only)
        for page in self.tab_pages:
            page.set_read_only(read_only)
        is_open = self.status == Status.OPEN.value
        self.close_won_button.setEnabled(is_open and not read_only)
        self.close_lost_button.setEnabled(is_open and not read_only)
        self.reopen_button.setEnabled(not is_open)
        show_read_only_look(self.scroll_area)
        self._apply_access(not is_open)

    def _apply_access(self, closed: bool) -> None:
        """Who sells it (owner, team, further salespeople) is changed by a manager; the
        others see those fields disabled, saying why. "Take it" for a sale their team holds
        untaken."""
        if self.opportunity_id is None:
            reason = (
                None
                if access.has_right(Right.MANAGE_SALES)
                else access.missing_right_message(Right.MANAGE_SALES)
            )
        else:
            reason = self.access.manage_refusal if self.access is not None else None
        if not self.read_only:
            allow(self.opportunity.owner, reason)
        self.assignment.allow_who_sells(reason)
        self.take_button.setVisible(self.access is not None and self.access.takeable and not closed)

    def _update_title(self) -> None:
        if self.opportunity_id is None:
            self.setWindowTitle(_("New opportunity"))
        else:
            topic = self.opportunity.topic.text().strip()
            self.setWindowTitle(
                _("Opportunity #{number} — {topic}").format(number=self.opportunity_id, topic=topic)
            )

    def _align_labels(self) -> None:
        # One label column for the sections on the right, so their fields line up.
        labels = [
            label
            for section in (self.branding, self.device, self.assignment)
            for box in section.boxes.values()
            if isinstance(label := section.form.labelForField(box), QLabel)
        ]
        width = max(label.sizeHint().width() for label in labels)
        for label in labels:
            label.setMinimumWidth(width)

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = []
        for section in self.sections:
            chain.extend(section.focus_order())
        chain.extend([self.tabs, self.save_button, self.save_close_button, self.close_button])
        set_tab_chain(chain)

    def _arrange_sections(self, two_columns: bool) -> None:
        """Two columns of sections (the sale on the left; what is sold and where on the
        right) where the screen is wide enough, else one."""
        left, right = self.section_columns
        for column in self.section_columns:
            while column.count():
                column.takeAt(0)  # the sections stay; their places are made anew
        left.addWidget(self.opportunity)
        for section in (self.branding, self.device, self.assignment):
            (right if two_columns else left).addWidget(section)
        for column in self.section_columns:
            column.addStretch(1)
        content = self.scroll_area.widget()
        content.layout().invalidate()
        content.layout().activate()
        scroll_bar = self.scroll_area.verticalScrollBar().sizeHint().width()
        self.scroll_area.setMinimumWidth(content.minimumSizeHint().width() + scroll_bar)

    def _fit_to_screen(self) -> None:
        """A wide screen shows the two columns of sections and the tabs side by side; a
        laptop's (1366 x 768) shows them as two pages, the sections' fields closer
        together so that the everyday ones need no scrolling; a small one puts the tabs
        below one column of sections."""
        screen = self.screen()
        room = screen.availableGeometry().width() - 20 if screen is not None else 1900
        side_by_side = (
            self.scroll_area.minimumWidth() + self.tabs_panel.minimumSizeHint().width() + 12
        )
        if room >= side_by_side:
            width, _height = fit_to_screen(self, 1880, 1000)
            self.splitter.setOrientation(HORIZONTAL)
            sections = max(self.scroll_area.minimumWidth(), SECTIONS_WIDTH)
            self.splitter.setSizes([sections, width - sections])
            self.tabs_layout.setContentsMargins(6, 0, 0, 0)
        elif room >= SIDE_BY_SIDE_WIDTH:
            fit_to_screen(self, 1880, 1000)
            for section in self.sections:
                section.form.setVerticalSpacing(3)
            self.pages = QTabWidget()
            self.pages.setDocumentMode(True)
            self.pages.addTab(self.scroll_area, _("&Details"))
            self.pages.addTab(self.tabs_panel, _("Contacts, demand, timeline, &quotes and history"))
            self.layout().replaceWidget(self.splitter, self.pages)
            self.splitter.hide()
            self.tabs_layout.setContentsMargins(0, 6, 0, 0)
            # A tab chosen from the code (or by its key) brings its page to the front.
            self.tabs.currentChanged.connect(lambda _index: self.show_tabs_page())
        else:
            self._arrange_sections(two_columns=False)
            _width, height = fit_to_screen(self, 1340, 900)
            # A small screen: the tabs below the sections, each half the height.
            self.splitter.setOrientation(VERTICAL)
            self.splitter.setSizes([height // 2, height // 2])
            self.tabs_layout.setContentsMargins(0, 6, 0, 0)

    def show_tabs_page(self) -> None:
        if self.pages is not None:
            self.pages.setCurrentWidget(self.tabs_panel)

    # Reading and saving

    def input(self) -> tuple[OpportunityInput, dict[str, str]]:
        """What the form holds, and what is wrong with it before the service is asked."""
        self.device.settle()
        data = replace(self._loaded)
        errors: dict[str, str] = {}
        for section in self.sections:
            section.fill(data, errors)
        return data, errors

    def state(self) -> tuple[Any, ...]:
        return tuple(section.state() for section in self.sections)

    def write(self) -> OpportunityForm | None:
        data, errors = self.input()
        if errors:
            # Ask the service too, so every field to fix is shown at once.
            try:
                warnings = opportunities.validate(replace(data), self.opportunity_id)
            except ValidationError as exc:
                raise ValidationError({**exc.errors, **errors}, exc.warnings) from None
            raise ValidationError(errors, warnings)
        if not self._far_close_date_confirmed(data):
            return None
        reason: str | None = None
        if (
            self.opportunity_id is None
            and data.account_id is not None
            and not self._second_sale_asked
        ):
            sales = opportunities.open_sales(data.account_id)
            if sales:
                # What would refuse the save is said first; then the question.
                opportunities.validate(replace(data), None)
                choice, other_id, reason = second_sale_dialog.ask(OpenSalesExist(sales), self)
                if choice is not SecondSaleChoice.GO_ON:
                    self._turn_to(choice, other_id)
                    return None
        self._written = data
        chosen = sorted(self.assignment.salespeople_ids())
        answer = opportunities.save(
            self.opportunity_id,
            data,
            self.version,
            second_reason=reason,
            salespeople=chosen if chosen != self._salespeople else None,  # None: as they are
        )
        self._salespeople = [u for u in chosen if u != answer.record.owner_id]
        return answer

    def take(self) -> bool:
        """The signed-in salesperson takes the sale their team holds: they own it now (in
        its History). What was typed and not saved stays in the fields."""
        if self.opportunity_id is None:
            return False
        try:
            record_rights.take(record_rights.OPPORTUNITY, self.opportunity_id)
        except (NotAllowed, NotFound) as exc:
            self.say(str(exc), error=True)
            return False
        form = opportunities.open_form(self.opportunity_id, self.current_user_id)
        if self.is_modified():
            self.access = form.access
            self._take_process_state(form)
            self._loaded.owner_id = form.record.owner_id
            self.opportunity.owner.set_current_id(form.record.owner_id)
            self._apply_access(False)
        else:
            self._load(form, focus=False)
        self.say(_("You have taken it: it is yours now."))
        record_changes().announce(OPPORTUNITY, self.opportunity_id)
        self.changed.emit(self.opportunity_id)
        return True

    def _turn_to(self, choice: SecondSaleChoice, other_id: int | None) -> None:
        """The customer's open opportunity rather than a new one: open it or log what
        happened on it; this form stays as typed."""
        if other_id is None or choice is SecondSaleChoice.CANCEL:
            self.say(_("Not saved: the customer has an open opportunity."), error=True)
            return
        if choice is SecondSaleChoice.OPEN_IT:
            self.open_other.emit(other_id)
        else:
            dialog = ActivityDialog(None, self.current_user_id, self, opportunity_id=other_id)
            dialog.setAttribute(DELETE_ON_CLOSE)
            dialog.open()
        self.say(
            _("Not saved: the customer's open opportunity #{number} is used instead.").format(
                number=other_id
            )
        )

    def _far_close_date_confirmed(self, data: OpportunityInput) -> bool:
        """A close date more than five years ahead is asked about before it is saved: it
        is most often a slip of the keyboard."""
        changed = self.opportunity_id is None or data.est_close_date != self._loaded.est_close_date
        if not changed or far_ahead_confirmed(self, data.est_close_date, self.windowTitle()):
            return True
        self.say(_("Not saved: check the est. close date."), error=True)
        self.opportunity.close_date.setFocus()
        return False

    def show_saved(self, form: OpportunityForm) -> None:
        detail = form.record
        self.opportunity_id = detail.id
        self._load(form)
        self.show_messages({}, detail.warnings)
        self.say(_("Saved at {time}.").format(time=format_clock(datetime.now())))
        record_changes().announce(OPPORTUNITY, detail.id)
        self.saved.emit(detail.id)

    def compare(self) -> Conflict:
        assert self.opportunity_id is not None
        return opportunity_conflicts.conflict(self.opportunity_id, self._loaded, self._written)

    def write_over(self, conflict: Conflict) -> OpportunityForm:
        assert self.opportunity_id is not None
        return opportunity_conflicts.save_over_form(
            self.opportunity_id, self._loaded, self._written, conflict.version
        )

    def reveal(self, box: FieldBox) -> None:
        if self.pages is not None:
            self.pages.setCurrentWidget(self.scroll_area)
        self.scroll_area.ensureWidgetVisible(box, 0, 40)

    def close_question(self) -> str:
        topic = self.opportunity.topic.text().strip()
        if not topic:
            return _("Save the changes to this new opportunity before closing?")
        return _("Save the changes to “{topic}” before closing?").format(topic=topic)

    def on_gone(self, message: str) -> bool:
        answer = QMessageBox.question(
            self,
            _("Opportunity removed"),
            _("{reason} Save what is in the form as a new opportunity?").format(reason=message),
            YES | NO,
            YES,
        )
        if answer != YES:
            self.say(_("Not saved: {reason}").format(reason=message), error=True)
            return False
        self.opportunity_id = None
        self.version = 0
        self.device.opportunity_id = None
        # The sale is saved again as it was, not opened beside the customer's others.
        self._second_sale_asked = True
        try:
            return self.save()
        finally:
            self._second_sale_asked = False

    def _on_vehicle_picked(self, choice: VehicleChoice | None) -> None:
        if choice is not None:
            self.branding.fill_empty_from(choice)
            self.propose_revenue()

    def propose_revenue(self) -> None:
        """No revenue typed and no quote to follow: the stock vehicle's list price, else
        the model's in the catalogue, stands in as the estimate until a quote sets it."""
        section = self.opportunity
        if self.read_only or section._revenue_from or section.revenue.text().strip():
            return
        data, _errors = self.input()
        proposed = opportunities.proposed_revenue(data)
        if proposed is not None and proposed[1] == section.revenue.currency:
            section.revenue.set_amount(proposed[0])

    # Closing and reopening the sale

    def close_as_won(self) -> CloseWonDialog | None:
        if not self._saved_before(
            _("Save the changes to this opportunity before closing it as won?")
        ):
            return None
        assert self.opportunity_id is not None
        dialog = CloseWonDialog(self.opportunity_id, self)
        dialog.closed.connect(self._after_close)
        self._show_close_dialog(dialog)
        return dialog

    def close_as_lost(self) -> CloseLostDialog | None:
        if not self._saved_before(
            _("Save the changes to this opportunity before closing it as lost?")
        ):
            return None
        assert self.opportunity_id is not None
        dialog = CloseLostDialog([self.opportunity_id], self)
        dialog.closed.connect(self._after_close)
        self._show_close_dialog(dialog)
        return dialog

    def reopen(self) -> bool:
        """Ask, then reopen; the form becomes editable again. True when reopened."""
        if self.opportunity_id is None or self.status == Status.OPEN.value:
            return False
        if not reopen(self, self.opportunity_id):
            return False
        self.refresh_process()
        self.say(_("Reopened: it can be changed again."))
        return True

    def _saved_before(self, question: str) -> bool:
        """Whether the form holds nothing unsaved, after asking to save or drop it."""
        if self.opportunity_id is None or self.status != Status.OPEN.value or self.read_only:
            return False
        if not self.is_modified():
            return True
        answer = ask_to_save(self, question)
        if answer == SAVE:
            return self.save()
        if answer == DISCARD:
            self.reload()
            return True
        return False

    def _show_close_dialog(self, dialog: CloseWonDialog | CloseLostDialog) -> None:
        # Bound methods only: a lambda holding the form, connected to a dialog that deletes
        # itself on close, crashes PySide when the form goes.
        dialog.setAttribute(DELETE_ON_CLOSE)
        dialog.finished.connect(self._forget_close_dialog)
        self.close_dialog = dialog
        dialog.open()

    def _after_close(self, _closed: object) -> None:
        self._after_told()

    def _after_told(self) -> None:
        """A tab or a dialog changed the sale and has told the lists (an activity, a quote,
        a close): the form shows it, and the lists are not told twice."""
        self.refresh_process(announce=False)

    def _forget_close_dialog(self, _result: int) -> None:
        self.close_dialog = None
