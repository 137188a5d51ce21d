"""The dashboard's chart: the open pipeline as bars, a click on one asking for its
opportunities. Its own module, so QtCharts loads when the dashboard is first shown."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from app import i18n
from app.i18n import _
from app.services import dashboard
from app.services.dashboard import Drilldown

# The stages' colours in the chart, in process order (then repeated).
STAGE_COLOURS = ("#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b", "#bdbdbd")


@dataclass(frozen=True, slots=True)
class Measure:
    """What the chart's bars measure: a count, or an amount in one currency."""

    label: str
    kind: str  # "count", "est_revenue", "weighted"
    currency: str | None = None


class PipelineChart(QChartView):
    """The open pipeline as bars: one per stage, or stacked by stage per group of the
    breakdown. A click on a bar (or a stage's part of it) lists those opportunities."""

    drilldown_requested = Signal(object)  # Drilldown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_new_chart(), parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(260)
        self.bar_sets: list[QBarSet] = []
        self._pipeline: dashboard.Pipeline | None = None
        self._measure = Measure(_("Count"), "count")
        # (set index, category index) -> value, for tests and tooltips.
        self.values: dict[tuple[int, int], float] = {}
        self.value_labels: list[str] = []  # an amount axis's labels, for tests

    def show_pipeline(self, pipe: dashboard.Pipeline, measure: Measure) -> None:
        self._pipeline, self._measure = pipe, measure
        # A new chart each time: axes taken off a QChart stay drawn until it is repainted
        # from scratch, so the old bars' labels would show through.
        chart = _new_chart()
        old = self.chart()
        self.setChart(chart)
        old.deleteLater()
        self.bar_sets = []
        self.values = {}
        by_stage = pipe.breakdown == "stage"
        categories = pipe.stages if by_stage else pipe.groups
        series: QBarSeries | QStackedBarSeries = QBarSeries() if by_stage else QStackedBarSeries()
        set_names = [measure.label] if by_stage else pipe.stages
        top = 0.0
        for set_index, name in enumerate(set_names):
            bar_set = QBarSet(name)
            colour = STAGE_COLOURS[set_index % len(STAGE_COLOURS)]
            bar_set.setColor(QColor(STAGE_COLOURS[3] if by_stage else colour))
            for category_index, category in enumerate(categories):
                group, stage = (category, category) if by_stage else (category, name)
                value = self._value(pipe, group, stage)
                self.values[(set_index, category_index)] = value
                bar_set.append(value)
            bar_set.clicked.connect(
                lambda category_index, s=set_index: self._clicked(s, category_index)
            )
            series.append(bar_set)
            self.bar_sets.append(bar_set)
        for category_index in range(len(categories)):
            column = sum(v for (_set, c), v in self.values.items() if c == category_index)
            top = max(top, column)
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        # Names that would not fit side by side (salespeople's full names) go on two lines
        # rather than being cut: each bar keeps its whole name.
        labels = [_two_lines(html.escape(_short(c))) for c in categories]
        axis_x.append(labels)
        if any("<br>" in label for label in labels):
            small = axis_x.labelsFont()
            small.setPointSizeF(max(small.pointSizeF() - 1.0, 7.0))
            axis_x.setLabelsFont(small)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        axis_y = self._value_axis(top, measure)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        chart.legend().setVisible(not by_stage)
        chart.setTitle(
            _("Open pipeline: {measure}").format(measure=measure.label)
            if by_stage
            else _("Open pipeline: {measure} by stage").format(measure=measure.label)
        )

    def _value_axis(self, top: float, measure: Measure) -> QValueAxis | QCategoryAxis:
        """Counts as plain numbers; amounts as money in the screen's language ('€1.5M'),
        on round steps."""
        if measure.kind == "count" or not measure.currency:
            axis_y = QValueAxis()
            axis_y.setRange(0, top * 1.05 if top else 1)
            axis_y.applyNiceNumbers()
            axis_y.setLabelFormat("%.0f")
            return axis_y
        step = _nice_step(top)
        ticks = int(top // step) + 1 if top else 1
        money_axis = QCategoryAxis()
        money_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        fmt = i18n.current().format_compact_money
        for n in range(ticks + 1):
            money_axis.append(fmt(n * step, measure.currency), n * step)
        money_axis.setRange(0, ticks * step)
        self.value_labels = money_axis.categoriesLabels()
        return money_axis

    def _value(self, pipe: dashboard.Pipeline, group: str, stage: str) -> float:
        if self._measure.kind == "count":
            return float(pipe.count(group, stage))
        cell = pipe.cell(group, stage, self._measure.currency or "")
        if cell is None:
            return 0.0
        return float(cell.est_revenue if self._measure.kind == "est_revenue" else cell.weighted)

    def drilldown_at(self, set_index: int, category_index: int) -> Drilldown | None:
        pipe = self._pipeline
        if pipe is None:
            return None
        by_stage = pipe.breakdown == "stage"
        categories = pipe.stages if by_stage else pipe.groups
        if not 0 <= category_index < len(categories):
            return None
        category = categories[category_index]
        if by_stage:
            return pipe.drilldown(category, currency=self._measure.currency)
        return pipe.drilldown(category, pipe.stages[set_index], self._measure.currency)

    def _clicked(self, set_index: int, category_index: int) -> None:
        drill = self.drilldown_at(set_index, category_index)
        if drill is not None:
            self.drilldown_requested.emit(drill)


def _new_chart() -> QChart:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    return chart


def _nice_step(top: float, steps: int = 5) -> float:
    """A round step (1, 2 or 5 times a power of ten) that splits 0..top in about `steps`."""
    if top <= 0:
        return 1.0
    rough = top / steps
    power = 10 ** math.floor(math.log10(rough))
    return next(f * power for f in (1, 2, 5, 10) if f * power >= rough)


def _two_lines(text: str) -> str:
    """A long label broken at its middle space (the axis reads rich text)."""
    if len(text) <= 8 or " " not in text:
        return text
    middle = len(text) // 2
    spaces = [i for i, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return text[:cut] + "<br>" + text[cut + 1 :]


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
