"""The daily question's report without HTTP: the period asked for (defaults, order, length)
and the small-group rule of one figure."""

from __future__ import annotations

from datetime import date

import pytest

from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.services.daily_report import MAX_DAYS, Counts, Figure, period

TODAY = date(2026, 6, 10)


def test_the_period_defaults_to_the_30_days_up_to_today_or_to_the_last_day() -> None:
    assert period(TODAY, None, None) == (date(2026, 5, 12), TODAY)
    assert period(TODAY, None, date(2026, 3, 1)) == (date(2026, 1, 31), date(2026, 3, 1))
    assert period(TODAY, date(2026, 6, 1), None) == (date(2026, 6, 1), TODAY)
    assert period(TODAY, TODAY, TODAY) == (TODAY, TODAY)  # one day


def test_a_period_is_in_order_and_at_most_366_days() -> None:
    first = date(2025, 6, 10)  # 2025-06-10 .. 2026-06-10 is 366 days
    assert (TODAY - first).days + 1 == MAX_DAYS
    assert period(TODAY, first, TODAY) == (first, TODAY)
    for asked in ((date(2025, 6, 9), TODAY), (date(2026, 6, 11), TODAY)):
        with pytest.raises(DomainError) as caught:
            period(TODAY, *asked)
        assert caught.value.type is ProblemType.validation_error
        assert caught.value.extra["field"] == "from"


@pytest.mark.parametrize(
    ("answers", "correct", "protect", "shown"),
    [
        (0, 0, True, Figure(0, None)),  # nobody: zero is shown
        (1, 1, True, Figure(None, None)),
        (9, 3, True, Figure(None, None)),
        (10, 3, True, Figure(10, 0.3)),
        (9, 3, False, Figure(9, 0.3333)),  # the city's own figures
    ],
)
def test_a_figure_under_10_people_is_hidden_below_the_city(
    answers: int, correct: int, protect: bool, shown: Figure
) -> None:
    figure = Figure.of(Counts(answers, correct), protect)
    assert figure == shown
    assert figure.hidden is (shown.answers is None)
