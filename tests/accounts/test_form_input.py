"""Bad input on every account form: the message appears on the field and nothing in the database changes."""

import pytest

from tests.accounts.steps import (
    NEW_PASSWORD,
    account_tables,
    assert_refused_on_field,
    enrolment_key,
    submit_sign_in,
    turn_on_two_factor,
    wrong_totp_code,
)
from tests.helpers import emails_to, link_in, sign_in

ENTER_EMAIL = ("email", "Enter your email address")
BAD_EMAIL = ("email", "Enter an email address in the right format, like name@example.org")
LONG_EMAIL = ("email", "Email address must be 254 characters or fewer")
SHORT_PASSWORD = ("password", "Password must be at least 12 characters. Try three random words.")
LONG_PASSWORD = ("password", "Password must be 128 characters or fewer")
EASY_PASSWORD = ("password", "That password is too easy to guess. Try three random words.")
ENTER_PASSWORD = ("password", "Enter a password")
ENTER_CONFIRMATION = ("confirm", "Enter the password again to confirm it")
MISMATCH = ("confirm", "The passwords do not match. Enter the same password twice.")
WRONG_PASSWORD = ("password", "Your password is not right. Enter the password you sign in with.")

# 255 characters, otherwise a well-formed address.
ADDRESS_TOO_LONG = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 58 + ".org"
assert len(ADDRESS_TOO_LONG) == 255


def _visitor(client, person):
    return None


def _signed_in(client, person):
    sign_in(client, person)


def _password_given(client, person):
    turn_on_two_factor(person)
    response = submit_sign_in(client, person.email)
    assert response.location == "/account/sign-in/two-factor"


def _enrolling(client, person):
    sign_in(client, person)
    client.get("/account/two-factor")


def _two_factor_on(client, person):
    turn_on_two_factor(person)
    sign_in(client, person)


def _reset_link(client, person):
    client.post("/account/forgot-password", data={"email": person.email})
    [message] = emails_to(person.email)
    return link_in(message, "/account/reset-password/")


def _sign_up(**data):
    return {
        "name": "Robin Hart",
        "email": "robin@example.org",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    } | data


def _new_password(**data):
    return {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD} | data


