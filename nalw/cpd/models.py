"""CPD entries mapped to the code of practice, their evidence, renewal declarations, and audits."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nalw.core.cpd_years import year_containing
from nalw.core.db import IdMixin, TimestampMixin, enum_column, partial_index, utc_now_default
from nalw.core.labels import LabelledEnum
from nalw.extensions import db

# Hours are kept in whole quarter hours, so sums are exact; these two convert, and nothing else does.
QUARTER_HOURS_PER_HOUR = 4
HOURS_IN_A_DAY = 24


def hours_from_quarters(quarters):
    """Hours from quarter hours: 6 is 1.5."""
    return quarters / QUARTER_HOURS_PER_HOUR


def quarters_from_hours(hours):
    """Quarter hours from hours (a number or a column): 1.5 is 6. Hours not in quarters give a fraction."""
    return hours * QUARTER_HOURS_PER_HOUR


MAX_QUARTER_HOURS_IN_A_DAY = quarters_from_hours(HOURS_IN_A_DAY)


class ActivityType(LabelledEnum):
    COURSE = "course", "Course or training"
    CONFERENCE = "conference", "Conference or event"
    PEER_SUPPORT = "peer_support", "Peer support or supervision"
    READING = "reading", "Reading or research"
    REFLECTIVE_PRACTICE = "reflective_practice", "Reflective practice"
    SHADOWING = "shadowing", "Shadowing"
    OTHER = "other", "Other"


class EntryStatus(LabelledEnum):
    DRAFT = "draft", "Draft"
    COMPLETE = "complete", "Complete"


entry_standards = sa.Table(
    "cpd_entry_standards",
    db.metadata,
    sa.Column("entry_id", sa.ForeignKey("cpd_entries.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("standard_id", sa.ForeignKey("code_standards.id"), primary_key=True, index=True),
)


class CpdEntry(IdMixin, TimestampMixin, db.Model):
    """One piece of learning. Hours are kept in quarter hours, so sums are exact."""

    __tablename__ = "cpd_entries"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    done_on: Mapped[dt.date]
    title: Mapped[str] = mapped_column(sa.String(200))
    activity_type: Mapped[ActivityType] = enum_column(ActivityType, name="cpd_activity_type")
    quarter_hours: Mapped[int]
    provider: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[EntryStatus] = enum_column(EntryStatus, name="cpd_entry_status", default=EntryStatus.DRAFT)
    # The structured reflection.
    what_i_did: Mapped[str] = mapped_column(sa.Text, default="")
    what_i_learned: Mapped[str] = mapped_column(sa.Text, default="")
    practice_change: Mapped[str] = mapped_column(sa.Text, default="")
    impact: Mapped[str] = mapped_column(sa.Text, default="")
    # Where an entry came from, when the platform made it (e.g. "event:12" for attendance).
    source: Mapped[str | None] = mapped_column(sa.String(50))

    standards = relationship("Standard", secondary=entry_standards, order_by="Standard.position", lazy="selectin")
    evidence: Mapped[list["Evidence"]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="Evidence.id", lazy="selectin"
    )

    __table_args__ = (
        # A member's page reads their entries by date: this index keeps it fast at any size.
        sa.Index("ix_cpd_entries_person_done_on", "person_id", "done_on"),
        # The compliance list sums a whole year's complete entries across all members: this index
        # holds everything it reads, so PostgreSQL answers from the index alone.
        partial_index(
            "ix_cpd_entries_complete_by_date",
            "done_on",
            "person_id",
            postgresql_include=["quarter_hours"],
            where="status = 'complete'",
        ),
        sa.CheckConstraint(
            f"quarter_hours > 0 AND quarter_hours <= {MAX_QUARTER_HOURS_IN_A_DAY}", name="hours_in_range"
        ),
        sa.UniqueConstraint("person_id", "source", name="uq_cpd_entries_person_source"),
    )

    @property
    def hours(self):
        return hours_from_quarters(self.quarter_hours)

    @property
    def is_complete(self):
        return self.status is EntryStatus.COMPLETE


class CpdYearTotal(db.Model):
    """A person's complete hours in one CPD year (named by the day it starts), kept by nalw.cpd.totals in the
    same transaction as every change to their entries, so the compliance list reads one row per member
    instead of summing the year's entries."""

    __tablename__ = "cpd_year_totals"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    year_starts_on: Mapped[dt.date] = mapped_column(primary_key=True)
    quarter_hours: Mapped[int] = mapped_column(default=0, server_default="0")

    __table_args__ = (
        # The compliance list reads one year's totals for every member: this index holds all it reads.
        sa.Index("ix_cpd_year_totals_by_year", "year_starts_on", "person_id", postgresql_include=["quarter_hours"]),
    )


