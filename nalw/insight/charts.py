"""The pictures of the figures: month labels for the trend per theme (drawn by `nalw.core.charts.line_chart`)
and the tile map of the 12 regions."""

import calendar
from dataclasses import dataclass

from nalw.core.regions import Region
from nalw.insight.suppression import Figure

SHADES = 5  # darker is more: shade 0 for none or a figure not published, 1 to 4 from the fewest to the most


def month_label(year_month):
    year, month = year_month
    return f"{calendar.month_abbr[month]} {year}"


# Where each region sits on the tile map: (row, column) of a 5 by 4 grid, roughly as on a map of the UK.
TILE_POSITIONS = {
    Region.SCOTLAND: (1, 2),
    Region.NORTHERN_IRELAND: (2, 1),
    Region.NORTH_EAST: (2, 3),
    Region.NORTH_WEST: (3, 2),
    Region.YORKSHIRE_AND_THE_HUMBER: (3, 3),
    Region.WALES: (4, 1),
    Region.WEST_MIDLANDS: (4, 2),
    Region.EAST_MIDLANDS: (4, 3),
    Region.EAST_OF_ENGLAND: (4, 4),
    Region.SOUTH_WEST: (5, 1),
    Region.SOUTH_EAST: (5, 2),
    Region.LONDON: (5, 3),
}


@dataclass(frozen=True)
class Tile:
    region: Region
    row: int
    column: int
    text: str  # the count, as it may be shown
    shade: int


def region_tiles(totals) -> list[Tile]:
    """A tile per region with its count (a number, or a public `Figure`), shaded from lightest for the fewest
    reports to darkest for the most (shade 0: none, or a figure not published)."""
    values = {region: _shown_value(total) for region, total in totals.items()}
    shown = [value for value in values.values() if value]
    fewest, most = min(shown, default=0), max(shown, default=0)
    tiles = []
    for region, (row, column) in TILE_POSITIONS.items():
        value = values.get(region)
        shade = 0 if not value else 1 + (SHADES - 2) * (value - fewest) // max(1, most - fewest)
        text = totals[region].text if isinstance(totals.get(region), Figure) else f"{value or 0:,}"
        tiles.append(Tile(region, row, column, text, shade))
    return tiles


def _shown_value(total):
    if isinstance(total, Figure):
        return total.value if total.is_published else None
    return total
