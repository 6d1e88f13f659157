"""Changing a password (which ends every other session) and resetting a forgotten one."""

from nalw.accounts.security import password_matches
from nalw.core.outbox import OutboxMessage
from tests.accounts.steps import (
    NEW_PASSWORD,
    account_tables,
    assert_refused_on_field,
    count_rows,
    is_signed_in,
    submit_sign_in,
)
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import emails_to, link_in, page_text, sign_in


def change_password(client, current=DEFAULT_PASSWORD, new=NEW_PASSWORD, **request_options):
    return client.post(
        "/account/password", data={"current_password": current, "password": new, "confirm": new}, **request_options
    )


# --- Changing the password ---------------------------------------------------------------------


def test_change_password_with_wrong_current_password_is_refused(signed_in_client):
    client, person = signed_in_client("member")
    before = account_tables()

    response = change_password(client, current="not my password")

    assert_refused_on_field(
        response, "current_password", "Your current password is not right. Enter the password you sign in with."
    )
    assert account_tables() == before
    assert password_matches(person.password_hash, DEFAULT_PASSWORD)


def test_change_password_keeps_this_session_and_emails_the_owner(signed_in_client):
    client, person = signed_in_client("member")

    response = change_password(client, follow_redirects=True)

    assert response.request.path == "/account/"
    assert "Your password has been changed. Other devices have been signed out." in page_text(response)
    assert is_signed_in(client)
    assert password_matches(person.password_hash, NEW_PASSWORD)
    assert [message.subject for message in emails_to(person.email)] == ["Your NALW password was changed"]


def test_change_password_ends_other_sessions(app, make_person):
    make_person(email="robin@example.org")
    laptop, phone = app.test_client(), app.test_client()
    submit_sign_in(laptop, "robin@example.org")
    submit_sign_in(phone, "robin@example.org")
    old_phone_cookie = phone.get_cookie("session").value

    change_password(laptop)

    assert is_signed_in(laptop)
    assert not is_signed_in(phone)
    stolen = app.test_client()
    stolen.set_cookie("session", old_phone_cookie)
    assert not is_signed_in(stolen)


def test_change_password_ends_remember_me_on_other_devices(app, make_person):
    make_person(email="robin@example.org")
    laptop, phone = app.test_client(), app.test_client()
    submit_sign_in(laptop, "robin@example.org")
    submit_sign_in(phone, "robin@example.org", remember=True)
    phone.delete_cookie("session")
    assert is_signed_in(phone)

    change_password(laptop)
    phone.delete_cookie("session")

    assert not is_signed_in(phone)


def test_after_changing_password_only_the_new_one_signs_in(client, make_person):
    person = make_person(email="robin@example.org")
    sign_in(client, person)
    change_password(client)
    client.post("/account/sign-out")

    old = submit_sign_in(client, "robin@example.org", DEFAULT_PASSWORD)
    assert not is_signed_in(client)
    submit_sign_in(client, "robin@example.org", NEW_PASSWORD)

    assert "The email address or password is not right" in page_text(old)
    assert is_signed_in(client)


# --- Resetting a forgotten password ---------------------------------------------------------------


def ask_for_reset(client, address):
    return client.post("/account/forgot-password", data={"email": address})


def reset_link(address):
    [message] = [message for message in emails_to(address) if message.subject == "Reset your NALW password"]
    return link_in(message, "/account/reset-password/")


def choose_password(client, link, password=NEW_PASSWORD, **request_options):
    return client.post(link, data={"password": password, "confirm": password}, **request_options)


def test_reset_page_says_the_same_whether_or_not_the_address_has_an_account(client, make_person):
    make_person(email="robin@example.org")
    emails_before = count_rows(OutboxMessage)

    known = ask_for_reset(client, "robin@example.org")
    unknown = ask_for_reset(client, "nobody@example.org")

    assert known.status_code == unknown.status_code == 200
    assert "If robin@example.org has an account, we have sent it a link" in page_text(known)
    assert page_text(known).replace("robin@", "X@") == page_text(unknown).replace("nobody@", "X@")
    assert count_rows(OutboxMessage) == emails_before + 1
    assert emails_to("nobody@example.org") == []
    [message] = emails_to("robin@example.org")
    assert "The link works once, for 60 minutes." in message.body_text