class Evidence(IdMixin, db.Model):
    """A file kept outside the web root under a random name; only its owner and staff may read it."""

    __tablename__ = "cpd_evidence"

    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("cpd_entries.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int]
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)

    entry: Mapped[CpdEntry] = relationship(back_populates="evidence")


class Outcome(LabelledEnum):
    MEETS = "meets", "Meets"
    MORE_INFORMATION = "more_information", "More information needed"
    DOES_NOT_MEET = "does_not_meet", "Does not meet"


class AuditStatus(LabelledEnum):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class CpdAudit(IdMixin, db.Model):
    """A random sample of active members for one CPD year, drawn reproducibly from a recorded seed."""

    __tablename__ = "cpd_audits"

    year_starts_on: Mapped[dt.date]
    share_per_thousand: Mapped[int]  # 25 = 2.5 per cent
    exclude_joined_within_days: Mapped[int]
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    population: Mapped[int]
    # The membership ids the sample was drawn from, in order: with the seed, the draw can be repeated.
    population_ids: Mapped[list] = mapped_column(sa.JSON)
    deadline_on: Mapped[dt.date]
    status: Mapped[AuditStatus] = enum_column(AuditStatus, name="cpd_audit_status", default=AuditStatus.OPEN)
    drawn_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)
    drawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))

    selections: Mapped[list["AuditSelection"]] = relationship(
        back_populates="audit", order_by="AuditSelection.id", lazy="raise"
    )

    @property
    def share_percent(self):
        return self.share_per_thousand / 10

    @property
    def year(self):
        """The CPD year sampled, its dates as the CPD year is configured."""
        return year_containing(self.year_starts_on)


class SelectionStatus(LabelledEnum):
    SELECTED = "selected", "Waiting for profile"  # told, profile not yet submitted
    SUBMITTED = "submitted", "Submitted"
    REOPENED = "reopened", "More information requested"  # more information needed: the member edits and submits again
    REVIEWED = "reviewed", "Reviewed"


profile_entries = sa.Table(
    "cpd_audit_profile_entries",
    db.metadata,
    sa.Column("selection_id", sa.ForeignKey("cpd_audit_selections.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("entry_id", sa.ForeignKey("cpd_entries.id", ondelete="CASCADE"), primary_key=True),
)


class AuditSelection(IdMixin, TimestampMixin, db.Model):
    """One member drawn for an audit, their CPD profile and the reviewer's outcomes."""

    __tablename__ = "cpd_audit_selections"

    audit_id: Mapped[int] = mapped_column(sa.ForeignKey("cpd_audits.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("memberships.id"))
    status: Mapped[SelectionStatus] = enum_column(
        SelectionStatus, name="cpd_selection_status", default=SelectionStatus.SELECTED
    )
    # The audit's deadline, moved on when a reviewer asks for more information.
    deadline_on: Mapped[dt.date]
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[dt.datetime | None]
    outcome: Mapped[Outcome | None] = enum_column(Outcome, name="cpd_overall_outcome", nullable=True)
    outcome_comment: Mapped[str] = mapped_column(sa.Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    reviewed_at: Mapped[dt.datetime | None]

    audit: Mapped[CpdAudit] = relationship(back_populates="selections", lazy="joined")
    person = relationship("Person", foreign_keys=[person_id], lazy="joined")
    entries = relationship("CpdEntry", secondary=profile_entries, order_by="CpdEntry.done_on", lazy="selectin")
    standard_outcomes: Mapped[list["StandardOutcome"]] = relationship(
        back_populates="selection", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (sa.UniqueConstraint("audit_id", "person_id", name="uq_cpd_audit_selections_once"),)


class StandardOutcome(IdMixin, db.Model):
    __tablename__ = "cpd_audit_standard_outcomes"

    selection_id: Mapped[int] = mapped_column(sa.ForeignKey("cpd_audit_selections.id", ondelete="CASCADE"), index=True)
    standard_id: Mapped[int] = mapped_column(sa.ForeignKey("code_standards.id"))
    outcome: Mapped[Outcome] = enum_column(Outcome, name="cpd_standard_outcome")
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    selection: Mapped[AuditSelection] = relationship(back_populates="standard_outcomes")
    standard = relationship("Standard", lazy="joined")

    __table_args__ = (sa.UniqueConstraint("selection_id", "standard_id", name="uq_cpd_audit_standard_outcomes_once"),)


class AuditReminder(IdMixin, db.Model):
    """A deadline reminder sent to one selected member, so the daily run sends each once."""

    __tablename__ = "cpd_audit_reminders"

    selection_id: Mapped[int] = mapped_column(sa.ForeignKey("cpd_audit_selections.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    sent_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)

    __table_args__ = (sa.UniqueConstraint("selection_id", "kind", name="uq_cpd_audit_reminders_once"),)
