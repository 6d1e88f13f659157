"""People, their roles and their two-factor recovery codes."""

import datetime as dt

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nalw.core.db import IdMixin, TimestampMixin, enum_column, utc_now_default
from nalw.core.permissions import TWO_FACTOR_ROLES, Role
from nalw.core.time import utcnow
from nalw.extensions import db


class Person(IdMixin, TimestampMixin, UserMixin, db.Model):
    """Anyone with an account. Roles beyond account holder are grants."""

    __tablename__ = "people"

    name: Mapped[str] = mapped_column(sa.String(200))
    # Stored lower-case, so the unique constraint holds regardless of case.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    email_verified_at: Mapped[dt.datetime | None]
    last_sign_in_at: Mapped[dt.datetime | None]
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None]
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[dt.datetime | None]
    # The last TOTP time step accepted, so a code cannot be used twice.
    totp_last_step: Mapped[int | None]
    # Bumped on password change or erasure: every other session and remember-me cookie ends.
    session_version: Mapped[int] = mapped_column(default=1)
    password_changed_at: Mapped[dt.datetime | None]
    erased_at: Mapped[dt.datetime | None]

    role_grants: Mapped[list["RoleGrant"]] = relationship(
        back_populates="person",
        cascade="all, delete-orphan",
        lazy="selectin",
        foreign_keys="RoleGrant.person_id",
    )
    recovery_codes: Mapped[list["RecoveryCode"]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="raise"
    )

    def __repr__(self):
        return f"<Person {self.id} {self.email}>"

    # Flask-Login: the session id carries the version, so bumping it signs out old sessions.
    def get_id(self):
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self):
        return self.erased_at is None

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.role_grants)

    def has_role(self, role: Role) -> bool:
        held = self.roles
        return role in held or (role is Role.STAFF and Role.ADMIN in held)

    @property
    def two_factor_required(self) -> bool:
        """Judges, staff and admins must sign in with two factors."""
        return bool(self.roles & TWO_FACTOR_ROLES)

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or utcnow())

    @property
    def first_name(self):
        return self.name.split()[0] if self.name.strip() else self.name


class RoleGrant(IdMixin, db.Model):
    __tablename__ = "role_grants"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = enum_column(Role, name="role")
    granted_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))

    person: Mapped[Person] = relationship(back_populates="role_grants", foreign_keys=[person_id])

    __table_args__ = (sa.UniqueConstraint("person_id", "role", name="uq_role_grants_person_role"),)


class RecoveryCode(IdMixin, db.Model):
    """A one-time two-factor recovery code, kept only as a SHA-256 digest (the codes are random)."""

    __tablename__ = "recovery_codes"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    code_digest: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[dt.datetime | None]

    person: Mapped[Person] = relationship(back_populates="recovery_codes")
