"""The email outbox, delivered to a real SMTP server (aiosmtpd) on a loopback port.

An email is a row written with the change that caused it; only `flask outbox deliver`
sends it. Failures wait and are tried again; two workers never send one message twice.
"""

import collections
import concurrent.futures
import datetime as dt
import email
import email.policy
import re
import socket
import threading

import pytest
import sqlalchemy as sa
import time_machine
from aiosmtpd.controller import Controller

from nalw.accounts import services as account_services
from nalw.core.audit import AuditEntry
from nalw.core.commands import deliver_due_messages
from nalw.core.outbox import SECRET_MASK, OutboxMessage, OutboxStatus, queue_email
from nalw.core.time import utcnow
from nalw.extensions import db
from tests.core.one_time_emails import ONE_TIME_EMAILS, password_reset
from tests.helpers import emails_to, link_in, page_text

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.messages = []
        self.refused = set()  # addresses answered "550 no such mailbox"
        self.closing_on = set()  # addresses answered "421 shutting down"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        if address in self.closing_on:
            return "421 4.3.2 Service shutting down"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def to(self, address):
        return [message for message in self.messages if message["To"] == address]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def mail_timeout():
    return 10


@pytest.fixture
def settings(smtp_port, mail_timeout):
    return {
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_TIMEOUT": mail_timeout,
    }


@pytest.fixture
def start_mail_server(smtp_port):
    """`inbox = start_mail_server()`: the SMTP server begins listening on MAIL_PORT only now."""
    inbox = Inbox()
    controllers = []

    def start():
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        controllers.append(controller)
        return inbox

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def mail_server(start_mail_server):
    return start_mail_server()


def queue_notice(address):
    """A short email with no link, as any domain might queue."""
    return queue_email(
        address,
        "accounts/email_changed",
        "Your NALW email address was changed",
        name="Robin Reader",
        new_email="robin.new@example.org",
    )


def deliver(runner):
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    return result.output


def reload(record):
    db.session.refresh(record)
    return record


def test_an_email_is_written_in_the_same_transaction_as_its_change(make_person):
    person = make_person(name="Ada Lovelace")
    db.session.commit()

    person.name = "Ada King"
    queue_email(person.email, "accounts/password_changed", "Your NALW password was changed", person=person)
    db.session.rollback()

    assert reload(person).name == "Ada Lovelace"
    assert emails_to(person.email) == []

    queue_email(person.email, "accounts/password_changed", "Your NALW password was changed", person=person)
    db.session.commit()

    [message] = emails_to(person.email)
    assert message.status is OutboxStatus.WAITING
    assert message.person_id == person.id
    assert "Hello Ada," in message.body_text
    assert "<p>Hello Ada,</p>" in message.body_html


def sign_up_grace(app):
    """Sign-up builds its links from a request; a context of its own keeps its `g` from the client's requests."""
    with app.app_context(), app.test_request_context():
        account_services.sign_up("Grace Hopper", "grace@example.org", "correct horse battery staple")
        db.session.commit()


def test_deliver_sends_waiting_mail_with_text_and_html_parts_and_marks_it_sent(app, runner, mail_server):
    sign_up_grace(app)
    [message] = emails_to("grace@example.org")
    link = "http://nalw.test" + link_in(message, "/account/verify/")

    with time_machine.travel(START, tick=False):
        message.next_attempt_at = START
        db.session.commit()
        output = deliver(runner)

    assert "outbox: 1 sent, 0 waiting to retry or failed" in output
    [received] = mail_server.to("grace@example.org")
    assert received["Subject"] == "Confirm your email address"
    assert received["From"] == "NALW <no-reply@nalw.org.uk>"
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    assert "Hello Grace," in text and link in text
    assert f'<a href="{link}">Confirm my email address</a>' in html
    reload(message)
    assert message.status is OutboxStatus.SENT
    assert message.sent_at == START
    assert message.attempts == 1
    assert message.last_error is None


def test_nothing_is_sent_during_a_web_request(client, runner, mail_server):
    response = client.post(
        "/account/sign-up",
        data={
            "name": "Katherine Johnson",
            "email": "katherine@example.org",
            "password": "orbits and trajectories",
            "confirm": "orbits and trajectories",
        },
    )

    assert response.status_code == 302
    [message] = emails_to("katherine@example.org")
    assert message.status is OutboxStatus.WAITING
    assert mail_server.messages == []

    deliver(runner)

    assert [received["Subject"] for received in mail_server.messages] == ["Confirm your email address"]
    assert reload(message).status is OutboxStatus.SENT


