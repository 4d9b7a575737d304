"""Participation data for the reports, the survey reports and the staff dashboard: the
hand-made roster whose figures the report tests work out by hand, the shipped survey
with answers on top of it, and daily-question answers for its report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from quiz_api.content.survey import load_surveys
from quiz_api.core.config import PROJECT_ROOT
from quiz_api.db.engine import session_scope
from quiz_api.db.models import Attempt, BestScore, DailyAnswer, Participant, QuestionVersion, Result
from quiz_api.services import survey as survey_service
from quiz_api.services.schools import import_roster, parse_roster
from quiz_api.services.survey import SurveyCache
from tests.plugins import factories

CAMPAIGN = "test-campaign"
ROSTER = [
    # code, name, district, level, grade, class, enrolled
    ("S001", "示例第一中学 (demo)", "黄浦区", "junior", 7, "1班", 4),
    ("S001", "示例第一中学 (demo)", "黄浦区", "junior", 7, "2班", 2),
    ("S001", "示例第一中学 (demo)", "黄浦区", "junior", 8, "1班", 5),
    ("S002", "示例实验小学 (demo)", "徐汇区", "primary", 1, "1班", 3),
    ("S003", "示例第三中学 (demo)", "黄浦区", "junior", 6, "1班", 10),
]


def add_student(
    db: Session,
    school: str,
    district: str,
    grade: int,
    class_name: str,
    day: str,
    results: Sequence[tuple[int, bool]] = (),
    track: str = "student",
) -> None:
    when = datetime.fromisoformat(f"{day}T02:00:00+00:00").astimezone(UTC)
    student = track == "student"
    participant = Participant(
        campaign_id=CAMPAIGN,
        track=track,
        lang="zh",
        nickname="n",
        school_code=school if student else None,
        district=district if student else None,
        grade=grade if student else None,
        class_name=class_name if student else None,
        day=day,
        created_at=when,
    )
    db.add(participant)
    db.commit()
    assert participant.id is not None
    best: Result | None = None
    for number, (score, passed) in enumerate(results, start=1):
        attempt = Attempt(
            participant_id=participant.id,
            campaign_id=CAMPAIGN,
            track=track,
            attempt_no=number,
            status="submitted",
            lang="zh",
            started_at=when,
            deadline=when + timedelta(minutes=10),
            day=day,
            paper={"items": []},
        )
        db.add(attempt)
        db.commit()
        assert attempt.id is not None
        result = Result(
            attempt_id=attempt.id,
            participant_id=participant.id,
            campaign_id=CAMPAIGN,
            track=track,
            school_code=participant.school_code,
            district=participant.district,
            score=score,
            max_score=100,
            correct_count=score // 10,
            question_count=10,
            duration_ms=60_000,
            passed=passed,
            submitted_at=when + timedelta(minutes=5),
            day=day,
            answers_hash="x" * 64,
            answers={},
        )
        db.add(result)
        if best is None or score > best.score:
            best = result
    if best is not None:
        db.add(
            BestScore(
                participant_id=participant.id,
                campaign_id=CAMPAIGN,
                track=track,
                school_code=best.school_code,
                district=best.district,
                score=best.score,
                duration_ms=best.duration_ms,
                achieved_at=best.submitted_at,
                attempt_id=best.attempt_id,
            )
        )
    db.commit()


@pytest.fixture
def roster(engine: Engine, db: Session) -> None:
    header = ["school_code", "school_name", "district", "level", "grade", "class", "enrolled"]
    rows = [(n, [str(v) for v in row]) for n, row in enumerate(ROSTER, start=2)]
    valid, rejected = parse_roster(header, rows, factories.DISTRICTS)
    assert not rejected
    with session_scope(engine) as session:
        import_roster(session, valid)
    d10, d11 = "2026-06-10", "2026-06-11"
    add_student(db, "S001", "黄浦区", 7, "1班", d10, [(80, True), (40, False)])
    add_student(db, "S001", "黄浦区", 7, "1班", d10, [(60, True)])
    add_student(db, "S001", "黄浦区", 7, "1班", d11)
    add_student(db, "S001", "黄浦区", 7, "2班", d11, [(100, True)])
    add_student(db, "S001", "黄浦区", 7, "2班", d11)
    add_student(db, "S001", "黄浦区", 7, "2班", d11)
    for _ in range(3):
        add_student(db, "S002", "徐汇区", 1, "1班", d10)
    add_student(db, "", "", 0, "", d10, [(90, True)], track="adult")  # never in school figures


SHIPPED = PROJECT_ROOT / "content" / "survey"
SURVEY = "satisfaction-2026"


@pytest.fixture
def shipped_survey(engine: Engine, staff_tables: None) -> None:
    with session_scope(engine) as session:
        survey_service.import_surveys(session, load_surveys(SHIPPED), datetime.now(UTC))


def respond(
    engine: Engine,
    db: Session,
    school: str,
    district: str,
    values: list[int],
    track: str = "student",
) -> None:
    """One participant with a finished attempt per value, each answering challenge-overall."""
    for value in values:
        add_student(db, school, district, 7, "1班", "2026-06-10", [(80, True)], track=track)
        participant = db.exec(select(Participant).order_by(col(Participant.id).desc())).first()
        assert participant is not None
        with Session(engine, expire_on_commit=False) as session:
            survey_service.submit(
                session,
                SurveyCache(),
                participant,
                None,
                {"challenge-overall": value},
                f"comment from {school or 'adult'}",
                datetime.now(UTC),
            )


@pytest.fixture
def answered(engine: Engine, db: Session, shipped_survey: None, roster: None) -> None:
    """Responses on top of the reports' hand-made roster (whose students answered none)."""
    respond(engine, db, "S001", "黄浦区", [5] * 6 + [4] * 3 + [3, 2, 1])  # 12: 9 satisfied
    respond(engine, db, "S002", "徐汇区", [5] * 4 + [1] * 4)  # 8: below the group minimum
    respond(engine, db, "", "", [4] * 10, track="adult")


