"""Demo data: a Bavarian dealer group with its stock, customers and a year of sales."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from app.db import bulk
from app.db import models as m
from app.db.connection import transaction
from app.domain import dates
from app.domain.choices import (
    AccountKind,
    BusinessKind,
    Channel,
    Condition,
    Interest,
    LeadStatus,
    OperationKind,
    Status,
    UserRole,
)
from app.domain.stages import StageInfo, first_stage, open_stages
from app.domain.vin import with_check_digit
from app.services import accounts, demo_activities, demo_quotes, matching
from app.services.reference import stage_infos


class DatabaseNotEmpty(RuntimeError):
    """Demo data goes only into a database without opportunities."""


@dataclass(frozen=True, slots=True)
class DemoSize:
    vehicles: int = 80
    accounts: int = 300
    opportunities: int = 400
    leads: int = 50  # not yet converted; converted ones come with their opportunities
    quoted: int = 400  # at most this many opportunities get their quotes and order forms
    active: int = 400  # at most this many opportunities get their activities


@dataclass(frozen=True, slots=True)
class DemoSummary:
    businesses: int
    facilities: int
    users: int
    catalogue_entries: int
    vehicles: int
    accounts: int
    contacts: int
    leads: int
    opportunities: int
    stage_changes: int
    quotes: int = 0
    order_forms: int = 0
    orders: int = 0
    activities: int = 0

    def __str__(self) -> str:
        return (
            f"{self.businesses} businesses, {self.facilities} facilities, {self.users} users, "
            f"{self.catalogue_entries} catalogue variants, {self.vehicles} vehicles, "
            f"{self.accounts} customers with {self.contacts} contacts, {self.leads} leads, "
            f"{self.opportunities} opportunities, {self.quotes} quotes, "
            f"{self.order_forms} order forms, {self.orders} orders, {self.activities} activities"
        )


# --- The catalogue -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Model:
    brand: str
    vehicle_class: str
    model: str
    model_code: str
    wmi: str  # world manufacturer identifier: the first three characters of the VIN
    vin_family: str  # characters 7-8 of a European VW-group VIN
    plant: str  # character 11: the assembly plant
    popularity: int  # how often it is asked for, relative to the others
    variants: tuple[tuple[str, int], ...]  # (variant, list price in whole euros)


_CATALOGUE: tuple[_Model, ...] = (
    _Model("Volkswagen", "Small", "Polo", "AW1", "WVW", "AW", "Y", 6,
           (("1.0 TSI Life", 23_870), ("1.0 TSI Style", 27_640), ("GTI", 35_070))),
    _Model("Volkswagen", "Compact", "Golf", "CD1", "WVW", "CD", "W", 10,
           (("1.5 eTSI Life", 33_495), ("2.0 TDI Style", 40_985), ("GTI", 46_430))),
    _Model("Volkswagen", "Compact", "ID.3", "E11", "WVW", "E1", "Z", 3,
           (("Pure 52 kWh", 36_900), ("Pro S 77 kWh", 44_755))),
    _Model("Volkswagen", "Mid-size", "Passat Variant", "CJ5", "WVW", "CJ", "B", 4,
           (("1.5 eTSI Business", 44_995), ("2.0 TDI Elegance", 55_145))),
    _Model("Volkswagen", "SUV", "T-Roc", "A11", "WVG", "A1", "W", 8,
           (("1.0 TSI Life", 28_875), ("1.5 TSI Style", 35_430),
            ("R-Line 2.0 TSI 4MOTION", 44_250))),
    _Model("Volkswagen", "SUV", "Tiguan", "CT1", "WVG", "CT", "W", 9,
           (("1.5 eTSI Life", 39_495), ("2.0 TDI 4MOTION Elegance", 52_395),
            ("R-Line 2.0 TSI 4MOTION", 56_715))),
    _Model("Volkswagen", "SUV", "ID.4", "E21", "WVG", "E2", "Z", 4,
           (("Pure", 40_335), ("Pro", 48_395), ("GTX", 54_365))),
    _Model("Volkswagen", "Van", "ID. Buzz", "EB1", "WV2", "EB", "H", 1,
           (("Pro", 64_581), ("Pro LWB", 68_519))),
    _Model("Škoda", "Small", "Fabia", "PJ4", "TMB", "PJ", "0", 5,
           (("1.0 TSI Selection", 22_390), ("1.5 TSI Monte Carlo", 29_850))),
    _Model("Škoda", "Compact", "Octavia Combi", "NX5", "TMB", "NX", "0", 9,
           (("1.5 TSI Selection", 33_290), ("2.0 TDI Sportline", 41_590), ("RS 2.0 TSI", 47_190))),
    _Model("Škoda", "Mid-size", "Superb Combi", "3Y5", "TMB", "3Y", "B", 3,
           (("1.5 TSI Selection", 44_740), ("2.0 TDI 4x4 L&K", 59_990))),
    _Model("Škoda", "SUV", "Kodiaq", "PS7", "TMB", "PS", "8", 5,
           (("1.5 TSI iV Selection", 45_190), ("2.0 TDI 4x4 Sportline", 54_120))),
    _Model("Škoda", "SUV", "Enyaq", "5A7", "TMB", "5A", "0", 5,
           (("85", 48_900), ("85x Sportline", 56_300))),
    _Model("Audi", "Compact", "A3 Sportback", "GYA", "WAU", "GY", "A", 5,
           (("30 TFSI", 35_350), ("35 TDI S line", 44_700))),
    _Model("Audi", "Mid-size", "A4 Avant", "8W5", "WAU", "8W", "A", 4,
           (("35 TDI S tronic", 48_600), ("40 TFSI quattro S line", 58_950))),
    _Model("Audi", "SUV", "Q3", "F3B", "WAU", "F3", "1", 5,
           (("35 TFSI", 42_100), ("40 TDI quattro S line", 55_400))),
    _Model("Audi", "SUV", "Q4 e-tron", "F4B", "WAU", "F4", "Z", 3,
           (("45 e-tron", 52_700), ("Sportback 55 e-tron quattro", 64_200))),
    _Model("Audi", "SUV", "Q5", "GUB", "WAU", "GU", "A", 4,
           (("40 TDI quattro", 59_600), ("55 TFSI e quattro", 72_300))),
    _Model("Cupra", "SUV", "Formentor", "KM7", "VSS", "KM", "E", 5,
           (("1.5 eTSI", 38_200), ("VZ e-HYBRID", 51_500), ("VZ 2.0 TSI 4Drive", 56_230))),
    _Model("Cupra", "Compact", "Born", "K11", "VSS", "K1", "Z", 2,
           (("58 kWh", 39_990), ("VZ 79 kWh", 52_950))),
    _Model("Cupra", "Compact", "Leon", "KL1", "VSS", "KL", "E", 3,
           (("1.5 eTSI", 34_040), ("VZ 2.0 TSI", 45_710))),
    _Model("SEAT", "Small", "Ibiza", "KJ1", "VSS", "KJ", "E", 3,
           (("1.0 TSI Style", 21_530), ("1.0 TSI FR", 24_730))),
    _Model("SEAT", "SUV", "Arona", "KJ7", "VSS", "KJ", "E", 3,
           (("1.0 TSI Style", 24_080), ("1.5 TSI FR", 29_990))),
)  # fmt: skip

_COLOURS: dict[str, tuple[str, ...]] = {
    "Volkswagen": ("Pure White", "Deep Black Pearl", "Moonstone Grey", "Kings Red", "Atlantic Blue",
                   "Reflex Silver", "Mangan Grey"),
    "Škoda": ("Moon White", "Magic Black", "Race Blue", "Velvet Red", "Graphite Grey",
              "Phoenix Orange"),
    "Audi": ("Glacier White", "Mythos Black", "Navarra Blue", "Daytona Grey", "Tango Red",
             "Floret Silver"),
    "Cupra": ("Magnetic Tech", "Midnight Black", "Graphene Grey", "Aurora Blue", "Century Bronze"),
    "SEAT": ("Nevada White", "Midnight Black", "Desire Red", "Sapphire Blue", "Magnetic Tech"),
}  # fmt: skip

# The characters of position 10 (model year) from 2010 on; the cycle repeats every 30 years.
_MODEL_YEARS = "ABCDEFGHJKLMNPRSTVWXY123456789"

# --- The organisation ----------------------------------------------------------------------

_GROUP = ("Brenner Automobil-Gruppe GmbH & Co. KG", "Leopoldstraße 180", "80804", "München",
          "+49 89 3541 900", "info@brenner-gruppe.example")  # fmt: skip


@dataclass(frozen=True, slots=True)
class _SiteSpec:
    business: str
    facility: str
    street: str
    postcode: str
    city: str
    phone: str
    email: str
    brands: tuple[str, ...]  # the new cars it sells; used cars of every brand go anywhere


_SITES = (
    _SiteSpec("Autohaus Brenner München GmbH", "München-Moosach", "Dachauer Straße 412", "80993",
              "München", "+49 89 1490 270", "verkauf@brenner-muenchen.example",
              ("Volkswagen", "Audi")),
    _SiteSpec("Brenner Automobile Rosenheim GmbH", "Rosenheim Süd", "Kufsteiner Straße 120",
              "83026", "Rosenheim", "+49 8031 8095 0", "verkauf@brenner-rosenheim.example",
              ("Škoda", "Cupra", "SEAT")),
)  # fmt: skip

# (username, full name, role, index of the home site; None for the manager of both)
_USERS: tuple[tuple[str, str, UserRole, int | None], ...] = (
    ("jweiss", "Jürgen Weiß", UserRole.SALESPERSON, 0),
    ("zwisniewska", "Zofia Wiśniewska", UserRole.SALESPERSON, 0),
    ("lhofbauer", "Lukas Hofbauer", UserRole.SALESPERSON, 0),
    ("edemir", "Elif Demir", UserRole.SALESPERSON, 1),
    ("slemaitre", "Sophie Lemaître", UserRole.SALESPERSON, 1),
    ("mricci", "Matteo Ricci", UserRole.SALESPERSON, 1),
    ("agrossmann", "Andrea Großmann", UserRole.SALES_MANAGER, None),
)

_TEAM = "Sales team Brenner"

# --- Customers -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Origin:
    weight: int
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]  # "Kowalski/Kowalska": the male and the female form


_ORIGINS: tuple[_Origin, ...] = (
    _Origin(60,
            ("Thomas", "Michael", "Andreas", "Stefan", "Christian", "Markus", "Florian",
             "Maximilian", "Sebastian", "Tobias", "Matthias", "Johannes", "Jörg", "Björn", "Uwe",
             "Günther", "Jürgen", "Lukas", "Felix", "Dominik"),
            ("Sabine", "Claudia", "Andrea", "Julia", "Katharina", "Anna", "Lena", "Laura", "Sarah",
             "Sophie", "Franziska", "Birgit", "Monika", "Ursula", "Dörte", "Hannah", "Lea", "Jana",
             "Bärbel", "Renate"),
            ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
             "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
             "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann",
             "Hartmann", "Lange", "Huber", "Gruber", "Mayr", "Maier", "Brandstätter", "Oberhuber",
             "Weißgerber", "Grünwald", "Rößler", "Kühn", "Bräuer", "Seidl", "Reiter", "Aigner",
             "Voß", "Wimmer", "Lechner", "Pichler", "Schmid-Hölzl")),
    _Origin(7,
            ("Marco", "Luca", "Alessandro", "Giuseppe", "Davide"),
            ("Giulia", "Francesca", "Chiara", "Maria", "Alessia"),
            ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
             "De Luca", "D'Angelo", "Conti", "Galli")),
    _Origin(7,
            ("Piotr", "Tomasz", "Krzysztof", "Paweł", "Łukasz"),
            ("Agnieszka", "Katarzyna", "Małgorzata", "Anna", "Zofia"),
            ("Nowak", "Kowalski/Kowalska", "Wiśniewski/Wiśniewska", "Wójcik",
             "Kamiński/Kamińska", "Lewandowski/Lewandowska", "Zieliński/Zielińska",
             "Dąbrowski/Dąbrowska", "Szymański/Szymańska")),
    _Origin(8,
            ("Mehmet", "Mustafa", "Emre", "Burak", "Can"),
            ("Ayşe", "Zeynep", "Elif", "Fatma", "Büşra"),
            ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Arslan", "Doğan",
             "Koç")),
    _Origin(5,
            ("Luka", "Ivan", "Marko", "Nikola", "Dragan"),
            ("Ivana", "Marija", "Ana", "Jelena", "Dragana"),
            ("Horvat", "Kovačević", "Babić", "Marić", "Jurić", "Jovanović", "Petrović", "Novak")),
    _Origin(4,
            ("Sean", "Patrick", "Liam", "Ciarán"),
            ("Siobhán", "Niamh", "Aoife", "Sinéad"),
            ("O'Brien", "O'Connor", "O'Sullivan", "Murphy", "McCarthy", "Byrne", "Kelly")),
    _Origin(4,
            ("Jean-Luc", "François", "Mathieu", "Théo"),
            ("Amélie", "Chloé", "Hélène", "Léa"),
            ("Dubois", "Lefèvre", "Moreau", "Girard", "Lemaître", "Fontaine", "Dupont")),
    _Origin(3,
            ("José", "Javier", "João"),
            ("Inés", "Lucía", "María José"),
            ("García", "Fernández", "Muñoz", "Peña", "Gonçalves", "Conceição")),
    _Origin(2,
            ("Γιώργος", "Νίκος", "Κώστας"),
            ("Ελένη", "Μαρία", "Κατερίνα"),
            ("Παπαδόπουλος/Παπαδοπούλου", "Κωνσταντίνου", "Βλάχος/Βλάχου", "Γεωργίου")),
    _Origin(2,
            ("Дмитрий", "Сергей", "Стоян"),
            ("Ольга", "Наталья", "Елена"),
            ("Иванов/Иванова", "Смирнов/Смирнова", "Петров/Петрова", "Попов/Попова")),
)  # fmt: skip

# Company names here are German-style ("Zimmerei Huber"); a Greek or Cyrillic surname in one
# would look made up.
_LATIN_ORIGINS = tuple(o for o in _ORIGINS if o.surnames[0] < "\u0370")

# Companies every demo has, whatever the seed: they show the awkward characters.
_FIXED_COMPANIES = (
    "J&C Motors GmbH",
    "Müller & Söhne Transporte KG",
    "O'Neill Logistics GmbH",
    "Steuerkanzlei Hartmann & Partner mbB",
    "Pflegedienst Lindenhof gGmbH",
    "Café Rößler",
)
_TRADES = ("Bau", "Haustechnik", "Elektrotechnik", "Logistik", "Gartenbau", "Immobilien",
           "Metallbau", "Sanitär", "Dachbau", "Fliesen", "Kältetechnik", "Transporte")  # fmt: skip
_LEGAL_FORMS = ("GmbH", "GmbH", "GmbH & Co. KG", "KG", "e.K.", "AG", "OHG")
_CRAFTS = ("Schreinerei", "Zimmerei", "Bäckerei", "Metzgerei", "Autovermietung",
           "Physiotherapie", "Architekturbüro", "Malerbetrieb", "Elektro", "Getränke")  # fmt: skip
_JOB_TITLES = ("Managing director", "Fleet manager", "Office manager", "Purchasing",
               "Owner", "Head of accounts", "Assistant to the management")  # fmt: skip

# (postcode, city, country, dialling prefix, weight)
_PLACES: tuple[tuple[str, str, str, str, int], ...] = (
    ("80331", "München", "Germany", "+49 89", 2), ("80469", "München", "Germany", "+49 89", 2),
    ("80637", "München", "Germany", "+49 89", 2), ("80797", "München", "Germany", "+49 89", 2),
    ("80992", "München", "Germany", "+49 89", 3), ("80993", "München", "Germany", "+49 89", 3),
    ("81241", "München", "Germany", "+49 89", 2), ("81369", "München", "Germany", "+49 89", 2),
    ("81543", "München", "Germany", "+49 89", 2), ("81669", "München", "Germany", "+49 89", 2),
    ("81929", "München", "Germany", "+49 89", 2), ("85737", "Ismaning", "Germany", "+49 89", 1),
    ("82008", "Unterhaching", "Germany", "+49 89", 1),
    ("83022", "Rosenheim", "Germany", "+49 8031", 3),
    ("83026", "Rosenheim", "Germany", "+49 8031", 3),
    ("83059", "Kolbermoor", "Germany", "+49 8031", 2),
    ("83209", "Prien am Chiemsee", "Germany", "+49 8051", 1),
    ("83512", "Wasserburg am Inn", "Germany", "+49 8071", 1),
    ("85221", "Dachau", "Germany", "+49 8131", 2), ("85354", "Freising", "Germany", "+49 8161", 1),
    ("82319", "Starnberg", "Germany", "+49 8151", 1),
    ("83646", "Bad Tölz", "Germany", "+49 8041", 1),
    ("83278", "Traunstein", "Germany", "+49 861", 1),
    ("82256", "Fürstenfeldbruck", "Germany", "+49 8141", 1),
    ("86150", "Augsburg", "Germany", "+49 821", 1),
    ("85049", "Ingolstadt", "Germany", "+49 841", 1),
    ("5020", "Salzburg", "Austria", "+43 662", 1), ("6330", "Kufstein", "Austria", "+43 5372", 1),
)  # fmt: skip
_STREETS = ("Hauptstraße", "Bahnhofstraße", "Lindenweg", "Am Anger", "Schillerstraße",
            "Goethestraße", "Münchner Straße", "Kirchplatz", "Rosenheimer Straße",
            "Prinzregentenstraße", "Leopoldstraße", "Birkenweg", "Gartenstraße", "Ahornweg",
            "Ringstraße", "Sonnenstraße", "Wendelsteinstraße", "Kaiser-Ludwig-Platz",
            "Äußere Wiener Straße", "Fraunhoferstraße")  # fmt: skip
_BUSINESS_STREETS = ("Industriestraße", "Gewerbering", "Am Gewerbepark", "Robert-Bosch-Straße",
                     "Carl-Benz-Straße", "Lilienthalstraße")  # fmt: skip
_MOBILE_PREFIXES = ("151", "152", "157", "160", "170", "171", "175", "176", "179")
_EMAIL_DOMAINS = ("example.com", "example.net", "example.org")

# Letters an e-mail address cannot take as they are: German ones as Germans spell them,
# the rest after their accents are gone.
_UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
_TRANSLITERATION = {
    "ß": "ss", "ł": "l", "ø": "o", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe",
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
    "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip

# --- Sales ---------------------------------------------------------------------------------

_CHANNELS: tuple[tuple[Channel, int, tuple[str, ...]], ...] = (
    (Channel.WEB_FORM, 30, ("dealer website", "mobile.de", "AutoScout24", "brand configurator",
                            "Facebook campaign")),
    (Channel.PHONE, 15, ("phone call", "Google Ads", "dealer website")),
    (Channel.WALK_IN, 20, ("showroom", "Spring open day {spring}")),
    (Channel.EMAIL, 7, ("info mailbox", "mobile.de")),
    (Channel.TRADE_SHOW, 4, ("IAA Mobility {iaa}", "Rosenheim car fair")),
    (Channel.REFERRAL, 6, ("customer referral", "employee referral")),
    (Channel.EXISTING_CUSTOMER, 15, ("service visit", "lease return", "loyalty mailing")),
    (Channel.OTHER, 3, ("fleet tender", "partner dealer")),
)  # fmt: skip
# Channels a lead comes in through, so its opportunity starts at Qualify.
_LEAD_CHANNELS = {Channel.WEB_FORM, Channel.PHONE, Channel.EMAIL, Channel.TRADE_SHOW}

# Where open opportunities stand, by stage name.
_OPEN_STAGE_WEIGHTS = {"Qualify": 12, "Interest": 30, "Quotation": 28, "Contract": 18,
                       "Delivery": 12}  # fmt: skip
# The stage at which lost ones were given up.
_LOST_AT_WEIGHTS = {"Qualify": 25, "Interest": 35, "Quotation": 30, "Contract": 10}
# Share of open opportunities with a reserved stock vehicle, by stage name.
_RESERVE_SHARE = {"Quotation": 0.35, "Contract": 0.8, "Delivery": 1.0}
# How long an open opportunity has been running by its stage, in days.
_AGE_BY_STAGE = {"Qualify": (1, 14), "Interest": (3, 45), "Quotation": (7, 60),
                 "Contract": (14, 90), "Delivery": (21, 120)}  # fmt: skip

_LOST_REASONS = ("Price too high", "Bought elsewhere", "Delivery time too long",
                 "Financing declined", "Trade-in offer too low", "No longer interested",
                 "Chose another brand")  # fmt: skip
# Lost reasons after which the salesperson notes who won the sale, and who that was.
_COMPETITOR_REASONS = {"Bought elsewhere", "Bought another brand", "Chose another brand"}
_COMPETITORS = ("Autohaus Kern (BMW)", "Auto Wimmer (Toyota)", "Mercedes-Benz Niederlassung",
                "Hyundai Zentrum Rosenheim", "Autohaus Seitz (Ford)", "Tesla online")  # fmt: skip
_OLD_CARS = ("Golf VII", "Passat B7", "Octavia II", "Opel Astra", "Ford Focus", "BMW 320d",
             "Audi A4 B8", "Toyota Auris", "Polo V", "Fiat 500")  # fmt: skip
# (description, the way of paying it fits, if only one)
_DESCRIPTIONS: tuple[tuple[str, Interest | None], ...] = (
    ("Wants a test drive at the weekend; the family decides on the colour together.", None),
    ("Current car: {old} with about 140,000 km; asks for a trade-in valuation.", None),
    ("Needs a tow bar (2,000 kg) and winter tyres on alloy wheels.", None),
    ("Company car: the fleet policy caps CO₂ at 120 g/km.", Interest.LEASE),
    ("Prefers a lease over 36 months, 10,000 km a year.", Interest.LEASE),
    ("Wants 20 % down and 48 monthly instalments; asked for a finance quote.", Interest.FINANCE),
    ("Asked for delivery before the summer holidays.", None),
    ("Compares with an offer from another dealer; price-sensitive.", None),
    ("Long commute (80 km a day); interested in the plug-in hybrid and the diesel.", None),
)


# --- Generation ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Site:
    business_id: int
    facility_id: int
    new_operation_id: int
    used_operation_id: int
    brands: tuple[str, ...]
    salespeople: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Person:
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str


@dataclass(frozen=True, slots=True)
class _Account:
    id: int
    company: bool
    name: str
    last_name: str
    street: str
    postcode: str
    city: str
    country: str
    contacts: tuple[_Person, ...]


@dataclass(frozen=True, slots=True)
class _Vehicle:
    id: int
    condition: Condition
    model: _Model
    variant: str
    price: int  # whole euros
    site: int


@dataclass(slots=True)
class _Plan:
    """One opportunity before it becomes rows: its story, then its fields."""

    account: _Account
    status: Status
    path: list[StageInfo]  # every stage it went through; the last is where it stands
    channel: Channel
    condition: Condition
    model: _Model
    variant: str
    price: int
    quantity: int
    site: int
    from_lead: bool
    vehicle: _Vehicle | None = None


def _ascii(text: str) -> str:
    """A name as it goes into an e-mail address: "Müller" -> "mueller", "Ольга" -> "olga"."""
    text = "".join(_UMLAUTS.get(c, c) for c in text.lower())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(
        _TRANSLITERATION.get(c, c) for c in plain if c.isalnum() or c in _TRANSLITERATION
    )


def _vat_number(rng: random.Random) -> str:
    """A German VAT number: DE, eight digits and an ISO 7064 MOD 11,10 check digit."""
    digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
    product = 10
    for digit in digits:
        total = (digit + product) % 10 or 10
        product = (2 * total) % 11
    check = (11 - product) % 10
    return "DE" + "".join(map(str, digits)) + str(check)


_VEHICLE_COLUMNS = (
    "id", "vin", "stock_number", "condition", "brand", "vehicle_class", "model", "model_code",
    "variant", "colour", "first_registration", "mileage_km", "list_price_minor", "currency",
    "facility_id",
)  # fmt: skip


class _Builder:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.sites: list[_Site] = []
        self.manager_id = 0
        self.team_id = 0
        self.catalogue_count = 0
        self.vehicles: list[_Vehicle] = []
        self.ordered_vehicles: list[tuple[object, ...]] = []  # rows for contracts beyond stock
        self.accounts: list[_Account] = []
        self.contact_count = 0
        self.opportunity_count = 0
        self.lead_count = 0
        self.phone_region = accounts.phone_region()
        self.stage_change_count = 0
        self.user_count = 0
        self.emails: set[str] = set()
        self.lost_reasons: list[str] = list(_LOST_REASONS)
        self.spring = (today - timedelta(days=120)).year
        iaa = (today - timedelta(days=270)).year  # held in Munich each odd year, in September
        self.iaa = iaa if iaa % 2 else iaa - 1

    # Organisation ------------------------------------------------------------------------

    def add_organisation(self) -> None:
        rng = self.rng
        name, street, postcode, city, phone, email = _GROUP
        group = m.Business.create(
            name=name,
            kind=BusinessKind.DEALER_GROUP.value,
            street=street,
            postcode=postcode,
            city=city,
            country="Germany",
            vat_number=_vat_number(rng),
            phone=phone,
            email=email,
        )
        for spec in _SITES:
            business = m.Business.create(
                name=spec.business,
                kind=BusinessKind.DEALER.value,
                parent=group,
                street=spec.street,
                postcode=spec.postcode,
                city=spec.city,
                country="Germany",
                vat_number=_vat_number(rng),
                phone=spec.phone,
                email=spec.email,
            )
            facility = m.Facility.create(
                business=business,
                name=spec.facility,
                street=spec.street,
                postcode=spec.postcode,
                city=spec.city,
            )
            new = m.Operation.create(
                facility=facility,
                name=OperationKind.NEW_VEHICLE_SALES.label,
                kind=OperationKind.NEW_VEHICLE_SALES.value,
            )
            used = m.Operation.create(
                facility=facility,
                name=OperationKind.USED_VEHICLE_SALES.label,
                kind=OperationKind.USED_VEHICLE_SALES.value,
            )
            self.sites.append(_Site(business.id, facility.id, new.id, used.id, spec.brands))

    def add_users(self) -> None:
        team, _ = m.Team.get_or_create(name=_TEAM)
        self.team_id = team.id
        for username, full_name, role, site in _USERS:
            user = m.User.get_or_none(m.User.username == username)
            if user is None:
                user = m.User.create(
                    username=username, full_name=full_name, role=role.value, team=team
                )
            self.user_count += 1
            if site is None:
                self.manager_id = user.id
            else:
                self.sites[site].salespeople.append(user.id)

    # Catalogue and stock -----------------------------------------------------------------

    def add_catalogue(self) -> None:
        known = set(
            m.CatalogueEntry.select(
                m.CatalogueEntry.brand,
                m.CatalogueEntry.vehicle_class,
                m.CatalogueEntry.model,
                m.CatalogueEntry.model_code,
                m.CatalogueEntry.variant,
            ).tuples()
        )
        rows = [
            (c.brand, c.vehicle_class, c.model, c.model_code, variant, price * 100, "EUR")
            for c in _CATALOGUE
            for variant, price in c.variants
            if (c.brand, c.vehicle_class, c.model, c.model_code, variant) not in known
        ]
        self.catalogue_count = bulk.insert_rows(
            "catalogue_entry",
            ("brand", "vehicle_class", "model", "model_code", "variant", "list_price_minor",
             "currency"),
            rows,
        )  # fmt: skip

    def _model(self, condition: Condition, site: int | None = None) -> _Model:
        models = [c for c in _CATALOGUE if site is None or c.brand in self.sites[site].brands]
        if condition == Condition.USED:
            return self.rng.choice(models)
        return self.rng.choices(models, weights=[c.popularity for c in models])[0]

    def _vin(self, model: _Model, year: int, taken: set[str]) -> str:
        while True:
            serial = self.rng.randint(0, 999_999)
            code = _MODEL_YEARS[(year - 2010) % 30]
            text = with_check_digit(
                f"{model.wmi}ZZZ{model.vin_family}Z{code}{model.plant}{serial:06d}"
            )
            if text not in taken:
                taken.add(text)
                return text

    def add_vehicles(self, count: int) -> None:
        rng, today = self.rng, self.today
        taken = {r[0] for r in m.Vehicle.select(m.Vehicle.vin).tuples()}
        stock_numbers = {r[0] for r in m.Vehicle.select(m.Vehicle.stock_number).tuples()}
        first_id = bulk.next_id("vehicle")
        rows: list[tuple[object, ...]] = []
        for n in range(count):
            used = rng.random() < 0.4
            site = rng.randrange(len(self.sites))
            model = self._model(Condition.USED if used else Condition.NEW, None if used else site)
            variant, price = rng.choice(model.variants)
            colour = rng.choice(_COLOURS[model.brand])
            if used:
                years = rng.randint(1, 7)
                registered = today - timedelta(days=365 * years + rng.randint(0, 300))
                mileage = years * rng.randint(90, 220) * 100 + rng.randint(0, 99)
                value = price * 0.86**years * max(0.5, 1 - mileage / 400_000)
                price = max(4_990, int(value / 100) * 100 - 10)
                year = registered.year
            else:
                registered, mileage = None, rng.randint(5, 40)
                year = today.year + (1 if today.month >= 6 else 0)
            number = f"{'U' if used else 'N'}-{10_001 + n}"
            while number in stock_numbers:
                number += "A"
            stock_numbers.add(number)
            vehicle = _Vehicle(
                first_id + n,
                Condition.USED if used else Condition.NEW,
                model,
                variant,
                price,
                site,
            )
            self.vehicles.append(vehicle)
            rows.append(
                (
                    vehicle.id, self._vin(model, year, taken), number, vehicle.condition.value,
                    model.brand, model.vehicle_class, model.model, model.model_code, variant,
                    colour, registered, mileage, price * 100, "EUR",
                    self.sites[site].facility_id,
                )
            )  # fmt: skip
        bulk.insert_rows("vehicle", _VEHICLE_COLUMNS, rows)

    # Customers ---------------------------------------------------------------------------

    def _person(self, origins: Sequence[_Origin] = _ORIGINS) -> tuple[str, str]:
        rng = self.rng
        origin = rng.choices(origins, weights=[o.weight for o in origins])[0]
        female = rng.random() < 0.5
        first = rng.choice(origin.female if female else origin.male)
        surname = rng.choice(origin.surnames)
        forms = surname.split("/")
        return first, forms[-1] if female else forms[0]

    def _email(self, local: str, domain: str) -> str:
        address = f"{local}@{domain}"
        n = 1
        while address in self.emails:
            n += 1
            address = f"{local}{n}@{domain}"
        self.emails.add(address)
        return address

    def _place(self) -> tuple[str, str, str, str]:
        postcode, city, country, prefix, _ = self.rng.choices(
            _PLACES, weights=[p[4] for p in _PLACES]
        )[0]
        return postcode, city, country, prefix

    def _mobile(self, prefix: str) -> str:
        rng = self.rng
        if prefix.startswith("+43"):
            return f"+43 664 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        mobile = rng.choice(_MOBILE_PREFIXES)
        return f"+49 {mobile} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"

    def _company_name(self, index: int, names: set[str]) -> str:
        rng = self.rng
        if index < len(_FIXED_COMPANIES):
            return _FIXED_COMPANIES[index]
        name = ""
        for _ in range(5):
            surname = self._person(_LATIN_ORIGINS)[1]
            pattern = rng.random()
            if pattern < 0.5:
                name = f"{surname} {rng.choice(_TRADES)} {rng.choice(_LEGAL_FORMS)}"
            elif pattern < 0.8:
                name = f"{rng.choice(_CRAFTS)} {surname}"
            else:
                partner = self._person(_LATIN_ORIGINS)[1]
                name = f"{surname} & {partner} {rng.choice(_LEGAL_FORMS)}"
            if name not in names:
                break
        names.add(name)
        return name

    def add_accounts(self, count: int) -> None:
        rng = self.rng
        companies = max(len(_FIXED_COMPANIES), count // 6)
        account_id = bulk.next_id("account")
        contact_id = bulk.next_id("contact")
        account_rows: list[tuple[object, ...]] = []
        contact_rows: list[tuple[object, ...]] = []
        names: set[str] = set()
        # Companies go first so the fixed ones exist at every size, then the rest shuffles in.
        kinds = [True] * min(companies, count) + [False] * max(0, count - companies)
        fixed, rest = kinds[: len(_FIXED_COMPANIES)], kinds[len(_FIXED_COMPANIES) :]
        rng.shuffle(rest)
        for index, company in enumerate(fixed + rest):
            postcode, city, country, prefix = self._place()
            landline = f"{prefix} {rng.randint(10_000, 9_999_999)}"
            people: list[_Person] = []
            if company:
                name = self._company_name(index, names)
                last_name = name
                street = f"{rng.choice(_BUSINESS_STREETS)} {rng.randint(1, 60)}"
                domain = (_ascii(name.split()[0]) or "firma") + "-" + _ascii(city) + ".example"
                email = self._email("info", domain)
                account_rows.append(
                    (account_id, AccountKind.COMPANY.value, name, "", "", name, email, landline,
                     street, postcode, city, country)
                )  # fmt: skip
                for _ in range(rng.choices((1, 2, 3), weights=(5, 3, 2))[0]):
                    first, last = self._person()
                    person = _Person(
                        contact_id,
                        first,
                        last,
                        self._email(f"{_ascii(first)[:1]}.{_ascii(last)}", domain),
                        f"{landline}-{rng.randint(10, 99)}",
                    )
                    people.append(person)
                    contact_rows.append(
                        (contact_id, account_id, first, last, person.email, person.phone,
                         rng.choice(_JOB_TITLES))
                    )  # fmt: skip
                    contact_id += 1
            else:
                first, last_name = self._person()
                name = f"{last_name}, {first}"
                local = f"{_ascii(first)}.{_ascii(last_name)}"
                if rng.random() < 0.3:
                    local = f"{_ascii(first)[:1]}{_ascii(last_name)}{rng.randint(60, 99)}"
                email = self._email(local, rng.choice(_EMAIL_DOMAINS))
                phone = self._mobile(prefix) if rng.random() < 0.7 else landline
                number = rng.randint(1, 120)
                suffix = rng.choice("ab") if rng.random() < 0.1 else ""
                street = f"{rng.choice(_STREETS)} {number}{suffix}"
                account_rows.append(
                    (account_id, AccountKind.PERSON.value, name, first, last_name, "", email,
                     phone, street, postcode, city, country)
                )  # fmt: skip
                people.append(_Person(contact_id, first, last_name, email, phone))
                contact_rows.append((contact_id, account_id, first, last_name, email, phone, ""))
                contact_id += 1
            self.accounts.append(
                _Account(account_id, company, name, last_name, street, postcode, city, country,
                         tuple(people))
            )  # fmt: skip
            account_id += 1
        bulk.insert_rows(
            "account",
            ("id", "kind", "name", "first_name", "last_name", "company_name", "email", "phone",
             "street", "postcode", "city", "country"),
            account_rows,
        )  # fmt: skip
        # The duplicate check's keys and the sort name, computed where accounts.create does.
        accounts.rebuild_match_keys(only_missing=True)
        self.contact_count += bulk.insert_rows(
            "contact",
            ("id", "account_id", "first_name", "last_name", "email", "phone", "job_title"),
            contact_rows,
        )

    # Opportunities and leads -------------------------------------------------------------

    def _plans(self, count: int, stages: list[StageInfo]) -> list[_Plan]:
        rng = self.rng
        ordered = open_stages(stages)
        won = next(s for s in stages if s.is_won)
        lost = next(s for s in stages if s.is_lost)
        open_weights = [_OPEN_STAGE_WEIGHTS.get(s.name, 10) for s in ordered]
        lost_weights = [_LOST_AT_WEIGHTS.get(s.name, 0) for s in ordered]
        channel_weights = [c[1] for c in _CHANNELS]
        plans = []
        for _ in range(count):
            draw = rng.random()
            status = Status.OPEN if draw < 0.62 else Status.WON if draw < 0.84 else Status.LOST
            if status == Status.WON:
                end = len(ordered) - 1
            else:
                weights = open_weights if status == Status.OPEN else lost_weights
                end = rng.choices(range(len(ordered)), weights=weights)[0]
            channel = rng.choices(_CHANNELS, weights=channel_weights)[0][0]
            # Qualify is only for opportunities converted from a lead.
            from_lead = ordered[end].only_from_lead or (
                channel in _LEAD_CHANNELS and rng.random() < 0.6
            )
            if from_lead and channel not in _LEAD_CHANNELS:
                channel = Channel.WEB_FORM
            start = first_stage(stages, from_lead)
            begin = ordered.index(start) if start in ordered else 0
            path = ordered[begin : end + 1]
            if status == Status.WON:
                path.append(won)
            elif status == Status.LOST:
                path.append(lost)
            account = rng.choice(self.accounts)
            condition = Condition.USED if rng.random() < 0.3 else Condition.NEW
            site = rng.randrange(len(self.sites))
            model = self._model(condition, None if condition == Condition.USED else site)
            variant, price = rng.choice(model.variants)
            fleet = account.company and condition == Condition.NEW and rng.random() < 0.3
            quantity = rng.randint(2, 5) if fleet else 1
            plans.append(
                _Plan(account, status, path, channel, condition, model, variant, price,
                      quantity, site, from_lead)
            )  # fmt: skip
        self._reserve(plans)
        return plans

    def _reserve(self, plans: list[_Plan]) -> None:
        """Give open opportunities far along a vehicle from stock, never one vehicle twice; a
        quarter of the stock stays free for new sales."""
        rng = self.rng
        free = list(self.vehicles)
        rng.shuffle(free)
        by_model: dict[tuple[Condition, str], list[_Vehicle]] = {}
        by_brand: dict[tuple[Condition, str], list[_Vehicle]] = {}
        by_condition: dict[Condition, list[_Vehicle]] = {}
        for v in free:
            by_model.setdefault((v.condition, v.model.model), []).append(v)
            by_brand.setdefault((v.condition, v.model.brand), []).append(v)
            by_condition.setdefault(v.condition, []).append(v)
        taken: set[int] = set()
        budget = len(self.vehicles) * 3 // 4
        wanting = [
            p
            for p in plans
            if p.status == Status.OPEN and rng.random() < _RESERVE_SHARE.get(p.path[-1].name, 0)
        ]
        # In no order of stage: a car ordered from the factory covers the contracts the
        # stock does not, so quoted sales hold stock cars too.
        rng.shuffle(wanting)
        for plan in wanting:
            if len(taken) >= budget:
                break
            for pool in (
                by_model.get((plan.condition, plan.model.model), []),
                by_brand.get((plan.condition, plan.model.brand), []),
                by_condition.get(plan.condition, []),
            ):
                while pool and pool[-1].id in taken:
                    pool.pop()
                if pool:
                    vehicle = pool.pop()
                    taken.add(vehicle.id)
                    plan.vehicle, plan.site, plan.quantity = vehicle, vehicle.site, 1
                    plan.model, plan.variant = vehicle.model, vehicle.variant
                    plan.price = vehicle.price
                    break
        self._order_vehicles(plans)

    def _order_vehicles(self, plans: list[_Plan]) -> None:
        """A vehicle, with its VIN, for each single-car sale under contract, in delivery or
        won that the stock did not cover: the car ordered for it (and sold, when won)."""
        rng, today = self.rng, self.today
        taken = {r[0] for r in m.Vehicle.select(m.Vehicle.vin).tuples()}
        next_id = bulk.next_id("vehicle") + len(self.vehicles)
        for plan in plans:
            contracted = plan.status == Status.WON or (
                plan.status == Status.OPEN and plan.path[-1].name in ("Contract", "Delivery")
            )
            if plan.vehicle is not None or not contracted or plan.quantity != 1:
                continue
            used = plan.condition == Condition.USED
            if used:
                years = rng.randint(1, 6)
                registered: date | None = today - timedelta(days=365 * years + rng.randint(0, 300))
                mileage = years * rng.randint(90, 220) * 100
                price = max(4_990, int(plan.price * 0.86**years / 100) * 100 - 10)
                year = registered.year if registered else today.year
            else:
                registered, mileage, price = None, rng.randint(5, 40), plan.price
                year = today.year
            vehicle = _Vehicle(
                next_id,
                plan.condition,
                plan.model,
                plan.variant,
                price,
                plan.site,
            )
            plan.vehicle, plan.price = vehicle, price
            self.ordered_vehicles.append(
                (
                    next_id, self._vin(plan.model, year, taken), f"S-{next_id}",
                    plan.condition.value, plan.model.brand, plan.model.vehicle_class,
                    plan.model.model, plan.model.model_code, plan.variant,
                    rng.choice(_COLOURS[plan.model.brand]), registered, mileage, price * 100,
                    "EUR", self.sites[plan.site].facility_id,
                )
            )  # fmt: skip
            next_id += 1

    def _moments(self, first_day: date, last_day: date, count: int) -> list[datetime]:
        """`count` moments in business hours from first_day to last_day, in order."""
        rng = self.rng
        span = max(0, (last_day - first_day).days)
        return sorted(
            datetime.combine(
                first_day + timedelta(days=rng.randint(0, span)),
                time(rng.randint(8, 18), rng.randint(0, 59)),
            )
            for _ in range(count)
        )

    def add_opportunities(self, count: int) -> None:
        """Opportunities with their stage and close-date history, and the converted lead of
        each that began at Qualify."""
        rng, today = self.rng, self.today
        kind = (
            m.OpportunityKind.select()
            .where(m.OpportunityKind.process == "standard")
            .order_by(m.OpportunityKind.id)
            .get()
        )
        stages = stage_infos(kind.id)
        self.lost_reasons = _reasons("lost", _LOST_REASONS)
        plans = self._plans(count, stages)
        opportunity_id = bulk.next_id("opportunity")
        lead_id = bulk.next_id("lead")
        opportunities: list[tuple[object, ...]] = []
        leads: list[tuple[object, ...]] = []
        moves: list[tuple[object, ...]] = []
        close_changes: list[tuple[object, ...]] = []
        for plan in plans:
            stage = plan.path[-1]
            site = self.sites[plan.site]
            if plan.status == Status.OPEN:
                close_date = self._open_close_date()
                low, high = _AGE_BY_STAGE.get(stage.name, (3, 60))
                first_day = today - timedelta(days=rng.randint(low, high))
                if close_date <= first_day + timedelta(days=3):
                    first_day = close_date - timedelta(days=rng.randint(7, 40))
                last_day = today - timedelta(days=1)
            else:
                close_date = today - timedelta(days=rng.randint(1, 330))
                first_day = close_date - timedelta(days=rng.randint(7, 90))
                last_day = close_date
            moments = self._moments(first_day, last_day, len(plan.path))
            if plan.status != Status.OPEN:
                closing = datetime.combine(
                    close_date, time(rng.randint(15, 18), rng.randint(0, 59))
                )
                moments[-1] = max(moments[-1], closing)
            owner: int | None = rng.choice(site.salespeople)
            if rng.random() < 0.05:
                owner = self.manager_id
            elif stage.only_from_lead and rng.random() < 0.25:
                owner = None  # waiting in the team's queue for a salesperson
            author = owner or self.manager_id
            for index, (moment, to_stage) in enumerate(zip(moments, plan.path, strict=True)):
                from_stage = plan.path[index - 1].id if index else None
                automatic = to_stage.is_won or (index > 0 and rng.random() < 0.3)
                # Reopening looks for the closing move by this reason.
                reason = plan.status.value if to_stage.is_closed else ""
                moves.append(
                    (opportunity_id, from_stage, to_stage.id, automatic, reason, moment, moment, 1,
                     author)
                )  # fmt: skip
            default_date = dates.default_close_date(moments[0].date())
            close_changes.append(
                (opportunity_id, None, default_date, moments[0], moments[0], 1, author)
            )
            if close_date != default_date:
                when = max((t for t in moments if t.date() <= close_date), default=moments[0])
                close_changes.append(
                    (opportunity_id, default_date, close_date, when, when, 1, author)
                )
            row = self._opportunity(plan, close_date, moments)
            contact = rng.choice(plan.account.contacts) if plan.account.contacts else None
            row.update(
                id=opportunity_id,
                kind_id=kind.id,
                primary_contact_id=contact.id if contact else None,
                owner_id=owner,
                team_id=self.team_id,
                lead_id=lead_id if plan.from_lead else None,
                changed_by=author,
            )
            if plan.from_lead:
                leads.append(self._converted_lead(lead_id, plan.account, contact, row, moments[0]))
                lead_id += 1
            opportunities.append(tuple(row[c] for c in _OPPORTUNITY_COLUMNS))
            opportunity_id += 1
        bulk.insert_rows("vehicle", _VEHICLE_COLUMNS, self.ordered_vehicles)
        self.lead_count += bulk.insert_rows("lead", _LEAD_COLUMNS, leads)
        self.opportunity_count += bulk.insert_rows(
            "opportunity", _OPPORTUNITY_COLUMNS, opportunities
        )
        stamped = ("created_at", "updated_at", "version", "changed_by")
        self.stage_change_count += bulk.insert_rows(
            "stage_change",
            ("opportunity_id", "from_stage_id", "to_stage_id", "automatic", "reason", *stamped),
            moves,
        )
        bulk.insert_rows(
            "close_date_change", ("opportunity_id", "old_date", "new_date", *stamped), close_changes
        )

    def _open_close_date(self) -> date:
        """Spread so every saved filter shows something: overdue, 7, 30, 90 days, later."""
        rng = self.rng
        low, high = rng.choices(
            ((-45, -1), (0, 7), (8, 30), (31, 90), (91, 180)), weights=(6, 14, 27, 33, 20)
        )[0]
        return self.today + timedelta(days=rng.randint(low, high))

    def _opportunity(
        self, plan: _Plan, close_date: date, moments: Sequence[datetime]
    ) -> dict[str, object]:
        """The opportunity's own fields; links to people and the process are the caller's."""
        rng, today = self.rng, self.today
        stage = plan.path[-1]
        site = self.sites[plan.site]
        model = plan.model
        used = plan.condition == Condition.USED
        interest = rng.choices(
            (Interest.CASH, Interest.FINANCE, Interest.LEASE),
            weights=(45, 40, 15) if used else (30, 35, 35),
        )[0]
        if plan.vehicle is not None:
            revenue = plan.vehicle.price
        elif used:
            revenue = int(plan.price * rng.uniform(0.55, 0.8) / 100) * 100 - 10
        else:
            revenue = int(plan.price * plan.quantity * (1 - rng.uniform(0, 0.07)) / 10) * 10
        trade_in = rng.randint(20, 250) * 100 if rng.random() < 0.35 else 0
        old = rng.choice(_OLD_CARS)
        text, fits = rng.choice(_DESCRIPTIONS)
        delivery: date | None = None
        if plan.status == Status.WON:
            delivery = close_date
        elif plan.status == Status.OPEN and stage.name == "Delivery":
            delivery = today + timedelta(days=rng.randint(2, 28))
        elif plan.status == Status.OPEN and stage.name == "Contract" and rng.random() < 0.5:
            delivery = today + timedelta(days=rng.randint(14, 75))
        closing_note = ""
        if plan.status == Status.WON and rng.random() < 0.5:
            closing_note = f"Handed over on {close_date.strftime('%d.%m.%Y')}."
        elif plan.status == Status.LOST and rng.random() < 0.5:
            closing_note = "Customer may come back next year."
        source = rng.choice(next(c[2] for c in _CHANNELS if c[0] == plan.channel))
        lost_reason = rng.choice(self.lost_reasons) if plan.status == Status.LOST else ""
        competitor = ""
        if lost_reason in _COMPETITOR_REASONS and rng.random() < 0.7:
            competitor = rng.choice(_COMPETITORS)
        return {
            "topic": self._topic(plan, interest, old, trade_in > 0),
            "account_id": plan.account.id,
            "stage_id": stage.id,
            "probability": stage.default_probability,
            "probability_by_hand": False,
            "status": plan.status.value,
            "lost_reason": lost_reason,
            "competitor": competitor,
            "closed_at": moments[-1] if plan.status != Status.OPEN else None,
            "closing_note": closing_note,
            "est_close_date": close_date,
            "currency": "EUR",
            "est_revenue_minor": revenue * 100,
            "est_revenue_accessories_minor": (
                rng.randint(30, 400) * 1000 if rng.random() < 0.4 else 0
            ),
            "est_trade_in_minor": trade_in * 100,
            "channel": plan.channel.value,
            "source": source.format(spring=self.spring, iaa=self.iaa),
            "description": (
                text.format(old=old) if fits in (None, interest) and rng.random() < 0.4 else ""
            ),
            "interest": interest.value,
            "condition": plan.condition.value,
            "brand": model.brand,
            "vehicle_class": model.vehicle_class,
            "model": model.model,
            "model_code": model.model_code,
            "variant": plan.variant,
            "vehicle_id": plan.vehicle.id if plan.vehicle else None,
            "scheduled_delivery": delivery,
            "business_id": site.business_id,
            "facility_id": site.facility_id,
            "operation_id": site.used_operation_id if used else site.new_operation_id,
            "created_at": moments[0],
            "updated_at": moments[-1],
            "version": len(moments),
        }

    def _topic(self, plan: _Plan, interest: Interest, old: str, trade_in: bool) -> str:
        model = plan.model.model
        if plan.account.company:
            if plan.quantity > 1:
                return f"{plan.quantity} × {model} for the fleet"
            return self.rng.choice(
                (f"Company car {model}", f"{model} {plan.variant}", f"Fleet renewal: {model}")
            )
        if trade_in and self.rng.random() < 0.5:
            return f"{model}, trade-in {old}"
        return self.rng.choice(
            (
                f"{model} for {plan.account.last_name}",
                f"{model} {plan.variant}",
                f"{model} – {interest.label.lower()}",
                f"{'Used' if plan.condition == Condition.USED else 'New'} {model}",
            )
        )

    def _converted_lead(
        self,
        lead_id: int,
        account: _Account,
        person: _Person | None,
        opportunity: dict[str, object],
        converted_at: datetime,
    ) -> tuple[object, ...]:
        """The lead an opportunity was converted from: what the customer sent, a little
        before the opportunity began."""
        received = converted_at - timedelta(hours=self.rng.randint(1, 72))
        first, last = (person.first_name, person.last_name) if person else ("", account.name)
        email, phone = (person.email, person.phone) if person else ("", "")
        return (
            lead_id, first, last, account.name if account.company else "", email, phone,
            *self._lead_keys(email, phone), account.street, account.postcode, account.city,
            account.country,
            *(opportunity[c] for c in _LEAD_INTEREST), opportunity["description"],
            opportunity["owner_id"], LeadStatus.CONVERTED.value, "", account.id,
            person.id if person else None, converted_at, received, converted_at, 2,
            opportunity["changed_by"],
        )  # fmt: skip

    def _lead_keys(self, email: str, phone: str) -> tuple[str, str]:
        """What the duplicate check compares, as leads.create stores it."""
        return matching.email_key(email), matching.phone_key(phone, self.phone_region)

    def add_open_leads(self, count: int) -> None:
        """Leads not yet converted: fresh ones, ones being worked on, and some disqualified.
        A few come from customers already on file, for the duplicate check to find."""
        rng, today = self.rng, self.today
        reasons = _reasons("disqualify", ("No purchase intention",))
        salespeople = [u for site in self.sites for u in site.salespeople]
        lead_channels = [c for c in _CHANNELS if c[0] in _LEAD_CHANNELS]
        channel_weights = [c[1] for c in lead_channels]
        rows: list[tuple[object, ...]] = []
        lead_id = bulk.next_id("lead")
        for _ in range(count):
            status = rng.choices(
                (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED,
                 LeadStatus.DISQUALIFIED),
                weights=(35, 25, 15, 25),
            )[0]  # fmt: skip
            known = rng.choice(self.accounts) if rng.random() < 0.15 else None
            if known is not None and known.contacts:
                person = known.contacts[0]
                first, last, email, phone = (
                    person.first_name, person.last_name, person.email, person.phone
                )  # fmt: skip
                company = known.name if known.company else ""
                postcode, city, country = known.postcode, known.city, known.country
            else:
                first, last = self._person()
                postcode, city, country, prefix = self._place()
                email = self._email(f"{_ascii(first)}.{_ascii(last)}", rng.choice(_EMAIL_DOMAINS))
                phone = self._mobile(prefix) if rng.random() < 0.6 else ""
                company = ""
            channel, _, sources = rng.choices(lead_channels, weights=channel_weights)[0]
            model = self._model(Condition.NEW)
            variant = rng.choice(model.variants)[0] if rng.random() < 0.5 else ""
            age = rng.randint(0, 4) if status == LeadStatus.NEW else rng.randint(2, 40)
            received = datetime.combine(
                today - timedelta(days=age), time(rng.randint(7, 21), rng.randint(0, 59))
            )
            if age == 0:  # a lead of today came in this morning, before the demo is loaded
                received = datetime.combine(today, time(7, rng.randint(0, 59)))
            worked = status != LeadStatus.NEW
            owner = rng.choice(salespeople) if worked or rng.random() < 0.5 else None
            changed = received + timedelta(hours=rng.randint(1, 30)) if worked else received
            rows.append(
                (lead_id, first, last, company, email, phone, *self._lead_keys(email, phone), "",
                 postcode, city, country,
                 rng.choice(list(Interest)).value, Condition.NEW.value, model.brand,
                 model.vehicle_class, model.model, model.model_code if variant else "", variant,
                 channel.value, rng.choice(sources).format(spring=self.spring, iaa=self.iaa),
                 rng.choice(_LEAD_MESSAGES).format(model=model.model), owner, status.value,
                 rng.choice(reasons) if status == LeadStatus.DISQUALIFIED else "", None, None,
                 None, received, min(changed, datetime.combine(today, time())), 2 if worked else 1,
                 owner or self.manager_id)
            )  # fmt: skip
            lead_id += 1
        self.lead_count += bulk.insert_rows("lead", _LEAD_COLUMNS, rows)

    def summary(self) -> DemoSummary:
        return DemoSummary(
            businesses=1 + len(self.sites),
            facilities=len(self.sites),
            users=self.user_count,
            catalogue_entries=self.catalogue_count,
            vehicles=len(self.vehicles) + len(self.ordered_vehicles),
            accounts=len(self.accounts),
            contacts=self.contact_count,
            leads=self.lead_count,
            opportunities=self.opportunity_count,
            stage_changes=self.stage_change_count,
        )


def _reasons(kind: str, fallback: Sequence[str]) -> list[str]:
    """The active reasons of a catalogue (lost, disqualify), in their order."""
    query = m.Reason.select(m.Reason.name).where(m.Reason.kind == kind, m.Reason.active)
    return [r[0] for r in query.order_by(m.Reason.sequence).tuples()] or list(fallback)


_OPPORTUNITY_COLUMNS = (
    "id", "topic", "account_id", "primary_contact_id", "kind_id", "stage_id", "probability",
    "probability_by_hand", "status", "lost_reason", "closing_note", "est_close_date", "currency",
    "est_revenue_minor", "est_revenue_accessories_minor", "est_trade_in_minor", "owner_id",
    "team_id", "channel", "source", "description", "interest", "condition", "brand",
    "vehicle_class", "model", "model_code", "variant", "vehicle_id", "scheduled_delivery",
    "business_id", "facility_id", "operation_id", "lead_id", "competitor", "closed_at",
    "created_at", "updated_at", "version", "changed_by",
)  # fmt: skip
# What a lead and the opportunity made from it share.
_LEAD_INTEREST = ("interest", "condition", "brand", "vehicle_class", "model", "model_code",
                  "variant", "channel", "source")  # fmt: skip
_LEAD_COLUMNS = (
    "id", "first_name", "last_name", "company_name", "email", "phone", "email_key", "phone_key",
    "street", "postcode",
    "city", "country", *_LEAD_INTEREST, "notes", "owner_id", "status", "disqualify_reason",
    "converted_account_id", "converted_contact_id", "converted_at", "created_at", "updated_at",
    "version", "changed_by",
)  # fmt: skip
_LEAD_MESSAGES = (
    "Please send me an offer for the {model}.",
    "Is the {model} available for a test drive this Saturday?",
    "What would a lease on the {model} cost over 36 months?",
    "I would like to trade in my current car for a {model}.",
    "Bitte um Rückruf wegen {model}, gerne nach 17 Uhr.",
    "",
)


def load_demo(
    seed: int = 7, today: date | None = None, size: DemoSize | None = None
) -> DemoSummary:
    """Fill a database without opportunities with the demo dealer group, in one transaction.
    The same seed and day give the same data; every date is counted from `today`. A larger
    `size` makes the benchmarks' databases from the same material."""
    size = size or DemoSize()
    builder = _Builder(random.Random(seed), today or date.today())
    with transaction():
        if m.Opportunity.select().exists():
            raise DatabaseNotEmpty(
                "This database already holds opportunities; demo data goes only into an empty one."
            )
        builder.add_organisation()
        builder.add_users()
        builder.add_catalogue()
        builder.add_vehicles(size.vehicles)
        builder.add_accounts(size.accounts)
        builder.add_opportunities(size.opportunities)
        builder.add_open_leads(size.leads)
        issued = demo_quotes.add_documents(builder.rng, builder.today, size.quoted)
        activity_count = demo_activities.add_activities(builder.rng, builder.today, size.active)
        m.Setting.insert(key="currency", value="EUR").on_conflict_replace().execute()
    return replace(
        builder.summary(),
        quotes=issued.quotes,
        order_forms=issued.order_forms,
        orders=issued.orders,
        activities=activity_count,
    )
