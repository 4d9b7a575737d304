"""Streaks of the daily question: days in a row, one missed day per Monday-Sunday week
forgiven, nothing to buy or repair."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from quiz_api.services.daily import Streak, streak

MON = date(2026, 6, 8)  # a Monday


def days(*offsets: int) -> list[date]:
    return [MON + timedelta(days=n) for n in offsets]


@pytest.mark.parametrize(
    ("answered", "today", "expected"),
    [
        ([], 0, Streak(0, 0)),
        ((0, 1, 2), 2, Streak(3, 3)),
        ((0, 1, 2), 3, Streak(3, 3)),  # today not answered yet: nothing broken
        ((0, 1, 2), 4, Streak(3, 3)),  # yesterday missed: forgiven (first miss of the week)
        ((0, 1, 2), 5, Streak(0, 3)),  # two days missed in a row: broken
        ((0, 2, 3), 3, Streak(3, 3)),  # Tuesday missed, forgiven; the miss does not count
        ((0, 2, 4), 4, Streak(1, 2)),  # Tuesday forgiven, Thursday not: same week
        ((5, 7), 7, Streak(2, 2)),  # Sunday missed (the week of Sat)
        ((5, 7, 9), 9, Streak(3, 3)),  # ... and Tuesday of the next week: a new week's pardon
        ((0, 1, 3, 4, 6, 8, 10), 10, Streak(1, 4)),  # Wed, then Sat and Wed,
    ],
)
def test_streaks(answered: tuple[int, ...], today: int, expected: Streak) -> None:
    assert streak(days(*answered), MON + timedelta(days=today)) == expected


def test_a_week_starts_on_monday() -> None:
    # Sunday 14 June is missed and forgiven in its week; Monday 15 June starts a new week, so
    # missing Tuesday 16 June is forgiven too.
    assert streak(days(5, 7, 9), MON + timedelta(days=9)).current == 3
    # Within one week (Tue 9, Thu 11 missed), the second miss breaks the run.
    assert streak(days(0, 2, 4), MON + timedelta(days=4)).current == 1
