"""Upgrading adds the indexes the staff members list reads (people by name, personal memberships by person);
downgrading removes them, and upgrading again puts them back."""

import pytest
import sqlalchemy as sa

from nalw.extensions import db
from tests.scratch_database import flask_db

pytestmark = pytest.mark.postgres_only

BEFORE = "insight_reports_by_month"
INDEXES = {("people", "ix_people_name"), ("memberships", "ix_memberships_personal_by_person")}


def indexes_present():
    inspector = sa.inspect(db.engine)
    return {
        (table, index["name"])
        for table in ("people", "memberships")
        for index in inspector.get_indexes(table)
        if (table, index["name"]) in INDEXES
    }


def personal_index_condition():
    return db.session.scalar(
        sa.text(
            "SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = 'ix_memberships_personal_by_person'::regclass"
        )
    )


def test_the_members_list_indexes_go_up_and_down(scratch_app):
    flask_db(scratch_app, "upgrade", BEFORE)
    assert indexes_present() == set()

    flask_db(scratch_app, "upgrade")
    assert indexes_present() == INDEXES
    assert personal_index_condition() == "(for_organisation IS FALSE)"
    db.session.commit()

    flask_db(scratch_app, "downgrade", BEFORE)
    assert indexes_present() == set()

    flask_db(scratch_app, "upgrade")
    assert indexes_present() == INDEXES
