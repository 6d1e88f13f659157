"""The figures: active reports counted by theme and region, and by theme and month, over a period.

Each is one GROUP BY query on the partial index of active reports, so a page asks the same number of
queries however many reports there are. A withdrawn or hidden report is in none of them.
"""

import datetime as dt

import sqlalchemy as sa

from nalw.core.db import FirstOfMonth
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


def counts_by_region_and_by_month(period) -> tuple[dict, dict]:
    """The staff page's figures of the period, in one query: (Theme, Region) -> active reports, and
    (Theme, (year, month)) -> active reports; what is left out has none.

    The period is counted by month, theme and region in the order of the index of active reports by month, so
    the database counts each group as it reads the index, with no sort; those groups (a few thousand over five
    years, however many reports) are then summed both ways in the database, so only the two tables come back."""
    month = FirstOfMonth(Report.reported_on)
    monthly = (
        sa.select(month.label("month"), Report.theme, Report.region, sa.func.count().label("reports"))
        .where(*_active_in(period), month >= period.starts_on.replace(day=1), month <= period.ends_on.replace(day=1))
        .group_by(month, Report.theme, Report.region)
        .cte("monthly")
    )
    reports = sa.cast(sa.func.sum(monthly.c.reports), sa.Integer)
    by_region = sa.select(monthly.c.theme, monthly.c.region, sa.cast(sa.null(), sa.Date), reports).group_by(
        monthly.c.theme, monthly.c.region
    )
    by_month = sa.select(monthly.c.theme, sa.null(), monthly.c.month, reports).group_by(
        monthly.c.theme, monthly.c.month
    )
    counts, counts_by_month = {}, {}
    for theme, region, first_day, count in db.session.execute(sa.union_all(by_region, by_month)):
        if region is not None:
            counts[(theme, region)] = count
        else:
            counts_by_month[(theme, (first_day.year, first_day.month))] = count
    return counts, counts_by_month


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
