"""The satisfaction survey's content schema: ``content/survey/*.yaml``, validated before
anything reaches the database (the survey service imports and versions it)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

SCALE_POINTS = 5
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
    def _five_points(cls, scales: dict[str, list[Text]]) -> dict[str, list[Text]]:
        for name, labels in scales.items():
            if len(labels) != SCALE_POINTS:
                raise ValueError(f"scale {name!r} needs {SCALE_POINTS} labels, has {len(labels)}")
        return scales

    @model_validator(mode="after")
    def _questions(self) -> SurveySpec:
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
        super().__init__("; ".join(errors))
        self.errors = errors


def load_surveys(directory: Path) -> list[SurveySpec]:
    """Every ``*.yaml`` survey of the folder, validated; raises ``SurveyInvalid``."""
    specs: list[SurveySpec] = []
    errors: list[str] = []
    if not directory.is_dir():
        return specs
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text("utf-8"))
            spec = SurveySpec.model_validate(data)
        except yaml.YAMLError as exc:
            errors.append(f"{path}: not valid YAML ({exc})")
            continue
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(p) for p in error["loc"])
                errors.append(f"{path}: {where or 'file'}: {error['msg']}")
            continue
        if spec.id != path.stem:
            errors.append(f"{path}: id {spec.id!r} must be the file name ({path.stem!r})")
            continue
        specs.append(spec)
    if errors:
        raise SurveyInvalid(errors)
    return specs
