"""The email outbox.

Every email is a row written in the same transaction as the change that caused
it (`queue_email`), so an email exists exactly when its change committed. The
delivery worker (`flask outbox deliver`) claims waiting rows one at a time with
a row lock (`FOR UPDATE SKIP LOCKED` on PostgreSQL), sends, and records the
result; two workers at once never send the same message. A failure waits with
back-off and is tried again; after the last attempt the message is marked failed
for staff to see. Nothing is ever sent during a web request.

An email carrying a one-time link (password reset, email confirmation, a seat
invitation) names the link's token as a secret when it is queued. `body_text` and
`body_html`, which staff pages, exports and data downloads read, hold the message
with the token masked; the usable bodies are kept apart, read only by the worker,
and dropped once the message is delivered. A failed message staff send again
still works, because nothing is dropped until delivery succeeds.
"""

import datetime as dt
import smtplib
import socket

import sqlalchemy as sa
from flask import current_app, render_template
from flask_mail import Connection, Message
from sqlalchemy.orm import Mapped, mapped_column

from nalw.core.db import IdMixin, cut_to_fit_column, enum_column, utc_now_default
from nalw.core.labels import LabelledEnum
from nalw.core.personal_data import ERASED, as_iso, erased_email, personal_data_eraser, personal_data_exporter
from nalw.core.time import utcnow
from nalw.extensions import db

# What a one-time link's token becomes wherever anyone but the recipient reads the message.
SECRET_MASK = "••••••"

# Minutes to wait after the nth failed attempt (the last figure repeats).
RETRY_DELAYS_MINUTES = (1, 5, 15, 60, 180, 360, 720)


class OutboxStatus(LabelledEnum):
    WAITING = "waiting", "Waiting"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboxMessage(IdMixin, db.Model):
    __tablename__ = "outbox_messages"

    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default, index=True)
    to_address: Mapped[str] = mapped_column(sa.String(254), index=True)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"), index=True)
    template: Mapped[str] = mapped_column(sa.String(100))
    subject: Mapped[str] = cut_to_fit_column(200)
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    # The bodies with their one-time links usable, only while waiting to be delivered.
    unmasked_body_text: Mapped[str | None] = mapped_column(sa.Text)
    unmasked_body_html: Mapped[str | None] = mapped_column(sa.Text)
    # Files sent with the message, such as a calendar entry: [{"filename", "content_type", "text"}].
    attachments: Mapped[list | None] = mapped_column(sa.JSON)
    status: Mapped[OutboxStatus] = enum_column(OutboxStatus, name="outbox_status", default=OutboxStatus.WAITING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)
    last_error: Mapped[str | None] = cut_to_fit_column(500)
    sent_at: Mapped[dt.datetime | None]

    __table_args__ = (sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    @property
    def hides_a_secret(self):
        return SECRET_MASK in self.body_text

    @property
    def text_to_send(self):
        return self.unmasked_body_text or self.body_text

    @property
    def html_to_send(self):
        return self.unmasked_body_html or self.body_html

    def forget_secrets(self):
        self.unmasked_body_text = None
        self.unmasked_body_html = None


def queue_email(to_address, template, subject, *, person=None, secrets=(), attachments=(), **context):
    """Write an email, rendered from `templates/email/<template>.txt` and `.html`, to the outbox.

    `attachments` are text files sent with it, each `(filename, content_type, text)`.

    `secrets` are the parts only the recipient may read, such as a one-time link's token:
    the readable bodies show them masked, and only the delivery worker sees them.
    """
    context = {"subject": subject, "person": person, "site_url": current_app.config["SITE_URL"], **context}
    body_text = render_template(f"email/{template}.txt", **context)
    body_html = render_template(f"email/{template}.html", **context)
    message = OutboxMessage(
        to_address=to_address,
        person_id=getattr(person, "id", None),
        template=template,
        subject=subject,
        body_text=_masked(body_text, secrets),
        body_html=_masked(body_html, secrets),
        attachments=[
            {"filename": filename, "content_type": content_type, "text": text}
            for filename, content_type, text in attachments
        ]
        or None,
    )
    if secrets:
        message.unmasked_body_text = body_text
        message.unmasked_body_html = body_html
    db.session.add(message)
    db.session.flush()
    return message


def _masked(body, secrets):
    for secret in secrets:
        # A secret the body does not hold as written (escaped, say) would stay readable: refuse it.
        if not secret or secret not in body:
            raise ValueError("A secret to mask must appear, exactly as given, in the email's text and HTML.")
        body = body.replace(secret, SECRET_MASK)
    return body


def claim_next_due(now=None):
    """The oldest waiting message that is due, locked so no other worker takes it."""
    now = now or utcnow()
    return db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.WAITING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()


class MailServerUnavailable(Exception):
    """The mail server could not be reached; the rest of the batch should wait."""


class TimedConnection(Connection):
    """Flask-Mail's connection, with MAIL_TIMEOUT: without one, a server that never answers holds the worker for ever."""

    def configure_host(self):
        smtp_class = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = smtp_class(self.mail.server, self.mail.port, timeout=current_app.config["MAIL_TIMEOUT"])
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def connect_to_mail_server():
    """An open SMTP connection (the caller closes it), or an SMTPException/OSError."""
    return TimedConnection(current_app.extensions["mail"]).__enter__()


def send_message(connection, message):
    """Send one claimed message; record success or schedule a retry. Returns True when sent."""
    now = utcnow()
    message.attempts += 1
    try:
        mail = Message(
            subject=message.subject,
            recipients=[message.to_address],
            body=message.text_to_send,
            html=message.html_to_send,
            sender=current_app.config["MAIL_DEFAULT_SENDER"],
        )
        for attachment in message.attachments or ():
            mail.attach(attachment["filename"], attachment["content_type"], attachment["text"].encode())
        connection.send(mail)
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        _schedule_retry(message, error, now)
        if isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError | socket.timeout):
            raise MailServerUnavailable(str(error)) from error
        return False
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.last_error = None
    message.forget_secrets()  # delivered: no one-time link stays usable in the database
    return True


