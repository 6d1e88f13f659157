"""Erasure and the audit log: every entry stays (what was done, by whom, to which record, when), and the person's
name and email addresses, today's and any they changed from, go from its words."""

import re

import sqlalchemy as sa

from nalw.accounts.services import erase_person
from nalw.core.audit import AuditEntry, record_audit
from nalw.extensions import db
from tests.factories import MembershipFactory, PersonFactory, staff_member


def entry_texts():
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    return [f"{entry.summary} {entry.before} {entry.after}" for entry in entries]


def test_erasure_takes_every_address_of_the_person_out_of_the_log_and_keeps_every_entry(app):
    person = PersonFactory(name="Robin Hart", email="robin.hart@example.org")
    other = PersonFactory(name="Olu Other", email="olu@example.org")
    staff = staff_member(name="Sam Staff")
    record_audit(
        person, "account.email_changed", person, before={"email": "Robin@Old.example"}, after={"email": person.email}
    )
    record_audit(
        staff,
        "organisation.invited",
        other,
        after={"email": "robin.hart@example.org"},
        summary="Invited robin.hart@example.org to a seat",
    )
    record_audit(staff, "awards.judge_assigned", person, after={"judge": "robin@old.example", "category": "Team"})
    record_audit(
        staff,
        "organisation.invited",
        other,
        after={"email": "olu@example.org"},
        summary="Invited olu@example.org to a seat",
    )
    db.session.flush()
    before = len(entry_texts())

    erase_person(person, password="", actor=staff_member(name="Ada Admin"))
    db.session.flush()

    texts = entry_texts()
    assert len(texts) == before + 1  # and the entry saying the erasure was done
    assert not [text for text in texts if "robin" in text.lower()]
    assert sum(f"erased-{person.id}@invalid" in text for text in texts) == 3
    assert any("Invited olu@example.org to a seat" in text and "'olu@example.org'" in text for text in texts)


def test_erasure_takes_the_persons_name_out_of_the_log_written_before_and_during_it_and_no_other_name(app):
    person = PersonFactory(name="Robin Hart", email="robin.hart@example.org")
    staff = staff_member(name="Sam Staff")
    membership = MembershipFactory(person=person, staff=staff)  # applied, paid by invoice, approved: all logged
    record_audit(staff, "awards.judge_assigned", person, after={"judge": "ROBIN HART"}, summary="Robin Hart judges")
    record_audit(staff, "awards.judge_assigned", person, summary="Robin Hartley and Robin Hart-Jones judge Team")
    db.session.flush()

    erase_person(person, password="", actor=staff_member(name="Ada Admin"))
    db.session.flush()

    texts = entry_texts()
    assert not [text for text in texts if re.search(r"robin hart\b(?!-)", text, re.IGNORECASE)]
    assert any(text.startswith(f"Approved Erased person as {membership.number}") for text in texts)
    assert any(text.startswith("Erased person judges") and "'Erased person'" in text for text in texts)
    # Written during erasure, as the resigned membership took the member's role away:
    assert any(text.startswith("Removed Member from Erased person") for text in texts)
    # Only the whole name goes: another name that starts the same way stays.
    assert any(text.startswith("Robin Hartley and Robin Hart-Jones judge Team") for text in texts)
