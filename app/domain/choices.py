"""The fixed lists of the sales process: each value is stored as its code, shown by its label.

A label is marked for translation where its list is defined (``@labelled`` with ``NP_``, the
list's name as the context, since "New" of a condition and "New" of a lead may translate
differently) and translated when it is read: ``Interest.CASH.label`` in the screen's
language, ``Interest.CASH.translated(t)`` in a document's."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from app.domain.standard_names import CODED_LISTS
from app.i18n import NP_, Translator, current

E = TypeVar("E", bound="Choice")

# Each list's labels: the code -> (context, English label).
_LABELS: dict[type, dict[str, tuple[str, str]]] = {}


def labelled(labels: dict[str, tuple[str, str]]) -> Callable[[type[E]], type[E]]:
    """Gives a list its labels, one per code: ``@labelled({"cash": NP_("interest", "Cash")})``."""

    def register(cls: type[E]) -> type[E]:
        missing = {member.value for member in cls} - set(labels)
        if missing:
            raise ValueError(f"{cls.__name__}: no label for {sorted(missing)}")
        _LABELS[cls] = labels
        return cls

    return register


class Choice(StrEnum):
    @property
    def label(self) -> str:
        """The label in the screen's language."""
        return self.translated()

    @property
    def english(self) -> str:
        """The label as the source writes it (for data that stays English, like demo data)."""
        return _LABELS[type(self)][self.value][1]

    def translated(self, translator: Translator | None = None) -> str:
        """The label in `translator`'s language (a document's), else the screen's."""
        context, text = _LABELS[type(self)][self.value]
        # Through a name the extractor does not match: the labels are extracted where marked.
        translate = (translator or current()).pgettext
        return translate(context, text)

    @classmethod
    def parse(cls, value: str) -> Choice:
        """Accept the code or the label (in English or in the screen's language), in any
        case."""
        text = (value or "").strip().lower()
        if text in cls._value2member_map_:  # the code itself, as imports and forms send it
            return cls(text)
        for member in cls:
            if text in (member.value, member.english.lower(), member.label.lower()):
                return member
        raise ValueError(value)


@labelled(CODED_LISTS["interest"])
class Interest(Choice):
    """A kind of payment: a quote's payment method, and what each entry of the editable
    list of payment interests (reference.code_entries("interest")) says it is. Labelled as
    the shipped payment interests are (standard_names.CODED_LISTS)."""

    CASH = "cash"
    FINANCE = "finance"
    LEASE = "lease"


@labelled(
    {
        "new": NP_("condition", "New"),
        "used": NP_("condition", "Used"),
        "ex_demo": NP_("condition", "Ex-demo"),
    }
)
class Condition(Choice):
    """A vehicle's condition, and what an opportunity asks for."""

    NEW = "new"
    USED = "used"
    EX_DEMO = "ex_demo"


@labelled(
    {
        "for_sale": NP_("vehicle use", "For sale"),
        "demo_fleet": NP_("vehicle use", "Demo fleet"),
        "in_transit": NP_("vehicle use", "In transit"),
        "sold": NP_("vehicle use", "Sold"),
    }
)
class VehicleUse(Choice):
    """What a stock vehicle is for now. A sold one takes no test drive; the demo fleet's
    cars are the ones the vehicle calendar books."""

    FOR_SALE = "for_sale"
    DEMO_FLEET = "demo_fleet"
    IN_TRANSIT = "in_transit"
    SOLD = "sold"


# The one answer to "is this car sold?" wherever it is asked (the vehicle search, test
# drives, the vehicle calendar): the vehicle's use, never the sales it was on. The queries
# filter on these values; the rest asks vehicle_sold().
SOLD_USES = (VehicleUse.SOLD.value,)


def vehicle_sold(use: str | None) -> bool:
    """Whether a stock vehicle of this use is sold: out of stock, no test drive."""
    return use in SOLD_USES


@labelled(
    {
        "vehicle": NP_("demand kind", "Vehicle"),
        "accessories": NP_("demand kind", "Accessories"),
        "services": NP_("demand kind", "Services"),
        "financing": NP_("demand kind", "Financing"),
    }
)
class DemandKind(Choice):
    """A line of primary demand: what the customer asked for."""

    VEHICLE = "vehicle"
    ACCESSORIES = "accessories"
    SERVICES = "services"
    FINANCING = "financing"


@labelled(
    {
        "open": NP_("status", "Open"),
        "won": NP_("status", "Won"),
        "lost": NP_("status", "Lost"),
    }
)
class Status(Choice):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


@labelled(CODED_LISTS["channel"])
class Channel(Choice):
    """The shipped channels' codes, for the ones the program names (the walk-in desk's,
    the lead import's default, the demo's). The channels are an editable list: pickers and
    lists read it (reference.code_entries("channel")); the shipped entries' labels are in
    standard_names.CODED_LISTS."""

    WEB_FORM = "web_form"
    PHONE = "phone"
    WALK_IN = "walk_in"
    EMAIL = "email"
    TRADE_SHOW = "trade_show"
    REFERRAL = "referral"
    EXISTING_CUSTOMER = "existing_customer"
    OTHER = "other"


