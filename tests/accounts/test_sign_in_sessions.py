"""Each sign-in is a session kept on the server: signing out ends it, copies of its cookies included."""

import datetime as dt

import sqlalchemy as sa

from nalw.accounts.models import SignInSession
from nalw.accounts.security import session_token_digest
from nalw.extensions import db
from tests.accounts.steps import NEW_PASSWORD, enrolment_key, is_signed_in, sign_out, submit_sign_in, totp_code
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import page_text, sign_in


def copy_of(client, cookie_name, app):
    """A new browser holding only a copy of `client`'s cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie(cookie_name, client.get_cookie(cookie_name).value)
    return thief


def live_sessions(person):
    return db.session.scalars(
        sa.select(SignInSession).where(SignInSession.person_id == person.id, SignInSession.revoked_at.is_(None))
    ).all()


def test_copied_session_cookie_stops_working_after_sign_out(app, client, make_person):
    make_person(email="robin@example.org")
    submit_sign_in(client, "robin@example.org")
    thief = copy_of(client, "session", app)
    assert is_signed_in(thief)

    sign_out(client)

    assert not is_signed_in(thief)


def test_copied_remember_me_cookie_stops_working_after_sign_out(app, client, make_person):
    make_person(email="robin@example.org")
    submit_sign_in(client, "robin@example.org", remember=True)
    stolen = client.get_cookie("remember_token").value
    assert is_signed_in(copy_of(client, "remember_token", app))

    sign_out(client)

    thief = app.test_client()
    thief.set_cookie("remember_token", stolen)
    assert not is_signed_in(thief)


def test_sign_in_records_the_session_with_only_a_digest_of_its_id(client, make_person):
    person = make_person(email="robin@example.org")

    submit_sign_in(client, "robin@example.org", headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"})

    [record] = live_sessions(person)
    with client.session_transaction() as session:
        session_id = session["_user_id"]
    assert session_id not in record.token_digest
    assert record.token_digest == session_token_digest(session_id)
    assert record.user_agent.startswith("Mozilla/5.0 (X11; Linux x86_64)")
    assert record.created_at is not None and record.last_seen_at is not None


def test_sign_out_everywhere_ends_another_devices_session(app, make_person):
    person = make_person(email="robin@example.org")
    laptop, phone = app.test_client(), app.test_client()
    submit_sign_in(laptop, "robin@example.org")
    submit_sign_in(phone, "robin@example.org", remember=True)
    account_page = page_text(laptop.get("/account/"))

    response = laptop.post("/account/sign-out-everywhere", follow_redirects=True)

    assert "Sign out everywhere" in account_page
    assert "You are signed out on every device, this one too." in page_text(response)
    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)
    phone.delete_cookie("session")
    assert not is_signed_in(phone)
    assert live_sessions(person) == []


def test_change_password_ends_other_sessions_and_keeps_this_one(app, make_person):
    person = make_person(email="robin@example.org")
    laptop, phone = app.test_client(), app.test_client()
    submit_sign_in(laptop, "robin@example.org", remember=True)
    submit_sign_in(phone, "robin@example.org", remember=True)

    laptop.post(
        "/account/password",
        data={"current_password": DEFAULT_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert is_signed_in(laptop)
    assert not is_signed_in(phone)
    laptop.delete_cookie("session")
    assert is_signed_in(laptop)  # this device's remember-me still works
    assert len(live_sessions(person)) == 1


def test_turning_two_factor_on_ends_other_sessions(app, make_person):
    make_person(email="robin@example.org")
    laptop, phone = app.test_client(), app.test_client()
    submit_sign_in(laptop, "robin@example.org")
    submit_sign_in(phone, "robin@example.org")
    laptop.get("/account/two-factor")

    laptop.post("/account/two-factor", data={"code": totp_code(enrolment_key(laptop))})

    assert is_signed_in(laptop)
    assert not is_signed_in(phone)


def test_new_recovery_codes_end_other_sessions(app, make_person):
    person = make_person(email="robin@example.org", two_factor=True)
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, person)
    sign_in(phone, person)

    laptop.post("/account/two-factor/recovery-codes")

    assert is_signed_in(laptop)
    assert not is_signed_in(phone)


def test_turning_two_factor_off_ends_other_sessions(app, make_person):
    person = make_person(email="robin@example.org", two_factor=True)
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, person)
    sign_in(phone, person)

    laptop.post("/account/two-factor/disable", data={"password": DEFAULT_PASSWORD})

    assert not person.two_factor_enabled
    assert is_signed_in(laptop)
    assert not is_signed_in(phone)


def test_erasure_ends_every_session(app, make_person):
    person = make_person(email="robin@example.org")
    laptop, phone = app.test_client(), app.test_client()
    submit_sign_in(laptop, "robin@example.org")
    submit_sign_in(phone, "robin@example.org", remember=True)
    stolen = copy_of(phone, "remember_token", app)

    laptop.post("/account/erase", data={"confirm": "ERASE", "password": DEFAULT_PASSWORD})

    assert not is_signed_in(phone)
    assert not is_signed_in(stolen)
    assert live_sessions(person) == []


def test_a_signed_in_request_finds_session_person_and_roles_in_one_query(client, person_as, count_queries):
    staff = person_as("staff")
    sign_in(client, staff)

    with count_queries() as queries:
        response = client.get("/account/sign-in")  # a page that only asks who is signed in

    assert response.location == "/account/"
    assert len(queries) == 1, queries
    assert "sign_in_sessions" in queries[0] and "role_grants" in queries[0]


def test_last_seen_is_noted_at_most_every_ten_minutes(client, make_person, clock, count_queries):
    person = make_person()
    sign_in(client, person)
    [record] = live_sessions(person)
    signed_in_at = record.last_seen_at

    clock.shift(9 * 60)
    with count_queries() as soon_after:
        client.get("/account/sign-in")
    unchanged = live_sessions(person)[0].last_seen_at
    clock.shift(2 * 60)
    client.get("/account/sign-in")

    assert len(soon_after) == 1
    assert unchanged == signed_in_at
    assert live_sessions(person)[0].last_seen_at == signed_in_at + dt.timedelta(minutes=11)


def test_a_session_ends_by_itself_when_the_longest_cookie_would_have(app, client, make_person, clock):
    make_person(email="robin@example.org")
    submit_sign_in(client, "robin@example.org", remember=True)
    stolen = client.get_cookie("remember_token").value

    clock.shift(app.config["REMEMBER_COOKIE_DURATION"] + 1)
    thief = app.test_client()
    thief.set_cookie("remember_token", stolen)

    assert not is_signed_in(thief)