# (form, how the person gets there, the page it posts to, what they enter, the (field, message) pairs shown)
CASES = [
    # Sign-up
    (
        "sign-up",
        _visitor,
        "/account/sign-up",
        {"name": "", "email": "", "password": "", "confirm": ""},
        [("name", "Enter your full name"), ENTER_EMAIL, ENTER_PASSWORD, ENTER_CONFIRMATION],
    ),
    ("sign-up", _visitor, "/account/sign-up", _sign_up(name="   "), [("name", "Enter your full name")]),
    (
        "sign-up",
        _visitor,
        "/account/sign-up",
        _sign_up(name="R" * 201),
        [("name", "Full name must be 200 characters or fewer")],
    ),
    ("sign-up", _visitor, "/account/sign-up", _sign_up(email="robin.example.org"), [BAD_EMAIL]),
    ("sign-up", _visitor, "/account/sign-up", _sign_up(email="robin@example"), [BAD_EMAIL]),
    ("sign-up", _visitor, "/account/sign-up", _sign_up(email=ADDRESS_TOO_LONG), [LONG_EMAIL]),
    (
        "sign-up",
        _visitor,
        "/account/sign-up",
        _sign_up(password="short words", confirm="short words"),
        [SHORT_PASSWORD],
    ),
    ("sign-up", _visitor, "/account/sign-up", _sign_up(password="w" * 129, confirm="w" * 129), [LONG_PASSWORD]),
    (
        "sign-up",
        _visitor,
        "/account/sign-up",
        _sign_up(password="Password1234", confirm="Password1234"),
        [EASY_PASSWORD],
    ),
    (
        "sign-up",
        _visitor,
        "/account/sign-up",
        _sign_up(password="abababababab", confirm="abababababab"),
        [EASY_PASSWORD],
    ),
    (
        "sign-up",
        _visitor,
        "/account/sign-up",
        _sign_up(email="robin.hart@example.org", password="Robin.Hart@example.org", confirm="Robin.Hart@example.org"),
        [("password", "Your password must not be your email address")],
    ),
    ("sign-up", _visitor, "/account/sign-up", _sign_up(confirm="a different password"), [MISMATCH]),
    # Sign-in
    (
        "sign-in",
        _visitor,
        "/account/sign-in",
        {"email": "", "password": ""},
        [ENTER_EMAIL, ("password", "Enter your password")],
    ),
    ("sign-in", _visitor, "/account/sign-in", {"email": "robin@", "password": NEW_PASSWORD}, [BAD_EMAIL]),
    ("sign-in", _visitor, "/account/sign-in", {"email": ADDRESS_TOO_LONG, "password": NEW_PASSWORD}, [LONG_EMAIL]),
    # The code asked for at sign-in (a wrong code counts as a failed attempt: see test_two_factor)
    ("sign-in code", _password_given, "/account/sign-in/two-factor", {"code": ""}, [("code", "Enter your code")]),
    (
        "sign-in code",
        _password_given,
        "/account/sign-in/two-factor",
        {"code": "1" * 21},
        [("code", "The code must be 6 digits, or a recovery code like abcd-efgh-jkmn")],
    ),
    # Turning two-factor on
    ("two-factor on", _enrolling, "/account/two-factor", {"code": ""}, [("code", "Enter your 6-digit code")]),
    ("two-factor on", _enrolling, "/account/two-factor", {"code": "1" * 11}, [("code", "The code must be 6 digits")]),
    (
        "two-factor on",
        _enrolling,
        "/account/two-factor",
        {"code": "abcdef"},
        [("code", "That code is not right. Enter the 6-digit code your app shows for NALW now.")],
    ),
    (
        "two-factor on",
        _enrolling,
        "/account/two-factor",
        {"code": lambda client: wrong_totp_code(enrolment_key(client))},
        [("code", "That code is not right. Enter the 6-digit code your app shows for NALW now.")],
    ),
    # Turning two-factor off
    (
        "two-factor off",
        _two_factor_on,
        "/account/two-factor/disable",
        {"password": ""},
        [("password", "Enter your password")],
    ),
    (
        "two-factor off",
        _two_factor_on,
        "/account/two-factor/disable",
        {"password": "not my password"},
        [WRONG_PASSWORD],
    ),
    # Forgotten password
    ("forgot password", _visitor, "/account/forgot-password", {"email": ""}, [ENTER_EMAIL]),
    ("forgot password", _visitor, "/account/forgot-password", {"email": "robin at example.org"}, [BAD_EMAIL]),
    ("forgot password", _visitor, "/account/forgot-password", {"email": ADDRESS_TOO_LONG}, [LONG_EMAIL]),
    # Reset password (from the emailed link)
    ("reset password", _reset_link, None, {"password": "", "confirm": ""}, [ENTER_PASSWORD, ENTER_CONFIRMATION]),
    ("reset password", _reset_link, None, _new_password(password="tiny", confirm="tiny"), [SHORT_PASSWORD]),
    (
        "reset password",
        _reset_link,
        None,
        _new_password(password="welcome12345", confirm="welcome12345"),
        [EASY_PASSWORD],
    ),
    ("reset password", _reset_link, None, _new_password(confirm="willow teapot granite"), [MISMATCH]),
    # Change password
    (
        "change password",
        _signed_in,
        "/account/password",
        {"current_password": "", "password": "", "confirm": ""},
        [("current_password", "Enter your current password"), ENTER_PASSWORD, ENTER_CONFIRMATION],
    ),
    (
        "change password",
        _signed_in,
        "/account/password",
        _new_password(current_password="not my password"),
        [("current_password", "Your current password is not right. Enter the password you sign in with.")],
    ),
    (
        "change password",
        _signed_in,
        "/account/password",
        _new_password(current_password="correct horse battery staple", password="short", confirm="short"),
        [SHORT_PASSWORD],
    ),
    (
        "change password",
        _signed_in,
        "/account/password",
        _new_password(current_password="correct horse battery staple", confirm="something else entirely"),
        [MISMATCH],
    ),
    # Change email
    (
        "change email",
        _signed_in,
        "/account/email",
        {"email": "", "password": ""},
        [("email", "Enter your new email address"), ("password", "Enter your password")],
    ),
    ("change email", _signed_in, "/account/email", {"email": "new@@example.org", "password": "x"}, [BAD_EMAIL]),
    ("change email", _signed_in, "/account/email", {"email": ADDRESS_TOO_LONG, "password": "x"}, [LONG_EMAIL]),
    (
        "change email",
        _signed_in,
        "/account/email",
        {"email": "new@example.org", "password": "wrong one"},
        [WRONG_PASSWORD],
    ),
    # Erase
    (
        "erase",
        _signed_in,
        "/account/erase",
        {"confirm": "", "password": ""},
        [("confirm", "Enter your confirmation"), ("password", "Enter your password")],
    ),
    (
        "erase",
        _signed_in,
        "/account/erase",
        {"confirm": "yes", "password": "correct horse battery staple"},
        [("confirm", "Type ERASE in capital letters to confirm")],
    ),
    ("erase", _signed_in, "/account/erase", {"confirm": "ERASE", "password": "not it"}, [WRONG_PASSWORD]),
]


def _case_id(case):
    form, _, _, data, shown = case
    return f"{form}: " + ", ".join(message for _, message in shown)[:60]


@pytest.mark.parametrize(("form", "arrive", "path", "data", "shown"), CASES, ids=[_case_id(case) for case in CASES])
def test_bad_input_is_shown_on_the_field_and_changes_nothing(client, make_person, form, arrive, path, data, shown):
    person = make_person(email="robin@example.org")
    path = arrive(client, person) or path
    entered = {name: value(client) if callable(value) else value for name, value in data.items()}
    before = account_tables()

    response = client.post(path, data=entered)

    for field_id, message in shown:
        assert_refused_on_field(response, field_id, message)
    assert account_tables() == before
