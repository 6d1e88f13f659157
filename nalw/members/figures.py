"""Membership in numbers, for the staff dashboard: each figure is one aggregate query, whatever the size.

Personal memberships only (an organisation's own membership is not a member); a seat is a member.
"""

import datetime as dt

import sqlalchemy as sa

from nalw.extensions import db
from nalw.members.models import IN_GOOD_STANDING, Membership, MembershipChange, MembershipStatus, Tier

PERSONAL = Membership.for_organisation.is_(False)


def in_good_standing_counts():
    """Rows of (tier id, tier name, region, status, members) for memberships active or in grace. A person
    holds one current membership, in the tier they are in now: a member who changed tier counts once, there."""
    return db.session.execute(
        sa.select(Tier.id, Tier.name, Membership.region, Membership.status, sa.func.count(Membership.id))
        .join(Tier, Tier.id == Membership.tier_id)
        .where(PERSONAL, Membership.status.in_(IN_GOOD_STANDING))
        .group_by(Tier.id, Tier.name, Tier.position, Membership.region, Membership.status)
        .order_by(Tier.position, Tier.name)
    ).all()


def applications() -> tuple[int, dt.datetime | None, int]:
    """Applications paid and waiting for a decision; when the one waiting longest was paid (its latest move to
    paid: the history row written when the fee succeeded); and applications not paid yet."""
    waiting = Membership.status == MembershipStatus.PAID
    paid_at = (
        sa.select(MembershipChange.membership_id, sa.func.max(MembershipChange.changed_at).label("paid_at"))
        .join(Membership, Membership.id == MembershipChange.membership_id)
        # A move into paid, not a note on a paid application (an organisation's handed over while it waits).
        .where(
            MembershipChange.to_status == MembershipStatus.PAID,
            MembershipChange.from_status.is_distinct_from(MembershipChange.to_status),
            waiting,
        )
        .group_by(MembershipChange.membership_id)
        .subquery()
    )
    return db.session.execute(
        sa.select(
            sa.func.count(Membership.id).filter(waiting),
            sa.func.min(paid_at.c.paid_at).filter(waiting),
            sa.func.count(Membership.id).filter(Membership.status == MembershipStatus.APPLIED),
        )
        .select_from(Membership)
        .outerjoin(paid_at, paid_at.c.membership_id == Membership.id)
        .where(Membership.status.in_((MembershipStatus.PAID, MembershipStatus.APPLIED)))
    ).one()


def moves_into(statuses, starts_at: dt.datetime | None = None, ends_before: dt.datetime | None = None) -> sa.Select:
    """Each move of a personal membership into one of `statuses` at or after `starts_at` and before
    `ends_before` (UTC; either may be None), joined to its membership: the rows the dashboard's lapses and
    resignations count, and the rows of the list each figure links to."""
    statement = (
        sa.select(MembershipChange)
        .join(Membership, Membership.id == MembershipChange.membership_id)
        .where(PERSONAL, MembershipChange.to_status.in_(statuses))
    )
    if starts_at is not None:
        statement = statement.where(MembershipChange.changed_at >= starts_at)
    if ends_before is not None:
        statement = statement.where(MembershipChange.changed_at < ends_before)
    return statement


def status_changes_between(starts_at: dt.datetime, ends_before: dt.datetime, statuses) -> dict:
    """{status: how many personal memberships moved into it} between two moments (UTC)."""
    moves = moves_into(statuses, starts_at, ends_before).subquery()
    rows = db.session.execute(sa.select(moves.c.to_status, sa.func.count(moves.c.id)).group_by(moves.c.to_status)).all()
    return dict(rows)
