"""What the simulated participants send (loadtests/common/data.py): valid answers, seats
spread over the roster, one address per school."""

from __future__ import annotations

import random

from loadtests.common.content import roster
from loadtests.common.data import choose, random_address, school_address, seat


def test_answers_are_valid_choices_of_the_paper() -> None:
    rng = random.Random(7)
    options = [{"id": letter, "text": "x"} for letter in "ABCD"]
    for _ in range(50):
        assert choose({"type": "single", "options": options}, rng)[0] in "ABCD"
        picked = choose({"type": "multiple", "options": options}, rng)
        assert 1 <= len(picked) <= 3 and picked == sorted(set(picked))
    assert all(int(part) <= 255 for part in random_address(rng).split("."))


def test_students_spread_over_the_roster_and_share_their_school_address() -> None:
    schools = roster(3, grades=(7, 8), classes=2)
    seats = [seat(n, schools) for n in range(12)]
    assert {code for code, _, _ in seats} == {"LT0001", "LT0002", "LT0003"}
    assert len(set(seats)) == 12  # 3 schools x 2 grades x 2 classes
    assert school_address("LT0001") == school_address("LT0001") != school_address("LT0002")
