"""The CPD hours each tier requires, kept per CPD year.

A change of requirement applies from the next CPD year, so a year under way or past keeps the figure
members worked to (staff may bring the current year in too, audited). Every reader of a year's
requirement, in Python or inside a larger query, goes through `requirements_in_force`.
"""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from nalw.core.audit import record_audit
from nalw.core.cpd_years import FIRST_YEAR, CpdYear, current_year, year_starting_in
from nalw.core.db import written_in
from nalw.extensions import db
from nalw.members.models import TierCpdRequirement

# A tier's first requirement holds from before the earliest CPD year any page offers.
FROM_THE_START = dt.date(FIRST_YEAR, 1, 1)


def requirements_in_force(year: CpdYear):
    """A subquery of (tier_id, hours_required): each tier's requirement for `year`, the row with the
    latest `year_starts_on` on or before the year's start. One row per tier, so it joins in cheaply.

    Written as "no later row on or before the start" (an anti-join) rather than a join to the latest start
    per tier: PostgreSQL then expects one row per tier, not one in all, and hash-joins it into a list of
    members instead of scanning the members once per tier."""
    row = TierCpdRequirement
    # The date written into the SQL, so the plan PostgreSQL keeps for a prepared statement expects one row per
    # tier (see `written_in`).
    starts_on = written_in(year.starts_on)
    later = aliased(TierCpdRequirement)
    no_later_row = ~(
        sa.select(later.id)
        .where(
            later.tier_id == row.tier_id,
            later.year_starts_on > row.year_starts_on,
            later.year_starts_on <= starts_on,
        )
        .exists()
    )
    return (
        sa.select(row.tier_id, row.hours_required)
        .where(row.year_starts_on <= starts_on, no_later_row)
        .subquery("requirements_in_force")
    )


def hours_by_tier(year: CpdYear) -> dict[int, int]:
    """{tier id: CPD hours required in `year`} for every tier, in one query."""
    in_force = requirements_in_force(year)
    return dict(db.session.execute(sa.select(in_force.c.tier_id, in_force.c.hours_required)).all())


def hours_required(tier, year: CpdYear) -> int:
    """The CPD hours `tier` requires in `year`."""
    in_force = requirements_in_force(year)
    hours = db.session.scalar(sa.select(in_force.c.hours_required).where(in_force.c.tier_id == tier.id))
    return hours or 0


def start_requirement(tier):
    """A new tier's requirement, for every CPD year (its members may log years from before it existed)."""
    _set_hours(tier, FROM_THE_START, tier.cpd_hours_required)


def change_requirement(actor, tier, hours, *, current_year_too=False):
    """From the next CPD year, `tier` requires `hours`. Only with `current_year_too` does the year under
    way change as well (audited, since members' standing for it moves); earlier years never change."""
    this_year = current_year()
    next_year = year_starting_in(this_year.key + 1)
    if current_year_too:
        before = hours_required(tier, this_year)
        if before != hours:
            _set_hours(tier, this_year.starts_on, hours)
            record_audit(
                actor,
                "tier.cpd_requirement_changed_for_current_year",
                tier,
                before={"cpd_year": this_year.label, "hours_required": before},
                after={"cpd_year": this_year.label, "hours_required": hours},
                summary=f"Changed the CPD requirement of {tier.name} for the current CPD year {this_year.label} "
                f"from {before} to {hours} hours",
            )
    if hours_required(tier, next_year) != hours:
        _set_hours(tier, next_year.starts_on, hours)


def _set_hours(tier, year_starts_on, hours):
    requirement = db.session.scalar(
        sa.select(TierCpdRequirement).where(
            TierCpdRequirement.tier_id == tier.id, TierCpdRequirement.year_starts_on == year_starts_on
        )
    )
    if requirement is None:
        db.session.add(TierCpdRequirement(tier_id=tier.id, year_starts_on=year_starts_on, hours_required=hours))
    else:
        requirement.hours_required = hours
    db.session.flush()
