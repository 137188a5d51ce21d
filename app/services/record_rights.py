"""Record rights in the services: whether the signed-in user may change one opportunity or
lead (and its quotes, activities and documents), taking a sale a team holds, and a manager
reassigning one. Every service that writes a sale calls `require_*` first."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import models as m
from app.db import record_rights as db
from app.db import reference
from app.db.connection import current_transaction, transaction
from app.domain import record_rights as rule
from app.domain.record_rights import Holder
from app.domain.rights import Right, rights_of
from app.i18n import _
from app.services import access
from app.services.errors import NotAllowed, NotFound

OPPORTUNITY = "opportunity"
LEAD = "lead"


@dataclass(frozen=True, slots=True)
class SaleAccess:
    """What the signed-in user may do with one sale, with the reasons when not."""

    edit_refusal: str | None
    take_refusal: str | None
    manage_refusal: str | None

    @property
    def editable(self) -> bool:
        return self.edit_refusal is None

    @property
    def takeable(self) -> bool:
        return self.take_refusal is None

    @property
    def manageable(self) -> bool:
        return self.manage_refusal is None


def _holder(kind: str, record_id: int) -> Holder:
    found = db.opportunity_holder(record_id) if kind == OPPORTUNITY else db.lead_holder(record_id)
    if found is None:
        if kind == OPPORTUNITY:
            raise NotFound(_("Opportunity #{id} no longer exists.").format(id=record_id))
        raise NotFound(_("Lead #{id} no longer exists.").format(id=record_id))
    return found


def _user_name(user_id: int | None) -> str:
    if user_id is None:
        return ""
    return m.User.select(m.User.full_name).where(m.User.id == user_id).scalar() or ""


@dataclass(frozen=True, slots=True)
class _Who:
    user_id: int | None
    roles: frozenset[str]
    rights: frozenset[Right]
    seller: rule.Seller | None


_known: dict[tuple[int, tuple[int, int]], _Who] = {}  # read in the transaction under way


def _who() -> _Who:
    """The signed-in user with their roles, rights and where they sell: two statements,
    once per transaction."""
    user_id = m.acting_user()
    if user_id is None:
        return _Who(None, frozenset(), frozenset(), None)
    under_way = current_transaction()
    if under_way is not None and (user_id, under_way) in _known:
        return _known[(user_id, under_way)]
    roles = reference.user_roles(user_id)
    who = _Who(user_id, roles, rights_of(roles), db.seller(user_id))
    if under_way is not None:
        _known.clear()
        _known[(user_id, under_way)] = who
    return who


def _access(h: Holder, who: _Who | None = None) -> SaleAccess:
    who = who or _who()
    roles, rights, seller = who.roles, who.rights, who.seller
    edit = rule.edit_refusal(roles, rights, seller, h)
    if edit is not None and h.owner_id is not None and Right.SELL in rights:
        # Named only when refused: the owner's name costs a statement.
        edit = rule.edit_refusal(roles, rights, seller, h, _user_name(h.owner_id))
    take = rule.take_refusal(rights, seller, h)
    manage: str | None = None
    if seller is None or not rule.manages(roles, rights, seller, h):
        manage = (
            access.missing_right_message(Right.MANAGE_SALES)
            if Right.MANAGE_SALES not in rights
            else _("This is a sale of another facility; you may read it, not change it.")
        )
    return SaleAccess(edit, take, manage)


def sale_access(kind: str, record_id: int) -> SaleAccess:
    """What the signed-in user may do with this opportunity or lead (kind: "opportunity",
    "lead")."""
    who = _who()
    if Right.READ_SALES not in who.rights:
        raise NotAllowed(access.missing_right_message(Right.READ_SALES), Right.READ_SALES.value)
    return _access(_holder(kind, record_id), who)


def access_of(holder: Holder) -> SaleAccess:
    """sale_access for a sale whose holder the caller has read already (the form)."""
    who = _who()
    if Right.READ_SALES not in who.rights:
        raise NotAllowed(access.missing_right_message(Right.READ_SALES), Right.READ_SALES.value)
    return _access(holder, who)


def require_edit(kind: str, record_id: int) -> None:
    """Refuse (NotAllowed, saying why) a change to a sale the user may not change."""
    who = _who()
    if Right.SELL not in who.rights:
        raise NotAllowed(access.missing_right_message(Right.SELL), Right.SELL.value)
    refusal = _access(_holder(kind, record_id), who).edit_refusal
    if refusal is not None:
        raise NotAllowed(refusal, right=Right.SELL.value)


def require_opportunity(opportunity_id: int) -> None:
    require_edit(OPPORTUNITY, opportunity_id)


def require_lead(lead_id: int) -> None:
    require_edit(LEAD, lead_id)


def require_quote(quote_id: int) -> None:
    """A quote is changed by whoever may change its opportunity."""
    access.require(Right.SELL)
    opportunity_id = db.quote_opportunity(quote_id)
    if opportunity_id is None:
        raise NotFound(_("Quote #{id} no longer exists.").format(id=quote_id))
    require_opportunity(opportunity_id)


def require_activity(activity_id: int) -> None:
    """An activity is changed by whoever may change what it belongs to: its opportunity or
    lead; one on a customer alone by its owner, anyone when it has none, or a manager."""
    access.require(Right.SELL)
    parent = db.activity_parent(activity_id)
    if parent is None:
        raise NotFound(_("This activity no longer exists."))
    require_activity_parent(*parent)


def require_activity_parent(
    opportunity_id: int | None, lead_id: int | None, owner_id: int | None
) -> None:
    """Refuse an activity (new or changed) on a sale the user may not change."""
    access.require(Right.SELL)
    if opportunity_id is not None:
        require_opportunity(opportunity_id)
    elif lead_id is not None:
        require_lead(lead_id)
    elif (
        owner_id is not None
        and owner_id != m.acting_user()
        and not access.has_right(Right.MANAGE_SALES)
    ):
        raise NotAllowed(
            _("This is {name}'s; you may read it, not change it.").format(
                name=_user_name(owner_id)
            ),
            right=Right.MANAGE_SALES.value,
        )


def require_order_form(order_form_id: int) -> None:
    """An order form (and its order) is changed by whoever may change its opportunity."""
    access.require(Right.SELL)
    opportunity_id = db.order_form_opportunity(order_form_id)
    if opportunity_id is None:
        raise NotFound(_("The order form no longer exists."))
    require_opportunity(opportunity_id)


def require_order(order_id: int) -> None:
    access.require(Right.SELL)
    opportunity_id = db.order_opportunity(order_id)
    if opportunity_id is None:
        raise NotFound(_("The order no longer exists."))
    require_opportunity(opportunity_id)


def require_new_sale(owner_id: int | None, team_id: int | None) -> None:
    """Refuse a new sale (or an activity on a customer) the user could not then change:
    a salesperson creates for themselves or their own team; a manager for anyone."""
    access.require(Right.SELL)
    if access.has_right(Right.MANAGE_SALES):
        return
    refusal = _access(Holder(owner_id, team_id, None, None)).edit_refusal
    if refusal is not None:
        raise NotAllowed(refusal, right=Right.MANAGE_SALES.value)


KEEP = -1  # a team_id meaning "as it is"


def require_holder_change(
    kind: str, record_id: int, owner_id: int | None, team_id: int | None = KEEP
) -> None:
    """Refuse a save that changes who holds a sale (owner, team) unless the user manages
    it; a salesperson may only take one their team holds: from nobody to themselves."""
    h = _holder(kind, record_id)
    if team_id == KEEP:
        team_id = h.team_id
    if (owner_id, team_id) == (h.owner_id, h.team_id):
        return
    a = _access(h)
    if a.manageable:
        return
    if team_id == h.team_id and h.untaken and owner_id == m.acting_user() and a.takeable:
        return
    raise NotAllowed(
        _("Only a sales manager may hand a sale to someone else."), right=Right.MANAGE_SALES.value
    )


def require_salespeople_change(opportunity_id: int, user_ids: list[int]) -> None:
    """Refuse a change of the further salespeople unless the user manages the sale."""
    if sorted(set(user_ids)) == db.salespeople(opportunity_id):
        return
    if not _access(_holder(OPPORTUNITY, opportunity_id)).manageable:
        raise NotAllowed(
            _("Only a sales manager may change who else sells an opportunity."),
            right=Right.MANAGE_SALES.value,
        )


def _owner_change(kind: str, record_id: int, owner_id: int | None, team_id: int | None) -> None:
    row = (m.Opportunity if kind == OPPORTUNITY else m.Lead).get_by_id(record_id)
    row.owner = owner_id
    row.team = team_id
    row.save()  # audited: owner and team, old -> new


def take(kind: str, record_id: int) -> None:
    """The signed-in salesperson takes a sale their team (or nobody) holds: they become its
    owner (in the audit log and the record's History); the team stays as it was."""
    access.require(Right.SELL)
    with transaction():
        h = _holder(kind, record_id)
        refusal = _access(h).take_refusal
        if refusal is not None:
            raise NotAllowed(refusal, right=Right.SELL.value)
        _owner_change(kind, record_id, m.acting_user(), h.team_id)


def reassign(
    kind: str,
    record_id: int,
    owner_id: int | None,
    team_id: int | None,
    salespeople: list[int] | None = None,
) -> None:
    """A manager hands a sale to an owner, or to a team to hold untaken (owner None), and
    sets the opportunity's further salespeople; each change is in the audit log."""
    access.require(Right.MANAGE_SALES)
    with transaction():
        h = _holder(kind, record_id)
        refusal = _access(h).manage_refusal
        if refusal is not None:
            raise NotAllowed(refusal, right=Right.MANAGE_SALES.value)
        if owner_id is None and team_id is None:
            raise NotAllowed(_("A sale needs an owner or a team that holds it."))
        if (owner_id, team_id) != (h.owner_id, h.team_id):
            _owner_change(kind, record_id, owner_id, team_id)
        if kind == OPPORTUNITY and salespeople is not None:
            write_salespeople(record_id, [u for u in salespeople if u != owner_id])


def write_salespeople(opportunity_id: int, user_ids: list[int]) -> None:
    """Set the further salespeople (inside the caller's transaction), audited on the
    opportunity as "salespeople": names old -> new."""
    before, after = db.set_salespeople(opportunity_id, user_ids)
    if before != after:
        m.write_audit(
            OPPORTUNITY,
            opportunity_id,
            "update",
            {"salespeople": (_names(before), _names(after))},
        )


def _names(user_ids: list[int]) -> str:
    if not user_ids:
        return ""
    rows = m.User.select(m.User.full_name).where(m.User.id.in_(user_ids)).order_by(m.User.full_name)
    return ", ".join(r[0] for r in rows.tuples())


def salespeople(opportunity_id: int) -> list[int]:
    """The further salespeople of an opportunity (user ids)."""
    access.require(Right.READ_SALES)
    return db.salespeople(opportunity_id)


def shared_with(opportunity_id: int) -> list[int]:
    """salespeople() without its own right check, for a caller that has made one (the form)."""
    return db.salespeople(opportunity_id)
