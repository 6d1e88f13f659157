"""Sign-up and email verification."""

import sqlalchemy as sa

from nalw.accounts.models import Person
from nalw.accounts.security import password_matches
from nalw.core.outbox import OutboxMessage
from nalw.extensions import db, mail
from tests.accounts.steps import NEW_PASSWORD, account_tables, count_rows, is_signed_in, submit_sign_up
from tests.helpers import emails_to, link_in, page_text, sign_in


def person_with_email(address):
    return db.session.scalar(sa.select(Person).where(Person.email == address))


def test_sign_up_creates_person_with_argon2_hash_and_lower_case_email(client):
    response = submit_sign_up(client, name="  Alex Jones ", email=" Alex.Jones@Example.ORG ")

    assert response.status_code == 302
    assert response.location == "/account/sign-up/check-your-email"
    person = person_with_email("alex.jones@example.org")
    assert person is not None
    assert person.name == "Alex Jones"
    assert person.password_hash.startswith("$argon2id$")
    assert NEW_PASSWORD not in person.password_hash
    assert password_matches(person.password_hash, NEW_PASSWORD)
    assert person.email_verified_at is None
    assert person.roles == frozenset()
    page = page_text(client.get(response.location))
    assert "Check your email" in page
    assert "We have sent a link to alex.jones@example.org" in page


def test_sign_up_does_not_sign_the_person_in(client):
    submit_sign_up(client)

    assert not is_signed_in(client)


def test_sign_up_writes_verification_email_to_outbox_and_sends_nothing(client):
    with mail.record_messages() as sent:
        submit_sign_up(client, email="alex@example.org")

    assert sent == []
    [message] = emails_to("alex@example.org")
    assert message.subject == "Confirm your email address"
    assert message.person_id == person_with_email("alex@example.org").id
    assert "Hello Alex," in message.body_text
    assert link_in(message, "/account/verify/")


def test_sign_up_with_address_that_has_account_in_any_case_emails_owner_and_creates_nothing(client, make_person):
    owner = make_person(name="Sam Owner", email="sam@example.org")
    original_hash = owner.password_hash
    new_visitor_page = page_text(client.get(submit_sign_up(client, email="new@example.org").location))
    people_before = count_rows(Person)

    response = submit_sign_up(client, name="Someone Else", email="SAM@Example.org")

    assert response.location == "/account/sign-up/check-your-email"
    existing_visitor_page = page_text(client.get(response.location))
    assert existing_visitor_page.replace("sam@example.org", "ADDRESS") == new_visitor_page.replace(
        "new@example.org", "ADDRESS"
    )
    assert count_rows(Person) == people_before
    assert owner.name == "Sam Owner"
    assert owner.password_hash == original_hash
    [message] = emails_to("sam@example.org")
    assert message.subject == "You already have a NALW account"
    assert "http://nalw.test/account/sign-in" in message.body_text
    assert "http://nalw.test/account/forgot-password" in message.body_text


def test_email_is_unique_whatever_case_it_is_typed_in(client):
    submit_sign_up(client, email="Pat@Example.org")
    submit_sign_up(client, email="PAT@EXAMPLE.ORG")
    submit_sign_up(client, email="pat@example.org")

    assert db.session.scalar(sa.select(sa.func.count()).where(sa.func.lower(Person.email) == "pat@example.org")) == 1
    subjects = [message.subject for message in emails_to("pat@example.org")]
    assert subjects == [
        "Confirm your email address",
        "You already have a NALW account",
        "You already have a NALW account",
    ]


def test_signed_in_person_opening_sign_up_goes_to_their_account(client, make_person):
    sign_in(client, make_person())

    response = client.get("/account/sign-up")

    assert response.status_code == 302
    assert response.location == "/account/"


# --- The verification link -----------------------------------------------------------------


def verification_link(address):
    [message] = [message for message in emails_to(address) if message.subject == "Confirm your email address"]
    return link_in(message, "/account/verify/")


def test_verification_link_confirms_address(client):
    submit_sign_up(client, email="alex@example.org")

    response = client.get(verification_link("alex@example.org"), follow_redirects=True)

    assert "Thank you: your email address is confirmed." in page_text(response)
    assert response.request.path == "/account/sign-in"
    assert person_with_email("alex@example.org").email_verified_at is not None


def test_verification_link_still_works_just_before_it_expires(client, app, clock):
    submit_sign_up(client, email="alex@example.org")
    clock.shift(app.config["EMAIL_TOKEN_MAX_AGE"] - 60)

    response = client.get(verification_link("alex@example.org"))

    assert response.status_code == 302
    assert person_with_email("alex@example.org").email_verified_at is not None


def test_verification_link_expires_after_email_token_max_age(client, app, clock):
    submit_sign_up(client, email="alex@example.org")
    link = verification_link("alex@example.org")
    clock.shift(app.config["EMAIL_TOKEN_MAX_AGE"] + 1)
    before = account_tables()

    response = client.get(link)

    assert response.status_code == 400
    page = page_text(response)
    assert "This link does not work" in page
    assert "This link has expired. Ask for a new one." in page
    assert account_tables() == before
    assert person_with_email("alex@example.org").email_verified_at is None


def test_tampered_verification_link_shows_400_page_and_changes_nothing(client):
    submit_sign_up(client, email="alex@example.org")
    link = verification_link("alex@example.org")
    tampered = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    before = account_tables()

    response = client.get(tampered)

    assert response.status_code == 400
    page = page_text(response)
    assert "This link is not valid. Ask for a new one." in page
    assert "National Association of Link Workers" in page
    assert account_tables() == before


def test_verification_link_for_an_address_since_changed_does_not_confirm_the_new_one(client):
    submit_sign_up(client, email="alex@example.org")
    link = verification_link("alex@example.org")
    person = person_with_email("alex@example.org")
    person.email = "other@example.org"
    db.session.flush()

    response = client.get(link)

    assert response.status_code == 400
    assert "This link is not valid" in page_text(response)
    assert person.email_verified_at is None


def test_unverified_person_is_reminded_and_can_ask_for_a_new_link(client, make_person):
    person = make_person(unverified=True, email="unsure@example.org")
    sign_in(client, person)

    account_page = page_text(client.get("/account/"))
    response = client.post("/account/verify/resend", follow_redirects=True)

    assert "Please confirm your email address: follow the link we sent to unsure@example.org" in account_page
    assert "We have sent a new confirmation link to unsure@example.org." in page_text(response)
    [message] = emails_to("unsure@example.org")
    client.get(link_in(message, "/account/verify/"))
    assert person.email_verified_at is not None


def test_sign_up_queues_exactly_one_email(client):
    before = count_rows(OutboxMessage)

    submit_sign_up(client, email="alex@example.org")

    assert count_rows(OutboxMessage) == before + 1
