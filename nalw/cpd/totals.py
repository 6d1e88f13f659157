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
    """Set the person's total for `year` to the sum of their complete entries in it.

    Two statements, so two transactions changing one person's entries at once cannot leave a stale sum: the
    first makes sure the row exists and locks it (waiting for any other transaction holding it to finish);
    the second sums the entries only then, so it sees what that transaction committed."""
    insert = _DIALECT_INSERTS[db.session.get_bind().dialect.name](CpdYearTotal)
    db.session.execute(
        insert.values(person_id=person_id, year_starts_on=year.starts_on, quarter_hours=0).on_conflict_do_update(
            index_elements=["person_id", "year_starts_on"], set_={"quarter_hours": CpdYearTotal.quarter_hours}
        )
    )
    total = sa.select(sa.func.coalesce(sa.func.sum(CpdEntry.quarter_hours), 0)).where(
        CpdEntry.person_id == person_id,
        CpdEntry.status == EntryStatus.COMPLETE,
        CpdEntry.done_on >= year.starts_on,
        CpdEntry.done_on <= year.ends_on,
    )
    db.session.execute(
        sa.update(CpdYearTotal)
        .where(CpdYearTotal.person_id == person_id, CpdYearTotal.year_starts_on == year.starts_on)
        .values(quarter_hours=total.scalar_subquery())
    )


def recount_days(person_id, *days):
    """Recount the CPD years holding `days` (an entry's date before and after a change; None is skipped)."""
    # In date order, so two transactions lock the same rows in the same order.
    for year in sorted({year_containing(day) for day in days if day is not None}, key=lambda each: each.starts_on):
        recount(person_id, year)


def forget(person_id):
    """Remove a person's totals (their entries are being erased)."""
    db.session.execute(sa.delete(CpdYearTotal).where(CpdYearTotal.person_id == person_id))
