"""The staff compliance list: members below their tier's CPD requirement for a year."""

import sqlalchemy as sa

from nalw.accounts.models import Person
from nalw.core.cpd_years import CpdYear
from nalw.core.paging import Page, paginate_rows
from nalw.cpd.models import CpdYearTotal, quarters_from_hours
from nalw.extensions import db
from nalw.members.cpd_requirements import requirements_in_force
from nalw.members.models import IN_GOOD_STANDING, Membership, Tier

PER_PAGE = 50


def _with_year_hours(statement, year: CpdYear):
    """`statement` over members in good standing (personal memberships), joined to their tier, the tier's
    requirement for `year` and their complete hours in it (kept per year in cpd_year_totals); returns it with
    the hours logged (quarter hours) and required (hours) as columns to select."""
    required = requirements_in_force(year)
    statement = (
        statement.join(Tier, Tier.id == Membership.tier_id)
        .join(required, required.c.tier_id == Membership.tier_id)
        .outerjoin(
            CpdYearTotal,
            sa.and_(CpdYearTotal.person_id == Membership.person_id, CpdYearTotal.year_starts_on == year.starts_on),
        )
        .where(Membership.status.in_(IN_GOOD_STANDING), Membership.for_organisation.is_(False))
    )
    return statement, sa.func.coalesce(CpdYearTotal.quarter_hours, 0), required.c.hours_required


def _members_behind(year: CpdYear, tier_id=None, region=None):
    """The members below their tier's requirement for `year`, without their names: membership, tier,
    hours required and logged. A block of its own (a CTE) so the page and its total read it once."""
    statement, logged, required = _with_year_hours(sa.select(Membership), year)
    statement = statement.with_only_columns(
        Membership.person_id,
        Membership.number,
        Membership.region,
        Tier.name.label("tier"),
        required.label("required"),
        logged.label("quarters"),
        maintain_column_froms=True,
    ).where(logged < quarters_from_hours(required))
    if tier_id:
        statement = statement.where(Membership.tier_id == tier_id)
    if region is not None:
        statement = statement.where(Membership.region == region)
    return statement.cte("members_behind")


def below_requirement(year: CpdYear, tier_id=None, region=None):
    """One statement: members in good standing, their complete hours in the year, and what their tier
    requires in that year, keeping only those below it. The year's hours come from the (year, person) index
    on the totals, the members from the index on those in good standing; names join only the members
    kept."""
    return _below_requirement(_members_behind(year, tier_id, region))


def _below_requirement(behind):
    # The names as a block of their own: PostgreSQL never merges a subquery with an OFFSET into the query around
    # it, so it hash-joins the names once instead of looking thousands of people up one by one by id.
    people = sa.select(Person.id, Person.name).offset(0).subquery("people")
    return (
        sa.select(
            people.c.id.label("person_id"),
            people.c.name,
            behind.c.number,
            behind.c.region,
            behind.c.tier,
            behind.c.required,
            behind.c.quarters,
        )
        .join_from(behind, people, people.c.id == behind.c.person_id)
        # The id last: namesakes must keep one order, or paging with OFFSET repeats some and skips others.
        .order_by(behind.c.tier, behind.c.region, people.c.name, people.c.id)
    )


def compliance_counts(year: CpdYear):
    """Rows of (tier id, tier name, region, members, below requirement) for members in good standing in
    `year`: one aggregate query, the same rule as the list."""
    statement, logged, required = _with_year_hours(sa.select(Membership), year)
    return db.session.execute(
        statement.with_only_columns(
            Tier.id,
            Tier.name,
            Membership.region,
            sa.func.count(Membership.id),
            sa.func.count(Membership.id).filter(logged < quarters_from_hours(required)),
            maintain_column_froms=True,
        )
        .group_by(Tier.id, Tier.name, Tier.position, Membership.region)
        .order_by(Tier.position, Tier.name)
    ).all()


def compliance_page(year, page, tier_id=None, region=None):
    """One page of the list. The total rides along on each row, counted from the same block of members
    behind, so the members behind are found once per request, not twice."""
    page = max(1, page or 1)
    behind = _members_behind(year, tier_id, region)
    statement = _below_requirement(behind)
    total = sa.select(sa.func.count()).select_from(behind).scalar_subquery()
    rows = db.session.execute(
        statement.add_columns(total.label("total")).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    if rows:
        return Page(items=rows, page=page, per_page=PER_PAGE, total=rows[0].total)
    return paginate_rows(statement, page, PER_PAGE)


def compliance_rows(year, tier_id=None, region=None):
    return db.session.execute(below_requirement(year, tier_id, region)).all()
