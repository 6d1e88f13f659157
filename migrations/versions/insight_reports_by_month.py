"""insight: an index of active reports by month, theme and region, for the staff figures over a long period

Revision ID: insight_reports_by_month
Revises: cpd_year_totals
Create Date: 2026-12-02 16:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'insight_reports_by_month'
down_revision = 'cpd_year_totals'
branch_labels = None
depends_on = None

INDEX = 'ix_insight_reports_active_by_month'
ACTIVE = "status = 'active'"
# The first day of the report's month, as nalw.core.db.FirstOfMonth writes it on each database.
FIRST_OF_MONTH = {
    'postgresql': "CAST(date_trunc('month', CAST(reported_on AS TIMESTAMP WITHOUT TIME ZONE)) AS DATE)",
    'sqlite': "date(reported_on, 'start of month')",
}


def upgrade():
    first_of_month = FIRST_OF_MONTH[op.get_bind().dialect.name]
    op.create_index(
        INDEX,
        'insight_reports',
        [sa.text(first_of_month), 'theme', 'region'],
        unique=False,
        postgresql_include=['reported_on'],
        postgresql_where=sa.text(ACTIVE),
        sqlite_where=sa.text(ACTIVE),
    )


def downgrade():
    op.drop_index(INDEX, table_name='insight_reports')
