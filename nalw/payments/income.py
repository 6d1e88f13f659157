"""Money taken, by month and purpose, net of refunds, read from the payment and refund rows.

A payment counts when it succeeded (card or recorded offline), on the day it succeeded; a refund counts
on the day it was made (its row's date), in the month it was made, even when the payment it gives back
was taken in an earlier month. Only refunds that went through count. Months are UK months: the caller
gives the boundaries as aware UTC moments (midnight in London), so the figures match the UK calendar.
"""

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from nalw.core.time import month_edges
from nalw.extensions import db
from nalw.payments.models import MONEY_TAKEN_STATUSES, Payment, PaymentPurpose, Refund, RefundStatus


@dataclass
class Takings:
    taken_pence: int = 0
    refunded_pence: int = 0

    @property
    def net_pence(self):
        return self.taken_pence - self.refunded_pence


def _bucket(column, boundaries):
    """Which interval [boundaries[i], boundaries[i + 1]) the moment falls in, as i: one CASE, so the database
    groups by it (portable, and exact across the clock changes)."""
    return sa.case(*[(column < boundary, index) for index, boundary in enumerate(boundaries[1:])])


def takings_between(boundaries: list[dt.datetime]) -> dict[tuple[int, PaymentPurpose], Takings]:
    """{(interval index, purpose): Takings} for consecutive intervals given by their `boundaries` (n + 1
    moments for n intervals, ascending). Two aggregate queries, whatever the number of payments."""
    starts_at, ends_before = boundaries[0], boundaries[-1]
    taken_in = _bucket(Payment.succeeded_at, boundaries)
    taken = db.session.execute(
        sa.select(taken_in, Payment.purpose, sa.func.sum(Payment.amount_pence))
        .where(taken_between(starts_at, ends_before))
        .group_by(taken_in, Payment.purpose)
    ).all()
    refunded_in = _bucket(Refund.created_at, boundaries)
    refunded = db.session.execute(
        sa.select(refunded_in, Payment.purpose, sa.func.sum(Refund.amount_pence))
        .join(Payment, Payment.id == Refund.payment_id)
        .where(refunded_between(starts_at, ends_before))
        .group_by(refunded_in, Payment.purpose)
    ).all()
    takings: dict[tuple[int, PaymentPurpose], Takings] = {}
    for index, purpose, pence in taken:
        takings.setdefault((index, purpose), Takings()).taken_pence += pence
    for index, purpose, pence in refunded:
        takings.setdefault((index, purpose), Takings()).refunded_pence += pence
    return takings


def taken_between(starts_at: dt.datetime, ends_before: dt.datetime):
    """A condition on Payment: its money was taken between the two moments (it succeeded then, by card or recorded
    offline, whatever has been refunded of it since)."""
    return sa.and_(
        Payment.status.in_(MONEY_TAKEN_STATUSES), Payment.succeeded_at >= starts_at, Payment.succeeded_at < ends_before
    )


def refunded_between(starts_at: dt.datetime, ends_before: dt.datetime):
    """A condition on Refund: it went through, and was made between the two moments."""
    return sa.and_(
        Refund.status == RefundStatus.SUCCEEDED, Refund.created_at >= starts_at, Refund.created_at < ends_before
    )


def taken_or_refunded_between(starts_at: dt.datetime, ends_before: dt.datetime):
    """A condition on Payment: it succeeded between the two moments, or a refund of it went through then (the
    payments behind one month's figure)."""
    refunded_then = (
        sa.select(Refund.id).where(Refund.payment_id == Payment.id, refunded_between(starts_at, ends_before)).exists()
    )
    return sa.or_(taken_between(starts_at, ends_before), refunded_then)


def taken_and_refunded_between(starts_at: dt.datetime, ends_before: dt.datetime):
    """(taken, refunded): two columns for a SELECT of payments, what of each payment the figures for the interval
    count. Taken is its amount when it was taken then, and NULL when it was not (a payment listed for a refund of
    an earlier month's money); refunded is what of it went back then, 0 for nothing. The same conditions as
    `takings_between`, so the rows of one month's payments add up to its figures, whatever was refunded later."""
    taken = sa.case((taken_between(starts_at, ends_before), Payment.amount_pence)).label("taken_pence")
    refunded = (
        sa.select(sa.func.coalesce(sa.func.sum(Refund.amount_pence), 0))
        .where(Refund.payment_id == Payment.id, refunded_between(starts_at, ends_before))
        .scalar_subquery()
        .label("refunded_pence")
    )
    return taken, refunded


def month_takings(month: dt.date) -> Takings:
    """Everything taken and refunded in one UK calendar month, whatever it paid for."""
    totals = Takings()
    for takings in takings_between(list(month_edges(month))).values():
        totals.taken_pence += takings.taken_pence
        totals.refunded_pence += takings.refunded_pence
    return totals
