"""The survey files: what the publicity office is told when one is wrong (file, line, what is
wrong and how to fix it)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from quiz_api.content.survey import SurveyInvalid, SurveySpec, load_surveys
from tests.plugins.factories import SHIPPED_CONTENT

SHIPPED = SHIPPED_CONTENT / "survey" / "satisfaction-2026.yaml"


def problems(folder: Path) -> list[str]:
    with pytest.raises(SurveyInvalid) as caught:
        load_surveys(folder)
    return caught.value.errors


def line_of_text(path: Path, text: str, start: int = 0) -> int:
    """The 1-based number of the first line holding ``text`` after line ``start``."""
    lines = path.read_text("utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if n > start and text in line)


def edited(tmp_path: Path, *changes: tuple[str, str], name: str = "satisfaction-2026") -> Path:
    """The shipped survey with some lines changed (as the office would edit it)."""
    text = SHIPPED.read_text("utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, "utf-8")
    return path


def test_the_shipped_survey_is_valid() -> None:
    (spec,) = load_surveys(SHIPPED.parent)
    assert spec.id == SHIPPED.stem


def test_scale_translation_duplicate_and_unknown_scale_each_name_their_line(
    tmp_path: Path,
) -> None:
    path = edited(
        tmp_path,
        ("    - {zh: 非常同意, en: Strongly agree, ko: 매우 그렇다, ja: とてもそう思う}\n", ""),
        ("      ko: 전반적으로 이번 마약 예방 지식 퀴즈에 얼마나 만족하십니까?\n", ""),
        ("  - id: questions-clear\n", "  - id: challenge-overall\n"),
        ("    scale: agreement\n", "    scale: agreeement\n"),
    )
    found = problems(tmp_path)
    second = line_of_text(path, "- id: challenge-overall", line_of_text(path, "- id: challenge"))
    assert found == [
        f"{path}:{line_of_text(path, '  agreement:') + 1}: field `scales.agreement`: scale "
        "'agreement' has 4 labels — a scale needs exactly 5, lowest first",
        f"{path}:{line_of_text(path, '总体来说')}: field `questions.0.text.ko`: the ko text is "
        "missing — add `ko:` with the translation",
        f"{path}:{second}: field `questions.1.id`: the question id 'challenge-overall' is used "
        f"twice (first at line {line_of_text(path, '- id: challenge-overall')}) — give each "
        "question its own id, and never reuse an old one",
        f"{path}:{line_of_text(path, 'scale: agreeement')}: field `questions.1.scale`: question "
        "'challenge-overall' uses the unknown scale 'agreeement' — use agreement or satisfaction",
    ]


def test_file_name_unknown_field_type_and_second_text_question(tmp_path: Path) -> None:
    path = edited(
        tmp_path,
        ("id: satisfaction-2026\n", "id: satisfaction-2027\n"),
        (
            "  - id: questions-clear\n    type: scale\n",
            "  - id: questions-clear\n    type: stars\n",
        ),
        ("    scale: agreement\n", "    scale: agreement\n    colour: red\n"),
    )
    data = yaml.safe_load(path.read_text("utf-8"))
    text_question = next(q for q in data["questions"] if q["type"] == "text")
    path.write_text(
        path.read_text("utf-8") + "  - id: second-comment\n" + "    type: text\n    text:\n"
        f"      zh: {text_question['text']['zh']}\n      en: Anything else?\n"
        "      ko: 더 하실 말씀이 있습니까?\n      ja: ほかに何かありますか。\n",
        "utf-8",
    )
    found = problems(tmp_path)
    assert (
        f"{path}:{line_of_text(path, 'id: satisfaction-2027')}: field `id`: the id "
        "'satisfaction-2027' is not the file name 'satisfaction-2026.yaml' — rename the file "
        "to satisfaction-2027.yaml or set `id: satisfaction-2026`"
    ) in found
    assert (
        f"{path}:{line_of_text(path, 'type: stars')}: field `questions.1.type`: unknown type "
        "'stars' — use `scale` or `text`"
    ) in found
    assert (
        f"{path}:{line_of_text(path, 'colour: red')}: field `questions.1.colour`: unknown field "
        "`colour` — check its spelling against docs/schools-and-survey.md"
    ) in found
    assert any(
        message.startswith(f"{path}:{line_of_text(path, '- id: second-comment')}: ")
        and "'second-comment' is a second free-text question — keep at most one" in message
        for message in found
    )
    assert all(" — " in message for message in found)


def test_a_yaml_syntax_error_gives_its_line(tmp_path: Path) -> None:
    path = edited(tmp_path, ("    scale: satisfaction\n", "    scale: [satisfaction\n"))
    [message] = problems(tmp_path)
    assert message.startswith(f"{path}:")
    line = int(message.split(":")[1])
    assert (
        line_of_text(path, "scale: [satisfaction")
        <= line
        <= line_of_text(path, "scale: [satisfaction") + 3
    )
    assert "YAML syntax error" in message and " — check the indentation" in message


def test_the_checks_across_fields_still_guard_a_spec_read_back() -> None:
    """A stored version is validated again without the file: the same rules hold there."""
    data = yaml.safe_load(SHIPPED.read_text("utf-8"))
    data["scales"]["agreement"] = data["scales"]["agreement"][:4]
    with pytest.raises(ValidationError, match="needs 5 labels, has 4"):
        SurveySpec.model_validate(data)
