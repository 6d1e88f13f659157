"""Upgrading adds the index of active reports by month, which the staff figures read in order without touching
the table; downgrading removes it and keeps the reports."""

import datetime as dt

import pytest
import sqlalchemy as sa

from nalw.core.time import Period
from nalw.extensions import db
from nalw.insight import figures
from nalw.insight.models import Region, Theme
from tests.factories import PersonFactory
from tests.scratch_database import flask_db

pytestmark = pytest.mark.postgres_only

BEFORE = "cpd_year_totals"
INDEX = "ix_insight_reports_active_by_month"
REPORTS = 20_000
FIVE_YEARS = Period(dt.date(2021, 12, 2), dt.date(2026, 12, 1))


def add_reports(reporter_id):
    """Reports of every theme and region, a day apart in turn over 2021 to 2026; one in 25 withdrawn."""
    db.session.execute(
        sa.text(
            "INSERT INTO insight_reports (reporter_id, theme, region, local_authority, affected, service_state,"
            " description, reported_on, status, withdrawn_at, hidden_reason, created_at, updated_at)"
            " SELECT :reporter, (CAST(:themes AS text[]))[1 + n % 9], (CAST(:regions AS text[]))[1 + n % 12], '', 'one', 'full', 'No bus.',"
            " DATE '2021-06-01' + n % 2000, CASE WHEN n % 25 = 0 THEN 'withdrawn' ELSE 'active' END,"
            " CASE WHEN n % 25 = 0 THEN now() END, '', now(), now()"
            " FROM generate_series(1, :reports) AS n"
        ),
        {
            "reporter": reporter_id,
            "themes": [theme.value for theme in Theme],
            "regions": [region.value for region in Region],
            "reports": REPORTS,
        },
    )
    db.session.commit()


def counted_here(period):
    """The period's active reports by (theme, region), counted row by row."""
    rows = db.session.execute(
        sa.text(
            "SELECT theme, region FROM insight_reports WHERE status = 'active' AND reported_on BETWEEN :first AND :last"
        ),
        {"first": period.starts_on, "last": period.ends_on},
    )
    counts = {}
    for theme, region in rows:
        counts[(Theme(theme), Region(region))] = counts.get((Theme(theme), Region(region)), 0) + 1
    return counts


def staff_figures_plan(period):
    """EXPLAIN of the query the staff figures ask, as they ask it."""
    asked = []

    def remember(_connection, _cursor, statement, parameters, _context, _many):
        asked.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", remember)
    try:
        figures.counts_by_region_and_by_month(period)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", remember)
    statement, parameters = asked[-1]
    plan = db.session.connection().exec_driver_sql("EXPLAIN " + statement, parameters)
    return "\n".join(line for (line,) in plan)


def index_names():
    return {index["name"] for index in sa.inspect(db.engine).get_indexes("insight_reports")}


def test_upgrading_adds_the_index_the_staff_figures_read_and_downgrading_removes_it(scratch_app):
    flask_db(scratch_app, "upgrade", BEFORE)
    add_reports(PersonFactory().id)

    flask_db(scratch_app, "upgrade")
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE insight_reports"))

    assert INDEX in index_names()
    plan = staff_figures_plan(FIVE_YEARS)
    assert f"Index Only Scan using {INDEX}" in plan, plan
    assert "Sort" not in plan, plan
    counts, by_month = figures.counts_by_region_and_by_month(FIVE_YEARS)
    assert counts == counted_here(FIVE_YEARS)
    assert sum(by_month.values()) == sum(counts.values())
    db.session.rollback()

    flask_db(scratch_app, "downgrade", BEFORE)

    assert INDEX not in index_names()
    assert db.session.scalar(sa.text("SELECT count(*) FROM insight_reports")) == REPORTS
