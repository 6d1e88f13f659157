"""Two-factor sign-in: enrolment, codes at sign-in, recovery codes, and the roles that must keep it."""

import json
import re

import pytest
import sqlalchemy as sa

from nalw.accounts import services
from nalw.accounts.models import RecoveryCode
from nalw.accounts.security import RECOVERY_CODE_COUNT
from nalw.extensions import db
from tests.accounts.steps import (
    account_tables,
    assert_refused_on_field,
    enrolment_key,
    is_signed_in,
    sign_in_pause,
    sign_out,
    submit_code,
    submit_sign_in,
    totp_code,
    wrong_totp_code,
)
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import emails_to, page_text, sign_in

WRONG_SIGN_IN_CODE = "That code is not right. Enter the 6-digit code your app shows now, or a recovery code."


def recovery_codes_for(person):
    return services.replace_recovery_codes(person)


# --- Enrolment ---------------------------------------------------------------------------------


def test_enrolment_page_shows_inline_svg_qr_code_and_the_key(signed_in_client):
    client, person = signed_in_client("member")

    response = client.get("/account/two-factor")

    html = response.get_data(as_text=True)
    key = enrolment_key(client)
    assert re.search(r"<svg\b[^>]*>.*<title>QR code for your authenticator app</title>", html, re.S)
    assert "<img" not in html
    assert f"Key to type instead: {key}" in page_text(response)
    assert person.totp_secret is None


def test_enrolment_key_stays_the_same_until_it_is_used(signed_in_client):
    client, _ = signed_in_client("member")
    client.get("/account/two-factor")
    first_key = enrolment_key(client)

    client.get("/account/two-factor")

    assert enrolment_key(client) == first_key


def test_wrong_enrolment_code_is_refused_on_the_field_and_nothing_is_saved(signed_in_client):
    client, person = signed_in_client("member")
    client.get("/account/two-factor")
    before = account_tables()

    response = client.post("/account/two-factor", data={"code": wrong_totp_code(enrolment_key(client))})

    assert_refused_on_field(
        response, "code", "That code is not right. Enter the 6-digit code your app shows for NALW now."
    )
    assert account_tables() == before
    assert person.totp_enabled_at is None
    assert person.totp_secret is None


def test_right_code_turns_two_factor_on_and_shows_recovery_codes_once(signed_in_client):
    client, person = signed_in_client("member")
    client.get("/account/two-factor")
    key = enrolment_key(client)

    response = client.post("/account/two-factor", data={"code": totp_code(key)}, follow_redirects=True)

    page = page_text(response)
    shown_codes = re.findall(r"\b[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}\b", page)
    assert "Two-factor sign-in is on." in page
    assert "This is the only time we show them." in page
    assert len(shown_codes) == RECOVERY_CODE_COUNT
    assert person.totp_secret == key
    assert person.totp_enabled_at is not None
    stored = db.session.scalars(sa.select(RecoveryCode.code_digest).where(RecoveryCode.person_id == person.id)).all()
    assert len(stored) == RECOVERY_CODE_COUNT
    assert not set(shown_codes) & set(stored)
    assert [message.subject for message in emails_to(person.email)] == ["Two-factor sign-in is on"]

    again = client.get("/account/two-factor/recovery-codes", follow_redirects=True)
    assert again.request.path == "/account/two-factor"
    assert not any(code in page_text(again) for code in shown_codes)
    assert f"You have {RECOVERY_CODE_COUNT} unused recovery codes." in page_text(again)


def session_cookie_contents(app, client):
    """What anyone holding the session cookie can read: it is signed, not encrypted."""
    serializer = app.session_interface.get_signing_serializer(app)
    return json.dumps(serializer.loads(client.get_cookie("session").value))


def test_enrolment_key_and_recovery_codes_never_ride_in_the_session_cookie(app, signed_in_client):
    client, person = signed_in_client("member")
    client.get("/account/two-factor")
    key = enrolment_key(client)
    during_enrolment = session_cookie_contents(app, client)

    client.post("/account/two-factor", data={"code": totp_code(key)})
    before_codes_are_shown = session_cookie_contents(app, client)
    shown = client.get("/account/two-factor/recovery-codes")
    codes = re.findall(r"\b[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}\b", page_text(shown))
    client.post("/account/two-factor/recovery-codes")
    after_new_codes = session_cookie_contents(app, client)
    new_codes = re.findall(
        r"\b[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}\b", page_text(client.get("/account/two-factor/recovery-codes"))
    )

    assert len(codes) == len(new_codes) == RECOVERY_CODE_COUNT
    assert key not in during_enrolment
    for cookie in (before_codes_are_shown, after_new_codes):
        assert key not in cookie
        assert not [code for code in codes + new_codes if code in cookie]


