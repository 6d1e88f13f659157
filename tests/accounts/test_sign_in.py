"""Signing in and out, remember me, where sign-in leads, and lock-out after repeated failures."""

import datetime as dt

import pytest
from argon2 import PasswordHasher

from nalw.accounts.models import Person
from nalw.accounts.security import password_matches
from nalw.core.time import utcnow
from nalw.extensions import db
from tests.accounts.steps import account_tables, is_signed_in, sign_out, submit_sign_in
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import emails_to, link_in, page_text, sign_in

WRONG_PASSWORD = "not the password at all"
WRONG_DETAILS = "The email address or password is not right. Check them and try again."


def test_right_password_signs_in_and_shows_the_person_their_name(client, make_person):
    person = make_person(name="Robin Hart", email="robin@example.org")

    response = submit_sign_in(client, "robin@example.org", follow_redirects=True)

    assert response.request.path == "/"
    assert "Signed in as Robin Hart" in page_text(response)
    assert person.last_sign_in_at is not None
    assert is_signed_in(client)


def test_address_is_matched_whatever_its_case(client, make_person):
    make_person(email="robin@example.org")

    submit_sign_in(client, "  Robin@EXAMPLE.org ")

    assert is_signed_in(client)


def test_sign_in_starts_a_new_session(client, make_person):
    make_person(email="robin@example.org")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"

    submit_sign_in(client, "robin@example.org")

    with client.session_transaction() as session:
        assert "planted" not in session


def test_sign_out_ends_the_session(client, make_person):
    make_person(email="robin@example.org")
    submit_sign_in(client, "robin@example.org")

    response = sign_out(client)

    assert response.location == "/"
    assert "You have signed out." in page_text(client.get("/"))
    assert not is_signed_in(client)


def test_remember_cookie_is_set_only_when_ticked(app, make_person):
    make_person(email="robin@example.org")
    ticked, unticked = app.test_client(), app.test_client()

    submit_sign_in(ticked, "robin@example.org", remember=True)
    submit_sign_in(unticked, "robin@example.org")

    assert ticked.get_cookie("remember_token") is not None
    assert unticked.get_cookie("remember_token") is None


def test_remember_cookie_keeps_person_signed_in_after_the_browser_session_ends(client, make_person):
    make_person(email="robin@example.org")
    submit_sign_in(client, "robin@example.org", remember=True)

    client.delete_cookie("session")

    assert is_signed_in(client)


def test_without_remember_closing_the_browser_signs_out(client, make_person):
    make_person(email="robin@example.org")
    submit_sign_in(client, "robin@example.org")

    client.delete_cookie("session")

    assert not is_signed_in(client)


def test_sign_out_ends_remember_me_too(client, make_person):
    make_person(email="robin@example.org")
    submit_sign_in(client, "robin@example.org", remember=True)

    sign_out(client)

    assert client.get_cookie("remember_token") is None
    assert not is_signed_in(client)
    client.delete_cookie("session")
    assert not is_signed_in(client)


def test_hash_made_with_older_settings_is_renewed_at_sign_in(client, app, make_person):
    old_hasher = PasswordHasher(
        time_cost=app.config["ARGON2_TIME_COST"] + 1, memory_cost=app.config["ARGON2_MEMORY_COST"]
    )
    person = make_person(email="robin@example.org", password_hash=old_hasher.hash(DEFAULT_PASSWORD))
    old_hash = person.password_hash

    submit_sign_in(client, "robin@example.org")

    assert person.password_hash != old_hash
    assert f"t={app.config['ARGON2_TIME_COST']}," in person.password_hash
    assert password_matches(person.password_hash, DEFAULT_PASSWORD)


# --- Where sign-in leads ------------------------------------------------------------------------


def test_visitor_opening_a_signed_in_page_is_sent_to_sign_in_and_brought_back(client, make_person):
    make_person(email="robin@example.org")

    response = client.get("/account/password")

    assert response.status_code == 302
    assert response.location == "/account/sign-in?next=/account/password"
    after_sign_in = submit_sign_in(client, "robin@example.org", next_path="/account/password")
    assert after_sign_in.location == "/account/password"


@pytest.mark.parametrize(
    "next_path",
    [
        "https://evil.example/steal",
        "//evil.example/steal",
        "/\\evil.example/steal",
        "\\\\evil.example/steal",
        "/\t/evil.example/steal",
        "javascript:alert(1)",
    ],
)
def test_next_that_leaves_the_site_is_ignored(client, make_person, next_path):
    make_person(email="robin@example.org")

    response = submit_sign_in(client, "robin@example.org", next_path=next_path)

    assert response.status_code == 302
    assert response.location == "/"


# --- Wrong details ------------------------------------------------------------------------------