def test_mail_waits_while_the_server_is_down_and_goes_once_it_is_up(runner, start_mail_server):
    with time_machine.travel(START, tick=False) as clock:
        message = queue_notice("robin@example.org")
        db.session.commit()

        output = deliver(runner)

        assert "outbox: 0 sent, 1 waiting to retry or failed" in output
        reload(message)
        assert message.status is OutboxStatus.WAITING
        assert message.attempts == 1
        assert message.next_attempt_at == START + dt.timedelta(minutes=1)
        assert message.last_error.startswith("ConnectionRefusedError")

        inbox = start_mail_server()
        deliver(runner)
        assert inbox.messages == [], "a message waiting to retry must not go before its time"

        clock.move_to(message.next_attempt_at)
        output = deliver(runner)

    assert "outbox: 1 sent, 0 waiting" in output
    assert len(inbox.to("robin@example.org")) == 1
    reload(message)
    assert message.status is OutboxStatus.SENT
    assert message.attempts == 2
    assert message.last_error is None


def test_a_message_is_marked_failed_after_the_last_attempt(app, runner):
    max_attempts = app.config["OUTBOX_MAX_ATTEMPTS"]

    with time_machine.travel(START, tick=False) as clock:
        message = queue_notice("robin@example.org")
        db.session.commit()
        for attempt in range(1, max_attempts + 1):
            deliver(runner)
            reload(message)
            assert message.attempts == attempt
            if attempt < max_attempts:
                assert message.status is OutboxStatus.WAITING
                assert message.next_attempt_at > utcnow()
                clock.move_to(message.next_attempt_at)

        assert message.status is OutboxStatus.FAILED
        assert message.last_error.startswith("ConnectionRefusedError")

        clock.shift(dt.timedelta(days=7))
        deliver(runner)

    assert reload(message).attempts == max_attempts


def test_a_refused_recipient_waits_while_the_rest_of_the_batch_goes(runner, mail_server):
    mail_server.refused.add("nobody@example.org")
    refused = queue_notice("nobody@example.org")
    accepted = queue_notice("robin@example.org")
    db.session.commit()

    output = deliver(runner)

    assert "outbox: 1 sent, 1 waiting to retry or failed" in output
    assert [received["To"] for received in mail_server.messages] == ["robin@example.org"]
    assert reload(accepted).status is OutboxStatus.SENT
    reload(refused)
    assert refused.status is OutboxStatus.WAITING
    assert refused.attempts == 1
    assert "No such mailbox" in refused.last_error


def test_a_server_that_goes_away_mid_batch_leaves_the_rest_waiting(runner, mail_server):
    mail_server.closing_on.add("closing@example.org")
    first = queue_notice("first@example.org")
    closing = queue_notice("closing@example.org")
    after = queue_notice("after@example.org")
    db.session.commit()

    output = deliver(runner)

    assert "outbox: 1 sent, 2 waiting to retry or failed" in output
    assert [received["To"] for received in mail_server.messages] == ["first@example.org"]
    assert reload(first).status is OutboxStatus.SENT
    for waiting in (closing, after):
        reload(waiting)
        assert waiting.status is OutboxStatus.WAITING
        assert waiting.next_attempt_at > utcnow()


