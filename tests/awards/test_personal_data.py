"""The awards in a person's data download, and erasure: drafts and their files go, the awards record stays."""

import io
import json

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from nalw.accounts import services as account_services
from nalw.awards import judging, nominations, publishing
from nalw.awards.models import AwardOutcome, ConflictDeclaration, Nomination, NominationEvidence, Score
from nalw.core.audit import AuditEntry
from nalw.core.time import utcnow
from nalw.extensions import db
from tests.cpd.record_steps import files_in
from tests.factories import (
    DEFAULT_PASSWORD,
    AwardCategoryFactory,
    AwardCycleFactory,
    NominationFactory,
    PersonFactory,
    declared,
    eligible_with_evidence,
    judge,
    judge_of,
    pdf_file,
    scored,
    staff_member,
)
from tests.factories.awards import close_judging
from tests.helpers import page_text, sign_in


def with_evidence(nomination, *names):
    """The draft nomination with a PDF under each name, uploaded by its nominator."""
    for name in names:
        nominations.add_evidence(
            nomination.nominator, nomination, FileStorage(stream=io.BytesIO(pdf_file()), filename=name)
        )
    return nomination


def rows(model):
    return db.session.scalars(sa.select(model).order_by(model.id)).all()


# --- Download ----------------------------------------------------------------------------------


def test_the_download_holds_a_submitted_nomination_with_its_answers_and_files_and_its_outcome_once_published(
    client,
):
    nominator = PersonFactory(email="robin@example.org")
    category = AwardCategoryFactory(phase="judging", weights=(2, 1), name="Rising Star")
    nomination = eligible_with_evidence(
        category,
        [("reference.pdf", pdf_file()), ("photo letter.pdf", pdf_file())],
        nominator=nominator,
        nominee_name="Priya Raman",
        nominee_email="priya@example.org",
    )
    judge_of(category, the_judge := judge())
    scored(the_judge, nomination, 9, comment="A judge's private comment.")
    NominationFactory(category=category, nominee_name="Someone Else's Nominee")
    close_judging(category)
    staff = staff_member()
    publishing.choose_outcome(staff, nomination, AwardOutcome.WINNER, utcnow())
    sign_in(client, nominator)

    before = client.get("/account/data").json["award_nominations"]
    publishing.publish_results(staff, category.cycle, utcnow())
    after = client.get("/account/data").json["award_nominations"]

    cycle = category.cycle
    expected = {
        "awards": cycle.title,
        "year": cycle.year,
        "category": "Rising Star",
        "status": "eligible",
        "nominee_name": "Priya Raman",
        "nominee_organisation": "Northgate Primary Care Network",
        "nominee_region": "north_west",
        "nominee_email": "priya@example.org",
        "relationship_to_nominee": "Their manager",
        "self_nomination": False,
        "answers": [
            {"question": "Question 1: what difference?", "answer": "They changed how our practice listens to people."},
            {"question": "Question 2: what difference?", "answer": "They changed how our practice listens to people."},
        ],
        "evidence_files": ["reference.pdf", "photo letter.pdf"],
        "submitted_at": nomination.submitted_at.isoformat(),
    }
    assert before == [{**expected, "outcome": None}]
    assert after == [{**expected, "outcome": "winner"}]
    assert "A judge's private comment." not in json.dumps(after)


def test_the_download_lists_drafts_too_oldest_first(app):
    nominator = PersonFactory()
    first = NominationFactory(nominator=nominator, nominee_name="First Nominee")
    NominationFactory(nominator=nominator, status="draft", nominee_name="Second Nominee", answers={})

    exported = account_services.export_personal_data(nominator)["award_nominations"]

    assert [(each["nominee_name"], each["status"]) for each in exported] == [
        ("First Nominee", "submitted"),
        ("Second Nominee", "draft"),
    ]
    assert exported[0]["submitted_at"] == first.submitted_at.isoformat()
    assert exported[1]["submitted_at"] is None
    assert {answer["answer"] for answer in exported[1]["answers"]} == {""}


