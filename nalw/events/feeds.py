"""A person's own calendar feed of their confirmed places, at an address with a secret in it.

The secret is the whole of the access control (a calendar app cannot sign in), so it is long and random,
and the person can reset it: the old address then stops working at once.
"""

import secrets

import sqlalchemy as sa

from nalw.core.audit import record_audit
from nalw.core.time import utcnow
from nalw.events.models import Booking, BookingStatus, CalendarFeedToken, Event
from nalw.extensions import db

FEED_EVENTS_LIMIT = 500


def feed_token(person) -> CalendarFeedToken | None:
    return db.session.scalar(sa.select(CalendarFeedToken).where(CalendarFeedToken.person_id == person.id))


def reset_feed_token(person) -> CalendarFeedToken:
    """Give the person a new secret address for their feed (the first, or a replacement for a leaked one)."""
    token = feed_token(person)
    replacing = token is not None
    if token is None:
        token = CalendarFeedToken(person_id=person.id)
        db.session.add(token)
    token.token = secrets.token_urlsafe(32)
    token.created_at = utcnow()
    db.session.flush()
    if replacing:
        record_audit(person, "calendar_feed.reset", token, summary="Reset the address of their bookings calendar")
    return token


def events_for_token(token_text) -> list[Event] | None:
    """The events of the token holder's confirmed places, or None when no feed has that secret."""
    token = db.session.scalar(sa.select(CalendarFeedToken).where(CalendarFeedToken.token == token_text))
    if token is None:
        return None
    return db.session.scalars(
        sa.select(Event)
        .join(Booking, Booking.event_id == Event.id)
        .where(Booking.person_id == token.person_id, Booking.status == BookingStatus.CONFIRMED)
        .order_by(Event.starts_at)
        .limit(FEED_EVENTS_LIMIT)
    ).all()
