"""Killed at any moment, the program leaves a sound database with every sale whole or absent,
every quote whole, its numbers without gaps, and no half-written document taken for issued."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from pypdf import PdfReader

from app import paths
from app.domain import money
from app.domain.documents import DocumentSnapshot
from app.domain.quotes import LineKind, QuoteLine, compute_totals
from reports import pdf
from tests.stress.crash_writer import LEAD_BATCH, remarks

ROOT = Path(__file__).resolve().parents[2]
KILLS = 120
_NUMBER = re.compile(r"(Q|OF)-(\d{5})")


@dataclass
class Seen:
    """What the checks found so far; a PDF once found complete is not read again."""

    opportunities: int = 0
    activities: int = 0
    quotes: Counter[str] = field(default_factory=Counter)  # by status
    order_forms: int = 0
    pdfs: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (size, mtime)
    parts: set[str] = field(default_factory=set)  # every .part file ever left behind
    missing: set[str] = field(default_factory=set)  # issued, its PDF not (yet) archived
    edited: int = 0  # contacts, activities, leads, stages and settings saved over a version


def _gap_free(conn: Any, table: str, series: str, prefix: str) -> int:
    numbers = [n for (n,) in conn.execute(f"SELECT DISTINCT number FROM {table}")]
    values = sorted(int(n.removeprefix(f"{prefix}-")) for n in numbers)
    assert all(n == f"{prefix}-{int(n[len(prefix) + 1 :]):05d}" for n in numbers), numbers
    assert values == list(range(1, len(values) + 1)), values
    row = conn.execute("SELECT next_value FROM number_sequence WHERE name = ?", (series,))
    assert row.fetchone() in ((len(values) + 1,), *([None] if not values else []))
    return len(values)


def _check_quotes(conn: Any) -> tuple[dict[str, str], Counter[str]]:
    """Every quote whole and its totals its lines'; returns the issued documents (reference
    -> snapshot JSON) and the quotes by status."""
    issued: dict[str, str] = {}
    statuses: Counter[str] = Counter()
    rows = conn.execute(
        """SELECT id, number, revision, status, currency, remarks, net_minor, accessories_minor,
                  trade_in_minor, amount_due_minor, presented_at, snapshot
           FROM quote"""
    ).fetchall()
    for row in rows:
        (quote_id, number, revision, status, currency, said, net, accessories, trade_in, due) = row[
            :10
        ]
        presented_at, stored = row[10:]
        statuses[status] += 1
        lines = conn.execute(
            """SELECT position, kind, description, quantity, unit_price_minor, vat_rate
               FROM quote_line WHERE quote_id = ? ORDER BY position""",
            (quote_id,),
        ).fetchall()
        assert [line[0] for line in lines] == list(range(1, len(lines) + 1)), (number, lines)
        if said == "":
            # Created and not saved yet: the reserved vehicle is its only line.
            assert status == "draft" and [line[1] for line in lines] == ["vehicle"], row
        else:
            match = re.fullmatch(r"lines=(\d+)", said)
            assert match and said == remarks(int(match[1])), said
            assert len(lines) == int(match[1]), (number, revision, said, len(lines))
        domain = [
            QuoteLine(
                LineKind(kind),
                description,
                Decimal(quantity),
                money.from_minor(price, currency),
                Decimal(rate),
            )
            for _, kind, description, quantity, price, rate in lines
        ]
        totals = compute_totals(domain, currency)
        extras = sum(
            (
                n
                for line, n in zip(domain, totals.line_nets, strict=True)
                if line.kind == "accessory"
            ),
            Decimal(0),
        )
        expected = tuple(
            money.to_minor(a, currency)
            for a in (totals.net, extras, totals.trade_in, totals.amount_due)
        )
        assert (net, accessories, trade_in, due) == expected, (number, revision)
        reference = number if revision == 1 else f"{number}-r{revision}"
        if presented_at is None:  # never issued
            assert stored is None and status in ("draft", "abandoned", "expired"), reference
            continue
        # Presented (and perhaps decided since): frozen as issued.
        assert stored is not None and status != "draft", reference
        snap = DocumentSnapshot.from_dict(json.loads(stored))
        assert (snap.kind, snap.number, snap.revision) == ("quote", number, revision)
        assert [line.description for line in snap.lines] == [line[2] for line in lines]
        assert money.to_minor(snap.totals.amount_due, currency) == due, reference
        issued[reference] = stored
    # Each revision superseded the one before: revised ones have their successor.
    for number, revision in conn.execute(
        "SELECT number, revision FROM quote WHERE status = 'revised'"
    ):
        assert conn.execute(
            "SELECT count(*) FROM quote WHERE number = ? AND revision = ?", (number, revision + 1)
        ).fetchone() == (1,)
    for number, top, count in conn.execute(
        "SELECT number, max(revision), count(*) FROM quote GROUP BY number"
    ):
        assert top == count, number  # revisions 1..n, none missing
    return issued, statuses


def _check_order_forms(conn: Any) -> dict[str, str]:
    forms = conn.execute(
        """SELECT f.number, q.status, q.number, q.revision, f.snapshot
           FROM order_form f JOIN quote q ON q.id = f.quote_id"""
    ).fetchall()
    issued = {}
    for number, status, quote_number, revision, stored in forms:
        assert status == "accepted", (number, quote_number, status)
        snap = DocumentSnapshot.from_dict(json.loads(stored))
        label = quote_number if revision == 1 else f"{quote_number} rev. {revision}"
        assert (snap.kind, snap.number, snap.quote_reference) == ("order_form", number, label)
        issued[number] = stored
    # An accepted quote has its order form: both are one transaction.
    assert conn.execute(
        "SELECT count(*) FROM quote WHERE status = 'accepted' "
        "AND id NOT IN (SELECT quote_id FROM order_form)"
    ).fetchone() == (0,)
    return issued


# The records the writer saves with a version (besides sales and quotes): each update is
# its new version and its audit line together, or neither.
_VERSIONED = ("contact", "activity", "lead", "stage", "team")


def _check_versions(conn: Any) -> int:
    """Every versioned record's version is 1 + its updates in the audit log, and the
    settings' versions add up to their audit lines; returns how many were edited."""
    edited = 0
    for entity in _VERSIONED:
        rows = conn.execute(
            f"""SELECT t.id, t.version,
                       (SELECT count(*) FROM audit_entry a WHERE a.entity = ?
                        AND a.entity_id = t.id AND a.action = 'update')
                FROM {entity} t""",
            (entity,),
        ).fetchall()
        for record_id, version, updates in rows:
            assert version == 1 + updates, (entity, record_id, version, updates)
            edited += version > 1
    versions = conn.execute("SELECT coalesce(sum(version), 0) FROM setting").fetchone()[0]
    lines = conn.execute("SELECT count(*) FROM audit_entry WHERE entity = 'setting'").fetchone()[0]
    assert versions == lines, (versions, lines)
    return edited + (versions > 0)


