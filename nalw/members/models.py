"""Tiers, memberships and their history, organisations and their seats."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nalw.core.db import (
    IdMixin,
    TimestampMixin,
    cut_to_fit_column,
    enum_column,
    partial_index,
    trigram_index,
    utc_now_default,
)
from nalw.core.labels import LabelledEnum
from nalw.core.regions import Region
from nalw.extensions import db


class Eligibility(LabelledEnum):
    PRACTITIONER = "practitioner", "Practising link workers"
    STUDENT = "student", "Students and trainees"
    ASSOCIATE = "associate", "Managers, commissioners and supporters"
    ORGANISATION = "organisation", "Employers of link workers"


class Tier(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "tiers"

    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    description: Mapped[str] = mapped_column(sa.String(500), default="")
    annual_fee_pence: Mapped[int]
    eligibility: Mapped[Eligibility] = enum_column(Eligibility, name="tier_eligibility")
    # The requirement as last set, which new CPD years take; what a given year requires is kept per
    # year in TierCpdRequirement.
    cpd_hours_required: Mapped[int] = mapped_column(default=0)
    # Organisation tiers only: how many link workers the organisation may invite.
    seats: Mapped[int | None]
    open_for_applications: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.CheckConstraint("annual_fee_pence >= 0", name="fee_not_negative"),
        sa.CheckConstraint("cpd_hours_required >= 0", name="cpd_hours_not_negative"),
        sa.CheckConstraint("seats IS NULL OR seats > 0", name="seats_positive"),
        # Organisation tiers have seats; no other tier has any.
        sa.CheckConstraint("(eligibility = 'organisation') = (seats IS NOT NULL)", name="seats_only_for_organisations"),
    )

    @property
    def is_organisation(self):
        return self.eligibility is Eligibility.ORGANISATION


class TierCpdRequirement(IdMixin, db.Model):
    """The CPD hours a tier requires from the CPD year starting on `year_starts_on` until the next row's.
    Kept per year so a change of requirement never rewrites a year already under way or past; read it
    only through `nalw.members.cpd_requirements`."""

    __tablename__ = "tier_cpd_requirements"

    tier_id: Mapped[int] = mapped_column(sa.ForeignKey("tiers.id", ondelete="CASCADE"))
    year_starts_on: Mapped[dt.date]
    hours_required: Mapped[int]

    __table_args__ = (
        sa.UniqueConstraint("tier_id", "year_starts_on", name="uq_tier_cpd_requirements_tier_year"),
        sa.CheckConstraint("hours_required >= 0", name="hours_not_negative"),
    )


class EmployerType(LabelledEnum):
    GP_PRACTICE_OR_PCN = "gp_practice_or_pcn", "GP practice or primary care network"
    VCSE = "vcse", "Voluntary, community or social enterprise (VCSE) organisation"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    NHS_TRUST = "nhs_trust", "NHS trust"
    OTHER = "other", "Other"


class MembershipStatus(LabelledEnum):
    APPLIED = "applied", "Applied, awaiting payment"
    PAID = "paid", "Paid, awaiting approval"
    ACTIVE = "active", "Active"
    GRACE = "grace", "In grace period"
    LAPSED = "lapsed", "Lapsed"
    SUSPENDED = "suspended", "Suspended"
    RESIGNED = "resigned", "Resigned"
    REJECTED = "rejected", "Not approved"


# A person has at most one membership in these states (a lapsed one is renewed, not replaced).
CURRENT_STATUSES = ("applied", "paid", "active", "grace", "lapsed", "suspended")
# Members in good standing: the member role, member prices, the register.
IN_GOOD_STANDING = (MembershipStatus.ACTIVE, MembershipStatus.GRACE)
# A person's own membership, not an organisation's (an index's condition, written as the queries filter).
PERSONAL = "for_organisation IS false"
# The rows of IN_GOOD_STANDING personal memberships, as SQL written as the compliance queries filter them (an
# index's condition must be one PostgreSQL can match to the query's, with the values written in: `written_in`).
GOOD_STANDING_PERSONAL = f"status IN {tuple(s.value for s in IN_GOOD_STANDING)} AND for_organisation IS false"


class Membership(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "memberships"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    tier_id: Mapped[int] = mapped_column(sa.ForeignKey("tiers.id"), index=True)
    status: Mapped[MembershipStatus] = enum_column(MembershipStatus, name="membership_status", index=True)
    number: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    started_on: Mapped[dt.date | None]
    expires_on: Mapped[dt.date | None] = mapped_column(index=True)
    auto_renew: Mapped[bool] = mapped_column(default=False)
    # The fee the applicant was shown; a payment for a different amount is refused.
    quoted_fee_pence: Mapped[int]
    # Set for an organisation's own membership (for_organisation) and for the seats it gives.
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    # The organisation's own membership, held by its admin; it does not stop them holding a personal one.
    for_organisation: Mapped[bool] = mapped_column(default=False)
    # What the application said.
    job_title: Mapped[str] = mapped_column(sa.String(200))
    employer_name: Mapped[str] = mapped_column(sa.String(200))
    employer_type: Mapped[EmployerType] = enum_column(EmployerType, name="employer_type")
    region: Mapped[Region] = enum_column(Region, name="region", index=True)
    years_in_role: Mapped[int]
    code_version_id: Mapped[int] = mapped_column(sa.ForeignKey("code_versions.id"))
    code_accepted_at: Mapped[dt.datetime]
    register_consent: Mapped[bool] = mapped_column(default=False)
    news_consent: Mapped[bool] = mapped_column(default=False)
    # When the two consents above were given (the membership's making) or last changed.
    consents_changed_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)

    person = relationship("Person", lazy="joined", innerjoin=True)
    tier: Mapped[Tier] = relationship(lazy="joined", innerjoin=True)
    code_version = relationship("CodeVersion", lazy="raise")
    organisation: Mapped["Organisation | None"] = relationship(foreign_keys=[organisation_id], lazy="raise")
    history: Mapped[list["MembershipChange"]] = relationship(
        back_populates="membership", order_by="MembershipChange.id", cascade="all, delete-orphan", lazy="raise"
    )

    __table_args__ = (
        partial_index(
            "uq_memberships_current_per_person",
            "person_id",
            unique=True,
            where=f"NOT for_organisation AND status IN {CURRENT_STATUSES}",
        ),
        sa.CheckConstraint("years_in_role >= 0 AND years_in_role <= 60", name="years_in_role_range"),
        # The CPD compliance list and its counts read every personal member in good standing: this index holds
        # all they read of them, so PostgreSQL answers from the index alone, and its order is the list's order,
        # so a page reads only its own members (nalw/cpd/compliance.py).
        partial_index(
            "ix_memberships_in_good_standing_by_region",
            "region",
            "number",
            postgresql_include=["person_id", "tier_id", "started_on"],
            where=GOOD_STANDING_PERSONAL,
        ),
        # Staff find a member by any part of their membership number (nalw/members/directory.py).
        trigram_index("ix_memberships_number_trigram", "number"),
        # Each person's latest personal membership (the staff members list and its count): whether a newer one
        # exists is one probe of this index, and counting them reads the index alone.
        partial_index("ix_memberships_personal_by_person", "person_id", "id", where=PERSONAL),
    )

    @property
    def in_good_standing(self):
        return self.status in IN_GOOD_STANDING

    @hybrid_property
    def is_current(self):
        """In one of CURRENT_STATUSES: on a membership, or as a condition in a query."""
        return self.status.value in CURRENT_STATUSES

    @is_current.expression
    def is_current(cls):
        return cls.status.in_([MembershipStatus(value) for value in CURRENT_STATUSES])

    @property
    def is_seat(self):
        """A seat in an organisation's membership: given by its admin, renewed with the organisation."""
        return self.organisation_id is not None and not self.for_organisation


