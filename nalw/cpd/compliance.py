"""The staff compliance list: members below their tier's CPD requirement for a year."""

import functools

import sqlalchemy as sa

from nalw.accounts.models import Person
from nalw.core.cpd_years import CpdYear
from nalw.core.db import written_in
from nalw.core.kept_counts import KeptCount
from nalw.core.listing import where_equal
from nalw.core.paging import Page, paginate_rows
from nalw.cpd.models import CpdYearTotal, quarters_from_hours
from nalw.extensions import db
from nalw.members.cpd_requirements import requirements_in_force
from nalw.members.models import IN_GOOD_STANDING, Membership, Tier

PER_PAGE = 50

# The list's total for a year and filters, counted again only when memberships, CPD totals or requirements
# have changed since (the triggers are in migrations/versions/kept_compliance_count.py).
BEHIND_TOTALS = KeptCount("cpd_compliance")


def _with_year_hours(statement, year: CpdYear):
    """`statement` over members in good standing (personal memberships) who were members in `year` (their
    membership started before it ended: a new member is not behind in a year before they joined, as they are
    not asked to declare it at renewal), joined to their tier's requirement for `year` and their complete hours
    in it (kept per year in cpd_year_totals); returns it with the hours logged (quarter hours) and required
    (hours) as columns to select. The statuses and the year are written into the SQL (`written_in`), so the
    plan PostgreSQL keeps reads the covering index of members in good standing."""
    required = requirements_in_force(year)
    statement = (
        statement.join(required, required.c.tier_id == Membership.tier_id)
        .outerjoin(
            CpdYearTotal,
            sa.and_(
                CpdYearTotal.person_id == Membership.person_id,
                CpdYearTotal.year_starts_on == written_in(year.starts_on),
            ),
        )
        .where(
            Membership.status.in_(written_in(IN_GOOD_STANDING)),
            Membership.for_organisation.is_(False),
            sa.or_(Membership.started_on.is_(None), Membership.started_on <= written_in(year.ends_on)),
        )
    )
    return statement, sa.func.coalesce(CpdYearTotal.quarter_hours, 0), required.c.hours_required


def _below(logged, required):
    """Whether the hours logged (quarter hours) fall short of those required (hours): who is behind."""
    return logged < quarters_from_hours(required)


def members_by_standing(statement, year: CpdYear, *, behind: bool):
    """`statement` (over memberships) narrowed to the members this list counts in `year` (personal memberships
    in good standing that started before the year ended, with a requirement for it) who are below their tier's
    requirement (`behind`) or meet it, returned with the hours logged (quarter hours) and required (hours) as
    columns to select. The list's rule of who is behind, for any list of members that asks it (the staff
    members list's CPD filter)."""
    statement, logged, required = _with_year_hours(statement, year)
    below = _below(logged, required)
    return statement.where(below if behind else sa.not_(below)), logged, required


def _members_behind(year: CpdYear, tier_id=None, region=None):
    """The members below their tier's requirement for `year`, without their names or tiers' names: membership,
    tier, hours required and logged (unordered: the page sorts by `LIST_ORDER`)."""
    statement, logged, required = members_by_standing(sa.select(Membership), year, behind=True)
    statement = statement.with_only_columns(
        Membership.person_id,
        Membership.number,
        Membership.region,
        Membership.tier_id,
        required.label("required"),
        logged.label("quarters"),
        maintain_column_froms=True,
    )
    return where_equal(statement, (Membership.tier_id, tier_id or None), (Membership.region, region))


# The list's order (columns of the members behind): by region, then membership number, which is unique, so paging never repeats or skips a member.
# It is the order of the covering index of members in good standing, so a page reads its fifty members from the
# index in order and looks up only their hours, names and tiers: no sort of everyone behind.
LIST_ORDER = ("region", "number")


def _with_names(rows):
    """`rows` (members behind, or one page of them) with each member's name and tier, in the list's order."""
    return (
        sa.select(
            rows.c.person_id,
            Person.name,
            rows.c.number,
            rows.c.region,
            Tier.name.label("tier"),
            rows.c.required,
            rows.c.quarters,
        )
        .join_from(rows, Person, Person.id == rows.c.person_id)
        .join(Tier, Tier.id == rows.c.tier_id)
        .order_by(*(rows.c[name] for name in LIST_ORDER))
    )


def below_requirement(year: CpdYear, tier_id=None, region=None):
    """One statement: members in good standing, their complete hours in the year, and what their tier
    requires in that year, keeping only those below it, with their names, in the list's order."""
    return _with_names(_members_behind(year, tier_id, region).subquery("members_behind"))


def compliance_counts(year: CpdYear):
    """Rows of (tier id, tier name, region, members, below requirement) for members in good standing in
    `year`: one aggregate query, the same rule as the list."""
    statement, logged, required = _with_year_hours(sa.select(Membership), year)
    return db.session.execute(
        statement.join(Tier, Tier.id == Membership.tier_id)
        .with_only_columns(
            Tier.id,
            Tier.name,
            Membership.region,
            sa.func.count(Membership.id),
            sa.func.count(Membership.id).filter(_below(logged, required)),
            maintain_column_froms=True,
        )
        .group_by(Tier.id, Tier.name, Tier.position, Membership.region)
        .order_by(Tier.position, Tier.name)
    ).all()


def compliance_page(year, page, tier_id=None, region=None):
    """One page of the list, in one query. The total rides along on each row: counted in the same
    statement, or, while nothing it counts has changed, the one kept from an earlier request."""
    page = max(1, page or 1)
    key = (year, tier_id, region)
    parameters, kept = BEHIND_TOTALS.parameters(key)
    statement = _page_statement(year, tier_id, region, page, PER_PAGE, db.session.get_bind().dialect.name)
    rows = db.session.execute(statement, parameters).all()
    if rows:
        return Page(items=rows, page=page, per_page=PER_PAGE, total=BEHIND_TOTALS.total(key, kept, rows[0]))
    return paginate_rows(below_requirement(year, tier_id, region), page, PER_PAGE)


@functools.lru_cache(maxsize=256)
def _page_statement(year, tier_id, region, page, per_page, dialect_name):
    """Two parts PostgreSQL plans apart, in one statement: the page, read in the index's order and cut after
    its fifty members (each one's hours, name and tier looked up alone), and the total, counted by joining
    every member in good standing to the year's totals at once, unless the one kept still holds. Built
    once per year, filters, page and database, and kept: a statement holds no data, and building this one
    is over a millisecond of Python a request."""
    on_page = (
        _members_behind(year, tier_id, region)
        .order_by(*(getattr(Membership, name) for name in LIST_ORDER))
        .limit(written_in(per_page))  # written in too, so the plan kept reads only a page from the index
        .offset(written_in((page - 1) * per_page))
        .subquery("on_page")
    )
    behind = _members_behind(year, tier_id, region).subquery("members_behind")
    total = sa.select(sa.func.count()).select_from(behind).scalar_subquery()
    return _with_names(on_page).add_columns(*BEHIND_TOTALS.columns(total, dialect_name))


def compliance_rows(year, tier_id=None, region=None):
    return db.session.execute(below_requirement(year, tier_id, region)).all()
