"""Question analytics from real submissions: participants answer through the API, the
refresh adds their results to the stored sums, and the report's figures are checked against
the statistics module over what the test itself answered_questions (not the code under test)."""

from __future__ import annotations

import random
import statistics
from collections import defaultdict
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.db.models import RESULT, QuestionStatState, Result, StaffRole
from quiz_api.services import question_report as service
from quiz_api.services import reviews
from quiz_api.services.caches import ContentCaches
from quiz_api.services.reviews import Decision
from quiz_api.services.scope import Area, StaffScope
from quiz_api.services.staff import create_account
from tests.plugins.analytics import CAMPAIGN, CITY, POINTS, Answered, take
from tests.plugins.app import Clock
from tests.plugins.factories import DISTRICTS, join
from tests.plugins.staff import PASSWORD


def _expected(
    answered_questions: list[Answered], track: str, first_only: bool
) -> dict[str, object]:
    rows = [a for a in answered_questions if a.track == track and (a.first or not first_only)]
    by_question: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for a in rows:
        for qid, ok in a.right.items():
            points = POINTS[qid.split("-")[2]] if ok else 0
            by_question[qid].append((1 if ok else 0, a.score - points))
    return {"rows": rows, "by_question": by_question}


@pytest.mark.parametrize("first_only", [True, False])
def test_figures_match_the_statistics_module(
    engine: Engine, db: Session, clock: Clock, answered_questions: list[Answered], first_only: bool
) -> None:
    content = ContentCaches()
    clock.advance(minutes=1)
    done = service.refresh(engine, content, CAMPAIGN, clock.now)
    assert done.stored and done.results == len(answered_questions)
    report = service.question_report(
        db, content, CAMPAIGN, CITY, "en", clock.now, track="adult", first_only=first_only
    )
    expected = _expected(answered_questions, "adult", first_only)
    by_question: dict[str, list[tuple[int, int]]] = expected["by_question"]  # type: ignore[assignment]
    assert {q.question_id for q in report.questions} == set(by_question)
    for question in report.questions:
        pairs = by_question[question.question_id]
        x, rest = [p[0] for p in pairs], [p[1] for p in pairs]
        figures = question.figures
        assert figures.n == len(pairs)
        assert figures.facility == pytest.approx(statistics.fmean(x))
        if len(set(x)) > 1 and len(set(rest)) > 1:
            assert figures.discrimination == pytest.approx(statistics.correlation(x, rest))
            best = statistics.covariance(sorted(x), sorted(rest))
            assert figures.efficiency == pytest.approx(statistics.covariance(x, rest) / best)
        else:
            assert figures.discrimination is None
        # A right answer chose the key's options, a wrong one exactly one other option.
        keys = sum(1 for o in question.options if o.key)
        facility = figures.facility or 0.0
        assert sum(o.share or 0 for o in question.options) == pytest.approx(
            facility * keys + (1 - facility)
        )
        assert all((o.share or 0) >= facility - 1e-9 for o in question.options if o.key)
        langs = {lang: n for lang, (n, _) in question.by_lang.items()}
        assert sum(langs.values()) == figures.n
    scores = [a.score for a in expected["rows"]]  # type: ignore[attr-defined]
    (paper,) = report.papers
    assert paper.figures.participants == len(scores)
    assert paper.figures.mean == pytest.approx(statistics.fmean(scores))
    assert paper.figures.sd == pytest.approx(statistics.stdev(scores))
    assert report.age_seconds == 0 and report.data_until == clock.now - service.SETTLE


def test_refresh_adds_only_new_results_and_rebuild_agrees(
    engine: Engine,
    db: Session,
    clock: Clock,
    answered_questions: list[Answered],
    client: TestClient,
) -> None:
    content = ContentCaches()
    clock.advance(minutes=1)
    first = service.refresh(engine, content, CAMPAIGN, clock.now)
    # Nothing new: nothing added, the watermark moves on.
    clock.advance(minutes=1)
    again = service.refresh(engine, content, CAMPAIGN, clock.now)
    assert (first.results, again.results, again.stored) == (len(answered_questions), 0, True)
    # One more participant later: only that result is read.
    headers = join(client, track="adult", lang="ja")
    take(client, db, headers, random.Random(1), 0.0, clock)
    clock.advance(minutes=1)
    assert service.refresh(engine, content, CAMPAIGN, clock.now).results == 1
    incremental = _summary(db, content, clock)
    rebuilt = service.rebuild(engine, content, CAMPAIGN, clock.now)
    assert rebuilt.results == len(answered_questions) + 1
    assert _summary(db, content, clock) == incremental


def _summary(db: Session, content: ContentCaches, clock: Clock) -> object:
    report = service.question_report(db, content, CAMPAIGN, CITY, "en", clock.now, first_only=False)
    db.expire_all()
    return (
        [(q.version_id, q.figures, q.by_lang, q.by_district) for q in report.questions],
        [p.figures for p in report.papers],
    )


