"""People, their roles and their two-factor recovery codes."""

import datetime as dt

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nalw.core.db import IdMixin, TimestampMixin, cut_to_fit_column, enum_column, trigram_index, utc_now_default
from nalw.core.permissions import TWO_FACTOR_ROLES, Role, role_is_held
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
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[dt.datetime | None]
    # The last TOTP time step accepted, so a code cannot be used twice.
    totp_last_step: Mapped[int | None]
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

    # The sign-in session this request runs in: set at sign-in and by the user loader, never stored.
    sign_in_session = None

    # Staff find people by any part of their name or email (nalw/members/directory.py); the members list's
    # first page walks people in name order and stops after a page's worth.
    __table_args__ = (
        trigram_index("ix_people_name_trigram", "name"),
        trigram_index("ix_people_email_trigram", "email"),
        sa.Index("ix_people_name", "name"),
    )

    def __repr__(self):
        return f"<Person {self.id} {self.email}>"

    # Flask-Login keeps this id in the session and the remember-me cookie: it names the
    # server-side sign-in session, so ending that session ends both cookies.
    def get_id(self):
        if self.sign_in_session is None or self.sign_in_session.token is None:
            raise RuntimeError("sign in through services.complete_sign_in, which opens a sign-in session")
        return self.sign_in_session.token

    @property
    def is_active(self):
        return self.erased_at is None

    @property
    def roles(self) -> frozenset[Role]:
        """Every role granted, whether or not it is in force yet (for showing and managing grants)."""
        return frozenset(grant.role for grant in self.role_grants)

    @property
    def effective_roles(self) -> frozenset[Role]:
        """The roles in force: judge, staff and admin count only once two-factor sign-in is on."""
        if self.two_factor_enabled:
            return self.roles
        return self.roles - TWO_FACTOR_ROLES

    def has_role(self, role: Role) -> bool:
        """Whether the person may act in `role` now: every access check asks this."""
        return role_is_held(role, self.effective_roles)

    def was_granted(self, role: Role) -> bool:
        """Whether `role` was granted, in force or waiting for two-factor sign-in."""
        return role_is_held(role, self.roles)

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


class SignInSession(IdMixin, db.Model):
    """One signed-in browser. Its random id rides in the session and remember-me cookies; only
    its SHA-256 digest is stored, so the table cannot be used to sign in. Ending it (sign-out,
    password or two-factor change, erasure) ends every copy of those cookies.

    It also keeps, server-side, what must not ride in the readable session cookie: the key
    offered during two-factor enrolment and new recovery codes until they are shown once.
    """

    __tablename__ = "sign_in_sessions"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)
    user_agent: Mapped[str] = cut_to_fit_column(200, default="")
    revoked_at: Mapped[dt.datetime | None]
    pending_totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    recovery_codes_to_show: Mapped[list | None] = mapped_column(sa.JSON(none_as_null=True))

    person: Mapped[Person] = relationship()

    # The raw id, known only in the request that opened or loaded the session.
    token = None


class SignInFailure(IdMixin, db.Model):
    """Failed sign-ins to one account from one client address, and the pause they caused.

    Counted per (account, address) pair, so failing on purpose from one place never stops
    the owner signing in from another.
    """

    __tablename__ = "sign_in_failures"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    client_address: Mapped[str] = mapped_column(sa.String(45))
    failed_count: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)
    locked_until: Mapped[dt.datetime | None]

    __table_args__ = (
        sa.UniqueConstraint("person_id", "client_address", name="uq_sign_in_failures_person_client_address"),
    )

    def is_locked(self, now) -> bool:
        return self.locked_until is not None and self.locked_until > now