def test_wrong_password_message_does_not_reveal_whether_the_address_has_an_account(client, make_person):
    person = make_person(email="robin@example.org")

    wrong_password = submit_sign_in(client, "robin@example.org", WRONG_PASSWORD)
    unknown_address = submit_sign_in(client, "nobody@example.org", WRONG_PASSWORD)

    assert wrong_password.status_code == unknown_address.status_code == 200
    assert WRONG_DETAILS in page_text(wrong_password)
    assert page_text(wrong_password).replace("robin@", "X@") == page_text(unknown_address).replace("nobody@", "X@")
    assert person.failed_sign_ins == 1
    assert not is_signed_in(client)


def test_erased_account_gets_the_same_message_as_an_unknown_address(client, make_person):
    person = make_person(email="robin@example.org")
    person.erased_at = person.created_at
    db.session.flush()

    response = submit_sign_in(client, "robin@example.org")

    assert WRONG_DETAILS in page_text(response)
    assert not is_signed_in(client)


def test_right_sign_in_clears_the_count_of_failures(client, make_person):
    person = make_person(email="robin@example.org")
    submit_sign_in(client, "robin@example.org", WRONG_PASSWORD)
    submit_sign_in(client, "robin@example.org", WRONG_PASSWORD)

    submit_sign_in(client, "robin@example.org")

    assert person.failed_sign_ins == 0


# --- Lock-out -------------------------------------------------------------------------------------


def fail_until_locked(client, app, address):
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        submit_sign_in(client, address, WRONG_PASSWORD)


def test_failures_below_the_threshold_do_not_lock(client, app, make_person):
    person = make_person(email="robin@example.org")
    for _ in range(app.config["LOCKOUT_THRESHOLD"] - 1):
        submit_sign_in(client, "robin@example.org", WRONG_PASSWORD)

    submit_sign_in(client, "robin@example.org")

    assert person.locked_until is None
    assert is_signed_in(client)
    assert emails_to("robin@example.org") == []


def test_locked_account_refuses_right_password_and_emails_owner(client, app, make_person, clock):
    person = make_person(email="robin@example.org")
    fail_until_locked(client, app, "robin@example.org")

    response = submit_sign_in(client, "robin@example.org")

    assert person.locked_until == utcnow() + dt.timedelta(minutes=app.config["LOCKOUT_MINUTES"])
    page = page_text(response)
    assert "This account is locked after too many failed attempts" in page
    assert "or reset your password" in page
    assert not is_signed_in(client)
    [message] = emails_to("robin@example.org")
    assert message.subject == "Your NALW account was locked"
    assert link_in(message, "/account/forgot-password")


def test_lock_is_mentioned_once_in_email_however_many_attempts_follow(client, app, make_person):
    make_person(email="robin@example.org")
    fail_until_locked(client, app, "robin@example.org")

    submit_sign_in(client, "robin@example.org", WRONG_PASSWORD)
    submit_sign_in(client, "robin@example.org")

    assert len(emails_to("robin@example.org")) == 1


def test_lock_ends_after_lockout_minutes(client, app, make_person, clock):
    person = make_person(email="robin@example.org")
    fail_until_locked(client, app, "robin@example.org")

    clock.shift(dt.timedelta(minutes=app.config["LOCKOUT_MINUTES"]) - dt.timedelta(seconds=1))
    submit_sign_in(client, "robin@example.org")
    still_locked = is_signed_in(client)
    clock.shift(dt.timedelta(seconds=2))
    submit_sign_in(client, "robin@example.org")

    assert not still_locked
    assert is_signed_in(client)
    assert person.locked_until is None


def test_password_reset_unlocks_account(client, app, make_person):
    person = make_person(email="robin@example.org")
    fail_until_locked(client, app, "robin@example.org")
    client.post("/account/forgot-password", data={"email": "robin@example.org"})
    [reset_email] = [message for message in emails_to("robin@example.org") if message.subject.startswith("Reset")]

    new_password = "copper lantern meadow fox"
    client.post(
        link_in(reset_email, "/account/reset-password/"), data={"password": new_password, "confirm": new_password}
    )
    submit_sign_in(client, "robin@example.org", new_password)

    assert person.locked_until is None
    assert is_signed_in(client)


def test_signed_in_person_opening_sign_in_goes_to_their_account(client, make_person):
    sign_in(client, make_person())

    response = client.get("/account/sign-in")

    assert response.location == "/account/"


def test_sign_in_page_refusal_changes_only_the_failure_count(client, make_person):
    make_person(email="robin@example.org")
    before = account_tables()

    submit_sign_in(client, "robin@example.org", WRONG_PASSWORD)

    after = account_tables()
    assert after["outbox_messages"] == before["outbox_messages"]
    assert after["role_grants"] == before["role_grants"]
    columns = Person.__table__.c.keys()
    changed = {
        name for name, old, new in zip(columns, before["people"][0], after["people"][0], strict=True) if old != new
    }
    assert changed <= {"failed_sign_ins", "updated_at"}