def test_making_new_recovery_codes_cancels_the_old_ones(client, make_person):
    person = make_person(two_factor=True)
    old_codes = recovery_codes_for(person)
    sign_in(client, person)

    response = client.post("/account/two-factor/recovery-codes", follow_redirects=True)
    sign_out(client)

    new_codes = re.findall(r"\b[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}\b", page_text(response))
    assert len(new_codes) == RECOVERY_CODE_COUNT
    submit_sign_in(client, person.email)
    assert_refused_on_field(submit_code(client, old_codes[0]), "code", WRONG_SIGN_IN_CODE)
    submit_code(client, new_codes[0])
    assert is_signed_in(client)


# --- Signing in with a code ----------------------------------------------------------------------


def test_sign_in_asks_for_the_code_once_two_factor_is_on(client, make_person, clock):
    person = make_person(two_factor=True, email="robin@example.org")

    response = submit_sign_in(client, "robin@example.org", next_path="/account/password")

    assert response.location == "/account/sign-in/two-factor"
    assert not is_signed_in(client)
    assert "Enter your sign-in code" in page_text(client.get(response.location))
    after_code = submit_code(client, totp_code(person.totp_secret))
    assert after_code.location == "/account/password"
    assert is_signed_in(client)


def test_code_page_without_a_password_first_sends_to_sign_in(client):
    response = client.get("/account/sign-in/two-factor", follow_redirects=True)

    assert response.request.path == "/account/sign-in"
    assert "Your sign-in took too long. Please sign in again." in page_text(response)


def test_code_must_follow_the_password_within_five_minutes(client, make_person, clock):
    person = make_person(two_factor=True, email="robin@example.org")
    submit_sign_in(client, "robin@example.org")

    clock.shift(301)
    response = submit_code(client, totp_code(person.totp_secret), follow_redirects=True)

    assert "Your sign-in took too long. Please sign in again." in page_text(response)
    assert not is_signed_in(client)


def test_remember_me_is_kept_through_the_code_step(client, make_person, clock):
    person = make_person(two_factor=True, email="robin@example.org")
    submit_sign_in(client, "robin@example.org", remember=True)
    assert client.get_cookie("remember_token") is None

    submit_code(client, totp_code(person.totp_secret))

    assert client.get_cookie("remember_token") is not None


def test_totp_code_cannot_be_used_twice(client, make_person, clock):
    person = make_person(two_factor=True, email="robin@example.org")
    code = totp_code(person.totp_secret)
    submit_sign_in(client, "robin@example.org")
    submit_code(client, code)
    sign_out(client)

    submit_sign_in(client, "robin@example.org")
    response = submit_code(client, code)

    assert_refused_on_field(response, "code", WRONG_SIGN_IN_CODE)
    assert not is_signed_in(client)


def test_enrolment_code_cannot_be_used_again_to_sign_in(client, make_person, clock):
    person = make_person(email="robin@example.org")
    sign_in(client, person)
    client.get("/account/two-factor")
    code = totp_code(enrolment_key(client))
    client.post("/account/two-factor", data={"code": code})
    sign_out(client)

    submit_sign_in(client, "robin@example.org")
    refused = submit_code(client, code)
    clock.shift(30)
    accepted = submit_code(client, totp_code(person.totp_secret))

    assert_refused_on_field(refused, "code", WRONG_SIGN_IN_CODE)
    assert accepted.status_code == 302
    assert is_signed_in(client)


def test_staff_land_on_their_dashboard_after_signing_in_with_nowhere_else_to_go(client, person_as, clock):
    staff = person_as("staff", email="sam.staff@example.org")
    person_as("member", email="mo.member@example.org")

    submit_sign_in(client, "sam.staff@example.org")
    to_staff = submit_code(client, totp_code(staff.totp_secret))
    sign_out(client)
    member_lands = submit_sign_in(client, "mo.member@example.org")

    assert to_staff.location == "/admin/"
    assert member_lands.location == "/"


