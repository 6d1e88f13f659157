"""The kept total's counter, made again by going down and up, never gives a version a kept total was made
under before; its trigger functions are pinned to their schema, and the one that moves the counter runs as
its owner, until the revision that does so is undone."""

import time

import pytest
import sqlalchemy as sa

from nalw.cpd.compliance import BEHIND_TOTALS
from nalw.extensions import db
from tests.scratch_database import flask_db

pytestmark = pytest.mark.postgres_only

BEFORE_COUNTER = "compliance_list_by_region"
COUNTER_MADE = "kept_compliance_count"


def version():
    """The counter's version as the compliance list's statement reads it."""
    statement = sa.select(*BEHIND_TOTALS.columns(sa.literal(0), "postgresql"))
    version = db.session.execute(statement, {"kept_version": None}).one().kept_version
    db.session.commit()
    return version


def counter_value():
    return db.session.scalar(sa.text("SELECT changes FROM change_counters WHERE name = 'cpd_compliance'"))


def functions():
    """{name: (runs as its owner, its settings)} of the counter's two trigger functions."""
    rows = db.session.execute(
        sa.text(
            "SELECT proname, prosecdef, proconfig FROM pg_proc "
            "WHERE proname IN ('mark_change_in_transaction', 'move_change_counter')"
        )
    )
    return {name: (definer, config) for name, definer, config in rows}


def test_a_counter_made_again_never_repeats_a_version_and_its_functions_are_pinned_until_undone(scratch_app):
    flask_db(scratch_app, "upgrade", COUNTER_MADE)
    versions = [version()]
    assert functions() == {"mark_change_in_transaction": (False, None), "move_change_counter": (False, None)}

    flask_db(scratch_app, "upgrade")
    versions.append(version())
    assert counter_value() >= (time.time() - 3600) * 1_000_000  # past the microseconds since 1970
    schema = db.session.scalar(sa.text("SELECT current_schema()"))
    pinned = [f"search_path={schema}, pg_temp"]
    assert functions() == {"mark_change_in_transaction": (False, pinned), "move_change_counter": (True, pinned)}
    db.session.commit()

    flask_db(scratch_app, "downgrade", BEFORE_COUNTER)
    flask_db(scratch_app, "upgrade", COUNTER_MADE)
    versions.append(version())
    flask_db(scratch_app, "upgrade")
    versions.append(version())

    assert len(set(versions)) == len(versions)
    assert all(version is not None for version in versions)