def test_reset_link_sets_a_new_password(client, make_person):
    person = make_person(email="robin@example.org", unverified=True)
    ask_for_reset(client, "Robin@Example.org")
    link = reset_link("robin@example.org")

    form = client.get(link)
    response = choose_password(client, link, follow_redirects=True)

    assert "Choose a new password" in page_text(form)
    assert response.request.path == "/account/sign-in"
    assert "Your password has been changed. Sign in with your new password." in page_text(response)
    assert password_matches(person.password_hash, NEW_PASSWORD)
    assert person.email_verified_at is not None
    assert "Your NALW password was changed" in [message.subject for message in emails_to("robin@example.org")]
    submit_sign_in(client, "robin@example.org", NEW_PASSWORD)
    assert is_signed_in(client)


def test_reset_ends_every_session(app, make_person):
    make_person(email="robin@example.org")
    phone = app.test_client()
    submit_sign_in(phone, "robin@example.org", remember=True)
    visitor = app.test_client()
    ask_for_reset(visitor, "robin@example.org")

    choose_password(visitor, reset_link("robin@example.org"))

    assert not is_signed_in(phone)
    phone.delete_cookie("session")
    assert not is_signed_in(phone)


def test_reset_link_works_only_once(client, make_person):
    person = make_person(email="robin@example.org")
    ask_for_reset(client, "robin@example.org")
    link = reset_link("robin@example.org")
    choose_password(client, link)
    before = account_tables()

    opened_again = client.get(link)
    posted_again = choose_password(client, link, password="another fresh password here")

    for response in (opened_again, posted_again):
        assert response.status_code == 400
        assert "This link has already been used or is no longer valid. Ask for a new one." in page_text(response)
    assert account_tables() == before
    assert password_matches(person.password_hash, NEW_PASSWORD)


def test_reset_link_expires_after_reset_token_max_age(client, app, make_person, clock):
    person = make_person(email="robin@example.org")
    ask_for_reset(client, "robin@example.org")
    link = reset_link("robin@example.org")
    clock.shift(app.config["RESET_TOKEN_MAX_AGE"] + 1)
    before = account_tables()

    response = choose_password(client, link)

    assert response.status_code == 400
    assert "This link has expired. Ask for a new one." in page_text(response)
    assert account_tables() == before
    assert password_matches(person.password_hash, DEFAULT_PASSWORD)


def test_reset_link_still_works_just_before_it_expires(client, app, make_person, clock):
    person = make_person(email="robin@example.org")
    ask_for_reset(client, "robin@example.org")
    link = reset_link("robin@example.org")
    clock.shift(app.config["RESET_TOKEN_MAX_AGE"] - 60)

    choose_password(client, link)

    assert password_matches(person.password_hash, NEW_PASSWORD)


def test_tampered_reset_link_is_refused(client, make_person):
    person = make_person(email="robin@example.org")
    ask_for_reset(client, "robin@example.org")
    link = reset_link("robin@example.org")
    token = link.rsplit("/", 1)[1]
    tampered = link.replace(token, token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
    before = account_tables()

    response = choose_password(client, tampered)

    assert response.status_code == 400
    assert "This link is not valid. Ask for a new one." in page_text(response)
    assert account_tables() == before
    assert password_matches(person.password_hash, DEFAULT_PASSWORD)


def test_reset_link_dies_when_the_password_is_changed_another_way(client, make_person):
    person = make_person(email="robin@example.org")
    ask_for_reset(client, "robin@example.org")
    link = reset_link("robin@example.org")
    sign_in(client, person)
    change_password(client)
    client.post("/account/sign-out")

    response = client.get(link)

    assert response.status_code == 400
    assert "This link has already been used or is no longer valid." in page_text(response)
