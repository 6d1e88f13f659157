"""What CPD holds about a person, for their data download and for erasure.

Their entries are their own reflections: erasure deletes them with their evidence. Each CPD audit that drew
them stays (that they were audited, when, and its outcomes are the body's record of its standards), with the
words in it deleted: their summary and the reviewers' comments on it.
"""

import sqlalchemy as sa

from nalw.core.personal_data import ERASED, as_iso, personal_data_eraser, personal_data_exporter
from nalw.cpd import totals
from nalw.cpd.models import CpdEntry
from nalw.cpd.services import delete_files, evidence_path
from nalw.cpd.summaries import audit_selections_of
from nalw.extensions import db


@personal_data_exporter("cpd_entries")
def export_cpd(person):
    entries = db.session.scalars(sa.select(CpdEntry).where(CpdEntry.person_id == person.id).order_by(CpdEntry.done_on))
    return [
        {
            "date": entry.done_on.isoformat(),
            "title": entry.title,
            "activity_type": entry.activity_type.value,
            "hours": entry.hours,
            "provider": entry.provider,
            "standards": [standard.code for standard in entry.standards],
            "status": entry.status.value,
            "what_i_did": entry.what_i_did,
            "what_i_learned": entry.what_i_learned,
            "practice_change": entry.practice_change,
            "impact": entry.impact,
            "evidence_files": [evidence.original_name for evidence in entry.evidence],
        }
        for entry in entries
    ]


@personal_data_exporter("cpd_audits")
def export_audits(person):
    return [
        {
            "cpd_year": selection.audit.year.label,
            "drawn_at": as_iso(selection.created_at),
            "deadline": selection.deadline_on.isoformat(),
            "status": selection.status.value,
            "summary": selection.summary,
            "entries_chosen": [entry.title for entry in selection.entries],
            "submitted_at": as_iso(selection.submitted_at),
            "outcome": selection.outcome.value if selection.outcome else None,
            "outcome_comment": selection.outcome_comment,
            "outcomes_by_standard": [
                {"standard": outcome.standard.code, "outcome": outcome.outcome.value, "comment": outcome.comment}
                for outcome in selection.standard_outcomes
            ],
            "reviewed_at": as_iso(selection.reviewed_at),
        }
        for selection in audit_selections_of(person.id, with_profiles=True)
    ]


@personal_data_eraser
def erase_audit_words(person):
    """The audit and its outcomes stay; their summary and the reviewers' comments on it go."""
    for selection in audit_selections_of(person.id, with_profiles=True):
        selection.summary = ERASED if selection.summary else ""
        selection.outcome_comment = ERASED if selection.outcome_comment else ""
        for outcome in selection.standard_outcomes:
            outcome.comment = ERASED if outcome.comment else ""
    db.session.flush()


@personal_data_eraser
def erase_cpd(person):
    """CPD entries are the person's own reflections: they go, with their evidence files."""
    entries = db.session.scalars(sa.select(CpdEntry).where(CpdEntry.person_id == person.id)).all()
    paths = [evidence_path(evidence) for entry in entries for evidence in entry.evidence]
    for entry in entries:
        db.session.delete(entry)
    db.session.flush()
    totals.forget(person.id)
    # The files go with the request that erases: should it fail, the person asked to be erased anyway.
    delete_files(paths)
