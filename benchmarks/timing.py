"""Timing a piece of work the same way in every benchmark."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


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


def p95(times: list[float]) -> float:
    """The 95th percentile of the times (the slowest of fewer than 20)."""
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass(frozen=True, slots=True)
class Paired:
    """The app's runs and the baseline's, taken in turn, in milliseconds."""

    app: list[float]
    base: list[float]

    @property
    def app_median(self) -> float:
        return statistics.median(self.app)

    @property
    def base_median(self) -> float:
        return statistics.median(self.base)

    @property
    def app_p95(self) -> float:
        return p95(self.app)

    @property
    def base_p95(self) -> float:
        return p95(self.base)

    @property
    def ratio(self) -> float:
        return self.app_median / self.base_median if self.base_median else float("inf")

    def line(self) -> str:
        return (
            f"app median {self.app_median:7.1f} p95 {self.app_p95:7.1f} ms   "
            f"baseline median {self.base_median:7.1f} p95 {self.base_p95:7.1f} ms   "
            f"ratio {self.ratio:5.2f}"
        )


def interleaved(
    app: Callable[[], object], base: Callable[[], object], repeat: int, warm_up: bool = True
) -> Paired:
    """`repeat` runs of the app's work and of the baseline's, one of each in turn (the
    baseline first in every other pair), so a busy spell of the machine falls on both."""
    if warm_up:
        app()
        base()
    app_times: list[float] = []
    base_times: list[float] = []
    for n in range(repeat):
        order = ((app, app_times), (base, base_times))
        for work, times in order if n % 2 == 0 else reversed(order):
            start = time.perf_counter()
            work()
            times.append((time.perf_counter() - start) * 1000)
    return Paired(app_times, base_times)
