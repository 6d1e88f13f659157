"""Upgrading keeps every tier's CPD hours for the years already recorded."""

import pytest
import sqlalchemy as sa

from nalw.core.cpd_years import current_year
from nalw.extensions import db
from nalw.members import cpd_requirements
from nalw.members.models import Tier
from tests.scratch_database import flask_db

pytestmark = pytest.mark.postgres_only


def test_upgrading_keeps_each_tiers_current_hours_for_every_cpd_year_so_far(scratch_app):
    flask_db(scratch_app, "upgrade", "82844daa4a74")
    with db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO tiers (name, description, annual_fee_pence, eligibility, cpd_hours_required, seats,"
                " open_for_applications, position, created_at, updated_at) VALUES"
                " ('Link Worker', '', 4500, 'practitioner', 20, NULL, true, 1, now(), now()),"
                " ('Student', '', 1500, 'student', 12, NULL, true, 2, now(), now())"
            )
        )

    flask_db(scratch_app, "upgrade")

    rows = db.session.execute(
        sa.text("SELECT t.name, r.year_starts_on, r.hours_required FROM tier_cpd_requirements r JOIN tiers t"
                " ON t.id = r.tier_id ORDER BY t.name")
    ).all()  # fmt: skip
    assert [tuple(row) for row in rows] == [
        ("Link Worker", cpd_requirements.FROM_THE_START, 20),
        ("Student", cpd_requirements.FROM_THE_START, 12),
    ]
    for tier in db.session.scalars(sa.select(Tier)):
        assert cpd_requirements.hours_required(tier, current_year()) == tier.cpd_hours_required
