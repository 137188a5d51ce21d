"""Running a unit of work again when the database says it clashed with another writer:
a serialization failure or a deadlock on the site's server, or a versioned save that found
the row saved elsewhere meanwhile. The whole transaction is rolled back and the work run
anew from its first read, a bounded number of times; what still clashes then is raised."""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from app.db.connection import connection_lost, database
from app.db.models import StaleRecord

log = logging.getLogger(__name__)

ATTEMPTS = 4

# PostgreSQL's SQLSTATEs for a clash the server resolved by failing one side.
_CLASHES = {"40001", "40P01"}  # serialization_failure, deadlock_detected

P = ParamSpec("P")
T = TypeVar("T")


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[object] = [exc]
    while todo:
        current = todo.pop(0)
        if not isinstance(current, BaseException) or any(current is s for s in seen):
            continue
        seen.append(current)
        todo.extend([getattr(current, "orig", None), current.__cause__, current.__context__])
        todo.extend(current.args[:1])
    return seen


def is_clash(exc: BaseException) -> bool:
    """Whether running the work again may succeed: another writer won this time."""
    for cause in _causes(exc):
        if isinstance(cause, StaleRecord):
            return True
        if getattr(cause, "pgcode", None) in _CLASHES:
            return True
    return False


# How long a unit of work waits for a server that restarts (a restart takes a few seconds).
RECONNECT_WAITS = (0.2, 0.5, 1.0, 2.0, 3.0)


def _reconnected() -> bool:
    """After a unit of work failed: if the server connection broke, connect anew (waiting a
    little for a server that restarts); True when the work may run again."""
    if not connection_lost():
        return False
    for wait in RECONNECT_WAITS:
        try:
            database.obj.reconnect()
            return True
        except Exception as exc:  # the server is not back yet
            log.info("the server is not back yet (%s); waiting %.1f s", exc, wait)
            time.sleep(wait)
    return False


def retried(work: Callable[P, T]) -> Callable[P, T]:
    """Run `work` (a service that opens its own transaction) again when it clashes with
    another writer, up to ATTEMPTS times in all, with a short random pause between. Inside
    a caller's transaction it runs once: only the outermost unit can be run anew."""

    @functools.wraps(work)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return work(*args, **kwargs)
            except Exception as exc:
                if database.in_transaction():
                    raise
                if attempt < ATTEMPTS and _reconnected():
                    log.info("%s lost the server's connection; running it again", work.__name__)
                    continue
                if attempt == ATTEMPTS or not is_clash(exc):
                    raise
                log.info(
                    "%s clashed with another writer (%s); running it again", work.__name__, exc
                )
                time.sleep(random.uniform(0.01, 0.05) * attempt)
        raise AssertionError("unreachable")

    return run
