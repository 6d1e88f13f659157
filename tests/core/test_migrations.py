"""The migrations build exactly the schema the models describe, and can be undone and redone.

Runs in a scratch PostgreSQL database of its own, made and dropped here, so the
test database the rest of the suite uses is never touched.
"""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from nalw.extensions import db
from tests.scratch_database import flask_db

pytestmark = pytest.mark.postgres_only


def schema_differences(app):
    """What `flask db migrate` would put in a new revision, compared the way the app configures Alembic."""
    options = dict(app.extensions["migrate"].configure_args)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={**options, "target_metadata": db.metadata})
        return compare_metadata(context, db.metadata)


def table_names():
    return set(sa.inspect(db.engine).get_table_names())


def test_migrations_match_the_models_and_go_down_and_up_again(scratch_app):
    model_tables = {table.name for table in db.metadata.sorted_tables}

    flask_db(scratch_app, "upgrade")

    assert table_names() == model_tables | {"alembic_version"}
    assert schema_differences(scratch_app) == []

    flask_db(scratch_app, "downgrade", "base")

    assert table_names() == {"alembic_version"}

    flask_db(scratch_app, "upgrade")

    assert table_names() == model_tables | {"alembic_version"}
    assert schema_differences(scratch_app) == []
