"""The staff compliance list: members below their tier's CPD requirement for a year."""

import functools

import sqlalchemy as sa

from nalw.accounts.models import Person
from nalw.core.cpd_years import CpdYear
from nalw.core.db import written_in
from nalw.core.paging import Page, paginate_rows
from nalw.cpd.models import CpdYearTotal, quarters_from_hours
from nalw.extensions import db
from nalw.members.cpd_requirements import requirements_in_force
from nalw.members.models import IN_GOOD_STANDING, Membership, Tier

PER_PAGE = 50


def _with_year_hours(statement, year: CpdYear):
    """`statement` over members in good standing (personal memberships), joined to their tier, the tier's
    requirement for `year` and their complete hours in it (kept per year in cpd_year_totals); returns it with
    the hours logged (quarter hours) and required (hours) as columns to select. The statuses and the year are
    written into the SQL (`written_in`), so the plan PostgreSQL keeps reads the covering index of members in
    good standing."""
    required = requirements_in_force(year)
    statement = (
        statement.join(Tier, Tier.id == Membership.tier_id)
        .join(required, required.c.tier_id == Membership.tier_id)
        .outerjoin(
            CpdYearTotal,
            sa.and_(
                CpdYearTotal.person_id == Membership.person_id,
                CpdYearTotal.year_starts_on == written_in(year.starts_on),
            ),
        )
        .where(Membership.status.in_(written_in(IN_GOOD_STANDING)), Membership.for_organisation.is_(False))
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
        Tier.position.label("tier_position"),
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


def _in_list_order(rows):
    """The list's order: by tier (as the body orders them), region, then membership number, which is unique,
    so paging with OFFSET never repeats or skips a member. Names play no part, so a page sorts the members
    behind without them and looks up only its own fifty names."""
    return (rows.c.tier_position, rows.c.tier, rows.c.region, rows.c.number)


def _with_names(rows):
    """`rows` (members behind, or one page of them) with each member's name, in the list's order."""
    return (
        sa.select(
            rows.c.person_id,
            Person.name,
            rows.c.number,
            rows.c.region,
            rows.c.tier,
            rows.c.required,
            rows.c.quarters,
        )
        .join_from(rows, Person, Person.id == rows.c.person_id)
        .order_by(*_in_list_order(rows))
    )


def below_requirement(year: CpdYear, tier_id=None, region=None):
    """One statement: members in good standing, their complete hours in the year, and what their tier
    requires in that year, keeping only those below it, with their names, in the list's order."""
    return _with_names(_members_behind(year, tier_id, region))


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
    """One page of the list, in one query. The total rides along on each row."""
    page = max(1, page or 1)
    rows = db.session.execute(_page_statement(year, tier_id, region, page, PER_PAGE)).all()
    if rows:
        return Page(items=rows, page=page, per_page=PER_PAGE, total=rows[0].total)
    return paginate_rows(below_requirement(year, tier_id, region), page, PER_PAGE)


@functools.lru_cache(maxsize=256)
def _page_statement(year, tier_id, region, page, per_page):
    """The members behind are found once (a CTE), sorted without their names, cut to the page, and only then
    joined to the names; the total is counted from the same block. Built once per year, filters and page, and
    kept: a statement holds no data, and building this one is over a millisecond of Python a request."""
    behind = _members_behind(year, tier_id, region)
    on_page = (
        sa.select(behind)
        .order_by(*_in_list_order(behind))
        .limit(written_in(per_page))  # written in too, so the plan kept looks up only a page of names
        .offset(written_in((page - 1) * per_page))
        .subquery("on_page")
    )
    total = sa.select(sa.func.count()).select_from(behind).scalar_subquery()
    return _with_names(on_page).add_columns(total.label("total"))


def compliance_rows(year, tier_id=None, region=None):
    return db.session.execute(below_requirement(year, tier_id, region)).all()
