"""Staff notes about a person: written by staff on the member page, audited, never shown to the member
on their own pages, but part of their data download (a subject access request covers them)."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nalw.core.audit import AuditEntry, record_audit
from nalw.core.db import IdMixin, utc_now_default
from nalw.core.errors import DomainError
from nalw.core.personal_data import ERASED, personal_data_eraser, personal_data_exporter
from nalw.extensions import db

NOTE_MAX_LENGTH = 2000


class StaffNote(IdMixin, db.Model):
    __tablename__ = "staff_notes"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)

    author = relationship("Person", foreign_keys=[author_id], lazy="raise")

    __table_args__ = (sa.CheckConstraint("length(body) > 0", name="body_not_empty"),)


class NoteError(DomainError):
    """A note that cannot be kept."""


def add_note(actor, person, body) -> StaffNote:
    """Staff write a note about a person; the audit log records who wrote it, about whom, and what."""
    body = (body or "").strip()
    if not body:
        raise NoteError("Enter the note", field="body")
    if len(body) > NOTE_MAX_LENGTH:
        raise NoteError(f"The note must be {NOTE_MAX_LENGTH:,} characters or fewer", field="body")
    note = StaffNote(person_id=person.id, author_id=actor.id, body=body)
    db.session.add(note)
    db.session.flush()
    record_audit(
        actor,
        "staff_note.added",
        note,
        after={"person_id": person.id, "body": body},
        summary=f"Note added about {person.name}",
    )
    return note


def notes_about(person_id) -> list[StaffNote]:
    """Every note about the person, with its author, oldest first."""
    return db.session.scalars(
        sa.select(StaffNote)
        .where(StaffNote.person_id == person_id)
        .options(sa.orm.selectinload(StaffNote.author))
        .order_by(StaffNote.id)
    ).all()


@personal_data_exporter("staff_notes")
def export_notes(person):
    """A subject access request covers what staff wrote about the person, and when (not who: staff names
    are the body's to give)."""
    return [
        {"written_at": note.created_at.isoformat(), "note": note.body}
        for note in db.session.scalars(
            sa.select(StaffNote).where(StaffNote.person_id == person.id).order_by(StaffNote.id)
        )
    ]


@personal_data_eraser
def erase_notes(person):
    """Notes about an erased person go, and so does what they said from the audit log, which keeps only
    that a note was written, by whom and when."""
    note_ids = [
        str(note_id) for note_id in db.session.scalars(sa.select(StaffNote.id).where(StaffNote.person_id == person.id))
    ]
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.target_type == StaffNote.__name__, AuditEntry.target_id.in_(note_ids))
    )
    for entry in entries:
        entry.after = {**(entry.after or {}), "body": ERASED}
    db.session.execute(sa.delete(StaffNote).where(StaffNote.person_id == person.id))
