"""The integrity sweep: the further signals of docs/contest-integrity.md, which hold results
by themselves (the time rule holds at submission; these need many rows to see).

Every so often (a background thread of each API worker, ``python -m quiz_api contest
sweep``, and before a round's qualifiers are frozen) the sweep reads what arrived since its
watermark and holds, after the fact:

- the same answers (by the options' identity in the bank) to the same questions, given by
  ``same_answers_participants`` participants within ``same_answers_minutes``;
- the registrations of a class beyond its enrolment: the participants who joined after the
  class was full (the first ``enrolled`` keep their place; the reviewer sees the class);
- participants created from one address beyond what a school behind one NAT does
  (``address_max_students``) or what adults do (``address_max_adults``) within
  ``address_minutes``.

A held result leaves every board at once (``best_score`` is taken again from the results
not held, the Redis boards forget it) and every provisional qualifier list; its owner then
reads "your result is being checked". A result a reviewer has decided is never held again.
The sweep is idempotent: a held result is skipped, the watermark only moves forward."""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, tuple_, update
from sqlalchemy import select as core_select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from quiz_api.content.bank import Integrity
from quiz_api.db.models import (
    Campaign,
    IntegrityFlag,
    IntegritySweep,
    Participant,
    Result,
    ReviewDecision,
    SchoolClass,
    Track,
)
from quiz_api.integrations.ranks import RankIndex
from quiz_api.services.caches import ContentCaches
from quiz_api.services.leaderboards import recompute_best
from quiz_api.services.question_report import held_changed

logger = logging.getLogger(__name__)

# A submission stamped just before the sweep reads may not be committed yet: the sweep
# stops this far behind its clock, and the next one starts there.
SETTLE = timedelta(seconds=10)
# Results read per step (with the minutes before them that the same-answers rule needs).
BATCH = 20_000
# Rows per IN list.
CHUNK = 500
# The address digests are kept this long after a campaign ends, then cleared.
ADDRESS_RETENTION = timedelta(days=30)
# A campaign is swept until this long after its end (late submissions within the grace).
AFTER_END = timedelta(days=1)

SAME_ANSWERS = "same-answers"
CLASS_OVER_ENROLMENT = "class-over-enrolment"
MANY_JOINS = "many-joins"


@dataclass
class SweepReport:
    """What a sweep did: how far each campaign is swept, the attempts it newly held (with
    the signals that held each), and the address digests it cleared."""

    swept: dict[str, datetime] = field(default_factory=dict)  # campaign -> watermark
    held: list[int] = field(default_factory=list)  # attempt ids newly held, in order
    signals: dict[int, list[str]] = field(default_factory=dict)  # attempt id -> signals
    addresses_cleared: int = 0

    def count(self, signal: str) -> int:
        return sum(1 for found in self.signals.values() if signal in found)


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _windows(
    rows: Sequence[tuple[datetime, Any, int]], width: timedelta, more_than: int
) -> set[int]:
    """Rows as (time, who, key), sorted by time: the keys of every row inside some window
    of ``width`` that holds more than ``more_than`` distinct ``who``. A window worth
    looking at starts at a row's time, so each is tried (two pointers)."""
    found: set[int] = set()
    end = 0
    inside: dict[Any, int] = defaultdict(int)
    for start, (moment, _, _) in enumerate(rows):
        while end < len(rows) and rows[end][0] <= moment + width:
            inside[rows[end][1]] += 1
            end += 1
        if len(inside) > more_than:
            found.update(key for _, _, key in rows[start:end])
        who = rows[start][1]
        inside[who] -= 1
        if not inside[who]:
            del inside[who]
    return found


# --- the signals ------------------------------------------------------------------------


