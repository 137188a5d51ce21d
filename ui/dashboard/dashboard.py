"""The pipeline dashboard: the open pipeline as a chart and a table, the forecast and the
funnel; a click on a bar, a row or a figure lists the opportunities behind it."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.domain import money, pipeline
from app.i18n import N_, _, ngettext
from app.services import dashboard
from app.services.dashboard import (
    Dashboard,
    Drilldown,
    ForecastRow,
    FunnelStage,
    PipelineRow,
    ReasonCount,
)
from ui.common import user_settings
from ui.common.qt import FONT, TOOLTIP
from ui.common.table_model import Column, RowTableModel
from ui.common.texts import FieldLabel, ShownText
from ui.dashboard.filter_bar import DashboardFilterBar

if TYPE_CHECKING:
    from ui.dashboard.pipeline_chart import PipelineChart


CURRENCY_NOTE = N_(
    "Amounts are shown per currency: amounts in different currencies are never added together."
)
CLICK_HINT = N_("Click to list these opportunities")

Row = TypeVar("Row")


@dataclass(frozen=True, slots=True)
class DrillColumn(Column[Row]):
    """A column of figures whose cells list the opportunities behind them when clicked."""

    drill: Callable[[Row], Drilldown | None] | None = None  # what a click on the cell lists


class SectionTableModel(RowTableModel[Row]):
    """One dashboard section's rows (service dataclasses) under its columns."""

    align_figure_headers = True

    def __init__(self, columns: Sequence[DrillColumn[Row]], parent: QWidget | None = None) -> None:
        super().__init__(parent, columns=columns)
        self._bold = QFont()
        self._bold.setBold(True)

    def drilldown(self, index: QModelIndex | QPersistentModelIndex) -> Drilldown | None:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        column = self.columns[index.column()]
        drill = getattr(column, "drill", None) or getattr(self.columns[0], "drill", None)
        return drill(self.rows[index.row()]) if drill else None

    def cell_data(self, row: Row, column: Column[Any], role: int) -> Any:
        if role == FONT:
            return self._bold if getattr(row, "total", False) else None
        if role == TOOLTIP:
            drill = getattr(column, "drill", None) or getattr(self.columns[0], "drill", None)
            return _(CLICK_HINT) if drill is not None and drill(row) is not None else None
        return None


def _amount(value: Any, currency: str) -> str:
    return money.format_amount(value, currency)


def _int(value: int) -> str:
    return i18n.current().format_number(value)


# A header naming a field is that field's label; the headers and their tips are translated
# each time they are shown (ui.common.texts).


def pipeline_columns(first: ShownText) -> list[DrillColumn[PipelineRow]]:
    return [
        DrillColumn(first, lambda r: r.label, lambda r: r.label, drill=lambda r: r.drilldown),
        DrillColumn(FieldLabel("opportunity.currency"), lambda r: r.currency, lambda r: r.currency),
        DrillColumn(N_("Count"), lambda r: _int(r.count), lambda r: r.count, figure=True),
        DrillColumn(
            FieldLabel("opportunity.est_revenue"),
            lambda r: _amount(r.est_revenue, r.currency),
            lambda r: r.est_revenue,
            figure=True,
        ),
        DrillColumn(
            N_("Weighted"),
            lambda r: _amount(r.weighted, r.currency),
            lambda r: r.weighted,
            figure=True,
        ),
    ]


FORECAST_COLUMNS: list[DrillColumn[ForecastRow]] = [
    DrillColumn(N_("Closing"), lambda r: r.label, lambda r: r.label, drill=lambda r: r.drilldown),
    DrillColumn(FieldLabel("opportunity.currency"), lambda r: r.currency, lambda r: r.currency),
    DrillColumn(N_("Count"), lambda r: _int(r.count), lambda r: r.count, figure=True),
    DrillColumn(
        FieldLabel("opportunity.est_revenue"),
        lambda r: _amount(r.est_revenue, r.currency),
        lambda r: r.est_revenue,
        figure=True,
    ),
    DrillColumn(
        N_("Weighted"), lambda r: _amount(r.weighted, r.currency), lambda r: r.weighted, figure=True
    ),
]

