"""The migrations build exactly the schema the models describe, and can be undone and redone.

Runs in a scratch PostgreSQL database of its own, made and dropped here, so the
test database the rest of the suite uses is never touched.
"""

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from nalw import create_app
from nalw.extensions import db
from tests.conftest import POSTGRES_URL, test_settings

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def scratch_database_url():
    # The process id keeps two runs at once (on one PostgreSQL) out of each other's way.
    name = f"nalw_migration_check_{os.getpid()}"
    server = sa.create_engine(sa.engine.make_url(POSTGRES_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture
def scratch_app(scratch_database_url):
    app = create_app(test_settings(SQLALCHEMY_DATABASE_URI=scratch_database_url))
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def flask_db(app, *args):
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, f"flask db {' '.join(args)} failed:\n{result.output}\n{result.exception!r}"


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
