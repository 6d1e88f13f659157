"""What the staff pages read and do: the outbox's figures, the lists of people, audit entries and emails,
and sending a failed email again. Each list has its own page size."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from nalw.core.audit import AuditEntry, record_audit
from nalw.core.outbox import OutboxMessage, OutboxStatus, retry_now
from nalw.extensions import db

# A person's page shows their latest audit entries and their latest emails, this many of each.
PERSON_PAGE_LATEST = 50


def email_counts() -> dict[OutboxStatus, int]:
    """{status: messages} across the outbox, in one query."""
    return dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count(OutboxMessage.id)).group_by(OutboxMessage.status)
        ).all()
    )


def latest_audit_entries_about(person) -> list[AuditEntry]:
    return db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.target_type == "Person", AuditEntry.target_id == str(person.id))
        .options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.id.desc())
        .limit(PERSON_PAGE_LATEST)
    ).all()


def latest_emails_to(person) -> list[OutboxMessage]:
    return db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.person_id == person.id)
        .order_by(OutboxMessage.id.desc())
        .limit(PERSON_PAGE_LATEST)
    ).all()


def send_email_again(actor, message) -> bool:
    """Staff send a failed email again: it goes back in the queue, now, and the audit log says who did it.
    Any other email is left as it is (False)."""
    if message.status is not OutboxStatus.FAILED:
        return False
    before = {"status": message.status, "attempts": message.attempts}
    retry_now(message)
    record_audit(
        actor,
        "email.retried",
        message,
        before=before,
        after={"status": message.status, "attempts": message.attempts},
        summary=f"Email to {message.to_address} queued again",
    )
    return True
