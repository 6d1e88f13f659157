"""Emails written before one-time links were masked lose their readable tokens when the database is upgraded."""

import pytest
import sqlalchemy as sa

from nalw.extensions import db
from tests.scratch_database import flask_db

pytestmark = pytest.mark.postgres_only

TOKEN = "eyJwZXJzb24iOjF9.aBcDeF.gHiJkLmNoPqRsTuVwXyZ-_0123"
TEXT = f"Reset your password here: http://nalw.test/account/reset-password/{TOKEN}\n\nThanks."
HTML = f'<p><a href="http://nalw.test/account/reset-password/{TOKEN}">Reset</a></p>'


def write_old_email(status):
    db.session.execute(
        sa.text(
            "INSERT INTO outbox_messages (created_at, to_address, template, subject, body_text, body_html,"
            " status, attempts, next_attempt_at) VALUES (now(), :address, 'accounts/reset_password',"
            " 'Reset your NALW password', :text, :html, :status, 0, now())"
        ),
        {"address": f"{status}@example.org", "text": TEXT, "html": HTML, "status": status},
    )
    db.session.commit()


def stored(status):
    return db.session.execute(
        sa.text("SELECT * FROM outbox_messages WHERE to_address = :address"), {"address": f"{status}@example.org"}
    ).one()


def test_upgrading_masks_one_time_links_in_emails_already_written(scratch_app):
    flask_db(scratch_app, "upgrade", "82844daa4a74")
    write_old_email("sent")
    write_old_email("failed")

    flask_db(scratch_app, "upgrade")

    sent, failed = stored("sent"), stored("failed")
    masked_text = TEXT.replace(TOKEN, "••••••")
    assert (sent.body_text, sent.unmasked_body_text, sent.unmasked_body_html) == (masked_text, None, None)
    assert sent.body_html == HTML.replace(TOKEN, "••••••")
    # Not delivered yet: staff read it masked, and sending it again still gives the recipient a working link.
    assert failed.body_text == masked_text
    assert (failed.unmasked_body_text, failed.unmasked_body_html) == (TEXT, HTML)