def test_a_refresh_that_lost_the_race_writes_nothing(
    engine: Engine, db: Session, clock: Clock, answered_questions: list[Answered]
) -> None:
    content = ContentCaches()
    clock.advance(minutes=1)
    service.refresh(engine, content, CAMPAIGN, clock.now)
    state = db.get(QuestionStatState, CAMPAIGN)
    assert state is not None
    since = state.watermark
    # Another worker moved the watermark while this one read: its sums are dropped.
    stored = service._store(
        db, CAMPAIGN, since - timedelta(seconds=1), state.revision, since, clock.now, {}, 5
    )
    assert not stored
    db.expire_all()
    assert db.get(QuestionStatState, CAMPAIGN).results == len(answered_questions)  # type: ignore[union-attr]


def test_scopes(
    engine: Engine, db: Session, clock: Clock, answered_questions: list[Answered]
) -> None:
    content = ContentCaches()
    clock.advance(minutes=1)
    service.refresh(engine, content, CAMPAIGN, clock.now)
    district = StaffScope(StaffRole.district, Area(district="黄浦区"))
    mine = service.question_report(db, content, CAMPAIGN, district, "zh", clock.now)
    assert mine.district == "黄浦区" and {q.track for q in mine.questions} == {"student"}
    with pytest.raises(DomainError) as caught:
        service.question_report(db, content, CAMPAIGN, district, "zh", clock.now, district="徐汇区")
    assert caught.value.type is ProblemType.outside_scope
    school = StaffScope(StaffRole.school, Area("黄浦区", "S001"))
    with pytest.raises(DomainError):
        service.question_report(db, content, CAMPAIGN, school, "zh", clock.now)
    # 12 students took part: facility only, of the questions seen by 10 first attempts or
    # more (the draw is random: which ones varies, the rule does not).
    students = [a for a in answered_questions if a.track == "student" and a.first]
    seen: dict[str, list[bool]] = defaultdict(list)
    for a in students:
        for qid, ok in a.right.items():
            seen[qid].append(ok)
    view = service.school_facility(db, content, CAMPAIGN, school, "zh", clock.now)
    assert view.papers == [] and view.school == "S001"
    assert {q.question_id for q in view.questions} == {q for q, v in seen.items() if len(v) >= 10}
    # With a smaller group the same rule shows more: every question seen 3 times.
    small = service.school_facility(db, content, CAMPAIGN, school, "zh", clock.now, min_group=3)
    assert {q.question_id for q in small.questions} == {q for q, v in seen.items() if len(v) >= 3}
    for question in small.questions:
        assert question.figures.facility == pytest.approx(
            statistics.fmean(seen[question.question_id])
        )
        assert question.figures.discrimination is None and question.options == []
    # Another school, without participants, shows nothing.
    other = StaffScope(StaffRole.school, Area("徐汇区", "S002"))
    assert service.school_facility(db, content, CAMPAIGN, other, "zh", clock.now).questions == []


# --- held results --------------------------------------------------------------------------


def _attempt_ids(db: Session, answered_questions: list[Answered]) -> list[int]:
    """The attempt ids in the order the fixture answered (ids grow with each start)."""
    ids = sorted(db.exec(select(Result.attempt_id)).all())
    assert len(ids) == len(answered_questions)
    return ids


def _hold(engine: Engine, attempt_ids: list[int], held: bool = True) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(RESULT).where(RESULT.c.attempt_id.in_(attempt_ids)).values(held=held)
        )


def _assert_counts(
    db: Session,
    content: ContentCaches,
    clock: Clock,
    answered_questions: list[Answered],
    left_out: set[int],
) -> None:
    """The city's report (all attempts) agrees with statistics computed here over the
    fixture's answers less the positions in ``left_out``."""
    db.expire_all()
    kept = [a for n, a in enumerate(answered_questions) if n not in left_out]
    report = service.question_report(db, content, CAMPAIGN, CITY, "en", clock.now, first_only=False)
    for track in ("adult", "student"):
        rows = [a for a in kept if a.track == track]
        by_question: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for a in rows:
            for qid, ok in a.right.items():
                points = POINTS[qid.split("-")[2]] if ok else 0
                by_question[qid].append((1 if ok else 0, a.score - points))
        mine = {q.question_id: q.figures for q in report.questions if q.track == track}
        assert set(mine) == set(by_question)
        for qid, pairs in by_question.items():
            x, rest = [p[0] for p in pairs], [p[1] for p in pairs]
            assert mine[qid].n == len(pairs)
            assert mine[qid].facility == pytest.approx(statistics.fmean(x))
            if len(set(x)) > 1 and len(set(rest)) > 1:
                assert mine[qid].discrimination == pytest.approx(statistics.correlation(x, rest))
        (paper,) = [p for p in report.papers if p.track == track]
        scores = [a.score for a in rows]
        assert paper.figures.participants == len(scores)
        assert paper.figures.mean == pytest.approx(statistics.fmean(scores))
        assert paper.figures.sd == pytest.approx(statistics.stdev(scores))
    state = db.get(QuestionStatState, CAMPAIGN)
    assert state is not None and state.results == len(kept)


