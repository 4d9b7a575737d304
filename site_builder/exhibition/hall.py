"""The exhibition hall as content: content/exhibition/hall.yaml, read and checked.

The office edits one YAML file: the hall's title and introduction, then its sections in
order, each with a title, an introduction, the source documents it draws on and two to four
boards (title + text), every text in zh, en, ko and ja. A section may name a real panorama
photo (equirectangular JPEG) and a board a photo; both paths are relative to
content/exhibition/. Problems stop the build with "file: where: what — how to fix".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from quiz_api.content.sources import HOW_TO_CITE, unnamed_place
from site_builder import LANGS

HALL_FILE = "exhibition/hall.yaml"
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
MIN_BOARDS, MAX_BOARDS = 2, 4
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")

Text = dict[str, str]


class HallError(Exception):
    """The hall file has problems; each is one line 'file: where: what — fix'."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Board:
    title: Text
    text: Text
    photo: Path | None = None
    alt: Text = field(default_factory=dict)
    # Where its hotspot is (degrees); for real panorama photos. Drawn rooms place it themselves.
    yaw: float | None = None
    pitch: float | None = None


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    intro: Text
    source: Text
    boards: tuple[Board, ...]
    panorama: Path | None = None


@dataclass(frozen=True)
class Hall:
    title: Text
    intro: Text
    sections: tuple[Section, ...]
    path: Path

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)


class _Reader:
    def __init__(self, path: Path, folder: Path) -> None:
        self.path = path
        self.folder = folder
        self.problems: list[str] = []

    def problem(self, where: str, what: str) -> None:
        self.problems.append(f"{self.path}: {where}: {what}")

    def text(self, data: dict[str, Any], key: str, where: str) -> Text:
        value = data.get(key)
        example = f"{key}: {{zh: ..., en: ..., ko: ..., ja: ...}}"
        if not isinstance(value, dict):
            self.problem(f"{where}.{key}", f"missing — write {example}")
            return {}
        out: Text = {}
        for lang in LANGS:
            item = value.get(lang)
            if not isinstance(item, str) or not item.strip():
                self.problem(
                    f"{where}.{key}", f"no {lang} text — every text needs zh, en, ko and ja"
                )
                continue
            spaced = lang in ("en", "ko")  # zh and ja lines join without a space
            out[lang] = (" " if spaced else "").join(item.split() if spaced else item.split("\n"))
            out[lang] = out[lang].strip()
        return out

    def angle(self, data: dict[str, Any], key: str, where: str, limit: int) -> float | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or abs(value) > limit:
            self.problem(f"{where}.{key}", f"write a number of degrees from -{limit} to {limit}")
            return None
        return float(value)

    def photo(self, data: dict[str, Any], key: str, where: str) -> Path | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.lower().endswith(PHOTO_SUFFIXES):
            self.problem(f"{where}.{key}", "must be a .jpg or .png path inside content/exhibition/")
            return None
        path = (self.folder / value).resolve()
        if not path.is_file() or self.folder.resolve() not in path.parents:
            self.problem(f"{where}.{key}", f"file {value!r} not found in content/exhibition/")
            return None
        return path


def load_hall(content_root: Path) -> Hall | None:
    """The hall of content_root, or None when content/exhibition/hall.yaml does not exist."""
    path = content_root / HALL_FILE
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark is not None else "file"
        raise HallError(
            [f"{path}: {line}: not valid YAML — check the indentation, quote the value"]
        ) from None
    reader = _Reader(path, path.parent)
    if not isinstance(data, dict):
        raise HallError([f"{path}: file: expected a mapping with title, intro and sections"])
    title = reader.text(data, "title", "hall")
    intro = reader.text(data, "intro", "hall")
    raw_sections = data.get("sections")
    sections: list[Section] = []
    if not isinstance(raw_sections, list) or not raw_sections:
        reader.problem("sections", "missing — write a list of sections in visiting order")
        raw_sections = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_sections):
        where = f"sections[{i}]"
        if not isinstance(raw, dict):
            reader.problem(where, "expected a mapping with id, title, intro, source and boards")
            continue
        sid = raw.get("id")
        if not isinstance(sid, str) or not SLUG.fullmatch(sid):
            reader.problem(
                f"{where}.id", f"{sid!r} is not a short slug — write e.g. id: prevention"
            )
            sid = f"section-{i + 1}"
        elif sid in seen:
            reader.problem(f"{where}.id", f"{sid!r} is used twice — ids must be unique")
        seen.add(sid)
        where = f"sections[{i}] ({sid})"
        boards: list[Board] = []
        raw_boards = raw.get("boards")
        if not isinstance(raw_boards, list) or not MIN_BOARDS <= len(raw_boards) <= MAX_BOARDS:
            reader.problem(
                f"{where}.boards", f"write {MIN_BOARDS} to {MAX_BOARDS} boards (title and text)"
            )
            raw_boards = raw_boards if isinstance(raw_boards, list) else []
        for j, rb in enumerate(raw_boards[:MAX_BOARDS]):
            bwhere = f"{where}.boards[{j}]"
            if not isinstance(rb, dict):
                reader.problem(bwhere, "expected a mapping with title and text")
                continue
            photo = reader.photo(rb, "photo", bwhere)
            yaw = reader.angle(rb, "yaw", bwhere, 180)
            pitch = reader.angle(rb, "pitch", bwhere, 90)
            boards.append(
                Board(
                    title=reader.text(rb, "title", bwhere),
                    text=reader.text(rb, "text", bwhere),
                    photo=photo,
                    alt=reader.text(rb, "alt", bwhere) if photo is not None else {},
                    yaw=yaw,
                    pitch=pitch,
                )
            )
        source = reader.text(raw, "source", where)
        for lang, cited in source.items():
            vague = unnamed_place(cited)
            if vague is not None:  # the question bank's rule (quiz_api.content.sources)
                reader.problem(
                    f"{where}.source.{lang}",
                    f"the source '{vague}' names no place, so nobody can look it up — "
                    f"{HOW_TO_CITE}",
                )
        sections.append(
            Section(
                id=sid,
                title=reader.text(raw, "title", where),
                intro=reader.text(raw, "intro", where),
                source=source,
                boards=tuple(boards),
                panorama=reader.photo(raw, "panorama", where),
            )
        )
    if reader.problems:
        raise HallError(reader.problems)
    return Hall(title=title, intro=intro, sections=tuple(sections), path=path)
