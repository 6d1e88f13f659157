"""With CSRF protection on (as in production), a form posted without its token is refused and changes nothing."""

import re

import pytest

from nalw.extensions import db
from tests.accounts.steps import (
    NEW_PASSWORD,
    account_tables,
    enrolment_key,
    is_signed_in,
    totp_code,
    turn_on_two_factor,
)
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import emails_to, link_in, page_text, sign_in


@pytest.fixture
def settings():
    return {"WTF_CSRF_ENABLED": True}


def csrf_token_on(client, path):
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def post_as_the_page_would(client, path, data, page=None):
    return client.post(path, data={**data, "csrf_token": csrf_token_on(client, page or path)})


def _visitor(client, person):
    return None


def _signed_in(client, person):
    sign_in(client, person)


def _password_given(client, person):
    turn_on_two_factor(person)
    response = post_as_the_page_would(client, "/account/sign-in", {"email": person.email, "password": DEFAULT_PASSWORD})
    assert response.location == "/account/sign-in/two-factor"
    return {"code": totp_code(person.totp_secret)}


def _enrolling(client, person):
    sign_in(client, person)
    client.get("/account/two-factor")
    return {"code": totp_code(enrolment_key(client))}


def _two_factor_on(client, person):
    turn_on_two_factor(person)
    sign_in(client, person)


def _unverified(client, person):
    person.email_verified_at = None
    db.session.flush()
    sign_in(client, person)


def _reset_link(client, person):
    post_as_the_page_would(client, "/account/forgot-password", {"email": person.email})
    [message] = emails_to(person.email)
    return {"path": link_in(message, "/account/reset-password/")}


SIGN_UP = {"name": "Alex Jones", "email": "alex@example.org", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}

# (what is posted, how the person gets there, where it posts, what they enter)
CASES = [
    ("sign-up", _visitor, "/account/sign-up", SIGN_UP),
    ("sign-in", _visitor, "/account/sign-in", {"email": "robin@example.org", "password": DEFAULT_PASSWORD}),
    ("sign-in code", _password_given, "/account/sign-in/two-factor", {}),
    ("sign-out", _signed_in, "/account/sign-out", {}),
    ("resend verification", _unverified, "/account/verify/resend", {}),
    ("forgot password", _visitor, "/account/forgot-password", {"email": "robin@example.org"}),
    ("reset password", _reset_link, None, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
    (
        "change password",
        _signed_in,
        "/account/password",
        {"current_password": DEFAULT_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ),
    ("change email", _signed_in, "/account/email", {"email": "new@example.org", "password": DEFAULT_PASSWORD}),
    ("two-factor on", _enrolling, "/account/two-factor", {}),
    ("new recovery codes", _two_factor_on, "/account/two-factor/recovery-codes", {}),
    ("two-factor off", _two_factor_on, "/account/two-factor/disable", {"password": DEFAULT_PASSWORD}),
    ("erase", _signed_in, "/account/erase", {"confirm": "ERASE", "password": DEFAULT_PASSWORD}),
]


@pytest.mark.parametrize(("action", "arrive", "path", "data"), CASES, ids=[case[0] for case in CASES])
@pytest.mark.parametrize("token", [None, "forged-token"], ids=["no token", "forged token"])
def test_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(
    client, make_person, action, arrive, path, data, token
):
    person = make_person(email="robin@example.org")
    found = arrive(client, person) or {}
    path = found.pop("path", path)
    signed_in_before = is_signed_in(client)
    before = account_tables()

    response = client.post(path, data={**data, **found, **({"csrf_token": token} if token else {})})

    assert response.status_code == 400
    page = page_text(response)
    assert "This form has expired" in page
    assert "Go back, reload the page and submit the form again." in page
    assert "the professional body for social prescribing link workers in the UK" in page
    assert account_tables() == before
    assert is_signed_in(client) == signed_in_before


def test_the_same_sign_in_with_the_pages_token_works(client, make_person):
    make_person(email="robin@example.org")

    response = post_as_the_page_would(
        client, "/account/sign-in", {"email": "robin@example.org", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert is_signed_in(client)


def test_sign_out_button_in_the_layout_carries_a_working_token(client, make_person):
    sign_in(client, make_person())

    response = post_as_the_page_would(client, "/account/sign-out", {}, page="/")

    assert response.status_code == 302
    assert not is_signed_in(client)
