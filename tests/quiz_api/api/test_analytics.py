"""GET /api/v1/reports/questions: scoped by role, fractions, how old, CSV and XLSX."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from tests.plugins.analytics import Answered
from tests.plugins.app import Clock, assert_problem
from tests.plugins.factories import join, key, start, submit
from tests.plugins.staff import StaffFactory

URL = "/api/v1/reports/questions"


def test_city_staff_see_every_question_with_fractions(
    client: TestClient, staff: StaffFactory, clock: Clock, answered_questions: list[Answered]
) -> None:
    clock.advance(minutes=1)
    city = staff("city")
    body = client.get(URL, headers=city).json()
    assert body["attempts"] == "first" and body["age_seconds"] == 0
    firsts = [a for a in answered_questions if a.first]
    assert {p["track"]: p["participants"] for p in body["papers"]} == {
        "adult": sum(a.track == "adult" for a in firsts),
        "student": sum(a.track == "student" for a in firsts),
    }
    for question in body["questions"]:
        assert 0 <= question["facility"] <= 1 and question["text"].endswith("[zh]")
        assert all(0 <= o["share"] <= 1 for o in question["options"])
    everything = client.get(URL, headers=city, params={"attempts": "all", "track": "adult"}).json()
    assert [p["participants"] for p in everything["papers"]] == [
        sum(a.track == "adult" for a in answered_questions)
    ]
    # Only the English attempts, in English.
    english = client.get(URL, headers=city, params={"lang": "en", "track": "adult"}).json()
    assert english["papers"][0]["participants"] == sum(a.lang == "en" for a in firsts) and english[
        "questions"
    ][0]["text"].endswith("[en]")
    # Six minutes later the figures are older than five: they are shown with their age
    # while a background refresh runs.
    clock.advance(minutes=6)
    later = client.get(URL, headers=city).json()
    assert later["age_seconds"] == 360


def test_district_staff_read_their_district_only(
    client: TestClient, staff: StaffFactory, clock: Clock, answered_questions: list[Answered]
) -> None:
    clock.advance(minutes=1)
    huangpu = staff("district", district="黄浦区")
    body = client.get(URL, headers=huangpu).json()
    assert body["district"] == "黄浦区"
    assert [p["track"] for p in body["papers"]] == ["student"]
    assert_problem(
        client.get(URL, headers=huangpu, params={"district": "徐汇区"}), 403, "outside-scope"
    )
    assert_problem(client.get(URL), 401, "not-authenticated")


def test_school_staff_see_facility_only(
    client: TestClient, staff: StaffFactory, clock: Clock, answered_questions: list[Answered]
) -> None:
    clock.advance(minutes=1)
    body = client.get(URL, headers=staff("school", school="S001")).json()
    assert body["school"] == "S001" and body["papers"] == []
    for question in body["questions"]:
        assert question["attempts"] >= 10 and question["discrimination"] is None
        assert question["options"] == [] and question["by_district"] == {}


def test_downloads(
    client: TestClient, staff: StaffFactory, clock: Clock, answered_questions: list[Answered]
) -> None:
    clock.advance(minutes=1)
    city = staff("city")
    body = client.get(URL, headers=city, params={"text_lang": "en"}).json()
    response = client.get(URL, headers=city, params={"format": "csv", "text_lang": "en"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["track", "question id"]
    assert len(rows) > len(body["questions"])
    xlsx = client.get(URL, headers=city, params={"format": "xlsx", "text_lang": "ko"})
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames == ["문항", "시험지"]
    assert workbook["문항"].max_row == len(body["questions"]) + 1


def test_a_held_result_is_left_out_until_cleared(
    client: TestClient,
    db: Session,
    staff: StaffFactory,
    clock: Clock,
    answered_questions: list[Answered],
) -> None:
    # Submitted at once: faster than anyone reads, so held for review.
    fast = join(client, track="adult", lang="zh")
    paper = start(client, fast)
    held = submit(client, fast, paper["attempt_id"], key(db, paper["attempt_id"])).json()
    assert held["held"] is True
    clock.advance(minutes=1)
    city = staff("city")
    adults = sum(a.track == "adult" and a.first for a in answered_questions)

    def participants() -> int:
        body = client.get(URL, headers=city, params={"track": "adult"}).json()
        return int(body["papers"][0]["participants"])

    assert participants() == adults
    cleared = client.post(
        f"/api/v1/reports/reviews/{paper['attempt_id']}",
        headers=city,
        json={"decision": "clear", "reason": "a fast reader, seen by the teacher"},
    )
    assert cleared.status_code == 200, cleared.text
    assert participants() == adults + 1  # at once, without waiting for a refresh
