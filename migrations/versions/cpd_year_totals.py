"""cpd year totals: each person's complete hours per CPD year, filled from the entries, for the compliance list

Revision ID: cpd_year_totals
Revises: compliance_list_speed
Create Date: 2026-12-02 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from nalw.core.cpd_years import year_containing, year_starting_in


# revision identifiers, used by Alembic.
revision = 'cpd_year_totals'
down_revision = 'compliance_list_speed'
branch_labels = None
depends_on = None

entries = sa.table(
    'cpd_entries',
    sa.column('person_id', sa.Integer),
    sa.column('done_on', sa.Date),
    sa.column('quarter_hours', sa.Integer),
    sa.column('status', sa.String),
)
totals = sa.table(
    'cpd_year_totals',
    sa.column('person_id', sa.Integer),
    sa.column('year_starts_on', sa.Date),
    sa.column('quarter_hours', sa.Integer),
)


def upgrade():
    op.create_table('cpd_year_totals',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('year_starts_on', sa.Date(), nullable=False),
    sa.Column('quarter_hours', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_cpd_year_totals_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'year_starts_on', name=op.f('pk_cpd_year_totals'))
    )
    with op.batch_alter_table('cpd_year_totals', schema=None) as batch_op:
        batch_op.create_index('ix_cpd_year_totals_by_year', ['year_starts_on', 'person_id'], unique=False, postgresql_include=['quarter_hours'])
    fill_totals()


def fill_totals():
    """One INSERT ... SELECT per CPD year the complete entries span (the year's first day is a setting, so the
    years are worked out here, as nalw.core.cpd_years does, and each sums its entries in the database)."""
    connection = op.get_bind()
    complete = entries.c.status == 'complete'
    first, last = connection.execute(
        sa.select(sa.func.min(entries.c.done_on), sa.func.max(entries.c.done_on)).where(complete)
    ).one()
    if first is None:
        return
    for key in range(year_containing(first).key, year_containing(last).key + 1):
        year = year_starting_in(key)
        sums = (
            sa.select(entries.c.person_id, sa.literal(year.starts_on, sa.Date), sa.func.sum(entries.c.quarter_hours))
            .where(complete, entries.c.done_on >= year.starts_on, entries.c.done_on <= year.ends_on)
            .group_by(entries.c.person_id)
        )
        connection.execute(totals.insert().from_select(['person_id', 'year_starts_on', 'quarter_hours'], sums))


def downgrade():
    with op.batch_alter_table('cpd_year_totals', schema=None) as batch_op:
        batch_op.drop_index('ix_cpd_year_totals_by_year', postgresql_include=['quarter_hours'])

    op.drop_table('cpd_year_totals')