FUNNEL_COLUMNS: list[DrillColumn[FunnelStage]] = [
    DrillColumn(
        FieldLabel("opportunity.stage_id"),
        lambda s: s.name,
        lambda s: s.name,
        drill=lambda s: s.drilldowns["reached"],
    ),
    DrillColumn(
        N_("Reached"),
        lambda s: _int(s.reached),
        lambda s: s.reached,
        drill=lambda s: s.drilldowns["reached"],
        figure=True,
        tip=N_("Opportunities that were ever in this stage, each counted once"),
    ),
    DrillColumn(
        N_("Went on"),
        lambda s: _int(s.went_on),
        lambda s: s.went_on,
        drill=lambda s: s.drilldowns["went_on"],
        figure=True,
        tip=N_("Moved from this stage straight on to a later one (won counts, lost does not)"),
    ),
    DrillColumn(
        N_("Went on %"),
        lambda s: pipeline.format_rate(s.conversion),
        lambda s: s.conversion,
        drill=lambda s: s.drilldowns["went_on"],
        figure=True,
    ),
    DrillColumn(
        N_("Lost here"),
        lambda s: _int(s.lost_here),
        lambda s: s.lost_here,
        drill=lambda s: s.drilldowns["lost_here"],
        figure=True,
        tip=N_("Lost, and in this stage when they were closed as lost"),
    ),
    DrillColumn(
        N_("Open here"),
        lambda s: _int(s.open_here),
        lambda s: s.open_here,
        drill=lambda s: s.drilldowns["open_here"],
        figure=True,
    ),
    DrillColumn(
        N_("Avg. days"),
        lambda s: pipeline.format_days(s.avg_days),
        lambda s: s.avg_days,
        drill=lambda s: s.drilldowns["reached"],
        figure=True,
        tip=N_("Average days per stay in the stage; stays still going on count up to now"),
    ),
]

REASON_COLUMNS: list[DrillColumn[ReasonCount]] = [
    DrillColumn(
        FieldLabel("opportunity.lost_reason"),
        lambda r: r.reason,
        lambda r: r.reason,
        drill=lambda r: r.drilldown,
    ),
    DrillColumn(N_("Count"), lambda r: _int(r.count), lambda r: r.count, figure=True),
]
WON_REASON_COLUMNS: list[DrillColumn[ReasonCount]] = [
    DrillColumn(
        FieldLabel("opportunity.won_reason"),
        lambda r: r.reason,
        lambda r: r.reason,
        drill=lambda r: r.drilldown,
    ),
    DrillColumn(N_("Count"), lambda r: _int(r.count), lambda r: r.count, figure=True),
]


def breakdown_label(key: str) -> str:
    """What a breakdown of the pipeline is called, in the screen's language."""
    return _(dashboard.BREAKDOWNS[key])


