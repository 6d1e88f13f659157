"""Upgrading fills the CPD year totals from the complete entries already kept; downgrading removes them."""

import datetime as dt

import pytest
import sqlalchemy as sa

from nalw.extensions import db
from tests.factories import PersonFactory
from tests.scratch_database import flask_db

pytestmark = pytest.mark.postgres_only

BEFORE = "compliance_list_speed"
# (person, day, quarter hours, status): CPD years start on 1 April, so 31 March and 1 April fall in different ones.
ENTRIES = [
    (0, dt.date(2025, 3, 31), 4, "complete"),
    (0, dt.date(2025, 4, 1), 6, "complete"),
    (0, dt.date(2026, 3, 31), 8, "complete"),
    (0, dt.date(2025, 6, 1), 40, "draft"),
    (1, dt.date(2025, 4, 1), 1, "complete"),
    (1, dt.date(2025, 4, 2), 2, "complete"),
    (1, dt.date(2025, 4, 3), 3, "draft"),
]


def test_upgrading_fills_each_persons_complete_hours_per_cpd_year(scratch_app):
    flask_db(scratch_app, "upgrade", BEFORE)
    people = [PersonFactory().id, PersonFactory().id]
    for person, day, quarters, status in ENTRIES:
        db.session.execute(
            sa.text(
                "INSERT INTO cpd_entries (person_id, done_on, title, activity_type, quarter_hours, provider, status,"
                " what_i_did, what_i_learned, practice_change, impact, created_at, updated_at)"
                " VALUES (:person, :day, 'Learning', 'course', :quarters, '', :status, '', '', '', '', now(), now())"
            ),
            {"person": people[person], "day": day, "quarters": quarters, "status": status},
        )
    db.session.commit()

    flask_db(scratch_app, "upgrade")

    rows = db.session.execute(
        sa.text(
            "SELECT person_id, year_starts_on, quarter_hours FROM cpd_year_totals ORDER BY person_id, year_starts_on"
        )
    ).all()
    assert [tuple(row) for row in rows] == [
        (people[0], dt.date(2024, 4, 1), 4),
        (people[0], dt.date(2025, 4, 1), 14),
        (people[1], dt.date(2025, 4, 1), 3),
    ]
    db.session.commit()

    flask_db(scratch_app, "downgrade", BEFORE)

    assert "cpd_year_totals" not in sa.inspect(db.engine).get_table_names()
