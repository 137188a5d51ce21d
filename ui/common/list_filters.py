"""The filter widgets every list shares: the search box, the filter combos, the notice of an
empty result, and the page that sets them above a list."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyleOptionComboBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.text import SEARCH_MAX_LENGTH
from app.i18n import _
from ui.common.record_table import ListPage, PagedTableModel, RecordTableView

# Long enough that a fast typist's burst is one query, short enough to feel immediate.
SEARCH_DELAY_MS = 120


class SearchBox(QLineEdit):
    """A line edit that emits `search_changed` once typing pauses (or on Enter). It asks
    for the room to show its hint whole, and takes less on a narrow screen."""

    search_changed = Signal(str)

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.setMaxLength(SEARCH_MAX_LENGTH)
        self.setMinimumWidth(260)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.emit_now)
        self.textChanged.connect(self._timer.start)
        self.returnPressed.connect(self.emit_now)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        # The hint's text, the frame's margins and the clear button beside it.
        wanted = self.fontMetrics().horizontalAdvance(self.placeholderText()) + 32
        return QSize(max(hint.width(), wanted), hint.height())

    def emit_now(self) -> None:
        self._timer.stop()
        self.search_changed.emit(self.text().strip())


def fill_filter_combo(combo: QComboBox, any_label: str, items: list[tuple[Any, str]]) -> None:
    """(Re)fill a filter combo: "any" first (data None), then the items; the current choice
    stays when it is still offered."""
    keep = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(any_label, None)
    for value, label in items:
        combo.addItem(label, value)
    position = combo.findData(keep) if keep is not None else 0
    combo.setCurrentIndex(max(position, 0))
    combo.blockSignals(False)
    # A combo narrower than its entries opens its list wide enough to read them.
    widest = max(
        (combo.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count())),
        default=0,
    )
    combo.view().setMinimumWidth(widest + 40)


class EmptyNotice(QFrame):
    """Shown above an empty list when a search or filter left nothing: says so, and offers
    to clear them, so an empty table is never mistaken for an empty database."""

    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("empty-notice")
        self.setStyleSheet(
            "#empty-notice { background: #fff8e1; border: 1px solid #e0c36b; border-radius: 4px; }"
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.clear_button = QPushButton(_("Clear the search and filters"))
        self.clear_button.clicked.connect(self.clear_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.clear_button)
        self.hide()

    def show_for(self, count: int, search: str, filtered: bool) -> None:
        """Shown when nothing is listed while a search or a filter is on."""
        page = self.parentWidget()
        was_shown = page is not None and self.isVisibleTo(page)
        if count or not (search or filtered):
            self.hide()
        else:
            if search:
                text = _("Nothing matches “{search}” with these filters.").format(search=search)
            else:
                text = _("Nothing matches these filters.")
            self.label.setText(text)
            self.show()
        if page is not None and page.layout() is not None and was_shown != self.isVisibleTo(page):
            # The list below moves now, before the filter's rows are painted, rather than in
            # a later layout pass that painted them a second time.
            page.layout().activate()


# The widest a filter combo asks to be to show its choice whole, in average characters: a
# longer choice (a long facility's name) is cut rather than widen the window.
CHOICE_CHARACTERS = 24


def show_choice_whole(combo: QComboBox) -> None:
    """The combo no narrower than its current choice (up to CHOICE_CHARACTERS), as the
    choice changes: the bar's search box gives way first, so that 'Open leads' is not
    read as 'Open le'."""

    def fit() -> None:
        metrics = combo.fontMetrics()
        text = min(
            metrics.horizontalAdvance(combo.currentText()),
            metrics.averageCharWidth() * CHOICE_CHARACTERS,
        )
        option = QStyleOptionComboBox()
        combo.initStyleOption(option)
        size = combo.style().sizeFromContents(
            QStyle.ContentsType.CT_ComboBox, option, QSize(text, metrics.height()), combo
        )
        combo.setMinimumWidth(size.width())

    combo.currentIndexChanged.connect(fit)
    fit()


def add_captioned_filter(bar: QHBoxLayout, caption: str, combo: QComboBox) -> None:
    """A filter combo in the bar after its caption (the caption's mnemonic focuses it)."""
    caption_label = QLabel(caption)
    caption_label.setBuddy(combo)
    bar.addWidget(caption_label)
    bar.addWidget(combo, 1)


class SearchListPage(ListPage):
    """A list page with a bar of a search box and filter combos above the list, and the
    notice of an empty result between them. A subclass makes `search` and its combos and
    calls `set_up` with its bar and model."""

    search: SearchBox
    empty: EmptyNotice

    def set_up(
        self,
        bar: QHBoxLayout,
        model: PagedTableModel,
        column_widths: tuple[int, ...],
        state_key: str,
    ) -> None:
        """Lay the bar, the notice and the list out; any change of the search or a filter
        reads the list again. The list keeps its columns and sort as `state_key`."""
        self.model = model
        self.table = RecordTableView()
        self.table.setModel(self.model)
        self.table.set_column_widths(column_widths)
        self.table.keep_state_as(state_key)
        self.empty = EmptyNotice()
        self.empty.clear_requested.connect(self.clear_filters)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        self.search.search_changed.connect(self._apply)
        for combo in self._filter_combos():
            combo.currentIndexChanged.connect(self._apply)
        self.model.count_changed.connect(self._show_empty)
        self.model.count_changed.connect(lambda n: self.count_changed.emit(self.count_text(n)))
        self.table.open_requested.connect(self.open_requested)
        self._apply()

    def current_filter(self) -> Any:
        """The filter the search and the combos make."""
        raise NotImplementedError

    def count_text(self, count: int) -> str:
        """How many rows are listed, in the screen's language ("1,234 leads")."""
        raise NotImplementedError

    def _filter_combos(self) -> tuple[QComboBox, ...]:
        raise NotImplementedError

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def clear_filters(self) -> None:
        """The search and every filter back to where the list starts."""
        for widget in (self.search, *self._filter_combos()):
            widget.blockSignals(True)
        self.search.clear()
        for combo in self._filter_combos():
            combo.setCurrentIndex(0)
        for widget in (self.search, *self._filter_combos()):
            widget.blockSignals(False)
        self._apply()

    def _apply(self) -> None:
        self.model.set_filter(self.current_filter())

    def _show_empty(self, count: int) -> None:
        filtered = any(c.currentIndex() > 0 for c in self._filter_combos())
        self.empty.show_for(count, self.search.text().strip(), filtered)
