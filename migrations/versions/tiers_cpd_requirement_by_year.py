"""The CPD hours each tier requires, kept by CPD year; seats only on organisation tiers

Revision ID: tiers_cpd_requirement_by_year
Revises: accounts_sign_in_sessions
Create Date: 2026-12-02 07:25:50.665292

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'tiers_cpd_requirement_by_year'
down_revision = 'accounts_sign_in_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tier_cpd_requirements',
    sa.Column('tier_id', sa.Integer(), nullable=False),
    sa.Column('year_starts_on', sa.Date(), nullable=False),
    sa.Column('hours_required', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint('hours_required >= 0', name=op.f('ck_tier_cpd_requirements_hours_not_negative')),
    sa.ForeignKeyConstraint(['tier_id'], ['tiers.id'], name=op.f('fk_tier_cpd_requirements_tier_id_tiers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tier_cpd_requirements')),
    sa.UniqueConstraint('tier_id', 'year_starts_on', name='uq_tier_cpd_requirements_tier_year')
    )
    # Each tier's hours as they stand hold for every year so far (from before the first CPD year the
    # pages offer, nalw.members.cpd_requirements.FROM_THE_START); later changes add rows.
    op.execute(
        "INSERT INTO tier_cpd_requirements (tier_id, year_starts_on, hours_required) "
        "SELECT id, '2000-01-01', cpd_hours_required FROM tiers"
    )
    # Saving a tier always cleared seats on tiers not for organisations; make the database say so too.
    op.execute("UPDATE tiers SET seats = NULL WHERE eligibility <> 'organisation'")
    with op.batch_alter_table('tiers', schema=None) as batch_op:
        batch_op.create_check_constraint(
            'seats_only_for_organisations', "(eligibility = 'organisation') = (seats IS NOT NULL)"
        )


def downgrade():
    with op.batch_alter_table('tiers', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_tiers_seats_only_for_organisations'), type_='check')
    op.drop_table('tier_cpd_requirements')
