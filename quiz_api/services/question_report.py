"""Question analytics at city scale: the sums of ``quiz_api.services.analytics`` kept per
cell (campaign, track, first attempts or all, district, language) in ``question_stat_cell``
and merged on request.

The refresh reads only the results submitted since the last one (``question_stat_state``'s
watermark) and adds them to the cells; the submission hot path is not touched. Results are
read up to ``now - SETTLE`` so that a submission still committing is not skipped: its
``submitted_at`` is its request's clock, a few milliseconds before its commit. The read holds
no lock (SQLite has one writer: a long transaction would stall the submissions); the write is
one short transaction that moves the watermark only from the value the read started from, so
two workers refreshing at once cannot count a result twice: the second one's work is dropped.

Results held for review are left out. A held result that a reviewer clears, and a result
held after it was counted (a sweep), change the sums through ``held_changed``, in the
transaction that changes ``held``: it adds or takes out their contributions (every part of a
cell is a sum) and bumps the state's ``revision``, which a refresh's write checks as it checks
the watermark, so no result is counted twice or lost to a refresh running at that moment.
Results deleted after they were counted (``demo --remove``, an administrator) stay in the
sums until ``rebuild``. A request starts a background refresh when the sums are older than
``REFRESH_AFTER``; the response says how old they are."""

from __future__ import annotations

import logging
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from quiz_api.content.bank import LETTERS, CampaignSpec
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.db.engine import Bind, orm_session
from quiz_api.db.models import (
    ATTEMPT,
    QUESTION_STAT_CELL,
    QUESTION_STAT_STATE,
    RESULT,
    QuestionStatCell,
    QuestionStatState,
    StaffRole,
    Track,
)
from quiz_api.services.analytics import (
    FLAG_TEXT,
    MIN_FLAG_ATTEMPTS,
    FlagOut,
    ItemFigures,
    ItemSums,
    PaperFigures,
    PaperSums,
    flags,
    item_figures,
    paper_figures,
)
from quiz_api.services.attempts import TRUE_FALSE_LABELS
from quiz_api.services.caches import ContentCaches
from quiz_api.services.questions import Question
from quiz_api.services.scope import StaffScope

SETTLE = timedelta(seconds=30)
BATCH = 2000  # results read per transaction by a refresh
REFRESH_AFTER = timedelta(minutes=5)  # with a refresh taking seconds: at most ~10 min old
MIN_SCHOOL_GROUP = 10  # the survey's small-group rule: no school figure below 10 people
LEAST_KNOWN = 10  # questions listed under "what people get wrong", per track
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
logger = logging.getLogger(__name__)


def _countable_results() -> list[ColumnElement[bool]]:
    """The results the analytics count once they are not held: scored in time. Late
    results score nothing whatever was answered, so they say nothing of what people know."""
    return [RESULT.c.late.is_(False)]


def analysed_results() -> list[ColumnElement[bool]]:
    """The results the analytics count: scored in time and not held for review (a held
    result may be a shared key or a script; ``held_changed`` when that changes). After
    changing this list, run ``rebuild``."""
    return [*_countable_results(), RESULT.c.held.is_(False)]


# --- from results to sums ----------------------------------------------------------------


def slot_of(question: Question) -> str:
    """The draw stratum a question was drawn from: the paper's slot for alpha."""
    return f"{question.category}/{question.difficulty}"


