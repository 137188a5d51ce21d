"""Exporting and anonymising one lead's personal data, from the lead form or list."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QPushButton, QWidget

from app.domain.validation import ValidationError
from app.i18n import _
from app.services import personal_data
from app.services.errors import NotFound
from app.services.stage_setup import NotAllowed


def personal_data_menu(
    button: QPushButton, export_text: str, anonymise_text: str
) -> tuple[QAction, QAction]:
    """The button's menu of the two actions: (export action, anonymise action)."""
    menu = QMenu(button)
    export_action = menu.addAction(export_text)
    anonymise_action = menu.addAction(anonymise_text)
    button.setMenu(menu)
    return export_action, anonymise_action


def export_lead(parent: QWidget, lead_id: int, name: str, path: Path | None = None) -> Path | None:
    """Everything held about the lead, to a JSON file the user picks."""
    if path is None:
        chosen, _filter = QFileDialog.getSaveFileName(
            parent,
            _("Export the lead's data"),
            str(Path.home() / personal_data.suggested_lead_file_name(lead_id)),
            _("JSON (*.json)"),
        )
        if not chosen:
            return None
        path = Path(chosen)
    try:
        written = personal_data.export_lead(lead_id, path)
    except NotFound as exc:
        QMessageBox.warning(parent, _("Not exported"), str(exc))
        return None
    except OSError as exc:
        QMessageBox.warning(
            parent,
            _("Not exported"),
            _("{path} could not be written ({problem}); choose another folder.").format(
                path=path, problem=exc.strerror or exc
            ),
        )
        return None
    QMessageBox.information(
        parent,
        _("Lead data exported"),
        _(
            "Everything Showroom holds about {name} is in {path}. The export is recorded in "
            "the audit log."
        ).format(name=name, path=written),
    )
    return written


def anonymise_lead(parent: QWidget, lead_id: int, name: str) -> bool:
    """Ask, then anonymise; True when done."""
    answer = QMessageBox.question(
        parent,
        _("Anonymise this lead?"),
        _(
            "Replace the name, address, e-mail and phone of {name} in the lead, its "
            "activities and the audit log? The vehicle interest, channel and dates stay for "
            "the statistics. This cannot be undone; export their data first if they asked "
            "for it."
        ).format(name=name),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        personal_data.anonymise_lead(lead_id)
    except (ValidationError, NotAllowed, NotFound) as exc:
        QMessageBox.warning(parent, _("Not anonymised"), str(exc))
        return False
    QMessageBox.information(
        parent, _("Lead anonymised"), _("{name} is anonymised.").format(name=name)
    )
    return True
