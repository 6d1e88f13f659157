"""What a person does on the account pages, and what the tests look at afterwards."""

from urllib.parse import urlencode

import pyotp
import sqlalchemy as sa

from nalw.accounts.models import Person, RecoveryCode, RoleGrant, SignInFailure
from nalw.accounts.security import TOTP_INTERVAL, new_totp_secret
from nalw.accounts.services import sign_in_session_for
from nalw.core.audit import AuditEntry
from nalw.core.outbox import OutboxMessage
from nalw.core.time import utcnow
from nalw.extensions import db
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import input_tag, page_text, rows_of

NEW_PASSWORD = "willow teapot granite cloud"


def submit_sign_in(client, email, password=DEFAULT_PASSWORD, *, remember=False, next_path=None, **request_options):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    query = f"?{urlencode({'next': next_path})}" if next_path else ""
    return client.post(f"/account/sign-in{query}", data=data, **request_options)


def submit_code(client, code, **request_options):
    return client.post("/account/sign-in/two-factor", data={"code": code}, **request_options)


def submit_sign_up(client, *, name="Alex Jones", email="alex@example.org", password=NEW_PASSWORD, confirm=None):
    data = {"name": name, "email": email, "password": password, "confirm": password if confirm is None else confirm}
    return client.post("/account/sign-up", data=data)


def sign_out(client):
    return client.post("/account/sign-out")


def is_signed_in(client):
    """Whether the client's cookies open the account page (a visitor is sent to sign in)."""
    response = client.get("/account/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def turn_on_two_factor(person):
    """Two-factor on for a person the test already made, as enrolment leaves it."""
    person.totp_secret = new_totp_secret()
    person.totp_enabled_at = utcnow()
    db.session.flush()


def enrolment_key(client):
    """The key the enrolment page offered, kept on the server with the client's sign-in session."""
    with client.session_transaction() as session:
        token = session["_user_id"]
    db.session.expire_all()
    return sign_in_session_for(token).pending_totp_secret


def sign_in_pause(person, client_address="127.0.0.1"):
    """The count of failed sign-ins to `person` from `client_address` (None when there are none)."""
    db.session.expire_all()
    return db.session.scalar(
        sa.select(SignInFailure).where(
            SignInFailure.person_id == person.id, SignInFailure.client_address == client_address
        )
    )


def totp_code(secret, at=None, steps_later=0):
    moment = (at or utcnow()).timestamp() + steps_later * TOTP_INTERVAL
    return pyotp.TOTP(secret, interval=TOTP_INTERVAL).at(moment)


def wrong_totp_code(secret):
    """A 6-digit code the app would not accept now, even allowing for clock drift."""
    valid = {totp_code(secret, steps_later=steps) for steps in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def assert_refused_on_field(response, field_id, message):
    """The form came back with `message` on the field, marked invalid for assistive technology."""
    assert response.status_code == 200
    text = page_text(response)
    assert "There is a problem" in text
    assert message in text, f"{message!r} not in page: {text}"
    assert 'aria-invalid="true"' in input_tag(response, field_id)


ACCOUNT_TABLES = (Person, RoleGrant, RecoveryCode, OutboxMessage, AuditEntry)


def account_tables():
    """Every row of every table the account pages can change, to prove a refusal changed nothing."""
    return rows_of(*ACCOUNT_TABLES)


def count_rows(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))
