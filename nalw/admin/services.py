"""What the staff pages read and do: the outbox's figures, and sending a failed email again."""

import sqlalchemy as sa

from nalw.core.audit import record_audit
from nalw.core.outbox import OutboxMessage, OutboxStatus, retry_now
from nalw.extensions import db


def email_counts() -> dict[OutboxStatus, int]:
    """{status: messages} across the outbox, in one query."""
    return dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count(OutboxMessage.id)).group_by(OutboxMessage.status)
        ).all()
    )


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
