"""The demo week (``quiz_api.services.demo``): what a newcomer's reports show after it, that
it keeps the campaign's rules and the roster's enrolment, and that ``remove_demo`` gives
back the database it found."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Protocol

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col
from sqlmodel import select as sm_select

from quiz_api.cli.schools import DEMO_ROSTER
from quiz_api.core.config import Settings
from quiz_api.core.languages import Lang
from quiz_api.db.engine import hot_connection, session_scope
from quiz_api.db.models import (
    QUESTION_STAT_STATE,
    Attempt,
    Campaign,
    DailyAnswer,
    Participant,
    QualifierList,
    Result,
    StaffRole,
    Track,
)
from quiz_api.services import demo
from quiz_api.services import question_report as analytics
from quiz_api.services.caches import ContentCaches
from quiz_api.services.daily import load_daily_spec
from quiz_api.services.participants import Newcomer, join
from quiz_api.services.reports import city_report, school_report
from quiz_api.services.reviews import Decision, decide, list_reviews
from quiz_api.services.schools import import_roster_file
from quiz_api.services.scope import StaffScope
from quiz_api.services.survey import survey_report
from tests.plugins.database import CampaignRules
from tests.plugins.factories import DISTRICTS, SHIPPED_CONTENT, preliminary_round

CAMPAIGN = "test-campaign"  # 1 to 30 June 2026 (tests.plugins.factories.campaign)
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # after the campaign: its last week is shown
CITY = StaffScope(StaffRole.city)
DEMO_CODES = ["DEMO001", "DEMO002", "DEMO003", "DEMO004", "DEMO005"]


@pytest.fixture
def demo_roster(engine: Engine, db: Session) -> list[demo.DemoClass]:
    """The shipped demo roster in the test database (emptied after the test with the rest)."""
    with session_scope(engine) as session:
        import_roster_file(session, SHIPPED_CONTENT / DEMO_ROSTER, DISTRICTS)
    return demo.demo_classes(db, DEMO_CODES)


def _campaign(content: ContentCaches, db: Session) -> Campaign:
    row = content.campaigns.get(db, CAMPAIGN)
    assert row is not None
    return row


class PlayDemo(Protocol):
    def __call__(self, participants: int = 80) -> demo.DemoSummary: ...


@pytest.fixture
def play_demo(
    engine: Engine, settings: Settings, db: Session, demo_roster: list[demo.DemoClass]
) -> PlayDemo:
    """``play_demo(participants)``: the demo's week on the shipped demo roster (seed 7), its
    sums refreshed as the command does."""

    def play(participants: int = 80) -> demo.DemoSummary:
        content = ContentCaches()
        row = _campaign(content, db)
        plan = demo.plan_demo(
            row, content.campaigns.spec(row), demo_roster, NOW, participants, seed=7
        )
        db.rollback()
        summary = demo.run_demo(
            engine, content, load_daily_spec(settings.content_dir), plan, 30, seed=7
        )
        demo.refresh_aggregates(engine, content, [CAMPAIGN], NOW)
        return summary

    return play


def _row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.execute(text(f"SELECT COUNT(*) FROM {table.name}")).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }


def test_the_default_plan_differs_by_school_and_keeps_to_enrolment(
    engine: Engine, db: Session, demo_roster: list[demo.DemoClass]
) -> None:
    content = ContentCaches()
    row = _campaign(content, db)
    plan = demo.plan_demo(row, content.campaigns.spec(row), demo_roster, NOW, None, seed=2026)
    students = [p for p in plan.people if p.newcomer.track is Track.student]
    adults = [p for p in plan.people if p.newcomer.track is Track.adult]
    assert 1200 <= len(students) <= 2000 and len(adults) == demo.DEFAULT_ADULTS
    per_class = Counter(
        (p.newcomer.school_code, p.newcomer.grade, p.newcomer.class_name) for p in students
    )
    for item in demo_roster:
        assert per_class[(item.school_code, item.grade, item.class_name)] <= item.enrolled
    per_school = Counter(p.newcomer.school_code for p in students)
    rates = {code: per_school[code] / plan.enrolled[code] for code in DEMO_CODES}
    assert any(rate >= 0.9 for rate in rates.values()), rates  # above the target
    assert any(rate < 0.5 for rate in rates.values()), rates  # well below it
    assert all(p.newcomer.school_code is None and p.newcomer.grade is None for p in adults)
    # The last week of the campaign, in Shanghai: 24 to 30 June.
    assert [d.isoformat() for d in (plan.week.days[0], plan.week.days[-1])] == [
        "2026-06-24",
        "2026-06-30",
    ]
    for person in plan.people:
        moments = [person.joined, *person.starts, *person.daily]
        assert all(plan.week.earliest <= m <= plan.week.latest for m in moments)
        assert person.starts == sorted(person.starts) and person.joined <= min(moments)
        nickname = person.newcomer.nickname or ""
        assert nickname.startswith(demo.DEMO_PREFIX[Lang(person.newcomer.lang)])
        assert person.newcomer.demo
    langs = Counter(p.newcomer.lang for p in plan.people)
    assert langs[Lang.zh] > len(plan.people) * 0.7 and len(langs) == 4
    # Students join in school hours and in the evening, not at night.
    hours = Counter(p.joined.astimezone(plan.week.timezone).hour for p in students)
    assert sum(hours[h] for h in range(0, 6)) == 0 and hours[20] > hours[7]
    assert sum(p.fast for p in plan.people) == demo.HELD


def test_no_week_before_the_campaign_opens(engine: Engine, db: Session) -> None:
    content = ContentCaches()
    row = _campaign(content, db)
    with pytest.raises(demo.DemoRefused, match="opens on 2026-06-01"):
        demo.campaign_week(row, content.campaigns.spec(row), row.starts_at - timedelta(days=3))
    with pytest.raises(demo.DemoRefused, match="only just opened"):
        demo.campaign_week(row, content.campaigns.spec(row), row.starts_at + timedelta(minutes=1))


def test_p_right_follows_the_stated_difficulty() -> None:
    for ability in (-1.0, 0.0, 1.0):
        easy, medium, hard = (demo.p_right(ability, d) for d in ("easy", "medium", "hard"))
        assert easy > medium > hard
    assert demo.p_right(1.0, "hard") > demo.p_right(-1.0, "hard")


def test_after_the_demo_the_reports_show_figures(
    play_demo: PlayDemo, db: Session, shipped_survey: None
) -> None:
    summary = play_demo()
    assert summary.students and summary.adults and summary.results
    assert summary.held == demo.HELD
    db.expire_all()

    city = city_report(db, CAMPAIGN, CITY, 0.9)
    assert city.totals.registered == summary.students > 0
    assert city.totals.attempts > 0 and (city.totals.average_score or 0) > 0
    assert not any(row.figures.over_enrolled for row in city.sections["schools"])
    code = max(summary.registered, key=lambda c: summary.registered[c])
    school = school_report(db, CAMPAIGN, CITY, code, 0.9)
    assert school.totals.registered == summary.registered[code]
    assert school.totals.completed > 0 and school.daily
    for row in school.sections["classes"]:
        assert row.figures.registered <= row.figures.enrolled

    _, questions = survey_report(db, ContentCaches().surveys, CITY, None, "overall", "en")
    assert questions and all(q.groups and q.groups[0].n > 0 for q in questions)

    report = analytics.question_report(db, ContentCaches(), CAMPAIGN, CITY, "en", NOW)
    assert report.questions and sum(q.figures.n for q in report.questions) > 0
    assert {p.track for p in report.papers} == {"student", "adult"}

    held = list_reviews(db, ContentCaches(), CITY, "pending", CAMPAIGN)
    assert len(held) == demo.HELD
    assert db.exec(sm_select(func.count()).select_from(DailyAnswer)).one() > 0


def test_the_demo_keeps_the_campaign_rules(play_demo: PlayDemo, db: Session) -> None:
    play_demo(participants=120)
    db.expire_all()
    rules = ContentCaches().campaigns.spec(_campaign(ContentCaches(), db)).tracks
    per_participant: Counter[int] = Counter()
    per_day: Counter[tuple[int, str]] = Counter()
    for attempt in db.exec(sm_select(Attempt)):
        per_participant[attempt.participant_id] += 1
        per_day[(attempt.participant_id, attempt.day)] += 1
    limit = min(r.attempts_total for r in rules.values())
    assert per_participant and max(per_participant.values()) <= limit
    assert max(per_day.values()) <= min(r.attempts_per_day for r in rules.values())
    results = list(db.exec(sm_select(Result)))
    assert results and not any(r.late for r in results)
    assert all(r.day <= "2026-06-30" for r in results)
    participants = list(db.exec(sm_select(Participant)))
    assert all(p.demo for p in participants)


def test_remove_gives_back_the_database_it_found(
    play_demo: PlayDemo, engine: Engine, db: Session, shipped_survey: None
) -> None:
    content = ContentCaches()
    real = Newcomer(track=Track.adult, lang=Lang.zh, nickname="real")
    with hot_connection(engine) as connection:
        join(connection, content.campaigns, _campaign(content, db), real, NOW - timedelta(days=170))
    db.rollback()
    before = _row_counts(engine)

    play_demo()
    assert _row_counts(engine)["participant"] > before["participant"]
    with pytest.raises(demo.DemoPresent, match="--remove first"):
        play_demo()  # twice does not double the data

    removed = demo.remove_demo(engine, ContentCaches(), NOW)
    assert removed.participants > 0 and removed.results > 0 and removed.campaigns == [CAMPAIGN]
    assert _row_counts(engine) == before
    db.expire_all()
    assert db.exec(sm_select(Participant.nickname)).all() == ["real"]
    assert demo.remove_demo(engine, ContentCaches(), NOW).participants == 0  # idempotent


def test_remove_takes_review_decisions_with_the_results(
    play_demo: PlayDemo, engine: Engine, db: Session
) -> None:
    from quiz_api.db.models import ReviewDecision, StaffAccount

    play_demo(participants=40)
    held = db.exec(sm_select(Result).where(col(Result.held))).first()
    assert held is not None
    staff = StaffAccount(username="demo-city", password_hash="x", role="city", created_at=NOW)
    db.add(staff)
    db.commit()
    decide(db, ContentCaches(), staff, held.attempt_id, Decision.clear, "looked at it", NOW)
    removed = demo.remove_demo(engine, ContentCaches(), NOW)
    assert removed.review_decisions == 1
    db.expire_all()
    assert db.exec(sm_select(func.count()).select_from(ReviewDecision)).one() == 0


def test_a_campaign_without_results_loses_its_sums(engine: Engine, db: Session) -> None:
    content = ContentCaches()
    analytics.refresh(engine, content, CAMPAIGN, NOW)
    states = select(func.count()).select_from(QUESTION_STAT_STATE)
    assert db.execute(states).scalar_one() == 1
    db.rollback()
    demo.refresh_aggregates(engine, content, [CAMPAIGN], NOW)
    assert db.execute(states).scalar_one() == 0


@pytest.fixture
def round_to_june_30(campaign_rules: CampaignRules) -> None:
    """The test campaign's student track with a round over the demo's week."""
    qualify = {"top_per_district": 2, "min_score": 10}
    campaign_rules("student", rounds=[preliminary_round("2026-06-30T23:59:59+08:00", **qualify)])


def test_remove_drops_a_frozen_qualifier_list_the_demo_fell_in(
    play_demo: PlayDemo, engine: Engine, db: Session, round_to_june_30: None
) -> None:
    play_demo(participants=40)
    frozen = QualifierList(
        campaign_id=CAMPAIGN, track="student", round_id="preliminary", frozen_at=NOW, rows=[]
    )
    db.add(frozen)
    db.commit()
    removed = demo.remove_demo(engine, ContentCaches(), NOW)
    assert removed.qualifier_lists == 1
    db.expire_all()
    assert db.exec(sm_select(func.count()).select_from(QualifierList)).one() == 0
