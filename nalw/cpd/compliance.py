"""The staff compliance list: members below their tier's CPD requirement for a year."""

import sqlalchemy as sa

from nalw.accounts.models import Person
from nalw.core.cpd_years import CpdYear
from nalw.core.paging import Page, paginate_rows
from nalw.cpd.models import CpdEntry, EntryStatus
from nalw.extensions import db
from nalw.members.cpd_requirements import requirements_in_force
from nalw.members.models import IN_GOOD_STANDING, Membership, Tier

PER_PAGE = 50


def below_requirement(year: CpdYear, tier_id=None, region=None):
    """One statement: members in good standing, their complete hours in the year, and what their tier
    requires in that year, keeping only those below it. Uses the (person, date) index on entries."""
    hours = (
        sa.select(CpdEntry.person_id, sa.func.sum(CpdEntry.quarter_hours).label("quarters"))
        .where(
            CpdEntry.status == EntryStatus.COMPLETE,
            CpdEntry.done_on >= year.starts_on,
            CpdEntry.done_on <= year.ends_on,
        )
        .group_by(CpdEntry.person_id)
        .subquery()
    )
    logged = sa.func.coalesce(hours.c.quarters, 0)
    required = requirements_in_force(year)
    statement = (
        sa.select(
            Person.id.label("person_id"),
            Person.name,
            Membership.number,
            Membership.region,
            Tier.name.label("tier"),
            required.c.hours_required.label("required"),
            logged.label("quarters"),
        )
        .join(Membership, Membership.person_id == Person.id)
        .join(Tier, Tier.id == Membership.tier_id)
        .join(required, required.c.tier_id == Membership.tier_id)
        .outerjoin(hours, hours.c.person_id == Person.id)
        .where(
            Membership.status.in_(IN_GOOD_STANDING),
            Membership.for_organisation.is_(False),
            logged < required.c.hours_required * 4,
        )
        # The id last: namesakes must keep one order, or paging with OFFSET repeats some and skips others.
        .order_by(Tier.name, Membership.region, Person.name, Person.id)
    )
    if tier_id:
        statement = statement.where(Membership.tier_id == tier_id)
    if region is not None:
        statement = statement.where(Membership.region == region)
    return statement


def compliance_page(year, page, tier_id=None, region=None):
    """One page of the list. The total rides along on each row (a window count), so the year's
    entries are summed once per request, not twice."""
    page = max(1, page or 1)
    statement = below_requirement(year, tier_id, region)
    rows = db.session.execute(
        statement.add_columns(sa.func.count().over().label("total")).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    if rows:
        return Page(items=rows, page=page, per_page=PER_PAGE, total=rows[0].total)
    return paginate_rows(statement, page, PER_PAGE)


def compliance_rows(year, tier_id=None, region=None):
    return db.session.execute(below_requirement(year, tier_id, region)).all()
