"""Participation reports: the arithmetic on a hand-made roster, the order (below target
first), rates above 100 %, the downloads, and every role boundary."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from tests.plugins import factories
from tests.plugins.app import Clock
from tests.plugins.reports import add_student
from tests.plugins.staff import StaffFactory


def by_class(body: dict[str, Any]) -> dict[tuple[int, str], dict[str, Any]]:
    return {(r["grade"], r["class_name"]): r for r in body["classes"]}


def test_school_report_arithmetic(client: TestClient, roster: None, staff: StaffFactory) -> None:
    headers = staff("school", school="S001")
    response = client.get("/api/v1/reports/schools/S001", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["level"], body["code"], body["target"]) == ("school", "S001", 0.9)
    totals = body["totals"]
    assert totals["enrolled"] == 11 and totals["registered"] == 6
    assert totals["registration_rate"] == pytest.approx(6 / 11)
    assert totals["completed"] == 3 and totals["completion_rate"] == pytest.approx(3 / 11)
    assert totals["attempts"] == 4
    assert totals["average_score"] == 70  # (80 + 40 + 60 + 100) / 4
    assert totals["pass_rate"] == pytest.approx(3 / 4)
    assert totals["below_target"] and not totals["over_enrolled"]

    classes = by_class(body)
    c71 = classes[(7, "1班")]
    assert (c71["enrolled"], c71["registered"], c71["completed"], c71["attempts"]) == (4, 3, 2, 3)
    assert c71["registration_rate"] == 0.75 and c71["completion_rate"] == 0.5
    assert c71["average_score"] == 60 and c71["pass_rate"] == pytest.approx(2 / 3)
    c72 = classes[(7, "2班")]
    assert c72["registration_rate"] == 1.5  # three students registered in a class of two
    assert c72["over_enrolled"] and not c72["below_target"]
    c81 = classes[(8, "1班")]
    assert (c81["registered"], c81["registration_rate"], c81["attempts"]) == (0, 0, 0)
    assert c81["average_score"] is None and c81["pass_rate"] is None
    # Below target first (lowest first), then the others.
    assert [(r["grade"], r["class_name"]) for r in body["classes"]] == [
        (8, "1班"),
        (7, "1班"),
        (7, "2班"),
    ]
    grades = {r["grade"]: r for r in body["grades"]}
    assert grades[7]["registration_rate"] == 1.0 and grades[8]["registration_rate"] == 0
    assert [r["grade"] for r in body["grades"]] == [8, 7]
    # Day by day: registrations and finished attempts; the cumulative rate.
    assert body["daily"] == [
        {
            "day": "2026-06-10",
            "registered": 2,
            "attempts": 3,
            "passed": 2,
            "registered_total": 2,
            "registration_rate": pytest.approx(2 / 11),
        },
        {
            "day": "2026-06-11",
            "registered": 4,
            "attempts": 1,
            "passed": 1,
            "registered_total": 6,
            "registration_rate": pytest.approx(6 / 11),
        },
    ]
    assert body["districts"] is None and body["schools"] is None


def test_target_parameter_changes_the_order(
    client: TestClient, roster: None, staff: StaffFactory
) -> None:
    headers = staff("school", school="S001")
    body = client.get(
        "/api/v1/reports/schools/S001", params={"target": 0.5}, headers=headers
    ).json()
    assert [(r["grade"], r["class_name"], r["below_target"]) for r in body["classes"]] == [
        (8, "1班", True),
        (7, "1班", False),
        (7, "2班", False),
    ]
    assert not body["totals"]["below_target"]  # 6/11 = 0.545
    for bad in ("0", "1.5", "x"):
        response = client.get(
            "/api/v1/reports/schools/S001", params={"target": bad}, headers=headers
        )
        assert response.status_code == 422


def test_city_and_district_reports(client: TestClient, roster: None, staff: StaffFactory) -> None:
    city = client.get("/api/v1/reports/city", headers=staff("city")).json()
    assert city["totals"]["enrolled"] == 24 and city["totals"]["registered"] == 9
    assert city["totals"]["completed"] == 3 and city["totals"]["attempts"] == 4
    districts = {r["district"]: r for r in city["districts"]}
    assert districts["黄浦区"]["enrolled"] == 21
    assert districts["黄浦区"]["registration_rate"] == pytest.approx(6 / 21)
    assert districts["徐汇区"]["registration_rate"] == 1.0
    assert [r["district"] for r in city["districts"]] == ["黄浦区", "徐汇区"]
    assert [r["school_code"] for r in city["schools"]] == ["S003", "S001", "S002"]
    assert city["schools"][0]["school_name"] == "示例第三中学 (demo)"
    assert sum(d["registered"] for d in city["daily"]) == 9

    district = client.get(
        "/api/v1/reports/districts/huangpu", headers=staff("district", district="黄浦区")
    ).json()
    assert (district["code"], district["name"]) == ("huangpu", "黄浦区")
    assert district["totals"]["enrolled"] == 21 and district["totals"]["registered"] == 6
    assert [r["school_code"] for r in district["schools"]] == ["S003", "S001"]
    assert {r["school_code"] for r in district["classes"]} == {"S001", "S003"}
    assert "S002" not in str(district)


def test_downloads_carry_the_same_figures(
    client: TestClient, roster: None, staff: StaffFactory
) -> None:
    headers = staff("school", school="S001")
    url = "/api/v1/reports/schools/S001"
    response = client.get(url, params={"format": "csv", "lang": "en"}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="report-S001.csv"' in response.headers["content-disposition"]
    text = response.content.decode("utf-8-sig")
    units, days = text.split("\r\n\r\n")
    rows = list(csv.DictReader(io.StringIO(units)))
    assert rows[0]["level"] == "school" and rows[0]["registered"] == "6"
    assert rows[0]["enrolled"] == "11" and rows[0]["average score"] == "70.0"
    c72 = next(r for r in rows if r["class"] == "2班")
    assert (c72["registration rate"], c72["above 100 %"]) == ("1.5", "True")
    assert list(csv.DictReader(io.StringIO(days)))[1]["registered so far"] == "6"
    zh = client.get(url, params={"format": "csv"}, headers=headers).content.decode("utf-8-sig")
    assert zh.startswith("层级,区,学校代码,学校名称,年级,班级,在籍人数,注册人数,注册率")

    response = client.get(url, params={"format": "xlsx", "lang": "ja"}, headers=headers)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["数値", "日別"]
    sheet = workbook["数値"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["単位", "区", "学校コード"]
    first = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert first["登録者数"] == 6 and first["在籍者数"] == 11
    assert first["登録率"] == pytest.approx(6 / 11)


def test_school_account_sees_only_its_school(
    client: TestClient, roster: None, staff: StaffFactory
) -> None:
    headers = staff("school", school="S001")
    mine = client.get("/api/v1/reports/me", headers=headers)
    assert mine.status_code == 200 and mine.json()["code"] == "S001"
    assert "S002" not in mine.text and "S003" not in mine.text
    for fmt in ("json", "csv", "xlsx"):
        params = {"format": fmt}
        for other in ("S002", "S003", "NOPE"):
            response = client.get(
                f"/api/v1/reports/schools/{other}", params=params, headers=headers
            )
            assert response.status_code == 404, (other, fmt)
            assert response.json()["type"] == "/problems/unknown-school"
        for path in ("/api/v1/reports/city", "/api/v1/reports/districts/huangpu"):
            response = client.get(path, params=params, headers=headers)
            assert response.status_code == 403
            assert response.json()["type"] == "/problems/outside-scope"
            assert "示例" not in response.text


def test_district_account_sees_only_its_district(
    client: TestClient, roster: None, staff: StaffFactory
) -> None:
    headers = staff("district", district="徐汇区")
    mine = client.get("/api/v1/reports/me", headers=headers).json()
    assert (mine["level"], mine["name"]) == ("district", "徐汇区")
    assert [r["school_code"] for r in mine["schools"]] == ["S002"]
    assert client.get("/api/v1/reports/schools/S002", headers=headers).status_code == 200
    for path, status in (
        ("/api/v1/reports/schools/S001", 404),
        ("/api/v1/reports/schools/S003", 404),
        ("/api/v1/reports/districts/huangpu", 403),
        ("/api/v1/reports/districts/黄浦区", 403),
        ("/api/v1/reports/districts/atlantis", 404),
        ("/api/v1/reports/city", 403),
    ):
        for fmt in ("json", "csv"):
            response = client.get(path, params={"format": fmt}, headers=headers)
            assert response.status_code == status, (path, fmt)
            assert "示例" not in response.text and "enrolled" not in response.text


def test_city_account_reads_everything(
    client: TestClient, roster: None, staff: StaffFactory
) -> None:
    headers = staff("city")
    assert client.get("/api/v1/reports/me", headers=headers).json()["level"] == "city"
    for path in (
        "/api/v1/reports/city",
        "/api/v1/reports/districts/xuhui",
        "/api/v1/reports/schools/S001",
        "/api/v1/reports/schools/S003",
    ):
        assert client.get(path, headers=headers).status_code == 200, path


def test_reports_need_a_staff_token(client: TestClient, roster: None) -> None:
    participant = factories.join(client, nickname="阿明")
    for path in (
        "/api/v1/reports/me",
        "/api/v1/reports/city",
        "/api/v1/reports/districts/huangpu",
        "/api/v1/reports/schools/S001",
    ):
        assert client.get(path).status_code == 401
        response = client.get(path, headers=participant)
        assert response.status_code == 401
        assert response.json()["type"] == "/problems/invalid-token"


def test_city_report_reads_past_days_once_and_today_live(
    client: TestClient, db: Session, roster: None, staff: StaffFactory, clock: Clock
) -> None:
    """Past days do not change: the city report sums them once, refreshes the sums in the
    background after ten minutes, and reads today's rows (2026-06-10 in Shanghai on the
    test clock) on every request."""
    headers = staff("city")

    def registered() -> int:
        body = client.get("/api/v1/reports/city", headers=headers).json()
        assert sum(d["registered"] for d in body["daily"]) == body["totals"]["registered"]
        return int(body["totals"]["registered"])

    add_student(db, "S002", "徐汇区", 1, "1班", "2026-06-09", [(70, True)])
    assert registered() == 10
    add_student(db, "S002", "徐汇区", 1, "1班", "2026-06-10")  # today: counted at once
    add_student(db, "S002", "徐汇区", 1, "1班", "2026-06-09")  # a past day, written late
    assert registered() == 11
    clock.advance(minutes=11)
    assert registered() == 11  # the old sums answer while new ones are made in the background
    client.app_state["resources"].past_days.wait_for_refreshes()
    assert registered() == 12
    # The school report reads everything live.
    school = client.get("/api/v1/reports/schools/S002", headers=headers).json()
    assert school["totals"]["registered"] == 6
