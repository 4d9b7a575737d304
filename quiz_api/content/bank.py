"""The content the quiz is made of: question banks and campaigns, read from ``content/`` and
validated before anything reaches the database. Every problem is reported with the file,
line, question id and field, so the publicity office can fix it without reading code."""

from __future__ import annotations

import hashlib
import json
import string
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from rapidfuzz import fuzz, process

from quiz_api.content.sources import HOW_TO_CITE, unnamed_place
from quiz_api.content.yamlsource import YamlSyntaxError, line_of, load_yaml
from quiz_api.core.languages import LANGUAGES
from quiz_api.core.tracks import Track

ModelT = TypeVar("ModelT", bound=BaseModel)
NEAR_DUPLICATE_SIMILARITY = 90  # percent, rapidfuzz ratio of two stems in one language
LETTERS = string.ascii_uppercase

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class Category(StrEnum):
    drugs = "drugs"  # drug kinds and harms
    law = "law"
    refusal = "refusal"  # refusal skills
    help = "help"  # help and treatment
    history = "history"  # history and campaign days
    nps = "nps"  # new psychoactive substances


class Difficulty(StrEnum):
    easy = "easy"
    medium = "medium"
    hard = "hard"


class QuestionType(StrEnum):
    single = "single"
    multiple = "multiple"
    true_false = "true_false"


class Level(StrEnum):
    primary = "primary"
    secondary = "secondary"


def level_of_grade(grade: int, primary_last_grade: int = 6) -> Level:
    """Primary school ends at grade 6 in most of China, at grade 5 where schools follow the
    "5+4" system (Shanghai): the city sets ``primary_last_grade``."""
    return Level.primary if grade <= primary_last_grade else Level.secondary


def level_of_school(school_levels: str, grade: int, primary_last_grade: int = 6) -> Level:
    """The question level of a student: their school's level when it has one (a junior
    secondary school's grade 6 is secondary in the 5+4 system), else by grade (a
    nine-year school that is both primary and junior)."""
    levels = {part.strip() for part in school_levels.split(",") if part.strip()}
    if levels == {"primary"}:
        return Level.primary
    if levels and "primary" not in levels:
        return Level.secondary
    return level_of_grade(grade, primary_last_grade)


