"""Each person's complete CPD hours per CPD year, kept in cpd_year_totals for the compliance list.

Every change to entries calls `recount` (or `recount_days`) in the same transaction, after its flush. A total
is recomputed from the entries, never incremented, so it is always exactly their sum.
"""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from nalw.core.cpd_years import CpdYear, year_containing
from nalw.cpd.models import CpdEntry, CpdYearTotal, EntryStatus
from nalw.extensions import db

_DIALECT_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def recount(person_id, year: CpdYear):
    """Set the person's total for `year` to the sum of their complete entries in it: one statement, an
    insert of the sum that updates the row already there."""
    insert = _DIALECT_INSERTS[db.session.get_bind().dialect.name](CpdYearTotal)
    total = sa.select(
        sa.literal(person_id),
        sa.literal(year.starts_on, sa.Date),
        sa.func.coalesce(sa.func.sum(CpdEntry.quarter_hours), 0),
    ).where(
        CpdEntry.person_id == person_id,
        CpdEntry.status == EntryStatus.COMPLETE,
        CpdEntry.done_on >= year.starts_on,
        CpdEntry.done_on <= year.ends_on,
    )
    statement = insert.from_select(["person_id", "year_starts_on", "quarter_hours"], total)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["person_id", "year_starts_on"],
            set_={"quarter_hours": statement.excluded.quarter_hours},
        )
    )


def recount_days(person_id, *days):
    """Recount the CPD years holding `days` (an entry's date before and after a change; None is skipped)."""
    for year in {year_containing(day) for day in days if day is not None}:
        recount(person_id, year)


def forget(person_id):
    """Remove a person's totals (their entries are being erased)."""
    db.session.execute(sa.delete(CpdYearTotal).where(CpdYearTotal.person_id == person_id))
