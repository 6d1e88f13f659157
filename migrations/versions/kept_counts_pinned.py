"""kept counts: the counter's functions name their schema and run as their owner; the counter starts past every earlier value

Revision ID: kept_counts_pinned
Revises: kept_compliance_count
Create Date: 2026-12-03 03:10:00.000000

On PostgreSQL only:
- Both trigger functions find their tables in the schema they were made in, whatever the writing session's
  search_path (a data-only restore runs with an empty one, and would otherwise fail on the first row).
- The function that moves the counter runs as its owner (SECURITY DEFINER), so any role that may write
  memberships, CPD totals or requirements moves it without rights of its own on `change_counters`. Its
  search_path is pinned, as a SECURITY DEFINER function's must be, with the temporary schema last.
- The sequence jumps to the microseconds since 1970, and every counter takes a new value from it: a database
  made again later (dropped and migrated, or downgraded and upgraded) never gives a value one made earlier
  gave, so a kept count from before it cannot be taken for one after (nalw/core/kept_counts.py also reads
  the counter table's oid for that).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'kept_counts_pinned'
down_revision = 'kept_compliance_count'
branch_labels = None
depends_on = None

PIN = """
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION %I.mark_change_in_transaction() SET search_path = %I, pg_temp',
                   current_schema(), current_schema());
    EXECUTE format('ALTER FUNCTION %I.move_change_counter() SECURITY DEFINER SET search_path = %I, pg_temp',
                   current_schema(), current_schema());
END
$$;
"""

START_PAST_EARLIER_VALUES = """
SELECT setval('change_counter_values',
              greatest((extract(epoch FROM clock_timestamp()) * 1000000)::bigint,
                       (SELECT last_value FROM change_counter_values)));
UPDATE change_counters SET changes = nextval('change_counter_values');
"""

UNPIN = """
ALTER FUNCTION mark_change_in_transaction() RESET search_path;
ALTER FUNCTION move_change_counter() SECURITY INVOKER RESET search_path;
"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(PIN)
    op.execute(START_PAST_EARLIER_VALUES)


def downgrade():
    # The sequence stays where it is: going back to smaller values is what this revision prevents.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(UNPIN)
