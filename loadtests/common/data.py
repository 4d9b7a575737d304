"""What simulated people send: answers, addresses, seats in the roster. No locust here, so
that the tests can import it."""

from __future__ import annotations

import hashlib
import random
from typing import Any


def random_address(rng: random.Random) -> str:
    """A public-looking client address for X-Forwarded-For (the runner trusts loopback)."""
    return (
        f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    )


def choose(question: dict[str, Any], rng: random.Random) -> list[str]:
    ids = [option["id"] for option in question["options"]]
    if question["type"] == "multiple":
        return sorted(rng.sample(ids, rng.randint(1, min(3, len(ids)))))
    return [rng.choice(ids)]


def student_body(seat: tuple[str, int, str], nickname: str) -> dict[str, Any]:
    """What a student of the roster sends to join: school, grade, class, a nickname."""
    school, grade, class_name = seat
    return {
        "track": "student",
        "lang": "zh",
        "school_code": school,
        "grade": grade,
        "class_name": class_name,
        "nickname": nickname,
    }


def school_address(code: str) -> str:
    """One public address per school, as its NAT router shows it."""
    digest = hashlib.sha256(code.encode()).digest()
    return f"{11 + digest[0] % 200}.{digest[1]}.{digest[2]}.{1 + digest[3] % 254}"


def seat(n: int, schools: list[dict[str, Any]]) -> tuple[str, int, str]:
    """The n-th student's school, grade and class, spread over the roster."""
    school = schools[n % len(schools)]
    classes = [(int(g), c) for g, names in school["grades"].items() for c in names]
    grade, class_name = classes[(n // len(schools)) % len(classes)]
    return school["code"], grade, class_name
