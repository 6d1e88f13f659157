"""What staff pages read about a person's CPD: the hours they logged in a year, as a column of a larger
query, and the outcomes of the CPD audits that drew them."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, raiseload

from nalw.core.cpd_years import CpdYear
from nalw.cpd.models import AuditSelection, CpdEntry, EntryStatus, hours_from_quarters
from nalw.extensions import db


def complete_quarters_in(year: CpdYear, person_id):
    """The quarter hours of complete entries `person_id` (a column of the outer query) logged in `year`:
    a correlated subquery, read through the (person, date) index, so only the rows shown are summed."""
    return (
        sa.select(sa.func.coalesce(sa.func.sum(CpdEntry.quarter_hours), 0))
        .where(
            CpdEntry.person_id == person_id,
            CpdEntry.status == EntryStatus.COMPLETE,
            CpdEntry.done_on >= year.starts_on,
            CpdEntry.done_on <= year.ends_on,
        )
        .scalar_subquery()
    )


def audit_selections_of(person_id) -> list[AuditSelection]:
    """Every CPD audit that drew the person, with its outcome when reviewed, oldest first."""
    return db.session.scalars(
        sa.select(AuditSelection)
        .where(AuditSelection.person_id == person_id)
        .options(
            raiseload(AuditSelection.entries),
            raiseload(AuditSelection.standard_outcomes),
            joinedload(AuditSelection.reviewer),
        )
        .order_by(AuditSelection.id)
    ).all()


@dataclass(frozen=True)
class YearSummary:
    year: CpdYear
    logged_quarters: int
    drafts: int
    required_hours: int

    @property
    def logged_hours(self):
        return hours_from_quarters(self.logged_quarters)

    @property
    def met(self):
        return self.logged_hours >= self.required_hours


def year_summary(person_id, year: CpdYear, required_hours) -> YearSummary:
    """A person's CPD year in one query: the hours of complete entries, and how many drafts wait."""
    complete = CpdEntry.status == EntryStatus.COMPLETE
    logged, drafts = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(CpdEntry.quarter_hours).filter(complete), 0),
            sa.func.count(CpdEntry.id).filter(~complete),
        ).where(CpdEntry.person_id == person_id, CpdEntry.done_on >= year.starts_on, CpdEntry.done_on <= year.ends_on)
    ).one()
    return YearSummary(year=year, logged_quarters=logged, drafts=drafts, required_hours=required_hours)
