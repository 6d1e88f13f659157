"""The public figures: no count below 5 is shown, and none can be worked out from the totals.

Two attackers try on random tables. One narrows every suppressed figure by each row's and column's sum
in turn, and solves any row or column with a single unknown (on the full 9 themes by 12 regions). The
other searches exactly, on small tables, for two different values each suppressed figure could take
with everything published staying true: a figure with only one possible value has been recovered.
"""

import itertools
import random

import pytest

from nalw.insight.suppression import THRESHOLD, suppress
from tests.insight.attacks import attack_by_narrowing, possible_values, published_grid

DISTRIBUTION = [0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 9, 12, 20, 35]


def random_counts(rng, rows, columns):
    return {(r, c): rng.choice(DISTRIBUTION) for r in range(rows) for c in range(columns)}


@pytest.mark.parametrize("seed", range(40))
def test_no_suppressed_figure_is_recovered_by_narrowing_on_full_size_tables(seed):
    rng = random.Random(seed)
    counts = random_counts(rng, 9, 12)

    table = suppress(range(9), range(12), counts)

    figures = [*table.cells.values(), *table.row_totals.values(), *table.column_totals.values(), table.grand_total]
    assert all(figure.value >= THRESHOLD for figure in figures if figure.is_published)
    assert all(figure.text in ("fewer than 5", "withheld") for figure in figures if not figure.is_published)
    assert sum(not figure.is_published for figure in figures) > 0  # the random data do have small counts
    assert attack_by_narrowing(published_grid(table)) == []


@pytest.mark.parametrize("seed", range(25))
def test_no_suppressed_figure_is_recovered_by_exact_search_on_small_tables(seed):
    rng = random.Random(1000 + seed)
    rows, columns = rng.choice([(2, 3), (3, 3), (3, 4)])
    counts = {(r, c): rng.choice([0, 1, 2, 3, 4, 5, 6, 7]) for r in range(rows) for c in range(columns)}

    table = suppress(range(rows), range(columns), counts)
    grid = published_grid(table)

    largest_total = sum(counts.values())
    for r, c in itertools.product(range(rows + 1), range(columns + 1)):
        low, high = grid[r][c]
        if low != high:
            assert len(possible_values(grid, (r, c), largest_total)) == 2, f"figure {(r, c)} recovered: {counts}"


def test_a_lone_small_count_takes_another_figure_with_it():
    counts = {(0, 0): 3, (0, 1): 10, (0, 2): 12, (1, 0): 8, (1, 1): 9, (1, 2): 11}

    table = suppress(range(2), range(3), counts)

    assert table.cells[(0, 0)].text == "fewer than 5"
    hidden_in_row = [c for c in range(3) if not table.cells[(0, c)].is_published]
    hidden_in_column = [r for r in range(2) if not table.cells[(r, 0)].is_published]
    assert len(hidden_in_row) >= 2 and len(hidden_in_column) >= 2
    assert table.grand_total.value == 53  # the totals stay true
