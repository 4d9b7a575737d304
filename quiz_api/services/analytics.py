"""Item statistics of the quiz, as pure functions over sums of answer data (Moodle's quiz
statistics; formulas and references in docs/analytics.md).

Everything here works on *sufficient statistics* that add up: per question the number of
attempts that saw it, the number right, the histogram of the rest-of-paper score (all
attempts, and those right), the times each option was chosen; per test the histogram of
scores and the sums of each slot's score and its square. Sums of two groups (two districts,
two days of results) are the sums of the union, so the city's figures are merged from
pre-aggregated cells (``quiz_api.services.question_report``) and never read 40 million
answers on a request.

A "slot" is a draw stratum of the campaign (category x difficulty): papers are random draws,
so Cronbach's alpha is computed over the strata, as Moodle does for random questions."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# Flags are raised from this many attempts of a question up (the issue; Moodle shows its
# figures from any count, but below this a single class decides them).
MIN_FLAG_ATTEMPTS = 20
# Moodle flags a question whose discriminative efficiency is under 15 %.
LOW_EFFICIENCY = 0.15
# The facility a question of each stated difficulty is expected to lie in. An awareness quiz
# is easy by design (facility 85-95 %), so the bands are the office's choice for this quiz,
# not a statistic: outside them the stated difficulty (and its points) is probably wrong.
EXPECTED_FACILITY: dict[str, tuple[float, float]] = {
    "easy": (0.70, 1.00),
    "medium": (0.50, 0.97),
    "hard": (0.30, 0.92),
}
# A language whose facility differs from the other languages' by this much (absolute) hints
# at a translation problem; both sides need MIN_FLAG_ATTEMPTS.
LANGUAGE_GAP = 0.15


@dataclass
class ItemSums:
    """One question's sums within a group of attempts. ``rest`` counts attempts by their
    rest-of-paper score (the score less this question's points), ``rest_right`` the same
    for the attempts that got it right; ``options`` counts choices by the option's index in
    the bank (not the shuffled letter)."""

    n: int = 0
    right: int = 0
    rest: Counter[int] = field(default_factory=Counter)
    rest_right: Counter[int] = field(default_factory=Counter)
    options: Counter[int] = field(default_factory=Counter)

    def add_answer(self, correct: bool, rest: int, chosen: tuple[int, ...], count: int = 1) -> None:
        """Add ``count`` answers alike (right or not, this rest score, these options)."""
        self.n += count
        self.rest[rest] += count
        if correct:
            self.right += count
            self.rest_right[rest] += count
        for option in chosen:
            self.options[option] += count

    def merge(self, other: ItemSums) -> None:
        self.n += other.n
        self.right += other.right
        self.rest.update(other.rest)
        self.rest_right.update(other.rest_right)
        self.options.update(other.options)

    def remove(self, other: ItemSums) -> None:
        """Take out answers that were merged in (a result held after it was counted)."""
        self.n -= other.n
        self.right -= other.right
        for mine, theirs in (
            (self.rest, other.rest),
            (self.rest_right, other.rest_right),
            (self.options, other.options),
        ):
            _take(mine, theirs)


def _take(counter: Counter[Any], other: Counter[Any]) -> None:
    """``counter - other`` in place, dropping what reaches zero (a count never goes below
    zero for parts that were added: a negative one would be kept, to be seen)."""
    counter.subtract(other)
    for key in [k for k, v in counter.items() if v == 0]:
        del counter[key]


@dataclass
class PaperSums:
    """A paper's (one track's) sums within a group of attempts: the score histogram and, per
    slot (draw stratum), the sum of the slot's points and of their squares: what alpha
    needs."""

    n: int = 0
    scores: Counter[int] = field(default_factory=Counter)
    slot_sum: Counter[str] = field(default_factory=Counter)
    slot_sq: Counter[str] = field(default_factory=Counter)

    def add_attempt(self, score: int, slots: dict[str, int]) -> None:
        self.n += 1
        self.scores[score] += 1
        for slot, points in slots.items():
            self.slot_sum[slot] += points
            self.slot_sq[slot] += points * points

    def merge(self, other: PaperSums) -> None:
        self.n += other.n
        self.scores.update(other.scores)
        self.slot_sum.update(other.slot_sum)
        self.slot_sq.update(other.slot_sq)

    def remove(self, other: PaperSums) -> None:
        """Take out attempts that were merged in. A slot keeps its key at zero points (as
        a slot that every attempt scored 0 in has one): alpha counts the slots."""
        self.n -= other.n
        _take(self.scores, other.scores)
        self.slot_sum.subtract(other.slot_sum)
        self.slot_sq.subtract(other.slot_sq)
        if self.n == 0:
            self.slot_sum.clear()
            self.slot_sq.clear()


def _sample_variance(n: int, total: float, squares: float) -> float | None:
    """Sample variance (n - 1) from the count, the sum and the sum of squares."""
    if n < 2:
        return None
    return max(0.0, (squares - total * total / n) / (n - 1))


@dataclass(frozen=True)
class ItemFigures:
    n: int
    facility: float | None  # share right, 0..1
    discrimination: float | None  # Pearson r(item 0/1, rest score), -1..1
    efficiency: float | None  # Cov(item, rest) / max Cov given the marginals, 0..1 (can be < 0)
    option_shares: dict[int, float]  # bank option index -> share of the attempts choosing it


def item_figures(sums: ItemSums) -> ItemFigures:
    n, k = sums.n, sums.right
    if n == 0:
        return ItemFigures(0, None, None, None, {})
    rest_total = sum(r * c for r, c in sums.rest.items())
    rest_squares = sum(r * r * c for r, c in sums.rest.items())
    right_rest = sum(r * c for r, c in sums.rest_right.items())
    shares = {option: count / n for option, count in sorted(sums.options.items())}
    var_item = _sample_variance(n, k, k)  # x is 0/1: sum of squares = sum
    var_rest = _sample_variance(n, rest_total, rest_squares)
    if var_item is None or var_rest is None:
        return ItemFigures(n, k / n, None, None, shares)
    cov = (right_rest - k * rest_total / n) / (n - 1)
    discrimination = cov / math.sqrt(var_item * var_rest) if var_item and var_rest else None
    # The largest covariance the marginals allow pairs the k right answers with the k best
    # rest scores (sort both, pair them).
    best, left = 0, k
    for value in sorted(sums.rest, reverse=True):
        take = min(left, sums.rest[value])
        best += value * take
        left -= take
        if not left:
            break
    max_cov = (best - k * rest_total / n) / (n - 1)
    efficiency = cov / max_cov if max_cov > 0 else None
    return ItemFigures(n, k / n, discrimination, efficiency, shares)


@dataclass(frozen=True)
class PaperFigures:
    participants: int
    mean: float | None
    sd: float | None  # sample standard deviation of the scores, in points
    alpha: float | None  # Cronbach's alpha over the slots
    alpha_se: float | None  # standard error of measurement: sqrt(1 - alpha) x SD (Moodle)
    distribution: dict[int, int]  # score -> attempts


def paper_figures(sums: PaperSums) -> PaperFigures:
    n = sums.n
    distribution = dict(sorted(sums.scores.items()))
    if n == 0:
        return PaperFigures(0, None, None, None, None, distribution)
    total = sum(s * c for s, c in sums.scores.items())
    squares = sum(s * s * c for s, c in sums.scores.items())
    mean = total / n
    var_total = _sample_variance(n, total, squares)
    sd = math.sqrt(var_total) if var_total is not None else None
    alpha = se = None
    slots = sorted(sums.slot_sum)
    p = len(slots)
    if var_total and p >= 2:
        slot_vars = [_sample_variance(n, sums.slot_sum[s], sums.slot_sq[s]) or 0.0 for s in slots]
        alpha = p / (p - 1) * (1 - sum(slot_vars) / var_total)
        if alpha <= 1 and sd is not None:
            se = math.sqrt(max(0.0, 1 - alpha)) * sd
    return PaperFigures(n, mean, sd, alpha, se, distribution)


class Flag(StrEnum):
    too_easy = "too_easy"
    too_hard = "too_hard"
    negative_discrimination = "negative_discrimination"
    low_discrimination = "low_discrimination"
    distractor_above_key = "distractor_above_key"
    language_gap = "language_gap"


# Plain-language reasons, in the four languages of the staff dashboard.
FLAG_TEXT: dict[Flag, dict[str, str]] = {
    Flag.too_easy: {
        "zh": "对标注的难度来说太容易：检查难度和分值",
        "en": "too easy for its stated difficulty: check the difficulty and its points",
        "ko": "표시된 난이도에 비해 너무 쉬움: 난이도와 배점을 확인하세요",
        "ja": "表示の難易度に対して易しすぎる：難易度と配点を確認",
    },
    Flag.too_hard: {
        "zh": "对标注的难度来说太难：检查答案、措辞和难度",
        "en": "too hard for its stated difficulty: check the key, the wording and the difficulty",
        "ko": "표시된 난이도에 비해 너무 어려움: 정답, 문구, 난이도를 확인하세요",
        "ja": "表示の難易度に対して難しすぎる：正答・文言・難易度を確認",
    },
    Flag.negative_discrimination: {
        "zh": "区分度为负：总分高的人反而答错，答案可能有误",
        "en": "negative discrimination: people who score well get it wrong; the key may be wrong",
        "ko": "변별도 음수: 점수가 높은 사람이 틀림, 정답이 잘못되었을 수 있음",
        "ja": "識別力が負：高得点者ほど誤答、正答が誤っている可能性",
    },
    Flag.low_discrimination: {
        "zh": "区分效率低于 15 %：题目几乎区分不出掌握程度",
        "en": "discriminative efficiency under 15 %: the question barely separates who knows",
        "ko": "변별 효율 15 % 미만: 아는 사람과 모르는 사람을 거의 구분하지 못함",
        "ja": "識別効率 15 % 未満：理解度をほとんど区別できない",
    },
    Flag.distractor_above_key: {
        "zh": "有干扰项比正确答案被选得更多：检查答案或是否有两个可辩护的答案",
        "en": "a wrong option is chosen more than the key: check the key, or two defensible answers",
        "ko": "오답 선택지가 정답보다 많이 선택됨: 정답 또는 복수 정답 가능성을 확인하세요",
        "ja": "誤答の選択肢が正答より多く選ばれた：正答や二通りの正解を確認",
    },
    Flag.language_gap: {
        "zh": "某一语言的正确率与其他语言相差很大：检查该语言的翻译",
        "en": "one language's facility differs sharply from the others: check its translation",
        "ko": "한 언어의 정답률이 다른 언어와 크게 다름: 그 번역을 확인하세요",
        "ja": "ある言語の正答率が他言語と大きく異なる：その翻訳を確認",
    },
}


@dataclass(frozen=True)
class FlagOut:
    flag: Flag
    detail: str  # the figures behind it (language-neutral)


def flags(
    figures: ItemFigures,
    difficulty: str,
    key: list[int],
    by_lang: dict[str, tuple[int, int]],
) -> list[FlagOut]:
    """The question's flags, from MIN_FLAG_ATTEMPTS attempts up. ``key`` is the bank's
    right options; ``by_lang`` maps a language to (attempts, right)."""
    out: list[FlagOut] = []
    if figures.n < MIN_FLAG_ATTEMPTS or figures.facility is None:
        return out
    facility = figures.facility
    low, high = EXPECTED_FACILITY.get(difficulty, (0.0, 1.0))
    if facility > high:
        out.append(FlagOut(Flag.too_easy, f"facility {facility:.2f} > {high:.2f} ({difficulty})"))
    if facility < low:
        out.append(FlagOut(Flag.too_hard, f"facility {facility:.2f} < {low:.2f} ({difficulty})"))
    if figures.discrimination is not None and figures.discrimination < 0:
        out.append(
            FlagOut(Flag.negative_discrimination, f"discrimination {figures.discrimination:.2f}")
        )
    if figures.efficiency is not None and figures.efficiency < LOW_EFFICIENCY:
        out.append(FlagOut(Flag.low_discrimination, f"efficiency {figures.efficiency:.2f}"))
    key_shares = [figures.option_shares.get(option, 0.0) for option in key]
    if key_shares:
        weakest_key = min(key_shares)
        for option, share in figures.option_shares.items():
            if option not in key and share > weakest_key:
                out.append(
                    FlagOut(
                        Flag.distractor_above_key,
                        f"option {option + 1} chosen by {share:.2f}, the key by {weakest_key:.2f}",
                    )
                )
                break
    # Each language against the others pooled; one deviant language shifts the others'
    # gaps too, so only the language furthest from the rest is named.
    total_n = sum(n for n, _ in by_lang.values())
    total_right = sum(r for _, r in by_lang.values())
    gaps: list[tuple[float, str, float, float]] = []
    for lang, (n, right) in sorted(by_lang.items()):
        others_n, others_right = total_n - n, total_right - right
        if n < MIN_FLAG_ATTEMPTS or others_n < MIN_FLAG_ATTEMPTS:
            continue
        mine, others = right / n, others_right / others_n
        gaps.append((abs(mine - others), lang, mine, others))
    if gaps:
        gap, lang, mine, others = max(gaps)
        if gap >= LANGUAGE_GAP:
            out.append(
                FlagOut(
                    Flag.language_gap,
                    f"{lang}: facility {mine:.2f}, other languages {others:.2f}",
                )
            )
    return out
