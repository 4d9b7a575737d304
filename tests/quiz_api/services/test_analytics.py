"""The item statistics against figures computed independently in the test: by hand for a
tiny case, and with Python's ``statistics`` module over the raw 0/1 and score vectors."""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence

import pytest

from quiz_api.services.analytics import (
    MIN_FLAG_ATTEMPTS,
    Flag,
    ItemSums,
    PaperSums,
    flags,
    item_figures,
    paper_figures,
)

# Five attempts of a three-slot paper, 10 points a slot; each row: the slots' points.
TINY = [
    (10, 10, 10),
    (10, 10, 0),
    (10, 0, 0),
    (0, 10, 0),
    (0, 0, 0),
]


def _items(rows: Sequence[tuple[int, ...]], slot: int) -> ItemSums:
    sums = ItemSums()
    for row in rows:
        right = row[slot] > 0
        sums.add_answer(right, sum(row) - row[slot], (1,) if right else (0,))
    return sums


def _paper(rows: Sequence[tuple[int, ...]]) -> PaperSums:
    sums = PaperSums()
    for row in rows:
        sums.add_attempt(sum(row), {f"s{i}": v for i, v in enumerate(row)})
    return sums


def test_tiny_by_hand() -> None:
    # Slot 0: x = 1,1,1,0,0; rest = 20,10,0,10,0. mean x 0.6, mean rest 8;
    # Σ(x-0.6)(r-8) = 0.4*12 + 0.4*2 + 0.4*(-8) + (-0.6)*2 + (-0.6)*(-8) = 6, cov = 6/4 = 1.5;
    # var x = 1.2/4 = 0.3, var rest = (144+4+64+4+64)/4 = 70; r = 1.5/sqrt(21) = 0.3273.
    # Largest covariance: the three rights on rests 20, 10, 10:
    # 0.4*(12+2+2) + (-0.6)*(-8-8) = 16, /4 = 4; efficiency = 1.5/4 = 0.375.
    figures = item_figures(_items(TINY, 0))
    assert figures.n == 5 and figures.facility == pytest.approx(0.6)
    assert figures.discrimination == pytest.approx(1.5 / math.sqrt(0.3 * 70))
    assert figures.efficiency == pytest.approx(0.375)
    assert figures.option_shares == {0: pytest.approx(0.4), 1: pytest.approx(0.6)}
    # Scores 30, 20, 10, 10, 0: mean 14, sample variance (256+36+16+16+196)/4 = 130.
    # Slot variances: 0.3*100 = 30 each for slots 0, 1 (three and two tens: 30 and 30);
    # slot 2: one ten: var = (1 - 1/5)*100/4 = 20. alpha = 3/2 * (1 - 80/130) = 0.5769.
    paper = paper_figures(_paper(TINY))
    assert paper.participants == 5 and paper.mean == pytest.approx(14)
    assert paper.sd == pytest.approx(math.sqrt(130))
    assert paper.alpha == pytest.approx(1.5 * (1 - 80 / 130))
    assert paper.alpha_se == pytest.approx(math.sqrt(1 - 1.5 * (1 - 80 / 130)) * math.sqrt(130))
    assert paper.distribution == {0: 1, 10: 2, 20: 1, 30: 1}


