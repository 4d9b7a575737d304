"""The wording of the school kit's letter to parents (content/kits/letter.yaml)."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from quiz_api.core.languages import Lang

LETTER_FILE = Path("kits") / "letter.yaml"  # in the content folder


class LetterText(BaseModel):
    """One language's letter; {school}, {campaign}, {starts}, {ends} are filled in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    greeting: str
    what: str
    why: str
    steps_title: str
    steps: tuple[str, str, str] = Field(description="how to take part, in three steps")
    privacy_title: str
    privacy: str
    closing: str
    signature: str


class Letter(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: list[str] = Field(min_length=1)
    zh: LetterText
    en: LetterText
    ko: LetterText
    ja: LetterText

    def text(self, lang: Lang) -> LetterText:
        text: LetterText = getattr(self, lang.value)
        return text


def load_letter(content_dir: Path) -> Letter:
    """The letter in all four languages (a missing language or part fails validation)."""
    return Letter.model_validate(yaml.safe_load((content_dir / LETTER_FILE).read_text("utf-8")))
