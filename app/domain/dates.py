"""Calendar rules: the default close date and the named date windows of the lists."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from app import i18n


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_close_date(today: date) -> date:
    """A new opportunity is expected to close a month from today."""
    return add_months(today, 1)


def closing_window(today: date, days: int) -> tuple[date, date]:
    """'Closing in N days': from today to today + N, both included."""
    return today, today + timedelta(days=days)


# A close date further ahead than this is most likely a typing slip (31012027 read as the
# year 3101): the form asks before saving it.
FAR_AHEAD_YEARS = 5


def far_ahead(day: date | None, today: date) -> bool:
    """Whether `day` is more than FAR_AHEAD_YEARS years after `today`."""
    return day is not None and day > add_months(today, 12 * FAR_AHEAD_YEARS)


# "call again in 6 months", "in zwei Wochen", "tra 3 mesi", "la semaine prochaine", "tomorrow",
# "next Monday": what a note says of when to come back, in the languages the program speaks.
# Each language: its numbers in words, its units (singular and plural forms), how it says
# "in N units", "next unit", "tomorrow", "the day after tomorrow" and "next <weekday>".
@dataclass(frozen=True)
class _FollowUpWords:
    numbers: dict[str, int]
    units: dict[str, str]  # a word for a unit -> "day", "week", "month" or "year"
    within: str  # before the count: "in", "tra|fra", "dans"
    next_unit: tuple[str, ...]  # patterns with {unit} for "next week"
    tomorrow: tuple[str, ...]
    after_tomorrow: tuple[str, ...]
    weekdays: tuple[str, ...]  # Monday first
    next_weekday: tuple[str, ...]  # patterns with {day}


_WORDS = {
    "en": _FollowUpWords(
        numbers={"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "six": 6,
                 "twelve": 12},
        units={"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month",
               "months": "month", "year": "year", "years": "year"},
        within=r"in",
        next_unit=(r"next\s+{unit}",),
        tomorrow=(r"tomorrow",),
        after_tomorrow=(r"the\s+day\s+after\s+tomorrow",),
        weekdays=("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        next_weekday=(r"next\s+{day}",),
    ),
    "de": _FollowUpWords(
        numbers={"einem": 1, "einer": 1, "einen": 1, "ein": 1, "eine": 1, "zwei": 2, "drei": 3,
                 "vier": 4, "sechs": 6, "zwölf": 12},
        units={"tag": "day", "tagen": "day", "woche": "week", "wochen": "week",
               "monat": "month", "monaten": "month", "jahr": "year", "jahren": "year"},
        within=r"in",
        next_unit=(r"nächste[nrs]?\s+{unit}", r"kommende[nrs]?\s+{unit}"),
        tomorrow=(r"(?<!guten )(?<!heute )morgen",),
        after_tomorrow=(r"übermorgen",),
        weekdays=("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag",
                  "sonntag"),
        next_weekday=(r"nächste[nrs]?\s+{day}", r"kommende[nrs]?\s+{day}"),
    ),
    "it": _FollowUpWords(
        numbers={"un": 1, "uno": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "sei": 6,
                 "dodici": 12},
        units={"giorno": "day", "giorni": "day", "settimana": "week", "settimane": "week",
               "mese": "month", "mesi": "month", "anno": "year", "anni": "year"},
        within=r"(?:tra|fra)",
        next_unit=(r"{unit}\s+prossim[oa]", r"prossim[oa]\s+{unit}"),
        tomorrow=(r"domani",),
        after_tomorrow=(r"dopodomani",),
        weekdays=("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato",
                  "domenica"),
        next_weekday=(r"{day}\s+prossim[oa]", r"prossim[oa]\s+{day}"),
    ),
    "fr": _FollowUpWords(
        numbers={"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "six": 6, "douze": 12},
        units={"jour": "day", "jours": "day", "semaine": "week", "semaines": "week",
               "mois": "month", "an": "year", "ans": "year", "année": "year",
               "années": "year"},
        within=r"dans",
        next_unit=(r"{unit}\s+prochaine?",),
        tomorrow=(r"demain",),
        after_tomorrow=(r"après-demain", r"après\s+demain"),
        weekdays=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
        next_weekday=(r"{day}\s+prochain",),
    ),
}  # fmt: skip
_DAYS = {"day": 1, "week": 7}


def _later(today: date, count: int, unit: str) -> date:
    if unit == "month":
        return add_months(today, count)
    if unit == "year":
        return add_months(today, 12 * count)
    return today + timedelta(days=count * _DAYS[unit])


def _read_follow_up(words: str, today: date, w: _FollowUpWords) -> date | None:
    def alternatives(items: Iterable[str]) -> str:
        return "|".join(re.escape(i) for i in sorted(items, key=len, reverse=True))

    counts = r"\d{1,3}|" + alternatives(w.numbers)
    units = alternatives(w.units)
    found = re.search(rf"\b{w.within}\s+({counts})\s+({units})\b", words)
    if found is not None:
        raw, unit = found.group(1), w.units[found.group(2)]
        return _later(today, int(raw) if raw.isdigit() else w.numbers[raw], unit)
    for pattern in w.next_weekday:
        for index, day in enumerate(w.weekdays):
            if re.search(r"\b" + pattern.format(day=re.escape(day)) + r"(?!\w)", words):
                ahead = (index - today.weekday()) % 7 or 7
                return today + timedelta(days=ahead)
    for pattern in w.next_unit:
        found = re.search(r"\b" + pattern.format(unit=f"({units})") + r"(?!\w)", words)
        if found is not None:
            unit = w.units[found.group(1)]
            return _later(today, 1, unit) if unit != "day" else today + timedelta(days=1)
    if any(re.search(rf"(?<!\w){p}(?!\w)", words) for p in w.after_tomorrow):
        return today + timedelta(days=2)
    if any(re.search(rf"(?<![\w-]){p}(?![\w-])", words) for p in w.tomorrow):
        return today + timedelta(days=1)
    return None


def follow_up_date(text: str, today: date, language: str | None = None) -> date | None:
    """The day a note asks to follow up on ("in 6 months" -> six months from today;
    "nächsten Montag" -> the coming Monday), or None when it names no time. Read in the
    note's `language` (the screen's when not given) and in English, which notes mix in."""
    words = text.lower()
    language = (language or i18n.language()).split("_")[0].split("-")[0]
    for code in dict.fromkeys((language, "en")):
        if code in _WORDS:
            found = _read_follow_up(words, today, _WORDS[code])
            if found is not None:
                return found
    return None
