"""Reports of a gap or barrier in provision, each from a member, counted by theme, region and month.

Only active reports count in any figure: a withdrawn (by its reporter) or hidden (by staff) report
leaves every table, chart and export.
"""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nalw.core.db import FirstOfMonth, IdMixin, TimestampMixin, enum_column, partial_index
from nalw.core.labels import LabelledEnum
from nalw.core.regions import Region
from nalw.extensions import db
from nalw.insight.local_authorities import NAME_LENGTH

DESCRIPTION_LENGTH = 500
HIDDEN_REASON_LENGTH = 500


class Theme(LabelledEnum):
    TRANSPORT = "transport", "Transport"
    DIGITAL_ACCESS = "digital_access", "Digital access"
    POVERTY_AND_DEBT = "poverty_and_debt", "Poverty and debt"
    HOUSING = "housing", "Housing"
    ISOLATION = "isolation", "Isolation"
    MENTAL_HEALTH_SUPPORT = "mental_health_support", "Mental health support"
    LANGUAGE_AND_INTERPRETING = "language_and_interpreting", "Language and interpreting"
    GP_ACCESS = "gp_access", "Access to the GP practice"
    OTHER = "other", "Other"


class AffectedBand(LabelledEnum):
    ONE = "one", "1 person"
    TWO_TO_FIVE = "two_to_five", "2 to 5 people"
    SIX_TO_TWENTY = "six_to_twenty", "6 to 20 people"
    MORE_THAN_TWENTY = "more_than_twenty", "More than 20 people"


class ServiceState(LabelledEnum):
    """Whether anything meets the need: the difference between a gap in provision and a barrier to it."""

    NO_SERVICE = "no_service", "No service meets this need"
    FULL = "full", "A service exists but is full or has a long wait"
    UNREACHABLE = "unreachable", "A service exists but people cannot reach or use it"
    NOT_SURE = "not_sure", "Not sure"


class ReportStatus(LabelledEnum):
    ACTIVE = "active", "Active"
    WITHDRAWN = "withdrawn", "Withdrawn by the member"
    HIDDEN = "hidden", "Hidden by staff"


class Report(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "insight_reports"

    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    theme: Mapped[Theme] = enum_column(Theme, name="insight_theme")
    region: Mapped[Region] = enum_column(Region, name="region")
    # One of local_authorities.REGION_OF, in `region`; empty when the member did not say.
    local_authority: Mapped[str] = mapped_column(sa.String(NAME_LENGTH), default="")
    affected: Mapped[AffectedBand] = enum_column(AffectedBand, name="insight_affected_band")
    service_state: Mapped[ServiceState] = enum_column(ServiceState, name="insight_service_state")
    description: Mapped[str] = mapped_column(sa.String(DESCRIPTION_LENGTH))
    # The UK day it was reported: what every figure counts by (period, month, last 12 months).
    reported_on: Mapped[dt.date]
    status: Mapped[ReportStatus] = enum_column(ReportStatus, name="insight_report_status", default=ReportStatus.ACTIVE)
    withdrawn_at: Mapped[dt.datetime | None]
    hidden_at: Mapped[dt.datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str] = mapped_column(sa.String(HIDDEN_REASON_LENGTH), default="")

    reporter = relationship("Person", foreign_keys=[reporter_id], lazy="raise")
    hidden_by = relationship("Person", foreign_keys=[hidden_by_id], lazy="raise")

    __table_args__ = (
        sa.CheckConstraint(
            "status <> 'hidden' OR (hidden_at IS NOT NULL AND hidden_reason <> '')", name="hidden_has_reason"
        ),
        sa.CheckConstraint("status <> 'withdrawn' OR withdrawn_at IS NOT NULL", name="withdrawn_has_time"),
        # Every figure counts active reports over a period, grouped by theme and region (or month): the
        # partial index holds only what is counted, ordered by the period's column, and covers the groups.
        sa.Index(
            "ix_insight_reports_active_reported_on",
            "reported_on",
            "theme",
            "region",
            postgresql_where=sa.text("status = 'active'"),
            sqlite_where=sa.text("status = 'active'"),
        ),
        # A roadshow page's leading themes: one region's last 12 months.
        sa.Index(
            "ix_insight_reports_active_region_reported_on",
            "region",
            "reported_on",
            "theme",
            postgresql_where=sa.text("status = 'active'"),
            sqlite_where=sa.text("status = 'active'"),
        ),
    )


# The staff figures over up to five years, by theme, region and month: in the order they are grouped, so the
# database counts each group as it reads the index, with no sort or hash of the whole period. The day is
# included for the period's exact first and last days, which may fall inside a month.
partial_index(
    "ix_insight_reports_active_by_month",
    FirstOfMonth(Report.reported_on),
    Report.theme,
    Report.region,
    where="status = 'active'",
    postgresql_include=["reported_on"],
)