@pytest.fixture
def silent_mail_server(smtp_port):
    """Accepts connections on MAIL_PORT (the kernel does, from its backlog) and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", smtp_port))
        listener.listen(5)
        yield


@pytest.mark.parametrize("mail_timeout", [0.2])
def test_a_mail_server_that_never_answers_is_given_up_on_after_the_timeout(app, silent_mail_server):
    message = queue_notice("robin@example.org")
    db.session.commit()
    finished = []

    def delivery_run():
        with app.app_context():
            finished.append(deliver_due_messages(limit=10))

    worker = threading.Thread(target=delivery_run, daemon=True)
    worker.start()
    worker.join(timeout=10)

    assert finished == [(0, 1)], "the worker should give up on a silent server, not wait for ever"
    reload(message)
    assert message.status is OutboxStatus.WAITING
    assert message.attempts == 1
    assert "timed out" in message.last_error


@pytest.mark.postgres_only
def test_two_workers_at_once_never_send_a_message_twice(committing_app, mail_server):
    addresses = [f"reader{number}@example.org" for number in range(30)]
    for address in addresses:
        queue_notice(address)
    db.session.commit()
    both_ready = threading.Barrier(2)

    def delivery_run():
        with committing_app.app_context():
            both_ready.wait(timeout=10)
            return deliver_due_messages(limit=100)

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        runs = [pool.submit(delivery_run) for _ in range(2)]
        results = [run.result(timeout=60) for run in runs]

    received = collections.Counter(message["To"] for message in mail_server.messages)
    assert received == collections.Counter(addresses)
    assert sum(sent for sent, _ in results) == 30
    db.session.expire_all()
    statuses = db.session.execute(sa.select(OutboxMessage.status, OutboxMessage.attempts)).all()
    assert statuses == [(OutboxStatus.SENT, 1)] * 30


def test_staff_read_every_email_with_its_link_clickable(app, signed_in_client, make_person):
    client, _ = signed_in_client("staff")
    make_person(name="Grace Hopper", email="grace@example.org")
    sign_up_grace(app)  # the address has an account: its owner is told, with links to sign in
    [message] = emails_to("grace@example.org")
    link = "http://nalw.test/account/sign-in"

    listing = page_text(client.get("/admin/emails"))
    assert "grace@example.org You already have a NALW account Waiting 0" in listing

    response = client.get(f"/admin/emails/{message.id}")
    assert response.status_code == 200
    shown = page_text(response)
    assert "You already have a NALW account" in shown
    assert "Hello Grace," in shown
    assert re.search(rf'<a href="{re.escape(link)}"[^>]*>{re.escape(link)}</a>', response.get_data(as_text=True))


@pytest.mark.parametrize("build", ONE_TIME_EMAILS, ids=lambda build: build.__name__)
def test_a_delivered_email_keeps_no_usable_one_time_link(runner, mail_server, build):
    message, token = build()
    db.session.commit()
    assert token in message.text_to_send and token in message.html_to_send

    deliver(runner)

    [received] = mail_server.to(message.to_address)
    assert token in received.get_body(preferencelist=("plain",)).get_content()
    assert token in received.get_body(preferencelist=("html",)).get_content()
    db.session.expire_all()
    stored = db.session.execute(sa.select(OutboxMessage.__table__).where(OutboxMessage.id == message.id)).one()
    assert stored.status is OutboxStatus.SENT
    assert [column for column, value in stored._mapping.items() if token in str(value)] == []
    assert SECRET_MASK in stored.body_text and SECRET_MASK in stored.body_html


def test_a_failed_one_time_link_email_sent_again_still_carries_its_link(signed_in_client, runner, start_mail_server):
    client, _ = signed_in_client("staff")
    message, token = password_reset()
    message.status = OutboxStatus.FAILED
    message.attempts = 8
    message.last_error = "SMTPRecipientsRefused: mailbox full"
    db.session.commit()

    client.post(f"/admin/emails/{message.id}/retry")
    inbox = start_mail_server()
    deliver(runner)

    [received] = inbox.to(message.to_address)
    assert f"/account/reset-password/{token}" in received.get_body(preferencelist=("plain",)).get_content()
    assert token not in reload(message).text_to_send


def test_a_secret_the_email_does_not_hold_as_written_is_refused(make_person):
    person = make_person(name="Ada Lovelace")

    with pytest.raises(ValueError, match="must appear, exactly as given"):
        queue_email(
            person.email, "accounts/password_changed", "Your NALW password was changed", person=person, secrets=("a&b",)
        )


def test_staff_send_a_failed_email_again_and_it_is_audited(signed_in_client, runner, mail_server):
    client, staff = signed_in_client("staff")
    message = queue_notice("robin@example.org")
    message.status = OutboxStatus.FAILED
    message.attempts = 8
    message.last_error = "SMTPRecipientsRefused: mailbox full"
    db.session.commit()

    page = page_text(client.get(f"/admin/emails/{message.id}"))
    assert "Failed (8 attempts)" in page
    assert "Last error SMTPRecipientsRefused: mailbox full" in page
    assert "Send again" in page

    response = client.post(f"/admin/emails/{message.id}/retry", follow_redirects=True)

    assert "The email will be sent again within a minute." in page_text(response)
    # A fresh series of attempts, so a failure on the retry waits and tries again as usual.
    assert "Waiting (0 attempts)" in page_text(response)
    reload(message)
    assert message.status is OutboxStatus.WAITING
    assert message.next_attempt_at <= utcnow()
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "email.retried")).all()
    assert (entry.actor_id, entry.target_type, entry.target_id) == (staff.id, "OutboxMessage", str(message.id))
    assert entry.before == {"status": "failed", "attempts": 8}
    assert entry.after == {"status": "waiting", "attempts": 0}
    assert entry.summary == "Email to robin@example.org queued again"

    deliver(runner)

    assert len(mail_server.to("robin@example.org")) == 1
    assert reload(message).status is OutboxStatus.SENT


def test_send_again_leaves_a_sent_email_alone(signed_in_client):
    client, _ = signed_in_client("staff")
    message = queue_notice("robin@example.org")
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    db.session.commit()

    page = page_text(client.get(f"/admin/emails/{message.id}"))
    assert "Send again" not in page

    client.post(f"/admin/emails/{message.id}/retry")

    assert reload(message).status is OutboxStatus.SENT
    assert db.session.scalars(sa.select(AuditEntry)).all() == []


def test_an_attachment_queued_with_an_email_is_delivered_with_it(app, runner, make_person, mail_server):
    person = make_person(email="ada@example.org", name="Ada Lovelace")
    calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    with app.test_request_context():
        queue_email(
            person.email,
            "accounts/password_changed",
            "Your password was changed",
            person=person,
            attachments=[("event.ics", "text/calendar", calendar)],
        )
    db.session.commit()

    deliver(runner)

    [received] = mail_server.to("ada@example.org")
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "event.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_content().replace("\r\n", "\n") == calendar.replace("\r\n", "\n")