def _simulated(seed: int, n: int, slots: int) -> list[tuple[int, ...]]:
    """Attempts whose answers follow an ability, so the statistics are not degenerate."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        ability = rng.gauss(0, 1)
        rows.append(
            tuple(
                10 if rng.random() < 1 / (1 + math.exp(-(ability + 1 - s * 0.4))) else 0
                for s in range(slots)
            )
        )
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_against_the_statistics_module(seed: int) -> None:
    rows = _simulated(seed, 300, 6)
    for slot in range(6):
        x = [1 if row[slot] else 0 for row in rows]
        rest = [sum(row) - row[slot] for row in rows]
        figures = item_figures(_items(rows, slot))
        assert figures.facility == pytest.approx(statistics.fmean(x))
        assert figures.discrimination == pytest.approx(statistics.correlation(x, rest))
        # The largest covariance the marginals allow: both sorted, paired.
        best = statistics.covariance(sorted(x), sorted(rest))
        assert figures.efficiency == pytest.approx(statistics.covariance(x, rest) / best)
    totals = [sum(row) for row in rows]
    slot_vars = sum(statistics.variance([row[s] for row in rows]) for s in range(6))
    alpha = 6 / 5 * (1 - slot_vars / statistics.variance(totals))
    paper = paper_figures(_paper(rows))
    assert paper.mean == pytest.approx(statistics.fmean(totals))
    assert paper.sd == pytest.approx(statistics.stdev(totals))
    assert paper.alpha == pytest.approx(alpha)
    assert paper.alpha_se == pytest.approx(math.sqrt(1 - alpha) * statistics.stdev(totals))


def test_sums_merge_like_the_union() -> None:
    rows = _simulated(4, 200, 4)
    whole, first, second = _items(rows, 2), _items(rows[:70], 2), _items(rows[70:], 2)
    first.merge(second)
    assert item_figures(first) == item_figures(whole)
    paper, head, tail = _paper(rows), _paper(rows[:70]), _paper(rows[70:])
    head.merge(tail)
    assert paper_figures(head) == paper_figures(paper)


def test_removing_a_group_leaves_the_rest() -> None:
    """A result held after it was counted is taken out of the sums: what is left is the sums
    of the others, exactly (the same figures, the same counters)."""
    rows = _simulated(4, 200, 4)
    items, out = _items(rows, 2), _items(rows[150:], 2)
    items.remove(out)
    assert items == _items(rows[:150], 2)
    assert item_figures(items) == item_figures(_items(rows[:150], 2))
    paper = _paper(rows)
    paper.remove(_paper(rows[150:]))
    assert paper_figures(paper) == paper_figures(_paper(rows[:150]))
    paper.remove(_paper(rows[:150]))
    assert paper == PaperSums()


def test_degenerate_groups_have_no_indices() -> None:
    assert item_figures(ItemSums()).facility is None
    everyone_right = _items([(10, 10), (10, 0)], 0)
    figures = item_figures(everyone_right)
    assert figures.facility == 1 and figures.discrimination is None
    assert figures.efficiency is None
    assert paper_figures(_paper([(10, 10)])).sd is None


def _sums(right: int, wrong: int, distractor: int = 0) -> ItemSums:
    """``right`` attempts right with rest 50, ``wrong`` wrong with rest 20; ``distractor`` of
    the wrong ones chose option 2, the others option 0 (the key is option 1)."""
    sums = ItemSums()
    for _ in range(right):
        sums.add_answer(True, 50, (1,))
    for i in range(wrong):
        sums.add_answer(False, 20, (2,) if i < distractor else (0,))
    return sums


def test_flags_only_from_twenty_attempts() -> None:
    below = item_figures(_sums(1, MIN_FLAG_ATTEMPTS - 2))
    assert flags(below, "easy", [1], {}) == []
    at = item_figures(_sums(1, MIN_FLAG_ATTEMPTS - 1))
    assert Flag.too_hard in {f.flag for f in flags(at, "easy", [1], {})}


def test_flags_name_what_is_wrong() -> None:
    # A good question: no flag.
    good = item_figures(_sums(30, 10))
    assert flags(good, "medium", [1], {"zh": (20, 15), "en": (20, 15)}) == []
    # Too easy for a hard question.
    assert [f.flag for f in flags(item_figures(_sums(40, 1)), "hard", [1], {})] == [Flag.too_easy]
    # A distractor above the key.
    found = {f.flag for f in flags(item_figures(_sums(10, 30, 20)), "hard", [1], {})}
    assert Flag.distractor_above_key in found
    # Negative discrimination: the strong get it wrong.
    reversed_ = ItemSums()
    for _ in range(20):
        reversed_.add_answer(True, 10, (1,))
        reversed_.add_answer(False, 60, (0,))
    found = {f.flag for f in flags(item_figures(reversed_), "medium", [1], {})}
    assert {Flag.negative_discrimination, Flag.low_discrimination} <= found
    # A language far from the others.
    gap = flags(good, "medium", [1], {"zh": (20, 19), "en": (20, 18), "ja": (20, 8)})
    assert [f.flag for f in gap] == [Flag.language_gap] and gap[0].detail.startswith("ja:")
