"""The CSV lead import on a large file: time and peak memory of a separate process.

    PYTHONPATH=. .venv/bin/python -m benchmarks.bench_lead_import [--megabytes 50]

Writes a web-form export of the given size (rows of some 500 bytes, each with a message),
then imports it into a new database in a child process and prints the rows, the seconds,
the child's peak resident memory and its memory before the import (Python, Qt-free).

Target (issue 14, point 8): 50 MB in under 8 s. The time is printed with its ratio to a
baseline measured in the same run: the same file read by the csv module and written with a
bare executemany into a table without indexes, so a loaded machine shows as a loaded machine."""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from app.services import lead_import, leads, workspace

workspace.open_database(Path(sys.argv[2]))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
report = lead_import.import_csv(Path(sys.argv[1]))
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"imported": report.imported, "refused": len(report.errors),
                  "seconds": seconds, "before_kb": before, "peak_kb": peak}))
"""


def write_file(path: Path, megabytes: int) -> int:
    message = "Please call me about a test drive and a trade-in offer; " * 6
    rows, size = 0, 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(
            "Lead ID,First name,Last name,E-mail,Phone,Make,Model,Campaign,Submitted,Message\n"
        )
        while size < megabytes * 1024 * 1024:
            line = (
                f"WF-{rows},Maria{rows},Rossi{rows},m{rows}@example.it,+39 02 {1000000 + rows},"
                f'Volkswagen,Golf,spring,2026-11-{1 + rows % 28:02} 09:30,"{message}"\n'
            )
            handle.write(line)
            size += len(line.encode())
            rows += 1
    return rows


def bare_executemany(csv_path: Path, db_path: Path) -> float:
    """Seconds to read the file with the csv module and insert its rows as they are."""
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE t (a, b, c, d, e, f, g, h, i, j)")
    start = time.perf_counter()
    with csv_path.open(encoding="utf-8", newline="") as handle, conn:
        rows = csv.reader(handle)
        next(rows)
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        csv_path, db_path = Path(folder) / "leads.csv", Path(folder) / "bench.sqlite3"
        rows = write_file(csv_path, args.megabytes)
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(csv_path), str(db_path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
        bare = bare_executemany(csv_path, Path(folder) / "baseline.sqlite3")
        size = csv_path.stat().st_size / 1024 / 1024
        print(f"file: {size:.1f} MB, {rows:,} rows")
        print(
            f"imported {result['imported']:,} (refused {result['refused']}) in "
            f"{result['seconds']:.1f} s; peak memory {result['peak_kb'] / 1024:.0f} MB "
            f"({result['before_kb'] / 1024:.0f} MB before the import); target < 8 s"
        )
        print(f"bare csv + executemany {bare:.2f} s, ratio {result['seconds'] / bare:.1f}")


if __name__ == "__main__":
    main()
