"""What the staff pages read and do: the dashboard's figures, the lists of people, audit entries and emails,
and sending a failed email again. Each list has its own page size."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from nalw.accounts.models import Person
from nalw.core.audit import AuditEntry, record_audit
from nalw.core.outbox import OutboxMessage, OutboxStatus, retry_now
from nalw.extensions import db
from nalw.members.models import Membership, MembershipStatus

# A person's page shows their latest audit entries and their latest emails, this many of each.
PERSON_PAGE_LATEST = 50


def dashboard_figures() -> dict[str, int]:
    """Members by status (personal memberships only), people with accounts, emails waiting and failed."""
    people = db.session.scalar(sa.select(sa.func.count(Person.id)).where(Person.erased_at.is_(None)))
    memberships = dict(
        db.session.execute(
            sa.select(Membership.status, sa.func.count(Membership.id))
            .where(Membership.for_organisation.is_(False))
            .group_by(Membership.status)
        ).all()
    )
    emails = dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count(OutboxMessage.id)).group_by(OutboxMessage.status)
        ).all()
    )
    return {
        "active_members": memberships.get(MembershipStatus.ACTIVE, 0),
        "applications_waiting": memberships.get(MembershipStatus.PAID, 0),
        "applications_unpaid": memberships.get(MembershipStatus.APPLIED, 0),
        "in_grace": memberships.get(MembershipStatus.GRACE, 0),
        "people": people,
        "emails_waiting": emails.get(OutboxStatus.WAITING, 0),
        "emails_failed": emails.get(OutboxStatus.FAILED, 0),
    }


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
