"""Small counts in the public figures: shown as "fewer than 5", and never recoverable from the totals.

The public sees a table of counts (themes by region) with its row totals, column totals and grand total.
Every count below 5 is shown as "fewer than 5" (primary suppression), zero included, since a zero too
says something about the few people in a small area. A lone suppressed figure in a row or column could
be worked out by subtracting the published figures from the total, so more figures are withheld until
it can't (secondary, or complementary, suppression):

1. In every line (a row or column, counting its total as one of its figures) that has a suppressed figure,
   at least two are suppressed: the smallest published figure of the line is withheld with it.
2. Then an attacker's check: everyone knows a "fewer than 5" figure is 0 to 4 and a withheld one is 5 or
   more; narrowing each suppressed figure's range from every line's sum in turn (interval propagation)
   must never pin one to a single value. When one is pinned, the smallest published figure on a line
   through it (or, when those are all suppressed, through the next pinned figure) is withheld too, and
   both steps run again. Each round withholds one more figure, so it ends.

We chose suppression over rounding the totals because the totals stay true (a region's total is the
number of reports made there), and a rounded total would still narrow a small figure to a band of two
or three values. The figures withheld in step 2 are few; the tests solve for every suppressed figure
on random tables (and exactly, by search, on small ones) to show none can be recovered.
"""

import math
from dataclasses import dataclass

THRESHOLD = 5

PUBLISHED, FEWER_THAN_THRESHOLD, WITHHELD = "published", "fewer_than_5", "withheld"


@dataclass(frozen=True)
class Figure:
    """One figure as the public sees it: its value only when published."""

    state: str
    value: int | None

    @property
    def text(self):
        if self.state == PUBLISHED:
            return f"{self.value:,}"
        return "fewer than 5" if self.state == FEWER_THAN_THRESHOLD else "withheld"

    @property
    def is_published(self):
        return self.state == PUBLISHED


@dataclass
class PublishedTable:
    rows: list
    columns: list
    cells: dict  # (row, column) -> Figure
    row_totals: dict  # row -> Figure
    column_totals: dict  # column -> Figure
    grand_total: Figure


def suppress(rows, columns, counts) -> PublishedTable:
    """The table of `counts` ((row, column) -> count; missing means 0) with its totals, suppressed as above."""
    grid = _Grid(rows, columns, counts)
    grid.suppress()
    return grid.table(rows, columns)


def unsuppressed(rows, columns, counts) -> PublishedTable:
    """The same table with every figure published: what staff see."""
    grid = _Grid(rows, columns, counts)
    grid.state = [[PUBLISHED for _value in line] for line in grid.values]
    return grid.table(rows, columns)


class _Grid:
    """The counts with their totals as one (rows + 1) x (columns + 1) grid: the last column holds the row
    totals, the last row the column totals, the corner the grand total. Each line of the grid (every row,
    every column) says: its first figures add up to its last."""

    def __init__(self, rows, columns, counts):
        self.height, self.width = len(rows), len(columns)
        values = [[counts.get((row, column), 0) for column in columns] for row in rows]
        for line in values:
            line.append(sum(line))
        values.append([sum(line[c] for line in values) for c in range(self.width + 1)])
        self.values = values
        self.state = [[FEWER_THAN_THRESHOLD if v < THRESHOLD else PUBLISHED for v in line] for line in values]

    def figure(self, r, c):
        state = self.state[r][c]
        return Figure(state, self.values[r][c] if state == PUBLISHED else None)

    def table(self, rows, columns):
        figure, height, width = self.figure, self.height, self.width
        return PublishedTable(
            rows=list(rows),
            columns=list(columns),
            cells={(row, column): figure(r, c) for r, row in enumerate(rows) for c, column in enumerate(columns)},
            row_totals={row: figure(r, width) for r, row in enumerate(rows)},
            column_totals={column: figure(height, c) for c, column in enumerate(columns)},
            grand_total=figure(height, width),
        )

    def lines(self):
        """Each line as its positions, the total's position last."""
        for r in range(self.height + 1):
            yield [(r, c) for c in range(self.width + 1)]
        for c in range(self.width + 1):
            yield [(r, c) for r in range(self.height + 1)]

    def suppress(self):
        while True:
            self._at_least_two_per_line()
            pinned = pinned_positions(self.values, self.state)
            if not pinned:
                return
            if not any(self._withhold_next_to(position) for position in pinned):
                raise AssertionError("every figure on the lines through a pinned figure is already withheld")

    def _at_least_two_per_line(self):
        changed = True
        while changed:
            changed = False
            for line in self.lines():
                hidden = [position for position in line if self.state[position[0]][position[1]] != PUBLISHED]
                if len(hidden) == 1 and self._withhold_smallest(line):
                    changed = True

    def _withhold_next_to(self, position):
        for line in sorted(
            (line for line in self.lines() if position in line),
            key=lambda line: self._smallest_published(line) or (math.inf,),
        ):
            if self._withhold_smallest(line):
                return True
        return False

    def _smallest_published(self, line):
        """(value, is a total, position) of the line's smallest published figure: counts before totals."""
        candidates = [
            (self.values[r][c], r == self.height or c == self.width, (r, c))
            for r, c in line
            if self.state[r][c] == PUBLISHED
        ]
        return min(candidates, default=None)

    def _withhold_smallest(self, line):
        smallest = self._smallest_published(line)
        if smallest is None:
            return False
        r, c = smallest[2]
        self.state[r][c] = WITHHELD
        return True


def known_ranges(values, state):
    """What an attacker knows of each figure before using the sums: a published figure exactly, a "fewer than
    5" one as 0 to 4, a withheld one as 5 or more. (position -> [low, high])"""
    ranges = {}
    for r, line in enumerate(values):
        for c, value in enumerate(line):
            if state[r][c] == PUBLISHED:
                ranges[(r, c)] = [value, value]
            elif state[r][c] == FEWER_THAN_THRESHOLD:
                ranges[(r, c)] = [0, THRESHOLD - 1]
            else:
                ranges[(r, c)] = [THRESHOLD, math.inf]
    return ranges


def narrowed_ranges(values, state):
    """Each figure's range after narrowing by every line's sum until nothing changes (interval propagation)."""
    height, width = len(values) - 1, len(values[0]) - 1
    ranges = known_ranges(values, state)
    lines = [[(r, c) for c in range(width + 1)] for r in range(height + 1)]
    lines += [[(r, c) for r in range(height + 1)] for c in range(width + 1)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            *parts, total = line
            low_sum = sum(ranges[p][0] for p in parts)
            high_sum = sum(ranges[p][1] for p in parts)
            # The total lies within the parts' sums; each part within the total less the others.
            changed |= _narrow(ranges[total], low_sum, high_sum)
            for part in parts:
                others_low = low_sum - ranges[part][0]
                others_high = high_sum - ranges[part][1]
                changed |= _narrow(ranges[part], ranges[total][0] - others_high, ranges[total][1] - others_low)
                low_sum, high_sum = others_low + ranges[part][0], others_high + ranges[part][1]
    return ranges


def _narrow(bounds, low, high):
    changed = False
    if low > bounds[0]:
        bounds[0], changed = low, True
    if high < bounds[1]:
        bounds[1], changed = high, True
    return changed


def pinned_positions(values, state):
    """The suppressed figures the attacker narrows to one value."""
    ranges = narrowed_ranges(values, state)
    return sorted(
        position
        for position, (low, high) in ranges.items()
        if state[position[0]][position[1]] != PUBLISHED and low == high
    )
