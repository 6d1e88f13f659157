"""events: events, bookings and waiting lists; attachments on outbox messages (an event's .ics)

Revision ID: events_domain
Revises: payments_purpose_columns
Create Date: 2026-12-02 07:46:19.575077

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'events_domain'
down_revision = 'payments_purpose_columns'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('events',
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.Enum('roadshow', 'conference', 'webinar', name='event_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('region', sa.Enum('north_east', 'north_west', 'yorkshire_and_the_humber', 'east_midlands', 'west_midlands', 'east_of_england', 'london', 'south_east', 'south_west', 'wales', 'scotland', 'northern_ireland', name='region', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('format', sa.Enum('online', 'in_person', 'hybrid', name='event_format', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('venue', sa.String(length=300), nullable=False),
    sa.Column('joining_url', sa.String(length=500), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('member_price_pence', sa.Integer(), nullable=False),
    sa.Column('non_member_price_pence', sa.Integer(), nullable=False),
    sa.Column('booking_opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('booking_closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cpd_quarter_hours', sa.Integer(), nullable=False),
    sa.Column('refund_cutoff_days', sa.Integer(), nullable=False),
    sa.Column('offer_hours', sa.Integer(), nullable=False),
    sa.Column('hold_minutes', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', 'cancelled', name='event_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancellation_reason', sa.String(length=500), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind <> 'roadshow' OR region IS NOT NULL", name=op.f('ck_events_roadshow_has_region')),
    sa.CheckConstraint('booking_closes_at > booking_opens_at', name=op.f('ck_events_booking_closes_after_opening')),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_events_capacity_positive')),
    sa.CheckConstraint('cpd_quarter_hours >= 0', name=op.f('ck_events_cpd_hours_not_negative')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_events_ends_after_start')),
    sa.CheckConstraint('hold_minutes > 0', name=op.f('ck_events_hold_minutes_positive')),
    sa.CheckConstraint('member_price_pence >= 0 AND non_member_price_pence >= 0', name=op.f('ck_events_prices_not_negative')),
    sa.CheckConstraint('offer_hours > 0', name=op.f('ck_events_offer_hours_positive')),
    sa.CheckConstraint('refund_cutoff_days >= 0', name=op.f('ck_events_refund_cutoff_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_status_starts_at', ['status', 'starts_at'], unique=False)

    op.create_table('waiting_list_entries',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'offered', 'booked', 'expired', 'declined', 'left', name='waiting_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('offered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('offer_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status <> 'offered' OR offer_expires_at IS NOT NULL", name=op.f('ck_waiting_list_entries_offer_has_expiry')),
    sa.CheckConstraint("status <> 'waiting' OR offered_at IS NULL", name=op.f('ck_waiting_list_entries_waiting_never_offered')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_waiting_list_entries_event_id_events')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_waiting_list_entries_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waiting_list_entries'))
    )
    with op.batch_alter_table('waiting_list_entries', schema=None) as batch_op:
        batch_op.create_index('ix_waiting_list_entries_event_status_joined', ['event_id', 'status', 'joined_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_waiting_list_entries_person_id'), ['person_id'], unique=False)
        batch_op.create_index('uq_waiting_list_entries_active_per_person', ['event_id', 'person_id'], unique=True, postgresql_where=sa.text("status IN ('waiting', 'offered')"), sqlite_where=sa.text("status IN ('waiting', 'offered')"))

    op.create_table('bookings',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('held', 'confirmed', 'cancelled', 'expired', name='booking_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('price_pence', sa.Integer(), nullable=False),
    sa.Column('access_needs', sa.Text(), nullable=False),
    sa.Column('dietary', sa.Text(), nullable=False),
    sa.Column('requirements_deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hold_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('reminder_week_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminder_day_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancellation_settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status <> 'held' OR hold_expires_at IS NOT NULL", name=op.f('ck_bookings_hold_has_expiry')),
    sa.CheckConstraint('price_pence >= 0', name=op.f('ck_bookings_price_not_negative')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_bookings_event_id_events')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_bookings_payment_id_payments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_bookings_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings'))
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index('ix_bookings_event_status', ['event_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_person_id'), ['person_id'], unique=False)
        batch_op.create_index('uq_bookings_live_per_person', ['event_id', 'person_id'], unique=True, postgresql_where=sa.text("status IN ('held', 'confirmed')"), sqlite_where=sa.text("status IN ('held', 'confirmed')"))

    op.create_table('event_standards',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('standard_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_standards_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['standard_id'], ['code_standards.id'], name=op.f('fk_event_standards_standard_id_code_standards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'standard_id', name=op.f('pk_event_standards'))
    )
    with op.batch_alter_table('event_standards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_standards_standard_id'), ['standard_id'], unique=False)

    op.create_table('event_calendar_feed_tokens',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_event_calendar_feed_tokens_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_calendar_feed_tokens')),
    sa.UniqueConstraint('person_id', name=op.f('uq_event_calendar_feed_tokens_person_id')),
    sa.UniqueConstraint('token', name=op.f('uq_event_calendar_feed_tokens_token'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachments', sa.JSON(), nullable=True))



def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('attachments')

    op.drop_table('event_calendar_feed_tokens')

    with op.batch_alter_table('event_standards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_standards_standard_id'))

    op.drop_table('event_standards')
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('uq_bookings_live_per_person', postgresql_where=sa.text("status IN ('held', 'confirmed')"), sqlite_where=sa.text("status IN ('held', 'confirmed')"))
        batch_op.drop_index(batch_op.f('ix_bookings_person_id'))
        batch_op.drop_index('ix_bookings_event_status')

    op.drop_table('bookings')
    with op.batch_alter_table('waiting_list_entries', schema=None) as batch_op:
        batch_op.drop_index('uq_waiting_list_entries_active_per_person', postgresql_where=sa.text("status IN ('waiting', 'offered')"), sqlite_where=sa.text("status IN ('waiting', 'offered')"))
        batch_op.drop_index(batch_op.f('ix_waiting_list_entries_person_id'))
        batch_op.drop_index('ix_waiting_list_entries_event_status_joined')

    op.drop_table('waiting_list_entries')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_status_starts_at')

    op.drop_table('events')
