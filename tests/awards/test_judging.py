"""Judging: assigning judges, declaring conflicts, scoring until judging closes, recusal and progress."""

import datetime as dt

import pytest
import sqlalchemy as sa

from nalw.awards import conflicts, judging
from nalw.awards.judging import JudgingClosed, JudgingError
from nalw.awards.models import ConflictDeclaration, Score
from nalw.core.audit import AuditEntry
from nalw.core.permissions import Role
from nalw.core.time import utcnow
from nalw.extensions import db
from tests.factories import (
    AwardCategoryFactory,
    MembershipFactory,
    NominationFactory,
    PersonFactory,
    cycle_in_phase,
    declared,
    judge,
    judge_of,
    scored,
    staff_member,
)
from tests.helpers import page_text, rows_of, sign_in


@pytest.fixture
def category(app):
    return AwardCategoryFactory(phase="judging", weights=(2, 1, 1))


def entries(category, *values, comment="Because."):
    return {criterion.id: (value, comment) for criterion, value in zip(category.criteria, values, strict=True)}


def audit_actions():
    return [entry.action for entry in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]


# --- The judge role and assignments ---------------------------------------------------------------------


def test_an_admin_gives_the_judge_role_and_it_needs_two_factor(client, person_as):
    admin = person_as("admin")
    someone = PersonFactory()
    sign_in(client, admin)

    response = client.post(f"/admin/people/{someone.id}/roles", data={"role": "judge"})

    assert response.status_code == 302
    db.session.refresh(someone)
    assert someone.was_granted(Role.JUDGE)
    assert someone.two_factor_required and not someone.has_role(Role.JUDGE)  # in force once two-factor is on


def test_staff_assign_only_judges_and_only_once_audited(category):
    staff = staff_member()
    not_a_judge = PersonFactory(name="Nora Nonjudge")

    with pytest.raises(JudgingError, match="Nora Nonjudge is not a judge"):
        judging.assign_judge(staff, category, not_a_judge)
    person = judge(name="Jo Judge")
    judging.assign_judge(staff, category, person)
    with pytest.raises(JudgingError, match="Jo Judge already judges"):
        judging.assign_judge(staff, category, person)

    assert judging.is_assigned(person, category.id)
    assert "awards.judge_assigned" in audit_actions()


def test_a_judge_who_has_started_cannot_be_taken_off_only_recused(category):
    nomination = NominationFactory(category=category, status="eligible")
    person = judge_of(category)
    declared(person, nomination)
    (assignment,) = judging.assignments_of(person)

    with pytest.raises(JudgingError, match="Recuse them from nominations instead"):
        judging.unassign_judge(staff_member(), assignment)


# --- Declaring and scoring ------------------------------------------------------------------------------


def test_a_judge_must_declare_before_opening_and_scoring(category):
    nomination = NominationFactory(category=category, status="eligible")
    person = judge_of(category)

    assert judging.nomination_for_judge(person, nomination.id) == (None, "declare")
    with pytest.raises(JudgingError, match="Declare whether you have a conflict of interest first"):
        judging.save_scores(person, nomination, entries(category, 5, 5, 5), utcnow())
    declared(person, nomination)
    assert judging.nomination_for_judge(person, nomination.id) == (nomination, None)


def test_a_conflict_needs_a_note_and_once_declared_stands(category):
    nomination = NominationFactory(category=category, status="eligible")
    person = judge_of(category)

    with pytest.raises(JudgingError, match="Say briefly what the conflict is") as refusal:
        judging.declare(person, nomination, conflicted=True, note="  ", now=utcnow())
    assert refusal.value.field == "note"
    declared(person, nomination, conflicted=True, note="She is my sister.")
    with pytest.raises(JudgingError, match="Ask the awards team to change it"):
        judging.declare(person, nomination, conflicted=False, note="", now=utcnow())

    assert judging.nomination_for_judge(person, nomination.id) == (None, "hidden")
    assert "awards.conflict_declared" in audit_actions()


