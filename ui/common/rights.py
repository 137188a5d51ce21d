"""What the signed-in user may not do is shown disabled, with the reason as its tooltip:
never hidden without a word."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from app.domain.rights import Right
from app.services import access

# The tooltip an action had before a refusal took its place, to give back when allowed.
_OWN_TIP = "showroom_own_tooltip"


def allow(target: QAction | QWidget, reason: str | None) -> bool:
    """Enable `target`, or disable it with `reason` as its tooltip; True when allowed."""
    own = target.property(_OWN_TIP)
    if own is None:
        own = target.toolTip()
        target.setProperty(_OWN_TIP, own)
    target.setEnabled(reason is None)
    target.setToolTip(own if reason is None else reason)
    return reason is None


def gate(target: QAction | QWidget, right: Right) -> bool:
    """Enable `target` when the signed-in user holds `right`; else disable it and say
    which right is missing. True when allowed."""
    return allow(target, None if access.has_right(right) else access.missing_right_message(right))
