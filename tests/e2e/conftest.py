"""Browser tests: the real app on a loopback port, driven by Debian's Chromium through Playwright.

The server runs in a thread of the test process against a database of its own (a
scratch PostgreSQL database, or a temporary SQLite file), because the browser must see
committed rows, which the rolled-back transaction of the other tests never has. It holds
the reference data of a new installation (code of practice, tiers) and takes card payments
through the run's localstripe. CSRF protection and the Content-Security-Policy stay on: the
browser loads the pages and submits the forms exactly as a person's does.
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
from nalw.core.regions import Region
from nalw.extensions import db
from nalw.members.models import MembershipStatus
from nalw.setup import seed_defaults
from tests.conftest import DATABASE, POSTGRES_URL, test_settings
from tests.factories import MembershipFactory, PersonFactory, tier_named

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    # Date fields take day, month, year in the order of the page's language (en-GB), as in the Chrome of a
    # person in the UK; Debian's Chromium has only the en-US language pack, which would ask month first.
    "--enable-blink-features=LangAttributeAwareFormControlUI",
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
    # Named after the test database, which carries the xdist worker's name: runs against different
    # test databases (people sharing a server), or parallel workers of one run, never share one.
    server_url = sa.engine.make_url(POSTGRES_URL)
    name = f"{server_url.database}_e2e"
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
def evidence_folder(tmp_path_factory):
    """Where the live server keeps uploaded CPD evidence: a folder of this run, not the instance folder."""
    return tmp_path_factory.mktemp("evidence")


@pytest.fixture(scope="session")
def live_server(e2e_database_url, localstripe_url, evidence_folder):
    """The app served by a threaded werkzeug server on a free loopback port: `.url`, `.app`.

    Its database holds the reference data of a new installation (code of practice, tiers),
    its payments go to the run's localstripe, whose Stripe.js the payment pages load, and
    the CPD evidence members upload goes to a temporary folder.
    """
    app = create_app(
        test_settings(
            TESTING=False,
            SQLALCHEMY_DATABASE_URI=e2e_database_url,
            EVIDENCE_STORAGE_DIR=str(evidence_folder),
            WTF_CSRF_ENABLED=True,
            SIGN_IN_LIMIT_PER_ADDRESS=GENEROUS_LIMIT,
            SIGN_IN_LIMIT_PER_IP=GENEROUS_LIMIT,
            STRIPE_API_BASE=localstripe_url,
            STRIPE_JS_URL=f"{localstripe_url}/js.stripe.com/v3/",
        )
    )
    with app.app_context():
        upgrade()
        seed_defaults()
        db.session.commit()
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
def make_membership(live_app, make_person):
    """`make_membership(person, MembershipStatus.PAID, tier="Associate", **answers)`: a committed membership,
    made by MembershipFactory (through the services, as a real one is) with one member of staff recording
    every fee and approval."""
    staff = []

    def build(person, status=MembershipStatus.ACTIVE, tier="Link Worker", **answers):
        if not staff:
            staff.append(make_person(name="Recording Staff", roles=[Role.STAFF]))
        answers = {"employer_name": "Riverside Primary Care Network", "region": Region.NORTH_WEST, **answers}
        membership = MembershipFactory(person=person, status=status, tier=tier_named(tier), staff=staff[0], **answers)
        db.session.commit()
        return membership

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
        # As queued: staff read the link masked; only the worker sends the usable one.
        body_text="Hello Grace,\n\nPlease confirm your email address by following this link:\n\nhttp://127.0.0.1/account/verify/••••••",
        body_html="<p>Hello Grace,</p><p>Please confirm your email address.</p>",
        unmasked_body_text="Hello Grace,\n\nPlease confirm your email address by following this link:\n\nhttp://127.0.0.1/account/verify/abc",
        unmasked_body_html="<p>Hello Grace,</p><p>Please confirm your email address.</p>",
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
def new_page(browser, live_server):
    """`new_page()`: a fresh browser (no cookies) on a new page whose relative URLs lead to the live server.

    Each call is another person's browser, with cookies of its own. The app's
    Content-Security-Policy stays in force, and anything it blocks fails the test: the
    card field must load the payment provider's script under it, as for a person. (The
    axe-core checker is evaluated through the DevTools protocol, which the policy does not govern.)
    """
    contexts = []
    # The app turns a crash into a polite 500 page, which a test could click past unnoticed.
    server_errors = []

    def note_server_error(response):
        if response.status >= 500:
            server_errors.append(f"{response.status} {response.request.method} {response.url}")

    # What the policy blocked: a script, style or connection the page needs and a person would lack.
    policy_violations = []

    def note_policy_violation(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            policy_violations.append(f"{message.page.url if message.page else ''}: {message.text}")

    def open_new():
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        context.on("response", note_server_error)
        context.on("console", note_policy_violation)
        contexts.append(context)
        return context.new_page()

    try:
        yield open_new
    finally:
        for context in contexts:
            context.close()
    assert not server_errors, f"the server answered 5xx (see the captured log for the traceback): {server_errors}"
    assert not policy_violations, "the Content-Security-Policy blocked:\n" + "\n".join(policy_violations)


@pytest.fixture
def page(new_page):
    """A fresh browser on a new page of the live server (see `new_page`)."""
    return new_page()
