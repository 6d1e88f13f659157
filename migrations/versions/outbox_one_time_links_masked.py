"""outbox: one-time links masked in the bodies staff read; usable bodies kept only until delivered

Revision ID: outbox_one_time_links_masked
Revises: 82844daa4a74
Create Date: 2026-12-01 10:00:00

Messages written before this revision hold their one-time links in the readable bodies: the
tokens are masked there, and a message not yet sent keeps its usable bodies for the worker.
"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'outbox_one_time_links_masked'
down_revision = '82844daa4a74'
branch_labels = None
depends_on = None

SECRET_MASK = "••••••"
ONE_TIME_PATHS = ("/account/verify/", "/account/reset-password/", "/account/email/confirm/", "/organisation/join/")
TOKEN_IN_LINK = re.compile("(" + "|".join(re.escape(path) for path in ONE_TIME_PATHS) + r")[A-Za-z0-9_.\-]+")

outbox = sa.table(
    'outbox_messages',
    sa.column('id', sa.Integer),
    sa.column('status', sa.String),
    sa.column('body_text', sa.Text),
    sa.column('body_html', sa.Text),
    sa.column('unmasked_body_text', sa.Text),
    sa.column('unmasked_body_html', sa.Text),
)


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unmasked_body_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('unmasked_body_html', sa.Text(), nullable=True))

    connection = op.get_bind()
    carrying_links = sa.or_(*(outbox.c.body_text.contains(path) for path in ONE_TIME_PATHS))
    rows = connection.execute(
        sa.select(outbox.c.id, outbox.c.status, outbox.c.body_text, outbox.c.body_html).where(carrying_links)
    ).all()
    for row in rows:
        masked = {
            'body_text': TOKEN_IN_LINK.sub(lambda match: match.group(1) + SECRET_MASK, row.body_text),
            'body_html': TOKEN_IN_LINK.sub(lambda match: match.group(1) + SECRET_MASK, row.body_html),
        }
        if row.status != 'sent':
            masked.update(unmasked_body_text=row.body_text, unmasked_body_html=row.body_html)
        connection.execute(sa.update(outbox).where(outbox.c.id == row.id).values(**masked))


def downgrade():
    connection = op.get_bind()
    connection.execute(
        sa.update(outbox)
        .where(outbox.c.unmasked_body_text.is_not(None))
        .values(body_text=outbox.c.unmasked_body_text, body_html=outbox.c.unmasked_body_html)
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('unmasked_body_html')
        batch_op.drop_column('unmasked_body_text')
