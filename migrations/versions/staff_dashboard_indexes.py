"""staff dashboard: indexes for income by month, refunds by month, and lapses and resignations in a period

Revision ID: staff_dashboard_indexes
Revises: events_domain
Create Date: 2026-12-02 12:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'staff_dashboard_indexes'
down_revision = 'awards_domain'
branch_labels = None
depends_on = None

MONEY_TAKEN_WHERE = "status IN ('succeeded', 'partially_refunded', 'refunded')"


def upgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index('ix_payments_taken_by_date', ['succeeded_at'], unique=False, postgresql_include=['purpose', 'amount_pence'], postgresql_where=sa.text(MONEY_TAKEN_WHERE), sqlite_where=sa.text(MONEY_TAKEN_WHERE))
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index('ix_refunds_succeeded_by_date', ['created_at'], unique=False, postgresql_include=['payment_id', 'amount_pence'], postgresql_where=sa.text("status = 'succeeded'"), sqlite_where=sa.text("status = 'succeeded'"))
    with op.batch_alter_table('membership_changes', schema=None) as batch_op:
        batch_op.create_index('ix_membership_changes_to_status_changed_at', ['to_status', 'changed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('membership_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_membership_changes_to_status_changed_at')
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index('ix_refunds_succeeded_by_date', postgresql_include=['payment_id', 'amount_pence'], postgresql_where=sa.text("status = 'succeeded'"), sqlite_where=sa.text("status = 'succeeded'"))
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_taken_by_date', postgresql_include=['purpose', 'amount_pence'], postgresql_where=sa.text(MONEY_TAKEN_WHERE), sqlite_where=sa.text(MONEY_TAKEN_WHERE))
