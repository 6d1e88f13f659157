"""Staff find members: by name, email or membership number (an organisation's own membership by its
organisation's name too), ranked, and by what their membership says.

On PostgreSQL the search is served by trigram (pg_trgm) GIN indexes on the person's name and email and
the membership number, which answer `ILIKE '%text%'` without reading every row; SQLite reads the rows. The
organisations' names (a few hundred employers, not thousands of people) are read whole. The rank is worked
out for the matches only. Without a search, the first page walks people by name (an index) and stops after a
page; the count reads the memberships table alone, through an index of each person's personal memberships
and the index of organisation ids (`member_search_count`).
"""

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from nalw.accounts.models import Person
from nalw.core.labels import LabelledEnum
from nalw.core.listing import contains_pattern, escape_like, london_day_bounds
from nalw.core.time import next_month
from nalw.extensions import db
from nalw.members.figures import moves_into
from nalw.members.models import CpdDeclaration, Membership, MembershipChange, MembershipStatus, Organisation


class HeldBy(LabelledEnum):
    """Whose membership the staff search lists: a person's own, or an organisation's own (held by its admin)."""

    PERSON = "person", "People"
    ORGANISATION = "organisation", "Organisations"


# How a match ranks: the exact membership number or email first, then what starts with the text
# (the name, any word of it, the email or the number), then what merely holds it.
EXACT, STARTS, HOLDS = 0, 1, 2


def _like(column, pattern):
    return column.ilike(pattern, escape="\\")


def matching_memberships(text) -> sa.Select:
    """The ids of memberships whose own number, or whose person's name or email, holds `text`, and of
    organisations' own memberships whose organisation's name holds it: a UNION of one arm per column, each
    person and number arm answered by that column's trigram index, so a search reads the matching rows only. (An
    OR across the two tables could use no index; an OR of name and email in one arm is planned as a read of
    every person once the text is long, as an email address is.)"""
    holds = contains_pattern(text)
    arms = [
        sa.select(Membership.id).where(Membership.person_id.in_(sa.select(Person.id).where(_like(column, holds))))
        for column in (Person.name, Person.email)
    ]
    by_organisation = sa.select(Membership.id).where(
        Membership.for_organisation.is_(True),
        Membership.organisation_id.in_(sa.select(Organisation.id).where(_like(Organisation.name, holds))),
    )
    return sa.union(*arms, sa.select(Membership.id).where(_like(Membership.number, holds)), by_organisation)


def search_rank(text):
    """The rank of a match for `text` as a column (EXACT, STARTS or HOLDS), worked out only for the rows that
    match: the exact membership number or email, then what starts with the text (or a word of the person's or
    the organisation's name does), then what holds it. Reads the organisation joined as `member_search` joins it."""
    needle = escape_like(text.strip().lower())
    starts, word_starts = f"{needle}%", f"% {needle}%"
    name, email, number, organisation = Person.name, Person.email, Membership.number, Organisation.name
    return sa.case(
        (sa.or_(sa.func.lower(number) == text.strip().lower(), email == text.strip().lower()), EXACT),
        (
            sa.or_(
                *(_like(column, pattern) for column in (name, organisation) for pattern in (starts, word_starts)),
                _like(email, starts),
                _like(number, starts),
            ),
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


# An organisation's own membership: each organisation has one, held by its admin beside any of their own. It
# always names its organisation: said too, so the count finds these few through the index of organisation ids.
_ORGANISATIONS_OWN = sa.and_(Membership.organisation_id.is_not(None), Membership.for_organisation.is_(True))


def _held_by(held_by):
    """The conditions of the memberships `held_by` asks for (both kinds when None), one per kind."""
    kinds = {HeldBy.PERSON: _latest_personal(), HeldBy.ORGANISATION: _ORGANISATIONS_OWN}
    return [kinds[held_by]] if held_by is not None else list(kinds.values())


def member_search_conditions(*, held_by=None, **filters) -> list:
    """What a membership must meet to be in the staff search for these filters, on the memberships table alone
    (no join): each person's latest personal membership and each organisation's own (only one kind when
    `held_by` says which), matching every filter of `_filter_conditions`."""
    return [sa.or_(*_held_by(held_by)), *_filter_conditions(**filters)]


def _filter_conditions(
    *, text=None, status=None, tier_id=None, region=None, employer_type=None, renews_in=None
) -> list:
    """`text` in the name, email or membership number (or the organisation's name), the status, tier, region,
    employer type, and `renews_in` (a month: the membership expires in it)."""
    conditions = []
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
    """Rows of (Membership, organisation_name): each person's latest personal membership and each
    organisation's own membership (its organisation's name beside it; None for a person's own), with its person
    (for an organisation's, its admin) loaded, matching every filter of `member_search_conditions`: with
    `text`, ranked best first, then by name; without, by name."""
    statement = (
        sa.select(Membership, Organisation.name.label("organisation_name"))
        .join(Person, Person.id == Membership.person_id)
        .outerjoin(Organisation, sa.and_(Membership.for_organisation, Organisation.id == Membership.organisation_id))
        # The list shows a person's name and email: their roles and secrets stay in the database.
        .options(contains_eager(Membership.person).load_only(Person.name, Person.email).lazyload(Person.role_grants))
        .where(*member_search_conditions(text=text, **filters))
    )
    if text and text.strip():
        statement = statement.order_by(search_rank(text))
    return statement.order_by(Person.name, Membership.id)


def member_search_count(*, text=None, held_by=None, **filters) -> sa.Select | sa.CompoundSelect:
    """The ids `member_search` finds for the same filters, read from the memberships table alone: what its
    count needs, without the people joined for their names. Without `text`, the personal memberships and the
    organisations' own are two arms of a UNION ALL, so the first is counted from the index of personal
    memberships alone (an OR of the two is planned as a read of every membership, with a look for a newer one
    for each); a search finds few rows, which the OR checks, and it is looked up once, not once per arm."""
    if text and text.strip():
        return sa.select(Membership.id).where(*member_search_conditions(text=text, held_by=held_by, **filters))
    others = _filter_conditions(**filters)
    return sa.union_all(*(sa.select(Membership.id).where(kind, *others) for kind in _held_by(held_by)))


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
    with its status changes and who made them, and its organisation (for a seat or an organisation's own)."""
    return db.session.scalars(
        sa.select(Membership)
        .where(Membership.person_id == person_id)
        .options(
            selectinload(Membership.history).selectinload(MembershipChange.actor),
            joinedload(Membership.organisation).lazyload(Organisation.membership),
        )
        .order_by(Membership.id)
    ).all()


def declarations_of(membership_ids) -> list[CpdDeclaration]:
    """The CPD declarations made at renewal for these memberships."""
    return db.session.scalars(
        sa.select(CpdDeclaration)
        .where(CpdDeclaration.membership_id.in_(membership_ids or [0]))
        .order_by(CpdDeclaration.id)
    ).all()
