"""The opportunity list's actions on its rows as the signed-in user's rights allow them:
"Close as lost" and "Take it", disabled with the reason when they do not apply."""

from __future__ import annotations

from typing import Any

from app.i18n import _


def enable_list_actions(window: Any, on_list: bool) -> None:
    """Close as lost: a user who may sell, with rows selected. Take it: one opportunity
    the user's team (or nobody) holds untaken."""
    from app.domain.rights import Right
    from app.services import access, record_rights
    from app.services.errors import NotAllowed, NotFound
    from ui.common.rights import allow, gate

    selected = window.selected_opportunities() if on_list else []
    if gate(window.close_lost_action, Right.SELL):
        window.close_lost_action.setEnabled(bool(selected))
    reason: str | None = None
    if not access.has_right(Right.SELL):
        reason = access.missing_right_message(Right.SELL)
    elif len(selected) != 1:
        reason = _("Select the one opportunity to take.")
    else:
        try:
            reason = record_rights.sale_access(record_rights.OPPORTUNITY, selected[0]).take_refusal
        except (NotAllowed, NotFound) as exc:
            reason = str(exc)
    allow(window.take_action, reason)
    if not on_list:
        window.take_action.setEnabled(False)


def take_current(window: Any) -> bool:
    """Take the selected opportunity: the signed-in user owns it now; the lists hear of it."""
    from app.services import record_rights
    from app.services.errors import NotAllowed, NotFound
    from ui.common.changes import OPPORTUNITY, record_changes

    selected = window.selected_opportunities()
    if len(selected) != 1:
        return False
    try:
        record_rights.take(record_rights.OPPORTUNITY, selected[0])
    except (NotAllowed, NotFound) as exc:
        window.statusBar().showMessage(str(exc), 15_000)
        return False
    record_changes().announce(OPPORTUNITY, selected[0])
    window.statusBar().showMessage(
        _("Opportunity #{number} is yours now.").format(number=selected[0]), 8000
    )
    enable_list_actions(window, True)
    return True
