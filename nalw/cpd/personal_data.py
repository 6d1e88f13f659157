"""What CPD holds about a person, for their data download and for erasure."""

import sqlalchemy as sa

from nalw.core.personal_data import personal_data_eraser, personal_data_exporter
from nalw.cpd import totals
from nalw.cpd.models import CpdEntry
from nalw.cpd.services import delete_files, evidence_path
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
