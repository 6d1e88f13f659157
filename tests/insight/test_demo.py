"""`flask demo seed` gives a year of reports in which staff see transport leading in the North West."""

import datetime as dt

import sqlalchemy as sa

from nalw import demo
from nalw.core.regions import Region
from nalw.core.time import Period, london_today
from nalw.extensions import db
from nalw.insight import figures
from nalw.insight.models import Report, Theme


def seed():
    demo.seed_demo_memberships(demo.seed_demo_people())
    demo.seed_demo_insight()
    db.session.flush()


def test_demo_seed_adds_a_year_of_reports_once_with_transport_leading_in_the_north_west(app):
    seed()
    seed()

    assert db.session.scalar(sa.select(sa.func.count(Report.id))) == demo.DEMO_REPORTS
    today = london_today()
    counts = figures.counts_by_theme_and_region(Period(today - dt.timedelta(days=364), today))
    leading = figures.leading_theme_by_region(counts)
    assert sum(counts.values()) == demo.DEMO_REPORTS  # all in the last 12 months (most of them this year)
    assert leading[Region.NORTH_WEST][0] == (Theme.TRANSPORT,)
    assert leading[Region.WALES][0] == (Theme.TRANSPORT,)
