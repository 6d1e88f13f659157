"""What the events lists show, a page at a time: the public programme, the staff list and an event's attendees."""

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from nalw.accounts.models import Person
from nalw.core.listing import where_equal
from nalw.core.paging import paginate_models
from nalw.core.time import month_edges, utcnow
from nalw.events.models import Booking, BookingStatus, Event, EventStatus, WaitingListEntry, WaitingStatus
from nalw.extensions import db

PUBLIC_PAGE_SIZE = 20
STAFF_PAGE_SIZE = 50


def published_events(page, *, region=None, kind=None, event_format=None, month=None):
    """Published events in date order, filtered; without a month, only those not yet over."""
    query = sa.select(Event).where(Event.status == EventStatus.PUBLISHED)
    query = where_equal(query, (Event.region, region), (Event.kind, kind), (Event.format, event_format))
    if month:
        start, end = month_edges(month)
        query = query.where(Event.starts_at >= start, Event.starts_at < end)
    else:
        query = query.where(Event.ends_at > utcnow())
    return paginate_models(query.order_by(Event.starts_at, Event.id), page, PUBLIC_PAGE_SIZE)


def staff_events(page):
    """Every event, the latest first, each with its number of confirmed places (`confirmed[event.id]`)."""
    events = paginate_models(sa.select(Event).order_by(Event.starts_at.desc(), Event.id.desc()), page, STAFF_PAGE_SIZE)
    return events, confirmed_counts([event.id for event in events.items])


def confirmed_counts(event_ids) -> dict[int, int]:
    """How many confirmed places each of the events has (events with none are left out)."""
    rows = db.session.execute(
        sa.select(Booking.event_id, sa.func.count())
        .where(Booking.event_id.in_(event_ids or [0]), Booking.status == BookingStatus.CONFIRMED)
        .group_by(Booking.event_id)
    )
    return dict(rows.all())


def attendee_query(event, search=""):
    """An event's confirmed bookings by name; `search` matches part of a name or email."""
    query = (
        sa.select(Booking)
        .join(Person, Person.id == Booking.person_id)
        .where(Booking.event_id == event.id, Booking.status == BookingStatus.CONFIRMED)
    )
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(sa.or_(sa.func.lower(Person.name).like(pattern), sa.func.lower(Person.email).like(pattern)))
    return query.order_by(Person.name, Booking.id)


def upcoming_with_places(now, limit) -> list[tuple[Event, int, int]]:
    """The next `limit` published events to start, each with its places taken (as `places_taken` counts them)
    and how many are waiting for a place: three queries, whatever the number of bookings."""
    events = db.session.scalars(
        sa.select(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.starts_at >= now)
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
        .options(lazyload(Event.standards))  # not shown: no query for them
    ).all()
    ids = [event.id for event in events] or [0]
    booked = dict(
        db.session.execute(
            sa.select(Booking.event_id, sa.func.count(Booking.id))
            .where(
                Booking.event_id.in_(ids),
                sa.or_(
                    Booking.status == BookingStatus.CONFIRMED,
                    sa.and_(Booking.status == BookingStatus.HELD, Booking.hold_expires_at > now),
                ),
            )
            .group_by(Booking.event_id)
        ).all()
    )
    offered, waiting = {}, {}
    for event_id, status, count in db.session.execute(
        sa.select(WaitingListEntry.event_id, WaitingListEntry.status, sa.func.count(WaitingListEntry.id))
        .where(
            WaitingListEntry.event_id.in_(ids),
            sa.or_(
                WaitingListEntry.status == WaitingStatus.WAITING,
                sa.and_(WaitingListEntry.status == WaitingStatus.OFFERED, WaitingListEntry.offer_expires_at > now),
            ),
        )
        .group_by(WaitingListEntry.event_id, WaitingListEntry.status)
    ).all():
        (waiting if status is WaitingStatus.WAITING else offered)[event_id] = count
    return [(event, booked.get(event.id, 0) + offered.get(event.id, 0), waiting.get(event.id, 0)) for event in events]