@labelled(
    {
        "new": NP_("lead status", "New"),
        "contacted": NP_("lead status", "Contacted"),
        "qualified": NP_("lead status", "Qualified"),
        "disqualified": NP_("lead status", "Disqualified"),
        "converted": NP_("lead status", "Converted"),
    }
)
class LeadStatus(Choice):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    DISQUALIFIED = "disqualified"
    CONVERTED = "converted"


@labelled(
    {
        "decision_maker": NP_("contact role", "Decision maker"),
        "co_buyer": NP_("contact role", "Co-buyer"),
        "driver": NP_("contact role", "Driver"),
        "fleet_manager": NP_("contact role", "Fleet manager"),
        "purchasing": NP_("contact role", "Purchasing"),
        "adviser": NP_("contact role", "Adviser"),
        "other": NP_("contact role", "Other"),
    }
)
class ContactRole(Choice):
    DECISION_MAKER = "decision_maker"
    CO_BUYER = "co_buyer"
    DRIVER = "driver"
    FLEET_MANAGER = "fleet_manager"
    PURCHASING = "purchasing"
    ADVISER = "adviser"
    OTHER = "other"


@labelled(
    {
        "appointment": NP_("activity kind", "Appointment"),
        "test_drive": NP_("activity kind", "Test drive"),
        "task": NP_("activity kind", "Task"),
        "call": NP_("activity kind", "Call"),
        "email": NP_("activity kind", "E-mail"),
        "note": NP_("activity kind", "Note"),
    }
)
class ActivityKind(Choice):
    APPOINTMENT = "appointment"
    TEST_DRIVE = "test_drive"
    TASK = "task"
    CALL = "call"
    EMAIL = "email"
    NOTE = "note"


@labelled(
    {
        "person": NP_("customer kind", "Person"),
        "company": NP_("customer kind", "Company"),
    }
)
class AccountKind(Choice):
    PERSON = "person"
    COMPANY = "company"


@labelled(
    {
        "salesperson": NP_("user role", "Salesperson"),
        "sales_manager": NP_("user role", "Sales manager"),
        "administrator": NP_("user role", "Administrator"),
        "read_only": NP_("user role", "Read-only"),
        "scheduler": NP_("user role", "Scheduled tasks"),
    }
)
class UserRole(Choice):
    SALESPERSON = "salesperson"
    SALES_MANAGER = "sales_manager"
    ADMINISTRATOR = "administrator"
    # Sees the sales (an accountant, an auditor); changes nothing.
    READ_ONLY = "read_only"
    # The login a scheduled task (backup, imports at night) keeps: nothing else.
    SCHEDULER = "scheduler"


@labelled(
    {
        "dealer": NP_("business kind", "Dealer"),
        "dealer_group": NP_("business kind", "Dealer group"),
        "importer": NP_("business kind", "Importer"),
    }
)
class BusinessKind(Choice):
    DEALER = "dealer"
    DEALER_GROUP = "dealer_group"
    IMPORTER = "importer"


@labelled(
    {
        "new_vehicle_sales": NP_("operation kind", "New-vehicle sales"),
        "used_vehicle_sales": NP_("operation kind", "Used-vehicle sales"),
        "fleet_sales": NP_("operation kind", "Fleet sales"),
        "service": NP_("operation kind", "Service"),
    }
)
class OperationKind(Choice):
    NEW_VEHICLE_SALES = "new_vehicle_sales"
    USED_VEHICLE_SALES = "used_vehicle_sales"
    FLEET_SALES = "fleet_sales"
    SERVICE = "service"


@labelled(
    {
        "standard": NP_("process kind", "Standard"),
        "custom": NP_("process kind", "Custom"),
        "without_stages": NP_("process kind", "Without stages"),
    }
)
class ProcessKind(Choice):
    STANDARD = "standard"
    CUSTOM = "custom"
    WITHOUT_STAGES = "without_stages"


@labelled(
    {
        "email": NP_("consent channel", "E-mail"),
        "phone": NP_("consent channel", "Phone"),
        "sms": NP_("consent channel", "SMS"),
    }
)
class ConsentChannel(Choice):
    """The ways a customer or lead may agree to be contacted for marketing (GDPR Art. 7;
    in Germany § 7 UWG asks for consent to each)."""

    EMAIL = "email"
    PHONE = "phone"
    SMS = "sms"


@labelled(
    {
        "web_form": NP_("consent method", "Web form (tick box)"),
        "in_person": NP_("consent method", "In person, signed"),
        "phone_call": NP_("consent method", "On the phone"),
        "email": NP_("consent method", "By e-mail"),
        "letter": NP_("consent method", "By letter"),
        "double_opt_in": NP_("consent method", "Confirmed by e-mail (double opt-in)"),
        "anonymised": NP_("consent method", "Ended by anonymisation"),
    }
)
class ConsentMethod(Choice):
    """How a consent was given or withdrawn."""

    WEB_FORM = "web_form"
    IN_PERSON = "in_person"
    PHONE_CALL = "phone_call"
    EMAIL = "email"
    LETTER = "letter"
    DOUBLE_OPT_IN = "double_opt_in"
    ANONYMISED = "anonymised"
