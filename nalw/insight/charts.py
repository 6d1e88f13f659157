"""The pictures of the figures: the trend per theme by month (an SVG from pygal, drawn on the server, shown
as an image beside a table of the same figures) and the tile map of the 12 regions."""

import base64
import calendar
import functools
import sys
from dataclasses import dataclass

import pygal
from pygal.style import Style

from nalw.core.regions import Region
from nalw.insight.suppression import Figure

# pygal adds an import hook for its map plugins, which we do not use. The hook has no find_spec, so every
# import that fails anywhere after it (an optional dependency tried and missing) warns with ImportWarning,
# an error under our warning filters. Take it out again.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__module__ != "pygal"]

SHADES = 5  # darker is more: shade 0 for none or a figure not published, 1 to 4 from the fewest to the most

# Mostly the Okabe-Ito palette, told apart with the common colour blindnesses; the table beside the chart
# gives every figure in words.
_CHART_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#595959",
    font_family="system-ui, sans-serif",
    colors=("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8B6A00", "#6A3D9A"),
)


def month_label(year_month):
    year, month = year_month
    return f"{calendar.month_abbr[month]} {year}"


@functools.lru_cache(maxsize=64)
def trend_image(months, series) -> str:
    """A line per theme across `months` ((year, month) pairs), as a data: URL for an <img>. `series` is
    ((label, (count per month, ...)), ...). Drawn without scripts or outside files, so it shows under our CSP.
    The picture depends only on the figures, so the same figures reuse the last drawing (pygal takes
    tens of milliseconds to draw one)."""
    chart = pygal.Line(
        style=_CHART_STYLE,
        js=[],
        disable_xml_declaration=True,
        width=900,
        height=420,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        show_minor_x_labels=len(months) <= 12,
        x_labels_major_every=max(1, len(months) // 12),
        truncate_legend=-1,
        min_scale=1,
        show_dots=False,  # the table beside it gives each value; dots would triple the drawing time
        stroke_style={"width": 2},
    )
    chart.x_labels = [month_label(month) for month in months]
    for label, counts in series:
        chart.add(label, counts)
    svg = chart.render(is_unicode=True)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


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
