"""The satisfaction survey: the shipped definition, versions, one response per participant
(also under concurrent submissions), skipping, and the reports with the small-group rule."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from quiz_api.content.survey import SurveyInvalid, load_surveys
from quiz_api.core.errors import DomainError
from quiz_api.db.engine import session_scope
from quiz_api.db.models import Participant, SurveyResponse, SurveyVersion
from quiz_api.services import survey as service
from quiz_api.services.survey import SurveyCache, wilson
from tests.plugins import factories
from tests.plugins.reports import CAMPAIGN, SHIPPED, SURVEY, add_student
from tests.plugins.staff import StaffFactory


def finished(client: TestClient, db: Session, headers: dict[str, str]) -> None:
    """Start and submit an attempt (blank answers still make a finished attempt)."""
    paper = client.post("/api/v1/attempts", headers=headers)
    assert paper.status_code == 201, paper.text
    response = client.post(
        f"/api/v1/attempts/{paper.json()['attempt_id']}/submit",
        json={"answers": []},
        headers=headers,
    )
    assert response.status_code == 200, response.text


def test_shipped_survey_is_valid_in_four_languages() -> None:
    (spec,) = load_surveys(SHIPPED)
    assert spec.id == SURVEY
    assert len(spec.scale_ids) >= 5 and spec.text_question is not None
    for question in spec.questions:
        for lang in ("zh", "en", "ko", "ja"):
            assert question.text.get(lang).strip()


def test_bad_survey_files_are_refused(tmp_path: Path) -> None:
    data = yaml.safe_load((SHIPPED / f"{SURVEY}.yaml").read_text("utf-8"))
    data["scales"]["agreement"] = data["scales"]["agreement"][:4]
    del data["questions"][0]["text"]["ko"]
    data["questions"][1]["id"] = data["questions"][2]["id"]
    (tmp_path / f"{SURVEY}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with pytest.raises(SurveyInvalid) as caught:
        load_surveys(tmp_path)
    text = "\n".join(caught.value.errors)
    assert "scale 'agreement' has 4 labels — a scale needs exactly 5" in text
    assert "field `questions.0.text.ko`: the ko text is missing — add `ko:`" in text
    assert "the question id 'learned-something' is used twice" in text


def test_import_is_versioned(
    engine: Engine, db: Session, tmp_path: Path, staff_tables: None
) -> None:
    now = datetime.now(UTC)
    data = yaml.safe_load((SHIPPED / f"{SURVEY}.yaml").read_text("utf-8"))
    path = tmp_path / f"{SURVEY}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with session_scope(engine) as session:
        assert service.import_surveys(session, load_surveys(tmp_path), now) == [f"{SURVEY}: added"]
    with session_scope(engine) as session:
        assert (
            "unchanged (version 1)"
            in service.import_surveys(session, load_surveys(tmp_path), now)[0]
        )
    data["questions"][0]["text"]["en"] = "How satisfied are you with the challenge?"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with session_scope(engine) as session:
        assert service.import_surveys(session, load_surveys(tmp_path), now) == [
            f"{SURVEY}: new version 2"
        ]
    versions = db.exec(select(SurveyVersion).order_by(col(SurveyVersion.version))).all()
    assert [(v.version, v.is_current) for v in versions] == [(1, False), (2, True)]


def test_survey_in_the_participants_language(
    client: TestClient, db: Session, shipped_survey: None
) -> None:
    anonymous = client.get("/api/v1/survey")
    assert anonymous.status_code == 200
    body = anonymous.json()
    assert (body["survey"], body["version"], body["lang"]) == (SURVEY, 1, "zh")
    assert body["title"] == "满意度调查" and body["eligible"] is None
    scale = body["questions"][0]
    assert [o["value"] for o in scale["options"]] == [1, 2, 3, 4, 5]
    assert scale["options"][4]["label"] == "非常满意"
    assert body["questions"][-1]["type"] == "text" and body["questions"][-1]["max_length"] == 500
    korean = factories.join(client, nickname="민수", lang="ko")
    body = client.get("/api/v1/survey", headers=korean).json()
    assert (body["lang"], body["title"]) == ("ko", "만족도 조사")
    assert (body["eligible"], body["answered"]) == (False, False)  # no finished attempt yet
    assert client.get("/api/v1/survey", params={"lang": "ja"}).json()["title"] == "満足度アンケート"
    finished(client, db, korean)
    assert client.get("/api/v1/survey", headers=korean).json()["eligible"] is True


def test_one_response_after_a_finished_attempt(
    client: TestClient, db: Session, shipped_survey: None
) -> None:
    headers = factories.join(client, nickname="阿明")
    body = {"answers": {"challenge-overall": 5, "city-work-overall": 4}, "comment": " 很好 "}
    early = client.post("/api/v1/survey/responses", json=body, headers=headers)
    assert early.status_code == 409
    assert early.json()["type"] == "/problems/survey-not-available"
    finished(client, db, headers)
    first = client.post("/api/v1/survey/responses", json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert first.json() == {"survey": SURVEY, "version": 1, "answered": 2}
    again = client.post("/api/v1/survey/responses", json=body, headers=headers)
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/survey-already-answered"
    stored = db.exec(select(SurveyResponse)).one()
    assert stored.comment == "很好" and stored.track == "adult"
    state = client.get("/api/v1/survey", headers=headers).json()
    assert (state["answered"], state["eligible"]) == (True, False)
    assert client.post("/api/v1/survey/responses", json=body).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answers": {"challenge-overall": 6}}, "answers"),
        ({"answers": {"challenge-overall": 0}}, "answers"),
        ({"answers": {"no-such-question": 3}}, "answers"),
        ({"answers": {}, "comment": "   "}, None),  # nothing: skip the survey instead
        ({"answers": {"challenge-overall": 3}, "comment": "x" * 501}, "comment"),
        ({"answers": {"challenge-overall": 3}, "comment": "bad\x07bell"}, "comment"),
        ({"answers": {"challenge-overall": 3}, "extra": 1}, None),
    ],
)
def test_invalid_responses_are_422(
    client: TestClient, db: Session, shipped_survey: None, body: dict[str, Any], field: str | None
) -> None:
    headers = factories.join(client, nickname="阿明")
    finished(client, db, headers)
    response = client.post("/api/v1/survey/responses", json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["type"] == "/problems/validation-error"
    if field:
        assert response.json()["field"] == field
    assert db.exec(select(func.count()).select_from(SurveyResponse)).one() == 0


def test_skipping_answers_is_fine(client: TestClient, db: Session, shipped_survey: None) -> None:
    headers = factories.join(client, nickname="阿明")
    finished(client, db, headers)
    only_comment = client.post(
        "/api/v1/survey/responses", json={"comment": "题目很有意思"}, headers=headers
    )
    assert only_comment.status_code == 201 and only_comment.json()["answered"] == 0


def test_concurrent_submissions_store_one_response(
    client: TestClient, engine: Engine, db: Session, shipped_survey: None
) -> None:
    headers = factories.join(client, nickname="阿明")
    finished(client, db, headers)
    participant = db.exec(select(Participant)).one()
    barrier = threading.Barrier(6)

    def send(n: int) -> str:
        with Session(engine, expire_on_commit=False) as session:
            barrier.wait()
            try:
                service.submit(
                    session,
                    SurveyCache(),
                    participant,
                    None,
                    {"challenge-overall": 1 + n % 5},
                    None,
                    datetime.now(UTC),
                )
            except DomainError as exc:
                return exc.type.value
            return "created"

    with ThreadPoolExecutor(6) as pool:
        outcomes = sorted(pool.map(send, range(6)))
    assert outcomes == ["created"] + ["survey-already-answered"] * 5
    assert db.exec(select(func.count()).select_from(SurveyResponse)).one() == 1

    # Over HTTP as well: a double tap sends two requests at once.
    other = factories.join(client, nickname="阿华")
    finished(client, db, other)
    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(
            pool.map(
                lambda _: (
                    client.post(
                        "/api/v1/survey/responses",
                        json={"answers": {"challenge-overall": 4}},
                        headers=other,
                    ).status_code
                ),
                range(4),
            )
        )
    assert statuses == [201, 409, 409, 409]


def test_the_database_refuses_a_second_response(
    engine: Engine, db: Session, shipped_survey: None
) -> None:
    add_student(db, "", "", 0, "", "2026-06-10", [(90, True)], track="adult")
    participant = db.exec(select(Participant)).one()
    version = db.exec(select(SurveyVersion)).one()

    def row() -> SurveyResponse:
        assert participant.id is not None and version.id is not None
        return SurveyResponse(
            survey_id=SURVEY,
            survey_version_id=version.id,
            participant_id=participant.id,
            campaign_id=CAMPAIGN,
            track="adult",
            lang="zh",
            submitted_at=datetime.now(UTC),
        )

    with session_scope(engine) as session:
        session.add(row())
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(row())


def test_wilson_interval() -> None:
    low, high = wilson(97, 100)
    assert low == pytest.approx(0.9154, abs=1e-4) and high == pytest.approx(0.9897, abs=1e-4)
    assert wilson(0, 10)[0] == 0 and wilson(10, 10)[1] == pytest.approx(1)
    low, high = wilson(9787, 10000)
    assert low < 0.9787 < high and high - low < 0.006


def groups(body: dict[str, Any], question: str = "challenge-overall") -> dict[str | None, Any]:
    q = next(q for q in body["questions"] if q["question_id"] == question)
    return {g["key"]: g for g in q["groups"]} | {"hidden": q["hidden_groups"]}


def test_survey_report_by_group_with_the_small_group_rule(
    client: TestClient, answered: None, staff: StaffFactory
) -> None:
    city = staff("city")
    overall = client.get("/api/v1/reports/survey", headers=city).json()
    assert (overall["min_group"], overall["confidence"]) == (10, 0.95)
    everyone = groups(overall)[None]
    assert everyone["n"] == 30 and everyone["distribution"] == [5, 1, 1, 13, 10]
    assert everyone["satisfied"] == 23 and everyone["satisfaction_rate"] == pytest.approx(23 / 30)
    assert (everyone["ci_low"], everyone["ci_high"]) == pytest.approx(wilson(23, 30))
    other = groups(overall, "city-work-overall")
    assert other == {"hidden": 0}  # nobody answered it: no group at all

    by_school = groups(
        client.get("/api/v1/reports/survey", params={"by": "school"}, headers=city).json()
    )
    assert by_school["S001"]["n"] == 12 and by_school["S001"]["satisfaction_rate"] == 0.75
    assert "S002" not in by_school  # 8 answers: not shown on its own
    assert None not in by_school  # adults have no school
    by_track = groups(
        client.get("/api/v1/reports/survey", params={"by": "track"}, headers=city).json()
    )
    assert by_track["student"]["n"] == 20 and by_track["adult"]["n"] == 10
    by_district = groups(
        client.get("/api/v1/reports/survey", params={"by": "district"}, headers=city).json()
    )
    assert by_district["黄浦区"]["n"] == 12 and "徐汇区" not in by_district
    assert by_district["hidden"] == 1


def test_survey_report_scopes_and_comments(
    client: TestClient, answered: None, staff: StaffFactory
) -> None:
    school = staff("school", school="S001")
    mine = groups(client.get("/api/v1/reports/survey", headers=school).json())
    assert mine[None]["n"] == 12  # its own school only
    small = staff("school", school="S002")
    hidden = groups(client.get("/api/v1/reports/survey", headers=small).json())
    assert hidden == {"hidden": 1}  # 8 answers: nothing shown, even to the school itself
    district = staff("district", district="徐汇区")
    assert groups(
        client.get("/api/v1/reports/survey", params={"by": "school"}, headers=district).json()
    ) == {"hidden": 1}

    for headers in (school, district):
        response = client.get("/api/v1/reports/survey/comments", headers=headers)
        assert response.status_code == 403
        assert response.json()["type"] == "/problems/outside-scope"
    comments = client.get("/api/v1/reports/survey/comments", headers=staff("city")).json()
    assert comments["total"] == 30 and len(comments["comments"]) == 30
    first = comments["comments"][0]
    assert set(first) == {"day", "track", "district", "lang", "text"}  # no school, no name
    assert client.get("/api/v1/reports/survey/comments").status_code == 401


def test_survey_report_downloads(client: TestClient, answered: None, staff: StaffFactory) -> None:
    city = staff("city")
    response = client.get(
        "/api/v1/reports/survey",
        params={"by": "school", "format": "csv", "lang": "en"},
        headers=city,
    )
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("question,group,answers,1,2,3,4,5,satisfaction rate")
    assert lines[1].startswith("challenge-overall,S001,12,1,1,1,3,6,0.75,")
    assert len(lines) == 2  # S002 is too small to be shown
    xlsx = client.get("/api/v1/reports/survey", params={"format": "xlsx"}, headers=city)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
