"""The signed-in user's rights, checked by every service that needs one."""

from __future__ import annotations

from app.db import models as m
from app.db import reference as db
from app.db.connection import current_transaction
from app.domain.rights import Right, rights_of
from app.i18n import _
from app.services.errors import NotAllowed

# The rights read in the transaction under way: (user, transaction) -> their rights.
_read: dict[tuple[int, tuple[int, int]], frozenset[Right]] = {}


def current_rights() -> frozenset[Right]:
    """What the signed-in user may do (nothing before anyone has signed in). Read once per
    transaction: a service's checks inside one ask the database once."""
    user_id = m.acting_user()
    if user_id is None:
        return frozenset()
    under_way = current_transaction()
    if under_way is None:
        return rights_of(db.user_roles(user_id))
    key = (user_id, under_way)
    if key not in _read:
        _read.clear()
        _read[key] = rights_of(db.user_roles(user_id))
    return _read[key]


def has_right(right: Right) -> bool:
    return right in current_rights()


def missing_right_message(right: Right) -> str:
    """Says which right is missing, in words (also the tooltip of a disabled action)."""
    return _("You do not have the right “{right}”.").format(right=right.label)


def require(right: Right) -> None:
    """Refuse (NotAllowed, naming the right) a call the signed-in user has no right to."""
    if not has_right(right):
        raise NotAllowed(missing_right_message(right), right=right.value)
