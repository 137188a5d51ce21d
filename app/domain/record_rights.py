"""Record rights: who may change one sale (an opportunity or a lead, and what hangs off it).

On top of the rights of a role (app.domain.rights): a salesperson edits what they own or
share and what their team holds untaken; a sales manager the sales of their facility (their
home facility, else their home business; a manager with no home, all); an administrator
everything; the read-only and scheduler roles nothing of the sales."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from app.domain.choices import UserRole
from app.domain.rights import Right
from app.i18n import _


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a sale: its owner, the team that holds it untaken, where it is sold, and
    its further salespeople (user ids)."""

    owner_id: int | None
    team_id: int | None
    facility_id: int | None
    business_id: int | None
    shared: frozenset[int] = frozenset()

    @property
    def untaken(self) -> bool:
        return self.owner_id is None


@dataclass(frozen=True, slots=True)
class Seller:
    """Where a user sells: their team and their home facility and business."""

    user_id: int
    team_id: int | None
    facility_id: int | None
    business_id: int | None


def manages(roles: Collection[str], rights: Collection[Right], seller: Seller, h: Holder) -> bool:
    """Whether the user manages this sale: an administrator any, a manager their site's."""
    if UserRole.ADMINISTRATOR.value in roles:
        return True
    if Right.MANAGE_SALES not in rights:
        return False
    if seller.facility_id is not None:
        if h.facility_id is not None:
            return h.facility_id == seller.facility_id
        return h.business_id is None or h.business_id == seller.business_id
    if seller.business_id is not None:
        return h.business_id is None or h.business_id == seller.business_id
    return True


def holds(seller: Seller, h: Holder) -> bool:
    """Whether the sale is the user's as a salesperson: owned, shared, or held untaken by
    their team (or by nobody at all)."""
    if h.owner_id == seller.user_id or seller.user_id in h.shared:
        return True
    return h.untaken and (h.team_id is None or h.team_id == seller.team_id)


def edit_refusal(
    roles: Collection[str],
    rights: Collection[Right],
    seller: Seller | None,
    h: Holder,
    owner_name: str = "",
) -> str | None:
    """Why the user may not change this sale, in words; None when they may."""
    if seller is None or Right.SELL not in rights:
        return _("You may only read the sales: you do not have the right “{right}”.").format(
            right=Right.SELL.label
        )
    if manages(roles, rights, seller, h) or holds(seller, h):
        return None
    if h.untaken:
        return _("Another team holds this; only its members may take it.")
    if Right.MANAGE_SALES in rights:
        return _("This is a sale of another facility; you may read it, not change it.")
    return _("This belongs to {name}; you may read it, not change it.").format(
        name=owner_name or _("another salesperson")
    )


def take_refusal(rights: Collection[Right], seller: Seller | None, h: Holder) -> str | None:
    """Why the user may not take this sale (become its owner); None when they may."""
    if seller is None or Right.SELL not in rights:
        return _("You do not have the right “{right}”.").format(right=Right.SELL.label)
    if not h.untaken:
        if h.owner_id == seller.user_id:
            return _("It is yours already.")
        return _("Someone has taken it already.")
    if h.team_id is not None and h.team_id != seller.team_id:
        return _("Another team holds this; only its members may take it.")
    return None
