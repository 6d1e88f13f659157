"""The public register: who is a member, for employers and patients to check a link worker's standing.

It shows only people who consented, and only their name, number, status and region.
"""

import re

import sqlalchemy as sa

from nalw.accounts.models import Person
from nalw.core.paging import paginate_rows
from nalw.members.models import Membership, MembershipStatus

# Statuses the register shows: standing that an employer would want to know about.
SHOWN_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.GRACE, MembershipStatus.SUSPENDED, MembershipStatus.LAPSED)
PER_PAGE = 20
_NUMBER = re.compile(r"^\s*(?:NALW-?)?(\d{1,6})\s*$", re.IGNORECASE)


def search_register(query, page=1):
    """Members who consented, by membership number (exact) or by name (every word must match)."""
    statement = (
        sa.select(Membership.number, Membership.status, Membership.region, Person.name)
        .join(Person, Person.id == Membership.person_id)
        .where(
            Membership.register_consent.is_(True),
            Membership.for_organisation.is_(False),
            Membership.status.in_(SHOWN_STATUSES),
            Membership.number.is_not(None),
        )
        .order_by(Person.name, Membership.number)
    )
    number = _NUMBER.match(query)
    if number:
        statement = statement.where(Membership.number == f"NALW-{int(number.group(1)):06d}")
    else:
        for word in query.lower().split()[:5]:
            statement = statement.where(sa.func.lower(Person.name).contains(word, autoescape=True))
    return paginate_rows(statement, page, PER_PAGE)