def test_recovery_code_works_once(client, make_person):
    person = make_person(two_factor=True, email="robin@example.org")
    codes = recovery_codes_for(person)
    submit_sign_in(client, "robin@example.org")

    response = submit_code(client, f" {codes[0].upper()} ", follow_redirects=True)

    assert is_signed_in(client)
    page = page_text(response)
    assert f"You used a recovery code. You have {RECOVERY_CODE_COUNT - 1} left" in page
    sign_out(client)
    submit_sign_in(client, "robin@example.org")
    assert_refused_on_field(submit_code(client, codes[0]), "code", WRONG_SIGN_IN_CODE)
    assert not is_signed_in(client)


def test_wrong_codes_count_towards_lock_out_and_then_the_right_code_is_refused(client, app, make_person, clock):
    person = make_person(two_factor=True, email="robin@example.org")
    submit_sign_in(client, "robin@example.org")
    wrong = wrong_totp_code(person.totp_secret)
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        assert_refused_on_field(submit_code(client, wrong), "code", WRONG_SIGN_IN_CODE)

    response = submit_code(client, totp_code(person.totp_secret), follow_redirects=True)

    assert sign_in_pause(person).locked_until is not None
    assert response.request.path == "/account/sign-in"
    assert "Sign-in from this device is paused after too many failed attempts" in page_text(response)
    assert not is_signed_in(client)
    assert [message.subject for message in emails_to("robin@example.org")] == [
        "Sign-in to your NALW account was paused"
    ]


# --- Roles that need two-factor ---------------------------------------------------------------


@pytest.mark.parametrize("role", ["judge", "staff", "admin"])
def test_role_holder_without_two_factor_is_sent_to_set_it_up_at_sign_in(client, person_as, role):
    person = person_as(role, two_factor=False)

    response = submit_sign_in(client, person.email, next_path="/admin/", follow_redirects=True)

    assert response.request.path == "/account/two-factor"
    page = page_text(response)
    assert "Your role needs two-factor sign-in. Set it up to continue." in page
    assert "Set up two-factor sign-in" in page


@pytest.mark.parametrize("role", ["staff", "admin"])
@pytest.mark.parametrize("path", ["/admin/", "/admin/people", "/admin/emails"])
def test_staff_without_two_factor_cannot_open_their_pages_until_it_is_set_up(client, person_as, role, path):
    person = person_as(role, two_factor=False)
    sign_in(client, person)

    response = client.get(path, follow_redirects=True)

    assert response.request.path == "/account/two-factor"
    assert "Your role needs two-factor sign-in. Set it up to continue." in page_text(response)


def test_admin_without_two_factor_cannot_open_the_audit_log(client, person_as):
    sign_in(client, person_as("admin", two_factor=False))

    response = client.get("/admin/audit")

    assert response.status_code == 302
    assert response.location == "/account/two-factor"


def test_staff_who_sets_up_two_factor_can_then_open_their_pages(client, person_as):
    sign_in(client, person_as("staff", two_factor=False))
    client.get("/account/two-factor")

    client.post("/account/two-factor", data={"code": totp_code(enrolment_key(client))})

    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("role", ["judge", "staff", "admin"])
def test_role_holder_cannot_turn_two_factor_off(signed_in_client, role):
    client, person = signed_in_client(role)

    status_page = client.get("/account/two-factor")
    response = client.post("/account/two-factor/disable", data={"password": DEFAULT_PASSWORD})

    assert "Your role needs two-factor sign-in, so it cannot be turned off." in page_text(status_page)
    assert 'id="password"' not in status_page.get_data(as_text=True)
    assert "Your role needs two-factor sign-in, so it cannot be turned off." in page_text(response)
    assert person.two_factor_enabled
    assert emails_to(person.email) == []


def test_account_holder_turns_two_factor_off_with_their_password(signed_in_client):
    client, person = signed_in_client("member", two_factor=True)
    recovery_codes_for(person)

    response = client.post("/account/two-factor/disable", data={"password": DEFAULT_PASSWORD}, follow_redirects=True)

    assert "Two-factor sign-in is off." in page_text(response)
    assert not person.two_factor_enabled
    assert person.totp_secret is None
    assert services.unused_recovery_code_count(person) == 0
    assert [message.subject for message in emails_to(person.email)] == ["Two-factor sign-in is off"]
    sign_out(client)
    submit_sign_in(client, person.email)
    assert is_signed_in(client)


def test_wrong_password_does_not_turn_two_factor_off(signed_in_client):
    client, person = signed_in_client("member", two_factor=True)
    before = account_tables()

    response = client.post("/account/two-factor/disable", data={"password": "not my password"})

    assert_refused_on_field(response, "password", "Your password is not right. Enter the password you sign in with.")
    assert account_tables() == before
    assert person.two_factor_enabled