class I18nText(BaseModel):
    """A text in all four languages of the platform."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zh: Text
    en: Text
    ko: Text
    ja: Text

    def get(self, lang: str) -> str:
        return str(getattr(self, lang))


class QuestionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{2,63}$")]
    tracks: Annotated[list[Track], Field(min_length=1, max_length=2)]
    levels: list[Level] = []
    category: Category
    difficulty: Difficulty
    type: QuestionType
    stem: I18nText
    options: Annotated[list[I18nText], Field(max_length=6)] = []
    answer: str | list[str] | bool
    explanation: I18nText
    source: Text

    @field_validator("tracks", "levels")
    @classmethod
    def _no_repeats(cls, value: list[Any]) -> list[Any]:
        if len(set(value)) != len(value):
            raise ValueError("a value is listed twice")
        return value

    @model_validator(mode="after")
    def _check_shape(self) -> QuestionSpec:
        if Track.student in self.tracks and not self.levels:
            raise ValueError(
                "a student-track question needs `levels`: [primary], [secondary] or both"
            )
        if Track.student not in self.tracks and self.levels:
            raise ValueError("`levels` is only for student-track questions")
        if self.type is QuestionType.true_false:
            if self.options:
                raise ValueError("a true_false question has no `options`")
            if not isinstance(self.answer, bool):
                raise ValueError("the answer of a true_false question is `true` or `false`")
            return self
        if len(self.options) < 2:
            raise ValueError(f"a {self.type.value} question needs 2 to 6 options")
        letters = self.answer_letters()
        allowed = LETTERS[: len(self.options)]
        bad = [letter for letter in letters if letter not in allowed]
        if bad:
            raise ValueError(
                f"answer {', '.join(bad)} is out of range: the options are {allowed[0]}-{allowed[-1]}"
            )
        if len(set(letters)) != len(letters):
            raise ValueError("the answer lists a letter twice")
        if self.type is QuestionType.single and len(letters) != 1:
            raise ValueError("a single-choice question has exactly one answer letter")
        if self.type is QuestionType.multiple and len(letters) < 2:
            raise ValueError("a multiple-choice question has at least two answer letters")
        return self

    def answer_letters(self) -> list[str]:
        if isinstance(self.answer, bool):
            return []
        raw = [self.answer] if isinstance(self.answer, str) else self.answer
        return [str(item).strip().upper() for item in raw]

    def correct_indexes(self) -> list[int]:
        """Indexes of the correct options; for true_false, 0 = true and 1 = false."""
        if isinstance(self.answer, bool):
            return [0 if self.answer else 1]
        return sorted(LETTERS.index(letter) for letter in self.answer_letters())

    def content_hash(self) -> str:
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


class BankFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    questions: Annotated[list[dict[str, Any]], Field(min_length=1)]


class DrawRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    category: Category
    difficulty: Difficulty
    count: Annotated[int, Field(ge=1, le=50)]


class QualifyRule(BaseModel):
    """Who goes on from a round: the top N of each district and/or school, a minimum
    score, or both (then both must hold). Ties are broken as the boards break them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    top_per_district: Annotated[int, Field(ge=1, le=100_000)] | None = None
    top_per_school: Annotated[int, Field(ge=1, le=100_000)] | None = None
    min_score: Annotated[int, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _some_rule(self) -> QualifyRule:
        if self.top_per_district is None and self.top_per_school is None and self.min_score is None:
            raise ValueError(
                "a qualification rule needs top_per_district, top_per_school or min_score"
            )
        return self

    def describe(self) -> str:
        """The rule in words, for the header of a published list."""
        parts = []
        if self.top_per_district is not None:
            parts.append(f"top {self.top_per_district} per district")
        if self.top_per_school is not None:
            parts.append(f"top {self.top_per_school} per school")
        if self.min_score is not None:
            parts.append(f"score at least {self.min_score}")
        return "; ".join(parts) + " (ties: score, then time, then who got there first)"


class RoundSpec(BaseModel):
    """A round of a track (the preliminary round of the youth competition): results
    submitted in its window count; at ``closes_at`` its list of qualifiers is frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    qualify: QualifyRule

    @model_validator(mode="after")
    def _window(self) -> RoundSpec:
        if self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        return self


class Integrity(BaseModel):
    """Plausibility rules: a result that breaks one is held for a human review."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Server-side, from the paper's start to its submission: nobody reads and answers a
    # question in less (a scripted submitter does).
    min_seconds_per_question: Annotated[float, Field(ge=0, le=120)] = 2.0
    # The same answers (by the options' identity in the bank) to the same questions, given
    # by this many participants within this many minutes: a shared key or a script. Papers
    # are drawn at random, so honest participants rarely even get the same questions.
    same_answers_participants: Annotated[int, Field(ge=2, le=10_000)] = 3
    same_answers_minutes: Annotated[int, Field(ge=1, le=1440)] = 10
    # Participants created from one client address within ``address_minutes``. Students:
    # a whole school joins from one NAT address (the join rate limit lets one address make
    # a burst of 6000 for that: QUIZ_RATE_LIMIT_JOIN_PER_ADDRESS), so only more than a large
    # school is a signal. Adults have no school: their threshold is lower, but a workplace
    # or an event behind one NAT, or a carrier's NAT, joins many at once too (judgements,
    # not measurements: docs/contest-integrity.md). ``null`` turns a signal off.
    address_minutes: Annotated[int, Field(ge=1, le=1440)] = 10
    address_max_students: Annotated[int, Field(ge=1)] | None = 6000
    address_max_adults: Annotated[int, Field(ge=1)] | None = 100


class TrackRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    time_limit_seconds: Annotated[int, Field(ge=30, le=7200)]
    pass_mark: Annotated[int, Field(ge=0, le=100)]
    attempts_per_day: Annotated[int, Field(ge=1, le=1000)]
    attempts_total: Annotated[int, Field(ge=1, le=10000)]
    points: dict[Difficulty, Annotated[int, Field(ge=1, le=100)]] = {
        Difficulty.easy: 10,
        Difficulty.medium: 10,
        Difficulty.hard: 10,
    }
    draw: Annotated[list[DrawRule], Field(min_length=1, max_length=60)]
    rounds: Annotated[list[RoundSpec], Field(max_length=10)] = []
    integrity: Integrity = Integrity()

    @model_validator(mode="after")
    def _check(self) -> TrackRules:
        if self.attempts_total < self.attempts_per_day:
            raise ValueError("attempts_total is smaller than attempts_per_day")
        strata = Counter((rule.category, rule.difficulty) for rule in self.draw)
        repeated = [f"{c.value}/{d.value}" for (c, d), n in strata.items() if n > 1]
        if repeated:
            raise ValueError(f"the draw lists a stratum twice: {', '.join(repeated)}")
        if sum(rule.count for rule in self.draw) > 100:
            raise ValueError("a paper has at most 100 questions")
        missing = {rule.difficulty for rule in self.draw} - set(self.points)
        if missing:
            raise ValueError(f"no points set for {', '.join(sorted(missing))}")
        ids = Counter(round_.id for round_ in self.rounds)
        if any(n > 1 for n in ids.values()):
            raise ValueError("two rounds have the same id")
        return self

    def round(self, round_id: str | None) -> RoundSpec | None:
        """The round of that id, or the first one when no id is given."""
        return next((r for r in self.rounds if round_id in (None, r.id)), None)

    def min_duration_ms(self, question_count: int) -> int:
        """Below this time from start to submission, a result is held for review."""
        return int(self.integrity.min_seconds_per_question * 1000 * question_count)

    @property
    def question_count(self) -> int:
        return sum(rule.count for rule in self.draw)


def known_zone(value: str) -> str:
    """A time zone name of the IANA database (content files name their day's zone)."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Shanghai)") from exc
    return value


TimeZone = Annotated[str, AfterValidator(known_zone)]


class CampaignSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{2,63}$")]
    name: I18nText
    description: I18nText
    timezone: TimeZone = "Asia/Shanghai"
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    tracks: Annotated[dict[Track, TrackRules], Field(min_length=1)]

    @model_validator(mode="after")
    def _window(self) -> CampaignSpec:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self

    def content_hash(self) -> str:
        data = self.model_dump(mode="json")
        # Rounds and integrity rules came later: left at their defaults, they stay out of
        # the hash, so an older campaign file keeps its hash (and its version).
        default_integrity = Integrity().model_dump(mode="json")
        for rules in data["tracks"].values():
            if not rules["rounds"]:
                del rules["rounds"]
            integrity = rules["integrity"]
            for key, value in default_integrity.items():
                if integrity[key] == value:  # a rule added later, left at its default
                    del integrity[key]
            if not integrity:
                del rules["integrity"]
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def local_day(self, moment: datetime) -> str:
        return moment.astimezone(ZoneInfo(self.timezone)).date().isoformat()


@dataclass(frozen=True)
class ContentError:
    path: Path
    line: int
    message: str
    item_id: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        what = " ".join(
            part
            for part in (
                f"question {self.item_id}" if self.item_id else "",
                f"field `{self.field}`" if self.field else "",
            )
            if part
        )
        return f"{where}: {what + ': ' if what else ''}{self.message}"


class ContentInvalid(Exception):
    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


@dataclass
class Bank:
    questions: list[QuestionSpec] = field(default_factory=list)
    where: dict[str, tuple[Path, int]] = field(default_factory=dict)


def _dotted(loc: Iterable[int | str]) -> str:
    return ".".join(str(part) for part in loc)


def _pydantic_errors(
    exc: ValidationError, path: Path, raw: Any, prefix: tuple[int | str, ...], item_id: str | None
) -> list[ContentError]:
    errors = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing" and loc and loc[-1] in LANGUAGES:
            message = f"the {loc[-1]} text is missing: add `{loc[-1]}:` with the translation"
        elif err["type"] == "extra_forbidden":
            message = (
                f"unknown field `{loc[-1]}`: check its spelling against docs/content-format.md"
            )
        errors.append(
            ContentError(
                path=path,
                line=line_of(raw, prefix + loc),
                message=message,
                item_id=item_id,
                field=_dotted(loc) or None,
            )
        )
    return errors


def _yaml_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.suffix in {".yaml", ".yml"})


def _read_file(
    path: Path, model: type[ModelT], errors: list[ContentError]
) -> tuple[Any, ModelT] | None:
    """Parse one YAML file into ``model``; on failure add the errors and return None."""
    try:
        raw = load_yaml(path)
    except YamlSyntaxError as exc:
        errors.append(ContentError(path, exc.line, exc.message))
        return None
    try:
        return raw, model.model_validate(raw)
    except ValidationError as exc:
        errors.extend(_pydantic_errors(exc, path, raw, (), None))
        return None


def load_bank(directory: Path) -> Bank:
    """Read and validate every question file under ``directory``; raise ContentInvalid."""
    bank = Bank()
    errors: list[ContentError] = []
    files = _yaml_files(directory)
    if not files:
        raise ContentInvalid([ContentError(directory, 0, "no question files (*.yaml) found")])
    for path in files:
        loaded = _read_file(path, BankFile, errors)
        if loaded is None:
            continue
        raw, parsed = loaded
        for index, item in enumerate(parsed.questions):
            item_id = str(item.get("id")) if isinstance(item, dict) and "id" in item else None
            try:
                question = QuestionSpec.model_validate(item)
            except ValidationError as exc:
                errors.extend(_pydantic_errors(exc, path, raw, ("questions", index), item_id))
                continue
            line = line_of(raw, ("questions", index))
            vague = unnamed_place(question.source)
            if vague is not None:
                errors.append(
                    ContentError(
                        path,
                        line_of(raw, ("questions", index, "source")),
                        f"the source names an unnamed place ({vague!r}), which nobody can look "
                        f"up — {HOW_TO_CITE}, or reword the question to what such a source says",
                        question.id,
                        "source",
                    )
                )
            if question.id in bank.where:
                first_path, first_line = bank.where[question.id]
                errors.append(
                    ContentError(
                        path,
                        line,
                        f"duplicate id, first used at {first_path}:{first_line}",
                        question.id,
                        "id",
                    )
                )
                continue
            bank.where[question.id] = (path, line)
            bank.questions.append(question)
    errors.extend(_near_duplicates(bank))
    if errors:
        raise ContentInvalid(errors)
    return bank


def _near_duplicates(bank: Bank) -> list[ContentError]:
    errors: list[ContentError] = []
    reported: set[tuple[str, str]] = set()
    for lang in LANGUAGES:
        stems = [" ".join(q.stem.get(lang).split()) for q in bank.questions]
        for i, stem in enumerate(stems):
            matches = process.extract(
                stem, stems, scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE_SIMILARITY, limit=None
            )
            for _, similarity, j in matches:
                if j <= i:
                    continue
                first, second = bank.questions[i], bank.questions[j]
                if (first.id, second.id) in reported:
                    continue
                reported.add((first.id, second.id))
                path, line = bank.where[second.id]
                errors.append(
                    ContentError(
                        path,
                        line,
                        f"the {lang} stem is a near-duplicate of question {first.id} "
                        f"({similarity:.0f}% similar): merge them or reword one",
                        second.id,
                        f"stem.{lang}",
                    )
                )
    return errors


@dataclass(frozen=True)
class StratumKey:
    track: Track
    level: Level | None
    category: Category
    difficulty: Difficulty


def stratum_sizes(questions: Iterable[QuestionSpec]) -> Counter[StratumKey]:
    sizes: Counter[StratumKey] = Counter()
    for q in questions:
        for track in q.tracks:
            levels: list[Level | None] = list(q.levels) if track is Track.student else [None]
            for level in levels:
                sizes[StratumKey(track, level, q.category, q.difficulty)] += 1
    return sizes


def draw_shortfalls(campaign: CampaignSpec, sizes: Counter[StratumKey]) -> list[str]:
    """The strata of a campaign's draw rules that the bank cannot fill."""
    problems = []
    for track, rules in campaign.tracks.items():
        levels: list[Level | None] = list(Level) if track is Track.student else [None]
        for rule in rules.draw:
            for level in levels:
                have = sizes[StratumKey(track, level, rule.category, rule.difficulty)]
                if have < rule.count:
                    where = f"{track.value}{'/' + level.value if level else ''}"
                    problems.append(
                        f"draw {where} {rule.category.value}/{rule.difficulty.value} needs "
                        f"{rule.count} question(s), the bank has {have}: add questions or "
                        "lower the count"
                    )
    return problems


def load_campaigns(directory: Path, sizes: Counter[StratumKey] | None = None) -> list[CampaignSpec]:
    """Read and validate every campaign file; check its draw against ``sizes`` if given."""
    campaigns: list[CampaignSpec] = []
    errors: list[ContentError] = []
    seen: dict[str, Path] = {}
    for path in _yaml_files(directory):
        loaded = _read_file(path, CampaignSpec, errors)
        if loaded is None:
            continue
        raw, campaign = loaded
        if campaign.id in seen:
            errors.append(
                ContentError(path, 1, f"campaign id {campaign.id} also in {seen[campaign.id]}")
            )
            continue
        seen[campaign.id] = path
        for track, rules in campaign.tracks.items():
            for index, round_ in enumerate(rules.rounds):
                if round_.opens_at < campaign.starts_at or round_.closes_at > campaign.ends_at:
                    errors.append(
                        ContentError(
                            path,
                            line_of(raw, ("tracks", track.value, "rounds", index)),
                            f"round {round_.id} runs outside the campaign's window "
                            f"({campaign.starts_at.isoformat()} to {campaign.ends_at.isoformat()})"
                            " — move opens_at/closes_at inside starts_at/ends_at",
                        )
                    )
        if sizes is not None:
            for problem in draw_shortfalls(campaign, sizes):
                errors.append(ContentError(path, line_of(raw, ("tracks",)), problem))
        campaigns.append(campaign)
    if errors:
        raise ContentInvalid(errors)
    return campaigns