def _same_answers(
    session: Session,
    campaign_id: str,
    rules: dict[str, Integrity],
    start: datetime,
    end: datetime,
) -> set[int]:
    """Attempts whose answers ``same_answers_participants`` participants gave within
    ``same_answers_minutes``, among the results up to ``end`` (with the window's width
    before ``start``, so that a new result joins a group begun before). Compared by the
    answer key stored at submission (``services/answer_key.py``): one grouped query finds
    the keys given by enough participants, then only those groups' rows are read to apply
    the minutes. Results stored before migration 0012 have no key and are not compared."""
    widest = max(timedelta(minutes=r.same_answers_minutes) for r in rules.values())
    fewest = min(r.same_answers_participants for r in rules.values())
    window = (
        col(Result.campaign_id) == campaign_id,
        col(Result.submitted_at) > start - widest,
        col(Result.submitted_at) <= end,
    )
    keys = [
        (track, key)
        for track, key in session.connection().execute(
            core_select(col(Result.track), col(Result.answer_key))
            .where(*window, col(Result.answer_key).is_not(None))
            .group_by(col(Result.track), col(Result.answer_key))
            .having(func.count(func.distinct(col(Result.participant_id))) >= fewest)
        )
        if track in rules
    ]
    groups: dict[tuple[str, str | None], list[tuple[datetime, Any, int]]] = defaultdict(list)
    for chunk in _chunks(sorted(keys)):
        for track, key, submitted_at, participant_id, attempt_id in session.connection().execute(
            core_select(
                col(Result.track),
                col(Result.answer_key),
                col(Result.submitted_at),
                col(Result.participant_id),
                col(Result.attempt_id),
            ).where(*window, tuple_(col(Result.track), col(Result.answer_key)).in_(chunk))
        ):
            groups[(track, key)].append((submitted_at, participant_id, attempt_id))
    found: set[int] = set()
    for (track, _), group in groups.items():
        rule = rules[track]
        if len({who for _, who, _ in group}) < rule.same_answers_participants:
            continue
        width = timedelta(minutes=rule.same_answers_minutes)
        found |= _windows(sorted(group), width, rule.same_answers_participants - 1)
    return found


def _joined(session: Session, campaign_id: str, since: datetime, end: datetime) -> list[Any]:
    """The participants created in (since, end], oldest first (an indexed range: the sweep
    reads the minutes it needs, never the campaign)."""
    return list(
        session.connection()
        .execute(
            core_select(
                col(Participant.id),
                col(Participant.track),
                col(Participant.school_code),
                col(Participant.grade),
                col(Participant.class_name),
                col(Participant.address_hash),
                col(Participant.created_at),
            )
            .where(
                col(Participant.campaign_id) == campaign_id,
                col(Participant.created_at) > since,
                col(Participant.created_at) <= end,
            )
            .order_by(col(Participant.created_at), col(Participant.id))
        )
        .all()
    )


def over_enrolment(
    session: Session, campaign_id: str, classes: set[tuple[str, int, str]]
) -> dict[int, tuple[int, int, int]]:
    """The participants of these classes who joined after their class was full: participant
    id -> (their place in the order of joining, registrations, enrolment). A class whose
    roster gives no enrolment (0) is never over it."""
    found: dict[int, tuple[int, int, int]] = {}
    for chunk in _chunks(sorted(classes)):
        key = tuple_(
            col(SchoolClass.school_code), col(SchoolClass.grade), col(SchoolClass.class_name)
        )
        enrolled = {
            (school, grade, name): count
            for school, grade, name, count in session.exec(
                select(
                    SchoolClass.school_code,
                    SchoolClass.grade,
                    SchoolClass.class_name,
                    SchoolClass.enrolled,
                ).where(key.in_(chunk), col(SchoolClass.enrolled) > 0)
            ).all()
        }
        if not enrolled:
            continue
        members: dict[tuple[str, int, str], list[int]] = defaultdict(list)
        who = tuple_(
            col(Participant.school_code), col(Participant.grade), col(Participant.class_name)
        )
        for pid, school, grade, name in session.exec(
            select(
                Participant.id, Participant.school_code, Participant.grade, Participant.class_name
            )
            .where(col(Participant.campaign_id) == campaign_id, who.in_(list(enrolled)))
            .order_by(col(Participant.created_at), col(Participant.id))
        ).all():
            assert pid is not None and school is not None and grade is not None and name
            members[(school, grade, name)].append(pid)
        for class_key, pids in members.items():
            limit = enrolled[class_key]
            for place, pid in enumerate(pids[limit:], limit + 1):
                found[pid] = (place, len(pids), limit)
    return found


