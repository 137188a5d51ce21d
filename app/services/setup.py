"""Going live on an empty database: the first-run assistant's steps (the dealership, its
facilities and operations, the currency and VAT rates, the first users and teams) and what
is still missing for the program to sell, each with the step that adds it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from app.db import master_data as db
from app.db import models as m
from app.db import reference
from app.db.connection import transaction
from app.db.settings import put_setting, setting_value
from app.domain import money
from app.domain.choices import OperationKind, UserRole
from app.domain.fields import label
from app.domain.master_data import parse_rate, parse_rates
from app.domain.rights import Right
from app.domain.validation import ValidationError, Validator
from app.i18n import N_, _
from app.services import access, documents, master_data
from app.services import users as user_service
from app.services.master_data import BusinessRecord, FacilityRecord, OperationRecord
from app.services.workspace import check_settings_version, settings_version

CURRENCY_SETTING = "currency"  # what new opportunities and quotes are priced in
VAT_RATES_SETTING = "vat.rates"  # the rates the catalogue and the quote lines offer
MONEY_SETTING_KEYS = (CURRENCY_SETTING, documents.VAT_RATE_SETTING, VAT_RATES_SETTING)
MONEY_SETTINGS = N_("The setting of the currency and VAT rates")

# The assistant's steps, in order; what is missing names the step that adds it.
STEPS = ("dealership", "facilities", "money", "documents", "process", "users")


@dataclass(frozen=True, slots=True)
class Missing:
    """Something the program needs before it can do all it does: what, and which step of
    the assistant (or the Administration) adds it."""

    step: str
    message: str


def may_set_up() -> bool:
    return access.has_right(Right.SETUP)


def needs_assistant() -> bool:
    """Whether the first-run assistant is due: no dealership on file yet."""
    return not db.has_business()


def missing() -> list[Missing]:
    """What the program still lacks to sell, in the assistant's order."""
    access.require(Right.READ_SALES)
    found: list[Missing] = []
    counts = db.counts()
    dealer = reference.first_business()
    if dealer is None:
        found.append(
            Missing(
                "dealership",
                _("No dealership is on file: quotes and order forms cannot be issued."),
            )
        )
    elif not (dealer.registered_name and dealer.vat_number):
        found.append(
            Missing(
                "dealership",
                _("The dealership's registered name or VAT ID is missing from its documents."),
            )
        )
    if not counts["facilities"]:
        found.append(Missing("facilities", _("No facility (site) is on file.")))
    elif not counts["operations"]:
        found.append(Missing("facilities", _("No operation (new or used sales, ...) is on file.")))
    if setting_value(CURRENCY_SETTING) is None:
        found.append(Missing("money", _("The currency has not been set (euro is used).")))
    if counts["users"] < 2:
        found.append(Missing("users", _("Nobody but you can sign in yet.")))
    if not counts["catalogue"]:
        found.append(Missing("catalogue", _("The vehicle catalogue is empty.")))
    if not counts["stock"]:
        found.append(Missing("stock", _("No vehicle is in stock.")))
    return found


# --- the dealership -------------------------------------------------------------------------


def dealership() -> BusinessRecord:
    """The dealership (the business entered first), or a new one to fill in."""
    access.require(Right.READ_SALES)
    row = reference.first_business()
    return BusinessRecord() if row is None else master_data.get(BusinessRecord, row.id)


def save_dealership(record: BusinessRecord, logo: documents.Logo | None = None) -> BusinessRecord:
    """Save the dealership; with `logo` (documents.read_logo of the file chosen, or
    Logo("") for none), the logo its documents print too, kept in the database (one
    transaction: refused whole, field by field)."""
    access.require(Right.SETUP)
    with transaction():
        saved = master_data.save(record)
        if logo is not None:
            current = documents.document_settings(saved.id)
            documents.save_document_settings(
                replace(current, logo=logo.sha256, logo_data=logo.data)
            )
    return saved


def logo() -> documents.Logo | None:
    """The logo the documents print, from the database (None: none is set)."""
    access.require(Right.READ_SALES)
    return documents.stored_logo()


# --- facilities and operations --------------------------------------------------------------


def add_facility(
    facility: FacilityRecord, operation_kinds: list[str]
) -> tuple[FacilityRecord, list[OperationRecord]]:
    """A facility with its operations (one per kind ticked, named by the kind), in one
    transaction."""
    access.require(Right.SETUP)
    with transaction():
        saved = master_data.save(facility)
        operations = [
            master_data.save(
                OperationRecord(facility_id=saved.id, name=OperationKind(kind).label, kind=kind)
            )
            for kind in operation_kinds
        ]
    return saved, operations


def facilities_with_operations() -> list[str]:
    """Each active facility with its active operations, as the assistant lists them."""
    access.require(Right.READ_SALES)
    operations = master_data.operations(inactive=False)
    lines = []
    for facility in master_data.facilities(inactive=False):
        names = [o.name for o in operations if o.facility_id == facility.id]
        place = f"{facility.name} ({facility.city})" if facility.city else facility.name
        lines.append(
            _("{facility}: {operations}").format(
                facility=place, operations=", ".join(names) if names else "—"
            )
        )
    return lines


