"""The figures: active reports counted by theme and region, and by theme and month, over a period.

Each is one GROUP BY query on the partial index of active reports, so a page asks the same number of
queries however many reports there are. A withdrawn or hidden report is in none of them.
"""

import datetime as dt

import sqlalchemy as sa

from nalw.core.listing import where_equal
from nalw.core.regions import Region
from nalw.core.time import Period, london_today
from nalw.extensions import db
from nalw.insight.models import Report, ReportStatus, Theme

LEADING_THEMES_SHOWN = 3


def _active_in(period):
    return (
        Report.status == ReportStatus.ACTIVE,
        Report.reported_on >= period.starts_on,
        Report.reported_on <= period.ends_on,
    )


def counts_by_theme_and_region(period) -> dict:
    """(Theme, Region) -> active reports in the period; pairs with none are left out."""
    rows = db.session.execute(
        sa.select(Report.theme, Report.region, sa.func.count())
        .where(*_active_in(period))
        .group_by(Report.theme, Report.region)
    )
    return {(theme, region): count for theme, region, count in rows}


def counts_by_theme_region_and_month(period) -> dict:
    """(Theme, Region, (year, month)) -> active reports in the period; what is left out has none. The staff
    page sums it both ways (theme by region, theme by month), so the period is read once."""
    year = sa.extract("year", Report.reported_on)
    month = sa.extract("month", Report.reported_on)
    rows = db.session.execute(
        sa.select(Report.theme, Report.region, year, month, sa.func.count())
        .where(*_active_in(period))
        .group_by(Report.theme, Report.region, year, month)
    )
    return {(theme, region, (int(year), int(month))): count for theme, region, year, month, count in rows}


def summed(counts, key) -> dict:
    """`counts` added up by `key(theme, region, month)`: e.g. by (theme, region) or by (theme, month)."""
    totals = {}
    for (theme, region, month), count in counts.items():
        grouped = key(theme, region, month)
        totals[grouped] = totals.get(grouped, 0) + count
    return totals


def leading_themes(region, today=None, limit=LEADING_THEMES_SHOWN, at_least=5) -> list[tuple[Theme, int]]:
    """The themes most reported in `region` over the last 12 months (with at least `at_least` reports, so a
    public page never shows a small count), most first."""
    today = today or london_today()
    period = Period(today - dt.timedelta(days=364), today)  # 365 days, today included
    count = sa.func.count().label("count")
    rows = db.session.execute(
        sa.select(Report.theme, count)
        .where(*_active_in(period), Report.region == region)
        .group_by(Report.theme)
        .having(count >= at_least)
        .order_by(count.desc(), Report.theme)
        .limit(limit)
    )
    return [(theme, number) for theme, number in rows]


def leading_theme_by_region(counts) -> dict:
    """Region -> (themes, count): the theme most reported there, or every theme tied for most, in the order
    themes are listed; from `counts_by_theme_and_region`, regions with none left out."""
    leading = {}
    for (theme, region), count in sorted(counts.items(), key=lambda item: (item[0][1].value, item[0][0].value)):
        themes, most = leading.get(region, ((), 0))
        if count > most:
            leading[region] = ((theme,), count)
        elif count == most and count:
            leading[region] = (tuple(sorted((*themes, theme), key=THEMES.index)), count)
    return leading


def first_year():
    """The year of the earliest active report (this year when there is none)."""
    earliest = db.session.scalar(sa.select(sa.func.min(Report.reported_on)).where(Report.status == ReportStatus.ACTIVE))
    return earliest.year if earliest else london_today().year


def reports_in(period, theme=None, region=None):
    """The active reports behind a cell (theme and region), a row or column (one of them) or the whole table,
    newest first: a statement to page."""
    statement = sa.select(Report).where(*_active_in(period))
    statement = where_equal(statement, (Report.theme, theme), (Report.region, region))
    return statement.order_by(Report.reported_on.desc(), Report.id.desc())


REGIONS = list(Region)
THEMES = list(Theme)
