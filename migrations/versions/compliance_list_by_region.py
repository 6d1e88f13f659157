"""cpd compliance list: the index of personal members in good standing in the list's order (region, number)

Revision ID: compliance_list_by_region
Revises: staff_members_list_speed
Create Date: 2026-12-02 19:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'compliance_list_by_region'
down_revision = 'staff_members_list_speed'
branch_labels = None
depends_on = None

GOOD_STANDING_PERSONAL = "status IN ('active', 'grace') AND for_organisation IS false"


def upgrade():
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_memberships_in_good_standing', postgresql_include=['tier_id', 'region', 'number'], postgresql_where=sa.text(GOOD_STANDING_PERSONAL), sqlite_where=sa.text(GOOD_STANDING_PERSONAL))
        batch_op.create_index('ix_memberships_in_good_standing_by_region', ['region', 'number'], unique=False, postgresql_include=['person_id', 'tier_id', 'started_on'], postgresql_where=sa.text(GOOD_STANDING_PERSONAL), sqlite_where=sa.text(GOOD_STANDING_PERSONAL))


def downgrade():
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_memberships_in_good_standing_by_region', postgresql_include=['person_id', 'tier_id', 'started_on'], postgresql_where=sa.text(GOOD_STANDING_PERSONAL), sqlite_where=sa.text(GOOD_STANDING_PERSONAL))
        batch_op.create_index('ix_memberships_in_good_standing', ['person_id'], unique=False, postgresql_include=['tier_id', 'region', 'number'], postgresql_where=sa.text(GOOD_STANDING_PERSONAL), sqlite_where=sa.text(GOOD_STANDING_PERSONAL))