# --- the currency and VAT rates ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MoneySettings:
    currency: str
    default_vat_rate: str
    vat_rates: str  # "19; 7; 0"
    version: int = 0


def money_settings() -> MoneySettings:
    access.require(Right.READ_SALES)
    rates = setting_value(VAT_RATES_SETTING)
    default = documents.default_vat_rate()
    return MoneySettings(
        setting_value(CURRENCY_SETTING) or money.DEFAULT_CURRENCY,
        _rate_text(default),
        rates if rates is not None else _rate_text(default),
        settings_version(MONEY_SETTING_KEYS),
    )


def vat_rates() -> list[Decimal]:
    """The VAT rates the site uses, the default first."""
    settings = money_settings()
    v = Validator()
    rates = parse_rates(v, "vat_rates", settings.vat_rates, "")
    default = documents.default_vat_rate()
    return [default, *[r for r in rates if r != default]]


def _rate_text(rate: Decimal) -> str:
    return str(rate.quantize(Decimal(1)) if rate == rate.to_integral() else rate.normalize())


def save_money_settings(data: MoneySettings) -> MoneySettings:
    """The currency and VAT rates; the default rate is among the rates. Refused field by
    field, or over a save made elsewhere since they were read."""
    access.require(Right.SETUP)
    v = Validator()
    currency = v.currency("currency", data.currency.strip().upper())
    default = parse_rate(v, "default_vat_rate", data.default_vat_rate, label("setup.vat_rates"))
    if default is None and "default_vat_rate" not in v.errors:
        v.error("default_vat_rate", _("Give the VAT rate most sales are charged at."))
    rates = parse_rates(v, "vat_rates", data.vat_rates, label("setup.vat_rates"))
    v.raise_if_any()
    assert default is not None
    if default not in rates:
        rates.insert(0, default)
    with transaction():
        check_settings_version(MONEY_SETTING_KEYS, data.version, _(MONEY_SETTINGS))
        put_setting(CURRENCY_SETTING, currency)
        put_setting(documents.VAT_RATE_SETTING, str(default))
        put_setting(VAT_RATES_SETTING, "; ".join(_rate_text(r) for r in rates))
    return money_settings()


# --- the first users and teams ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewUser:
    full_name: str
    username: str
    role: str = UserRole.SALESPERSON.value
    team: str = ""  # a team's name: found, or created
    home_facility_id: int | None = None


@dataclass(frozen=True, slots=True)
class UserSummary:
    id: int
    full_name: str
    username: str
    role: str
    team: str
    # The one-time code the new user signs in with the first time, to choose their own
    # password (shown once; "" when listed later).
    code: str = ""


def _main_role(roles: frozenset[str]) -> str:
    for role in UserRole:
        if role.value in roles:
            return role.value
    return ""


def users() -> list[UserSummary]:
    """The active users with their main role and team, as the assistant lists them."""
    access.require(Right.MANAGE_USERS)
    return [
        UserSummary(
            u.id,
            u.full_name,
            u.username,
            _main_role(reference.user_roles(u.id)),
            u.team.name if u.team_id else "",
        )
        for u in db.users(inactive=False)
    ]


def add_user(data: NewUser) -> UserSummary:
    """A user with a one-time code to hand over (they choose their own password at their
    first sign-in), in a team if one is named (the team is created when new), at a home
    facility if one is given. One transaction."""
    access.require(Right.MANAGE_USERS)
    v = Validator()
    role = v.choice("role", data.role, UserRole, label("user.role"))
    team = v.optional("team", data.team, label("opportunity.team_id"), 80)
    # Every field refused at once: the login and name as the users' form checks them too.
    try:
        user_service.validate_user(
            user_service.UserRecord(
                None, data.username, data.full_name, roles=(UserRole.SALESPERSON.value,)
            )
        )
    except ValidationError as refused:
        for name, message in refused.errors.items():
            v.error(name, message)  # (the role is this form's own field, checked above)
    v.raise_if_any()
    with transaction():
        facility = None
        if data.home_facility_id is not None:
            facility = db.row(m.Facility, data.home_facility_id)
            if facility is None:
                v.error("home_facility_id", _("This facility no longer exists; pick another."))
                v.raise_if_any()
        record = user_service.save_user(
            user_service.UserRecord(
                None,
                data.username.strip(),
                data.full_name.strip(),
                home_facility_id=facility.id if facility else None,
                home_business_id=facility.business_id if facility else None,
                roles=(role,),
            )
        )
        assert record.id is not None
        if team:
            team_row = db.team_named(team) or db.write(m.Team, "team", None, {"name": team})
            db.write(m.User, "user", record.id, {"team": team_row.id})
        code = user_service.reset_password(record.id)
    return UserSummary(record.id, record.full_name, record.username, role, team, code)
