"""The question bank and campaign files: what the publicity office is told when a file is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from quiz_api.content.bank import ContentInvalid, load_bank, load_campaigns, stratum_sizes
from quiz_api.core.tracks import Track
from tests.plugins import factories


def write(tmp_path: Path, text: str, name: str = "bank.yaml") -> Path:
    folder = tmp_path / "quiz"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, "utf-8")
    return folder


def errors_of(folder: Path) -> list[str]:
    with pytest.raises(ContentInvalid) as caught:
        load_bank(folder)
    return [str(error) for error in caught.value.errors]


def dump(questions: list[dict[str, object]]) -> str:
    return yaml.safe_dump({"questions": questions}, allow_unicode=True, sort_keys=False)


def test_a_valid_bank_loads_with_answers_as_indexes(tmp_path: Path) -> None:
    questions = [
        factories.question("q-single", answer="C"),
        factories.question("q-multi", type_="multiple", answer=["D", "A"]),
        factories.question("q-tf", type_="true_false", answer=False),
    ]
    bank = load_bank(write(tmp_path, dump(questions)))
    assert [q.correct_indexes() for q in bank.questions] == [[2], [0, 3], [1]]


def test_missing_language_names_file_line_question_and_field(tmp_path: Path) -> None:
    broken = factories.question("q-missing-ko")
    del broken["stem"]["ko"]
    folder = write(tmp_path, dump([factories.question("q-fine"), broken]))
    [message] = errors_of(folder)
    text = (folder / "bank.yaml").read_text("utf-8").splitlines()
    line = int(message.split(":")[1])
    assert message.startswith(str(folder / "bank.yaml"))
    assert "question q-missing-ko" in message and "field `stem.ko`" in message
    assert "the ko text is missing" in message
    assert "q-missing-ko" in "\n".join(text[line - 8 : line])  # points into that question


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"answer": "E"}, "answer E is out of range: the options are A-D"),
        ({"answer": ["A", "B"]}, "exactly one answer letter"),
        ({"type": "multiple", "answer": "A"}, "at least two answer letters"),
        ({"type": "true_false"}, "a true_false question has no `options`"),
        ({"source": ""}, "source"),
        ({"difficulty": "extreme"}, "difficulty"),
        ({"tracks": ["student"]}, "needs `levels`"),
        ({"colour": "red"}, "unknown field `colour`"),
    ],
)
def test_each_fault_is_reported(tmp_path: Path, change: dict[str, object], expected: str) -> None:
    broken = factories.question("q-broken")
    broken.update(change)
    [message] = errors_of(write(tmp_path, dump([broken])))
    assert expected in message
    assert "q-broken" in message


def test_option_missing_a_language_is_named(tmp_path: Path) -> None:
    broken = factories.question("q-opt")
    del broken["options"][2]["ja"]
    [message] = errors_of(write(tmp_path, dump([broken])))
    assert "field `options.2.ja`" in message


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    write(tmp_path, dump([factories.question("q-same")]), "a.yaml")
    folder = write(tmp_path, dump([factories.question("q-same")]), "b.yaml")
    [message] = errors_of(folder)
    assert "duplicate id, first used at" in message and "a.yaml" in message


def test_near_duplicate_stems_are_rejected(tmp_path: Path) -> None:
    first = factories.question("q-first")
    second = factories.question("q-second")
    first["stem"]["zh"] = "《中华人民共和国禁毒法》自哪一年起施行？"
    second["stem"]["zh"] = "《中华人民共和国禁毒法》是自哪一年起施行？"
    [message] = errors_of(write(tmp_path, dump([first, second])))
    assert "near-duplicate of question q-first" in message and "stem.zh" in message


@pytest.mark.parametrize(
    "source",
    [
        "江苏某市禁毒工作实施纲要",
        "《中华人民共和国禁毒法》第七十一条；某县公安局通报",
        "a Jiangsu city's drug-control work outline, measure 13",
        "Anti-Drug Law Art. 71; a county's notice",
    ],
)
def test_a_source_naming_an_unnamed_place_is_refused(tmp_path: Path, source: str) -> None:
    vague = factories.question("q-vague")
    vague["source"] = source
    folder = write(tmp_path, dump([factories.question("q-fine"), vague]))
    [message] = errors_of(folder)
    lines = (folder / "bank.yaml").read_text("utf-8").splitlines()
    line = int(message.split(":")[1])
    assert message.startswith(f"{folder / 'bank.yaml'}:{line}: question q-vague field `source`")
    assert lines[line - 1].strip().startswith("source:")  # the line of the source itself
    assert "unnamed place" in message and " — cite a national document" in message


@pytest.mark.parametrize(
    "source",
    [
        "《中华人民共和国禁毒法》第七十一条 (Anti-Drug Law of the PRC, Art. 71)",
        "《全面巩固深化全国禁毒示范城市成果——海口市禁毒工作显成效》 (Haikou, Hainan, report "
        "on the city's anti-drug results)",
        "《2024年上海禁毒十大事件》 (Shanghai's top ten anti-drug events of 2024, a city-wide list)",
    ],
)
def test_a_named_or_national_source_is_accepted(tmp_path: Path, source: str) -> None:
    named = factories.question("q-named")
    named["source"] = source
    bank = load_bank(write(tmp_path, dump([named])))
    assert bank.questions[0].source == source


def test_yaml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    folder = write(tmp_path, "questions:\n  - id: q-x\n    stem: [unclosed\n")
    [message] = errors_of(folder)
    assert ":4:" in message or ":3:" in message
    assert "YAML syntax error" in message


def test_campaign_draw_needing_more_than_the_bank_has(tmp_path: Path) -> None:
    bank = load_bank(write(tmp_path, dump(factories.standard_bank(per_stratum=1))))
    campaigns = tmp_path / "campaigns"
    campaigns.mkdir()
    (campaigns / "c.yaml").write_text(yaml.safe_dump(factories.campaign()), "utf-8")
    with pytest.raises(ContentInvalid) as caught:
        load_campaigns(campaigns, stratum_sizes(bank.questions))
    messages = [str(e) for e in caught.value.errors]
    assert any("law/hard needs 2 question(s), the bank has 1" in m for m in messages)
    # Student strata are checked per school level.
    assert any("student/primary law/hard" in m for m in messages)


def test_campaign_window_and_zone_are_checked(tmp_path: Path) -> None:
    folder = tmp_path / "campaigns"
    folder.mkdir()
    data = factories.campaign(timezone="Mars/Olympus", ends_at="2026-05-01T00:00:00+08:00")
    (folder / "c.yaml").write_text(yaml.safe_dump(data), "utf-8")
    with pytest.raises(ContentInvalid) as caught:
        load_campaigns(folder)
    text = "\n".join(str(e) for e in caught.value.errors)
    assert "unknown time zone 'Mars/Olympus'" in text


def test_shipped_content_is_valid(project_root: Path) -> None:
    """The real bank fills the real campaign's papers (issue 3's validation, run in CI)."""
    bank = load_bank(project_root / "content" / "quiz")
    campaigns = load_campaigns(
        project_root / "content" / "campaigns", stratum_sizes(bank.questions)
    )
    assert campaigns
    for track in ("adult", "student"):
        assert sum(1 for q in bank.questions if track in q.tracks) >= 20


def _with_rounds(rounds: list[dict[str, object]], **integrity: object) -> dict[str, Any]:
    data = factories.campaign()
    student = dict(data["tracks"]["student"], rounds=rounds)
    if integrity:
        student["integrity"] = integrity
    data["tracks"] = {**data["tracks"], "student": student}
    return data


PRELIMINARY: dict[str, object] = {
    "id": "preliminary",
    "opens_at": "2026-06-01T00:00:00+08:00",
    "closes_at": "2026-06-20T00:00:00+08:00",
    "qualify": {"top_per_district": 10, "min_score": 60},
}


def test_rounds_are_validated_with_their_lines(tmp_path: Path) -> None:
    folder = tmp_path / "campaigns"
    folder.mkdir()
    bad = [
        {**PRELIMINARY, "qualify": {}},  # no rule
        {**PRELIMINARY, "id": "late", "closes_at": "2026-08-01T00:00:00+08:00"},  # outside
        {**PRELIMINARY, "id": "back", "closes_at": "2026-05-01T00:00:00+08:00"},  # reversed
    ]
    for round_, where in zip(bad, ("qualify", "late", "back"), strict=True):
        path = folder / "c.yaml"
        path.write_text(yaml.safe_dump(_with_rounds([round_]), sort_keys=False), "utf-8")
        with pytest.raises(ContentInvalid) as caught:
            load_campaigns(folder)
        (error,) = caught.value.errors
        assert str(error).startswith(f"{path}:{error.line}:")
        assert where in path.read_text("utf-8").splitlines()[error.line - 1], str(error)


def test_round_messages_say_what_to_do(tmp_path: Path) -> None:
    folder = tmp_path / "campaigns"
    folder.mkdir()
    late = {**PRELIMINARY, "closes_at": "2026-08-01T00:00:00+08:00"}
    (folder / "c.yaml").write_text(yaml.safe_dump(_with_rounds([late])), "utf-8")
    with pytest.raises(ContentInvalid) as caught:
        load_campaigns(folder)
    assert "runs outside the campaign's window" in str(caught.value)
    assert "move opens_at/closes_at inside" in str(caught.value)
    (folder / "c.yaml").write_text(
        yaml.safe_dump(_with_rounds([{**PRELIMINARY, "qualify": {}}])), "utf-8"
    )
    with pytest.raises(ContentInvalid) as caught:
        load_campaigns(folder)
    assert "needs top_per_district, top_per_school or min_score" in str(caught.value)


def test_rounds_and_integrity_keep_older_campaigns_hash(tmp_path: Path) -> None:
    """An older file (no rounds, default integrity) keeps its hash, so importing this
    version does not bump every campaign; setting either changes it."""
    folder = tmp_path / "campaigns"
    folder.mkdir()
    hashes = []
    for data in (
        factories.campaign(),
        _with_rounds([], min_seconds_per_question=2),
        _with_rounds([PRELIMINARY]),
        _with_rounds([], min_seconds_per_question=3),
    ):
        (folder / "c.yaml").write_text(yaml.safe_dump(data), "utf-8")
        (spec,) = load_campaigns(folder)
        hashes.append(spec.content_hash())
    assert hashes[0] == hashes[1] and len(set(hashes)) == 3
    assert spec.tracks[Track.student].min_duration_ms(20) == 60_000


def test_integrity_thresholds_are_validated_with_their_lines(tmp_path: Path) -> None:
    folder = tmp_path / "campaigns"
    folder.mkdir()
    path = folder / "c.yaml"
    for bad, field in (
        ({"same_answers_participants": 1}, "same_answers_participants"),
        ({"address_max_adults": 0}, "address_max_adults"),
        ({"address_minutes": 0}, "address_minutes"),
    ):
        path.write_text(yaml.safe_dump(_with_rounds([], **bad), sort_keys=False), "utf-8")
        with pytest.raises(ContentInvalid) as caught:
            load_campaigns(folder)
        (error,) = caught.value.errors
        assert str(error).startswith(f"{path}:{error.line}:")
        assert field in path.read_text("utf-8").splitlines()[error.line - 1], str(error)
    # Off (null) is allowed; left at their defaults, the new rules keep the hash.
    path.write_text(yaml.safe_dump(_with_rounds([], address_max_adults=None)), "utf-8")
    (spec,) = load_campaigns(folder)
    assert spec.tracks[Track.student].integrity.address_max_adults is None
    path.write_text(
        yaml.safe_dump(_with_rounds([], same_answers_participants=3, address_minutes=10)), "utf-8"
    )
    (default,) = load_campaigns(folder)
    path.write_text(yaml.safe_dump(factories.campaign()), "utf-8")
    (older,) = load_campaigns(folder)
    assert default.content_hash() == older.content_hash() != spec.content_hash()
