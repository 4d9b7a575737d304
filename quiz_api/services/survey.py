"""The satisfaction survey: definitions from ``content/survey/`` (validated, versioned like
the question bank), one response per participant after a finished attempt, and the
reports: distributions and the satisfaction rate (share of the top two answers) with its
95 % Wilson interval, overall and by track, district and school. Groups with fewer than
``MIN_GROUP`` responses are not shown on their own."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from quiz_api.content.survey import (
    SCALE_POINTS,
    SurveySpec,
)
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.db.models import (
    Participant,
    Result,
    SurveyAnswer,
    SurveyResponse,
    SurveyVersion,
)
from quiz_api.integrations import metrics
from quiz_api.services.scope import StaffScope
from quiz_api.services.validated import ValidatedVersions

MIN_GROUP = 10  # smaller groups are not shown on their own (privacy of small groups)
Z95 = 1.959963984540054
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def import_surveys(session: Session, specs: list[SurveySpec], now: datetime) -> list[str]:
    """A new version for each new or changed survey; unchanged ones are left alone."""
    lines = []
    for spec in specs:
        digest = spec.content_hash()
        versions = list(
            session.exec(select(SurveyVersion).where(SurveyVersion.survey_id == spec.id))
        )
        current = next((v for v in versions if v.is_current), None)
        if current is not None and current.content_hash == digest:
            lines.append(f"{spec.id}: unchanged (version {current.version})")
            continue
        for version in versions:
            if version.is_current:
                version.is_current = False
                session.add(version)
        number = max((v.version for v in versions), default=0) + 1
        session.add(
            SurveyVersion(
                survey_id=spec.id,
                version=number,
                is_current=True,
                content_hash=digest,
                body=spec.model_dump(mode="json"),
                created_at=now,
            )
        )
        lines.append(f"{spec.id}: {'added' if number == 1 else f'new version {number}'}")
    session.flush()
    return lines


class SurveyCache:
    """The validated surveys of stored versions, validated once per application: a version
    is read on every survey request, and validating its four languages each time cost more
    than the request's queries."""

    def __init__(self) -> None:
        self._specs = ValidatedVersions(SurveySpec)

    def spec(self, row: SurveyVersion) -> SurveySpec:
        return self._specs.get(row.id, row.content_hash, row.body)


def current_survey(
    session: Session, surveys: SurveyCache, survey_id: str | None = None
) -> tuple[SurveyVersion, SurveySpec]:
    """The current version of the survey named, or of the newest survey (by id)."""
    statement = select(SurveyVersion).where(col(SurveyVersion.is_current).is_(True))
    if survey_id:
        statement = statement.where(SurveyVersion.survey_id == survey_id)
    row = session.exec(statement.order_by(col(SurveyVersion.survey_id).desc())).first()
    if row is None:
        raise DomainError(
            ProblemType.no_survey,
            "no survey has been imported" if not survey_id else f"no survey {survey_id!r}",
        )
    return row, surveys.spec(row)


def has_finished_attempt(session: Session, participant_id: int) -> bool:
    return (
        session.exec(
            select(Result.attempt_id).where(Result.participant_id == participant_id)
        ).first()
        is not None
    )


def has_answered(session: Session, participant_id: int, survey_id: str) -> bool:
    return (
        session.exec(
            select(SurveyResponse.id).where(
                SurveyResponse.participant_id == participant_id,
                SurveyResponse.survey_id == survey_id,
            )
        ).first()
        is not None
    )


def submit(
    session: Session,
    surveys: SurveyCache,
    participant: Participant,
    survey_id: str | None,
    answers: dict[str, int],
    comment: str | None,
    now: datetime,
) -> SurveyResponse:
    """Store a participant's response. One per participant and survey: the database's unique
    constraint decides between concurrent submissions. Commits."""
    assert participant.id is not None
    version, spec = current_survey(session, surveys, survey_id)
    if not has_finished_attempt(session, participant.id):
        raise DomainError(
            ProblemType.survey_not_available, "the survey opens after a finished attempt"
        )
    unknown = sorted(set(answers) - set(spec.scale_ids))
    if unknown:
        raise DomainError(
            ProblemType.validation_error,
            f"unknown question(s): {', '.join(unknown)}",
            field="answers",
        )
    bad = sorted(k for k, v in answers.items() if not 1 <= v <= SCALE_POINTS)
    if bad:
        raise DomainError(
            ProblemType.validation_error,
            f"answers are 1 to {SCALE_POINTS}: {', '.join(bad)}",
            field="answers",
        )
    text_question = spec.text_question
    comment = (comment or "").strip() or None
    if comment is not None:
        if text_question is None:
            raise DomainError(
                ProblemType.validation_error,
                "this survey has no free-text question",
                field="comment",
            )
        if len(comment) > text_question.max_length or _CONTROL.search(comment):
            raise DomainError(
                ProblemType.validation_error,
                f"the comment takes at most {text_question.max_length} characters, no control characters",
                field="comment",
            )
    if not answers and comment is None:
        raise DomainError(
            ProblemType.validation_error,
            "nothing to submit: answer a question, or simply skip the survey",
        )
    if has_answered(session, participant.id, spec.id):
        raise DomainError(
            ProblemType.survey_already_answered, "you have already answered this survey"
        )
    assert version.id is not None
    response = SurveyResponse(
        survey_id=spec.id,
        survey_version_id=version.id,
        participant_id=participant.id,
        campaign_id=participant.campaign_id,
        track=participant.track,
        school_code=participant.school_code,
        district=participant.district,
        lang=participant.lang,
        comment=comment,
        submitted_at=now,
    )
    session.add(response)
    try:
        session.flush()
        assert response.id is not None
        for question_id, value in answers.items():
            session.add(
                SurveyAnswer(
                    response_id=response.id,
                    question_id=question_id,
                    survey_id=spec.id,
                    track=participant.track,
                    school_code=participant.school_code,
                    district=participant.district,
                    value=value,
                )
            )
        session.commit()
    except IntegrityError as exc:  # a concurrent submission won
        session.rollback()
        raise DomainError(
            ProblemType.survey_already_answered, "you have already answered this survey"
        ) from exc
    metrics.survey_response()
    return response


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95 % by default)."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