def many_joins(rules: dict[str, Integrity], joined: Sequence[Any]) -> set[int]:
    """Among ``joined`` (participants, oldest first), those created from one address (its
    digest) in a burst beyond their track's threshold: more than ``address_max_students``
    students, or more than ``address_max_adults`` adults, within ``address_minutes``."""
    bursts: dict[tuple[str, str], list[tuple[datetime, Any, int]]] = defaultdict(list)
    for row in joined:
        if row.address_hash:
            bursts[(row.address_hash, row.track)].append((row.created_at, row.id, row.id))
    found: set[int] = set()
    for (_, track), group in bursts.items():
        rule = rules.get(track)
        limit = None if rule is None else address_limit(rule, track)
        if rule is None or limit is None or len(group) <= limit:
            continue
        found |= _windows(group, timedelta(minutes=rule.address_minutes), limit)
    return found


def address_limit(rule: Integrity, track: str) -> int | None:
    """The most participants of ``track`` one address may create in ``address_minutes``
    before they are a signal; None: not a signal for this track."""
    return rule.address_max_students if track == Track.student.value else rule.address_max_adults


# --- holding after the fact -------------------------------------------------------------


def _holdable() -> tuple[Any, ...]:
    """The results a sweep may still hold: not held, and no reviewer decided them."""
    return (
        col(Result.held).is_(False),
        ~exists().where(col(ReviewDecision.attempt_id) == col(Result.attempt_id)),
    )


def _undecided(ids: Iterable[int]) -> Any:
    return (col(Result.attempt_id).in_(list(ids)), *_holdable())


def _flag(session: Session, campaign_id: str, flags: dict[int, str], now: datetime) -> None:
    """Remember the participants a signal pointed at (the first signal stands), so that
    their later results are held too."""
    if not flags:
        return
    known: set[int] = set()
    for chunk in _chunks(sorted(flags)):
        known.update(
            session.exec(
                select(IntegrityFlag.participant_id).where(
                    col(IntegrityFlag.participant_id).in_(chunk)
                )
            ).all()
        )
    for participant_id, signal in sorted(flags.items()):
        if participant_id not in known:
            session.add(
                IntegrityFlag(
                    participant_id=participant_id,
                    campaign_id=campaign_id,
                    signal=signal,
                    flagged_at=now,
                )
            )
    session.commit()


def _flagged_results(
    session: Session,
    campaign_id: str,
    start: datetime,
    end: datetime,
    newly_flagged: set[int],
) -> dict[int, str]:
    """The results a sweep may still hold (not held, not decided) of flagged participants:
    every result of those flagged just now, and the results in (start, end] of those
    flagged before. Attempt id -> the participant's signal."""
    undecided = _holdable()
    found: dict[int, str] = {}
    for chunk in _chunks(sorted(newly_flagged)):
        rows = session.exec(
            select(Result.attempt_id, IntegrityFlag.signal)
            .join(IntegrityFlag, col(IntegrityFlag.participant_id) == col(Result.participant_id))
            .where(col(Result.participant_id).in_(chunk), *undecided)
        ).all()
        found.update(rows)
    later = session.exec(
        select(Result.attempt_id, IntegrityFlag.signal)
        .join(IntegrityFlag, col(IntegrityFlag.participant_id) == col(Result.participant_id))
        .where(
            col(Result.campaign_id) == campaign_id,
            col(Result.submitted_at) > start,
            col(Result.submitted_at) <= end,
            *undecided,
        )
    ).all()
    found.update(later)
    return found


def hold(
    session: Session,
    content: ContentCaches,
    attempt_ids: Iterable[int],
    ranks: RankIndex | None = None,
) -> list[int]:
    """Hold these results after the fact, unless held or decided already: off every board
    (each participant's best taken again from the results not held; the Redis boards
    told) and out of the qualifiers, until a reviewer decides. Returns the attempt ids it
    newly held. Commits."""
    newly: list[int] = []
    for chunk in _chunks(sorted(set(attempt_ids))):
        newly.extend(session.exec(select(Result.attempt_id).where(*_undecided(chunk))).all())
    if not newly:
        return []
    held: list[Result] = []
    for chunk in _chunks(newly):
        session.connection().execute(update(Result).where(*_undecided(chunk)).values(held=True))
        held.extend(session.exec(select(Result).where(col(Result.attempt_id).in_(chunk))).all())
    bests = recompute_best(session.connection(), {r.participant_id for r in held})
    session.flush()
    # The question analytics leave held results out: the ones they had counted are taken
    # out of their sums here, in the transaction that holds them.
    held_changed(session, content, newly, counted=False)
    session.commit()
    if ranks is not None:
        seen: set[int] = set()
        for result in held:
            if result.participant_id in seen:
                continue
            seen.add(result.participant_id)
            best = bests.get(result.participant_id)
            ranks.withdraw(
                result.campaign_id,
                result.track,
                result.district,
                result.school_code,
                result.participant_id,
                None if best is None else (best["score"], best["duration_ms"]),
            )
    return newly


