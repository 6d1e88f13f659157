"""Staff screen each submitted nomination: eligible, or not eligible with a reason the nominator is emailed.

A screening decision may be changed until judging opens; from then judges are at work on the eligible
nominations and the list they see must not shift under them. Every decision is audited. Services flush;
callers commit.
"""

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from nalw.awards.errors import AwardsError
from nalw.awards.models import AwardCategory, AwardCycle, Nomination, NominationStatus
from nalw.core.audit import record_audit
from nalw.core.links import absolute_link
from nalw.core.listing import where_equal
from nalw.core.outbox import queue_email
from nalw.core.time import utcnow
from nalw.extensions import db
from nalw.members import services as member_services

SCREENED_STATUSES = (NominationStatus.SUBMITTED, NominationStatus.ELIGIBLE, NominationStatus.INELIGIBLE)
LONGEST_REASON = 2000


def screening_list(cycle, *, category_id=None, status=None):
    """A cycle's submitted nominations (never drafts), oldest first, in `category_id` and `status` where given:
    rows of (nomination, the nominee's membership status, its number), the membership where the nominee's
    email is a current member's (None otherwise)."""
    membership = member_services.current_memberships_by_email_subquery()
    statement = (
        sa.select(Nomination, membership.c.status, membership.c.number)
        # The list shows no answers or files: leave them unloaded.
        .options(lazyload(Nomination.answers), lazyload(Nomination.evidence))
        .join(Nomination.category)
        .outerjoin(membership, membership.c.email == Nomination.nominee_email)
        .where(AwardCategory.cycle_id == cycle.id, Nomination.status.in_(SCREENED_STATUSES))
        .order_by(Nomination.submitted_at, Nomination.id)
    )
    return where_equal(statement, (Nomination.category_id, category_id), (Nomination.status, status))


def counts_by_category(cycle) -> dict[int, dict[NominationStatus, int]]:
    """How many of each category's nominations are in each status (drafts too), in one query."""
    rows = db.session.execute(
        sa.select(Nomination.category_id, Nomination.status, sa.func.count())
        .join(Nomination.category)
        .where(AwardCategory.cycle_id == cycle.id)
        .group_by(Nomination.category_id, Nomination.status)
    )
    counts = {}
    for category_id, status, count in rows:
        counts.setdefault(category_id, {})[status] = count
    return counts


def nominee_membership(nomination):
    """The nominee's current membership, where their email is a member's."""
    return member_services.current_memberships_by_email([nomination.nominee_email]).get(nomination.nominee_email or "")


def screening_refusal(nomination, now) -> str | None:
    """Why the nomination cannot be screened now (None when it can)."""
    if nomination.status is NominationStatus.DRAFT:
        return "This nomination is still a draft: only submitted nominations are screened."
    cycle: AwardCycle = nomination.category.cycle
    if now >= cycle.judging_opens_at:
        return f"Judging of {cycle.title} has opened, so screening decisions can no longer change."
    return None


def _refuse_unless_screenable(nomination, now):
    AwardsError.refuse_if(screening_refusal(nomination, now))


def _decide(actor, nomination, status, now, reason=""):
    before = {"status": nomination.status.value, "ineligible_reason": nomination.ineligible_reason}
    nomination.status = status
    nomination.ineligible_reason = reason
    nomination.screened_at = now
    nomination.screened_by_id = actor.id
    db.session.flush()
    record_audit(
        actor,
        f"awards.nomination_{status.value}",
        nomination,
        before=before,
        after={"status": status.value, "ineligible_reason": reason},
        summary=f"Screened the nomination of {nomination.nominee_name} for {nomination.category.name}",
    )


def mark_eligible(actor, nomination, now=None) -> Nomination:
    """The nomination goes forward to the judges."""
    now = now or utcnow()
    _refuse_unless_screenable(nomination, now)
    if nomination.status is NominationStatus.ELIGIBLE:
        raise AwardsError("This nomination is already eligible.")
    _decide(actor, nomination, NominationStatus.ELIGIBLE, now)
    return nomination


def mark_ineligible(actor, nomination, reason, now=None) -> Nomination:
    """The nomination is not eligible; the nominator is emailed the reason, which is therefore required."""
    now = now or utcnow()
    _refuse_unless_screenable(nomination, now)
    reason = (reason or "").strip()
    if not reason:
        raise AwardsError("Give the reason: the nominator is told it.", field="reason")
    if len(reason) > LONGEST_REASON:
        raise AwardsError(f"The reason must be {LONGEST_REASON:,} characters or fewer.", field="reason")
    if nomination.status is NominationStatus.INELIGIBLE and reason == nomination.ineligible_reason:
        raise AwardsError("This nomination is already marked not eligible for that reason.", field="reason")
    _decide(actor, nomination, NominationStatus.INELIGIBLE, now, reason)
    queue_email(
        nomination.nominator.email,
        "awards/nomination_ineligible",
        f"Your nomination for {nomination.category.name}",
        person=nomination.nominator,
        nomination=nomination,
        reason=reason,
        link=absolute_link("awards.my_nominations"),
    )
    return nomination
