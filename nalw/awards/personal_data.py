"""What the awards hold about a person, for their data download and for erasure.

The download has the nominations they made (an outcome only once the results are published, as their own
pages show it) and, for a judge, what they did as a judge: nominations by id only, since a blind cycle hides
the nominee's name from its judges.

Erasure deletes the drafts they made, with their evidence files. What stays is the awards record: submitted
nominations (their nominator is the anonymised person), and a judge's assignments, declarations and scores
(the record of fair judging), with a declaration's note blanked. Nominations naming them lose their email.
Erasers run before the person's own email is replaced, so the email read here is the one they used.
"""

import sqlalchemy as sa

from nalw.awards.models import (
    AwardCategory,
    AwardCriterion,
    AwardCycle,
    ConflictDeclaration,
    JudgeAssignment,
    Nomination,
    NominationStatus,
    Recusal,
    Score,
)
from nalw.awards.nominations import evidence_path
from nalw.core.audit import AuditEntry
from nalw.core.evidence_files import delete_files
from nalw.core.personal_data import ERASED, as_iso, personal_data_eraser, personal_data_exporter
from nalw.extensions import db


@personal_data_exporter("award_nominations")
def export_nominations(person):
    nominations = db.session.scalars(
        sa.select(Nomination).where(Nomination.nominator_id == person.id).order_by(Nomination.created_at, Nomination.id)
    )
    return [_exported_nomination(nomination) for nomination in nominations]


def _exported_nomination(nomination):
    category = nomination.category
    cycle = category.cycle
    # Before publication the outcome is the awards team's alone: no one learns a result early.
    outcome = nomination.outcome if cycle.published_at is not None else None
    return {
        "awards": cycle.title,
        "year": cycle.year,
        "category": category.name,
        "status": nomination.status.value,
        "nominee_name": nomination.nominee_name,
        "nominee_organisation": nomination.nominee_organisation,
        "nominee_region": nomination.nominee_region.value,
        "nominee_email": nomination.nominee_email,
        "relationship_to_nominee": nomination.relationship_to_nominee,
        "self_nomination": nomination.is_self_nomination,
        "answers": [
            {"question": criterion.question, "answer": nomination.answer_to(criterion)}
            for criterion in category.criteria
        ],
        "evidence_files": [evidence.original_name for evidence in nomination.evidence],
        "submitted_at": as_iso(nomination.submitted_at),
        "outcome": outcome.value if outcome else None,
    }


@personal_data_exporter("award_judging")
def export_judging(person):
    """One entry a category the person judges (or judged): when they were assigned, their declarations, their
    own scores and any recusal. Never another judge's scores, nor a nominee's name."""
    assignments = db.session.scalars(sa.select(JudgeAssignment).where(JudgeAssignment.judge_id == person.id))
    declarations = db.session.execute(
        sa.select(ConflictDeclaration, Nomination.category_id)
        .join(Nomination, Nomination.id == ConflictDeclaration.nomination_id)
        .where(ConflictDeclaration.judge_id == person.id)
        .order_by(ConflictDeclaration.nomination_id)
    )
    scores = db.session.execute(
        sa.select(Score, Nomination.category_id, AwardCriterion.question)
        .join(Nomination, Nomination.id == Score.nomination_id)
        .join(AwardCriterion, AwardCriterion.id == Score.criterion_id)
        .where(Score.judge_id == person.id)
        .order_by(Score.nomination_id, AwardCriterion.position, AwardCriterion.id)
    )
    recusals = db.session.execute(
        sa.select(Recusal, Nomination.category_id)
        .join(Nomination, Nomination.id == Recusal.nomination_id)
        .where(Recusal.judge_id == person.id)
        .order_by(Recusal.nomination_id)
    )
    by_category = {}

    def entry(category_id):
        return by_category.setdefault(
            category_id, {"assigned_at": None, "conflict_declarations": [], "scores": [], "recusals": []}
        )

    for assignment in assignments:
        entry(assignment.category_id)["assigned_at"] = as_iso(assignment.assigned_at)
    for declaration, category_id in declarations:
        entry(category_id)["conflict_declarations"].append(
            {
                "nomination_id": declaration.nomination_id,
                "conflicted": declaration.conflicted,
                "note": declaration.note,
                "declared_at": as_iso(declaration.declared_at),
            }
        )
    for score, category_id, question in scores:
        entry(category_id)["scores"].append(
            {
                "nomination_id": score.nomination_id,
                "criterion": question,
                "score": score.score,
                "comment": score.comment,
                "updated_at": as_iso(score.updated_at),
            }
        )
    for recusal, category_id in recusals:
        entry(category_id)["recusals"].append(
            {"nomination_id": recusal.nomination_id, "reason": recusal.reason, "recused_at": as_iso(recusal.recused_at)}
        )
    if not by_category:
        return []
    categories = db.session.execute(
        sa.select(AwardCategory.id, AwardCategory.name, AwardCycle.title, AwardCycle.year)
        .join(AwardCycle, AwardCycle.id == AwardCategory.cycle_id)
        .where(AwardCategory.id.in_(by_category))
        .order_by(AwardCycle.year, AwardCategory.position, AwardCategory.id)
    )
    return [
        {"awards": title, "year": year, "category": name, **by_category[category_id]}
        for category_id, name, title, year in categories
    ]


@personal_data_eraser
def erase_awards(person):
    drafts = db.session.scalars(
        sa.select(Nomination).where(Nomination.nominator_id == person.id, Nomination.status == NominationStatus.DRAFT)
    ).all()
    paths = [evidence_path(evidence) for draft in drafts for evidence in draft.evidence]
    for draft in drafts:
        db.session.delete(draft)
    db.session.flush()
    # Erasers run before accounts replaces the person's email, so this is still the address they were named by.
    db.session.execute(
        sa.update(Nomination)
        .where(sa.func.lower(Nomination.nominee_email) == person.email.lower())
        .values(nominee_email=None)
        .execution_options(synchronize_session="fetch")
    )
    _blank_declaration_notes(person)
    # The files go with the request that erases: should it fail, the person asked to be erased anyway.
    delete_files(paths)


def _blank_declaration_notes(person):
    """A declaration stays (the record of fair judging) but not its note, here or in the audit log, which has it
    for each conflict declared and for each one staff withdrew (its declaration gone)."""
    declaration_ids = {
        str(declaration_id)
        for declaration_id in db.session.scalars(
            sa.select(ConflictDeclaration.id).where(ConflictDeclaration.judge_id == person.id)
        )
    }
    declaration_ids.update(
        db.session.scalars(
            sa.select(AuditEntry.target_id).where(
                AuditEntry.action == "awards.conflict_declared", AuditEntry.actor_id == person.id
            )
        )
    )
    db.session.execute(
        sa.update(ConflictDeclaration)
        .where(ConflictDeclaration.judge_id == person.id)
        .values(note="")
        .execution_options(synchronize_session="fetch")
    )
    entries = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.target_type == ConflictDeclaration.__name__, AuditEntry.target_id.in_(declaration_ids)
        )
    )
    for entry in entries:
        entry.before = _note_erased(entry.before)
        entry.after = _note_erased(entry.after)


def _note_erased(values):
    if values and values.get("note"):
        return {**values, "note": ERASED}
    return values
