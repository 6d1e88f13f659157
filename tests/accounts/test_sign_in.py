"""Signing in and out, remember me, where sign-in leads, and lock-out after repeated failures."""

import datetime as dt

import pytest
from argon2 import PasswordHasher

from nalw.accounts.security import password_matches
from nalw.core.time import utcnow
from nalw.extensions import db
from tests.accounts.steps import account_tables, is_signed_in, sign_in_pause, sign_out, submit_sign_in
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import emails_to, link_in, page_text, sign_in

WRONG_PASSWORD = "not the password at all"
WRONG_DETAILS = (
    "The email address or password is not right, or this device has made too many attempts. "
    "Check them and try again in a few minutes, or reset your password."
)


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
    assert sign_in_pause(person).failed_count == 1
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

    assert sign_in_pause(person) is None


# --- Lock-out -------------------------------------------------------------------------------------
# Failures count per account and client address: whoever fails from one place pauses sign-in
# to that account from that place only, so nobody can lock the owner out from elsewhere.

ATTACKER = {"REMOTE_ADDR": "203.0.113.5"}
OWNER_ELSEWHERE = {"REMOTE_ADDR": "198.51.100.7"}


def fail_until_locked(client, app, address, **request_options):
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        submit_sign_in(client, address, WRONG_PASSWORD, **request_options)


def test_failures_below_the_threshold_do_not_lock(client, app, make_person):
    person = make_person(email="robin@example.org")
    for _ in range(app.config["LOCKOUT_THRESHOLD"] - 1):
        submit_sign_in(client, "robin@example.org", WRONG_PASSWORD)

    submit_sign_in(client, "robin@example.org")

    assert sign_in_pause(person) is None
    assert is_signed_in(client)
    assert emails_to("robin@example.org") == []


def test_locked_account_refuses_right_password_and_emails_owner(client, app, make_person, clock):
    person = make_person(email="robin@example.org")
    fail_until_locked(client, app, "robin@example.org")

    response = submit_sign_in(client, "robin@example.org")

    assert sign_in_pause(person).locked_until == utcnow() + dt.timedelta(minutes=app.config["LOCKOUT_MINUTES"])
    assert WRONG_DETAILS in page_text(response)
    assert not is_signed_in(client)
    [message] = emails_to("robin@example.org")
    assert message.subject == "Sign-in to your NALW account was paused"
    assert "127.0.0.1" in message.body_text
    assert link_in(message, "/account/forgot-password")


def test_locked_account_gets_the_same_message_as_an_unknown_address(client, app, make_person):
    make_person(email="robin@example.org")
    fail_until_locked(client, app, "robin@example.org")

    locked = submit_sign_in(client, "robin@example.org")
    unknown = submit_sign_in(client, "nobody@example.org")

    assert locked.status_code == unknown.status_code == 200
    assert page_text(locked).replace("robin@", "X@") == page_text(unknown).replace("nobody@", "X@")
    assert "locked" not in page_text(locked).lower()


def test_lockout_from_one_address_does_not_stop_the_owner_from_another(app, make_person):
    person = make_person(email="robin@example.org")
    attacker, owner = app.test_client(), app.test_client()
    fail_until_locked(attacker, app, "robin@example.org", environ_base=ATTACKER)
    assert submit_sign_in(attacker, "robin@example.org", environ_base=ATTACKER).status_code == 200

    response = submit_sign_in(owner, "robin@example.org", environ_base=OWNER_ELSEWHERE)

    assert response.status_code == 302
    assert is_signed_in(owner)
    assert not is_signed_in(attacker)
    assert sign_in_pause(person, ATTACKER["REMOTE_ADDR"]).locked_until is not None


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
    assert sign_in_pause(person) is None


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

    assert sign_in_pause(person) is None
    assert is_signed_in(client)


# --- The work an attempt costs ------------------------------------------------------------------


@pytest.fixture
def hasher_calls(monkeypatch):
    """How many times Argon2 hashed and verified, counted on the library's own class."""
    calls = {"hash": 0, "verify": 0}
    real_hash, real_verify = PasswordHasher.hash, PasswordHasher.verify

    def counting_hash(self, *args, **kwargs):
        calls["hash"] += 1
        return real_hash(self, *args, **kwargs)

    def counting_verify(self, *args, **kwargs):
        calls["verify"] += 1
        return real_verify(self, *args, **kwargs)

    monkeypatch.setattr(PasswordHasher, "hash", counting_hash)
    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    return calls


def test_unknown_address_costs_one_password_check_like_a_known_one(client, make_person, hasher_calls):
    make_person(email="robin@example.org")
    submit_sign_in(client, "first@example.org", WRONG_PASSWORD)  # the dummy hash is made once, here

    hasher_calls.update(hash=0, verify=0)
    submit_sign_in(client, "nobody@example.org", WRONG_PASSWORD)
    unknown = dict(hasher_calls)
    hasher_calls.update(hash=0, verify=0)
    submit_sign_in(client, "robin@example.org", WRONG_PASSWORD)
    known = dict(hasher_calls)

    assert unknown == known == {"hash": 0, "verify": 1}


def test_signed_in_person_opening_sign_in_goes_to_their_account(client, make_person):
    sign_in(client, make_person())

    response = client.get("/account/sign-in")

    assert response.location == "/account/"


def test_sign_in_page_refusal_changes_only_the_failure_count(client, make_person):
    person = make_person(email="robin@example.org")
    before = account_tables()

    submit_sign_in(client, "robin@example.org", WRONG_PASSWORD)

    assert account_tables() == before
    assert sign_in_pause(person).failed_count == 1
