"""Measuring the program against a baseline the same way in every benchmark: the two run
interleaved, round by round, each reported by its median and 95th percentile, and a
missed target makes the benchmark exit non-zero."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Figures:
    """Times of one side, in milliseconds."""

    times: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        """The 95th percentile (inclusive: with few runs, close to the slowest)."""
        if len(self.times) < 2:
            return self.times[0]
        return statistics.quantiles(self.times, n=20, method="inclusive")[18]

    def __str__(self) -> str:
        return f"median {self.median:.1f} ms, p95 {self.p95:.1f} ms"


def timed_ms(work: Callable[[], object]) -> float:
    """How long `work` takes, in milliseconds."""
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


def _once(work: Callable[[object], object], probe: object) -> float:
    start = time.perf_counter()
    work(probe)
    return (time.perf_counter() - start) * 1000


def interleaved(
    sides: Mapping[str, Callable[[], object]],
    repeat: int,
    warm_up: int = 1,
    measured: bool = False,
) -> dict[str, Figures]:
    """Run each side once per round, `repeat` rounds, the order of the sides turned round
    every other round so that neither always runs first after the other; `warm_up` rounds
    before them are not counted. With `measured`, each side returns its own time in
    milliseconds (a start-up a child process reports) instead of being timed here."""
    names = list(sides)
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(warm_up + repeat):
        order = names if round_ % 2 == 0 else names[::-1]
        for name in order:
            taken = float(sides[name]()) if measured else timed_ms(sides[name])  # type: ignore[arg-type]
            if round_ >= warm_up:
                times[name].append(taken)
    return {name: Figures(tuple(values)) for name, values in times.items()}


def each(
    probes: Sequence[object],
    app: Callable[[object], object],
    baseline: Callable[[object], object],
) -> tuple[Figures, Figures]:
    """Each probe (a keystroke, a salesperson) through the program and through the
    baseline, one after the other, the order turned round for every other probe."""
    app_times, base_times = [], []
    for n, probe in enumerate(probes):
        if n % 2:
            base_times.append(_once(baseline, probe))
            app_times.append(_once(app, probe))
        else:
            app_times.append(_once(app, probe))
            base_times.append(_once(baseline, probe))
    return Figures(tuple(app_times)), Figures(tuple(base_times))


class Targets:
    """The benchmark's targets: each check prints whether it is met; `exit()` ends the
    benchmark with 1 when any was missed."""

    def __init__(self) -> None:
        self.missed: list[str] = []

    def at_most(self, what: str, value: float, limit: float, unit: str = "ms") -> bool:
        met = value <= limit
        return self._record(what, met, f"{value:.2f} {unit} (target <= {limit:g} {unit})")

    def below(self, what: str, value: float, limit: float, unit: str = "ms") -> bool:
        met = value < limit
        return self._record(what, met, f"{value:.2f} {unit} (target < {limit:g} {unit})")

    def growth(
        self,
        what: str,
        sizes: tuple[int, int],
        program: tuple[float, float],
        baseline: tuple[float, float],
        slack: float = 1.2,
        excusable: bool = True,
    ) -> bool:
        """A figure that grows faster than the data is a defect (issue 22): from the smaller
        size to the larger, the program's median may grow by the data's ratio times `slack`
        (x3.6 from 100,000 to 300,000). Beyond that it is missed, unless the baseline, which
        does the same amount of work per row at every size, grew as much in the same run
        (the machine's caches, not the program's reads) and `excusable` allows that."""
        data = sizes[1] / sizes[0]
        grew = program[1] / program[0]
        base = baseline[1] / baseline[0]
        limit = data * slack
        met = grew <= limit or (excusable and grew <= base)
        excused = " (the baseline grew as much)" if grew > limit and met else ""
        text = (
            f"x{grew:.1f} for x{data:.0f} the data, baseline x{base:.1f} "
            f"(target <= x{limit:.1f}){excused}"
        )
        return self._record(f"{what}, growth {sizes[0]:,} -> {sizes[1]:,}", met, text)

    def _record(self, what: str, met: bool, text: str) -> bool:
        print(f"  {'met   ' if met else 'MISSED'} {what}: {text}")
        if not met:
            self.missed.append(what)
        return met

    def exit(self) -> None:
        if self.missed:
            print(f"missed {len(self.missed)} target(s): {', '.join(self.missed)}")
            sys.exit(1)
        print("every target met")


# --- a search typed one character at a time -----------------------------------------------

TERM_LENGTHS = ("1", "2", "3", "4+")


def typed(word: str) -> list[str]:
    """What a search box holds after each keystroke of `word`."""
    return [word[:n] for n in range(1, len(word) + 1)]


def term_length(text: str) -> str:
    """A search's length as the figures are grouped: 1, 2, 3, 4+ characters."""
    return str(len(text)) if len(text) < 4 else "4+"


@dataclass
class Keystrokes:
    """The times (ms) of each keystroke, by term length: the program's (each of its
    variants: sorts, filters) and the baseline's; the slowest of the program's."""

    program: dict[str, list[float]]
    baseline: dict[str, list[float]]
    slowest: list[tuple[float, str, str]]

    def figures(self, length: str) -> tuple[Figures, Figures]:
        return Figures(tuple(self.program[length])), Figures(tuple(self.baseline[length]))


def keystrokes(
    texts: Sequence[str],
    repeat: int,
    variants: Callable[[str], Sequence[tuple[str, Callable[[], object]]]],
    baseline: Callable[[str], Callable[[], object]],
    baseline_rounds: int = 1,
) -> Keystrokes:
    """Each text (a keystroke) `repeat` rounds: the baseline's call for it (in the first
    `baseline_rounds` rounds only, where it takes seconds), then each of the program's
    `variants(text)` (name, call), so the two run interleaved keystroke by keystroke."""
    program: dict[str, list[float]] = {length: [] for length in TERM_LENGTHS}
    base: dict[str, list[float]] = {length: [] for length in TERM_LENGTHS}
    slowest: list[tuple[float, str, str]] = []
    for round_ in range(repeat):
        for text in texts:
            if round_ < baseline_rounds:
                base[term_length(text)].append(timed_ms(baseline(text)))
            for how, call in variants(text):
                taken = timed_ms(call)
                program[term_length(text)].append(taken)
                slowest.append((taken, text, how))
    slowest.sort(reverse=True)
    return Keystrokes(program, base, slowest)


def report_keystrokes(label: str, found: Keystrokes, target_ms: float) -> list[str]:
    """Print median and p95 per term length beside the baseline's, the ratio of the
    medians and the slowest keystrokes; return the term lengths whose p95 missed the
    target (p95 < target_ms)."""
    missed: list[str] = []
    for length in TERM_LENGTHS:
        if not found.program[length]:
            continue
        app, base = found.figures(length)
        over = not app.p95 < target_ms
        if over:
            missed.append(f"{label}: terms of {length} characters, p95 {app.p95:.1f} ms")
        ratio = f"ratio {app.median / base.median:5.3f}" if base.times else ""
        base_text = (
            f"baseline median {base.median:7.1f} ms  p95 {base.p95:7.1f} ms" if base.times else ""
        )
        print(
            f"  {length:>2} characters: median {app.median:6.1f} ms  p95 {app.p95:6.1f} ms   "
            f"{base_text}   {ratio}" + ("  <-- over target" if over else "")
        )
    print("  slowest keystrokes:")
    for taken, text, how in found.slowest[:5]:
        print(f"    {text!r:<12} {how:<28} {taken:6.1f} ms")
    return missed
