"""The daily question's content file and its schedule: pure functions of the file, the bank
and the date (so every worker and every restart agree)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from quiz_api.content.bank import ContentInvalid, load_bank
from quiz_api.content.daily import (
    DAILY_FILE,
    DailySpec,
    Group,
    Pin,
    load_daily,
    question_of_day,
)
from quiz_api.core.config import PROJECT_ROOT
from tests.plugins import factories

SHANGHAI_2359 = datetime(2026, 3, 9, 15, 59, tzinfo=UTC)  # 23:59 on 9 March in Shanghai


def spec(**pins: list[Pin]) -> DailySpec:
    return DailySpec(start=date(2026, 1, 1), pins={Group(g): p for g, p in pins.items()})


IDS = [f"q-{n:02d}" for n in range(10)]


def test_the_day_turns_at_midnight_in_shanghai_not_utc() -> None:
    daily = spec()
    assert daily.local_day(SHANGHAI_2359) == date(2026, 3, 9)
    assert daily.local_day(SHANGHAI_2359 + timedelta(minutes=1)) == date(2026, 3, 10)
    # Same UTC date, other local day: the question changes at local midnight.
    before = question_of_day(daily, Group.adult, IDS, daily.local_day(SHANGHAI_2359))
    after = question_of_day(
        daily, Group.adult, IDS, daily.local_day(SHANGHAI_2359 + timedelta(minutes=1))
    )
    assert before is not None and after is not None
    assert before.question_id != after.question_id


def test_no_repeat_until_the_pool_is_used_up_then_a_new_order() -> None:
    daily = spec()
    days = [daily.start + timedelta(days=n) for n in range(3 * len(IDS))]
    served = [question_of_day(daily, Group.adult, IDS, day) for day in days]
    ids = [s.question_id for s in served if s is not None]
    cycles = [ids[n : n + len(IDS)] for n in range(0, len(ids), len(IDS))]
    assert all(sorted(cycle) == IDS for cycle in cycles)
    assert cycles[0] != cycles[1]  # each cycle is shuffled anew, not the bank's order
    assert cycles[0] != IDS


def test_groups_have_their_own_orders() -> None:
    daily = spec()
    days = [daily.start + timedelta(days=n) for n in range(len(IDS))]
    adult = [question_of_day(daily, Group.adult, IDS, d) for d in days]
    primary = [question_of_day(daily, Group.primary, IDS, d) for d in days]
    assert adult != primary


def test_the_schedule_depends_on_nothing_but_its_inputs() -> None:
    # Another "worker" with the ids in another order computes the same days.
    daily = spec(adult=[Pin(date="06-26", question="q-03")])
    day = date(2027, 2, 14)
    first = question_of_day(daily, Group.adult, IDS, day)
    again = question_of_day(
        DailySpec.model_validate(daily.model_dump()), Group.adult, list(reversed(IDS)), day
    )
    assert first == again


def test_pins_yearly_and_once() -> None:
    daily = spec(
        adult=[Pin(date="06-26", question="q-03"), Pin(date="2026-06-01", question="q-07")]
    )
    for year in (2026, 2027, 2031):
        served = question_of_day(daily, Group.adult, IDS, date(year, 6, 26))
        assert served is not None and served.question_id == "q-03" and served.pinned
    once = question_of_day(daily, Group.adult, IDS, date(2026, 6, 1))
    assert once is not None and once.question_id == "q-07"
    later = question_of_day(daily, Group.adult, IDS, date(2027, 6, 1))
    assert later is not None and not later.pinned
    # Pinned questions are kept out of the rotation, and the rotation skips pinned days:
    # over the pins, every cycle still serves each unpinned question exactly once.
    rotation = [
        question_of_day(daily, Group.adult, IDS, daily.start + timedelta(days=n))
        for n in range(800)
    ]
    unpinned = [s.question_id for s in rotation if s is not None and not s.pinned]
    pool = sorted(set(IDS) - {"q-03", "q-07"})
    assert len(unpinned) == 800 - 3  # 2026-06-01, 2026-06-26, 2027-06-26
    full = len(unpinned) - len(unpinned) % len(pool)
    for start in range(0, full, len(pool)):
        assert sorted(unpinned[start : start + len(pool)]) == pool
    # Pins of one group leave the other groups alone.
    other = question_of_day(daily, Group.secondary, IDS, date(2026, 6, 26))
    assert other is not None and not other.pinned


def test_before_the_start_there_is_no_question() -> None:
    assert question_of_day(spec(), Group.adult, IDS, date(2025, 12, 31)) is None


def test_february_29_is_pinned_in_leap_years_only() -> None:
    daily = spec(adult=[Pin(date="02-29", question="q-01")])
    leap = question_of_day(daily, Group.adult, IDS, date(2028, 2, 29))
    assert leap is not None and leap.pinned
    assert Pin(date="02-29", question="q-01").on(2027) is None


def test_the_shipped_daily_file_is_valid_and_pins_its_days() -> None:
    bank = load_bank(PROJECT_ROOT / "content" / "quiz")
    daily = load_daily(PROJECT_ROOT / "content" / "daily", bank.questions)
    assert daily.start <= date.today() and daily.timezone == "Asia/Shanghai"
    adult_ids = [q.id for q in bank.questions if "adult" in q.tracks]
    humen = question_of_day(daily, Group.adult, adult_ids, date(2027, 6, 3))
    assert humen is not None and humen.question_id == "a-history-001"


def write_daily(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "daily"
    folder.mkdir()
    (folder / DAILY_FILE).write_text(body, "utf-8")
    return folder


def bank_questions() -> list[dict[str, Any]]:
    return [
        factories.question("a-law-01"),
        factories.question("s-primary-01", tracks=["student"], levels=["primary"]),
        factories.question("s-both-01", tracks=["student"], levels=["primary", "secondary"]),
        factories.question("s-both-02", tracks=["student"], levels=["primary", "secondary"]),
        factories.question("a-law-02"),
        factories.question("a-law-03"),  # the adults' rotation keeps one question
    ]


def load(tmp_path: Path, body: str) -> DailySpec:
    bank_dir = factories.write_content(tmp_path / "content", bank_questions(), []) / "quiz"
    return load_daily(write_daily(tmp_path, body), load_bank(bank_dir).questions)


BROKEN = """\
start: "2026-01-01"
timezone: Asia/Shanghai
pins:
  adult:
    - date: "06-26"
      question: a-law-01
    - date: "2026-06-26"
      question: a-law-02
    - date: "06-01"
      question: no-such-question
  secondary:
    - date: "06-03"
      question: s-primary-01
