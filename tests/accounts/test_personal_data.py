"""Downloading all one's data, and erasure: personal data anonymised, financial and audit records kept."""

import json

import sqlalchemy as sa

from nalw.accounts import services
from nalw.accounts.models import RecoveryCode, RoleGrant
from nalw.core import personal_data
from nalw.core.audit import AuditEntry
from nalw.core.outbox import OutboxMessage, OutboxStatus
from nalw.core.permissions import Role
from nalw.extensions import db
from tests.accounts.steps import account_tables, assert_refused_on_field, is_signed_in, submit_sign_in
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import emails_to, link_in, page_text, sign_in


def erase(client, password=DEFAULT_PASSWORD, confirm="ERASE", **request_options):
    return client.post("/account/erase", data={"confirm": confirm, "password": password}, **request_options)


def messages_linked_to(person):
    return db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.person_id == person.id).order_by(OutboxMessage.id)
    ).all()


# --- Download ----------------------------------------------------------------------------------


def test_download_is_a_json_attachment_with_the_account_and_the_emails_sent(client, make_person):
    person = make_person(name="Robin Hart", email="robin@example.org", roles=[Role.MEMBER], two_factor=True)
    client.post("/account/forgot-password", data={"email": "robin@example.org"})
    sign_in(client, person)

    response = client.get("/account/data")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="my-nalw-data.json"'
    assert response.headers["Cache-Control"] == "no-store"
    export = json.loads(response.get_data(as_text=True))
    assert export["account"]["name"] == "Robin Hart"
    assert export["account"]["email"] == "robin@example.org"
    assert export["account"]["roles"] == ["account_holder", "member"]
    assert export["account"]["two_factor_enabled"] is True
    [email] = export["emails_sent_to_you"]
    assert email["to"] == "robin@example.org"
    assert email["subject"] == "Reset your NALW password"
    assert "/account/reset-password/" in email["body"]


def test_download_includes_the_notice_sent_to_a_previous_address_and_the_audit_log(client, make_person):
    person = make_person(email="old@example.org")
    sign_in(client, person)
    client.post("/account/email", data={"email": "new@example.org", "password": DEFAULT_PASSWORD})
    [confirmation] = emails_to("new@example.org")
    client.get(link_in(confirmation, "/account/email/confirm/"))

    export = client.get("/account/data").json

    sent = {(email["to"], email["subject"]) for email in export["emails_sent_to_you"]}
    assert sent == {
        ("new@example.org", "Confirm your new email address"),
        ("old@example.org", "Your NALW email address was changed"),
    }
    assert [entry["action"] for entry in export["audit_log"]] == ["account.email_changed"]


def test_download_leaves_out_secrets(signed_in_client):
    client, person = signed_in_client("staff")

    body = client.get("/account/data").get_data(as_text=True)

    assert person.password_hash not in body
    assert person.totp_secret not in body


def test_download_needs_sign_in(client):
    response = client.get("/account/data")

    assert response.status_code == 302
    assert response.location.startswith("/account/sign-in")


# --- Erasure -----------------------------------------------------------------------------------


def test_erasure_anonymises_the_person_and_keeps_what_must_be_kept(client, make_person, person_as):
    admin = person_as("admin")
    person = make_person(name="Robin Hart", email="robin@example.org", two_factor=True)
    services.grant_role(admin, person, Role.MEMBER)
    services.replace_recovery_codes(person)
    client.post("/account/forgot-password", data={"email": "robin@example.org"})
    sign_in(client, person)
    emails_before = len(messages_linked_to(person))

    response = erase(client, follow_redirects=True)

    assert response.request.path == "/"
    assert "Your personal data has been erased and you have been signed out." in page_text(response)
    assert person.name == "Erased person"
    assert person.email == f"erased-{person.id}@invalid"
    assert person.erased_at is not None
    assert person.roles == frozenset()
    assert person.totp_secret is None and not person.two_factor_enabled
    assert db.session.scalar(sa.select(sa.func.count()).where(RecoveryCode.person_id == person.id)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).where(RoleGrant.person_id == person.id)) == 0
    emails = messages_linked_to(person)
    assert len(emails) == emails_before
    assert all(email.to_address == f"erased-{person.id}@invalid" for email in emails)
    assert all(email.body_text == "(erased)" and email.body_html == "<p>(erased)</p>" for email in emails)
    assert emails_to("robin@example.org") == []
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.target_id == str(person.id)).order_by(AuditEntry.id)
    ).all()
    assert actions == ["role.granted", "account.erased"]


