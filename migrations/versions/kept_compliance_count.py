"""kept counts: a change counter for the cpd compliance list's total, moved by triggers on what it counts

Revision ID: kept_compliance_count
Revises: compliance_list_by_region
Create Date: 2026-12-02 23:00:00.000000

On PostgreSQL only (nalw/core/kept_counts.py says why and how the counter is read): a sequence, two trigger
functions, and on each table the total reads, a trigger that marks a transaction as having changed it and a
deferred one that moves the counter when that transaction commits. SQLite gets the table alone, and counts
every time.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'kept_compliance_count'
down_revision = 'compliance_list_by_region'
branch_labels = None
depends_on = None

COUNTER = "cpd_compliance"
TABLES = ("memberships", "cpd_year_totals", "tier_cpd_requirements")

FUNCTIONS = """
CREATE SEQUENCE change_counter_values;

-- Marks the transaction: until it commits, the counter does not show its changes, so it must count for itself.
CREATE FUNCTION mark_change_in_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('nalw.changed_' || TG_ARGV[0], 'yes', true);
    RETURN NULL;
END
$$;

-- A new value for the counter, once per transaction, at its commit (or at once, for TRUNCATE).
CREATE FUNCTION move_change_counter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('nalw.counter_moved_' || TG_ARGV[0], true) IS DISTINCT FROM 'yes' THEN
        INSERT INTO change_counters (name, changes) VALUES (TG_ARGV[0], nextval('change_counter_values'))
        ON CONFLICT (name) DO UPDATE SET changes = excluded.changes;
        PERFORM set_config('nalw.counter_moved_' || TG_ARGV[0], 'yes', true);
    END IF;
    RETURN NULL;
END
$$;
"""


def watch_table(table, counter):
    op.execute(
        f"CREATE TRIGGER {table}_marks_{counter} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION mark_change_in_transaction('{counter}')"
    )
    op.execute(
        f"CREATE CONSTRAINT TRIGGER {table}_moves_{counter} AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION move_change_counter('{counter}')"
    )
    # A constraint trigger cannot fire on TRUNCATE: that moves the counter at once.
    op.execute(
        f"CREATE TRIGGER {table}_truncate_moves_{counter} AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION move_change_counter('{counter}')"
    )


def unwatch_table(table, counter):
    for trigger in (f"{table}_marks_{counter}", f"{table}_moves_{counter}", f"{table}_truncate_moves_{counter}"):
        op.execute(f"DROP TRIGGER {trigger} ON {table}")


def upgrade():
    op.create_table('change_counters',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('changes', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_change_counters'))
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTIONS)
    op.execute(f"INSERT INTO change_counters (name, changes) VALUES ('{COUNTER}', nextval('change_counter_values'))")
    for table in TABLES:
        watch_table(table, COUNTER)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            unwatch_table(table, COUNTER)
        op.execute("DROP FUNCTION move_change_counter()")
        op.execute("DROP FUNCTION mark_change_in_transaction()")
        op.execute("DROP SEQUENCE change_counter_values")
    op.drop_table('change_counters')
