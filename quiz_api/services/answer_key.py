"""What a participant answered, by the options' identity in the bank: the one definition the
sweep's same-answers signal (by its digest, ``result.answer_key``, stored at submission) and
the review list's explanation share."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from quiz_api.content.bank import LETTERS


def answer_identity(paper: Mapping[str, Any], answers: Mapping[str, Any]) -> tuple[Any, ...]:
    """The options chosen, by their identity in the bank (question version, option index),
    not by the letters of the participant's shuffled paper, nor by the paper's order."""
    chosen = []
    for n, item in enumerate(paper["items"], 1):
        letters = answers.get(f"q{n}", [])
        chosen.append((item["v"], tuple(sorted(item["order"][LETTERS.index(c)] for c in letters))))
    return tuple(sorted(chosen))


def answer_key(paper: Mapping[str, Any], answers: Mapping[str, Any]) -> str:
    """``answer_identity`` as 16 hex digits (a 64-bit BLAKE2b digest of its canonical text):
    equal identities, equal keys; a collision of two different ones is a 1 in 2^64 chance
    per pair. A few microseconds, computed once at submission."""
    canonical = ";".join(
        f"{version}:{','.join(map(str, options))}"
        for version, options in answer_identity(paper, answers)
    )
    return hashlib.blake2b(canonical.encode(), digest_size=8).hexdigest()
