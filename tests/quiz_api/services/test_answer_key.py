"""The answer key: the same options chosen on differently shuffled papers give one key,
another choice another key."""

from __future__ import annotations

import re

from quiz_api.services.answer_key import answer_identity, answer_key

ONE = {"items": [{"v": 7, "order": [0, 1, 2, 3]}, {"v": 9, "order": [0, 1]}]}
# The same questions in the other order, question 7's options shuffled.
OTHER = {"items": [{"v": 9, "order": [0, 1]}, {"v": 7, "order": [2, 0, 3, 1]}]}


def test_the_same_options_on_shuffled_papers_have_the_same_key() -> None:
    # Option 2 of question 7 is "C" on the first paper and "A" on the second.
    key = answer_key(ONE, {"q1": ["C"], "q2": ["A"]})
    assert re.fullmatch(r"[0-9a-f]{16}", key)
    assert key == answer_key(OTHER, {"q1": ["A"], "q2": ["A"]})
    assert answer_identity(ONE, {"q1": ["C"], "q2": ["A"]}) == answer_identity(
        OTHER, {"q1": ["A"], "q2": ["A"]}
    )


def test_other_options_have_another_key() -> None:
    key = answer_key(ONE, {"q1": ["C"], "q2": ["A"]})
    assert key != answer_key(OTHER, {"q1": ["A"], "q2": ["C"]})  # another option of q9
    assert key != answer_key(ONE, {"q1": ["A"], "q2": ["A"]})  # the same letters, not options
    assert key != answer_key(ONE, {"q1": ["C"]})  # one question left blank
    assert answer_key(ONE, {"q1": ["A", "C"]}) == answer_key(ONE, {"q1": ["C", "A"]})
