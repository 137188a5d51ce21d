"""Exporting and anonymising one person's personal data: the steps a customer and a lead share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QPushButton, QWidget

from app.domain.rights import Right
from app.domain.validation import ValidationError
from app.i18n import _
from app.services.errors import NotFound
from app.services.stage_setup import NotAllowed
from ui.common.rights import gate

T = TypeVar("T")


def personal_data_menu(
    button: QPushButton, export_text: str, anonymise_text: str
) -> tuple[QAction, QAction]:
    """The button's menu of the two actions: (export action, anonymise action); each
    disabled, saying which right is missing, for a user who may not take it."""
    menu = QMenu(button)
    menu.setToolTipsVisible(True)
    export_action = menu.addAction(export_text)
    anonymise_action = menu.addAction(anonymise_text)
    gate(export_action, Right.EXPORT_DATA)
    gate(anonymise_action, Right.PURGE)
    button.setMenu(menu)
    return export_action, anonymise_action


def export_personal_data(
    parent: QWidget,
    name: str,
    path: Path | None,
    *,
    dialog_title: str,
    suggested_name: str,
    export: Callable[[Path], Path],
    done_title: str,
) -> Path | None:
    """Everything held about `name`, written by `export` to `path` or a JSON file the user
    picks; the written file, or None when cancelled or refused (the user is told why)."""
    if path is None:
        chosen, _filter = QFileDialog.getSaveFileName(
            parent, dialog_title, str(Path.home() / suggested_name), _("JSON (*.json)")
        )
        if not chosen:
            return None
        path = Path(chosen)
    try:
        written = export(path)
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
        done_title,
        _(
            "Everything Showroom holds about {name} is in {path}. The export is recorded in "
            "the audit log."
        ).format(name=name, path=written),
    )
    return written


def anonymise_personal_data(
    parent: QWidget,
    *,
    question_title: str,
    question: str,
    anonymise: Callable[[], T],
    done_title: str,
    done_text: Callable[[T], str],
) -> bool:
    """Ask `question`, then `anonymise` and say `done_text` of its result; True when done."""
    answer = QMessageBox.question(
        parent,
        question_title,
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        result = anonymise()
    except (ValidationError, NotAllowed, NotFound) as exc:
        QMessageBox.warning(parent, _("Not anonymised"), str(exc))
        return False
    QMessageBox.information(parent, done_title, done_text(result))
    return True
