"""What staff pages read about payments: the filtered list of every payment, and one person's payments."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from nalw.core.listing import on_days, where_equal
from nalw.core.time import month_edges
from nalw.extensions import db
from nalw.payments import income
from nalw.payments.models import Payment, Refund


def staff_list(*, status=None, purpose=None, method=None, made_from=None, made_to=None, month=None) -> sa.Select:
    """Every payment, newest first, narrowed by whichever filters are given (days are UK days; `month`, its first
    day: the payments that succeeded in that month or had a refund made in it, which its net income counts).
    Given a month, a row is (Payment, taken_pence, refunded_pence): what of the payment that month's figures
    count (`income.taken_and_refunded_between`), read in the same query."""
    statement = sa.select(Payment).options(selectinload(Payment.person)).order_by(Payment.id.desc())
    statement = where_equal(statement, (Payment.status, status), (Payment.purpose, purpose), (Payment.method, method))
    if month is not None:
        edges = month_edges(month)
        statement = statement.add_columns(*income.taken_and_refunded_between(*edges))
        statement = statement.where(income.taken_or_refunded_between(*edges))
    return on_days(statement, Payment.created_at, made_from, made_to)


def payments_of(person_id) -> list[Payment]:
    """Every payment a person made, with its refunds and who made each (loaded with it), oldest first."""
    return db.session.scalars(
        sa.select(Payment)
        .where(Payment.person_id == person_id)
        .order_by(Payment.id)
        .options(selectinload(Payment.refunds).selectinload(Refund.created_by))
    ).all()