def _check_documents(folder: Path, issued: dict[str, str], seen: Seen) -> None:
    """A PDF in the documents folder is an issued document's, complete: pypdf reads it and it
    is, byte for byte, what its snapshot renders. A .part file is never one of them."""
    files = list(folder.iterdir()) if folder.exists() else []
    for path in files:
        if path.name.endswith(".pdf.part"):
            seen.parts.add(path.name)
            continue
        assert path.suffix == ".pdf", path.name
        reference = path.stem
        assert reference in issued, f"{path.name} is in the folder but was never issued"
        stat = path.stat()
        if seen.pdfs.get(path.name) == (stat.st_size, stat.st_mtime_ns):
            continue
        data = path.read_bytes()
        reader = PdfReader(path, strict=True)
        assert len(reader.pages) >= 1, path.name
        snap = DocumentSnapshot.from_dict(json.loads(issued[reference]))
        assert data == pdf.render(snap), f"{path.name} is not the document issued"
        seen.pdfs[path.name] = (stat.st_size, stat.st_mtime_ns)
    present = {p.stem for p in files if p.suffix == ".pdf"}
    seen.missing = set(issued) - present


class _ServerConnection:
    """A psycopg2 connection that reads as the checks read a sqlite3 one (execute with ?
    placeholders, returning rows as tuples)."""

    def __init__(self, url: str) -> None:
        self.conn = psycopg2.connect(url)
        self.conn.autocommit = True

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        cursor = self.conn.cursor()
        cursor.execute(sql.replace("%", "%%").replace("?", "%s"), params)
        return cursor

    def close(self) -> None:
        self.conn.close()


