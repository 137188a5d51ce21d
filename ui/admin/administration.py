"""The Administration: what is still missing (each with a button that goes there), the
master data's lists, and the ways into the settings (currency and VAT rates, quotes and
documents, the sales process) and the first-run assistant. Everyone may look; those with
the right to set up the dealership change it."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.services import master_data, setup
from ui.admin.first_run import FirstRunAssistant, run_first_run_assistant
from ui.admin.master_form import MasterRecordDialog
from ui.admin.master_lists import (
    BUSINESSES,
    CATALOGUE,
    FACILITIES,
    SECTIONS,
    STOCK,
    MasterListPage,
    make_page,
)
from ui.admin.process_editor import ProcessEditorDialog
from ui.admin.stage_setup_dialog import StageSetupDialog
from ui.common.qt import CLOSE_BUTTON
from ui.quotes.document_settings_dialog import DocumentSettingsDialog

D = TypeVar("D", bound=QDialog)

# Where each missing thing is added: a list of the Administration, else a step of the
# assistant.
_SECTION_OF_STEP = {"facilities": FACILITIES, "catalogue": CATALOGUE, "stock": STOCK}


class AdministrationDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Administration"))
        self.resize(1180, 720)
        self.missing_frame = QFrame()
        self.missing_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.missing_grid = QGridLayout(self.missing_frame)
        self.sections = QListWidget()
        self.sections.setFixedWidth(220)
        self.stack = QStackedWidget()
        self.pages: dict[str, MasterListPage] = {}
        for section in SECTIONS:
            self.sections.addItem(_(section.title))
            self.stack.addWidget(QWidget())  # the page is built when first shown
        self.sections.currentRowChanged.connect(self.show_section)

        self.dealership_button = QPushButton(_("The &dealership…"))
        self.money_button = QPushButton(_("Currency and &VAT rates…"))
        self.documents_button = QPushButton(_("&Quotes and documents…"))
        self.process_button = QPushButton(_("Sales &process…"))
        self.own_process_button = QPushButton(_("Processes of &our own…"))
        self.assistant_button = QPushButton(_("First-run &assistant…"))
        self.dealership_button.clicked.connect(self.open_dealership)
        self.money_button.clicked.connect(lambda: self.open_step("money"))
        self.documents_button.clicked.connect(self.open_documents)
        self.process_button.clicked.connect(self.open_process)
        self.own_process_button.clicked.connect(self.open_own_processes)
        self.assistant_button.clicked.connect(lambda: self.open_step("welcome"))
        left = QVBoxLayout()
        left.addWidget(self.sections, 1)
        for button in (
            self.dealership_button,
            self.money_button,
            self.documents_button,
            self.process_button,
            self.own_process_button,
            self.assistant_button,
        ):
            left.addWidget(button)
        middle = QHBoxLayout()
        middle.addLayout(left)
        middle.addWidget(self.stack, 1)
        buttons = QDialogButtonBox(CLOSE_BUTTON)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.missing_frame)
        layout.addLayout(middle, 1)
        layout.addWidget(buttons)
        if not master_data.may_change():
            for button in (self.dealership_button, self.money_button, self.assistant_button):
                button.setToolTip(master_data.refusal())
            self.money_button.setEnabled(False)
            self.assistant_button.setEnabled(False)
        self.dialog: QDialog | None = None
        self.show_missing()
        self.sections.setCurrentRow(0)

    # What is missing

    def show_missing(self) -> None:
        while self.missing_grid.count():
            item = self.missing_grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        missing = setup.missing()
        self.missing_frame.setVisible(bool(missing))
        title = QLabel(_("Still missing"))
        title.setStyleSheet("font-weight: bold;")
        self.missing_grid.addWidget(title, 0, 0, 1, 2)
        for row, thing in enumerate(missing, 1):
            text = QLabel(thing.message)
            text.setWordWrap(True)
            go = QPushButton(_("Go there"))
            go.setProperty("step", thing.step)
            go.clicked.connect(lambda _c=False, step=thing.step: self.go_to(step))
            self.missing_grid.addWidget(text, row, 0)
            self.missing_grid.addWidget(go, row, 1)
        self.missing_grid.setColumnStretch(0, 1)

    def go_to(self, step: str) -> QWidget | None:
        """Open where `step` (a step of setup.STEPS, or "catalogue", "stock") is added."""
        if step in _SECTION_OF_STEP:
            return self.show_section(SECTIONS.index(_SECTION_OF_STEP[step]))
        if step == "dealership":
            return self.open_dealership()
        if step == "documents":
            return self.open_documents()
        if step == "process":
            return self.open_process()
        return self.open_step(step)

    # The lists

    def show_section(self, row: int) -> MasterListPage:
        section = SECTIONS[row]
        if section.key not in self.pages:
            page = make_page(section)
            page.changed.connect(self.show_missing)
            old = self.stack.widget(row)
            assert old is not None
            self.stack.insertWidget(row, page)
            self.stack.removeWidget(old)
            old.deleteLater()
            self.pages[section.key] = page
        self.sections.setCurrentRow(row)
        self.stack.setCurrentIndex(row)
        return self.pages[section.key]

    def page(self, key: str) -> MasterListPage:
        return self.show_section(next(i for i, s in enumerate(SECTIONS) if s.key == key))

    # The settings

    def open_dealership(self) -> MasterRecordDialog:
        record = setup.dealership()
        title = (
            _("The dealership")
            if record.id is None
            else _("The dealership: {name}").format(name=record.name)
        )
        dialog = MasterRecordDialog(title, "business", BUSINESSES.fields, record, self)
        dialog.saved.connect(lambda _r: self._after_change())
        return self._show(dialog)

    def open_documents(self) -> DocumentSettingsDialog:
        return self._show(DocumentSettingsDialog(self))

    def open_process(self) -> StageSetupDialog:
        return self._show(StageSetupDialog(self))

    def open_own_processes(self) -> ProcessEditorDialog:
        return self._show(ProcessEditorDialog(self))

    def open_step(self, step: str) -> FirstRunAssistant:
        assistant = run_first_run_assistant(self, start=step)
        assistant.finished.connect(lambda _r: self._after_change())
        self.dialog = assistant
        return assistant

    def _show(self, dialog: D) -> D:
        dialog.finished.connect(lambda _r: self._after_change())
        dialog.open()  # modal to this window only, not to the whole program
        self.dialog = dialog
        return dialog

    def _after_change(self) -> None:
        self.show_missing()
        for page in self.pages.values():
            page.refresh()