def test_no_conflict_can_become_a_conflict_and_the_scores_leave_the_results(category):
    nomination = NominationFactory(category=category, status="eligible")
    person = judge_of(category)
    scored(person, nomination, 8)

    judging.declare(person, nomination, conflicted=True, note="I found I know them.", now=utcnow())

    assert judging.counted_sheets(category) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Score)) == 3  # kept for the record


def test_a_judge_cannot_declare_on_a_nomination_outside_their_categories_or_not_eligible(category):
    person = judge_of(category)
    elsewhere = NominationFactory(category=AwardCategoryFactory(cycle=category.cycle), status="eligible")
    waiting = NominationFactory(category=category, status="submitted")

    assert judging.nomination_to_declare(person, elsewhere.id) is None
    assert judging.nomination_to_declare(person, waiting.id) is None


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ((11, 5, 5), "score_{0}", "Give criterion 1 a whole-number score from 0 to 10"),
        ((5, -1, 5), "score_{1}", "Give criterion 2 a whole-number score from 0 to 10"),
        ((5, 5, None), "score_{2}", "Give criterion 3 a whole-number score from 0 to 10"),
    ],
)
def test_each_criterion_needs_a_score_from_0_to_10_and_nothing_is_saved_otherwise(category, values, field, message):
    nomination = NominationFactory(category=category, status="eligible")
    person = judge_of(category)
    declared(person, nomination)
    before = rows_of(Score)

    with pytest.raises(JudgingError, match=message) as refusal:
        judging.save_scores(person, nomination, entries(category, *values), utcnow())

    ids = [criterion.id for criterion in category.criteria]
    assert refusal.value.field == field.format(*ids)
    assert rows_of(Score) == before


def test_each_criterion_needs_a_comment(category):
    nomination = NominationFactory(category=category, status="eligible")
    person = judge_of(category)
    declared(person, nomination)

    with pytest.raises(JudgingError, match="Write a comment on criterion 1"):
        judging.save_scores(person, nomination, entries(category, 5, 5, 5, comment=" "), utcnow())


def test_scores_change_until_judging_closes_then_only_when_staff_reopen(category):
    nomination = NominationFactory(category=category, status="eligible")
    person = judge_of(category)
    scored(person, nomination, 4)
    judging.save_scores(person, nomination, entries(category, 6, 6, 6), utcnow())
    assert {s.score for s in judging.scores_of(person, nomination.id).values()} == {6}

    cycle = category.cycle
    with cycle_in_phase(cycle, "judging_closed"):
        with pytest.raises(JudgingClosed, match="Judging has closed"):
            judging.save_scores(person, nomination, entries(category, 9, 9, 9), utcnow())
        with pytest.raises(JudgingError, match="a time in the future"):
            judging.reopen_judging(staff_member(), cycle, utcnow(), utcnow())
        judging.reopen_judging(staff_member(), cycle, utcnow() + dt.timedelta(days=2), utcnow())
        judging.save_scores(person, nomination, entries(category, 9, 9, 9), utcnow())

    assert {s.score for s in judging.scores_of(person, nomination.id).values()} == {9}
    assert "awards.judging_reopened" in audit_actions()


def test_judging_cannot_be_reopened_while_it_is_open(category):
    with pytest.raises(JudgingError, match="still open"):
        judging.reopen_judging(staff_member(), category.cycle, utcnow() + dt.timedelta(days=2), utcnow())


# --- Conflicts suggested --------------------------------------------------------------------------------


def test_a_shared_organisation_or_email_domain_is_suggested_never_a_webmail_domain(category):
    person = judge(email="jo@riverside-pcn.nhs.uk")
    MembershipFactory(person=person, employer_name="Riverside  PCN")
    same_organisation = NominationFactory(category=category, status="eligible", nominee_organisation="riverside pcn")
    same_domain = NominationFactory(
        category=category, status="eligible", nominee_organisation="Elsewhere", nominee_email="amy@riverside-pcn.nhs.uk"
    )
    webmail_judge = judge(email="jo.judge@gmail.com")
    webmail = NominationFactory(
        category=category, status="eligible", nominee_organisation="Elsewhere", nominee_email="amy@gmail.com"
    )
    nominator_domain = NominationFactory(
        category=category,
        status="eligible",
        nominee_organisation="Elsewhere",
        nominator=PersonFactory(email="boss@riverside-pcn.nhs.uk"),
    )

    assert judging_suggestions(person, same_organisation) == ["The nominee's organisation is one you work for."]
    assert judging_suggestions(person, same_domain) == [
        "The nominee's email address is at riverside-pcn.nhs.uk, as yours is."
    ]
    assert judging_suggestions(person, nominator_domain) == [
        "The nominator's email address is at riverside-pcn.nhs.uk, as yours is."
    ]
    assert judging_suggestions(webmail_judge, webmail) == []