# Positions in the fixture: adults (one with a second attempt), a student.
HELD = {1, 2, 30}


def test_a_held_result_is_not_counted(
    engine: Engine, db: Session, clock: Clock, answered_questions: list[Answered]
) -> None:
    ids = _attempt_ids(db, answered_questions)
    _hold(engine, [ids[n] for n in HELD])
    content = ContentCaches()
    clock.advance(minutes=1)
    assert service.refresh(engine, content, CAMPAIGN, clock.now).results == len(ids) - 3
    _assert_counts(db, content, clock, answered_questions, HELD)
    # The rebuild applies the same rule.
    service.rebuild(engine, content, CAMPAIGN, clock.now)
    _assert_counts(db, content, clock, answered_questions, HELD)


def test_a_cleared_result_is_counted_once(
    engine: Engine,
    db: Session,
    clock: Clock,
    answered_questions: list[Answered],
    staff_tables: None,
) -> None:
    ids = _attempt_ids(db, answered_questions)
    _hold(engine, [ids[n] for n in HELD])
    content = ContentCaches()
    clock.advance(minutes=1)
    service.refresh(engine, content, CAMPAIGN, clock.now)  # passes the held ones by
    reviewer = create_account(
        db,
        username="reviewer",
        password=PASSWORD,
        role=StaffRole.city,
        school_code=None,
        district=None,
        now=clock.now,
        districts=DISTRICTS,
    )
    reviews.decide(db, content, reviewer, ids[1], Decision.clear, "read fast", clock.now)
    _assert_counts(db, content, clock, answered_questions, HELD - {1})
    # The next refresh does not count it again; nor does a disqualified one join.
    reviews.decide(db, content, reviewer, ids[30], Decision.disqualify, "a script", clock.now)
    clock.advance(minutes=1)
    assert service.refresh(engine, content, CAMPAIGN, clock.now).results == 0
    _assert_counts(db, content, clock, answered_questions, HELD - {1})
    service.rebuild(engine, content, CAMPAIGN, clock.now)
    _assert_counts(db, content, clock, answered_questions, HELD - {1})


def test_a_result_held_after_it_was_counted_leaves_the_sums(
    engine: Engine, db: Session, clock: Clock, answered_questions: list[Answered]
) -> None:
    ids = _attempt_ids(db, answered_questions)
    content = ContentCaches()
    clock.advance(minutes=1)
    service.refresh(engine, content, CAMPAIGN, clock.now)
    _assert_counts(db, content, clock, answered_questions, set())
    # What a sweep does: hold, then take them out, in one transaction.
    db.connection().execute(
        update(RESULT).where(RESULT.c.attempt_id.in_([ids[n] for n in HELD])).values(held=True)
    )
    assert service.held_changed(db, content, [ids[n] for n in HELD], counted=False) == 3
    db.commit()
    _assert_counts(db, content, clock, answered_questions, HELD)
    # Called again for results already out (or not held), it changes nothing.
    assert service.held_changed(db, content, [ids[0]], counted=False) == 0
    db.commit()
    clock.advance(minutes=1)
    assert service.refresh(engine, content, CAMPAIGN, clock.now).results == 0
    _assert_counts(db, content, clock, answered_questions, HELD)
    service.rebuild(engine, content, CAMPAIGN, clock.now)
    _assert_counts(db, content, clock, answered_questions, HELD)


def test_a_refresh_reading_during_a_change_stores_nothing(
    engine: Engine, db: Session, clock: Clock, answered_questions: list[Answered]
) -> None:
    ids = _attempt_ids(db, answered_questions)
    content = ContentCaches()
    # Cleared before any refresh: nothing to add, the first build will count it.
    _hold(engine, [ids[1]])
    _hold(engine, [ids[1]], held=False)
    assert service.held_changed(db, content, [ids[1]], counted=True) == 0
    db.commit()
    clock.advance(minutes=1)
    # The state row made meanwhile holds no sums: a request builds them before answering.
    service.AnalyticsRefresher(engine, content).ensure(db, CAMPAIGN, clock.now)
    _assert_counts(db, content, clock, answered_questions, set())
    state = db.get(QuestionStatState, CAMPAIGN)
    assert state is not None
    since, revision = state.watermark, state.revision
    # A refresh read with this revision; meanwhile a result was held: its write is dropped.
    _hold(engine, [ids[2]])
    service.held_changed(db, content, [ids[2]], counted=False)
    db.commit()
    later = since + timedelta(minutes=1)
    assert not service._store(db, CAMPAIGN, since, revision, later, clock.now, {}, 0)
    _assert_counts(db, content, clock, answered_questions, {2})
