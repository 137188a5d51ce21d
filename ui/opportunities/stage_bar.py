"""The stage bar: where an opportunity stands in its sales process, and the way to move it."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Signal
from PySide6.QtGui import (
    QColor,
    QEnterEvent,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.choices import Status
from app.domain.process import StageVisit
from app.domain.stages import StageInfo
from app.domain.validation import ValidationError
from app.i18n import _, ngettext
from app.services import process
from app.services.errors import NotFound
from app.services.process import StageOverview
from ui.common.qt import (
    ALIGN_CENTER,
    ANTIALIASING,
    DASH_LINE,
    ELIDE_RIGHT,
    EXPANDING,
    FIXED,
    NO_BRUSH,
    NO_PEN,
    ODD_EVEN_FILL,
    PLAIN_TEXT,
    POINTING_HAND,
)
from ui.common.widgets import ERROR_COLOUR, WARNING_COLOUR

# Where a stage lies relative to the sale.
PASSED, CURRENT, AHEAD = "passed", "current", "ahead"

WON_COLOUR = "#1e7d32"
LOST_COLOUR = ERROR_COLOUR
MUTED_COLOUR = "#6b6b6b"

# (fill, outline, text) of a segment, by where it lies and whether it can be clicked; a
# closed sale shows the stages it went through in the colour of how it ended.
_BLUE = "#1f5fa8"
_COLOURS = {
    (CURRENT, False): ("#1f5fa8", "#1f5fa8", "#ffffff"),
    (PASSED, False): ("#d5e3f4", "#d5e3f4", "#1b3a5e"),
    (PASSED, True): ("#d5e3f4", _BLUE, "#1b3a5e"),
    (AHEAD, True): ("#ffffff", _BLUE, _BLUE),
    (AHEAD, False): ("#f8f8f8", "#cfcfcf", "#8c8c8c"),
    (Status.WON.value, False): ("#d4ecd6", "#d4ecd6", "#1d5a24"),
    (Status.LOST.value, False): ("#dcdcdc", "#dcdcdc", "#4a4a4a"),
}


class StageSegment(QAbstractButton):
    """One stage drawn as a chevron. Enabled only when the sale may move there; the bar
    sets its place (passed, current, ahead) and the colours follow."""

    ARROW = 11  # how far the point sticks out into the next segment, in pixels
    GAP = 3  # white space between two segments

    def __init__(self, stage: StageInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stage = stage
        self.place = AHEAD
        self.closed_as = ""  # "won" or "lost": the sale is over
        self.first = False
        self.last = False
        self.setText(stage.name)
        self.setSizePolicy(EXPANDING, FIXED)

    @property
    def clickable(self) -> bool:
        return self.isEnabled()

    def set_place(self, place: str, clickable: bool, closed_as: str = "") -> None:
        self.place = place
        self.closed_as = closed_as
        self.setEnabled(clickable)
        if clickable:
            self.setCursor(POINTING_HAND)
        else:
            self.unsetCursor()
        self.update()

    def colours(self) -> tuple[QColor, QColor, QColor]:
        if self.closed_as and self.place == PASSED:
            key = (self.closed_as, False)
        else:
            key = (self.place, self.clickable and self.place != CURRENT)
        fill, outline, text = (QColor(c) for c in _COLOURS[key])
        if self.clickable and (self.underMouse() or self.isDown()):
            fill = QColor("#e3ecf8") if self.place == AHEAD else fill.darker(110)
        return fill, outline, text

    def label(self) -> str:
        return f"✓ {self.text()}" if self.place == PASSED else self.text()

    def outline(self) -> QPolygonF:
        w, h, a = self.width() - 1, self.height() - 1, self.ARROW
        right = (
            [QPointF(w, 0), QPointF(w, h)]
            if self.last
            else [
                QPointF(w - a, 0),
                QPointF(w, h / 2),
                QPointF(w - a, h),
            ]
        )
        left = (
            [QPointF(0, h), QPointF(0, 0)]
            if self.first
            else [
                QPointF(0, h),
                QPointF(a, h / 2),
                QPointF(0, 0),
            ]
        )
        return QPolygonF([QPointF(0, 0), *right, *left])

    def _text_rect(self) -> QRectF:
        left = 6 if self.first else self.ARROW + 4
        right = 6 if self.last else self.ARROW + 2
        return QRectF(left, 0, self.width() - left - right, self.height())

    def _font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(self.place == CURRENT)
        return font

    # --- Qt overrides -------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        font = QFont(self.font())
        font.setBold(True)  # sized for the bold label, so a move does not shift the bar
        metrics = QFontMetrics(font)
        width = metrics.horizontalAdvance(f"✓ {self.text()}") + 2 * self.ARROW + 16
        return QSize(width, metrics.height() + 14)

    def minimumSizeHint(self) -> QSize:
        return QSize(2 * self.ARROW + 24, self.sizeHint().height())

    def hitButton(self, pos: QPoint) -> bool:
        # Only the chevron counts: the corners beside the point belong to the next stage.
        return self.outline().containsPoint(QPointF(pos), ODD_EVEN_FILL)

    def enterEvent(self, event: QEnterEvent) -> None:
        self.update()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self.update()
        super().leaveEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        fill, outline, text = self.colours()
        painter = QPainter(self)
        painter.setRenderHint(ANTIALIASING)
        painter.setPen(QPen(outline, 1.2) if outline != fill else NO_PEN)
        painter.setBrush(fill)
        painter.drawPolygon(self.outline())
        if self.hasFocus():
            painter.setPen(QPen(text, 1, DASH_LINE))
            painter.setBrush(NO_BRUSH)
            painter.drawRect(self._text_rect().adjusted(0, 4, 0, -4))
        painter.setPen(text)
        painter.setFont(self._font())
        rect = self._text_rect()
        shown = painter.fontMetrics().elidedText(self.label(), ELIDE_RIGHT, int(rect.width()))
        painter.drawText(rect, ALIGN_CENTER, shown)
        painter.end()


class _SegmentRow(QWidget):
    """Lays the segments side by side, each one's point reaching into the next one's
    notch; a box layout cannot overlap its widgets."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.segments: list[StageSegment] = []
        self.setSizePolicy(EXPANDING, FIXED)

    def set_segments(self, segments: list[StageSegment]) -> None:
        for old in self.segments:
            old.hide()
            old.deleteLater()
        self.segments = segments
        for index, segment in enumerate(segments):
            segment.setParent(self)
            segment.first = index == 0
            segment.last = index == len(segments) - 1
            segment.show()
        self.updateGeometry()
        self._place()

    def _overlap(self) -> int:
        return StageSegment.ARROW - StageSegment.GAP

    def _place(self) -> None:
        if not self.segments:
            return
        count = len(self.segments)
        room = self.width() + self._overlap() * (count - 1)
        hints = [s.sizeHint().width() for s in self.segments]
        # Equal widths read as a progress bar; long names get more only when they must.
        widths = [room // count] * count if max(hints) <= room // count else _share(hints, room)
        x = 0
        for segment, width in zip(self.segments, widths, strict=True):
            segment.setGeometry(x, 0, width, self.height())
            x += width - self._overlap()

    # --- Qt overrides -------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        if not self.segments:
            return QSize(0, 0)
        width = sum(s.sizeHint().width() for s in self.segments)
        return QSize(
            width - self._overlap() * (len(self.segments) - 1),
            max(s.sizeHint().height() for s in self.segments),
        )

    def minimumSizeHint(self) -> QSize:
        if not self.segments:
            return QSize(0, 0)
        return QSize(
            len(self.segments) * (StageSegment.ARROW + 20), self.segments[0].sizeHint().height()
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()


def _share(hints: list[int], room: int) -> list[int]:
    total = sum(hints) or 1
    widths = [max(1, hint * room // total) for hint in hints]
    widths[-1] += room - sum(widths)
    return widths


def closed_from(opportunity_id: int, status: str) -> str:
    """The name of the stage a closed opportunity was closed from ('' if unknown)."""
    return _closed_from(process.history(opportunity_id), status)


def _closed_from(visits: list[StageVisit], status: str) -> str:
    for before, after in reversed(list(pairwise(visits))):
        if after.reason == status:
            return before.stage
    return ""


def time_spent(value: float) -> str:
    """How long something took, in whole days: "less than a day", "1 day", "12 days"."""
    days = int(value)
    if days < 1:
        return _("less than a day")
    return ngettext("{n} day", "{n} days", days).format(n=days)


def _ago(value: float) -> str:
    days = int(value)
    if days == 0:
        return _("today")
    if days == 1:
        return _("yesterday")
    return ngettext("{n} day ago", "{n} days ago", days).format(n=days)


class StageBar(QWidget):
    """The opportunity's stages left to right: those passed ticked, the current one
    highlighted, the ones it may move to clickable, the rest greyed. A click moves the
    sale at once (`stage_chosen` first, `moved` once the move is saved); a refusal is
    shown in a message box. Under the bar, the time spent in the stage: amber once over
    the days allowed, red at more than twice as long. A closed sale shows a Won or Lost
    badge and cannot be moved."""

    stage_chosen = Signal(int)  # the stage id clicked
    moved = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.opportunity_id: int | None = None
        self.overview: StageOverview | None = None
        self.read_only = False
        self.lateness = ""  # "", "over" or "far over" the days allowed
        self.reached = ""  # the stage a closed sale was closed from
        self.segments: dict[int, StageSegment] = {}

        self.row = _SegmentRow()
        self.badge = QLabel()
        self.badge.setAlignment(ALIGN_CENTER)
        self.badge.hide()
        self.days_label = QLabel()
        self.days_label.setTextFormat(PLAIN_TEXT)
        self.days_label.setWordWrap(True)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(8)
        top.addWidget(self.row, 1)
        top.addWidget(self.badge)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.days_label)
        self.setSizePolicy(EXPANDING, FIXED)
        self.refresh()

    def set_opportunity(self, opportunity_id: int | None) -> None:
        self.opportunity_id = opportunity_id
        self.refresh()

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        if self.overview is not None:
            self._show_places(self.overview)

    def segment(self, stage_id: int) -> StageSegment | None:
        return self.segments.get(stage_id)

    def segment_named(self, name: str) -> StageSegment | None:
        return next((s for s in self.segments.values() if s.stage.name == name), None)

    def refresh(self) -> None:
        """Read the opportunity's stage again (after a save, or a move made elsewhere)."""
        self.overview = None
        if self.opportunity_id is None:
            self._show_stages([])
            self._show_badge("")
            self._say(_("The stages appear once the opportunity is saved."))
            return
        try:
            overview = process.overview(self.opportunity_id)
        except NotFound as exc:
            self._show_stages([])
            self._show_badge("")
            self._say(str(exc), ERROR_COLOUR)
            return
        closed = overview.status != Status.OPEN.value
        self._show_overview(overview, process.history(self.opportunity_id) if closed else [])

    def display(
        self, opportunity_id: int | None, overview: StageOverview | None, visits: list[StageVisit]
    ) -> None:
        """Show the opportunity's stages as read with its record (`visits`: a closed one's
        stages), asking the service nothing."""
        self.opportunity_id = opportunity_id
        if opportunity_id is None or overview is None:
            self.refresh()
            return
        self._show_overview(overview, visits)

    def _show_overview(self, overview: StageOverview, visits: list[StageVisit]) -> None:
        self.overview = overview
        closed = overview.status != Status.OPEN.value
        self.reached = _closed_from(visits, overview.status) if closed else ""
        visited = {v.stage for v in visits}
        # A stage only for sales from a lead was never part of one that did not come from
        # a lead: left out rather than shown as passed.
        self._show_stages(
            [
                s
                for s in overview.stages
                if not s.only_from_lead
                or s.id in overview.allowed_ids
                or s.id == overview.current_id
                or s.name in visited
            ]
        )
        self._show_places(overview)
        self._show_badge("" if overview.status == Status.OPEN.value else overview.status)
        self._show_time(overview)

    def move_to(self, stage_id: int) -> bool:
        """Move the opportunity to the stage, as a click does. True if it moved."""
        if self.opportunity_id is None:
            return False
        self.stage_chosen.emit(stage_id)
        try:
            process.move_to_stage(self.opportunity_id, stage_id)
        except (ValidationError, NotFound) as exc:
            self.refresh()  # it may have been moved or closed elsewhere meanwhile
            QMessageBox.warning(self, _("Stage not changed"), str(exc))
            return False
        self.refresh()
        self.moved.emit()
        return True

    # --- showing ----------------------------------------------------------------------
    def _show_stages(self, stages: list[StageInfo]) -> None:
        if [s.id for s in stages] == list(self.segments):
            return  # the same process: keep the buttons, and the keyboard focus on them
        self.segments = {}
        made = []
        for stage in stages:
            segment = StageSegment(stage)
            segment.clicked.connect(lambda _checked=False, sid=stage.id: self.move_to(sid))
            self.segments[stage.id] = segment
            made.append(segment)
        self.row.set_segments(made)
        self.row.setVisible(bool(made))

    def _show_places(self, overview: StageOverview) -> None:
        closed = overview.status != Status.OPEN.value
        ordered = [s.stage for s in self.segments.values()]
        if closed:
            reached = self.reached
        else:
            reached = next((s.name for s in ordered if s.id == overview.current_id), "")
        names = [s.name for s in ordered]
        position = names.index(reached) if reached in names else -1
        for index, stage in enumerate(ordered):
            segment = self.segments[stage.id]
            if closed:
                place = PASSED if index <= position else AHEAD
            else:
                place = PASSED if index < position else CURRENT if index == position else AHEAD
            clickable = (
                not closed
                and not self.read_only
                and place != CURRENT
                and stage.id in overview.allowed_ids
            )
            segment.set_place(place, clickable, overview.status if closed else "")
            segment.setToolTip(self._tip(segment, overview, ordered, position))
            segment.setAccessibleName(
                _("{stage}: {explanation}").format(stage=stage.name, explanation=segment.toolTip())
            )

    def _tip(
        self,
        segment: StageSegment,
        overview: StageOverview,
        ordered: list[StageInfo],
        position: int,
    ) -> str:
        stage = segment.stage
        probability = stage.default_probability
        if overview.status == Status.WON.value:
            return _("Closed as won; reopen it to move it.")
        if overview.status != Status.OPEN.value:
            return _("Closed as lost; reopen it to move it.")
        if segment.place == CURRENT:
            return _("Current stage ({probability} % by default)").format(probability=probability)
        if self.read_only:
            return _("Read-only")
        if segment.clickable and segment.place == PASSED:
            return _("Move back to {stage} ({probability} % by default)").format(
                stage=stage.name, probability=probability
            )
        if segment.clickable:
            return _("Move to {stage} ({probability} % by default)").format(
                stage=stage.name, probability=probability
            )
        if stage.only_from_lead:
            return _("{stage} is only for opportunities that came from a lead.").format(
                stage=stage.name
            )
        allowed = [s for s in ordered if s.id in overview.allowed_ids]
        later = [s for s in allowed if s.sequence < stage.sequence and s.id != overview.current_id]
        if later and position >= 0:
            return _("Move to {stage} first: no skipping a stage.").format(stage=later[-1].name)
        return _("Not reachable from the current stage.")

    def _show_badge(self, status: str) -> None:
        if not status:
            self.badge.hide()
            return
        colour = WON_COLOUR if status == Status.WON.value else LOST_COLOUR
        self.badge.setText(Status(status).label)
        self.badge.setStyleSheet(
            f"background: {colour}; color: white; font-weight: bold; border-radius: 4px;"
            " padding: 4px 14px;"
        )
        self.badge.setAccessibleName(
            _("Closed as won") if status == Status.WON.value else _("Closed as lost")
        )
        if self.row.segments:
            self.badge.setFixedHeight(self.row.sizeHint().height())
        self.badge.show()

    def _show_time(self, overview: StageOverview) -> None:
        self.lateness = ""
        if overview.status != Status.OPEN.value:
            self._say(_closed_text(overview.status, self.reached, overview), MUTED_COLOUR)
            return
        if not overview.stages:
            self._say(_("This kind of opportunity follows no stages."), MUTED_COLOUR)
            return
        current = next((s for s in overview.stages if s.id == overview.current_id), None)
        if current is None:
            self._say(_("Not in a stage yet: pick one above."), MUTED_COLOUR)
            return
        spent, allowed = overview.days_in_stage, overview.days_allowed
        over = spent - allowed if allowed is not None else 0.0
        values = {"time": time_spent(spent), "stage": current.name, "allowed": allowed}
        if allowed is None:
            text = _("{time} in {stage}").format(**values)
        elif over <= 0:
            text = _("{time} in {stage} (allowed {allowed})").format(**values)
        elif over >= 1:
            text = _("{time} in {stage} (allowed {allowed}): {over} over").format(
                over=time_spent(over), **values
            )
        else:
            text = _("{time} in {stage} (allowed {allowed}): over the limit").format(**values)
        text = text[:1].upper() + text[1:]  # the time comes first: "Less than a day in ..."
        if allowed is None or over <= 0:
            self._say(text)
            return
        self.lateness = "far over" if spent > 2 * allowed else "over"
        self._say(text, ERROR_COLOUR if self.lateness == "far over" else WARNING_COLOUR, True)

    def _say(self, text: str, colour: str = "", bold: bool = False) -> None:
        style = f"color: {colour};" if colour else ""
        self.days_label.setStyleSheet(style + (" font-weight: bold;" if bold else ""))
        self.days_label.setText(text)


def _closed_text(status: str, reached: str, overview: StageOverview) -> str:
    """'Closed as won in Delivery 3 days ago.': how and when it ended, and where from."""
    when = _ago(overview.days_in_stage)
    if status == Status.WON.value and reached:
        return _("Closed as won in {stage} {when}.").format(stage=reached, when=when)
    if status == Status.WON.value:
        return _("Closed as won {when}.").format(when=when)
    if reached:
        return _("Closed as lost in {stage} {when}.").format(stage=reached, when=when)
    return _("Closed as lost {when}.").format(when=when)
