"""Text built from other text (an email subject from an organisation's name, an audit summary quoting a
reason) is cut to fit its column with '…', never refused by the database as a server error."""

import pytest
import sqlalchemy as sa

from nalw.core.audit import AuditEntry, record_audit
from nalw.core.db import CUT_TO_FIT, fit_to_length
from nalw.extensions import db
from tests.factories import MembershipFactory, PersonFactory, organisation_tier
from tests.helpers import emails_to, page_text, sign_in

# Every column whose text is put together from other text. A new one gets `cut_to_fit_column` and a line here.
BUILT_FROM_OTHER_TEXT = {
    "outbox_messages.subject",
    "outbox_messages.last_error",
    "audit_entries.summary",
    "membership_changes.reason",
    "payments.description",
    "payments.failure_message",
    "refunds.reason",
    "refunds.failure_message",
    "stripe_events.outcome",
    "sign_in_sessions.user_agent",
}


def marked_columns():
    return [
        (mapper.class_, attribute.key, attribute.columns[0])
        for mapper in db.Model.registry.mappers
        for attribute in mapper.column_attrs
        if attribute.columns[0].info.get(CUT_TO_FIT)
    ]


def test_every_column_built_from_other_text_is_cut_to_fit(app):
    marked = {f"{column.table.name}.{column.name}" for _, _, column in marked_columns()}

    assert marked == BUILT_FROM_OTHER_TEXT


def test_each_marked_column_keeps_a_too_long_value_cut_with_an_ellipsis(app):
    for model, key, column in marked_columns():
        record = model()
        setattr(record, key, "word " * column.type.length)

        kept = getattr(record, key)
        assert len(kept) <= column.type.length and kept.endswith("…"), f"{model.__name__}.{key}: {kept!r}"


def test_text_that_fits_is_kept_as_it_is(app):
    record = AuditEntry()
    record.summary = "x" * 300

    assert record.summary == "x" * 300
    assert fit_to_length("Approved Ada Lovelace", 10) == "Approved…"
    assert fit_to_length(None, 10) is None


def test_an_audit_summary_quoting_a_long_reason_is_saved_cut_to_fit(app):
    person = PersonFactory(name="N" * 200)

    record_audit(None, "membership.rejected", person, summary=f"Rejected application of {person.name}: " + "r" * 500)
    db.session.flush()

    saved = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "membership.rejected")).one()
    assert len(saved.summary) == 300 and saved.summary.endswith("r…")


@pytest.mark.postgres_only  # SQLite does not enforce a String's length; PostgreSQL refused the subject
def test_organisation_with_a_200_character_name_invites_a_member_with_the_subject_cut_to_fit(client):
    name = "The Riverside and Lower Dale Primary Care Network Social Prescribing Partnership " * 3
    name = name[:200]
    membership = MembershipFactory(person=PersonFactory(name="Olu Admin"), tier=organisation_tier(), employer_name=name)
    sign_in(client, membership.person)

    response = client.post("/organisation", data={"email": "ada@example.org"}, follow_redirects=True)

    assert response.status_code == 200
    assert "Invitation sent to ada@example.org." in page_text(response)
    (message,) = emails_to("ada@example.org")
    assert len(message.subject) <= 200
    assert message.subject.startswith(name[:150]) and message.subject.endswith("…")
    assert name in message.body_text  # the email itself names the organisation in full
