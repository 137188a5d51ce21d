"""The demo dealer group's material: its catalogue, sites and staff, the names and places of
its customers, the weights of its sales stories, and the columns its rows are inserted by."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field

from app.domain.choices import Channel, Condition, Interest, Status, UserRole
from app.domain.stages import StageInfo
from app.i18n import N_, gettext


def said(text: str) -> str:
    """A demo text (marked N_) in the language the demo is loaded in (the screen's); "" as
    it is."""
    return gettext(text) if text else ""


# An activity's subject on the demo fleet's test drives and the sales' own.
TEST_DRIVE = N_("Test drive")

# --- The catalogue -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Model:
    brand: str
    vehicle_class: str
    model: str
    model_code: str
    wmi: str  # world manufacturer identifier: the first three characters of the VIN
    vin_family: str  # characters 7-8 of a European VW-group VIN
    plant: str  # character 11: the assembly plant
    popularity: int  # how often it is asked for, relative to the others
    variants: tuple[tuple[str, int], ...]  # (variant, list price in whole euros)


CATALOGUE: tuple[Model, ...] = (
    Model("Volkswagen", "Small", "Polo", "AW1", "WVW", "AW", "Y", 6,
           (("1.0 TSI Life", 23_870), ("1.0 TSI Style", 27_640), ("GTI", 35_070))),
    Model("Volkswagen", "Compact", "Golf", "CD1", "WVW", "CD", "W", 10,
           (("1.5 eTSI Life", 33_495), ("2.0 TDI Style", 40_985), ("GTI", 46_430))),
    Model("Volkswagen", "Compact", "ID.3", "E11", "WVW", "E1", "Z", 3,
           (("Pure 52 kWh", 36_900), ("Pro S 77 kWh", 44_755))),
    Model("Volkswagen", "Mid-size", "Passat Variant", "CJ5", "WVW", "CJ", "B", 4,
           (("1.5 eTSI Business", 44_995), ("2.0 TDI Elegance", 55_145))),
    Model("Volkswagen", "SUV", "T-Roc", "A11", "WVG", "A1", "W", 8,
           (("1.0 TSI Life", 28_875), ("1.5 TSI Style", 35_430),
            ("R-Line 2.0 TSI 4MOTION", 44_250))),
    Model("Volkswagen", "SUV", "Tiguan", "CT1", "WVG", "CT", "W", 9,
           (("1.5 eTSI Life", 39_495), ("2.0 TDI 4MOTION Elegance", 52_395),
            ("R-Line 2.0 TSI 4MOTION", 56_715))),
    Model("Volkswagen", "SUV", "ID.4", "E21", "WVG", "E2", "Z", 4,
           (("Pure", 40_335), ("Pro", 48_395), ("GTX", 54_365))),
    Model("Volkswagen", "Van", "ID. Buzz", "EB1", "WV2", "EB", "H", 1,
           (("Pro", 64_581), ("Pro LWB", 68_519))),
    Model("Škoda", "Small", "Fabia", "PJ4", "TMB", "PJ", "0", 5,
           (("1.0 TSI Selection", 22_390), ("1.5 TSI Monte Carlo", 29_850))),
    Model("Škoda", "Compact", "Octavia Combi", "NX5", "TMB", "NX", "0", 9,
           (("1.5 TSI Selection", 33_290), ("2.0 TDI Sportline", 41_590), ("RS 2.0 TSI", 47_190))),
    Model("Škoda", "Mid-size", "Superb Combi", "3Y5", "TMB", "3Y", "B", 3,
           (("1.5 TSI Selection", 44_740), ("2.0 TDI 4x4 L&K", 59_990))),
    Model("Škoda", "SUV", "Kodiaq", "PS7", "TMB", "PS", "8", 5,
           (("1.5 TSI iV Selection", 45_190), ("2.0 TDI 4x4 Sportline", 54_120))),
    Model("Škoda", "SUV", "Enyaq", "5A7", "TMB", "5A", "0", 5,
           (("85", 48_900), ("85x Sportline", 56_300))),
    Model("Audi", "Compact", "A3 Sportback", "GYA", "WAU", "GY", "A", 5,
           (("30 TFSI", 35_350), ("35 TDI S line", 44_700))),
    Model("Audi", "Mid-size", "A4 Avant", "8W5", "WAU", "8W", "A", 4,
           (("35 TDI S tronic", 48_600), ("40 TFSI quattro S line", 58_950))),
    Model("Audi", "SUV", "Q3", "F3B", "WAU", "F3", "1", 5,
           (("35 TFSI", 42_100), ("40 TDI quattro S line", 55_400))),
    Model("Audi", "SUV", "Q4 e-tron", "F4B", "WAU", "F4", "Z", 3,
           (("45 e-tron", 52_700), ("Sportback 55 e-tron quattro", 64_200))),
    Model("Audi", "SUV", "Q5", "GUB", "WAU", "GU", "A", 4,
           (("40 TDI quattro", 59_600), ("55 TFSI e quattro", 72_300))),
    Model("Cupra", "SUV", "Formentor", "KM7", "VSS", "KM", "E", 5,
           (("1.5 eTSI", 38_200), ("VZ e-HYBRID", 51_500), ("VZ 2.0 TSI 4Drive", 56_230))),
    Model("Cupra", "Compact", "Born", "K11", "VSS", "K1", "Z", 2,
           (("58 kWh", 39_990), ("VZ 79 kWh", 52_950))),
    Model("Cupra", "Compact", "Leon", "KL1", "VSS", "KL", "E", 3,
           (("1.5 eTSI", 34_040), ("VZ 2.0 TSI", 45_710))),
    Model("SEAT", "Small", "Ibiza", "KJ1", "VSS", "KJ", "E", 3,
           (("1.0 TSI Style", 21_530), ("1.0 TSI FR", 24_730))),
    Model("SEAT", "SUV", "Arona", "KJ7", "VSS", "KJ", "E", 3,
           (("1.0 TSI Style", 24_080), ("1.5 TSI FR", 29_990))),
)  # fmt: skip

COLOURS: dict[str, tuple[str, ...]] = {
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
MODEL_YEARS = "ABCDEFGHJKLMNPRSTVWXY123456789"

# --- The organisation ----------------------------------------------------------------------

GROUP = ("Brenner Automobil-Gruppe GmbH & Co. KG", "Leopoldstraße 180", "80804", "München",
          "+49 89 3541 900", "info@brenner-gruppe.example")  # fmt: skip


@dataclass(frozen=True, slots=True)
class SiteSpec:
    business: str
    facility: str
    street: str
    postcode: str
    city: str
    phone: str
    email: str
    brands: tuple[str, ...]  # the new cars it sells; used cars of every brand go anywhere


SITES = (
    SiteSpec("Autohaus Brenner München GmbH", "München-Moosach", "Dachauer Straße 412", "80993",
              "München", "+49 89 1490 270", "verkauf@brenner-muenchen.example",
              ("Volkswagen", "Audi")),
    SiteSpec("Brenner Automobile Rosenheim GmbH", "Rosenheim Süd", "Kufsteiner Straße 120",
              "83026", "Rosenheim", "+49 8031 8095 0", "verkauf@brenner-rosenheim.example",
              ("Škoda", "Cupra", "SEAT")),
)  # fmt: skip

# (username, full name, role, index of the home site; None for the manager of both)
USERS: tuple[tuple[str, str, UserRole, int | None], ...] = (
    ("jweiss", "Jürgen Weiß", UserRole.SALESPERSON, 0),
    ("zwisniewska", "Zofia Wiśniewska", UserRole.SALESPERSON, 0),
    ("lhofbauer", "Lukas Hofbauer", UserRole.SALESPERSON, 0),
    ("edemir", "Elif Demir", UserRole.SALESPERSON, 1),
    ("slemaitre", "Sophie Lemaître", UserRole.SALESPERSON, 1),
    ("mricci", "Matteo Ricci", UserRole.SALESPERSON, 1),
    ("agrossmann", "Andrea Großmann", UserRole.SALES_MANAGER, None),
)

TEAM = N_("Sales team Brenner")

# Every demo user signs in with this password (said by --demo and in the README); the
# administrator's login is "admin".
DEMO_PASSWORD = "showroom-demo-2026"  # i18n: ignore
DEMO_ADMINISTRATOR = ("admin", "Demo Administrator")

# --- Customers -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Origin:
    weight: int
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]  # "Kowalski/Kowalska": the male and the female form


ORIGINS: tuple[Origin, ...] = (
    Origin(60,
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
    Origin(7,
            ("Marco", "Luca", "Alessandro", "Giuseppe", "Davide"),
            ("Giulia", "Francesca", "Chiara", "Maria", "Alessia"),
            ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
             "De Luca", "D'Angelo", "Conti", "Galli")),
    Origin(7,
            ("Piotr", "Tomasz", "Krzysztof", "Paweł", "Łukasz"),
            ("Agnieszka", "Katarzyna", "Małgorzata", "Anna", "Zofia"),
            ("Nowak", "Kowalski/Kowalska", "Wiśniewski/Wiśniewska", "Wójcik",
             "Kamiński/Kamińska", "Lewandowski/Lewandowska", "Zieliński/Zielińska",
             "Dąbrowski/Dąbrowska", "Szymański/Szymańska")),
    Origin(8,
            ("Mehmet", "Mustafa", "Emre", "Burak", "Can"),
            ("Ayşe", "Zeynep", "Elif", "Fatma", "Büşra"),
            ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Arslan", "Doğan",
             "Koç")),
    Origin(5,
            ("Luka", "Ivan", "Marko", "Nikola", "Dragan"),
            ("Ivana", "Marija", "Ana", "Jelena", "Dragana"),
            ("Horvat", "Kovačević", "Babić", "Marić", "Jurić", "Jovanović", "Petrović", "Novak")),
    Origin(4,
            ("Sean", "Patrick", "Liam", "Ciarán"),
            ("Siobhán", "Niamh", "Aoife", "Sinéad"),
            ("O'Brien", "O'Connor", "O'Sullivan", "Murphy", "McCarthy", "Byrne", "Kelly")),
    Origin(4,
            ("Jean-Luc", "François", "Mathieu", "Théo"),
            ("Amélie", "Chloé", "Hélène", "Léa"),
            ("Dubois", "Lefèvre", "Moreau", "Girard", "Lemaître", "Fontaine", "Dupont")),
    Origin(3,
            ("José", "Javier", "João"),
            ("Inés", "Lucía", "María José"),
            ("García", "Fernández", "Muñoz", "Peña", "Gonçalves", "Conceição")),
    Origin(2,
            ("Γιώργος", "Νίκος", "Κώστας"),
            ("Ελένη", "Μαρία", "Κατερίνα"),
            ("Παπαδόπουλος/Παπαδοπούλου", "Κωνσταντίνου", "Βλάχος/Βλάχου", "Γεωργίου")),
    Origin(2,
            ("Дмитрий", "Сергей", "Стоян"),
            ("Ольга", "Наталья", "Елена"),
            ("Иванов/Иванова", "Смирнов/Смирнова", "Петров/Петрова", "Попов/Попова")),
)  # fmt: skip

# Customers every demo has whose names are written in Chinese, Arabic, Cyrillic and Greek
# script, as a city dealership's are, with quotes issued to them: (first name, last name,
# street, postcode, city, e-mail).
SCRIPT_CUSTOMERS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("芳", "王", "Leopoldstraße 42", "80802", "München", "wang.fang@example.com"),
    ("أحمد", "الحسن", "Schwanthalerstraße 75", "80336", "München", "ahmed.alhassan@example.net"),
    (
        "Ольга",
        "Смирнова",
        "Rosenheimer Straße 8",
        "83022",
        "Rosenheim",
        "olga.smirnova@example.org",
    ),
    ("Ελένη", "Παπαδοπούλου", "Lindwurmstraße 101", "80337", "München", "eleni.p@example.com"),
)

# Company names here are German-style ("Zimmerei Huber"); a Greek or Cyrillic surname in one
# would look made up.
LATIN_ORIGINS = tuple(o for o in ORIGINS if o.surnames[0] < "\u0370")

# Companies every demo has, whatever the seed: they show the awkward characters.
FIXED_COMPANIES = (
    "J&C Motors GmbH",
    "Müller & Söhne Transporte KG",
    "O'Neill Logistics GmbH",
    "Steuerkanzlei Hartmann & Partner mbB",
    "Pflegedienst Lindenhof gGmbH",
    "Café Rößler",
)
TRADES = ("Bau", "Haustechnik", "Elektrotechnik", "Logistik", "Gartenbau", "Immobilien",
           "Metallbau", "Sanitär", "Dachbau", "Fliesen", "Kältetechnik", "Transporte")  # fmt: skip
LEGAL_FORMS = ("GmbH", "GmbH", "GmbH & Co. KG", "KG", "e.K.", "AG", "OHG")
CRAFTS = ("Schreinerei", "Zimmerei", "Bäckerei", "Metzgerei", "Autovermietung",
           "Physiotherapie", "Architekturbüro", "Malerbetrieb", "Elektro", "Getränke")  # fmt: skip
JOB_TITLES = (N_("Managing director"), N_("Fleet manager"), N_("Office manager"),
              N_("Purchasing"), N_("Proprietor"), N_("Head of accounts"),
              N_("Assistant to the management"))  # fmt: skip

# The countries of the addresses, named in the language the demo is loaded in.
GERMANY = N_("Germany")
AUSTRIA = N_("Austria")
# (postcode, city, country, dialling prefix, weight)
PLACES: tuple[tuple[str, str, str, str, int], ...] = (
    ("80331", "München", GERMANY, "+49 89", 2), ("80469", "München", GERMANY, "+49 89", 2),
    ("80637", "München", GERMANY, "+49 89", 2), ("80797", "München", GERMANY, "+49 89", 2),
    ("80992", "München", GERMANY, "+49 89", 3), ("80993", "München", GERMANY, "+49 89", 3),
    ("81241", "München", GERMANY, "+49 89", 2), ("81369", "München", GERMANY, "+49 89", 2),
    ("81543", "München", GERMANY, "+49 89", 2), ("81669", "München", GERMANY, "+49 89", 2),
    ("81929", "München", GERMANY, "+49 89", 2), ("85737", "Ismaning", GERMANY, "+49 89", 1),
    ("82008", "Unterhaching", GERMANY, "+49 89", 1),
    ("83022", "Rosenheim", GERMANY, "+49 8031", 3),
    ("83026", "Rosenheim", GERMANY, "+49 8031", 3),
    ("83059", "Kolbermoor", GERMANY, "+49 8031", 2),
    ("83209", "Prien am Chiemsee", GERMANY, "+49 8051", 1),
    ("83512", "Wasserburg am Inn", GERMANY, "+49 8071", 1),
    ("85221", "Dachau", GERMANY, "+49 8131", 2), ("85354", "Freising", GERMANY, "+49 8161", 1),
    ("82319", "Starnberg", GERMANY, "+49 8151", 1),
    ("83646", "Bad Tölz", GERMANY, "+49 8041", 1),
    ("83278", "Traunstein", GERMANY, "+49 861", 1),
    ("82256", "Fürstenfeldbruck", GERMANY, "+49 8141", 1),
    ("86150", "Augsburg", GERMANY, "+49 821", 1),
    ("85049", "Ingolstadt", GERMANY, "+49 841", 1),
    ("5020", "Salzburg", AUSTRIA, "+43 662", 1), ("6330", "Kufstein", AUSTRIA, "+43 5372", 1),
)  # fmt: skip
STREETS = ("Hauptstraße", "Bahnhofstraße", "Lindenweg", "Am Anger", "Schillerstraße",
            "Goethestraße", "Münchner Straße", "Kirchplatz", "Rosenheimer Straße",
            "Prinzregentenstraße", "Leopoldstraße", "Birkenweg", "Gartenstraße", "Ahornweg",
            "Ringstraße", "Sonnenstraße", "Wendelsteinstraße", "Kaiser-Ludwig-Platz",
            "Äußere Wiener Straße", "Fraunhoferstraße")  # fmt: skip
BUSINESS_STREETS = ("Industriestraße", "Gewerbering", "Am Gewerbepark", "Robert-Bosch-Straße",
                     "Carl-Benz-Straße", "Lilienthalstraße")  # fmt: skip
MOBILE_PREFIXES = ("151", "152", "157", "160", "170", "171", "175", "176", "179")
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")

# Letters an e-mail address cannot take as they are: German ones as Germans spell them,
# the rest after their accents are gone.
UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
TRANSLITERATION = {
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

CHANNELS: tuple[tuple[Channel, int, tuple[str, ...]], ...] = (
    (Channel.WEB_FORM, 30, (N_("dealer website"), "mobile.de", "AutoScout24",
                            N_("brand configurator"), N_("Facebook campaign"))),
    (Channel.PHONE, 15, (N_("phone call"), "Google Ads", N_("dealer website"))),
    (Channel.WALK_IN, 20, (N_("showroom"), N_("Spring open day {spring}"))),
    (Channel.EMAIL, 7, (N_("info mailbox"), "mobile.de")),
    (Channel.TRADE_SHOW, 4, ("IAA Mobility {iaa}", N_("Rosenheim car fair"))),
    (Channel.REFERRAL, 6, (N_("customer referral"), N_("employee referral"))),
    (Channel.EXISTING_CUSTOMER, 15, (N_("service visit"), N_("lease return"),
                                     N_("loyalty mailing"))),
    (Channel.OTHER, 3, (N_("fleet tender"), N_("partner dealer"))),
)  # fmt: skip
# Channels a lead comes in through, so its opportunity starts at Qualify.
LEAD_CHANNELS = {Channel.WEB_FORM, Channel.PHONE, Channel.EMAIL, Channel.TRADE_SHOW}

# The stages and reasons below are named by their keys (app/domain/standard_names.py), so
# the demo finds them however they are named.
# Where open opportunities stand, by stage.
OPEN_STAGE_WEIGHTS = {"qualify": 12, "interest": 30, "quotation": 28, "contract": 18,
                      "delivery": 12}  # fmt: skip
# The stage at which lost ones were given up.
LOST_AT_WEIGHTS = {"qualify": 25, "interest": 35, "quotation": 30, "contract": 10}
# Share of open opportunities with a reserved stock vehicle, by stage.
RESERVE_SHARE = {"quotation": 0.35, "contract": 0.8, "delivery": 1.0}
# How long an open opportunity has been running by its stage, in days.
AGE_BY_STAGE = {"qualify": (1, 14), "interest": (3, 45), "quotation": (7, 60),
                "contract": (14, 90), "delivery": (21, 120)}  # fmt: skip

# Lost reasons after which the salesperson notes who won the sale, and who that was.
COMPETITOR_REASONS = {"bought_elsewhere", "bought_another_brand"}
COMPETITORS = ("Autohaus Kern (BMW)", "Auto Wimmer (Toyota)", "Mercedes-Benz Niederlassung",
                "Hyundai Zentrum Rosenheim", "Autohaus Seitz (Ford)", "Tesla online")  # fmt: skip
OLD_CARS = ("Golf VII", "Passat B7", "Octavia II", "Opel Astra", "Ford Focus", "BMW 320d",
             "Audi A4 B8", "Toyota Auris", "Polo V", "Fiat 500")  # fmt: skip
# (description, the way of paying it fits, if only one)
DESCRIPTIONS: tuple[tuple[str, Interest | None], ...] = (
    (N_("Wants a test drive at the weekend; the family decides on the colour together."), None),
    (N_("Current car: {old} with about 140,000 km; asks for a trade-in valuation."), None),
    (N_("Needs a tow bar (2,000 kg) and winter tyres on alloy wheels."), None),
    (N_("Company car: the fleet policy caps CO₂ at 120 g/km."), Interest.LEASE),
    (N_("Prefers a lease over 36 months, 10,000 km a year."), Interest.LEASE),
    (
        N_("Wants 20 % down and 48 monthly instalments; asked for a finance quote."),
        Interest.FINANCE,
    ),
    (N_("Asked for delivery before the summer holidays."), None),
    (N_("Compares with an offer from another dealer; price-sensitive."), None),
    (N_("Long commute (80 km a day); interested in the plug-in hybrid and the diesel."), None),
)


# --- The shapes the builder fills ---------------------------------------------------------


@dataclass(slots=True)
class Site:
    business_id: int
    facility_id: int
    new_operation_id: int
    used_operation_id: int
    brands: tuple[str, ...]
    salespeople: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    company: bool
    name: str
    last_name: str
    street: str
    postcode: str
    city: str
    country: str
    contacts: tuple[Person, ...]


@dataclass(frozen=True, slots=True)
class Vehicle:
    id: int
    condition: Condition
    model: Model
    variant: str
    price: int  # whole euros
    site: int


@dataclass(slots=True)
class Plan:
    """One opportunity before it becomes rows: its story, then its fields."""

    account: Account
    status: Status
    path: list[StageInfo]  # every stage it went through; the last is where it stands
    channel: Channel
    condition: Condition
    model: Model
    variant: str
    price: int
    quantity: int
    site: int
    from_lead: bool
    vehicle: Vehicle | None = None


def ascii(text: str) -> str:
    """A name as it goes into an e-mail address: "Müller" -> "mueller", "Ольга" -> "olga"."""
    text = "".join(UMLAUTS.get(c, c) for c in text.lower())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(TRANSLITERATION.get(c, c) for c in plain if c.isalnum() or c in TRANSLITERATION)


def vat_number(rng: random.Random) -> str:
    """A German VAT number: DE, eight digits and an ISO 7064 MOD 11,10 check digit."""
    digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
    product = 10
    for digit in digits:
        total = (digit + product) % 10 or 10
        product = (2 * total) % 11
    check = (11 - product) % 10
    return "DE" + "".join(map(str, digits)) + str(check)


VEHICLE_COLUMNS = (
    "id", "vin", "stock_number", "condition", "brand", "vehicle_class", "model", "model_code",
    "variant", "colour", "first_registration", "mileage_km", "list_price_minor", "currency",
    "facility_id",
)  # fmt: skip


OPPORTUNITY_COLUMNS = (
    "id", "topic", "account_id", "primary_contact_id", "kind_id", "stage_id", "probability",
    "probability_by_hand", "status", "lost_reason", "closing_note", "est_close_date", "currency",
    "est_revenue_minor", "est_revenue_accessories_minor", "est_trade_in_minor", "owner_id",
    "team_id", "channel", "source", "description", "interest", "condition", "brand",
    "vehicle_class", "model", "model_code", "variant", "vehicle_id", "scheduled_delivery",
    "business_id", "facility_id", "operation_id", "lead_id", "competitor", "closed_at",
    "won_reason", "created_at", "updated_at", "version", "changed_by",
)  # fmt: skip
# What a lead and the opportunity made from it share.
LEAD_INTEREST = ("interest", "condition", "brand", "vehicle_class", "model", "model_code",
                  "variant", "channel", "source")  # fmt: skip
LEAD_COLUMNS = (
    "id", "first_name", "last_name", "company_name", "email", "phone", "email_key", "phone_key",
    "street", "postcode",
    "city", "country", *LEAD_INTEREST, "notes", "owner_id", "status", "disqualify_reason",
    "converted_account_id", "converted_contact_id", "converted_at", "created_at", "updated_at",
    "version", "changed_by",
)  # fmt: skip
LEAD_MESSAGES = (
    "Please send me an offer for the {model}.",
    "Is the {model} available for a test drive this Saturday?",
    "What would a lease on the {model} cost over 36 months?",
    "I would like to trade in my current car for a {model}.",
    "Bitte um Rückruf wegen {model}, gerne nach 17 Uhr.",
    "",
)
