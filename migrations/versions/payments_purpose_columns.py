"""Payments say what they pay for in columns (purpose, subject, period) instead of a reference string;
refunds have a status, so one is written before Stripe is asked

Revision ID: payments_purpose_columns
Revises: tiers_cpd_requirement_by_year
Create Date: 2026-12-02 08:10:00.000000

"""
import datetime as dt

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'payments_purpose_columns'
down_revision = 'tiers_cpd_requirement_by_year'
branch_labels = None
depends_on = None

LIVE = "status IN ('pending', 'requires_action', 'succeeded')"
payments = sa.table(
    'payments',
    sa.column('id', sa.Integer),
    sa.column('purpose', sa.String),
    sa.column('reference', sa.String),
    sa.column('subject_id', sa.Integer),
    sa.column('period_starts_on', sa.Date),
)


def paid_for(reference):
    """What an old reference named: 'membership:12' is membership 12's joining fee; 'renewal:12:2026-06-30'
    renews membership 12 for the period after its end date of 30 June 2026, so that period starts 1 July."""
    kind, _, rest = reference.partition(':')
    if kind == 'membership' and rest.isdigit():
        return int(rest), None
    subject, _, ends_on = rest.partition(':')
    if kind == 'renewal' and subject.isdigit():
        return int(subject), dt.date.fromisoformat(ends_on) + dt.timedelta(days=1)
    raise ValueError(f'payment reference {reference!r} is not one this migration knows how to read')


def reference_for(purpose, subject_id, period_starts_on):
    if purpose == 'membership_fee':
        return f'membership:{subject_id}'
    if purpose == 'renewal':
        return f'renewal:{subject_id}:{(period_starts_on - dt.timedelta(days=1)).isoformat()}'
    period = f':{period_starts_on.isoformat()}' if period_starts_on else ''
    return f'{purpose}:{subject_id}{period}'


def upgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('period_starts_on', sa.Date(), nullable=True))

    connection = op.get_bind()
    rows = connection.execute(sa.select(payments.c.id, payments.c.reference)).all()
    columns = [dict(zip(('subject', 'period'), paid_for(reference)), payment_id=payment_id) for payment_id, reference in rows]
    if columns:
        connection.execute(
            payments.update()
            .where(payments.c.id == sa.bindparam('payment_id'))
            .values(subject_id=sa.bindparam('subject'), period_starts_on=sa.bindparam('period')),
            columns,
        )

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.alter_column('subject_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_index('uq_payments_live_reference', postgresql_where=sa.text(LIVE), sqlite_where=sa.text(LIVE))
        batch_op.drop_index(batch_op.f('ix_payments_reference'))
        batch_op.drop_column('reference')
        batch_op.create_index('ix_payments_paid_for', ['purpose', 'subject_id', 'period_starts_on'], unique=False)
        batch_op.create_index('uq_payments_live_paid_for', ['purpose', 'subject_id'], unique=True, postgresql_where=sa.text(f"{LIVE} AND period_starts_on IS NULL"), sqlite_where=sa.text(f"{LIVE} AND period_starts_on IS NULL"))
        batch_op.create_index('uq_payments_live_paid_for_period', ['purpose', 'subject_id', 'period_starts_on'], unique=True, postgresql_where=sa.text(LIVE), sqlite_where=sa.text(LIVE))

    # Every refund so far was made in the same transaction as its Stripe call: each one on record went through.
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum('pending', 'succeeded', 'failed', name='refund_status', native_enum=False, length=20), nullable=False, server_default='succeeded'))
        batch_op.add_column(sa.Column('failure_message', sa.String(length=300), nullable=True))
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=20), server_default=None)
        batch_op.create_check_constraint('refund_status', "status IN ('pending', 'succeeded', 'failed')")


def downgrade():
    connection = op.get_bind()
    pending = connection.execute(sa.text("SELECT count(*) FROM refunds WHERE status = 'pending'")).scalar()
    if pending:
        raise RuntimeError(
            f'{pending} refunds are waiting for Stripe: run `flask payments reconcile` until none is, then downgrade'
        )
    # A refund Stripe refused moved no money: the old schema kept only refunds that went through.
    op.execute("DELETE FROM refunds WHERE status = 'failed'")
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_refunds_refund_status'), type_='check')
        batch_op.drop_column('failure_message')
        batch_op.drop_column('status')

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference', sa.String(length=80), nullable=True))

    rows = connection.execute(
        sa.select(payments.c.id, payments.c.purpose, payments.c.subject_id, payments.c.period_starts_on)
    ).all()
    references = [{'payment_id': row[0], 'old_reference': reference_for(*row[1:])} for row in rows]
    if references:
        connection.execute(
            payments.update()
            .where(payments.c.id == sa.bindparam('payment_id'))
            .values(reference=sa.bindparam('old_reference')),
            references,
        )

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.alter_column('reference', existing_type=sa.String(length=80), nullable=False)
        batch_op.drop_index('uq_payments_live_paid_for_period', postgresql_where=sa.text(LIVE), sqlite_where=sa.text(LIVE))
        batch_op.drop_index('uq_payments_live_paid_for', postgresql_where=sa.text(f"{LIVE} AND period_starts_on IS NULL"), sqlite_where=sa.text(f"{LIVE} AND period_starts_on IS NULL"))
        batch_op.drop_index('ix_payments_paid_for')
        batch_op.drop_column('period_starts_on')
        batch_op.drop_column('subject_id')
        batch_op.create_index(batch_op.f('ix_payments_reference'), ['reference'], unique=False)
        batch_op.create_index('uq_payments_live_reference', ['reference'], unique=True, postgresql_where=sa.text(LIVE), sqlite_where=sa.text(LIVE))
