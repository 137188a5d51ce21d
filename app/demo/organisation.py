"""Building the demo dealer group's organisation, staff, catalogue, stock and customers."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from app.db import bulk
from app.db import models as m
from app.db import users as users_db
from app.demo.tables import (
    BUSINESS_STREETS,
    CATALOGUE,
    COLOURS,
    CRAFTS,
    DEMO_ADMINISTRATOR,
    DEMO_PASSWORD,
    EMAIL_DOMAINS,
    FIXED_COMPANIES,
    GERMANY,
    GROUP,
    JOB_TITLES,
    LATIN_ORIGINS,
    LEGAL_FORMS,
    MOBILE_PREFIXES,
    MODEL_YEARS,
    ORIGINS,
    PLACES,
    SCRIPT_CUSTOMERS,
    SITES,
    STREETS,
    TEAM,
    TRADES,
    USERS,
    VEHICLE_COLUMNS,
    Account,
    Model,
    Origin,
    Person,
    Site,
    Vehicle,
    ascii,
    said,
    vat_number,
)
from app.domain.choices import AccountKind, BusinessKind, Condition, OperationKind, UserRole
from app.domain.vin import with_check_digit
from app.services import accounts, passwords

# The language each customer's documents are written in, by where their first name comes
# from (ORIGINS' order): German, Italian and French customers read their own; the others,
# new to the country, read English. Drawn from the name, not the random source, so the rest
# of the demo stays what it was.
_ORIGIN_LANGUAGES = ("de", "it", "en", "en", "en", "en", "fr")


def language_of_name(first: str) -> str:
    for origin, language in zip(ORIGINS, _ORIGIN_LANGUAGES, strict=False):
        if first in origin.male or first in origin.female:
            return language
    return "en"


class OrganisationBuilder:
    """The dealer group with its sites, staff, catalogue and stock, and its customers."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.sites: list[Site] = []
        self.manager_id = 0
        self.administrator_id = 0
        self.team_id = 0
        self.catalogue_count = 0
        self.vehicles: list[Vehicle] = []
        self.ordered_vehicles: list[tuple[object, ...]] = []  # rows for contracts beyond stock
        self.accounts: list[Account] = []
        self.script_accounts: list[Account] = []
        self.contact_count = 0
        self.opportunity_count = 0
        self.lead_count = 0
        self.phone_region = accounts.phone_region()
        self.stage_change_count = 0
        self.user_count = 0
        self.emails: set[str] = set()
        self.lost_reasons: list[tuple[str | None, str]] = []  # (key, name) from the catalogue
        self.won_reasons: list[tuple[str | None, str]] = []
        self.spring = (today - timedelta(days=120)).year
        iaa = (today - timedelta(days=270)).year  # held in Munich each odd year, in September
        self.iaa = iaa if iaa % 2 else iaa - 1

    # Organisation ------------------------------------------------------------------------

    def add_organisation(self) -> None:
        rng = self.rng
        name, street, postcode, city, phone, email = GROUP
        group = m.Business.create(
            name=name,
            kind=BusinessKind.DEALER_GROUP.value,
            street=street,
            postcode=postcode,
            city=city,
            country=said(GERMANY),
            vat_number=vat_number(rng),
            phone=phone,
            email=email,
        )
        for spec in SITES:
            business = m.Business.create(
                name=spec.business,
                kind=BusinessKind.DEALER.value,
                parent=group,
                street=spec.street,
                postcode=spec.postcode,
                city=spec.city,
                country=said(GERMANY),
                vat_number=vat_number(rng),
                phone=spec.phone,
                email=spec.email,
                **_legal_details(spec.business, spec.city),
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
            self.sites.append(Site(business.id, facility.id, new.id, used.id, spec.brands))

    def add_users(self) -> None:
        team, _ = m.Team.get_or_create(name=said(TEAM))
        self.team_id = team.id
        # Hashed once: every demo user has the same password.
        password_hash = passwords.hash_secret(DEMO_PASSWORD)
        admin_login, admin_name = DEMO_ADMINISTRATOR
        admin = users_db.user_by_login(admin_login)
        if admin is None:
            admin = users_db.create_user(admin_login, admin_name, [UserRole.ADMINISTRATOR.value])
            users_db.save_credential(admin.id, password_hash=password_hash)
        self.administrator_id = admin.id
        for username, full_name, role, site in USERS:
            user = m.User.get_or_none(m.User.username == username)
            if user is None:
                user = users_db.create_user(username, full_name, [role.value], team=team)
                users_db.save_credential(user.id, password_hash=password_hash)
            self.user_count += 1
            if site is None:
                self.manager_id = user.id
            else:
                self.sites[site].salespeople.append(user.id)
                # Where they sell: their walk-ins and converted leads are assigned there.
                user.home_business = self.sites[site].business_id
                user.home_facility = self.sites[site].facility_id
                user.save()

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
            for c in CATALOGUE
            for variant, price in c.variants
            if (c.brand, c.vehicle_class, c.model, c.model_code, variant) not in known
        ]
        self.catalogue_count = bulk.insert_rows(
            "catalogue_entry",
            ("brand", "vehicle_class", "model", "model_code", "variant", "list_price_minor",
             "currency"),
            rows,
        )  # fmt: skip

    def _model(self, condition: Condition, site: int | None = None) -> Model:
        models = [c for c in CATALOGUE if site is None or c.brand in self.sites[site].brands]
        if condition == Condition.USED:
            return self.rng.choice(models)
        return self.rng.choices(models, weights=[c.popularity for c in models])[0]

    def _vin(self, model: Model, year: int, taken: set[str]) -> str:
        while True:
            serial = self.rng.randint(0, 999_999)
            code = MODEL_YEARS[(year - 2010) % 30]
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
            colour = rng.choice(COLOURS[model.brand])
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
            vehicle = Vehicle(
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
        bulk.insert_rows("vehicle", VEHICLE_COLUMNS, rows)

    # Customers ---------------------------------------------------------------------------

    def _person(self, origins: Sequence[Origin] = ORIGINS) -> tuple[str, str]:
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
            PLACES, weights=[p[4] for p in PLACES]
        )[0]
        return postcode, city, said(country), prefix

    def _mobile(self, prefix: str) -> str:
        rng = self.rng
        if prefix.startswith("+43"):
            return f"+43 664 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        mobile = rng.choice(MOBILE_PREFIXES)
        return f"+49 {mobile} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"

    def _company_name(self, index: int, names: set[str]) -> str:
        rng = self.rng
        if index < len(FIXED_COMPANIES):
            return FIXED_COMPANIES[index]
        name = ""
        for _ in range(5):
            surname = self._person(LATIN_ORIGINS)[1]
            pattern = rng.random()
            if pattern < 0.5:
                name = f"{surname} {rng.choice(TRADES)} {rng.choice(LEGAL_FORMS)}"
            elif pattern < 0.8:
                name = f"{rng.choice(CRAFTS)} {surname}"
            else:
                partner = self._person(LATIN_ORIGINS)[1]
                name = f"{surname} & {partner} {rng.choice(LEGAL_FORMS)}"
            if name not in names:
                break
        names.add(name)
        return name

    def add_accounts(self, count: int) -> None:
        rng = self.rng
        companies = max(len(FIXED_COMPANIES), count // 6)
        account_id = bulk.next_id("account")
        contact_id = bulk.next_id("contact")
        account_rows: list[tuple[object, ...]] = []
        contact_rows: list[tuple[object, ...]] = []
        names: set[str] = set()
        # Companies go first so the fixed ones exist at every size, then the rest shuffles in.
        kinds = [True] * min(companies, count) + [False] * max(0, count - companies)
        fixed, rest = kinds[: len(FIXED_COMPANIES)], kinds[len(FIXED_COMPANIES) :]
        rng.shuffle(rest)
        for index, company in enumerate(fixed + rest):
            postcode, city, country, prefix = self._place()
            landline = f"{prefix} {rng.randint(10_000, 9_999_999)}"
            people: list[Person] = []
            if company:
                name = self._company_name(index, names)
                last_name = name
                street = f"{rng.choice(BUSINESS_STREETS)} {rng.randint(1, 60)}"
                domain = (ascii(name.split()[0]) or "firma") + "-" + ascii(city) + ".example"
                email = self._email("info", domain)
                account_rows.append(
                    (account_id, AccountKind.COMPANY.value, name, "", "", name, email, landline,
                     street, postcode, city, country, "de")
                )  # fmt: skip
                for _ in range(rng.choices((1, 2, 3), weights=(5, 3, 2))[0]):
                    first, last = self._person()
                    person = Person(
                        contact_id,
                        first,
                        last,
                        self._email(f"{ascii(first)[:1]}.{ascii(last)}", domain),
                        f"{landline}-{rng.randint(10, 99)}",
                    )
                    people.append(person)
                    contact_rows.append(
                        (contact_id, account_id, first, last, person.email, person.phone,
                         said(rng.choice(JOB_TITLES)))
                    )  # fmt: skip
                    contact_id += 1
            else:
                first, last_name = self._person()
                name = f"{last_name}, {first}"
                local = f"{ascii(first)}.{ascii(last_name)}"
                if rng.random() < 0.3:
                    local = f"{ascii(first)[:1]}{ascii(last_name)}{rng.randint(60, 99)}"
                email = self._email(local, rng.choice(EMAIL_DOMAINS))
                phone = self._mobile(prefix) if rng.random() < 0.7 else landline
                number = rng.randint(1, 120)
                suffix = rng.choice("ab") if rng.random() < 0.1 else ""
                street = f"{rng.choice(STREETS)} {number}{suffix}"
                account_rows.append(
                    (account_id, AccountKind.PERSON.value, name, first, last_name, "", email,
                     phone, street, postcode, city, country, language_of_name(first))
                )  # fmt: skip
                people.append(Person(contact_id, first, last_name, email, phone))
                contact_rows.append((contact_id, account_id, first, last_name, email, phone, ""))
                contact_id += 1
            self.accounts.append(
                Account(account_id, company, name, last_name, street, postcode, city, country,
                         tuple(people))
            )  # fmt: skip
            account_id += 1
        # The customers in other scripts, last and drawing nothing at random: the rest of the
        # demo is the same with or without them.
        for first, last_name, street, postcode, city, email in SCRIPT_CUSTOMERS:
            name = f"{last_name}, {first}"
            phone = f"+49 89 {4400_000 + account_id}"
            account_rows.append(
                (account_id, AccountKind.PERSON.value, name, first, last_name, "", email, phone,
                 street, postcode, city, said(GERMANY), "en")
            )  # fmt: skip
            person = Person(contact_id, first, last_name, email, phone)
            contact_rows.append((contact_id, account_id, first, last_name, email, phone, ""))
            self.accounts.append(
                Account(account_id, False, name, last_name, street, postcode, city, said(GERMANY),
                         (person,))
            )  # fmt: skip
            self.script_accounts.append(self.accounts[-1])
            contact_id += 1
            account_id += 1
        # The duplicate check's keys and the sort name, as accounts.create writes them, in
        # the rows themselves: set afterwards, each row's search starts would be written twice.
        region = accounts.phone_region()
        keyed = []
        for row in account_rows:
            name, first, last, firm, email, phone = (str(row[i]) for i in range(2, 8))
            keys = accounts.match_keys(name, first, last, firm, email, phone, region)
            keyed.append((*row, *keys))
        bulk.insert_rows(
            "account",
            ("id", "kind", "name", "first_name", "last_name", "company_name", "email", "phone",
             "street", "postcode", "city", "country", "language",
             "email_key", "phone_key", "name_key", "sort_name"),
            keyed,
        )  # fmt: skip
        self.contact_count += bulk.insert_rows(
            "contact",
            ("id", "account_id", "first_name", "last_name", "email", "phone", "job_title"),
            contact_rows,
        )


def _legal_details(name: str, city: str) -> dict[str, str]:
    """The legal details a dealer's documents print in their footer (made up, fixed)."""
    court = "Amtsgericht Traunstein" if city == "Rosenheim" else "Amtsgericht München"
    number = 187_342 if city != "Rosenheim" else 24_518
    return {
        "registered_name": name,
        "commercial_register": f"HRB {number:,}".replace(",", " "),
        "register_court": court,
        "managing_directors": "Katrin Brenner, Florian Adler",
        "tax_number": f"143/{number % 1000:03d}/40211",
        "bank_name": "Stadtsparkasse München",
        "iban": f"DE89 7015 0000 {number:010d}"[:27],
        "bic": "SSKMDEMMXXX",
    }
