"""What staff pages read about one person's events: their bookings and waiting-list places."""

import sqlalchemy as sa

from nalw.events.models import Booking, WaitingListEntry
from nalw.extensions import db


def bookings_of(person_id) -> list[Booking]:
    """Every booking the person made, with its event, oldest first."""
    return db.session.scalars(sa.select(Booking).where(Booking.person_id == person_id).order_by(Booking.id)).all()


def waiting_list_entries_of(person_id) -> list[WaitingListEntry]:
    """Every waiting list the person joined, with its event, oldest first."""
    return db.session.scalars(
        sa.select(WaitingListEntry).where(WaitingListEntry.person_id == person_id).order_by(WaitingListEntry.id)
    ).all()