@dataclass
class Cell:
    items: dict[int, ItemSums] = field(default_factory=lambda: defaultdict(ItemSums))
    paper: PaperSums = field(default_factory=PaperSums)

    def merge(self, other: Cell) -> None:
        for version_id, sums in other.items.items():
            self.items[version_id].merge(sums)
        self.paper.merge(other.paper)

    def remove(self, other: Cell) -> None:
        """Take out what ``merge`` added; a question left with no attempt leaves the cell."""
        for version_id, sums in other.items.items():
            mine = self.items[version_id]
            mine.remove(sums)
            if mine.n <= 0:
                del self.items[version_id]
        self.paper.remove(other.paper)

    def to_json(self) -> dict[str, Any]:
        def counts(counter: Counter[Any]) -> dict[str, int]:
            return {str(k): v for k, v in counter.items()}

        return {
            "items": {
                str(v): {
                    "n": s.n,
                    "right": s.right,
                    "rest": counts(s.rest),
                    "rest_right": counts(s.rest_right),
                    "options": counts(s.options),
                }
                for v, s in self.items.items()
            },
            "paper": {
                "n": self.paper.n,
                "scores": counts(self.paper.scores),
                "slot_sum": dict(self.paper.slot_sum),
                "slot_sq": dict(self.paper.slot_sq),
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Cell:
        def ints(raw: dict[str, int]) -> Counter[int]:
            return Counter({int(k): v for k, v in raw.items()})

        cell = cls()
        for version_id, raw in data.get("items", {}).items():
            cell.items[int(version_id)] = ItemSums(
                raw["n"],
                raw["right"],
                ints(raw["rest"]),
                ints(raw["rest_right"]),
                ints(raw["options"]),
            )
        paper = data.get("paper", {})
        cell.paper = PaperSums(
            paper.get("n", 0),
            ints(paper.get("scores", {})),
            Counter(paper.get("slot_sum", {})),
            Counter(paper.get("slot_sq", {})),
        )
        return cell


CellKey = tuple[str, bool, str, str]  # track, first attempts only, district ("" none), lang


Group = tuple[str, str, str, bool]  # track, district ("" none), lang, first attempt
# An answer as the scorer tallies it: its group, version, right, rest score, options chosen.
Tally = tuple[str, str, str, bool, int, bool, int, tuple[int, ...]]


class _Scorer:
    """Tallies rows of results (``_results_query``) and turns the tally into cells. Alike
    answers are counted once in a ``Counter`` and expanded at the end: the first build adds
    40 million answers, and one counter increment each is what Python affords."""

    def __init__(self, content: ContentCaches, session: Session, spec: CampaignSpec) -> None:
        self.content, self.session, self.spec = content, session, spec
        self.questions: dict[int, Question] = {}
        # per track and version: (key as a sorted tuple, points, slot)
        self._meta: dict[tuple[str, int], tuple[tuple[int, ...], int, str]] = {}
        self._letters = {letter: n for n, letter in enumerate(LETTERS)}
        self.tally: Counter[Tally] = Counter()
        self.papers: dict[Group, PaperSums] = defaultdict(PaperSums)
        self.participants: set[int] = set()
        self.count = 0

    def question(self, version_id: int) -> Question:
        found = self.questions.get(version_id)
        if found is None:
            found = self.content.questions.versions(self.session, [version_id])[version_id]
            self.questions[version_id] = found
        return found

    def _meta_of(self, track: str, version_id: int) -> tuple[tuple[int, ...], int, str]:
        meta = self._meta.get((track, version_id))
        if meta is None:
            question = self.question(version_id)
            points = {p.value: n for p, n in self.spec.tracks[Track(track)].points.items()}
            meta = (tuple(question.correct), points[question.difficulty], slot_of(question))
            self._meta[(track, version_id)] = meta
        return meta

    def add(self, row: Any) -> None:
        """Score one result's answers as ``attempts.submit`` did (the letters are in the
        paper's shuffled order) and tally them."""
        track, score, answers = row.track, row.score, row.answers
        group = (track, row.district or "", row.lang, bool(row.first))
        letters, tally = self._letters, self.tally
        slots: Counter[str] = Counter()
        for number, item in enumerate(row.paper["items"], 1):
            version_id, order = item["v"], item["order"]
            correct, points, slot = self._meta_of(track, version_id)
            chosen = tuple(sorted(order[letters[c]] for c in answers.get(f"q{number}", ())))
            right = chosen == correct
            got = points if right else 0
            tally[(*group, version_id, right, score - got, chosen)] += 1
            slots[slot] += got
        self.papers[group].add_attempt(score, dict(slots))
        self.participants.add(row.participant_id)
        self.count += 1

    def cells(self) -> dict[CellKey, Cell]:
        """The tally as cells: every result in its cell of all attempts, a first attempt
        in its cell of first attempts too."""
        cells: dict[CellKey, Cell] = defaultdict(Cell)
        for (
            track,
            district,
            lang,
            first,
            version_id,
            right,
            rest,
            chosen,
        ), n in self.tally.items():
            cells[(track, False, district, lang)].items[version_id].add_answer(
                right, rest, chosen, n
            )
            if first:
                cells[(track, True, district, lang)].items[version_id].add_answer(
                    right, rest, chosen, n
                )
        for (track, district, lang, first), paper in self.papers.items():
            cells[(track, False, district, lang)].paper.merge(paper)
            if first:
                cells[(track, True, district, lang)].paper.merge(paper)
        return cells


def _results_query(
    campaign_id: str | None,
    conditions: Iterable[ColumnElement[bool]],
    analysed: Iterable[ColumnElement[bool]] | None = None,
) -> Any:
    """The analysed results (of a campaign, or of any) with what scoring them needs."""
    if campaign_id is not None:
        conditions = [RESULT.c.campaign_id == campaign_id, *conditions]
    return (
        select(
            RESULT.c.attempt_id,
            RESULT.c.campaign_id,
            RESULT.c.submitted_at,
            RESULT.c.track,
            RESULT.c.district,
            RESULT.c.school_code,
            RESULT.c.participant_id,
            RESULT.c.score,
            RESULT.c.answers,
            ATTEMPT.c.lang,
            ATTEMPT.c.paper,
            (ATTEMPT.c.attempt_no == 1).label("first"),
        )
        .select_from(RESULT.join(ATTEMPT, ATTEMPT.c.id == RESULT.c.attempt_id))
        .where(*(analysed_results() if analysed is None else analysed), *conditions)
    )


def _result_rows(
    session: Session, campaign_id: str, conditions: Iterable[ColumnElement[bool]]
) -> Iterator[Any]:
    """The results of one request's transaction (a school's: a few thousand)."""
    yield from session.connection().execute(_results_query(campaign_id, conditions))


def _result_batches(
    session: Session, campaign_id: str, conditions: list[ColumnElement[bool]]
) -> Iterator[list[Any]]:
    """The results in batches. PostgreSQL streams them from one query (a server-side
    cursor; readers block no one). On SQLite every transaction holds the writer's lock
    (``db.engine``) and the first build reads every result of the campaign: there each
    batch (by attempt id) is a transaction of its own, and submissions get their turn
    between batches."""
    if session.get_bind().dialect.name != "sqlite":
        connection = session.connection().execution_options(stream_results=True)
        result = connection.execute(_results_query(campaign_id, conditions))
        for partition in result.partitions(BATCH):
            yield list(partition)
        session.rollback()
        return
    last = 0
    while True:
        statement = (
            _results_query(campaign_id, [*conditions, RESULT.c.attempt_id > last])
            .order_by(RESULT.c.attempt_id)
            .limit(BATCH)
        )
        rows = list(session.connection().execute(statement))
        session.rollback()
        if not rows:
            return
        yield rows
        last = rows[-1].attempt_id


@dataclass(frozen=True)
class Refreshed:
    campaign_id: str
    results: int  # results added by this refresh
    watermark: datetime
    stored: bool  # False when another refresh moved the watermark first


def _state(session: Session, campaign_id: str) -> QuestionStatState | None:
    return session.get(QuestionStatState, campaign_id)


def refresh(
    engine: Engine,
    content: ContentCaches,
    campaign_id: str,
    now: datetime,
    settle: timedelta = SETTLE,
) -> Refreshed:
    """Add the results submitted since the last refresh (up to ``now - settle``)."""
    upto = now - settle
    with Session(engine) as session:
        campaign = content.campaigns.get(session, campaign_id)
        if campaign is None:
            raise DomainError(ProblemType.unknown_campaign, f"no campaign with id {campaign_id!r}")
        state = _state(session, campaign_id)
        since = state.watermark if state is not None else EPOCH
        revision = state.revision if state is not None else None
        if upto <= since:
            return Refreshed(campaign_id, 0, since, False)
        spec = content.campaigns.spec(campaign)
        session.rollback()
        scorer = _Scorer(content, session, spec)
        window = [RESULT.c.submitted_at >= since, RESULT.c.submitted_at < upto]
        for rows in _result_batches(session, campaign_id, window):
            for row in rows:
                scorer.add(row)
        session.rollback()  # the questions read on a cache miss
        delta, count = scorer.cells(), scorer.count
        return Refreshed(
            campaign_id,
            count,
            upto,
            _store(session, campaign_id, since, revision, upto, now, delta, count),
        )


def _store(
    session: Session,
    campaign_id: str,
    since: datetime,
    revision: int | None,
    upto: datetime,
    now: datetime,
    delta: dict[CellKey, Cell],
    count: int,
) -> bool:
    """Move the watermark from ``since`` to ``upto`` and add ``delta`` to the cells, in one
    transaction; False (nothing written) when another refresh moved it first or a held
    state changed since the read (``revision``; None: there was no state row)."""
    state = QUESTION_STAT_STATE
    if revision is None:
        session.add(
            QuestionStatState(
                campaign_id=campaign_id, watermark=upto, computed_at=now, results=count
            )
        )
        try:
            session.flush()
        except IntegrityError:  # a concurrent first build inserted it
            session.rollback()
            return False
    else:
        moved = session.connection().execute(
            update(state)
            .where(
                state.c.campaign_id == campaign_id,
                state.c.watermark == since,
                state.c.revision == revision,
            )
            .values(watermark=upto, computed_at=now, results=state.c.results + count)
        )
        if moved.rowcount != 1:
            session.rollback()
            return False
    _apply(session, campaign_id, delta, add=True)
    session.commit()
    return True


def _apply(session: Session, campaign_id: str, delta: dict[CellKey, Cell], add: bool) -> None:
    """Add ``delta`` to the stored cells, or take it out of them (a cell left empty is
    deleted, a question no attempt saw any more leaves its cell). The caller holds the
    state row (its UPDATE), so no other writer changes the cells meanwhile."""
    if not delta:
        return
    stored = {
        (c.track, c.first_only, c.district, c.lang): c
        for c in session.exec(_cells_query(campaign_id))
    }
    for key, cell in delta.items():
        row = stored.get(key)
        if row is None:
            if not add:  # nothing was counted there (cannot happen with a consistent state)
                logger.warning("question analytics: no cell %s to take results out of", key)
                continue
            track, first, district, lang = key
            session.add(
                QuestionStatCell(
                    campaign_id=campaign_id,
                    track=track,
                    first_only=first,
                    district=district,
                    lang=lang,
                    attempts=cell.paper.n,
                    data=cell.to_json(),
                )
            )
            continue
        merged = Cell.from_json(row.data)
        if add:
            merged.merge(cell)
        else:
            merged.remove(cell)
        if merged.paper.n <= 0 and not merged.items:
            session.delete(row)
            continue
        row.attempts = merged.paper.n
        row.data = merged.to_json()
        session.add(row)


def held_changed(
    bind: Bind, content: ContentCaches, attempt_ids: Iterable[int], counted: bool
) -> int:
    """The held state of these results changed: ``counted=True`` after a reviewer cleared
    them (``reviews.decide``), ``counted=False`` after they were held once submitted (a
    sweep). Call it once per change, in the transaction that changes ``held``, after the
    change is flushed; the caller commits.

    A result submitted before the watermark was passed over (held) or counted by the
    refreshes: its contribution is added to or taken out of the cells here. A later one is
    left to the next refresh, which reads ``held`` as it is then; a refresh already reading
    when this runs stores nothing (``revision`` moved) and the next one reads again. Results
    the analytics never count (late ones), or whose ``held`` does not match ``counted``,
    are skipped. Returns the number of results added or taken out."""
    ids = sorted(set(attempt_ids))
    if not ids:
        return 0
    held = RESULT.c.held.is_(not counted)
    with orm_session(bind) as session:
        connection = session.connection()
        rows = list(
            connection.execute(
                _results_query(None, [RESULT.c.attempt_id.in_(ids)], [*_countable_results(), held])
            )
        )
        by_campaign: dict[str, list[Any]] = defaultdict(list)
        for row in rows:
            by_campaign[row.campaign_id].append(row)
        changed = 0
        for campaign_id, results in sorted(by_campaign.items()):
            watermark = _bump_revision(session, campaign_id)
            before = [r for r in results if r.submitted_at < watermark]
            if not before:
                continue
            campaign = content.campaigns.get(session, campaign_id)
            if campaign is None:
                continue
            scorer = _Scorer(content, session, content.campaigns.spec(campaign))
            for row in before:
                scorer.add(row)
            _apply(session, campaign_id, scorer.cells(), add=counted)
            state = QUESTION_STAT_STATE
            sign = 1 if counted else -1
            connection.execute(
                update(state)
                .where(state.c.campaign_id == campaign_id)
                .values(results=state.c.results + sign * scorer.count)
            )
            changed += scorer.count
        session.flush()
        return changed


def _bump_revision(session: Session, campaign_id: str) -> datetime:
    """Bump the campaign's ``revision`` (this also locks its state row on PostgreSQL until
    the caller commits: refreshes and other changes wait) and return its watermark. Without
    a state row (no refresh stored yet), one is made at the epoch: a first build reading now
    then fails to insert its own and stores nothing."""
    state = QUESTION_STAT_STATE
    connection = session.connection()
    bump = (
        update(state)
        .where(state.c.campaign_id == campaign_id)
        .values(revision=state.c.revision + 1)
    )
    if connection.execute(bump).rowcount != 1:
        insert = sqlite_insert if connection.dialect.name == "sqlite" else postgresql_insert
        connection.execute(
            insert(state)
            .values(campaign_id=campaign_id, watermark=EPOCH, computed_at=EPOCH, results=0)
            .on_conflict_do_nothing()
        )
        connection.execute(bump)
    watermark: datetime = connection.execute(
        select(state.c.watermark).where(state.c.campaign_id == campaign_id)
    ).scalar_one()
    return watermark


def _cells_query(campaign_id: str, *conditions: Any) -> Any:
    return sm_select(QuestionStatCell).where(
        col(QuestionStatCell.campaign_id) == campaign_id, *conditions
    )


def rebuild(engine: Engine, content: ContentCaches, campaign_id: str, now: datetime) -> Refreshed:
    """Forget the sums of a campaign and count every result again (after results were
    deleted, or the filter of ``analysed_results`` changed)."""
    with Session(engine) as session:
        session.connection().execute(
            delete(QUESTION_STAT_CELL).where(QUESTION_STAT_CELL.c.campaign_id == campaign_id)
        )
        session.connection().execute(
            delete(QUESTION_STAT_STATE).where(QUESTION_STAT_STATE.c.campaign_id == campaign_id)
        )
        session.commit()
    return refresh(engine, content, campaign_id, now)


class AnalyticsRefresher:
    """One application's background refreshes (``quiz_api.api.resources``): a request that
    finds the sums older than ``REFRESH_AFTER`` starts one and answers with the sums it has;
    one that finds none builds them first."""

    def __init__(self, engine: Engine, content: ContentCaches) -> None:
        self._engine, self._content = engine, content
        self._threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    def ensure(self, session: Session, campaign_id: str, now: datetime) -> None:
        state = _state(session, campaign_id)
        # End the read: on SQLite it holds this worker's writer lock, which the refresh's
        # own session needs; and the report must see what the refresh wrote.
        session.rollback()
        if state is None or state.watermark == EPOCH:  # nothing stored yet
            refresh(self._engine, self._content, campaign_id, now)
            return
        if now - state.computed_at < REFRESH_AFTER:
            return
        with self._lock:
            if campaign_id in self._threads:
                return
            thread = threading.Thread(
                target=self._run, args=(campaign_id, now), name="analytics-refresh", daemon=True
            )
            self._threads[campaign_id] = thread
            thread.start()

    def _run(self, campaign_id: str, now: datetime) -> None:
        try:
            refresh(self._engine, self._content, campaign_id, now)
        except Exception:  # keep the previous sums; the next request tries again
            logger.exception("refreshing the question analytics failed")
        finally:
            with self._lock:
                self._threads.pop(campaign_id, None)

    def wait(self) -> None:
        """Wait for the refreshes under way (tests, shutdown)."""
        with self._lock:
            threads = list(self._threads.values())
        for thread in threads:
            thread.join()


# --- the report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionShare:
    index: int  # in the bank's order
    text: str
    key: bool
    share: float | None


@dataclass(frozen=True)
class QuestionRow:
    version_id: int
    question_id: str
    version: int
    track: str
    category: str
    difficulty: str
    type: str
    text: str
    explanation: str
    source: str
    figures: ItemFigures
    options: list[OptionShare]
    by_lang: dict[str, tuple[int, float | None]]  # language -> (attempts, facility)
    by_district: dict[str, tuple[int, float | None]]
    flags: list[tuple[str, str, str]]  # (code, reason in the viewer's language, figures)


@dataclass(frozen=True)
class PaperRow:
    track: str
    figures: PaperFigures
    by_district: dict[str, PaperFigures]


@dataclass(frozen=True)
class QuestionReport:
    campaign: str
    first_only: bool
    track: str | None
    district: str | None
    lang: str | None
    computed_at: datetime | None
    data_until: datetime | None
    age_seconds: float | None
    questions: list[QuestionRow]
    papers: list[PaperRow]
    least_known: dict[str, list[int]]  # track -> version ids, least known first
    school: str | None = None  # a school account's report: facility only


def _share(n: int, right: int) -> tuple[int, float | None]:
    return n, (right / n if n else None)


def _option_shares(question: Question, lang: str, shares: dict[int, float]) -> list[OptionShare]:
    if question.type == "true_false":
        texts = list(TRUE_FALSE_LABELS.get(lang, TRUE_FALSE_LABELS["en"]))
    else:
        texts = [option.get(lang, "") for option in question.body["options"]]
    key = set(question.correct)
    return [
        OptionShare(i, text, i in key, shares.get(i, 0.0) if shares or not key else None)
        for i, text in enumerate(texts)
    ]


def _question_row(
    question: Question,
    track: str,
    sums: ItemSums,
    by_lang: dict[str, tuple[int, int]],
    by_district: dict[str, tuple[int, int]],
    lang: str,
    facility_only: bool = False,
) -> QuestionRow:
    figures = item_figures(sums)
    body = question.body
    flagged: list[FlagOut] = (
        [] if facility_only else flags(figures, question.difficulty, question.correct, by_lang)
    )
    if facility_only:
        figures = ItemFigures(figures.n, figures.facility, None, None, {})
    return QuestionRow(
        version_id=question.version_id,
        question_id=question.question_id,
        version=question.version,
        track=track,
        category=question.category,
        difficulty=question.difficulty,
        type=question.type,
        text=body["stem"].get(lang, ""),
        explanation=body["explanation"].get(lang, ""),
        source=body.get("source", ""),
        figures=figures,
        options=[] if facility_only else _option_shares(question, lang, figures.option_shares),
        by_lang={k: _share(*v) for k, v in sorted(by_lang.items())},
        by_district={k: _share(*v) for k, v in sorted(by_district.items())},
        flags=[(f.flag.value, FLAG_TEXT[f.flag][lang], f.detail) for f in flagged],
    )


def _least_known(rows: list[QuestionRow]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for track in sorted({r.track for r in rows}):
        known = [
            r
            for r in rows
            if r.track == track
            and r.figures.n >= MIN_FLAG_ATTEMPTS
            and r.figures.facility is not None
        ]
        known.sort(key=lambda r: (r.figures.facility, r.question_id))
        out[track] = [r.version_id for r in known[:LEAST_KNOWN]]
    return out


def question_report(
    session: Session,
    content: ContentCaches,
    campaign_id: str,
    scope: StaffScope,
    viewer_lang: str,
    now: datetime,
    track: str | None = None,
    district: str | None = None,
    lang: str | None = None,
    first_only: bool = True,
) -> QuestionReport:
    """The question analytics of a campaign for a city or district account, from the
    stored sums (refresh them first: ``AnalyticsRefresher.ensure``)."""
    if scope.role is StaffRole.school:
        raise DomainError(ProblemType.outside_scope, "school accounts see their school's facility")
    if scope.role is StaffRole.district:
        if district is not None and district != scope.district:
            raise DomainError(ProblemType.outside_scope, "this account may not read that district")
        district = scope.district
    conditions: list[Any] = [col(QuestionStatCell.first_only) == first_only]
    if track is not None:
        conditions.append(col(QuestionStatCell.track) == track)
    if district is not None:
        conditions.append(col(QuestionStatCell.district) == district)
    if lang is not None:
        conditions.append(col(QuestionStatCell.lang) == lang)
    merged: dict[str, Cell] = defaultdict(Cell)
    per_district: dict[tuple[str, str], Cell] = defaultdict(Cell)
    lang_counts: dict[tuple[str, int], dict[str, list[int]]] = defaultdict(dict)
    district_counts: dict[tuple[str, int], dict[str, list[int]]] = defaultdict(dict)
    for row in session.exec(_cells_query(campaign_id, *conditions)):
        cell = Cell.from_json(row.data)
        merged[row.track].merge(cell)
        per_district[(row.track, row.district)].paper.merge(cell.paper)
        for version_id, sums in cell.items.items():
            for counts, group in (
                (lang_counts, row.lang),
                (district_counts, row.district),
            ):
                entry = counts[(row.track, version_id)].setdefault(group, [0, 0])
                entry[0] += sums.n
                entry[1] += sums.right
    state = _state(session, campaign_id)
    wanted = {v for cell in merged.values() for v in cell.items}
    questions = content.questions.versions(session, wanted)
    rows = [
        _question_row(
            questions[version_id],
            track_,
            sums,
            {k: (v[0], v[1]) for k, v in lang_counts[(track_, version_id)].items()},
            {k: (v[0], v[1]) for k, v in district_counts[(track_, version_id)].items()},
            viewer_lang,
        )
        for track_, cell in sorted(merged.items())
        for version_id, sums in sorted(cell.items.items())
        if version_id in questions
    ]
    papers = [
        PaperRow(
            track_,
            paper_figures(cell.paper),
            {
                d: paper_figures(c.paper)
                for (t, d), c in sorted(per_district.items())
                if t == track_
            },
        )
        for track_, cell in sorted(merged.items())
    ]
    return QuestionReport(
        campaign=campaign_id,
        first_only=first_only,
        track=track,
        district=district,
        lang=lang,
        computed_at=state.computed_at if state else None,
        data_until=state.watermark if state else None,
        age_seconds=(now - state.computed_at).total_seconds() if state else None,
        questions=rows,
        papers=papers,
        least_known=_least_known(rows),
    )


def school_facility(
    session: Session,
    content: ContentCaches,
    campaign_id: str,
    scope: StaffScope,
    viewer_lang: str,
    now: datetime,
    track: str | None = None,
    first_only: bool = True,
    min_group: int = MIN_SCHOOL_GROUP,
) -> QuestionReport:
    """A school account's view: the facility of each question among its school's results,
    counted live (a school's results are few), only for a school of at least
    MIN_SCHOOL_GROUP participants and questions seen by at least that many attempts."""
    if scope.role is not StaffRole.school or scope.school_code is None:
        raise DomainError(ProblemType.outside_scope, "this view is for school accounts")
    campaign = content.campaigns.get(session, campaign_id)
    if campaign is None:
        raise DomainError(ProblemType.unknown_campaign, f"no campaign with id {campaign_id!r}")
    conditions: list[ColumnElement[bool]] = [RESULT.c.school_code == scope.school_code]
    if track is not None:
        conditions.append(RESULT.c.track == track)
    if first_only:
        conditions.append(ATTEMPT.c.attempt_no == 1)
    scorer = _Scorer(content, session, content.campaigns.spec(campaign))
    for row in _result_rows(session, campaign_id, conditions):
        scorer.add(row)
    cells = scorer.cells()
    merged: dict[str, Cell] = defaultdict(Cell)
    if len(scorer.participants) >= min_group:
        for (track_, first, _, _), cell in cells.items():
            if first == first_only:
                merged[track_].merge(cell)
    rows = [
        _question_row(scorer.question(v), track_, sums, {}, {}, viewer_lang, facility_only=True)
        for track_, cell in sorted(merged.items())
        for v, sums in sorted(cell.items.items())
        if sums.n >= min_group
    ]
    return QuestionReport(
        campaign=campaign_id,
        first_only=first_only,
        track=track,
        district=scope.district,
        lang=None,
        computed_at=now,
        data_until=now,
        age_seconds=0.0,
        questions=rows,
        papers=[],
        least_known={},
        school=scope.school_code,
    )
