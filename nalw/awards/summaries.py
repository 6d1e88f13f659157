"""What the awards know of one person, for the staff member page's time line (staff only, never judges:
it names nominators and nominees whatever a blind cycle hides)."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload

from nalw.accounts.models import Person
from nalw.awards.models import AwardCategory, Nomination, NominationStatus
from nalw.extensions import db


def nominations_of(person_id, email) -> list[Nomination]:
    """For staff only (the member page's time line): the submitted nominations a person made, and those naming
    them (their email is the nominee's), oldest first, in one query. Never for judges: it names the nominator
    and the nominee whatever a blind cycle hides."""
    email = (email or "").lower()
    naming = Nomination.nominee_email == email if email else sa.false()
    return (
        db.session.scalars(
            sa.select(Nomination)
            .options(
                lazyload(Nomination.answers),
                lazyload(Nomination.evidence),
                joinedload(Nomination.category).joinedload(AwardCategory.cycle),
                joinedload(Nomination.category).lazyload(AwardCategory.criteria),
                joinedload(Nomination.nominator).lazyload(Person.role_grants),
            )
            .where(
                Nomination.status != NominationStatus.DRAFT,
                sa.or_(Nomination.nominator_id == person_id, naming),
            )
            .order_by(Nomination.submitted_at, Nomination.id)
        )
        .unique()
        .all()
    )