def record_connection_failure(message, error):
    """The server refused the connection before this message could be tried."""
    message.attempts += 1
    _schedule_retry(message, error, utcnow())


def _schedule_retry(message, error, now):
    message.last_error = f"{type(error).__name__}: {error}"
    if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        message.status = OutboxStatus.FAILED
        return
    delay = RETRY_DELAYS_MINUTES[min(message.attempts, len(RETRY_DELAYS_MINUTES)) - 1]
    message.next_attempt_at = now + dt.timedelta(minutes=delay)


def retry_now(message):
    """Staff send a failed message again: it waits for the next delivery run."""
    message.status = OutboxStatus.WAITING
    message.next_attempt_at = utcnow()
    message.attempts = 0  # a fresh series of attempts, with the usual back-off


@personal_data_exporter("emails_sent_to_you")
def export_emails(person):
    messages = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.person_id == person.id).order_by(OutboxMessage.id)
    )
    return [
        {
            "to": message.to_address,
            "subject": message.subject,
            "status": message.status.value,
            "created_at": message.created_at.isoformat(),
            "sent_at": as_iso(message.sent_at),
            "body": message.body_text,
        }
        for message in messages
    ]


@personal_data_eraser
def erase_emails(person):
    """The record that an email was sent stays; its address and words do not."""
    messages = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.person_id == person.id))
    for message in messages:
        message.to_address = erased_email(person.id)
        message.body_text = ERASED
        message.body_html = f"<p>{ERASED}</p>"
        message.forget_secrets()
        if message.status == OutboxStatus.WAITING:
            message.status = OutboxStatus.FAILED
            message.last_error = "recipient erased"
