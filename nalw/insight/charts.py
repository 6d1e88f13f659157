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


# The tile map of a 5 by 4 grid, row by row, roughly as on a map of the UK (None: no tile there).
TILE_MAP = (
    (None, Region.SCOTLAND, None, None),
    (Region.NORTHERN_IRELAND, None, Region.NORTH_EAST, None),
    (None, Region.NORTH_WEST, Region.YORKSHIRE_AND_THE_HUMBER, None),
    (Region.WALES, Region.WEST_MIDLANDS, Region.EAST_MIDLANDS, Region.EAST_OF_ENGLAND),
    (Region.SOUTH_WEST, Region.SOUTH_EAST, Region.LONDON, None),
)
# Where each region sits on it: (row, column), counted from 1.
TILE_POSITIONS = {
    region: (row, column)
    for row, regions in enumerate(TILE_MAP, start=1)
    for column, region in enumerate(regions, start=1)
    if region is not None
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
