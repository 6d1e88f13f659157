"""staff: notes about people; trigram indexes for finding people by name, email and membership number

Revision ID: staff_members_search_and_notes
Revises: events_domain
Create Date: 2026-12-02 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'staff_members_search_and_notes'
down_revision = 'staff_dashboard_indexes'
branch_labels = None
depends_on = None

# (index, table, column): GIN trigram indexes, PostgreSQL only (SQLite searches without them).
TRIGRAM_INDEXES = (
    ('ix_people_name_trigram', 'people', 'name'),
    ('ix_people_email_trigram', 'people', 'email'),
    ('ix_memberships_number_trigram', 'memberships', 'number'),
)


def upgrade():
    op.create_table('staff_notes',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(body) > 0', name=op.f('ck_staff_notes_body_not_empty')),
    sa.ForeignKeyConstraint(['author_id'], ['people.id'], name=op.f('fk_staff_notes_author_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_staff_notes_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_notes'))
    )
    with op.batch_alter_table('staff_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_notes_person_id'), ['person_id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        for name, table, column in TRIGRAM_INDEXES:
            op.create_index(
                name, table, [column], unique=False,
                postgresql_using='gin', postgresql_ops={column: 'gin_trgm_ops'},
            )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for name, table, _column in TRIGRAM_INDEXES:
            op.drop_index(name, table_name=table)
        # Created by this revision for these indexes alone.
        op.execute('DROP EXTENSION IF EXISTS pg_trgm')

    with op.batch_alter_table('staff_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_notes_person_id'))

    op.drop_table('staff_notes')
