"""The customer file under load: the duplicate check while a customer at a postcode is typed,
at 10,000, 100,000 and 300,000 opportunities (half as many accounts), and importing 10,000
web-form lead rows.

    PYTHONPATH=. python -m benchmarks.bench_customers [--sizes 10000 100000 300000]

Targets (issues "Customers, contacts and leads" and 22): the duplicate check with a
postcode answers in under 30 ms at the 95th percentile and grows no faster than the data
(measure.Targets.growth); a 10,000-row import takes under 10 s. Each is timed interleaved
with a baseline written from the schema, not with the program's code: the indexed lookups
a duplicate check needs sent straight to sqlite3, and the same CSV read with csv and
written with one executemany. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import sqlite3
import tempfile
from pathlib import Path

from app import demo
from app.services import accounts, lead_import, sign_in, workspace
from app.services.accounts import AccountInput
from benchmarks import synthetic
from benchmarks.measure import Figures, Targets, each, interleaved

ROOT = Path(__file__).resolve().parent.parent


def _keystrokes(
    rng: random.Random, rows: list[tuple[str, str, str, str, str]]
) -> list[AccountInput]:
    """A customer at a postcode typed as the quick-opportunity dialog checks one: the name
    letter by letter, then the phone digit by digit (existing customers and new)."""
    probes = []
    for first, last, phone, _email, postcode in rng.sample(rows, 20):
        for n in range(1, len(last) + 1):
            probes.append(AccountInput(first_name=first, last_name=last[:n], postcode=postcode))
        digits = phone if rng.random() < 0.5 else "+49 89 " + str(rng.randint(1000000, 9999999))
        for n in range(6, len(digits) + 1):
            probes.append(
                AccountInput(first_name=first, last_name=last, phone=digits[:n], postcode=postcode)
            )
    return probes


def _check(probe: AccountInput) -> object:
    """The duplicate check as the quick-opportunity dialog runs it (six candidates)."""
    return accounts.find_duplicates(probe, limit=6)


def _plain_lookups(conn: sqlite3.Connection, probe: AccountInput) -> int:
    """The baseline, written from the schema: the indexed lookups a duplicate check needs
    (the e-mail, the phone's digits, the name as typed, the names at the postcode) sent
    straight to sqlite3, with no similarity worked out."""
    name = " ".join(sorted(f"{probe.first_name} {probe.last_name}".lower().split()))
    digits = "".join(c for c in probe.phone if c.isdigit())
    found = conn.execute(
        "SELECT id FROM account WHERE email_key = ? LIMIT 6", (probe.email.lower(),)
    ).fetchall()
    found += conn.execute(
        "SELECT id FROM account WHERE phone_key = ? LIMIT 6", ("+" + digits,)
    ).fetchall()
    found += conn.execute("SELECT id FROM account WHERE name_key = ? LIMIT 6", (name,)).fetchall()
    found += conn.execute(
        "SELECT id, name_key FROM account WHERE postcode = ?", (probe.postcode,)
    ).fetchall()
    return len(found)


def bench_duplicates(path: Path, seed: int) -> tuple[Figures, Figures]:
    workspace.open_database(path)
    sign_in.sign_in(demo.DEMO_ADMINISTRATOR[0], demo.DEMO_PASSWORD)
    filled = accounts.rebuild_match_keys()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA cache_size = -32000")  # the program's page cache
    rows = raw.execute(
        "SELECT first_name, last_name, phone, email, postcode FROM account WHERE kind = 'person'"
    ).fetchall()
    total = raw.execute("SELECT count(*) FROM account").fetchone()[0]
    at_postcode = raw.execute(
        "SELECT max(n) FROM (SELECT count(*) AS n FROM account GROUP BY postcode)"
    ).fetchone()[0]
    probes = _keystrokes(random.Random(seed), rows)
    for probe in probes[:20]:  # warm the caches of both sides
        _check(probe)
        _plain_lookups(raw, probe)
    app, base = each(probes, _check, lambda p: _plain_lookups(raw, p))  # type: ignore[arg-type]
    print(
        f"duplicate check with a postcode: {len(probes)} keystrokes against {total:,} accounts "
        f"(up to {at_postcode:,} at one postcode; {filled} keys filled first): {app}; the "
        f"plain lookups {base}; ratio of medians {app.median / base.median:.1f}"
    )
    raw.close()
    workspace.close_database()
    return app, base


def _web_form_csv(folder: Path, rows: int) -> Path:
    csv_path = folder / "web-leads.csv"
    lines = ["Lead ID;First name;Last name;E-mail;Phone;Make;Model;Campaign;Message"]
    rng = random.Random(7)
    for i in range(rows):
        lines.append(
            f"WF-{i};Anna{i};Müller-Lüdenscheidt{i};a{i}@example.de;"
            f"+49 89 {rng.randint(1000000, 9999999)};Volkswagen;Golf;spring;Probefahrt bitte"
        )
    csv_path.write_text("\n".join(lines), encoding="utf-8-sig")
    return csv_path


def bench_import(rows: int, rounds: int) -> Figures:
    """The import into a new database each round, interleaved with the baseline: the same
    file read with csv and written with one executemany into a table of its columns."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        csv_path = _web_form_csv(folder, rows)
        summaries: list[str] = []
        count = iter(range(1_000_000))

        def app() -> None:
            n = next(count)
            workspace.open_database(folder / f"import-{n}.sqlite3")
            sign_in.create_first_administrator(
                "admin", "Admin", demo.DEMO_PASSWORD, demo.DEMO_PASSWORD
            )
            summaries.append(lead_import.import_csv(csv_path).summary)
            workspace.close_database()

        def plain() -> None:
            conn = sqlite3.connect(folder / f"plain-{next(count)}.sqlite3")
            conn.execute("CREATE TABLE web_lead (a, b, c, d, e, f, g, h, i)")
            with conn, csv_path.open(encoding="utf-8-sig", newline="") as file:
                reader = csv.reader(file, delimiter=";")
                next(reader)
                conn.executemany("INSERT INTO web_lead VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", reader)
            conn.close()

        times = interleaved({"app": app, "plain": plain}, rounds, warm_up=0)
    app_times, base = times["app"], times["plain"]
    print(
        f"lead import: {summaries[-1]} from {rows:,} rows, {rounds} rounds: {app_times}; csv + "
        f"executemany {base}; ratio of medians {app_times.median / base.median:.0f}"
    )
    return app_times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 300_000])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    targets = Targets()
    checks: dict[int, tuple[Figures, Figures]] = {}
    for size in args.sizes:
        path = synthetic.build(
            ROOT / "bench-data" / f"large-{size}" / "showroom.sqlite3", size, size // 2
        )
        print(f"{size:,} opportunities:")
        app, _base = checks[size] = bench_duplicates(path, args.seed)
        targets.below(f"duplicate check p95 at {size:,}", app.p95, 30)
    for small, large in itertools.pairwise(sorted(checks)):
        targets.growth(
            "duplicate check",
            (small, large),
            (checks[small][0].median, checks[large][0].median),
            (checks[small][1].median, checks[large][1].median),
        )
    imported = bench_import(args.rows, args.rounds)
    targets.below(f"import of {args.rows:,} lead rows, p95", imported.p95 / 1000, 10, unit="s")
    targets.exit()


if __name__ == "__main__":
    main()