def judging_suggestions(person, nomination):
    return conflicts.conflicts_suggested_for(person, nomination)


def test_a_suggestion_blocks_nothing_until_confirmed(category, client):
    person = judge_of(category, judge(email="jo@riverside.org.uk"))
    nomination = NominationFactory(category=category, status="eligible", nominee_email="amy@riverside.org.uk")
    sign_in(client, person)

    page = page_text(client.get(f"/judging/nominations/{nomination.id}/declare"))
    assert "A conflict of interest is possible" in page
    assert "The nominee's email address is at riverside.org.uk, as yours is." in page
    assert "blocks nothing until you, or the awards team, confirm it" in page
    scored(person, nomination, 7)
    assert len(judging.counted_sheets(category)) == 1


# --- Recusal and progress -------------------------------------------------------------------------------


def test_a_recused_judge_leaves_results_and_progress_but_their_scores_stay(category):
    first, second = (NominationFactory(category=category, status="eligible") for _ in range(2))
    person, other = judge_of(category), judge_of(category)
    scored(person, first, 8)
    scored(other, first, 6)

    with pytest.raises(JudgingError, match="Give the reason"):
        judging.recuse(staff_member(), first, person, " ")
    judging.recuse(staff_member(), first, person, "Conflict found after scoring.")

    assert {sheet.judge_id for sheet in judging.counted_sheets(category)} == {other.id}
    kept = db.session.scalars(sa.select(Score).where(Score.judge_id == person.id)).all()
    assert [score.score for score in kept] == [8, 8, 8]
    progress = judging.progress_for(judging.assignments_of(person))[(person.id, category.id)]
    assert (progress.to_score, progress.scored, progress.recused) == (1, 0, 1)
    assert judging.nomination_for_judge(person, first.id) == (None, "hidden")
    assert judging.nomination_for_judge(person, second.id) == (None, "declare")
    assert "awards.judge_recused" in audit_actions()


def test_progress_counts_eligible_nominations_less_conflicts(category):
    nominations = [NominationFactory(category=category, status="eligible") for _ in range(4)]
    NominationFactory(category=category, status="submitted")
    person = judge_of(category)
    scored(person, nominations[0], 5)
    declared(person, nominations[1], conflicted=True)
    declared(person, nominations[2])
    # A recusal on a nomination already declared a conflict counts once.
    judging.recuse(staff_member(), nominations[1], person, "Confirmed.")

    progress = judging.progress_for(judging.assignments_of(person))[(person.id, category.id)]

    assert (progress.to_score, progress.scored, progress.left) == (3, 1, 2)
    assert (progress.declared, progress.conflicts, progress.recused) == (3, 1, 1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConflictDeclaration)) == 3


# --- Closing judging at once, and conflicts withdrawn by staff -----------------------------------------


def test_staff_close_judging_now_then_no_score_changes_until_they_reopen_audited(category):
    nomination = NominationFactory(category=category, status="eligible")
    person = judge_of(category)
    scored(person, nomination, 4)
    cycle, staff = category.cycle, staff_member()
    planned_close = cycle.judging_closes_at
    now = utcnow()

    judging.close_judging_now(staff, cycle, now)

    assert cycle.judging_closes_at == now < planned_close
    assert not cycle.judging_open(utcnow())
    with pytest.raises(JudgingClosed, match="Judging has closed"):
        judging.save_scores(person, nomination, entries(category, 9, 9, 9), utcnow())
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "awards.judging_closed"))
    assert entry.actor_id == staff.id and entry.target_id == str(cycle.id)
    assert entry.before["judging_closes_at"] != entry.after["judging_closes_at"]
    judging.reopen_judging(staff, cycle, utcnow() + dt.timedelta(days=2), utcnow())
    judging.save_scores(person, nomination, entries(category, 9, 9, 9), utcnow())
    assert {s.score for s in judging.scores_of(person, nomination.id).values()} == {9}


