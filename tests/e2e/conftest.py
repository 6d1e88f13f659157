"""Browser tests: the real app on a loopback port, driven by Debian's Chromium through Playwright.

The server runs in a thread of the test process against a database of its own (a
scratch PostgreSQL database, or a temporary SQLite file), because the browser must see
committed rows, which the rolled-back transaction of the other tests never has. CSRF
protection stays on: the browser submits the forms exactly as a person does.
"""

import os
import shutil
import tempfile
import threading
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from nalw import create_app
from nalw.core.outbox import OutboxMessage, OutboxStatus
from nalw.core.permissions import Role
from nalw.extensions import db
from tests.conftest import DATABASE, POSTGRES_URL, test_settings
from tests.factories import PersonFactory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
# Playwright's wait for an element or a page; the app answers in milliseconds on loopback.
TIMEOUT_MS = 10_000
GENEROUS_LIMIT = "1000 per minute"


@pytest.fixture(scope="session", autouse=True)
def chromium_available():
    """Skip the browser tests on a machine without Chromium; in CI its absence is a failure."""
    if os.access(CHROMIUM, os.X_OK):
        return
    message = f"{CHROMIUM} is missing: install Debian's chromium package (make browser) to run the browser tests."
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def e2e_database_url():
    """A database only the live server uses: created empty here, removed afterwards."""
    if DATABASE != "postgresql":
        folder = tempfile.mkdtemp(prefix="nalw-e2e-")
        yield f"sqlite:///{os.path.join(folder, 'e2e.sqlite3')}"
        shutil.rmtree(folder, ignore_errors=True)
        return
    # One database per xdist worker, so parallel runs never share one.
    name = "nalw_e2e_" + os.environ.get("PYTEST_XDIST_WORKER", "main")
    server_url = sa.engine.make_url(POSTGRES_URL)
    maintenance = sa.create_engine(server_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with maintenance.connect() as connection:
        # A run that was killed may have left its database behind.
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with maintenance.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        maintenance.dispose()


class _QuietRequestHandler(WSGIRequestHandler):
    """No access-log line per request (errors are still logged)."""

    def log_request(self, code="-", size="-"):
        pass


@pytest.fixture(scope="session")
def live_server(e2e_database_url):
    """The app served by a threaded werkzeug server on a free loopback port: `.url`, `.app`."""
    app = create_app(
        test_settings(
            TESTING=False,
            SQLALCHEMY_DATABASE_URI=e2e_database_url,
            WTF_CSRF_ENABLED=True,
            SIGN_IN_LIMIT_PER_ADDRESS=GENEROUS_LIMIT,
            SIGN_IN_LIMIT_PER_IP=GENEROUS_LIMIT,
        )
    )
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietRequestHandler)
    url = f"http://127.0.0.1:{server.server_port}"
    # Links in emails must lead back to this server.
    app.config["SITE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(url=url, app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def live_app(live_server):
    """The live server's app, with an app context pushed so a test can reach its database.

    Commit what you create: the server reads only committed rows.
    """
    with live_server.app.app_context():
        try:
            yield live_server.app
        finally:
            db.session.remove()


@pytest.fixture
def make_person(live_app):
    """`make_person(roles=[Role.STAFF], two_factor=True)`: a committed person, as PersonFactory builds them."""

    def build(**traits):
        person = PersonFactory(**traits)
        db.session.commit()
        return person

    return build


@pytest.fixture
def failed_email(make_person):
    """An email to a member that the worker gave up on: what staff look into and send again."""
    member = make_person(name="Grace Mbeki", roles=[Role.MEMBER])
    message = OutboxMessage(
        to_address=member.email,
        person_id=member.id,
        template="accounts/verify_email",
        subject="Confirm your email address",
        body_text="Hello Grace,\n\nPlease confirm your email address by following this link:\n\nhttp://127.0.0.1/account/verify/abc",
        body_html="<p>Hello Grace,</p><p>Please confirm your email address.</p>",
        status=OutboxStatus.FAILED,
        attempts=8,
        last_error="SMTPRecipientsRefused: mailbox unavailable",
    )
    db.session.add(message)
    db.session.commit()
    return message


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser (no cookies) on a new page whose relative URLs lead to the live server.

    The app's Content-Security-Policy allows no injected script, so the context bypasses
    it: only that way can the axe-core checker be added to a page.
    """
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    # The app turns a crash into a polite 500 page, which a test could click past unnoticed.
    server_errors = []

    def note_server_error(response):
        if response.status >= 500:
            server_errors.append(f"{response.status} {response.request.method} {response.url}")

    context.on("response", note_server_error)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
    assert not server_errors, f"the server answered 5xx (see the captured log for the traceback): {server_errors}"