class MembershipChange(IdMixin, db.Model):
    """One line of a membership's history: every change of status, who made it and why."""

    __tablename__ = "membership_changes"

    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("memberships.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[MembershipStatus | None] = enum_column(MembershipStatus, name="from_status", nullable=True)
    to_status: Mapped[MembershipStatus] = enum_column(MembershipStatus, name="to_status")
    changed_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    reason: Mapped[str] = cut_to_fit_column(500, default="")

    membership: Mapped[Membership] = relationship(back_populates="history")
    actor = relationship("Person", lazy="raise")

    @property
    def move(self):
        """How the line reads: "Active → Lapsed", "New → Applied", or "Active (no change)" for a line that changes
        no status (a renewal, a handover: its reason says which)."""
        if self.from_status == self.to_status:
            return f"{self.to_status.label} (no change)"
        return f"{self.from_status.label if self.from_status else 'New'} → {self.to_status.label}"

    # Lapses and resignations in a period (the staff dashboard).
    __table_args__ = (sa.Index("ix_membership_changes_to_status_changed_at", "to_status", "changed_at"),)


class RenewalNotice(IdMixin, db.Model):
    """A renewal email or charge done for one expiry date, so the daily run does each once."""

    __tablename__ = "renewal_notices"

    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("memberships.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    for_expiry_on: Mapped[dt.date]
    done_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)

    __table_args__ = (sa.UniqueConstraint("membership_id", "kind", "for_expiry_on", name="uq_renewal_notices_once"),)


class MembershipNumberCounter(db.Model):
    """The last membership number given; one row, incremented atomically at approval."""

    __tablename__ = "membership_number_counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class Organisation(IdMixin, TimestampMixin, db.Model):
    """An employer with an organisation membership, whose admin invites link workers to its seats."""

    __tablename__ = "organisations"

    name: Mapped[str] = mapped_column(sa.String(200))
    admin_person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)

    admin = relationship("Person", lazy="raise")
    # Its own membership: the one with for_organisation set.
    membership: Mapped[Membership] = relationship(
        primaryjoin="and_(Membership.organisation_id == Organisation.id, Membership.for_organisation.is_(True))",
        uselist=False,
        viewonly=True,
        lazy="joined",
    )


class SeatStatus(LabelledEnum):
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"
    CANCELLED = "cancelled", "Cancelled"
    REMOVED = "removed", "Removed"


class SeatInvitation(IdMixin, db.Model):
    __tablename__ = "seat_invitations"

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    status: Mapped[SeatStatus] = enum_column(SeatStatus, name="seat_status", default=SeatStatus.INVITED)
    invited_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    accepted_at: Mapped[dt.datetime | None]
    membership_id: Mapped[int | None] = mapped_column(sa.ForeignKey("memberships.id"))

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    membership: Mapped[Membership | None] = relationship(foreign_keys=[membership_id], lazy="joined")


class CpdDeclaration(IdMixin, db.Model):
    """What a member declared at renewal: did they meet the CPD year's requirement?"""

    __tablename__ = "cpd_declarations"

    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("memberships.id", ondelete="CASCADE"), index=True)
    cpd_year_starts_on: Mapped[dt.date]
    met_requirement: Mapped[bool]
    hours_required: Mapped[int]
    declared_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)
