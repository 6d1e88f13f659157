"""The staff lists the admin pages own (people, the audit log, the emails), each a `Listing`: filters, query, columns."""

import json

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import defer, selectinload

from nalw.accounts.models import Person, RoleGrant
from nalw.admin.forms import AuditFilterForm, OutboxFilterForm, PeopleSearchForm
from nalw.core.audit import AuditEntry
from nalw.core.listing import Column, Listing, contains_pattern, on_days
from nalw.core.outbox import OutboxMessage
from nalw.core.time import format_datetime


def people(*, text=None, role=None):
    """People not erased, by name, whose name or email holds `text` and who hold `role`."""
    statement = (
        sa.select(Person)
        .where(Person.erased_at.is_(None))
        .options(selectinload(Person.role_grants))
        .order_by(Person.name, Person.id)
    )
    if text:
        pattern = contains_pattern(text)
        statement = statement.where(
            sa.or_(sa.func.lower(Person.name).like(pattern, escape="\\"), Person.email.like(pattern, escape="\\"))
        )
    if role is not None:
        statement = statement.where(Person.role_grants.any(RoleGrant.role == role))
    return statement


PEOPLE = Listing(
    caption="People with accounts",
    filter_form=PeopleSearchForm,
    query=people,
    columns=(
        Column("Name", lambda person: person.name, link=lambda person: url_for("admin.person", person_id=person.id)),
        Column("Email", lambda person: person.email),
        Column("Roles", lambda person: ", ".join(sorted(role.label for role in person.roles)) or "Account holder"),
        Column("Two-factor", lambda person: "On" if person.two_factor_enabled else "Off"),
        Column("Joined", lambda person: format_datetime(person.created_at, with_time=False)),
    ),
    endpoint="admin.people",
    filename="people.csv",
    empty="No one matches.",
)


def audit_log(*, actor=None, action=None, target_type=None, target_id=None, done_from=None, done_to=None):
    """The audit log, newest first: entries by someone whose name or email holds `actor`, whose action is
    or starts with `action`, about the record `target_type` `target_id`, done on those UK days."""
    statement = sa.select(AuditEntry).options(selectinload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    if actor:
        pattern = contains_pattern(actor)
        statement = statement.where(
            AuditEntry.actor_id.in_(
                sa.select(Person.id).where(
                    sa.or_(
                        Person.email.like(pattern, escape="\\"), sa.func.lower(Person.name).like(pattern, escape="\\")
                    )
                )
            )
        )
    if action:
        statement = statement.where(AuditEntry.action.startswith(action.strip(), autoescape=True))
    if target_type:
        statement = statement.where(AuditEntry.target_type == target_type.strip())
    if target_id:
        statement = statement.where(AuditEntry.target_id == target_id.strip())
    return on_days(statement, AuditEntry.created_at, done_from, done_to)


def _values(values):
    return json.dumps(values, ensure_ascii=False, sort_keys=True) if values else ""


def _who(entry):
    return entry.actor.email if entry.actor else "The system"


AUDIT_LOG = Listing(
    caption="Audit entries, newest first",
    filter_form=AuditFilterForm,
    query=audit_log,
    columns=(
        Column("When", lambda entry: format_datetime(entry.created_at)),
        Column("Who", _who),
        Column("Action", lambda entry: entry.action),
        Column("Summary", lambda entry: entry.summary, on_page=False),
        Column("Record", lambda entry: f"{entry.target_type} {entry.target_id}", on_page=False),
        Column("Record type", lambda entry: entry.target_type, on_page=False),
        Column("Record id", lambda entry: entry.target_id, on_page=False),
        Column("Before and after", lambda _entry: None, in_csv=False),
        Column("Before", lambda entry: _values(entry.before), on_page=False),
        Column("After", lambda entry: _values(entry.after), on_page=False),
    ),
    endpoint="admin.audit_log",
    filename="audit-log.csv",
    empty="No entries match.",
)


def emails(*, to=None, subject=None, status=None, written_from=None, written_to=None):
    """The outbox, newest first: messages to an address holding `to`, about `subject`, in `status`, written
    on those UK days. The bodies stay in the database: the list shows none."""
    statement = sa.select(OutboxMessage).options(
        defer(OutboxMessage.body_text),
        defer(OutboxMessage.body_html),
        defer(OutboxMessage.unmasked_body_text),
        defer(OutboxMessage.unmasked_body_html),
        defer(OutboxMessage.attachments),
    )
    statement = statement.order_by(OutboxMessage.id.desc())
    if to:
        statement = statement.where(OutboxMessage.to_address.like(contains_pattern(to), escape="\\"))
    if subject:
        statement = statement.where(sa.func.lower(OutboxMessage.subject).like(contains_pattern(subject), escape="\\"))
    if status is not None:
        statement = statement.where(OutboxMessage.status == status)
    return on_days(statement, OutboxMessage.created_at, written_from, written_to)


def _email_status(message):
    return f"{message.status.label} {format_datetime(message.sent_at)}".strip()


EMAILS = Listing(
    caption="Emails, newest first",
    filter_form=OutboxFilterForm,
    query=emails,
    columns=(
        Column("Written", lambda message: format_datetime(message.created_at)),
        Column("To", lambda message: message.to_address),
        Column(
            "Subject",
            lambda message: message.subject,
            link=lambda message: url_for("admin.outbox_message", message_id=message.id),
        ),
        Column("Status", _email_status),
        Column("Attempts", lambda message: message.attempts),
        Column("Last error", lambda message: message.last_error, on_page=False),
    ),
    endpoint="admin.outbox",
    filename="emails.csv",
    empty="No emails match.",
)
