"""staff members list: people by name, and each person's personal memberships by id, for the list and its count

Revision ID: staff_members_list_speed
Revises: insight_reports_by_month
Create Date: 2026-12-02 16:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'staff_members_list_speed'
down_revision = 'insight_reports_by_month'
branch_labels = None
depends_on = None

PERSONAL = "for_organisation IS false"


def upgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index('ix_people_name', ['name'], unique=False)
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index('ix_memberships_personal_by_person', ['person_id', 'id'], unique=False, postgresql_where=sa.text(PERSONAL), sqlite_where=sa.text(PERSONAL))


def downgrade():
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_memberships_personal_by_person', postgresql_where=sa.text(PERSONAL), sqlite_where=sa.text(PERSONAL))
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index('ix_people_name')
