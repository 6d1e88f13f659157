"""Staff find members: by name, email or membership number, ranked, and by what their membership says.

On PostgreSQL the search is served by trigram (pg_trgm) GIN indexes on the person's name and email and
the membership number, which answer `ILIKE '%text%'` without reading every row; SQLite reads the rows.
"""

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, selectinload

from nalw.accounts.models import Person
from nalw.core.listing import escape_like, london_day_bounds, where_equal
from nalw.core.time import next_month
from nalw.extensions import db
from nalw.members.figures import moves_into
from nalw.members.models import CpdDeclaration, Membership, MembershipChange, MembershipStatus

# How a match ranks: the exact membership number or email first, then what starts with the text
# (the name, any word of it, the email or the number), then what merely holds it.
EXACT, STARTS, HOLDS = 0, 1, 2


def search_rank(text):
    """(where, rank): the condition a membership must meet to match `text`, and its rank as a column."""
    needle = escape_like(text.strip().lower())
    holds, starts, word_starts = f"%{needle}%", f"{needle}%", f"% {needle}%"
    name, email, number = Person.name, Person.email, Membership.number

    def like(column, pattern):
        return column.ilike(pattern, escape="\\")

    where = sa.or_(like(name, holds), like(email, holds), like(number, holds))
    rank = sa.case(
        (sa.or_(sa.func.lower(number) == text.strip().lower(), email == text.strip().lower()), EXACT),
        (sa.or_(like(name, starts), like(name, word_starts), like(email, starts), like(number, starts)), STARTS),
        else_=HOLDS,
    )
    return where, rank


def member_search(
    *, text=None, status=None, tier_id=None, region=None, employer_type=None, renews_in=None
) -> sa.Select:
    """Each person's latest personal membership (organisations' own memberships left out), with its
    person loaded, matching every filter given: `text` in the name, email or membership number (ranked
    best first, then by name), the status, tier, region, employer type, and `renews_in` (a month: the
    membership expires in it). Without `text`, by name."""
    newer = aliased(Membership)
    statement = (
        sa.select(Membership)
        .join(Person, Person.id == Membership.person_id)
        # The list shows a person's name and email: their roles and secrets stay in the database.
        .options(contains_eager(Membership.person).load_only(Person.name, Person.email).lazyload(Person.role_grants))
        .where(
            Membership.for_organisation.is_(False),
            ~sa.exists().where(
                newer.person_id == Membership.person_id, newer.for_organisation.is_(False), newer.id > Membership.id
            ),
        )
    )
    if text and text.strip():
        where, rank = search_rank(text)
        statement = statement.where(where).order_by(rank)
    statement = statement.order_by(Person.name, Membership.id)
    statement = where_equal(
        statement,
        (Membership.status, status),
        (Membership.tier_id, tier_id),
        (Membership.region, region),
        (Membership.employer_type, employer_type),
    )
    if renews_in is not None:
        starts = renews_in.replace(day=1)
        following = next_month(starts)
        statement = statement.where(Membership.expires_on >= starts, Membership.expires_on < following)
    return statement


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
