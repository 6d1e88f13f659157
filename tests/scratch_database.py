"""Fixtures for tests that migrate a PostgreSQL database of their own, made and dropped around each test,
so the test database the rest of the suite uses is never touched."""

import os

import pytest
import sqlalchemy as sa

from nalw import create_app
from nalw.extensions import db
from tests.conftest import POSTGRES_URL, test_settings


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