GroupBy = Literal["overall", "track", "district", "school"]


@dataclass
class Group:
    key: str | None
    distribution: list[int] = field(default_factory=lambda: [0] * SCALE_POINTS)

    @property
    def n(self) -> int:
        return sum(self.distribution)

    @property
    def satisfied(self) -> int:
        return self.distribution[-1] + self.distribution[-2]  # the top two answers

    @property
    def rate(self) -> float | None:
        return self.satisfied / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.satisfied, self.n) if self.n else None


@dataclass
class QuestionReport:
    question_id: str
    text: str
    labels: list[str]
    groups: list[Group]
    hidden_groups: int  # groups with fewer than MIN_GROUP answers, not shown
    hidden_answers: int


def survey_report(
    session: Session,
    surveys: SurveyCache,
    scope: StaffScope,
    survey_id: str | None,
    by: GroupBy,
    lang: str,
) -> tuple[SurveySpec, list[QuestionReport]]:
    """Per scale question: a group per track, district or school (or one overall group)."""
    _, spec = current_survey(session, surveys, survey_id)
    key_column: Any = {
        "overall": None,
        "track": SurveyAnswer.track,
        "district": SurveyAnswer.district,
        "school": SurveyAnswer.school_code,
    }[by]
    columns: list[Any] = [col(SurveyAnswer.question_id), col(SurveyAnswer.value), func.count()]
    group_by: list[Any] = [col(SurveyAnswer.question_id), col(SurveyAnswer.value)]
    conditions: list[Any] = [
        col(SurveyAnswer.survey_id) == spec.id,
        *scope.where(SurveyAnswer.district, SurveyAnswer.school_code),
    ]
    if key_column is not None:
        columns.insert(1, col(key_column))
        group_by.insert(1, col(key_column))
        conditions.append(col(key_column).is_not(None))  # adults have no district or school
    statement = sa_select(*columns).where(*conditions).group_by(*group_by)
    counts: dict[str, dict[str | None, Group]] = defaultdict(dict)
    for row in session.connection().execute(statement):
        if key_column is None:
            question_id, value, n = row
            key = None
        else:
            question_id, key, value, n = row
        if 1 <= value <= SCALE_POINTS:
            group = counts[question_id].setdefault(key, Group(key))
            group.distribution[value - 1] += n
    reports = []
    for question in spec.questions:
        if question.type != "scale":
            continue
        assert question.scale is not None
        groups = sorted(
            counts.get(question.id, {}).values(), key=lambda g: (g.key is None, g.key or "")
        )
        shown = [g for g in groups if g.n >= MIN_GROUP]
        hidden = [g for g in groups if g.n < MIN_GROUP]
        reports.append(
            QuestionReport(
                question_id=question.id,
                text=question.text.get(lang),
                labels=[label.get(lang) for label in spec.scales[question.scale]],
                groups=shown,
                hidden_groups=len(hidden),
                hidden_answers=sum(g.n for g in hidden),
            )
        )
    return spec, reports


@dataclass
class Comment:
    day: str
    track: str
    district: str | None
    lang: str
    text: str


def survey_comments(
    session: Session,
    surveys: SurveyCache,
    scope: StaffScope,
    survey_id: str | None,
    limit: int,
    offset: int,
) -> tuple[int, list[Comment]]:
    """Free-text answers, newest first: city staff only (no school, no participant)."""
    from quiz_api.db.models import StaffRole

    if scope.role is not StaffRole.city:
        raise DomainError(ProblemType.outside_scope, "free-text answers are for city staff only")
    _, spec = current_survey(session, surveys, survey_id)
    condition = [
        col(SurveyResponse.survey_id) == spec.id,
        col(SurveyResponse.comment).is_not(None),
    ]
    total = session.exec(select(func.count()).select_from(SurveyResponse).where(*condition)).one()
    rows = session.exec(
        select(SurveyResponse)
        .where(*condition)
        .order_by(col(SurveyResponse.submitted_at).desc(), col(SurveyResponse.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return total, [
        Comment(
            day=r.submitted_at.date().isoformat(),
            track=r.track,
            district=r.district,
            lang=r.lang,
            text=r.comment or "",
        )
        for r in rows
    ]
