"""Tables over large database tables: a model that pages rows out of a service as the view
asks for them, and the view that shows it. Filtering and sorting happen in SQL, never in a
proxy (a proxy over 100,000 Python rows takes most of a second per filter)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from ui.common import user_settings
from ui.common.qt import (
    ALIGNMENT,
    ASCENDING,
    CENTER,
    DESCENDING,
    DISPLAY,
    ENTER_KEYS,
    FONT,
    FOREGROUND,
    HORIZONTAL,
    RIGHT,
    TOOLTIP,
)
from ui.common.roles import ID_ROLE, ROW_ROLE, SORT_ROLE
from ui.common.texts import ShownText, shown, tip_of

# The roles data() answers; the view asks for others (decoration, background, check state,
# size hint) for every visible cell, and those are answered before a row is looked up.
_ROW_ROLES = frozenset(
    int(r) for r in (DISPLAY, FOREGROUND, FONT, TOOLTIP, SORT_ROLE, ROW_ROLE, ID_ROLE)
)
_STYLE_ROLES = frozenset(int(r) for r in (FOREGROUND, FONT, TOOLTIP))

PAGE_SIZE = 200
# Pages kept in memory; the rest are read again when scrolled back to.
MAX_PAGES = 25


class PagedTableModel(QAbstractTableModel):
    """Shows every row of a filter without holding them: rowCount is the filter's count and
    rows are read a page at a time. Subclasses name the columns and say how to count,
    fetch and show a row; rows are dataclasses with an `id`."""

    count_changed = Signal(int)

    # (header, sort key understood by the service); the header is an N_() text, an NP_()
    # pair or a FieldLabel, translated each time it is shown (ui.common.texts).
    COLUMNS: ClassVar[tuple[tuple[ShownText, str], ...]] = ()
    RIGHT_ALIGNED: ClassVar[frozenset[int]] = frozenset()
    CENTERED: ClassVar[frozenset[int]] = frozenset()

    def __init__(self, initial_filter: Any, sort_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filter = initial_filter
        self._sort_key = sort_key
        self._descending = False
        self._count = 0
        self._pages: OrderedDict[int, list[Any]] = OrderedDict()
        # The page the last cell came from: a repaint asks for the same one cell after cell.
        self._last: tuple[int, list[Any]] | None = None

    # --- for subclasses ---------------------------------------------------------------
    def fetch_count(self, flt: Any) -> int:
        raise NotImplementedError

    def fetch_page(
        self, flt: Any, sort: str, descending: bool, offset: int, limit: int
    ) -> list[Any]:
        raise NotImplementedError

    def fetch_first(
        self, flt: Any, sort: str, descending: bool, limit: int
    ) -> tuple[int, list[Any]]:
        """The filter's count and its first page (what a refresh reads); a subclass whose
        service reads both at once says so here."""
        count = self.fetch_count(flt)
        return count, self.fetch_page(flt, sort, descending, 0, limit) if count else []

    def display(self, item: Any, column: int) -> str:
        raise NotImplementedError

    def raw(self, item: Any, column: int) -> Any:
        return self.display(item, column)

    def style(self, item: Any, column: int, role: int) -> Any:
        """Foreground, font and tooltip of a cell; None for the default."""
        return None

    def before_refresh(self) -> None:
        """Called inside the reset, before the count is read (e.g. to take today's date)."""

    # --- what callers use -------------------------------------------------------------
    @property
    def current_filter(self) -> Any:
        return self._filter

    def set_filter(self, flt: Any) -> None:
        self._filter = flt
        self.refresh()

    def refresh(self) -> None:
        """Read the count again and forget the cached pages (after a save, or F5)."""
        self.beginResetModel()
        self.before_refresh()
        self._pages.clear()
        self._last = None
        self._count, first = self.fetch_first(
            self._filter, self._sort_key, self._descending, PAGE_SIZE
        )
        if self._count:
            self._pages[0] = first
        self.endResetModel()
        self.count_changed.emit(self._count)

    def row_at(self, row: int) -> Any | None:
        if not 0 <= row < self._count:
            return None
        number = row // PAGE_SIZE
        last = self._last
        if last is not None and last[0] == number:
            page = last[1]
        else:
            page = self._page(number)
            self._last = (number, page)
        offset = row % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def row_of(self, record_id: int) -> int | None:
        """The row of a record among the pages already read, if it is there."""
        for number, rows in self._pages.items():
            for offset, item in enumerate(rows):
                if item.id == record_id:
                    return number * PAGE_SIZE + offset
        return None

    def cached_pages(self) -> int:
        return len(self._pages)

    def _page(self, number: int) -> list[Any]:
        page = self._pages.get(number)
        if page is None:
            page = self.fetch_page(
                self._filter, self._sort_key, self._descending, number * PAGE_SIZE, PAGE_SIZE
            )
            self._pages[number] = page
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page

    # --- Qt overrides -----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation != HORIZONTAL or not 0 <= section < len(self.COLUMNS):
            return None
        header = self.COLUMNS[section][0]
        if role == DISPLAY:
            return shown(header)
        if role == ALIGNMENT and section in self.RIGHT_ALIGNED:
            return RIGHT
        if role == TOOLTIP:
            return tip_of(header) or None
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if role == ALIGNMENT:
            if not index.isValid():
                return None
            column = index.column()
            if column in self.RIGHT_ALIGNED:
                return RIGHT
            return CENTER if column in self.CENTERED else None
        if role not in _ROW_ROLES or not index.isValid():
            return None
        item = self.row_at(index.row())
        if item is None:
            return None
        column = index.column()
        if role == DISPLAY:
            return self.display(item, column)
        if role == SORT_ROLE:
            return self.raw(item, column)
        if role == ROW_ROLE:
            return item
        if role == ID_ROLE:
            return item.id
        if role in _STYLE_ROLES:
            return self.style(item, column, role)
        return None

    def sort_state(self) -> tuple[int, bool]:
        """The column the rows are sorted by (-1 when none shows it) and whether descending."""
        column = next((i for i, c in enumerate(self.COLUMNS) if c[1] == self._sort_key), -1)
        return column, self._descending

    def set_sort_quietly(self, column: int, descending: bool) -> None:
        """Take a sort order (restored from the user's settings) before the first read."""
        if 0 <= column < len(self.COLUMNS):
            self._sort_key = self.COLUMNS[column][1]
            self._descending = descending

    def sort(self, column: int, order: Qt.SortOrder = ASCENDING) -> None:
        if not 0 <= column < len(self.COLUMNS):
            return
        self._sort_key = self.COLUMNS[column][1]
        self._descending = order != ASCENDING
        self.refresh()


class RecordTableView(QTableView):
    """A list of records: whole-row selection, sortable headers, Enter or a double click
    opens the row."""

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
        self.horizontalHeader().setStretchLastSection(True)
        # The scroll bar stays when a filter leaves a screenful or less: coming and going,
        # it narrowed the rows after they were painted, and they were painted again.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.doubleClicked.connect(self._open_index)
        # The column chooser: a right click on the header shows and hides columns.
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self._settings_key = ""

    def column_menu(self) -> QMenu:
        """A checkable entry per column; the last shown one cannot be hidden."""
        menu = QMenu(self)
        model = self.model()
        header = self.horizontalHeader()
        if model is None:
            return menu
        shown_count = sum(not header.isSectionHidden(c) for c in range(model.columnCount()))
        for column in range(model.columnCount()):
            action = menu.addAction(str(model.headerData(column, HORIZONTAL, DISPLAY) or ""))
            action.setCheckable(True)
            visible = not header.isSectionHidden(column)
            action.setChecked(visible)
            action.setEnabled(not (visible and shown_count == 1))
            action.toggled.connect(
                lambda on, c=column: self.set_column_shown(c, on)  # type: ignore[misc]
            )
        return menu

    def set_column_shown(self, column: int, shown_: bool) -> None:
        self.horizontalHeader().setSectionHidden(column, not shown_)
        self.save_state()

    def _column_menu(self, position: QPoint) -> None:
        self.column_menu().exec(self.horizontalHeader().mapToGlobal(position))

    def keep_state_as(self, key: str) -> None:
        """Restore the columns (widths, order, hidden, sort) kept under `key` for this user,
        and keep them there as they change."""
        self._settings_key = key
        state = user_settings.load_bytes(f"lists/{key}/header")
        header = self.horizontalHeader()
        model = self.model()
        if state is not None and header.restoreState(state) and isinstance(model, PagedTableModel):
            model.set_sort_quietly(
                header.sortIndicatorSection(), header.sortIndicatorOrder() == DESCENDING
            )
        header.sectionResized.connect(self.save_state)
        header.sectionMoved.connect(self.save_state)
        header.sortIndicatorChanged.connect(self.save_state)

    def save_state(self, *_args: object) -> None:
        if self._settings_key:
            user_settings.save_bytes(
                f"lists/{self._settings_key}/header", self.horizontalHeader().saveState()
            )

    def setModel(self, model: QAbstractItemModel | None) -> None:  # type: ignore[override]
        super().setModel(model)
        if model is not None:
            model.modelReset.connect(self._lay_out_now)
        if isinstance(model, PagedTableModel):
            # The header shows the order the model starts in; told without its signal, the
            # view would have the model sort again before its first page.
            column, descending = model.sort_state()
            header = self.horizontalHeader()
            blocked = header.blockSignals(True)
            header.setSortIndicator(column, DESCENDING if descending else ASCENDING)
            header.blockSignals(blocked)

    def _lay_out_now(self) -> None:
        # A reset leaves the rows' layout (the scroll bar's range) for a timer, which ran
        # after the first repaint and repainted the rows again: laid out at once, a filter
        # repaints its rows once.
        self.executeDelayedItemsLayout()

    def set_column_widths(self, widths: tuple[int, ...]) -> None:
        """The columns' widths at first, each at least as wide as its header needs: a
        header is longer in some languages ("Vorauss. Abschluss" for "Est. close")."""
        header = self.horizontalHeader()
        for column, width in enumerate(widths):
            needed = header.sectionSizeFromContents(column).width()
            header.resizeSection(column, max(width, needed))

    def selected_ids(self) -> list[int]:
        return [int(i.data(ID_ROLE)) for i in self.selectionModel().selectedRows()]

    def current_id(self) -> int | None:
        index = self.currentIndex()
        return int(index.data(ID_ROLE)) if index.isValid() else None

    def select_record(self, record_id: int) -> None:
        model = self.model()
        if isinstance(model, PagedTableModel):
            row = model.row_of(record_id)
            if row is not None:
                self.selectRow(row)
                self.scrollTo(model.index(row, 0))

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(int(index.data(ID_ROLE)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in ENTER_KEYS:
            self._open_index(self.currentIndex())
            return
        super().keyPressEvent(event)


class ListPage(QWidget):
    """A tab of the main window: filters above a RecordTableView over a PagedTableModel."""

    open_requested = Signal(int)
    count_changed = Signal(str)  # "1,234 opportunities", in the screen's language

    model: PagedTableModel
    table: RecordTableView

    def refresh(self) -> None:
        self.model.refresh()

    def focus_search(self) -> None:
        raise NotImplementedError
