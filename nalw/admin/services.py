"""What the staff pages read and do: the outbox's figures, the lists of people, audit entries and emails,
and sending a failed email again. Each list has its own page size."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from nalw.accounts.models import Person, RoleGrant
from nalw.core.audit import AuditEntry, record_audit
from nalw.core.outbox import OutboxMessage, OutboxStatus, retry_now
from nalw.extensions import db

PEOPLE_PER_PAGE = 50
AUDIT_ENTRIES_PER_PAGE = 50
EMAILS_PER_PAGE = 50
# A person's page shows their latest audit entries and their latest emails, this many of each.
PERSON_PAGE_LATEST = 50


def email_counts() -> dict[OutboxStatus, int]:
    """{status: messages} across the outbox, in one query."""
    return dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count(OutboxMessage.id)).group_by(OutboxMessage.status)
        ).all()
    )


def find_people(page, *, text=None, role=None):
    """People not erased, by name, whose name or email holds `text` and who hold `role`."""
    query = (
        sa.select(Person)
        .where(Person.erased_at.is_(None))
        .options(selectinload(Person.role_grants))
        .order_by(Person.name, Person.id)
    )
    if text:
        pattern = f"%{text.strip().lower()}%"
        query = query.where(sa.or_(sa.func.lower(Person.name).like(pattern), Person.email.like(pattern)))
    if role is not None:
        query = query.where(Person.role_grants.any(RoleGrant.role == role))
    return db.paginate(query, page=page, per_page=PEOPLE_PER_PAGE, error_out=False)


def audit_entries(page, *, action=None, target_type=None, target_id=None, actor_email=None):
    """The audit log, newest first, narrowed by whichever filters are given."""
    query = sa.select(AuditEntry).options(selectinload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action.strip())
    if target_type:
        query = query.where(AuditEntry.target_type == target_type.strip())
    if target_id:
        query = query.where(AuditEntry.target_id == target_id.strip())
    if actor_email:
        query = query.join(Person, AuditEntry.actor_id == Person.id).where(Person.email == actor_email.strip().lower())
    return db.paginate(query, page=page, per_page=AUDIT_ENTRIES_PER_PAGE, error_out=False)


def find_emails(page, *, to=None, status=None):
    """The outbox, newest first: messages to an address holding `to`, in `status`."""
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if to:
        query = query.where(OutboxMessage.to_address.like(f"%{to.strip().lower()}%"))
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return db.paginate(query, page=page, per_page=EMAILS_PER_PAGE, error_out=False)


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
