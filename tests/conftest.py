"""Test fixtures: a fresh app per test, run inside a transaction that is rolled back.

The suite runs on PostgreSQL (database `test` on 127.0.0.1) whenever it answers,
and must when CI=true. NALW_TEST_DATABASE=sqlite runs it on SQLite instead (the
smoke run that `make run` depends on); so does a machine without PostgreSQL,
outside CI, with the PostgreSQL-only tests skipped.
"""

import contextlib
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSession

from nalw import create_app
from nalw.extensions import db
from nalw.setup import seed_defaults

SERVER_POSTGRES_URL = os.environ.get("NALW_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# Each pytest-xdist worker gets a database of its own (test_gw0, test_gw1, ...) on the same server.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
POSTGRES_URL = (
    sa.engine.make_url(SERVER_POSTGRES_URL)
    .set(database=f"{sa.engine.make_url(SERVER_POSTGRES_URL).database}_{XDIST_WORKER}")
    .render_as_string(hide_password=False)
    if XDIST_WORKER
    else SERVER_POSTGRES_URL
)
TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-to-be-real"


def _postgres_answers(url):
    engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return True
    except sa.exc.OperationalError:
        return False
    finally:
        engine.dispose()


def _create_worker_database():
    """An xdist worker's own database, made on first use; `migrated_database` empties it each run."""
    maintenance = sa.create_engine(
        sa.engine.make_url(SERVER_POSTGRES_URL).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    name = sa.engine.make_url(POSTGRES_URL).database
    try:
        with maintenance.connect() as connection:
            exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if exists.scalar() is None:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        maintenance.dispose()


def _choose_database():
    if os.environ.get("NALW_TEST_DATABASE") == "sqlite":
        return "sqlite"
    if _postgres_answers(SERVER_POSTGRES_URL):
        if XDIST_WORKER:
            _create_worker_database()
        return "postgresql"
    if os.environ.get("CI") == "true":
        pytest.exit(
            f"CI=true but PostgreSQL does not answer at {POSTGRES_URL}: the suite must run on PostgreSQL.", returncode=3
        )
    return "sqlite"


DATABASE = _choose_database()
_SQLITE_FILE = os.path.join(tempfile.mkdtemp(prefix="nalw-test-"), "test.sqlite3")
DATABASE_URL = POSTGRES_URL if DATABASE == "postgresql" else f"sqlite:///{_SQLITE_FILE}"


def pytest_report_header(config):
    return f"database: {DATABASE} ({DATABASE_URL})"


def pytest_collection_modifyitems(config, items):
    if DATABASE == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def test_settings(**overrides):
    settings = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
        "SITE_URL": "http://nalw.test",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Cheap hashing keeps the suite fast; production uses the strong defaults.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "MAIL_SUPPRESS_SEND": True,
        "MAIL_PORT": 1,
        "LOG_LEVEL": "WARNING",
        # Nothing reaches Stripe unless a test asks for localstripe (the `stripe_settings` fixture).
        "STRIPE_API_BASE": "http://127.0.0.1:9",
        "STRIPE_SECRET_KEY": "sk_test_nalw",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_nalw",
        "STRIPE_WEBHOOK_SECRET": "whsec_test_nalw",
    }
    settings.update(overrides)
    return settings


test_settings.__test__ = False  # a helper, not a test, wherever it is imported


@pytest.fixture(scope="session")
def migrated_database():
    """Bring the test database to the newest migration once, from an empty schema."""
    app = create_app(test_settings())
    with app.app_context():
        if DATABASE == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
        upgrade()
        seed_defaults()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return DATABASE_URL


class _OuterTransactionSession(FlaskSession):
    """Uses the one connection the test holds, so every commit is only a savepoint."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind or self.bind


class OwnContextClient(FlaskClient):
    """A test client whose every request runs in an app context of its own, as on a server.

    The test holds one app context for its factories; without this, Flask would reuse it
    for every request, so `g` (where Flask-Login keeps the signed-in person) and the
    database session would carry over from one request to the next. Each request here
    gets a fresh `g` and session on the same rolled-back connection.
    """

    def run_wsgi_app(self, environ, buffered=False):
        with self.application.app_context():
            result = super().run_wsgi_app(environ, buffered=True)
        # The request committed through its own session: what the test holds reloads on next use.
        db.session.expire_all()
        return result


def _driver_begins_nothing(dbapi_connection, connection_record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None


def _begin_when_sqlalchemy_does(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")


@contextlib.contextmanager
def _sqlite_transactions_that_roll_back():
    """Python's sqlite3 driver begins a transaction only before a write, so the outer transaction
    would never begin and a test's commit would really commit. SQLAlchemy's documented fix:
    let SQLAlchemy emit BEGIN itself."""
    if DATABASE != "sqlite":
        yield
        return
    sa.event.listen(sa.engine.Engine, "connect", _driver_begins_nothing)
    sa.event.listen(sa.engine.Engine, "begin", _begin_when_sqlalchemy_does)
    try:
        yield
    finally:
        sa.event.remove(sa.engine.Engine, "begin", _begin_when_sqlalchemy_does)
        sa.event.remove(sa.engine.Engine, "connect", _driver_begins_nothing)


@pytest.fixture
def settings():
    """Override in a test module to change the app's settings."""
    return {}


@pytest.fixture
def evidence_storage(tmp_path):
    """The folder uploaded evidence is kept in, the test's own (the CPD and awards tests' settings point there)."""
    return tmp_path / "evidence"


@pytest.fixture
def app(migrated_database, settings):
    app = create_app(test_settings(**settings))
    app.test_client_class = OwnContextClient
    with _sqlite_transactions_that_roll_back(), app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        real_session = db.session
        db.session = db._make_scoped_session(
            {"class_": _OuterTransactionSession, "bind": connection, "join_transaction_mode": "create_savepoint"}
        )
        try:
            yield app
        finally:
            db.session.remove()
            db.session = real_session
            outer.rollback()
            connection.close()
            db.engine.dispose()


@pytest.fixture
def committing_app(migrated_database, settings):
    """An app whose commits are real (for concurrency tests); every table is emptied afterwards."""
    app = create_app(test_settings(**settings))
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            tables = ", ".join(table.name for table in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                if DATABASE == "postgresql":
                    connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
                else:
                    for table in reversed(db.metadata.sorted_tables):
                        connection.execute(table.delete())
            seed_defaults()
            db.session.commit()
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def count_queries(app):
    """`with count_queries() as queries: ...` then `len(queries)` is the number of SQL statements."""

    @contextlib.contextmanager
    def counting():
        statements = []

        def remember(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", remember)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", remember)

    return counting


@pytest.fixture(scope="session")
def localstripe_url():
    """A localstripe server of our own on a free loopback port, for the whole run."""
    script = Path(__file__).resolve().parent.parent / "scripts" / "localstripe_server.py"
    process = subprocess.Popen(
        [sys.executable, str(script), "--port", "0", "--store", "none"], stdout=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline()
        if "listening on" not in line:
            pytest.fail(f"localstripe did not start: {line!r}")
        yield "http://" + line.strip().rsplit(" ", 1)[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


@pytest.fixture
def stripe_settings(localstripe_url):
    """Settings that point the app at the test's localstripe."""
    return {"STRIPE_API_BASE": localstripe_url, "STRIPE_JS_URL": f"{localstripe_url}/js.stripe.com/v3/"}


pytest_plugins = ["tests.helpers", "tests.stripe_helpers", "tests.scratch_database"]
