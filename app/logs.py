"""Logging to a rotating file in the per-user log folder, so a failure can be reported."""

from __future__ import annotations

import io
import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from app import paths

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_file() -> Path:
    """Where the log is written (the newest of the rotated files)."""
    return paths.log_dir() / "showroom.log"


class LogFileHandler(RotatingFileHandler):
    """The rotating log, created owner-only (it names customers), and quiet when it cannot
    be written: a full disk is told by the program in words, not by logging's own
    "--- Logging error ---" traceback on the terminal for each line it could not keep."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        stream = os.fdopen(fd, self.mode, encoding=self.encoding, errors=self.errors)
        assert isinstance(stream, io.TextIOWrapper)
        return stream

    def handleError(self, record: logging.LogRecord) -> None:
        # The line is lost (there is no room for it); what the program does about the full
        # disk or the vanished folder is said to the user where it happens.
        pass


def configure(verbose: bool = False) -> Path:
    """Send the program's log to showroom.log (1 MB, 5 kept); return its path. When the
    log folder cannot be written (a read-only data folder, a full disk), the log goes to
    the terminal instead, and the program goes on."""
    target = log_file()
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "showroom_log", False)]:
        root.removeHandler(old)
        old.close()
    handler: logging.Handler
    try:
        paths.private_dir(target.parent)
        handler = LogFileHandler(target, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        problem = None
    except OSError as exc:
        handler = logging.StreamHandler(sys.stderr)
        problem = exc
    setattr(handler, "showroom_log", True)  # noqa: B010 (marks the handlers this module owns)
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    if problem is not None:
        # Only warnings and errors: the terminal is not a place for the routine lines.
        handler.setLevel(logging.WARNING)
        logging.getLogger("showroom").warning(
            "the log cannot be written in %s (%s); logging to the terminal instead",
            target.parent,
            problem.strerror or problem,
        )
    return target
