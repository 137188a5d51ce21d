"""The main window: the opportunity list with its filters, and the way into every form."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.services import workspace
from app.services.workspace import UserInfo
from ui.opportunity_list import (
    COL_CLOSE_DATE,
    COL_TOPIC,
    COLUMNS,
    ID_ROLE,
    OpportunityFilterBar,
    OpportunityTableModel,
)

_COLUMN_WIDTHS = (260, 190, 90, 60, 130, 90, 140, 170, 150, 70)


def _action(text: str, parent: QWidget, shortcut: QKeySequence.StandardKey) -> QAction:
    action = QAction(text, parent)
    action.setShortcut(QKeySequence(shortcut))
    return action


class OpportunityTableView(QTableView):
    """The list itself: whole-row selection, sortable headers, Enter opens the row."""

    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setSortingEnabled(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(24)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setHighlightSections(False)
        self.doubleClicked.connect(self._open_index)

    def selected_ids(self) -> list[int]:
        return [int(i.data(ID_ROLE)) for i in self.selectionModel().selectedRows()]

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(int(index.data(ID_ROLE)))

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._open_index(self.currentIndex())
            return
        super().keyPressEvent(event)


class MainWindow(QMainWindow):
    def __init__(self, user: UserInfo, database_path: Path) -> None:
        super().__init__()
        self.user = user
        self.setWindowTitle(f"Showroom — {user.full_name}")
        self.resize(1400, 820)

        self.filter_bar = OpportunityFilterBar(user.id)
        self.model = OpportunityTableModel(self)
        self.table = OpportunityTableView()
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        for column, width in enumerate(_COLUMN_WIDTHS[: len(COLUMNS)]):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setSortIndicator(COL_CLOSE_DATE, Qt.SortOrder.AscendingOrder)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.table, 1)
        self.setCentralWidget(central)

        self.count_label = QLabel()
        self.statusBar().addWidget(self.count_label, 1)
        where = QLabel(f"{user.full_name} ({user.role.replace('_', ' ')}) · {database_path}")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addPermanentWidget(where)

        self._build_actions()
        self.filter_bar.filter_changed.connect(self.model.set_filter)
        self.model.count_changed.connect(self._show_count)
        self.table.open_requested.connect(self.open_opportunity)
        self.model.set_filter(self.filter_bar.current_filter())
        self.filter_bar.search.setFocus()

    def _build_actions(self) -> None:
        self.new_action = _action("&New opportunity…", self, QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(lambda: self.open_opportunity(None))
        self.open_action = QAction("&Open", self)
        self.open_action.triggered.connect(self._open_current)
        self.refresh_action = _action("&Refresh", self, QKeySequence.StandardKey.Refresh)
        self.refresh_action.triggered.connect(self.refresh)
        self.find_action = _action("&Find", self, QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self._focus_search)
        self.demo_action = QAction("Load &demo data", self)
        self.demo_action.triggered.connect(self.load_demo_data)
        self.demo_action.setEnabled(not workspace.has_opportunities())
        quit_action = _action("&Quit", self, QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.demo_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        sales_menu = self.menuBar().addMenu("&Sales")
        for action in (self.new_action, self.open_action, self.refresh_action, self.find_action):
            sales_menu.addAction(action)

        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.new_action)
        toolbar.addAction(self.open_action)
        toolbar.addAction(self.refresh_action)
        self.addToolBar(toolbar)

    def refresh(self) -> None:
        self.filter_bar.reload_choices()
        self.model.refresh()

    def _focus_search(self) -> None:
        self.filter_bar.search.setFocus()
        self.filter_bar.search.selectAll()

    def _show_count(self, count: int) -> None:
        noun = "opportunity" if count == 1 else "opportunities"
        self.count_label.setText(f"{count:,} {noun}")

    def _open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.open_opportunity(int(index.data(ID_ROLE)))

    def open_opportunity(self, opportunity_id: int | None) -> None:
        from ui.opportunity_form import OpportunityDialog

        dialog = OpportunityDialog(opportunity_id, self.user.id, self)
        dialog.saved.connect(self._after_save)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _after_save(self, opportunity_id: int) -> None:
        self.model.refresh()
        row = self.model.row_of(opportunity_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, COL_TOPIC))

    def load_demo_data(self) -> None:
        from app.services import demo

        if workspace.has_opportunities():
            QMessageBox.information(
                self,
                "Demo data",
                "This database already holds opportunities; demo data goes only into an empty one.",
            )
            return
        summary = demo.load_demo()
        self.demo_action.setEnabled(False)
        self.refresh()
        QMessageBox.information(self, "Demo data", f"Loaded the demo dealership: {summary}.")
