"""Who may do what: the rights, and which roles hold them.

A service checks a right (``app.services.access.require``) before it reads or changes what
the right guards; the screens ask the same question to disable, with the reason as a tooltip,
what the signed-in user may not do. Record rights (a salesperson edits what they own, share
or their team holds untaken) come on top of these and are checked per record."""

from __future__ import annotations

from collections.abc import Iterable

from app.domain.choices import Choice, UserRole, labelled
from app.i18n import NP_


@labelled(
    {
        "read_sales": NP_("right", "See the sales"),
        "sell": NP_("right", "Sell (own leads, opportunities and quotes)"),
        "manage_sales": NP_("right", "Manage the sales of others"),
        "see_purchase_prices": NP_("right", "See purchase prices"),
        "print_documents": NP_("right", "Print issued documents"),
        "export_data": NP_("right", "Export data"),
        "import_data": NP_("right", "Import data"),
        "setup": NP_("right", "Set up the dealership"),
        "manage_users": NP_("right", "Manage users and teams"),
        "backup": NP_("right", "Back up the database"),
        "restore": NP_("right", "Restore a backup"),
        "purge": NP_("right", "Purge and anonymise personal data"),
        "read_audit": NP_("right", "Read the audit log"),
    }
)
class Right(Choice):
    READ_SALES = "read_sales"
    SELL = "sell"
    MANAGE_SALES = "manage_sales"
    SEE_PURCHASE_PRICES = "see_purchase_prices"
    PRINT_DOCUMENTS = "print_documents"
    EXPORT_DATA = "export_data"
    IMPORT_DATA = "import_data"
    SETUP = "setup"
    MANAGE_USERS = "manage_users"
    BACKUP = "backup"
    RESTORE = "restore"
    PURGE = "purge"
    READ_AUDIT = "read_audit"


_SALESPERSON = frozenset({Right.READ_SALES, Right.SELL, Right.PRINT_DOCUMENTS, Right.EXPORT_DATA})

ROLE_RIGHTS: dict[UserRole, frozenset[Right]] = {
    UserRole.SALESPERSON: _SALESPERSON,
    UserRole.SALES_MANAGER: _SALESPERSON
    | {Right.MANAGE_SALES, Right.SEE_PURCHASE_PRICES, Right.IMPORT_DATA, Right.READ_AUDIT},
    UserRole.ADMINISTRATOR: frozenset(Right),
    UserRole.READ_ONLY: frozenset({Right.READ_SALES, Right.PRINT_DOCUMENTS, Right.EXPORT_DATA}),
    UserRole.SCHEDULER: frozenset({Right.BACKUP, Right.IMPORT_DATA}),
}


def rights_of(roles: Iterable[str]) -> frozenset[Right]:
    """The rights a user with these roles (codes) holds; an unknown code holds none."""
    held: set[Right] = set()
    for code in roles:
        try:
            held |= ROLE_RIGHTS[UserRole(code)]
        except ValueError:
            continue
    return frozenset(held)
