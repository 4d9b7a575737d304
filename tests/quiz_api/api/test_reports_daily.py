"""The daily question's staff report: the figures of a small hand-made set of answers
(``DAILY_ANSWERS`` of tests/plugins/reports.py, worked out by hand here), the walls between
roles, the small-group rule, the downloads and the dates."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.plugins.app import assert_problem
from tests.plugins.staff import StaffFactory

URL = "/api/v1/reports/daily"
PERIOD = {"from": "2026-06-08", "to": "2026-06-10"}


def get(client: TestClient, headers: dict[str, str], **params: str) -> Any:
    response = client.get(URL, params={**PERIOD, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def figure(answers: int | None, share: float | None) -> dict[str, Any]:
    hidden = answers is None
    return {"answers": answers, "correct_share": share, "fewer_than": 10 if hidden else None}


HIDDEN = figure(None, None)
NONE = figure(0, None)


def line(body: dict[str, Any], day: str | None) -> dict[str, Any]:
    if day is None:
        return dict(body["totals"])
    return next(d for d in body["days"] if d["date"] == day)


def test_city_staff_see_the_city_by_day_and_group_and_each_district(
    client: TestClient, staff: StaffFactory, daily_answers: None
) -> None:
    body = get(client, staff("city"))
    assert (body["level"], body["from"], body["to"]) == ("city", "2026-06-08", "2026-06-10")
    assert body["timezone"] == "Asia/Shanghai" and body["min_group"] == 10
    assert [d["date"] for d in body["days"]] == ["2026-06-08", "2026-06-09", "2026-06-10"]
    # The city's own figures are all shown, small groups too.
    d8 = line(body, "2026-06-08")
    assert (d8["answers"], d8["correct_share"]) == (22, round(16 / 22, 4))
    assert d8["by_audience"] == {
        "adult": figure(7, round(6 / 7, 4)),
        "primary": figure(3, round(1 / 3, 4)),
        "secondary": figure(12, 0.75),
    }
    d9 = line(body, "2026-06-09")
    assert (d9["answers"], d9["correct_share"]) == (14, round(9 / 14, 4))
    assert d9["by_audience"]["primary"] == NONE
    totals = line(body, None)
    assert (totals["date"], totals["answers"], totals["correct_share"]) == (
        None,
        46,
        round(31 / 46, 4),
    )
    assert totals["by_audience"]["adult"] == figure(17, round(11 / 17, 4))
    # A unit per district of the city (16), in the content's order; below the city, a
    # figure under 10 people says so instead.
    districts = {d["district_code"]: d for d in body["districts"]}
    assert len(districts) == 16 and body["districts"][0]["district_code"] == "huangpu"
    huangpu = districts["huangpu"]
    assert huangpu["district"] == "黄浦区"
    h8 = line(huangpu, "2026-06-08")
    assert (h8["answers"], h8["correct_share"]) == (14, round(11 / 14, 4))
    assert h8["by_audience"] == {"adult": HIDDEN, "primary": NONE, "secondary": figure(12, 0.75)}
    assert {k: line(huangpu, "2026-06-09")[k] for k in HIDDEN} == HIDDEN
    xuhui = districts["xuhui"]
    assert {k: line(xuhui, "2026-06-08")[k] for k in HIDDEN} == HIDDEN
    assert line(xuhui, "2026-06-10")["by_audience"]["primary"] == figure(10, 0.6)
    assert line(districts["pudong"], None)["answers"] == 0


def test_a_district_sees_its_own_district_and_no_other(
    client: TestClient, staff: StaffFactory, daily_answers: None
) -> None:
    headers = staff("district", district="黄浦区")
    body = get(client, headers)
    assert (body["level"], body["district"], body["district_code"]) == (
        "district",
        "黄浦区",
        "huangpu",
    )
    assert body["districts"] is None
    totals = line(body, None)
    # Its schools' students and the adults who named the district: 12 + 2 + 4.
    assert (totals["answers"], totals["correct_share"]) == (18, round(15 / 18, 4))
    assert totals["by_audience"]["adult"] == HIDDEN  # 2 adults
    assert totals["by_audience"]["secondary"] == figure(16, round(13 / 16, 4))
    assert line(body, "2026-06-10")["answers"] == 0
    # By code or name, its own district reads the same; another is outside its scope.
    assert get(client, headers, district="huangpu") == body
    for other in ({"district": "xuhui"}, {"district": "徐汇区"}):
        assert_problem(client.get(URL, params=other, headers=headers), 403, "outside-scope")
    assert_problem(
        client.get(URL, params={"school": "S002"}, headers=headers), 404, "unknown-school"
    )
    # A school of its district, asked for by code.
    assert get(client, headers, school="S001")["school_code"] == "S001"


def test_a_school_sees_only_its_students_and_never_a_small_group(
    client: TestClient, staff: StaffFactory, daily_answers: None
) -> None:
    headers = staff("school", school="S001")
    body = get(client, headers)
    assert (body["level"], body["school_code"], body["school_name"]) == (
        "school",
        "S001",
        "第一中学",
    )
    assert body["district_code"] == "huangpu"
    d8 = line(body, "2026-06-08")
    # Its 12 students, not the district's adults.
    assert d8 == {
        **figure(12, 0.75),
        "date": "2026-06-08",
        "by_audience": {"adult": NONE, "primary": NONE, "secondary": figure(12, 0.75)},
    }
    d9 = line(body, "2026-06-09")  # 4 students: "fewer than 10", no share
    assert {k: d9[k] for k in HIDDEN} == HIDDEN and d9["by_audience"]["secondary"] == HIDDEN
    assert line(body, None)["by_audience"]["secondary"] == figure(16, round(13 / 16, 4))
    assert "nickname" not in str(body) and "n0" not in str(body)
    for params, status, type_ in (
        ({"school": "S002"}, 404, "unknown-school"),
        ({"district": "黄浦区"}, 403, "outside-scope"),
        ({"district": "nowhere"}, 404, "unknown-district"),
    ):
        assert_problem(client.get(URL, params=params, headers=headers), status, type_)
    s2 = get(client, staff("school", school="S002"))
    assert {k: line(s2, "2026-06-08")[k] for k in HIDDEN} == HIDDEN  # 3 students
    assert line(s2, "2026-06-10")["by_audience"]["primary"] == figure(10, 0.6)


def test_only_staff_tokens_open_the_report(client: TestClient, adult: dict[str, str]) -> None:
    assert_problem(client.get(URL), 401, "not-authenticated")
    assert_problem(client.get(URL, headers=adult), 401, "invalid-token")  # a participant's


def test_the_period_defaults_to_the_last_30_days_and_bad_dates_are_refused(
    client: TestClient, staff: StaffFactory, daily_answers: None
) -> None:
    headers = staff("city")
    response = client.get(URL, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["from"], body["to"], len(body["days"])) == ("2026-05-12", "2026-06-10", 30)
    assert line(body, None)["answers"] == 46
    for params in (
        {"from": "2026-02-30"},  # no such day
        {"to": "2026-6-1"},
        {"from": "yesterday"},
        {"from": "2026-06-10", "to": "2026-06-09"},  # backwards
        {"from": "2025-01-01", "to": "2026-06-10"},  # more than 366 days
    ):
        problem = assert_problem(
            client.get(URL, params=params, headers=headers), 422, "validation-error"
        )
        assert problem["detail"]


def test_csv_and_xlsx_carry_the_same_figures(
    client: TestClient, staff: StaffFactory, daily_answers: None
) -> None:
    headers = staff("city")
    body = get(client, headers)
    csv_response = client.get(
        URL, params={**PERIOD, "format": "csv", "lang": "en"}, headers=headers
    )
    assert csv_response.status_code == 200, csv_response.text
    assert csv_response.headers["content-type"].startswith("text/csv")
    assert "daily-city-2026-06-08-2026-06-10.csv" in csv_response.headers["content-disposition"]
    text = csv_response.content.decode("utf-8-sig")
    days_part, districts_part = text.split("\r\n\r\n")
    days = list(csv.reader(io.StringIO(days_part)))
    assert days[0][:3] == ["day", "answers", "correct share"]
    assert days[1][:9] == [
        "2026-06-08",
        "22",
        str(body["days"][0]["correct_share"]),
        "7",
        str(round(6 / 7, 4)),
        "3",
        str(round(1 / 3, 4)),
        "12",
        "0.75",
    ]
    assert days[-1][:2] == ["total", "46"]
    rows = list(csv.reader(io.StringIO(districts_part)))
    huangpu = [r for r in rows if r[0] == "黄浦区"]
    assert huangpu[0][:5] == ["黄浦区", "2026-06-08", "14", str(round(11 / 14, 4)), "fewer than 10"]
    assert huangpu[1][1:4] == ["2026-06-09", "fewer than 10", ""]

    xlsx = client.get(URL, params={**PERIOD, "format": "xlsx", "lang": "zh"}, headers=headers)
    assert xlsx.status_code == 200, xlsx.text
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["每日", "各区"]
    sheet = [list(r) for r in book["每日"].iter_rows(values_only=True)]
    assert sheet[0][:3] == ["日期", "作答人数", "正确率"]
    assert sheet[1][:3] == ["2026-06-08", 22, body["days"][0]["correct_share"]]
    assert sheet[-1][:3] == ["合计", 46, line(body, None)["correct_share"]]
    by_district = [list(r) for r in book["各区"].iter_rows(values_only=True)]
    assert by_district[2][:3] == ["黄浦区", "2026-06-09", "少于10人"]
