"""Versions of the code of practice and their standards. A published version never changes."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nalw.core.db import IdMixin, enum_column, utc_now_default
from nalw.core.labels import LabelledEnum
from nalw.extensions import db


class VersionStatus(LabelledEnum):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class CodeVersion(IdMixin, db.Model):
    __tablename__ = "code_versions"

    number: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    introduction: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[VersionStatus] = enum_column(VersionStatus, name="code_version_status", default=VersionStatus.DRAFT)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)
    published_at: Mapped[dt.datetime | None]

    standards: Mapped[list["Standard"]] = relationship(
        back_populates="version", order_by="Standard.position", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_published(self):
        return self.status is VersionStatus.PUBLISHED

    @property
    def label(self):
        return f"Version {self.number}"


class Standard(IdMixin, db.Model):
    __tablename__ = "code_standards"

    version_id: Mapped[int] = mapped_column(sa.ForeignKey("code_versions.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(10))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int] = mapped_column(default=0)

    version: Mapped[CodeVersion] = relationship(back_populates="standards")

    __table_args__ = (sa.UniqueConstraint("version_id", "code", name="uq_code_standards_version_code"),)

    @property
    def label(self):
        return f"{self.code} {self.title}"