def _check_hand_overs(conn: sqlite3.Connection) -> None:
    """A sale handed to the team has its colleague beside it and the audit line saying so,
    or neither; and a sale nobody owns is held by the team (taking it back is whole too)."""
    shared = dict(
        conn.execute(
            "SELECT opportunity_id, count(*) FROM opportunity_salesperson GROUP BY opportunity_id"
        ).fetchall()
    )
    told = {
        row[0]
        for row in conn.execute(
            "SELECT entity_id FROM audit_entry WHERE entity = 'opportunity' "
            "AND changes LIKE '%\"salespeople\"%'"
        )
    }
    assert set(shared) == told, (sorted(shared), sorted(told))
    assert all(count == 1 for count in shared.values()), shared
    untaken = conn.execute(
        "SELECT count(*) FROM opportunity WHERE owner_id IS NULL AND team_id IS NULL"
    ).fetchone()[0]
    assert untaken == 0


def _check(where: Path | str, documents: Path, seen: Seen) -> None:
    """Integrity, foreign keys, every opportunity whole, every quote whole, the numbers
    gap-free, the documents as issued."""
    server = isinstance(where, str)
    conn = _ServerConnection(where) if server else sqlite3.connect(where)
    try:
        if not server:  # the server checks every key as it writes, and its own pages
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # Each writer signs in as it starts (killed there too): the writer's role and its
        # password's hash stay whole, its sign-ins each with their audit line.
        (credential,) = conn.execute(
            'SELECT c.password_hash, c.failed_attempts FROM user_credential c JOIN "user" u '
            "ON u.id = c.user_id WHERE u.username = 'writer'"
        ).fetchall()
        assert credential[0].startswith("$argon2id$") and credential[1] == 0, credential
        assert conn.execute(
            'SELECT r.role FROM user_role r JOIN "user" u ON u.id = r.user_id '
            "WHERE u.username = 'writer'"
        ).fetchall() == [("administrator",)]
        rows = conn.execute(
            """SELECT o.id, o.topic, o.vehicle_id,
                      (SELECT count(*) FROM activity a WHERE a.opportunity_id = o.id),
                      (SELECT count(*) FROM stage_change s WHERE s.opportunity_id = o.id),
                      (SELECT count(*) FROM close_date_change c WHERE c.opportunity_id = o.id),
                      (SELECT count(*) FROM contact c WHERE c.account_id = o.account_id)
               FROM opportunity o"""
        ).fetchall()
        for opportunity_id, topic, vehicle, acts, stages, closes, contacts in rows:
            match = re.fullmatch(r"crash \d+-\d+ k=(\d)", topic)
            assert match, topic
            whole = (acts, stages >= 1, closes >= 1, contacts >= 1, vehicle is not None)
            assert whole == (int(match[1]), True, True, True, True), (opportunity_id, topic, whole)
        # Customers and vehicles come only with their opportunity, in the same transaction.
        assert conn.execute(
            "SELECT count(*) FROM account WHERE id NOT IN (SELECT account_id FROM opportunity)"
        ).fetchone() == (0,)
        assert conn.execute(
            "SELECT count(*) FROM vehicle WHERE id NOT IN "
            "(SELECT vehicle_id FROM opportunity WHERE vehicle_id IS NOT NULL)"
        ).fetchone() == (0,)
        batches = conn.execute("SELECT count(*) FROM lead GROUP BY source").fetchall()
        assert all(count == (LEAD_BATCH,) for count in batches), batches
        hits = conn.execute(
            "SELECT count(*) FROM opportunity_search WHERE "
            + ("raw LIKE '%crash%'" if server else "opportunity_search MATCH 'crash'")
        ).fetchone()[0]
        assert hits == len(rows)
        issued, statuses = _check_quotes(conn)
        _gap_free(conn, "quote", "quote", "Q")
        forms = _check_order_forms(conn)
        _gap_free(conn, "order_form", "order_form", "OF")
        _check_documents(documents, {**issued, **forms}, seen)
        seen.edited = _check_versions(conn)
        _check_hand_overs(conn)
        seen.opportunities = len(rows)
        seen.activities = conn.execute("SELECT count(*) FROM activity").fetchone()[0]
        seen.quotes = statuses
        seen.order_forms = len(forms)
    finally:
        conn.close()


