"""The main window's actions as the signed-in user's rights allow them: each one a user may
not take is disabled with the missing right as its tooltip (see ui.common.rights)."""

from __future__ import annotations

from typing import Any

from app.domain.rights import Right
from ui.common.rights import gate

# The window's action attributes and the right each needs.
ACTION_RIGHTS: dict[str, Right] = {
    "new_action": Right.SELL,
    "walk_in_action": Right.SELL,
    "new_lead_action": Right.SELL,
    "new_customer_action": Right.SELL,
    "close_lost_action": Right.SELL,
    "import_action": Right.IMPORT_DATA,
    "stage_setup_action": Right.SETUP,
    "backup_action": Right.BACKUP,
    "restore_action": Right.RESTORE,
    "purge_action": Right.PURGE,
    "teams_action": Right.MANAGE_USERS,
    "audit_action": Right.READ_AUDIT,
    "move_action": Right.SETUP,
}


def apply_rights(window: Any) -> None:
    """Gate each of the window's actions by its right (an action the window lacks is
    skipped)."""
    for name, right in ACTION_RIGHTS.items():
        action = getattr(window, name, None)
        if action is not None:
            gate(action, right)