def test_the_judging_section_has_a_judges_assignment_declarations_and_own_scores_by_nomination_id_only(app):
    cycle = AwardCycleFactory(phase="judging", blind=True)
    category = AwardCategoryFactory(cycle=cycle, weights=(2, 1), name="Team of the Year")
    scored_one = NominationFactory(category=category, status="eligible", nominee_name="Hidden Nominee")
    conflicted_one = NominationFactory(category=category, status="eligible", nominee_name="Other Hidden Nominee")
    person = judge_of(category)
    scored(person, scored_one, 8, 6, comment="Strong evidence of reach.")
    declared(person, conflicted_one, conflicted=True, note="I manage the nominee.")
    other_judge = judge_of(category)
    scored(other_judge, scored_one, 2, comment="Another judge's view.")
    [assignment] = judging.assignments_of(person)
    declarations = {
        declaration.nomination_id: declaration
        for declaration in db.session.scalars(
            sa.select(ConflictDeclaration).where(ConflictDeclaration.judge_id == person.id)
        )
    }
    first_score, second_score = db.session.scalars(
        sa.select(Score).where(Score.judge_id == person.id).order_by(Score.criterion_id)
    )

    exported = account_services.export_personal_data(person)["award_judging"]

    assert exported == [
        {
            "awards": cycle.title,
            "year": cycle.year,
            "category": "Team of the Year",
            "assigned_at": assignment.assigned_at.isoformat(),
            "conflict_declarations": [
                {
                    "nomination_id": scored_one.id,
                    "conflicted": False,
                    "note": "",
                    "declared_at": declarations[scored_one.id].declared_at.isoformat(),
                },
                {
                    "nomination_id": conflicted_one.id,
                    "conflicted": True,
                    "note": "I manage the nominee.",
                    "declared_at": declarations[conflicted_one.id].declared_at.isoformat(),
                },
            ],
            "scores": [
                {
                    "nomination_id": scored_one.id,
                    "criterion": "Question 1: what difference?",
                    "score": 8,
                    "comment": "Strong evidence of reach.",
                    "updated_at": first_score.updated_at.isoformat(),
                },
                {
                    "nomination_id": scored_one.id,
                    "criterion": "Question 2: what difference?",
                    "score": 6,
                    "comment": "Strong evidence of reach.",
                    "updated_at": second_score.updated_at.isoformat(),
                },
            ],
            "recusals": [],
        }
    ]
    assert "Hidden Nominee" not in json.dumps(exported)
    assert account_services.export_personal_data(scored_one.nominator)["award_judging"] == []


# --- Erasure -----------------------------------------------------------------------------------


def test_erasure_deletes_drafts_and_their_files_keeps_submitted_nominations_and_clears_the_nominee_email(
    app, client, evidence_storage
):
    person = PersonFactory(email="robin@example.org")
    category = AwardCategoryFactory()
    with_evidence(NominationFactory(category=category, nominator=person, status="draft"), "draft.pdf")
    submitted = NominationFactory(category=category, nominator=person, nominee_name="Priya Raman")
    naming_them = NominationFactory(category=category, nominee_email="Robin@Example.org")
    naming_another = NominationFactory(category=category, nominee_email="someone@example.org")
    others_draft = with_evidence(NominationFactory(category=category, status="draft"), "kept.pdf")
    [kept_evidence] = others_draft.evidence
    sign_in(client, person)

    response = client.post(
        "/account/erase", data={"confirm": "ERASE", "password": DEFAULT_PASSWORD}, follow_redirects=True
    )

    assert "Your personal data has been erased and you have been signed out." in page_text(response)
    assert {nomination.id for nomination in rows(Nomination)} == {
        submitted.id,
        naming_them.id,
        naming_another.id,
        others_draft.id,
    }
    assert rows(NominationEvidence) == [kept_evidence]
    assert files_in(evidence_storage) == [kept_evidence.stored_name]
    assert submitted.nominator_id == person.id and submitted.nominee_name == "Priya Raman"
    assert naming_them.nominee_email is None
    assert naming_another.nominee_email == "someone@example.org"


def test_erasure_blanks_a_judges_conflict_notes_here_and_in_the_audit_log_and_keeps_declarations_and_scores(app):
    category = AwardCategoryFactory(phase="judging")
    scored_one, conflicted_one, withdrawn_one = (
        NominationFactory(category=category, status="eligible") for _ in range(3)
    )
    person = judge_of(category)
    scored(person, scored_one, 7)
    declared(person, conflicted_one, conflicted=True, note="I manage the nominee.")
    declared(person, withdrawn_one, conflicted=True, note="Declared in error.")
    judging.withdraw_conflict(staff_member(), withdrawn_one, person, "The judge chose the wrong nomination.")
    other_judge = judge_of(category)
    declared(other_judge, conflicted_one, conflicted=True, note="We trained together.")
    scores_before = [(score.nomination_id, score.score, score.comment) for score in rows(Score)]

    account_services.erase_person(person, DEFAULT_PASSWORD)
    db.session.flush()

    declarations = {
        (declaration.judge_id, declaration.nomination_id): declaration for declaration in rows(ConflictDeclaration)
    }
    assert set(declarations) == {
        (person.id, scored_one.id),
        (person.id, conflicted_one.id),
        (other_judge.id, conflicted_one.id),
    }
    assert declarations[(person.id, conflicted_one.id)].conflicted is True
    assert declarations[(person.id, conflicted_one.id)].note == ""
    assert declarations[(other_judge.id, conflicted_one.id)].note == "We trained together."
    assert [(score.nomination_id, score.score, score.comment) for score in rows(Score)] == scores_before
    notes_in_log = [
        (entry.action, (entry.before or {}).get("note"), (entry.after or {}).get("note"))
        for entry in rows(AuditEntry)
        if entry.target_type == "ConflictDeclaration"
    ]
    assert notes_in_log == [
        ("awards.conflict_declared", None, "(erased)"),
        ("awards.conflict_declared", None, "(erased)"),
        ("awards.conflict_withdrawn", "(erased)", None),
        ("awards.conflict_declared", None, "We trained together."),
    ]
