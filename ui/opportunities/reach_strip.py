"""How to reach the customer, at the top of the opportunity form: the customer's and the
primary contact's phones and e-mails, as links the system's phone and mail programs open,
selectable and copyable."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.i18n import _
from app.services.opportunity_form import ReachLine
from ui.common.qt import LEFT_TO_RIGHT, LINKS_BY_KEYBOARD, LINKS_BY_MOUSE, SELECTABLE_BY_MOUSE

_LINKS = SELECTABLE_BY_MOUSE | LINKS_BY_MOUSE | LINKS_BY_KEYBOARD


def phone_url(phone: str) -> str:
    """A tel: link keeps only what a dialler reads: the digits and a leading +."""
    kept = "".join(ch for ch in phone if ch.isdigit())
    return f"tel:{'+' if phone.strip().startswith('+') else ''}{kept}"


class ReachStrip(QWidget):
    """One line per person; a click on a number or an address opens the system's program
    for it (QDesktopServices), the text can be selected, and Copy takes all of it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines: list[ReachLine] = []
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setLayoutDirection(LEFT_TO_RIGHT)
        self.label.setOpenExternalLinks(False)
        self.label.setTextInteractionFlags(_LINKS)
        self.copy_button = QPushButton(_("Cop&y contact details"))
        self.copy_button.setAutoDefault(False)
        self.copy_button.setToolTip(_("Copy the phone numbers and e-mail addresses"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.copy_button)
        self.label.linkActivated.connect(self.open_link)
        self.copy_button.clicked.connect(self.copy)

    def set_lines(self, lines: list[ReachLine]) -> None:
        self.lines = lines
        if not lines:
            self.label.setText(escape(_("No phone number or e-mail address on file.")))
        else:
            # Left to right whatever script a name is in; each name isolated in its own.
            rows = "<br>".join(self._html(line) for line in lines)
            self.label.setText(f'<p dir="ltr">{rows}</p>')
        self.copy_button.setEnabled(bool(lines))

    def plain_text(self) -> str:
        return "\n".join(
            "  ".join(p for p in (line.who + ":", line.phone, line.email) if p)
            for line in self.lines
        )

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.plain_text())

    def open_link(self, link: str) -> None:
        QDesktopServices.openUrl(QUrl(link))

    @staticmethod
    def _html(line: ReachLine) -> str:
        parts = [f"<b>\u2068{escape(line.who)}\u2069</b>"]
        if line.primary_contact:
            parts[0] += " " + escape(_("(primary contact)"))
        if line.phone:
            number = f"\u2066{escape(line.phone)}\u2069"
            parts.append(f'☎ <a href="{escape(phone_url(line.phone))}">{number}</a>')
        if line.email:
            url = escape(QUrl.fromUserInput(f"mailto:{line.email}").toString())
            parts.append(f'✉ <a href="{url}">{escape(line.email)}</a>')
        return " &nbsp; ".join(parts)
