"""Changing the email address: confirmed from the new address, announced to the old one."""

import sqlalchemy as sa

from nalw.core.audit import AuditEntry
from nalw.extensions import db
from tests.accounts.steps import account_tables, assert_refused_on_field, is_signed_in, submit_sign_in
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import emails_to, link_in, page_text, sign_in


def ask_to_change_email(client, new_address, password=DEFAULT_PASSWORD, **request_options):
    return client.post("/account/email", data={"email": new_address, "password": password}, **request_options)


def confirmation_link(address):
    [message] = emails_to(address)
    assert message.subject == "Confirm your new email address"
    return link_in(message, "/account/email/confirm/")


def test_confirmation_link_goes_to_the_new_address_and_nothing_changes_until_it_is_followed(client, make_person):
    person = make_person(email="old@example.org")
    sign_in(client, person)

    response = ask_to_change_email(client, "New@Example.org", follow_redirects=True)

    assert "We have sent a link to new@example.org. Your address changes when you follow it." in page_text(response)
    assert person.email == "old@example.org"
    assert confirmation_link("new@example.org")
    assert emails_to("old@example.org") == []


def test_following_the_link_changes_the_address_and_tells_the_old_one(client, make_person):
    person = make_person(name="Robin Hart", email="old@example.org")
    sign_in(client, person)
    ask_to_change_email(client, "new@example.org")

    response = client.get(confirmation_link("new@example.org"), follow_redirects=True)

    assert "Your email address is now new@example.org." in page_text(response)
    assert person.email == "new@example.org"
    assert person.email_verified_at is not None
    [notice] = emails_to("old@example.org")
    assert notice.subject == "Your NALW email address was changed"
    assert "Hello Robin Hart," in notice.body_text
    assert "is now new@example.org" in notice.body_text
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "account.email_changed"))
    assert entry.target_id == str(person.id)
    assert (entry.before, entry.after) == ({"email": "old@example.org"}, {"email": "new@example.org"})


def test_after_the_change_only_the_new_address_signs_in(app, client, make_person):
    person = make_person(email="old@example.org")
    sign_in(client, person)
    ask_to_change_email(client, "new@example.org")
    client.get(confirmation_link("new@example.org"))
    visitor = app.test_client()

    submit_sign_in(visitor, "old@example.org")
    old_worked = is_signed_in(visitor)
    submit_sign_in(visitor, "new@example.org")

    assert not old_worked
    assert is_signed_in(visitor)


def test_confirmation_link_works_from_a_device_that_is_not_signed_in(app, client, make_person):
    person = make_person(email="old@example.org")
    sign_in(client, person)
    ask_to_change_email(client, "new@example.org")

    response = app.test_client().get(confirmation_link("new@example.org"))

    assert response.location == "/account/sign-in"
    assert person.email == "new@example.org"


def test_taken_address_is_refused_whatever_its_case(signed_in_client, make_person):
    make_person(email="taken@example.org")
    client, person = signed_in_client("member")
    before = account_tables()

    response = ask_to_change_email(client, "Taken@EXAMPLE.org")

    assert_refused_on_field(response, "email", "Another account uses that email address. Enter a different one.")
    assert account_tables() == before


def test_own_address_is_refused(signed_in_client):
    client, person = signed_in_client("member")
    before = account_tables()

    response = ask_to_change_email(client, person.email.upper())

    assert_refused_on_field(response, "email", "That is already your email address. Enter a different one.")
    assert account_tables() == before


def test_wrong_password_is_refused(signed_in_client):
    client, _ = signed_in_client("member")
    before = account_tables()

    response = ask_to_change_email(client, "new@example.org", password="not my password")

    assert_refused_on_field(response, "password", "Your password is not right. Enter the password you sign in with.")
    assert account_tables() == before


def test_confirmation_link_works_only_once(client, make_person):
    person = make_person(email="old@example.org")
    sign_in(client, person)
    ask_to_change_email(client, "new@example.org")
    link = confirmation_link("new@example.org")
    client.get(link)
    before = account_tables()

    response = client.get(link)

    assert response.status_code == 400
    assert "This link has already been used or is no longer valid." in page_text(response)
    assert account_tables() == before


def test_confirmation_link_is_refused_if_someone_took_the_address_meanwhile(client, make_person):
    person = make_person(email="old@example.org")
    sign_in(client, person)
    ask_to_change_email(client, "new@example.org")
    make_person(email="new@example.org")
    before = account_tables()

    response = client.get(confirmation_link("new@example.org"))

    assert response.status_code == 400
    assert "Another account now uses that email address, so it cannot be changed." in page_text(response)
    assert account_tables() == before
    assert person.email == "old@example.org"


def test_confirmation_link_expires(client, app, make_person, clock):
    person = make_person(email="old@example.org")
    sign_in(client, person)
    ask_to_change_email(client, "new@example.org")
    link = confirmation_link("new@example.org")
    clock.shift(app.config["EMAIL_TOKEN_MAX_AGE"] + 1)
    before = account_tables()

    response = client.get(link)

    assert response.status_code == 400
    assert "This link has expired. Ask for a new one." in page_text(response)
    assert account_tables() == before
    assert person.email == "old@example.org"


def test_tampered_confirmation_link_is_refused(client, make_person):
    person = make_person(email="old@example.org")
    sign_in(client, person)
    ask_to_change_email(client, "new@example.org")
    link = confirmation_link("new@example.org")
    before = account_tables()

    response = client.get(link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB"))

    assert response.status_code == 400
    assert "This link is not valid. Ask for a new one." in page_text(response)
    assert account_tables() == before
