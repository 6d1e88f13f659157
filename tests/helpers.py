"""Fixtures every test module can use: people by role, signing in, reading the outbox."""

import concurrent.futures
import contextlib
import csv
import io
import re
import threading

import pytest
import sqlalchemy as sa

from nalw.core.outbox import OutboxMessage
from nalw.core.permissions import Role
from nalw.extensions import db
from tests.factories import PersonFactory

# Each role the spec names, as the person who holds it. Two-factor is on where the role needs it.
ROLE_TRAITS = {
    "visitor": None,
    "account_holder": {},
    "member": {"roles": [Role.MEMBER]},
    "organisation_admin": {"roles": [Role.MEMBER, Role.ORGANISATION_ADMIN]},
    "judge": {"roles": [Role.JUDGE], "two_factor": True},
    "staff": {"roles": [Role.STAFF], "two_factor": True},
    "admin": {"roles": [Role.STAFF, Role.ADMIN], "two_factor": True},
}


@pytest.fixture
def make_person(app):
    return PersonFactory


@pytest.fixture
def person_as(app):
    """`person_as("staff")`: a new person holding that role (None for a visitor)."""

    def build(role_name, **overrides):
        traits = ROLE_TRAITS[role_name]
        if traits is None:
            return None
        return PersonFactory(**{**traits, **overrides})

    return build


def sign_in(client, person):
    """Sign `person` in on `client` as a completed sign-in (both factors) would: a new server-side session."""
    from nalw.accounts.services import open_sign_in_session
    from tests.conftest import _OuterTransactionSession

    token = open_sign_in_session(person).token
    if not isinstance(db.session(), _OuterTransactionSession):
        db.session.commit()  # a committing app's requests use connections of their own
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True


@pytest.fixture
def signed_in_client(client, person_as):
    """`signed_in_client("member")` -> (client, person)."""

    def build(role_name, **overrides):
        person = person_as(role_name, **overrides)
        if person is not None:
            sign_in(client, person)
        return client, person

    return build


def emails_to(address):
    return db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)
    ).all()


def link_in(message, path_start):
    """The first link in an email's text that starts with SITE_URL + `path_start`, as a path."""
    match = re.search(r"http://nalw\.test(" + re.escape(path_start) + r"[^\s]*)", message.text_to_send)
    assert match, f"no link to {path_start} in: {message.text_to_send}"
    return match.group(1)


def page_text(response):
    """The visible text of a page, whitespace folded, for 'what the person sees' assertions."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    import html as html_module

    return " ".join(html_module.unescape(text).split())


def input_tag(response, field_id):
    """The `<input>` tag with this id on the page, to check its attributes."""
    html = response.get_data(as_text=True)
    match = re.search(rf'<input\b[^>]*\bid="{re.escape(field_id)}"[^>]*>', html)
    assert match, f"no input with id={field_id!r} on the page"
    return match.group(0)


def rows_of(*models):
    """Every row of each model's table, by table name: compare before and after to prove a refusal changed nothing."""
    db.session.expire_all()
    return {
        model.__table__.name: db.session.execute(sa.select(model.__table__).order_by(model.__table__.c.id)).all()
        for model in models
    }


# Real transactions in threads (PostgreSQL): each thread works as a request would, in its own session.


@contextlib.contextmanager
def all_threads_meet_at(statement_fragment, parties):
    """Hold each thread at its first statement containing `statement_fragment` until all have arrived.
    Where a lock serialises them first, the barrier times out and they go on one at a time."""
    barrier = threading.Barrier(parties)
    waited = threading.local()

    def wait_for_the_others(conn, cursor, statement, parameters, context, executemany):
        if statement_fragment in statement and not getattr(waited, "done", False):
            waited.done = True
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=3)

    sa.event.listen(db.engine, "before_cursor_execute", wait_for_the_others)
    try:
        yield
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", wait_for_the_others)


def in_threads(app, work, arguments):
    def in_own_context(argument):
        with app.app_context():
            try:
                return work(argument)
            finally:
                db.session.remove()

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(arguments)) as pool:
        return [future.result(timeout=60) for future in [pool.submit(in_own_context, a) for a in arguments]]


def csv_records(response):
    """The rows of a CSV download as dicts by heading, once checked that it is one (a UTF-8 CSV attachment)."""
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
