"""A CPD audit in the data download of the member it drew, and what erasure leaves of it: the audit and its
outcomes stay, the member's summary and the reviewers' comments go."""

import sqlalchemy as sa

from nalw.accounts.services import erase_person
from nalw.cpd import audits
from nalw.cpd.models import AuditSelection, CpdEntry, Outcome, SelectionStatus
from nalw.extensions import db
from tests.factories import MembershipFactory, drawn_for_an_audit, review_profile, staff_member
from tests.helpers import sign_in

SUMMARY = "This year I built links with the food bank and learnt about benefits advice."


def reviewed_profile():
    member = MembershipFactory(long_standing=True).person
    staff = staff_member(name="Sam Staff")
    selection, entry = drawn_for_an_audit(member, staff)
    audits.submit_profile(member, selection, SUMMARY, [entry.id])
    review_profile(staff, selection, Outcome.MEETS, "A clear account of your year.", "Well shown.")
    db.session.commit()
    return member, selection, entry


def test_the_download_holds_the_profile_the_entries_chosen_and_every_outcome_with_its_comment(client):
    member, selection, entry = reviewed_profile()
    sign_in(client, member)

    [audit] = client.get("/account/data").json["cpd_audits"]

    assert audit["cpd_year"] == selection.audit.year.label
    assert (audit["status"], audit["summary"], audit["entries_chosen"]) == ("reviewed", SUMMARY, [entry.title])
    assert (audit["outcome"], audit["outcome_comment"]) == ("meets", "A clear account of your year.")
    [by_standard] = audit["outcomes_by_standard"]
    assert (by_standard["outcome"], by_standard["comment"]) == ("meets", "Well shown.")
    assert audit["submitted_at"] and audit["reviewed_at"]
    assert (audit["submitted_at"], audit["reviewed_at"]) == (
        selection.submitted_at.isoformat(),
        selection.reviewed_at.isoformat(),
    )


def test_erasure_keeps_the_audit_and_its_outcomes_and_deletes_the_words_in_it(app):
    member, selection, _entry = reviewed_profile()
    submitted_at, reviewed_at = selection.submitted_at, selection.reviewed_at

    erase_person(member, password="", actor=staff_member(name="Ada Admin"))
    db.session.commit()

    kept = db.session.scalar(sa.select(AuditSelection).where(AuditSelection.id == selection.id))
    assert (kept.status, kept.outcome) == (SelectionStatus.REVIEWED, Outcome.MEETS)
    assert kept.reviewed_at is not None and kept.submitted_at is not None
    assert (kept.submitted_at, kept.reviewed_at) == (submitted_at, reviewed_at)
    assert (kept.summary, kept.outcome_comment) == ("(erased)", "(erased)")
    assert [(each.outcome, each.comment) for each in kept.standard_outcomes] == [(Outcome.MEETS, "(erased)")]
    assert kept.entries == []
    assert db.session.scalar(sa.select(sa.func.count()).where(CpdEntry.person_id == member.id)) == 0
