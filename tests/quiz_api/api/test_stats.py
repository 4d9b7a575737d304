"""The figures the office publishes: participants and attempts per track and per day."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.plugins.app import Clock
from tests.plugins.factories import STUDENT, join, start, submit


def test_stats_per_track_and_day(client: TestClient, clock: Clock, school: str) -> None:
    adults = [join(client) for _ in range(3)]
    student = join(client, **STUDENT)
    for headers in adults[:2]:
        paper = start(client, headers)
        submit(client, headers, paper["attempt_id"], {})
    start(client, student)  # started, not finished
    clock.advance(hours=20)  # the next day in Shanghai
    paper = start(client, adults[0])
    submit(client, adults[0], paper["attempt_id"], {})

    stats = client.get("/api/v1/stats").json()
    assert (stats["participants"], stats["attempts"], stats["finished"]) == (4, 4, 3)
    assert stats["by_track"]["adult"] == {"participants": 3, "attempts": 3, "finished": 3}
    assert stats["by_track"]["student"] == {"participants": 1, "attempts": 1, "finished": 0}
    days = {
        (d["day"], d["track"]): (d["participants"], d["attempts"], d["finished"])
        for d in stats["by_day"]
    }
    assert days == {
        ("2026-06-10", "adult"): (3, 2, 2),
        ("2026-06-10", "student"): (1, 1, 0),
        ("2026-06-11", "adult"): (0, 1, 1),
    }
