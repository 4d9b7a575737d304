"""The satisfaction survey's content schema: ``content/survey/*.yaml``, validated before
anything reaches the database (the survey service imports and versions it). Every problem is
reported as ``file:line: what is wrong — how to fix``, like the question bank's."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from quiz_api.content.yamlsource import YamlSyntaxError, line_of, load_yaml

SCALE_POINTS = 5
FORMAT_DOC = "docs/schools-and-survey.md"
# Validation context of load_surveys: the checks across fields run on the YAML itself there,
# so that each names its own line.
LOCATED = "located"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Text(BaseModel):
    """A text in the four languages, none empty."""

    model_config = ConfigDict(extra="forbid")

    zh: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]
    ko: Annotated[str, Field(min_length=1)]
    ja: Annotated[str, Field(min_length=1)]

    def get(self, lang: str) -> str:
        value: str = getattr(self, lang)
        return value


class SurveyQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")]
    type: Literal["scale", "text"]
    text: Text
    scale: str | None = None
    max_length: Annotated[int, Field(ge=1, le=2000)] = 500


class SurveySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    title: Text
    intro: Text
    scales: dict[str, list[Text]]
    questions: Annotated[list[SurveyQuestion], Field(min_length=1)]

    @field_validator("scales")
    @classmethod
    def _five_points(
        cls, scales: dict[str, list[Text]], info: ValidationInfo
    ) -> dict[str, list[Text]]:
        if info.context and info.context.get(LOCATED):
            return scales
        for name, labels in scales.items():
            if len(labels) != SCALE_POINTS:
                raise ValueError(f"scale {name!r} needs {SCALE_POINTS} labels, has {len(labels)}")
        return scales

    @model_validator(mode="after")
    def _questions(self, info: ValidationInfo) -> SurveySpec:
        if info.context and info.context.get(LOCATED):
            return self
        ids = [q.id for q in self.questions]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate question id(s): {', '.join(duplicates)}")
        for question in self.questions:
            if question.type == "scale" and question.scale not in self.scales:
                raise ValueError(f"question {question.id!r}: unknown scale {question.scale!r}")
            if question.type == "text" and question.scale is not None:
                raise ValueError(f"question {question.id!r}: a text question has no scale")
        if sum(q.type == "text" for q in self.questions) > 1:
            raise ValueError("at most one free-text question")
        if not any(q.type == "scale" for q in self.questions):
            raise ValueError("at least one scale question")
        return self

    def content_hash(self) -> str:
        data = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(data.encode()).hexdigest()

    @property
    def scale_ids(self) -> list[str]:
        return [q.id for q in self.questions if q.type == "scale"]

    @property
    def text_question(self) -> SurveyQuestion | None:
        return next((q for q in self.questions if q.type == "text"), None)


class SurveyInvalid(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


Loc = tuple[str | int, ...]


def _field_message(error: Any) -> str:
    """A pydantic error in words, with what to do about it."""
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    last = loc[-1] if loc else None
    if kind == "missing" and last in ("zh", "en", "ko", "ja"):
        return f"the {last} text is missing — add `{last}:` with the translation"
    if kind == "missing":
        return f"`{last}` is missing — add it ({FORMAT_DOC} lists the fields)"
    if kind == "extra_forbidden":
        return f"unknown field `{last}` — check its spelling against {FORMAT_DOC}"
    if kind == "string_pattern_mismatch" and last == "id":
        return (
            f"the id {error['input']!r} is not allowed — use lowercase letters, digits and "
            "dashes, starting with a letter or digit"
        )
    if kind == "literal_error" and last == "type":
        return f"unknown type {error['input']!r} — use `scale` or `text`"
    if kind == "string_too_short":
        return "the text is empty — write it, or remove the line"
    if not loc:
        return f"the file is not a survey ({error['msg']}) — see {FORMAT_DOC} for its format"
    return f"{error['msg']} — see {FORMAT_DOC}"


def _located_problems(raw: Any, path: Path) -> list[tuple[Loc, str]]:
    """The checks across fields, on the YAML as written (each with the place to point at)."""
    if not isinstance(raw, dict):
        return []
    problems: list[tuple[Loc, str]] = []
    if isinstance(raw.get("id"), str) and raw["id"] != path.stem:
        problems.append(
            (
                ("id",),
                f"the id {raw['id']!r} is not the file name {path.name!r} — rename the file "
                f"to {raw['id']}.yaml or set `id: {path.stem}`",
            )
        )
    scales = raw.get("scales")
    names = sorted(str(name) for name in scales) if isinstance(scales, dict) else []
    if isinstance(scales, dict):
        for name, labels in scales.items():
            if isinstance(labels, list) and len(labels) != SCALE_POINTS:
                problems.append(
                    (
                        ("scales", name),
                        f"scale {name!r} has {len(labels)} labels — a scale needs exactly "
                        f"{SCALE_POINTS}, lowest first",
                    )
                )
    questions = raw.get("questions")
    if not isinstance(questions, list):
        return problems
    first_seen: dict[str, int] = {}
    text_questions = 0
    scale_questions = 0
    for index, item in enumerate(questions):
        if not isinstance(item, dict):
            continue
        qid = str(item.get("id"))
        if qid in first_seen:
            problems.append(
                (
                    ("questions", index, "id"),
                    f"the question id {qid!r} is used twice (first at line "
                    f"{line_of(raw, ('questions', first_seen[qid]))}) — give each question "
                    "its own id, and never reuse an old one",
                )
            )
        else:
            first_seen[qid] = index
        kind, scale = item.get("type"), item.get("scale")
        if kind == "scale":
            scale_questions += 1
            if scale is None:
                problems.append(
                    (
                        ("questions", index),
                        f"the scale question {qid!r} has no `scale:` — add one naming "
                        f"{' or '.join(names) or 'a scale defined under `scales:`'}",
                    )
                )
            elif str(scale) not in names:
                problems.append(
                    (
                        ("questions", index, "scale"),
                        f"question {qid!r} uses the unknown scale {scale!r} — use "
                        f"{' or '.join(names) or 'a scale defined under `scales:`'}",
                    )
                )
        elif kind == "text":
            text_questions += 1
            if scale is not None:
                problems.append(
                    (
                        ("questions", index, "scale"),
                        f"the text question {qid!r} has a scale — remove `scale:`, or make it "
                        "`type: scale`",
                    )
                )
            if text_questions == 2:
                problems.append(
                    (
                        ("questions", index),
                        f"{qid!r} is a second free-text question — keep at most one "
                        "`type: text` question",
                    )
                )
    if questions and scale_questions == 0:
        problems.append(
            (("questions",), "there is no scale question — add at least one `type: scale`")
        )
    return problems


def _read(path: Path, errors: list[str]) -> SurveySpec | None:
    try:
        raw = load_yaml(path)
    except YamlSyntaxError as exc:
        errors.append(
            f"{path}:{exc.line}: {exc.message} — check the indentation, quotes and colons there"
        )
        return None
    found = [
        (line_of(raw, loc), f"field `{'.'.join(map(str, loc))}`: {message}")
        for loc, message in _located_problems(raw, path)
    ]
    spec: SurveySpec | None = None
    try:
        spec = SurveySpec.model_validate(raw, context={LOCATED: True})
    except ValidationError as exc:
        for error in exc.errors():
            loc: Loc = tuple(error["loc"])
            field = f"field `{'.'.join(map(str, loc))}`: " if loc else ""
            found.append((line_of(raw, loc), f"{field}{_field_message(error)}"))
    errors.extend(f"{path}:{line}: {message}" for line, message in sorted(found))
    return spec if not found else None


def load_surveys(directory: Path) -> list[SurveySpec]:
    """Every ``*.yaml`` survey of the folder, validated; raises ``SurveyInvalid`` with every
    problem as ``file:line: what is wrong — how to fix``."""
    specs: list[SurveySpec] = []
    errors: list[str] = []
    if not directory.is_dir():
        return specs
    for path in sorted(directory.glob("*.yaml")):
        spec = _read(path, errors)
        if spec is not None:
            specs.append(spec)
    if errors:
        raise SurveyInvalid(errors)
    return specs
