"""The exhibition rooms' faces (site_builder/exhibition/rooms.py): drawn once and cached by
content, photos as JPEG, text wrapped at words and never before closing punctuation."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from site_builder.exhibition import rooms


# ---------------------------------------------------------------------------- drawing
def test_faces_are_cached_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(rooms.CACHE_ENV, str(tmp_path / "cache"))
    spec = rooms.FaceSpec(kind="front", lang="ko", number="1 / 2", title="예방 교육", body="본문")
    first = rooms.render_faces([spec], tmp_path / "a")
    again = rooms.render_faces([spec], tmp_path / "b")
    assert first == {"drawn": 1, "cached": 0}
    assert again == {"drawn": 0, "cached": 1}
    changed = rooms.FaceSpec(kind="front", lang="ko", number="1 / 2", title="예방", body="본문")
    assert changed.file_name != spec.file_name
    with Image.open(tmp_path / "b" / spec.file_name) as image:
        assert image.format == "PNG" and image.mode == "P"  # drawn: a palette PNG
        assert image.size == (rooms.FACE, rooms.FACE)
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (300, 200), (200, 30, 30)).save(photo)
    board = rooms.FaceSpec(kind="boards", lang="en", boards=(("Title", "Text", str(photo)),))
    rooms.render_faces([board], tmp_path / "c")
    with Image.open(tmp_path / "c" / board.file_name) as image:
        assert image.format == "JPEG"  # a photo on the wall: JPEG
