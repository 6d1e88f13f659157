"""The Link Worker Day awards: a cycle per year, its categories and criteria, nominations, and judging.

A cycle moves through its phases by its dates alone (`AwardCycle.phase`): nominations open, then close,
judging opens and closes (staff may reopen it until `judging_reopened_until`), then staff publish the
results (`published_at`). Criteria are fixed once nominations open, so a weight never changes under
scores already given.
"""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nalw.core.db import IdMixin, TimestampMixin, enum_column, utc_now_default
from nalw.core.labels import LabelledEnum
from nalw.core.regions import Region
from nalw.extensions import db

# The fixed scale a judge scores each criterion on.
LOWEST_SCORE = 0
HIGHEST_SCORE = 10


class CyclePhase(LabelledEnum):
    NOT_OPEN = "not_open", "Nominations not open yet"
    NOMINATING = "nominating", "Nominations open"
    BETWEEN = "between", "Nominations closed, judging not started"
    JUDGING = "judging", "Judging"
    JUDGING_CLOSED = "judging_closed", "Judging closed"
    PUBLISHED = "published", "Results published"


class AwardCycle(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "award_cycles"

    year: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    nominations_open_at: Mapped[dt.datetime]
    nominations_close_at: Mapped[dt.datetime]
    judging_opens_at: Mapped[dt.datetime]
    judging_closes_at: Mapped[dt.datetime]
    results_due_on: Mapped[dt.date]
    # Set when staff publish the results; the public sees outcomes only from then.
    published_at: Mapped[dt.datetime | None]
    # Judges see no nominee's or nominator's name, email or organisation (see `fields.py`).
    blind: Mapped[bool] = mapped_column(default=False)
    # Staff reopening judging after it closed (audited): scores may change until then.
    judging_reopened_until: Mapped[dt.datetime | None]
    # A judge's scores are standardised only if they scored at least this many nominations in a category.
    min_scores_to_standardise: Mapped[int] = mapped_column(default=5)

    categories: Mapped[list["AwardCategory"]] = relationship(
        back_populates="cycle", order_by="AwardCategory.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("nominations_close_at > nominations_open_at", name="nominations_close_after_open"),
        sa.CheckConstraint("judging_opens_at >= nominations_close_at", name="judging_after_nominations"),
        sa.CheckConstraint("judging_closes_at > judging_opens_at", name="judging_closes_after_open"),
        sa.CheckConstraint("min_scores_to_standardise >= 2", name="standardise_needs_two_scores"),
    )

    def nominations_open(self, now: dt.datetime) -> bool:
        return self.nominations_open_at <= now < self.nominations_close_at

    def criteria_frozen(self, now: dt.datetime) -> bool:
        """Criteria and categories are fixed once nominations open."""
        return now >= self.nominations_open_at

    def judging_open(self, now: dt.datetime) -> bool:
        """Judges may declare and score: between the judging dates, or while staff have reopened judging."""
        if self.published_at is not None:
            return False
        if self.judging_opens_at <= now < self.judging_closes_at:
            return True
        return self.judging_reopened_until is not None and self.judging_opens_at <= now < self.judging_reopened_until

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def phase(self, now: dt.datetime) -> CyclePhase:
        if self.published_at is not None:
            return CyclePhase.PUBLISHED
        if now < self.nominations_open_at:
            return CyclePhase.NOT_OPEN
        if now < self.nominations_close_at:
            return CyclePhase.NOMINATING
        if now < self.judging_opens_at:
            return CyclePhase.BETWEEN
        if self.judging_open(now):
            return CyclePhase.JUDGING
        return CyclePhase.JUDGING_CLOSED


class NomineeKind(LabelledEnum):
    MEMBER = "member", "A member"
    TEAM = "team", "A team"
    COMMUNITY_GROUP = "community_group", "A community group"


class AwardCategory(IdMixin, db.Model):
    __tablename__ = "award_categories"

    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("award_cycles.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    self_nomination_allowed: Mapped[bool] = mapped_column(default=False)
    nominee_kind: Mapped[NomineeKind] = enum_column(NomineeKind, name="nominee_kind")
    position: Mapped[int] = mapped_column(default=0)

    cycle: Mapped[AwardCycle] = relationship(back_populates="categories")
    criteria: Mapped[list["AwardCriterion"]] = relationship(
        back_populates="category", order_by="AwardCriterion.position", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        sa.UniqueConstraint("cycle_id", "name", name="uq_award_categories_cycle_name"),
        sa.Index("ix_award_categories_cycle_position", "cycle_id", "position"),
    )

    @property
    def total_weight(self) -> int:
        return sum(criterion.weight for criterion in self.criteria)


class AwardCriterion(IdMixin, db.Model):
    __tablename__ = "award_criteria"

    category_id: Mapped[int] = mapped_column(sa.ForeignKey("award_categories.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(sa.String(500))
    word_limit: Mapped[int]
    weight: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)

    category: Mapped[AwardCategory] = relationship(back_populates="criteria")

    __table_args__ = (
        sa.CheckConstraint("word_limit > 0", name="word_limit_positive"),
        sa.CheckConstraint("weight > 0", name="weight_positive"),
        sa.Index("ix_award_criteria_category_position", "category_id", "position"),
    )


class NominationStatus(LabelledEnum):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted, waiting for screening"
    ELIGIBLE = "eligible", "Eligible"
    INELIGIBLE = "ineligible", "Not eligible"


class AwardOutcome(LabelledEnum):
    WINNER = "winner", "Winner"
    HIGHLY_COMMENDED = "highly_commended", "Highly Commended"


class Nomination(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "nominations"

    category_id: Mapped[int] = mapped_column(sa.ForeignKey("award_categories.id"))
    nominator_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    status: Mapped[NominationStatus] = enum_column(
        NominationStatus, name="nomination_status", default=NominationStatus.DRAFT
    )
    nominee_name: Mapped[str] = mapped_column(sa.String(200))
    nominee_organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    nominee_region: Mapped[Region] = enum_column(Region, name="region")
    # Stored lower-case; empty when the nominator does not know it.
    nominee_email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    relationship_to_nominee: Mapped[str] = mapped_column(sa.String(200))
    # The nominator is the nominee (ticked, or the nominee's email is the nominator's own).
    is_self_nomination: Mapped[bool] = mapped_column(default=False)
    ineligible_reason: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[dt.datetime | None]
    screened_at: Mapped[dt.datetime | None]
    screened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    outcome: Mapped[AwardOutcome | None] = enum_column(AwardOutcome, name="award_outcome")
    outcome_chosen_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    outcome_chosen_at: Mapped[dt.datetime | None]
    # When the published result was emailed to the nominator and nominee, so publishing twice sends it once.
    result_emailed_at: Mapped[dt.datetime | None]

    category: Mapped[AwardCategory] = relationship(lazy="joined", innerjoin=True)
    nominator = relationship("Person", foreign_keys=[nominator_id], lazy="joined", innerjoin=True)
    answers: Mapped[list["NominationAnswer"]] = relationship(
        back_populates="nomination", cascade="all, delete-orphan", lazy="selectin"
    )
    evidence: Mapped[list["NominationEvidence"]] = relationship(
        back_populates="nomination",
        cascade="all, delete-orphan",
        order_by="NominationEvidence.id",
        lazy="selectin",
    )

    __table_args__ = (
        sa.CheckConstraint("status <> 'ineligible' OR ineligible_reason <> ''", name="ineligible_has_reason"),
        sa.CheckConstraint("status = 'draft' OR submitted_at IS NOT NULL", name="submitted_has_time"),
        sa.CheckConstraint("outcome IS NULL OR status = 'eligible'", name="outcome_only_if_eligible"),
        # Screening and judging list a category's nominations by status.
        sa.Index("ix_nominations_category_status", "category_id", "status"),
        sa.Index("ix_nominations_status_submitted_at", "status", "submitted_at"),
    )

    def answer_to(self, criterion) -> str:
        for answer in self.answers:
            if answer.criterion_id == criterion.id:
                return answer.text
        return ""


class NominationAnswer(IdMixin, db.Model):
    __tablename__ = "nomination_answers"

    nomination_id: Mapped[int] = mapped_column(sa.ForeignKey("nominations.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("award_criteria.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text, default="")

    nomination: Mapped[Nomination] = relationship(back_populates="answers")
    criterion: Mapped[AwardCriterion] = relationship()

    __table_args__ = (sa.UniqueConstraint("nomination_id", "criterion_id", name="uq_nomination_answers_criterion"),)


class NominationEvidence(IdMixin, db.Model):
    """A file kept outside the web root under a random name, checked by its content as CPD evidence is."""

    __tablename__ = "nomination_evidence"

    nomination_id: Mapped[int] = mapped_column(sa.ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int]
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)

    nomination: Mapped[Nomination] = relationship(back_populates="evidence")


class JudgeAssignment(IdMixin, db.Model):
    __tablename__ = "judge_assignments"

    category_id: Mapped[int] = mapped_column(sa.ForeignKey("award_categories.id", ondelete="CASCADE"))
    judge_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    assigned_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))

    category: Mapped[AwardCategory] = relationship(lazy="joined", innerjoin=True)
    judge = relationship("Person", foreign_keys=[judge_id], lazy="joined", innerjoin=True)

    __table_args__ = (sa.UniqueConstraint("category_id", "judge_id", name="uq_judge_assignments_category_judge"),)


class ConflictDeclaration(IdMixin, db.Model):
    """A judge's declaration, before opening a nomination, of a conflict of interest or none."""

    __tablename__ = "conflict_declarations"

    nomination_id: Mapped[int] = mapped_column(sa.ForeignKey("nominations.id", ondelete="CASCADE"))
    judge_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    conflicted: Mapped[bool]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    declared_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)

    nomination: Mapped[Nomination] = relationship()

    __table_args__ = (sa.UniqueConstraint("nomination_id", "judge_id", name="uq_conflict_declarations_judge"),)


class Score(IdMixin, db.Model):
    """One judge's score for one criterion of one nomination; seen by that judge and staff only."""

    __tablename__ = "scores"

    nomination_id: Mapped[int] = mapped_column(sa.ForeignKey("nominations.id", ondelete="CASCADE"))
    judge_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("award_criteria.id"), index=True)
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default, onupdate=utc_now_default)

    __table_args__ = (
        sa.CheckConstraint(f"score BETWEEN {LOWEST_SCORE} AND {HIGHEST_SCORE}", name="score_on_scale"),
        sa.UniqueConstraint("nomination_id", "judge_id", "criterion_id", name="uq_scores_judge_criterion"),
    )


class Recusal(IdMixin, db.Model):
    """Staff take a judge off a nomination: their scores stay for the record and leave the results."""

    __tablename__ = "recusals"

    nomination_id: Mapped[int] = mapped_column(sa.ForeignKey("nominations.id", ondelete="CASCADE"))
    judge_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    recused_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    recused_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)

    __table_args__ = (
        sa.CheckConstraint("reason <> ''", name="reason_given"),
        sa.UniqueConstraint("nomination_id", "judge_id", name="uq_recusals_judge"),
    )