# Daily-question answers: (day, school, district, audience, answers, correct), on the
# ``school`` fixture's two schools. The clock's today is 2026-06-10.
DAILY_ANSWERS = [
    ("2026-06-08", "S001", "黄浦区", "secondary", 12, 9),
    ("2026-06-08", "S002", "徐汇区", "primary", 3, 1),
    ("2026-06-08", None, "黄浦区", "adult", 2, 2),  # adults who gave their district
    ("2026-06-08", None, None, "adult", 5, 4),  # adults who did not: the city's only
    ("2026-06-09", "S001", "黄浦区", "secondary", 4, 4),
    ("2026-06-09", None, None, "adult", 10, 5),
    ("2026-06-10", "S002", "徐汇区", "primary", 10, 6),
]


@pytest.fixture
def daily_answers(db: Session, school: str) -> None:
    version = db.exec(select(QuestionVersion.id)).first()
    assert version is not None
    for day, code, district, audience, answers, correct in DAILY_ANSWERS:
        when = datetime.fromisoformat(f"{day}T02:00:00+00:00")
        student = audience != "adult"
        for n in range(answers):
            participant = Participant(
                campaign_id=factories.campaign()["id"],
                track="student" if student else "adult",
                lang="zh",
                nickname=f"n{n}",
                school_code=code,
                district=district,
                grade=7 if student else None,
                class_name="1班" if student else None,
                day=day,
                created_at=when,
            )
            db.add(participant)
            db.flush()
            assert participant.id is not None
            db.add(
                DailyAnswer(
                    participant_id=participant.id,
                    day=day,
                    audience=audience,
                    question_version_id=version,
                    choices=[0],
                    correct=n < correct,
                    district=district,
                    school_code=code,
                    answered_at=when,
                )
            )
    db.commit()