"""


def test_validation_names_file_and_line_of_each_problem(tmp_path: Path) -> None:
    with pytest.raises(ContentInvalid) as caught:
        load(tmp_path, BROKEN)
    messages = [str(error) for error in caught.value.errors]
    path = tmp_path / "daily" / DAILY_FILE
    assert any(m.startswith(f"{path}:7:") and "pinned twice" in m for m in messages), messages
    assert any(
        m.startswith(f"{path}:10:") and "unknown question id 'no-such-question'" in m
        for m in messages
    ), messages
    assert any(m.startswith(f"{path}:13:") and "not for secondary" in m for m in messages), messages
    assert len(messages) == 3


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('start: "2026-01-01"\ntimezone: Mars/Olympus\n', ":2:"),
        (
            'start: "2026-01-01"\npins:\n  adult:\n    - date: "13-40"\n      question: a-law-01\n',
            ":4:",
        ),
        ('start: "2026-01-01"\npins:\n  teachers: []\n', ":3:"),
        ('start: "2026-01-01"\nstart_date: "2026-01-01"\n', ":2:"),
    ],
)
def test_schema_errors_have_lines(tmp_path: Path, body: str, expected: str) -> None:
    with pytest.raises(ContentInvalid) as caught:
        load(tmp_path, body)
    assert expected in str(caught.value), str(caught.value)


def test_a_valid_file_loads(tmp_path: Path) -> None:
    daily = load(
        tmp_path,
        'start: "2026-01-01"\npins:\n  primary:\n    - date: "06-01"\n      question: s-both-01\n',
    )
    assert daily.pins[Group.primary][0].question == "s-both-01"


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ContentInvalid, match=r"no daily\.yaml"):
        load_daily(tmp_path)
