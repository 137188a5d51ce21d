from pathlib import Path

import pytest

from app.db import models as m
from app.domain.rights import Right
from app.services import access
from app.services.errors import NotAllowed
from tests.people import add_user


def test_the_signed_in_users_role_decides_and_a_refusal_names_the_missing_right(
    db: Path,
) -> None:
    assert access.has_right(Right.MANAGE_USERS)  # anna is the administrator
    clerk = add_user("acc", "read_only")
    m.set_acting_user(clerk.id)
    assert access.has_right(Right.READ_SALES)
    with pytest.raises(NotAllowed) as refused:
        access.require(Right.SELL)
    assert refused.value.right == "sell"
    assert "Sell" in str(refused.value)


def test_an_inactive_user_holds_no_right(db: Path) -> None:
    gone = add_user("gone", "administrator", active=False)
    m.set_acting_user(gone.id)
    assert access.current_rights() == frozenset()


def test_the_rights_are_read_once_per_transaction_and_afresh_in_the_next(db: Path) -> None:
    from app.db.connection import transaction

    bruno = add_user("bruno", "salesperson")
    m.set_acting_user(bruno.id)
    with transaction():
        assert access.has_right(Right.SELL)
        m.User.update(active=False).where(m.User.id == bruno.id).execute()
        assert access.has_right(Right.SELL)  # read once in this transaction
    assert not access.has_right(Right.SELL)  # outside one: read afresh
    with transaction(), pytest.raises(NotAllowed):
        access.require(Right.SELL)