def _reprint_missing(database: Path | str, data_dir: Path, seen: Seen) -> int:
    """The issued documents whose PDF a kill kept from the folder are written again from
    their snapshots, whatever .part files lie beside them; returns how many."""
    from app.services import documents, workspace

    paths.set_data_dir(data_dir)
    try:
        if isinstance(database, str):
            workspace.open_server(database)
        else:
            workspace.open_database(database)
        for reference in sorted(seen.missing):
            archived = documents.archived_pdf(reference)
            assert archived.name == f"{reference}.pdf"
            assert archived.read_bytes() == documents.render(reference)
            assert len(PdfReader(archived, strict=True).pages) >= 1
        workspace.close_database()
    finally:
        paths.set_data_dir(None)
    return len(seen.missing)


def _cpu_seconds(pid: int) -> float | None:
    """The processor time a process has used (user and system), None once it is gone; from
    /proc, so on Linux only (elsewhere _let_it_work reads the wall clock)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, *fields = stat.rsplit(")", 1)[1].split()
    if state == "Z":
        return None  # it ended by itself: nothing left to kill
    return (int(fields[10]) + int(fields[11])) / os.sysconf("SC_CLK_TCK")


def _let_it_work(pid: int, seconds: float) -> None:
    """Wait until the writer has worked `seconds` of processor time, so that a kill lands
    as far into its work on a machine busy with other things as on an idle one: a wall
    clock's 0.1 s is a tenth of a second's work on an idle machine and a twentieth on one
    whose two cores run four other programs (the progress the test asserts fell short)."""
    if not Path("/proc/self/stat").exists():
        time.sleep(seconds)
        return
    # A writer that uses no processor time waits for something a killed writer held: the
    # next kill finds it still waiting, and the checks after it say what it waited for.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        used = _cpu_seconds(pid)
        if used is None or used >= seconds:
            return
        time.sleep(0.005)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the writer is forked (POSIX only)")
def test_a_writer_killed_at_random_moments_leaves_a_sound_database(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    database: Path | str = tmp_path / "showroom.sqlite3"
    if backend == "postgresql":
        database = str(request.getfixturevalue("pg_url"))
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.stress.crash_writer", str(database), str(tmp_path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert server.stdin is not None and server.stdout is not None
    rng = random.Random(20261201)
    started = time.monotonic()
    grew = 0
    seen = Seen()
    try:
        for kill in range(KILLS):
            server.stdin.write(f"fork {kill}\n")
            server.stdin.flush()
            pid = int(server.stdout.readline())
            _let_it_work(pid, rng.uniform(0.02, 0.25))
            os.kill(pid, signal.SIGKILL)
            server.stdin.write(f"reap {pid}\n")
            server.stdin.flush()
            assert server.stdout.readline().strip() == "reaped"
            before = seen.opportunities
            _check(database, tmp_path / "documents", seen)
            grew += seen.opportunities > before
        server.stdin.write("quit\n")
        server.stdin.flush()
        server.wait(timeout=10)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        server.stdin.close()
        server.stdout.close()
    reprinted = _reprint_missing(database, tmp_path, seen)
    elapsed = time.monotonic() - started
    quotes = sum(seen.quotes.values())
    print(
        f"\n{backend}: {KILLS} kills in {elapsed:.1f} s; {seen.opportunities} opportunities with "
        f"{seen.activities} activities survived whole; the writer got further before {grew} "
        f"of the kills; {quotes} quotes whole ({dict(sorted(seen.quotes.items()))}), "
        f"{seen.order_forms} order forms, {len(seen.pdfs)} archived PDFs complete, "
        f"{len(seen.parts)} .part files left behind, {reprinted} PDFs reprinted from snapshots; "
        f"{seen.edited} contacts, activities, leads, stages and settings saved over a version, "
        "each with its audit line"
    )
    # The kills hit a writer at work, not one still starting up, and it got to each step.
    assert seen.opportunities > KILLS // 2 and grew > KILLS // 4
    assert seen.quotes["accepted"] >= 3 and seen.quotes["revised"] >= 3
    assert seen.edited > KILLS // 4
