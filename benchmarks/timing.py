"""Timing a piece of work the same way in every benchmark."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_ms(
    work: Callable[[], object], repeat: int, warm_up: bool = False
) -> tuple[float, float]:
    """The median and the slowest of `repeat` runs of `work`, in milliseconds. With
    `warm_up`, one run first that is not counted (imports, fonts and caches loaded once)."""
    if warm_up:
        work()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, max(times) * 1000