class SectionTableView(QTableView):
    """A small table of figures: a click on a cell asks for the opportunities behind it."""

    drilldown_requested = Signal(object)  # Drilldown

    def __init__(self, model: SectionTableModel[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(22)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The label column takes the room; the figures stay beside each other at the right.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setHighlightSections(False)
        self.clicked.connect(self._drill)
        self.activated.connect(self._drill)

    def section_model(self) -> SectionTableModel[Any]:
        model = self.model()
        assert isinstance(model, SectionTableModel)
        return model

    def _drill(self, index: QModelIndex) -> None:
        drill = self.section_model().drilldown(index)
        if drill is not None:
            self.drilldown_requested.emit(drill)


class DashboardPage(QWidget):
    """The dashboard tab. Reads its figures when first shown and on refresh; a click on a
    figure emits `drilldown_requested` with the list filter behind it."""

    drilldown_requested = Signal(object)  # Drilldown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: Dashboard | None = None
        self._loaded = False
        self._choices_stale = True
        self.filter_bar = DashboardFilterBar()
        self.breakdown = QComboBox()
        for key in dashboard.BREAKDOWNS:
            self.breakdown.addItem(breakdown_label(key), key)
        self.measure = QComboBox()
        self.refresh_button = QPushButton(_("&Refresh"))
        self.export_button = QPushButton(_("E&xport CSV…"))
        self.note = QLabel(_(CURRENCY_NOTE))
        self.note.setObjectName("currency-note")
        self.note.setStyleSheet("color: #555;")
        self.description = QLabel()
        self.description.setStyleSheet("font-weight: bold;")

        # The chart (and QtCharts, slow to load) comes when the dashboard is first shown.
        self.chart: PipelineChart | None = None
        self.chart_holder = QVBoxLayout()
        self.chart_holder.setContentsMargins(0, 0, 0, 0)
        self.pipeline_model: SectionTableModel[PipelineRow] = SectionTableModel(
            pipeline_columns(partial(breakdown_label, "stage")), self
        )
        self.pipeline_table = SectionTableView(self.pipeline_model)
        self.forecast_model: SectionTableModel[ForecastRow] = SectionTableModel(
            FORECAST_COLUMNS, self
        )
        self.forecast_table = SectionTableView(self.forecast_model)
        self.funnel_model: SectionTableModel[FunnelStage] = SectionTableModel(FUNNEL_COLUMNS, self)
        self.funnel_table = SectionTableView(self.funnel_model)
        self.reason_model: SectionTableModel[ReasonCount] = SectionTableModel(REASON_COLUMNS, self)
        self.reason_table = SectionTableView(self.reason_model)
        self.won_reason_model: SectionTableModel[ReasonCount] = SectionTableModel(
            WON_REASON_COLUMNS, self
        )
        self.won_reason_table = SectionTableView(self.won_reason_model)
        self.outcome = QLabel()
        self.outcome.setTextFormat(Qt.TextFormat.RichText)
        self.outcome.setWordWrap(True)
        self.outcome.linkActivated.connect(self._outcome_link)
        # Won this month and last, beside the pipeline: what was closed, next to what is open.
        self.won_months = QLabel()
        self.won_months.setObjectName("won-months")
        self.won_months.setTextFormat(Qt.TextFormat.RichText)
        self.won_months.setWordWrap(True)
        self.won_months.linkActivated.connect(self._won_month_link)

        top = QHBoxLayout()
        top.addWidget(self.filter_bar, 1)
        buttons = QVBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.export_button)
        top.addLayout(buttons)

        pipeline_box = QGroupBox(_("Open pipeline"))
        pipeline_layout = QVBoxLayout(pipeline_box)
        choose = QHBoxLayout()
        breakdown_caption = QLabel(_("Bro&ken down by"))
        breakdown_caption.setBuddy(self.breakdown)
        measure_label = QLabel(_("&Chart shows"))
        measure_label.setBuddy(self.measure)
        choose.addWidget(breakdown_caption)
        choose.addWidget(self.breakdown)
        choose.addSpacing(12)
        choose.addWidget(measure_label)
        choose.addWidget(self.measure)
        choose.addStretch(1)
        pipeline_layout.addLayout(choose)
        pipeline_layout.addWidget(self.won_months)
        pipeline_layout.addLayout(self.chart_holder, 3)
        pipeline_layout.addWidget(self.pipeline_table, 2)

        forecast_box = QGroupBox(_("Forecast: open opportunities by est. close date, from today"))
        QVBoxLayout(forecast_box).addWidget(self.forecast_table)
        funnel_box = QGroupBox(_("Funnel, from the stage history"))
        funnel_layout = QVBoxLayout(funnel_box)
        funnel_layout.addWidget(self.funnel_table, 1)
        funnel_layout.addWidget(self.outcome)
        reasons = QHBoxLayout()
        reasons.addWidget(self.reason_table, 1)
        reasons.addWidget(self.won_reason_table, 1)
        funnel_layout.addLayout(reasons, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        # The forecast's six rows (overdue, 7, 30, 90 days, later, total) show without scrolling
        # for one currency; the funnel and the lost reasons take the rest.
        self.forecast_table.setMinimumHeight(
            self.forecast_table.horizontalHeader().sizeHint().height() + 6 * 22 + 4
        )
        right_layout.addWidget(forecast_box, 0)
        right_layout.addWidget(funnel_box, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(pipeline_box)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        user_settings.keep_splitter(splitter, "dashboard")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(top)
        heading = QHBoxLayout()
        heading.addWidget(self.description, 1)
        heading.addWidget(self.note)
        layout.addLayout(heading)
        layout.addWidget(splitter, 1)

        self.filter_bar.filter_changed.connect(lambda _flt: self.refresh())
        self.breakdown.currentIndexChanged.connect(lambda _i: self._rebreak())
        self.measure.currentIndexChanged.connect(lambda _i: self._show_chart())
        self.refresh_button.clicked.connect(self.reload)
        self.export_button.clicked.connect(self.export)
        for view in (
            self.pipeline_table,
            self.forecast_table,
            self.funnel_table,
            self.reason_table,
            self.won_reason_table,
        ):
            view.drilldown_requested.connect(self.drilldown_requested)

    # --- reading --------------------------------------------------------------------------
    def reload(self) -> None:
        """New choices for the filters (after demo data or new users), then the figures."""
        self.filter_bar.blockSignals(True)
        self.filter_bar.reload_choices()
        self.filter_bar.blockSignals(False)
        self.refresh()

    def invalidate(self) -> None:
        """The data changed: read again now if shown, else when next shown."""
        if self.isVisible():
            self.reload()
        else:
            self._loaded = False
            self._choices_stale = True

    def refresh(self) -> None:
        if self._choices_stale:
            self._choices_stale = False
            self.filter_bar.blockSignals(True)
            self.filter_bar.reload_choices()
            self.filter_bar.blockSignals(False)
        self._loaded = True
        breakdown = self.breakdown.currentData() or "stage"
        self.data = dashboard.load(self.filter_bar.current_filter(), breakdown)
        self._show()

    def _rebreak(self) -> None:
        if self.data is None:
            self.refresh()
            return
        self.data = dashboard.with_breakdown(self.data, self.breakdown.currentData() or "stage")
        self._show()

    def _show(self) -> None:
        data = self.data
        if data is None:
            return
        pipe = data.pipeline
        self.description.setText(
            _("Showing: {what}").format(what=data.description)
            if data.description
            else _("Showing: all opportunities")
        )
        self.pipeline_model.columns = tuple(
            pipeline_columns(partial(breakdown_label, pipe.breakdown))
        )
        self.pipeline_model.set_rows(pipe.rows)
        self.forecast_model.set_rows(data.forecast)
        self.funnel_model.set_rows(data.funnel.stages)
        self.reason_model.set_rows(data.funnel.lost_reasons)
        self.won_reason_model.set_rows(data.funnel.won_reasons)
        self._show_outcome()
        self._show_won_months()
        self._fill_measures(data.currencies)
        self._show_chart()

    def _fill_measures(self, currencies: list[str]) -> None:
        from ui.dashboard.pipeline_chart import Measure

        keep = self.measure.currentText()
        self.measure.blockSignals(True)
        self.measure.clear()
        self.measure.addItem(_("Count"), Measure(_("Count"), "count"))
        for currency in currencies:
            self.measure.addItem(
                _("Est. revenue, {currency}").format(currency=currency),
                Measure(
                    _("Est. revenue ({currency})").format(currency=currency),
                    "est_revenue",
                    currency,
                ),
            )
            self.measure.addItem(
                _("Weighted revenue, {currency}").format(currency=currency),
                Measure(
                    _("Weighted revenue ({currency})").format(currency=currency),
                    "weighted",
                    currency,
                ),
            )
        self.measure.setCurrentIndex(max(self.measure.findText(keep), 0))
        self.measure.blockSignals(False)

    def _show_chart(self) -> None:
        from ui.dashboard.pipeline_chart import Measure, PipelineChart

        if self.data is None:
            return
        if self.chart is None:
            self.chart = PipelineChart()
            self.chart.drilldown_requested.connect(self.drilldown_requested)
            self.chart_holder.addWidget(self.chart)
        measure = self.measure.currentData() or Measure(_("Count"), "count")
        self.chart.show_pipeline(self.data.pipeline, measure)

    def _show_outcome(self) -> None:
        assert self.data is not None
        funnel = self.data.funnel
        counts = [
            ("open", ngettext("{n} open", "{n} open", funnel.open), funnel.open),
            ("won", ngettext("{n} won", "{n} won", funnel.won), funnel.won),
            ("lost", ngettext("{n} lost", "{n} lost", funnel.lost), funnel.lost),
        ]
        if funnel.without_stages:
            without = ngettext("{n} without stages", "{n} without stages", funnel.without_stages)
            counts.append(("without_stages", without, funnel.without_stages))
        links = " · ".join(
            f'<a href="{key}">{html.escape(text.format(n=_int(n)))}</a>' for key, text, n in counts
        )
        rates = _(
            "<b>Win rate {rate}</b> (won of closed) · <b>{days}</b> days on average from "
            "created to won"
        ).format(
            rate=pipeline.format_rate(funnel.win_rate),
            days=pipeline.format_days(funnel.avg_days_to_won),
        )
        self.outcome.setText(f"{links}<br>{rates}")

    def _show_won_months(self) -> None:
        assert self.data is not None
        parts = []
        for number, month in enumerate(self.data.won_months):
            amounts = ", ".join(
                i18n.current().format_money(amount, currency)
                for currency, amount in month.revenue.items()
            )
            figures = ngettext("{n} sale", "{n} sales", month.count).format(n=_int(month.count))
            text = _("{label}: {figures}").format(label=month.label, figures=figures)
            if amounts:
                text = _("{text} · {amounts}").format(text=text, amounts=amounts)
            parts.append(f'<a href="{number}">{html.escape(text)}</a>')
        self.won_months.setText(" &nbsp;&nbsp; ".join(parts))

    def _won_month_link(self, key: str) -> None:
        if self.data is not None and key.isdigit() and int(key) < len(self.data.won_months):
            self.drilldown_requested.emit(self.data.won_months[int(key)].drilldown)

    def _outcome_link(self, key: str) -> None:
        if self.data is not None and key in self.data.funnel.drilldowns:
            self.drilldown_requested.emit(self.data.funnel.drilldowns[key])

    # --- export ---------------------------------------------------------------------------
    def export(self) -> None:
        if self.data is None:
            self.refresh()
        assert self.data is not None
        suggested = f"pipeline-{self.data.today.isoformat()}.csv"
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Export the dashboard"), suggested, _("CSV files (*.csv)")
        )
        if path:
            dashboard.export_csv(self.data, Path(path))

    # --- Qt overrides ---------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded:
            self.refresh()
