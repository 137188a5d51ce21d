"""The activity dialog's rules apart from its widgets: where a slot typed as clock times
ends, and the day a follow-up is due."""

from __future__ import annotations

from datetime import date, datetime, time

from ui.activities.activity_kinds import FOLLOW_UP_SPANS, due_in, slot_end


def test_an_end_clock_before_the_start_is_the_next_morning_for_a_slot_of_at_most_12_hours() -> None:
    evening = datetime(2026, 12, 31, 23, 30)
    assert slot_end(evening, time(0, 30)) == datetime(2027, 1, 1, 0, 30)
    assert slot_end(evening, time(11, 30)) == datetime(2027, 1, 1, 11, 30)  # 12 hours
    # Longer than 12 hours: a slip, left on the start's day to be refused.
    assert slot_end(evening, time(11, 31)) == datetime(2026, 12, 31, 11, 31)
    morning = datetime(2026, 3, 2, 9, 0)
    assert slot_end(morning, time(10, 15)) == datetime(2026, 3, 2, 10, 15)
    assert slot_end(morning, time(9, 0)) == morning


def test_a_follow_up_is_due_in_weeks_or_calendar_months() -> None:
    day = date(2026, 1, 31)
    due = {span: due_in(span, day) for span, _text in FOLLOW_UP_SPANS}
    assert due == {
        "w1": date(2026, 2, 7),
        "w2": date(2026, 2, 14),
        "m1": date(2026, 2, 28),  # the month's last day when it has no 31st
        "m3": date(2026, 4, 30),
        "m6": date(2026, 7, 31),
        "m12": date(2027, 1, 31),
    }
