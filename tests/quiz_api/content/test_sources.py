"""The one rule of a traceable source, as the bank and the site's pages apply it: a document
of "a certain city" is found in each of the four languages; a named or national one is not."""

from __future__ import annotations

import pytest

from quiz_api.content.sources import unnamed_place


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("江苏某市禁毒工作实施纲要", "某市"),
        ("据某县公安局通报", "某县"),
        ("某区教育局的通知", "某区"),
        ("a Jiangsu city's drug-control work outline", "a Jiangsu city's"),
        ("named in one county’s plan", "one county’s"),
        ("a notice of a certain district", "a certain district"),
        ("장쑤성 한 도시의 마약 단속 업무 실시 강령", "한 도시의"),
        ("어느 도시 공안국의 통보", "어느 도시"),
        ("江蘇省のある市の禁毒業務実施要綱", "省のある市"),
        ("某県の通知", "某県"),
    ],
)
def test_an_unnamed_place_is_found_in_every_language(text: str, found: str) -> None:
    assert unnamed_place(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "《中华人民共和国禁毒法》第十八条",
        "海口市禁毒工作成效报道",
        "某些新型毒品",  # "some", not "a certain place"
        "Qionghai, a city in Hainan Province",
        "the city's anti-drug office",
        "상하이 쉬후이구의 경험",
        "한 시간 동안",  # "for an hour"
        "海のある市で暮らす",  # "a city by the sea": the verb, not "a certain"
        "上海市徐匯区の経験",
    ],
)
def test_a_named_place_or_plain_words_pass(text: str) -> None:
    assert unnamed_place(text) is None
