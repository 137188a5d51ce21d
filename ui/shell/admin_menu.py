"""The Administration menu: teams (Right.MANAGE_USERS), the audit log (Right.READ_AUDIT) and
the move of this workstation's data to the site server (Right.SETUP). Shown to everyone; what a user may not open is disabled saying which right is missing."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu

from app.i18n import _


def add_admin_actions(window: Any) -> None:
    """The window's teams and audit log actions (enabled at sign-in, by right)."""
    window.teams_action = QAction(_("&Teams…"), window)
    window.teams_action.setToolTip(_("The sales teams: their facility, leader and members"))
    window.teams_action.triggered.connect(lambda: open_teams(window))
    window.audit_action = QAction(_("&Audit log…"), window)
    window.audit_action.setToolTip(_("Who changed what, and when"))
    window.audit_action.triggered.connect(lambda: open_audit_log(window))
    window.move_action = QAction(_("&Move this workstation's data to the site server…"), window)
    window.move_action.setToolTip(
        _("Copy this workstation's database into an empty database on the site's server")
    )
    window.move_action.triggered.connect(lambda: open_move_to_server(window))


def add_admin_menu(window: Any) -> QMenu:
    menu = window.menuBar().addMenu(_("Ad&ministration"))
    menu.addAction(window.teams_action)
    menu.addAction(window.audit_action)
    menu.addSeparator()
    menu.addAction(window.move_action)
    return menu


def open_teams(window: Any) -> QDialog:
    from ui.admin.teams_dialog import TeamsDialog

    dialog = TeamsDialog(window)
    window._show_dialog(dialog)
    return dialog


def open_move_to_server(window: Any) -> QDialog:
    from app.services import workspace
    from ui.shell.move_to_server_dialog import MoveToServerDialog

    dialog = MoveToServerDialog(window, on_server=workspace.on_server())
    window._show_dialog(dialog)
    return dialog


def open_audit_log(window: Any) -> QDialog:
    from ui.admin.audit_log_dialog import AuditLogDialog

    dialog = AuditLogDialog(window)
    window._show_dialog(dialog)
    return dialog
