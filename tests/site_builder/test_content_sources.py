"""A page or post citing "a certain city's" document fails the content check at the line of
the citation, in any of the four languages, wherever a page cites: its sources section, a
"Source:" line, a parenthesis. Prose that names its place a line later is not a citation."""

from __future__ import annotations

from pathlib import Path

from site_builder.content import Problem, load_all
from site_builder.corpus import write_sample

PAGE = """---
title: {title}
description: {description}
---

## 第一节

{prose}

## {heading}

- 《中华人民共和国禁毒法》第十八条
- {listed}
"""

POST = """---
title: 标题
date: 2026-06-26
summary: 摘要
---

正文。{inline}

{label}{cited}
"""


def problems_of(content: Path) -> list[Problem]:
    _langs, problems = load_all(content)
    return problems


def write(content: Path, rel: str, text: str) -> Path:
    path = content / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def test_the_sample_content_cites_only_what_can_be_looked_up(tmp_path: Path) -> None:
    assert problems_of(write_sample(tmp_path / "content", campaigns=False)) == []


def test_a_sources_section_naming_an_unnamed_place_fails_at_its_line(tmp_path: Path) -> None:
    content = write_sample(tmp_path / "content", campaigns=False)
    cases = {
        "zh": ("资料来源", "江苏某市禁毒工作实施纲要（“六全”）", "某市"),
        "en": ("Sources", "A Jiangsu city's drug-control work outline", "A Jiangsu city's"),
        "ko": ("출처", "장쑤성 한 도시의 마약 단속 업무 실시 강령", "한 도시의"),
        "ja": ("出典", "江蘇省のある市の禁毒業務実施要綱", "省のある市"),
    }
    paths = {
        lang: write(
            content,
            f"{lang}/knowledge/cited.md",
            PAGE.format(title="T", description="D", prose="P", heading=heading, listed=listed),
        )
        for lang, (heading, listed, _found) in cases.items()
    }
    problems = problems_of(content)
    assert sorted(str(p.path) for p in problems) == sorted(str(p) for p in paths.values())
    for problem in problems:
        lang = problem.path.parts[-3]
        found = cases[lang][2]
        lines = problem.path.read_text("utf-8").splitlines()
        assert lines[problem.line - 1] == f"- {cases[lang][1]}"  # the line of the citation
        assert f"the source '{found}' names no place" in str(problem)
        assert " — cite a national document" in str(problem)


def test_a_post_source_line_or_parenthesis_fails_at_its_line(tmp_path: Path) -> None:
    content = write_sample(tmp_path / "content", campaigns=False)
    line = write(
        content,
        "en/posts/2026-06-26-line.md",
        POST.format(inline="", label="Source: ", cited="a Jiangsu city's outline."),
    )
    paren = write(
        content,
        "zh/posts/2026-06-26-paren.md",
        POST.format(inline="打击网络涉毒犯罪是工作重点（江苏某市纲要）。", label="", cited=""),
    )
    found = {(p.path, p.line) for p in problems_of(content)}
    assert found == {(line, 9), (paren, 7)}


def test_prose_naming_its_place_and_code_are_not_citations(tmp_path: Path) -> None:
    content = write_sample(tmp_path / "content", campaigns=False)
    write(
        content,
        "en/knowledge/pilot.md",
        PAGE.format(
            title="One district's pilot",
            description="How one city's schools register",
            prose="## One district's pilot\n\nShanghai's Changning District piloted leaflets.\n\n"
            "```\nSource: a Jiangsu city's outline\n```",
            heading="Sources",
            listed="Shanghai Legal Daily feature on Shanghai districts' experience",
        ),
    )
    assert problems_of(content) == []


def test_front_matter_parenthesis_is_read(tmp_path: Path) -> None:
    content = write_sample(tmp_path / "content", campaigns=False)
    page = write(
        content,
        "zh/knowledge/summary.md",
        PAGE.format(
            title="标题",
            description="覆盖面要达到100%（江苏某市禁毒工作实施纲要）",
            prose="正文",
            heading="资料来源",
            listed="《中华人民共和国禁毒法》第十一条",
        ),
    )
    [problem] = problems_of(content)
    assert (problem.path, problem.line) == (page, 3)
