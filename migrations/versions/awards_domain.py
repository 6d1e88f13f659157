"""awards: cycles, categories, criteria, nominations, evidence, judging

Revision ID: awards_domain
Revises: events_domain
Create Date: 2026-12-02 12:13:29.869680

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'awards_domain'
down_revision = 'insight_domain'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('award_cycles',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('nominations_open_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('nominations_close_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('judging_opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('judging_closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('results_due_on', sa.Date(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('blind', sa.Boolean(), nullable=False),
    sa.Column('judging_reopened_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('min_scores_to_standardise', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('judging_closes_at > judging_opens_at', name=op.f('ck_award_cycles_judging_closes_after_open')),
    sa.CheckConstraint('judging_opens_at >= nominations_close_at', name=op.f('ck_award_cycles_judging_after_nominations')),
    sa.CheckConstraint('min_scores_to_standardise >= 2', name=op.f('ck_award_cycles_standardise_needs_two_scores')),
    sa.CheckConstraint('nominations_close_at > nominations_open_at', name=op.f('ck_award_cycles_nominations_close_after_open')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_cycles')),
    sa.UniqueConstraint('year', name=op.f('uq_award_cycles_year'))
    )
    op.create_table('award_categories',
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('self_nomination_allowed', sa.Boolean(), nullable=False),
    sa.Column('nominee_kind', sa.Enum('member', 'team', 'community_group', name='nominee_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['award_cycles.id'], name=op.f('fk_award_categories_cycle_id_award_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_categories')),
    sa.UniqueConstraint('cycle_id', 'name', name='uq_award_categories_cycle_name')
    )
    with op.batch_alter_table('award_categories', schema=None) as batch_op:
        batch_op.create_index('ix_award_categories_cycle_position', ['cycle_id', 'position'], unique=False)

    op.create_table('award_criteria',
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=500), nullable=False),
    sa.Column('word_limit', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint('weight > 0', name=op.f('ck_award_criteria_weight_positive')),
    sa.CheckConstraint('word_limit > 0', name=op.f('ck_award_criteria_word_limit_positive')),
    sa.ForeignKeyConstraint(['category_id'], ['award_categories.id'], name=op.f('fk_award_criteria_category_id_award_categories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_criteria'))
    )
    with op.batch_alter_table('award_criteria', schema=None) as batch_op:
        batch_op.create_index('ix_award_criteria_category_position', ['category_id', 'position'], unique=False)

    op.create_table('judge_assignments',
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['people.id'], name=op.f('fk_judge_assignments_assigned_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['category_id'], ['award_categories.id'], name=op.f('fk_judge_assignments_category_id_award_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['people.id'], name=op.f('fk_judge_assignments_judge_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judge_assignments')),
    sa.UniqueConstraint('category_id', 'judge_id', name='uq_judge_assignments_category_judge')
    )
    with op.batch_alter_table('judge_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_judge_assignments_judge_id'), ['judge_id'], unique=False)

    op.create_table('nominations',
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('nominator_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'eligible', 'ineligible', name='nomination_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('nominee_name', sa.String(length=200), nullable=False),
    sa.Column('nominee_organisation', sa.String(length=200), nullable=False),
    sa.Column('nominee_region', sa.Enum('north_east', 'north_west', 'yorkshire_and_the_humber', 'east_midlands', 'west_midlands', 'east_of_england', 'london', 'south_east', 'south_west', 'wales', 'scotland', 'northern_ireland', name='region', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('nominee_email', sa.String(length=254), nullable=True),
    sa.Column('relationship_to_nominee', sa.String(length=200), nullable=False),
    sa.Column('is_self_nomination', sa.Boolean(), nullable=False),
    sa.Column('ineligible_reason', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('screened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('screened_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Enum('winner', 'highly_commended', name='award_outcome', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('outcome_chosen_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome_chosen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result_emailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("outcome IS NULL OR status = 'eligible'", name=op.f('ck_nominations_outcome_only_if_eligible')),
    sa.CheckConstraint("status <> 'ineligible' OR ineligible_reason <> ''", name=op.f('ck_nominations_ineligible_has_reason')),
    sa.CheckConstraint("status = 'draft' OR submitted_at IS NOT NULL", name=op.f('ck_nominations_submitted_has_time')),
    sa.ForeignKeyConstraint(['category_id'], ['award_categories.id'], name=op.f('fk_nominations_category_id_award_categories')),
    sa.ForeignKeyConstraint(['nominator_id'], ['people.id'], name=op.f('fk_nominations_nominator_id_people')),
    sa.ForeignKeyConstraint(['outcome_chosen_by_id'], ['people.id'], name=op.f('fk_nominations_outcome_chosen_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['screened_by_id'], ['people.id'], name=op.f('fk_nominations_screened_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nominations'))
    )
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.create_index('ix_nominations_category_status', ['category_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_nominations_nominator_id'), ['nominator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nominations_nominee_email'), ['nominee_email'], unique=False)
        batch_op.create_index('ix_nominations_status_submitted_at', ['status', 'submitted_at'], unique=False)

    op.create_table('conflict_declarations',
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('conflicted', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['judge_id'], ['people.id'], name=op.f('fk_conflict_declarations_judge_id_people')),
    sa.ForeignKeyConstraint(['nomination_id'], ['nominations.id'], name=op.f('fk_conflict_declarations_nomination_id_nominations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_declarations')),
    sa.UniqueConstraint('nomination_id', 'judge_id', name='uq_conflict_declarations_judge')
    )
    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_declarations_judge_id'), ['judge_id'], unique=False)

    op.create_table('nomination_answers',
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['award_criteria.id'], name=op.f('fk_nomination_answers_criterion_id_award_criteria')),
    sa.ForeignKeyConstraint(['nomination_id'], ['nominations.id'], name=op.f('fk_nomination_answers_nomination_id_nominations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nomination_answers')),
    sa.UniqueConstraint('nomination_id', 'criterion_id', name='uq_nomination_answers_criterion')
    )
    with op.batch_alter_table('nomination_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nomination_answers_criterion_id'), ['criterion_id'], unique=False)

    op.create_table('nomination_evidence',
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['nomination_id'], ['nominations.id'], name=op.f('fk_nomination_evidence_nomination_id_nominations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nomination_evidence')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_nomination_evidence_stored_name'))
    )
    with op.batch_alter_table('nomination_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nomination_evidence_nomination_id'), ['nomination_id'], unique=False)

    op.create_table('recusals',
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recused_by_id', sa.Integer(), nullable=True),
    sa.Column('recused_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint("reason <> ''", name=op.f('ck_recusals_reason_given')),
    sa.ForeignKeyConstraint(['judge_id'], ['people.id'], name=op.f('fk_recusals_judge_id_people')),
    sa.ForeignKeyConstraint(['nomination_id'], ['nominations.id'], name=op.f('fk_recusals_nomination_id_nominations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recused_by_id'], ['people.id'], name=op.f('fk_recusals_recused_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recusals')),
    sa.UniqueConstraint('nomination_id', 'judge_id', name='uq_recusals_judge')
    )
    with op.batch_alter_table('recusals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recusals_judge_id'), ['judge_id'], unique=False)

    op.create_table('scores',
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint('score BETWEEN 0 AND 10', name=op.f('ck_scores_score_on_scale')),
    sa.ForeignKeyConstraint(['criterion_id'], ['award_criteria.id'], name=op.f('fk_scores_criterion_id_award_criteria')),
    sa.ForeignKeyConstraint(['judge_id'], ['people.id'], name=op.f('fk_scores_judge_id_people')),
    sa.ForeignKeyConstraint(['nomination_id'], ['nominations.id'], name=op.f('fk_scores_nomination_id_nominations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scores')),
    sa.UniqueConstraint('nomination_id', 'judge_id', 'criterion_id', name='uq_scores_judge_criterion')
    )
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scores_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scores_judge_id'), ['judge_id'], unique=False)



def downgrade():
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scores_judge_id'))
        batch_op.drop_index(batch_op.f('ix_scores_criterion_id'))

    op.drop_table('scores')
    with op.batch_alter_table('recusals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recusals_judge_id'))

    op.drop_table('recusals')
    with op.batch_alter_table('nomination_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nomination_evidence_nomination_id'))

    op.drop_table('nomination_evidence')
    with op.batch_alter_table('nomination_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nomination_answers_criterion_id'))

    op.drop_table('nomination_answers')
    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_declarations_judge_id'))

    op.drop_table('conflict_declarations')
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.drop_index('ix_nominations_status_submitted_at')
        batch_op.drop_index(batch_op.f('ix_nominations_nominee_email'))
        batch_op.drop_index(batch_op.f('ix_nominations_nominator_id'))
        batch_op.drop_index('ix_nominations_category_status')

    op.drop_table('nominations')
    with op.batch_alter_table('judge_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_judge_assignments_judge_id'))

    op.drop_table('judge_assignments')
    with op.batch_alter_table('award_criteria', schema=None) as batch_op:
        batch_op.drop_index('ix_award_criteria_category_position')

    op.drop_table('award_criteria')
    with op.batch_alter_table('award_categories', schema=None) as batch_op:
        batch_op.drop_index('ix_award_categories_cycle_position')

    op.drop_table('award_categories')
    op.drop_table('award_cycles')
