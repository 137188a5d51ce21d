"""Logging to a rotating file in the per-user log folder, so a failure can be reported."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from app import paths


def log_file() -> Path:
    """Where the log is written (the newest of the rotated files)."""
    return paths.log_dir() / "showroom.log"


def configure(verbose: bool = False) -> Path:
    """Send the program's log to showroom.log (1 MB, 5 kept); return its path."""
    target = log_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(target, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, RotatingFileHandler)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    return target