def test_closing_judging_is_refused_before_it_opens_and_once_it_has_closed(category):
    cycle, staff = category.cycle, staff_member()
    with cycle_in_phase(cycle, "nominating"), pytest.raises(JudgingError, match="Judging has not opened yet"):
        judging.close_judging_now(staff, cycle, utcnow())
    judging.close_judging_now(staff, cycle, utcnow())
    closed_at = cycle.judging_closes_at
    with pytest.raises(JudgingError, match="Judging has already closed"):
        judging.close_judging_now(staff, cycle, utcnow() + dt.timedelta(minutes=1))

    assert cycle.judging_closes_at == closed_at
    assert audit_actions().count("awards.judging_closed") == 1


def test_closing_judging_while_staff_have_reopened_it_ends_the_reopening(category):
    cycle, staff = category.cycle, staff_member()
    with cycle_in_phase(cycle, "judging_closed"):
        judging.reopen_judging(staff, cycle, utcnow() + dt.timedelta(days=3), utcnow())
        assert cycle.judging_open(utcnow())
        now = utcnow()
        judging.close_judging_now(staff, cycle, now)

        assert cycle.judging_reopened_until == now
        assert not cycle.judging_open(utcnow())


def test_staff_withdraw_a_conflict_then_the_judge_must_declare_again(category):
    nomination = NominationFactory(category=category, status="eligible")
    person, staff = judge_of(category), staff_member()
    declared(person, nomination, conflicted=True, note="Wrong nomination, sorry.")

    with pytest.raises(JudgingError, match="Give the reason for withdrawing the conflict") as refusal:
        judging.withdraw_conflict(staff, nomination, person, "  ")
    assert refusal.value.field == "reason"
    judging.withdraw_conflict(staff, nomination, person, "Declared on the wrong nomination.")

    assert judging.declaration_of(person, nomination.id) is None
    assert judging.nomination_for_judge(person, nomination.id) == (None, "declare")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "awards.conflict_withdrawn"))
    assert entry.actor_id == staff.id
    assert entry.before["note"] == "Wrong nomination, sorry."
    assert entry.after == {"reason": "Declared on the wrong nomination."}
    declared(person, nomination)
    assert judging.nomination_for_judge(person, nomination.id) == (nomination, None)


def test_only_a_declared_conflict_can_be_withdrawn(category):
    nomination = NominationFactory(category=category, status="eligible")
    undeclared, no_conflict = judge_of(category), judge_of(category)
    declared(no_conflict, nomination)

    for person in (undeclared, no_conflict):
        with pytest.raises(JudgingError, match="has not declared a conflict with this nomination"):
            judging.withdraw_conflict(staff_member(), nomination, person, "Asked to.")

    assert judging.declaration_of(no_conflict, nomination.id).conflicted is False
    assert "awards.conflict_withdrawn" not in audit_actions()


def test_scores_from_before_a_withdrawn_conflict_count_only_once_the_judge_declares_none(category):
    nomination = NominationFactory(category=category, status="eligible")
    person = judge_of(category)
    scored(person, nomination, 7)
    judging.declare(person, nomination, conflicted=True, note="I thought I knew them.", now=utcnow())

    judging.withdraw_conflict(staff_member(), nomination, person, "They do not know the nominee.")
    (assignment,) = judging.assignments_of(person)
    assert judging.counted_sheets(category) == []
    assert judging.progress_for([assignment])[(person.id, category.id)].scored == 0
    declared(person, nomination)

    assert [sheet.judge_id for sheet in judging.counted_sheets(category)] == [person.id]
    assert judging.progress_for([assignment])[(person.id, category.id)].scored == 1