# --- the sweep --------------------------------------------------------------------------


def _claim(session: Session, campaign_id: str, now: datetime, gap: timedelta) -> bool:
    """Whether this sweeper may sweep the campaign now: one worker per ``gap`` (the row's
    ``swept_at`` is moved atomically; the sweep is idempotent, so losing a claim to a
    crash only wastes a turn)."""
    moved = session.connection().execute(
        update(IntegritySweep)
        .where(
            col(IntegritySweep.campaign_id) == campaign_id,
            col(IntegritySweep.swept_at) <= now - gap,
        )
        .values(swept_at=now)
    )
    session.commit()
    return bool(moved.rowcount)


def _state(session: Session, campaign: Campaign, now: datetime) -> IntegritySweep:
    state = session.get(IntegritySweep, campaign.id)
    if state is None:
        # Never swept: from the campaign's start (its swept_at too, so the first claim wins).
        start = campaign.starts_at
        state = IntegritySweep(campaign_id=campaign.id, watermark=start, swept_at=start, held=0)
        session.add(state)
        try:
            session.commit()
        except IntegrityError:  # another worker made it first
            session.rollback()
            state = session.get(IntegritySweep, campaign.id)
            assert state is not None
    return state


def _batch_end(session: Session, campaign_id: str, start: datetime, upto: datetime) -> datetime:
    """Where this step ends: the time of the BATCH-th result after ``start``, or ``upto``."""
    nth = session.exec(
        select(Result.submitted_at)
        .where(
            col(Result.campaign_id) == campaign_id,
            col(Result.submitted_at) > start,
            col(Result.submitted_at) <= upto,
        )
        .order_by(col(Result.submitted_at))
        .offset(BATCH - 1)
        .limit(1)
    ).first()
    return upto if nth is None else nth


def swept_through(session: Session, campaign_id: str) -> datetime | None:
    """The campaign's watermark: every result submitted before it has been swept."""
    state = session.get(IntegritySweep, campaign_id)
    return None if state is None else state.watermark


def clear_addresses(session: Session, now: datetime) -> int:
    """Clear the address digests of campaigns that ended more than ADDRESS_RETENTION ago
    (docs/contest-integrity.md: retention), once per campaign. Returns how many. Commits."""
    due = session.exec(
        select(Campaign)
        .outerjoin(IntegritySweep, col(IntegritySweep.campaign_id) == col(Campaign.id))
        .where(
            col(Campaign.ends_at) < now - ADDRESS_RETENTION,
            col(IntegritySweep.addresses_cleared_at).is_(None),
        )
    ).all()
    cleared = 0
    for campaign in due:
        done = session.connection().execute(
            update(Participant)
            .where(
                col(Participant.campaign_id) == campaign.id,
                col(Participant.address_hash).is_not(None),
            )
            .values(address_hash=None)
        )
        cleared += int(done.rowcount or 0)
        state = session.get(IntegritySweep, campaign.id) or IntegritySweep(
            campaign_id=campaign.id,
            watermark=campaign.starts_at,  # not swept yet
            swept_at=campaign.starts_at,
            held=0,
        )
        state.addresses_cleared_at = now
        session.add(state)
        session.commit()
    return cleared


