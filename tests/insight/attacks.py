"""Two attackers of the public figures, for the tests: what a reader could work out of the suppressed figures.

One narrows every suppressed figure by each row's and column's sum in turn, and solves any row or column
with a single unknown. The other searches exactly, on small tables, for two different values a suppressed
figure could take with everything published staying true: a figure with only one possible value has been
recovered.
"""

from nalw.insight.suppression import PUBLISHED, THRESHOLD, WITHHELD


def published_grid(table):
    """The table as the public reads it: rows of figures with the row total last, the totals row last;
    each figure a (low, high) range of what the reader knows of it."""

    def known(figure):
        if figure.state == PUBLISHED:
            return (figure.value, figure.value)
        return (0, THRESHOLD - 1) if figure.state != WITHHELD else (THRESHOLD, None)

    grid = [
        [known(table.cells[(row, column)]) for column in table.columns] + [known(table.row_totals[row])]
        for row in table.rows
    ]
    grid.append([known(table.column_totals[column]) for column in table.columns] + [known(table.grand_total)])
    return grid


def lines_of(height, width):
    rows = [[(r, c) for c in range(width + 1)] for r in range(height + 1)]
    columns = [[(r, c) for r in range(height + 1)] for c in range(width + 1)]
    return rows + columns


def attack_by_narrowing(grid):
    """Narrow each unknown by every line (its parts add up to its last figure) until nothing changes;
    then solve lines left with one unknown. Returns the positions pinned to one value."""
    height, width = len(grid) - 1, len(grid[0]) - 1
    ranges = {
        (r, c): [low, high if high is not None else 10**9]
        for r, line in enumerate(grid)
        for c, (low, high) in enumerate(line)
    }
    for _round in range(200):
        changed = False
        for line in lines_of(height, width):
            *parts, total = line
            for target in line:
                # target = total - others (target a part) or sum of parts (target the total)
                if target == total:
                    low, high = sum(ranges[p][0] for p in parts), sum(ranges[p][1] for p in parts)
                else:
                    others = [p for p in parts if p != target]
                    low = ranges[total][0] - sum(ranges[p][1] for p in others)
                    high = ranges[total][1] - sum(ranges[p][0] for p in others)
                if low > ranges[target][0]:
                    ranges[target][0], changed = low, True
                if high < ranges[target][1]:
                    ranges[target][1], changed = high, True
        if not changed:
            break
    return [
        position
        for position, (low, high) in ranges.items()
        if low == high and grid[position[0]][position[1]][0] != grid[position[0]][position[1]][1]
    ]


def possible_values(grid, position, limit):
    """Whether `position` can take two different values, by depth-first search over the unknowns with every
    line's sum kept (exact, for small tables): the set of values found, stopping at two."""
    height, width = len(grid) - 1, len(grid[0]) - 1
    unknowns = [(r, c) for r, line in enumerate(grid) for c, (low, high) in enumerate(line) if low != high]
    unknowns.remove(position)
    unknowns.insert(0, position)
    lines = lines_of(height, width)
    found = set()
    values = {(r, c): low for r, line in enumerate(grid) for c, (low, high) in enumerate(line) if low == high}

    def consistent():
        for *parts, total in lines:
            assigned = sum(values[p] for p in parts if p in values)
            if total in values and (
                assigned > values[total] or (all(p in values for p in parts) and assigned != values[total])
            ):
                return False
        return True

    def search(index):
        if len(found) >= 2:
            return
        if index == len(unknowns):
            found.add(values[position])
            return
        low, high = grid[unknowns[index][0]][unknowns[index][1]]
        for value in range(low, (high if high is not None else limit) + 1):
            if index == 0 and value in found:
                continue
            values[unknowns[index]] = value
            if consistent():
                search(index + 1)
            del values[unknowns[index]]

    search(0)
    return found
