"""The open data: the public figures of a year as tidy data, for a spreadsheet or pandas to read as they are.

One row per year, region and theme, each with the same columns; a count is a whole number or, when
suppressed, empty, with the column `suppressed` saying so; no row of totals. The file holds only data: its
first line names the columns, and the columns are defined on the public page next to the link.

No totals, because a total in a row of its own is counted again by anyone who sums or pivots the file; the
public page shows the totals, which count every report, including those not published. The counts are those
of the public table, suppressed the same way (`nalw.insight.suppression`): the file publishes no figure the
page withholds, so nothing in it can be worked out from the page's totals either.
"""

from dataclasses import dataclass

OPEN_GOVERNMENT_LICENCE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
YES, NO = "true", "false"  # what pandas and spreadsheets read as true and false


@dataclass(frozen=True)
class Column:
    name: str
    definition: str


COLUMNS = (
    Column("period_start", "The first day counted, as YYYY-MM-DD: 1 January of the year."),
    Column(
        "period_end",
        "The last day counted, as YYYY-MM-DD: 31 December of the year (this year's figures count the reports "
        "made so far).",
    ),
    Column("region_code", "The region, as a code that does not change: for example north_west or wales."),
    Column("region_name", "The region's name: for example North West."),
    Column("theme_code", "The theme, as a code that does not change: for example transport or digital_access."),
    Column("theme_name", "The theme's name: for example Digital access."),
    Column("reports", "The number of reports, a whole number; empty when the count is suppressed."),
    Column(
        "suppressed",
        f"{YES} when the count is not published: below 5, or withheld so that a count below 5 cannot be worked "
        f"out from the totals on this page; otherwise {NO}.",
    ),
)
HEADER = [column.name for column in COLUMNS]


def filename(year):
    return f"nalw-gaps-and-barriers-{year}.csv"


def rows(period, table) -> list[list]:
    """The rows of the file for the public `table` (themes by region, suppressed) of `period`, region by
    region, each region's themes in the order they are listed."""
    return [
        [
            period.starts_on.isoformat(),
            period.ends_on.isoformat(),
            region.value,
            region.label,
            theme.value,
            theme.label,
            *_count(table.cells[(theme, region)]),
        ]
        for region in table.columns
        for theme in table.rows
    ]


def _count(figure):
    """(reports, suppressed) of a published or suppressed figure."""
    return (figure.value, NO) if figure.is_published else (None, YES)
