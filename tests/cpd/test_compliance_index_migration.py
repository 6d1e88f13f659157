"""Upgrading replaces the compliance list's index of members in good standing (by person) with one in the
list's order (region, then membership number); downgrading puts the old one back, and upgrading again the new."""

import pytest
import sqlalchemy as sa

from nalw.extensions import db
from tests.scratch_database import flask_db

pytestmark = pytest.mark.postgres_only

BEFORE = "staff_members_list_speed"


def good_standing_index():
    """(name, definition) of the memberships index holding members in good standing."""
    return db.session.execute(
        sa.text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'memberships' "
            "AND indexname LIKE 'ix_memberships_in_good_standing%'"
        )
    ).one()


def test_the_compliance_index_follows_the_lists_order_and_goes_down_and_up(scratch_app):
    flask_db(scratch_app, "upgrade", BEFORE)
    name, definition = good_standing_index()
    assert name == "ix_memberships_in_good_standing"
    assert "(person_id) INCLUDE (tier_id, region, number)" in definition
    db.session.commit()

    flask_db(scratch_app, "upgrade")
    name, definition = good_standing_index()
    assert name == "ix_memberships_in_good_standing_by_region"
    assert "(region, number) INCLUDE (person_id, tier_id, started_on)" in definition
    assert "for_organisation IS FALSE" in definition
    db.session.commit()

    flask_db(scratch_app, "downgrade", BEFORE)
    assert good_standing_index()[0] == "ix_memberships_in_good_standing"
    db.session.commit()

    flask_db(scratch_app, "upgrade")
    assert good_standing_index()[0] == "ix_memberships_in_good_standing_by_region"