def sweep(
    session: Session,
    content: ContentCaches,
    now: datetime,
    ranks: RankIndex | None = None,
    campaign_id: str | None = None,
    claim_gap: timedelta | None = None,
) -> SweepReport:
    """Look at what arrived in each campaign (or one) since the last sweep and hold the
    results the further signals point at. ``claim_gap``: skip a campaign another worker
    swept less than this long ago (the API's background sweeps). Commits as it goes."""
    report = SweepReport()
    report.addresses_cleared = clear_addresses(session, now)
    upto = now - SETTLE
    statement = select(Campaign).order_by(col(Campaign.id))
    if campaign_id is not None:
        statement = statement.where(col(Campaign.id) == campaign_id)
    for campaign in session.exec(statement).all():
        state = _state(session, campaign, now)
        last = min(upto, campaign.ends_at + AFTER_END)
        if state.watermark >= last:
            report.swept[campaign.id] = state.watermark
            continue
        if claim_gap is not None and not _claim(session, campaign.id, now, claim_gap):
            continue
        rules = {
            track.value: spec.integrity
            for track, spec in content.campaigns.spec(campaign).tracks.items()
        }
        start, held = state.watermark, len(report.held)
        while start < last:
            end = _batch_end(session, campaign.id, start, last)
            found = _sweep_step(session, campaign.id, rules, start, end, now)
            newly = hold(session, content, found, ranks)  # analytics: see hold()
            for attempt_id in newly:
                report.held.append(attempt_id)
                report.signals[attempt_id] = found[attempt_id]
            state = session.get(IntegritySweep, campaign.id) or state
            state.watermark = end
            state.swept_at = now
            state.held += len(newly)
            session.add(state)
            session.commit()
            start = end
        report.swept[campaign.id] = start
        if len(report.held) > held:
            held = len(report.held) - held
            logger.info("integrity sweep of %s: %d result(s) held", campaign.id, held)
    return report


def _sweep_step(
    session: Session,
    campaign_id: str,
    rules: dict[str, Integrity],
    start: datetime,
    end: datetime,
    now: datetime,
) -> dict[int, list[str]]:
    """The attempts to hold for what arrived in (start, end], with the signals of each."""
    found: dict[int, list[str]] = defaultdict(list)
    for attempt_id in _same_answers(session, campaign_id, rules, start, end):
        found[attempt_id].append(SAME_ANSWERS)
    # Joins: those of this step, and the address window before them (a burst that began
    # before the step is counted whole).
    widest = max(timedelta(minutes=r.address_minutes) for r in rules.values())
    joined = _joined(session, campaign_id, start - widest, end)
    classes = {
        (row.school_code, row.grade, row.class_name)
        for row in joined
        if row.created_at > start and row.school_code and row.grade is not None and row.class_name
    }
    flags = dict.fromkeys(over_enrolment(session, campaign_id, classes), CLASS_OVER_ENROLMENT)
    for participant_id in many_joins(rules, joined):
        flags.setdefault(participant_id, MANY_JOINS)
    session.rollback()  # end the read before the writes (SQLite: one writer)
    _flag(session, campaign_id, flags, now)
    for attempt_id, signal in _flagged_results(
        session, campaign_id, start, end, set(flags)
    ).items():
        if signal not in found[attempt_id]:
            found[attempt_id].append(signal)
    session.rollback()
    return {attempt_id: signals for attempt_id, signals in found.items() if signals}


class IntegritySweeper:
    """One application's periodic sweep (``quiz_api.api.resources``): a daemon thread that
    sweeps every ``seconds`` (the first after one interval), a campaign at most once per
    interval across the workers. ``seconds`` 0: no thread (tests, or a deployment that
    runs ``python -m quiz_api contest sweep`` from cron instead)."""

    def __init__(
        self,
        engine: Engine,
        content: ContentCaches,
        ranks: RankIndex | None,
        seconds: float,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._engine, self._content, self._ranks = engine, content, ranks
        self.seconds = seconds
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.swept = threading.Event()  # set after each sweep (tests wait on it)
        self.last: SweepReport | None = None

    def start(self) -> None:
        if self.seconds <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="integrity-sweep", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.seconds):
            self.run_once()

    def run_once(self) -> SweepReport | None:
        try:
            with Session(self._engine, expire_on_commit=False) as session:
                gap = timedelta(seconds=self.seconds / 2)
                self.last = sweep(session, self._content, self._clock(), self._ranks, None, gap)
        except Exception:  # the next turn tries again from the same watermark
            logger.exception("the integrity sweep failed")
            return None
        finally:
            self.swept.set()
        return self.last

    def stop(self) -> None:
        """End the thread after the sweep under way (shutdown)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
