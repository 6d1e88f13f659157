"""Staff find members: by name, email or membership number, ranked, and by what their membership says.

On PostgreSQL the search is served by trigram (pg_trgm) GIN indexes on the person's name and email and
the membership number, which answer `ILIKE '%text%'` without reading every row; SQLite reads the rows. The
rank is worked out for the matches only. Without a search, the first page walks people by name (an index)
and stops after a page; the count reads the memberships table alone, through an index of each person's
personal memberships (`member_search_count`).
"""

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, selectinload

from nalw.accounts.models import Person
from nalw.core.listing import contains_pattern, escape_like, london_day_bounds
from nalw.core.time import next_month
from nalw.extensions import db
from nalw.members.figures import moves_into
from nalw.members.models import CpdDeclaration, Membership, MembershipChange, MembershipStatus

# How a match ranks: the exact membership number or email first, then what starts with the text
# (the name, any word of it, the email or the number), then what merely holds it.
EXACT, STARTS, HOLDS = 0, 1, 2


def _like(column, pattern):
    return column.ilike(pattern, escape="\\")


def matching_memberships(text) -> sa.Select:
    """The ids of memberships whose own number, or whose person's name or email, holds `text`: a UNION of one
    arm per column, each answered by that column's trigram index, so a search reads the matching rows only. (An
    OR across the two tables could use no index; an OR of name and email in one arm is planned as a read of
    every person once the text is long, as an email address is.)"""
    holds = contains_pattern(text)
    arms = [
        sa.select(Membership.id).where(Membership.person_id.in_(sa.select(Person.id).where(_like(column, holds))))
        for column in (Person.name, Person.email)
    ]
    return sa.union(*arms, sa.select(Membership.id).where(_like(Membership.number, holds)))


def search_rank(text):
    """The rank of a match for `text` as a column (EXACT, STARTS or HOLDS), worked out only for the rows that
    match: the exact membership number or email, then what starts with the text, then what holds it."""
    needle = escape_like(text.strip().lower())
    starts, word_starts = f"{needle}%", f"% {needle}%"
    name, email, number = Person.name, Person.email, Membership.number
    return sa.case(
        (sa.or_(sa.func.lower(number) == text.strip().lower(), email == text.strip().lower()), EXACT),
        (
            sa.or_(_like(name, starts), _like(name, word_starts), _like(email, starts), _like(number, starts)),
            STARTS,
        ),
        else_=HOLDS,
    )


def _latest_personal():
    """A person's latest personal membership: no newer one of theirs that is not an organisation's own."""
    newer = aliased(Membership)
    return sa.and_(
        Membership.for_organisation.is_(False),
        ~sa.exists().where(
            newer.person_id == Membership.person_id, newer.for_organisation.is_(False), newer.id > Membership.id
        ),
    )


def member_search_conditions(
    *, text=None, status=None, tier_id=None, region=None, employer_type=None, renews_in=None
) -> list:
    """What a membership must meet to be in the staff search for these filters, on the memberships table alone
    (no join): each person's latest personal membership with `text` in the name, email or membership number,
    the status, tier, region, employer type, and `renews_in` (a month: the membership expires in it)."""
    conditions = [_latest_personal()]
    if text and text.strip():
        conditions.append(Membership.id.in_(matching_memberships(text)))
    for column, value in (
        (Membership.status, status),
        (Membership.tier_id, tier_id),
        (Membership.region, region),
        (Membership.employer_type, employer_type),
    ):
        if value is not None:
            conditions.append(column == value)
    if renews_in is not None:
        starts = renews_in.replace(day=1)
        conditions += [Membership.expires_on >= starts, Membership.expires_on < next_month(starts)]
    return conditions


def member_search(*, text=None, **filters) -> sa.Select:
    """Each person's latest personal membership (organisations' own memberships left out), with its
    person loaded, matching every filter of `member_search_conditions`: with `text`, ranked best first, then
    by name; without, by name."""
    statement = (
        sa.select(Membership)
        .join(Person, Person.id == Membership.person_id)
        # The list shows a person's name and email: their roles and secrets stay in the database.
        .options(contains_eager(Membership.person).load_only(Person.name, Person.email).lazyload(Person.role_grants))
        .where(*member_search_conditions(text=text, **filters))
    )
    if text and text.strip():
        statement = statement.order_by(search_rank(text))
    return statement.order_by(Person.name, Membership.id)


def member_search_count(**filters) -> sa.Select:
    """The ids `member_search` finds for the same filters, read from the memberships table alone: what its
    count needs, without the people joined for their names."""
    return sa.select(Membership.id).where(*member_search_conditions(**filters))


def status_changes(*, to_status=None, changed_from=None, changed_to=None) -> sa.Select:
    """Moves of personal memberships into `to_status` (any status when None) on the UK days from
    `changed_from` to `changed_to` (either may be None), newest first, each with its membership and person:
    exactly the moves the dashboard's lapses and resignations count (`figures.moves_into`). A membership that
    lapsed and was renewed since is here, with the status it holds now beside it."""
    at_or_after, before = london_day_bounds(changed_from, changed_to)
    statuses = [to_status] if to_status is not None else list(MembershipStatus)
    return (
        moves_into(statuses, at_or_after, before)
        .join(Person, Person.id == Membership.person_id)
        .options(
            contains_eager(MembershipChange.membership)
            .contains_eager(Membership.person)
            .load_only(Person.name, Person.email)
            .lazyload(Person.role_grants)
        )
        .order_by(MembershipChange.changed_at.desc(), MembershipChange.id.desc())
    )


def memberships_of(person_id) -> list[Membership]:
    """Every membership the person held or applied for (an organisation's own too), oldest first, each
    with its status changes and who made them."""
    return db.session.scalars(
        sa.select(Membership)
        .where(Membership.person_id == person_id)
        .options(selectinload(Membership.history).selectinload(MembershipChange.actor))
        .order_by(Membership.id)
    ).all()


def declarations_of(membership_ids) -> list[CpdDeclaration]:
    """The CPD declarations made at renewal for these memberships."""
    return db.session.scalars(
        sa.select(CpdDeclaration)
        .where(CpdDeclaration.membership_id.in_(membership_ids or [0]))
        .order_by(CpdDeclaration.id)
    ).all()