def test_erased_person_is_signed_out_and_cannot_sign_in_again(app, client, make_person):
    make_person(email="robin@example.org")
    submit_sign_in(client, "robin@example.org", remember=True)
    other_device = app.test_client()
    submit_sign_in(other_device, "robin@example.org")

    erase(client)

    assert not is_signed_in(client)
    client.delete_cookie("session")
    assert not is_signed_in(client)
    assert not is_signed_in(other_device)
    response = submit_sign_in(client, "robin@example.org")
    assert "The email address or password is not right" in page_text(response)
    assert not is_signed_in(client)


def test_erasure_stops_emails_still_waiting_to_be_sent(client, make_person):
    person = make_person(email="robin@example.org")
    client.post("/account/forgot-password", data={"email": "robin@example.org"})
    sign_in(client, person)

    erase(client)

    [message] = messages_linked_to(person)
    assert message.status is OutboxStatus.FAILED
    assert message.last_error == "recipient erased"


def test_erasure_blanks_the_notice_sent_to_a_previous_address(client, make_person):
    person = make_person(email="old@example.org")
    sign_in(client, person)
    client.post("/account/email", data={"email": "new@example.org", "password": DEFAULT_PASSWORD})
    [confirmation] = emails_to("new@example.org")
    client.get(link_in(confirmation, "/account/email/confirm/"))

    erase(client)

    assert emails_to("old@example.org") == []
    assert emails_to("new@example.org") == []
    assert {message.subject for message in messages_linked_to(person)} == {
        "Confirm your new email address",
        "Your NALW email address was changed",
    }


def test_erasure_needs_the_password(signed_in_client):
    client, person = signed_in_client("member")
    before = account_tables()

    response = erase(client, password="not my password")

    assert_refused_on_field(response, "password", "Your password is not right. Enter the password you sign in with.")
    assert account_tables() == before
    assert is_signed_in(client)


def test_erasure_needs_the_word_erase(signed_in_client):
    client, _ = signed_in_client("member")
    before = account_tables()

    response = erase(client, confirm="erase")

    assert_refused_on_field(response, "confirm", "Type ERASE in capital letters to confirm")
    assert account_tables() == before


def test_a_domain_that_still_needs_the_person_refuses_erasure_before_anything_is_erased(signed_in_client, monkeypatch):
    client, person = signed_in_client("member")
    # Refusals as domains register them (members registers one for an organisation's admin).
    monkeypatch.setattr(personal_data, "_refusals", [])
    personal_data.erasure_refusal(lambda _person: None)
    personal_data.erasure_refusal(lambda refused: f"{refused.name} still runs the Tuesday group. Hand it on first.")
    personal_data.erasure_refusal(lambda _person: "A second reason, not shown until the first is dealt with.")
    before = account_tables()

    response = erase(client)

    assert response.status_code == 200
    assert f"{person.name} still runs the Tuesday group. Hand it on first." in page_text(response)
    assert "A second reason" not in page_text(response)
    assert account_tables() == before
    assert person.erased_at is None
    assert is_signed_in(client)


def test_only_admin_cannot_erase_themself(signed_in_client):
    client, admin = signed_in_client("admin")
    before = account_tables()

    response = erase(client)

    assert response.status_code == 200
    assert "You are the only admin. Make someone else an admin before erasing your account." in page_text(response)
    assert account_tables() == before
    assert admin.erased_at is None
    assert is_signed_in(client)


def test_admin_can_erase_themself_when_another_admin_remains(signed_in_client, person_as):
    person_as("admin")
    client, admin = signed_in_client("admin")

    erase(client)

    assert admin.erased_at is not None
    assert admin.roles == frozenset()
